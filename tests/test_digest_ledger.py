"""Which articles each digest carries: a Hypothesis state machine over what authors and the clock do.

Authors publish, backdate, schedule, retitle, re-slug (with or without an alias) and delete articles; the
clock moves by hours and days, across the changes to and from British Summer Time; the digest runs, or
stops half-way through its subscribers (the SMTP server goes away) and runs again later. The real planner,
ledger file and SMTP delivery loop run against a stand-in server. Whatever happens: every subscriber gets
every published article exactly once, in the first digest made after it was published, and nothing before
it is published.
"""

import email
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings, strategies
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from commands.digest.delivery import DeliveryError, Subscriber, send_by_smtp
from commands.digest.message import Envelope
from commands.digest.plan import plan_digest
from commands.digest.render import Letter
from commands.digest.stories import Story
from site_core.digest import SENT, read_ledger, write_ledger

LONDON = ZoneInfo("Europe/London")
# A Saturday before the clocks go back (25 October 2026) and a long way before they go forward again.
START = datetime(2026, 10, 17, 9, tzinfo=LONDON)
SUBSCRIBERS = [
    Subscriber(str(n), f"reader{n}@example.org", f"https://lists.example.org/u/{n}") for n in range(3)
]


def letter_of(stories: list[Story]) -> Letter:
    """A letter whose text lists the source files of its stories, so what arrives can be read back."""
    return Letter("Digest", "<p>Stories</p>", "\n".join(story.source for story in stories))


class StandInServer:
    """An SMTP server that accepts messages until it is told to go away after `fail_after` more."""

    host, port = "smtp.example.org", 587

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str]]] = []  # (subscriber address, the sources it carried)
        self.fail_after: int | None = None

    @contextmanager
    def connection(self):
        yield self

    def sendmail(self, sender: str, recipients: list[str], data: bytes) -> None:
        if self.fail_after is not None:
            if self.fail_after == 0:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            self.fail_after -= 1
        text = email.message_from_bytes(data, policy=email.policy.default).get_body(("plain",)).get_content()
        self.received.append((recipients[0], text.split()))


@dataclass
class Article:
    """What the author has: a file that may change its slug, title and date, or go away."""

    source: str
    slug: str
    title: str
    date: datetime
    aliases: tuple[str, ...] = ()

    def story(self) -> Story:
        return Story(
            address=f"articles/{self.slug}/",
            source=self.source,
            aliases=self.aliases,
            title=self.title,
            url=f"https://children-first.example/articles/{self.slug}/",
            date=self.date,
            category="News",
            teaser="A teaser.",
            teaser_cut=False,
        )


class DigestMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(self.tmp_factory.mktemp("ledger"))
        self.ledger_path = self.folder / "ledger.json"
        self.now = START
        self.articles: dict[str, Article] = {}
        self.counter = 0
        self.server = StandInServer()
        # Every source published before the first digest's window, which no digest carries.
        self.before_first: set[str] = set()
        self.started = False
        # source -> the step at which the article became visible (published and its date reached); steps
        # order what happens at the same clock time
        self.visible_since: dict[str, int] = {}
        self.steps = 0
        # source -> the digest numbers made after it was visible: it belongs in the first of them
        self.digests_made: list[tuple[int, int, set[str]]] = []
        self.crashed = False

    tmp_factory: pytest.TempPathFactory  # set by the test, which Hypothesis cannot pass to the machine

    def visible(self) -> list[Article]:
        return [article for article in self.articles.values() if article.date <= self.now]

    def stories(self) -> list[Story]:
        stories = [article.story() for article in self.visible()]
        return sorted(stories, key=lambda story: (-story.date.timestamp(), story.address))

    def add(self, date: datetime) -> None:
        self.counter += 1
        source = f"articles/{self.counter:03d}.md"
        self.articles[source] = Article(source, f"story-{self.counter}", f"Story {self.counter}", date)

    def note_visibility(self) -> None:
        self.steps += 1
        for article in self.visible():
            self.visible_since.setdefault(article.source, self.steps)

    @rule()
    def publish(self) -> None:
        self.add(self.now)
        self.note_visibility()

    @rule(days=strategies.integers(1, 400))
    def backdate(self, days: int) -> None:
        """An article dated in the past (an old report put online now)."""
        self.add(self.now - timedelta(days=days))
        self.note_visibility()

    @rule(hours=strategies.integers(1, 24 * 20))
    def schedule(self, hours: int) -> None:
        self.add(self.now + timedelta(hours=hours))

    @precondition(lambda self: self.articles)
    @rule(data=strategies.data())
    def retitle(self, data) -> None:
        source = data.draw(strategies.sampled_from(sorted(self.articles)))
        article = self.articles[source]
        self.articles[source] = replace(article, title=article.title + " (updated)")

    @precondition(lambda self: self.articles)
    @rule(data=strategies.data(), keep_alias=strategies.booleans())
    def reslug(self, data, keep_alias: bool) -> None:
        """A new slug; the old address kept as an alias or not (the file stays the same)."""
        source = data.draw(strategies.sampled_from(sorted(self.articles)))
        article = self.articles[source]
        aliases = (*article.aliases, f"articles/{article.slug}/") if keep_alias else article.aliases
        self.articles[source] = replace(article, slug=article.slug + "-new", aliases=aliases)

    @precondition(lambda self: self.articles)
    @rule(data=strategies.data())
    def reschedule(self, data) -> None:
        """An article's date moved: later, earlier, into the future or the past."""
        source = data.draw(strategies.sampled_from(sorted(self.articles)))
        shift = data.draw(strategies.integers(-24 * 30, 24 * 30))
        moved = replace(self.articles[source], date=self.articles[source].date + timedelta(hours=shift))
        self.articles[source] = moved
        carried = any(source in sources for _, _, sources in self.digests_made)
        if moved.date > self.now and not carried:
            self.visible_since.pop(source, None)  # unpublished again before any digest carried it
        self.note_visibility()

    @precondition(lambda self: self.articles)
    @rule(data=strategies.data())
    def delete(self, data) -> None:
        source = data.draw(strategies.sampled_from(sorted(self.articles)))
        del self.articles[source]

    @rule(hours=strategies.integers(1, 24 * 10))
    def wait(self, hours: int) -> None:
        """The clock moves on (in real time: across a change of summer time an hour of the day shifts)."""
        self.now = (self.now.astimezone(UTC) + timedelta(hours=hours)).astimezone(LONDON)
        self.note_visibility()

    def run_digest(self, fail_after: int | None) -> None:
        self.server.fail_after = fail_after
        ledger = read_ledger(self.ledger_path)
        if ledger is None and not self.started:
            self.started = True
        stories = self.stories()
        while True:
            plan = plan_digest(stories, ledger, self.now, "Digest {date}", 7)
            if plan.started_ledger:
                self.before_first = set(plan.ledger.baseline)
            if plan.digest is None:
                if plan.started_ledger:
                    write_ledger(self.ledger_path, plan.ledger)
                return
            if not plan.resumed:
                carried = {story.source for story in plan.stories}
                self.steps += 1
                self.digests_made.append((plan.digest.number, self.steps, carried))
            write_ledger(self.ledger_path, plan.ledger)

            def save(plan=plan) -> None:
                write_ledger(self.ledger_path, plan.ledger)

            envelope = Envelope(
                sender_name="Children First",
                sender_address="digest@example.org",
                reply_to="",
                list_name="Digest",
                list_id="d.example.org",
                archive_url="https://children-first.example/newsletter/",
                sent_at=self.now,
                digest_number=plan.digest.number,
            )
            send_by_smtp(
                letter_of(plan.stories), envelope, SUBSCRIBERS, plan.digest, save, self.server, None, 2
            )
            if not plan.resumed:
                return
            ledger = plan.ledger

    @rule()
    def run(self) -> None:
        self.run_digest(None)
        self.crashed = False
        self.check_everything_visible_was_sent()

    @rule(after=strategies.integers(0, len(SUBSCRIBERS) - 1))
    def run_and_crash(self, after: int) -> None:
        try:
            self.run_digest(after)
        except DeliveryError:
            self.crashed = True

    def sent_sources(self) -> dict[str, list[str]]:
        """For each subscriber, the source of every story in every message they received, repeats kept."""
        received: dict[str, list[str]] = {s.address: [] for s in SUBSCRIBERS}
        for address, sources in self.server.received:
            received[address].extend(sources)
        return received

    @invariant()
    def nobody_gets_an_article_twice(self) -> None:
        for address, sources in self.sent_sources().items():
            assert len(sources) == len(set(sources)), (address, sorted(sources))

    @invariant()
    def nothing_is_sent_before_it_is_published(self) -> None:
        for _, made, carried in self.digests_made:
            for source in carried:
                assert self.visible_since.get(source, made + 1) <= made, (source, made)

    def check_everything_visible_was_sent(self) -> None:
        """After a run that finished: every visible article that is not from before the first digest went
        to every subscriber, in the first digest made after it became visible."""
        received = self.sent_sources()
        ledger = read_ledger(self.ledger_path)
        assert ledger is None or all(d.state == SENT for d in ledger.digests)
        for article in self.visible():
            if article.source in self.before_first:
                continue
            for address, sources in received.items():
                assert article.source in sources, (address, article.source)
            first = next(
                number for number, made, _ in self.digests_made if made >= self.visible_since[article.source]
            )
            carrier = next(number for number, _, carried in self.digests_made if article.source in carried)
            assert carrier == first, (article.source, carrier, first)


def test_every_published_article_is_sent_exactly_once_in_the_first_digest_after_it(tmp_path_factory):
    DigestMachine.tmp_factory = tmp_path_factory
    run_state_machine_as_test(
        DigestMachine, settings=settings(max_examples=150, stateful_step_count=40, deadline=None)
    )
