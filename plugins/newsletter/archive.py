"""The digest archive as plain functions: the sent digests of the ledger with the site's current articles,
the Subscribe page's sign-up form, and the archive's Atom feed.

A digest names its articles by address (`articles/slug/`) and, when the ledger has them, by source file.
Each is looked up among the articles this build publishes: by its address, by an old address among an
article's `aliases`, or by its source file. One that is no longer published (deleted, or made a draft
again) is left out, so the archive never links to a page the site does not have.
"""

import html
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from lxml import etree

from site_core import Problem, config_problem
from site_core.digest import DigestOptions, LedgerError, ledger_address, ledger_source, read_ledger
from site_core.feed_document import ATOM, GENERATOR, FeedLink, for_browsers

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SERVICES = {"listmonk": "listmonk", "buttondown": "Buttondown"}


@dataclass(frozen=True)
class ArchivedDigest:
    """One sent digest as the archive shows it: its articles are the site's, in the digest's order."""

    number: int
    date: date
    subject: str
    url: str
    save_as: str
    articles: tuple
    # How many stories the digest carried, whether or not the site still has them all.
    carried: int


@dataclass(frozen=True)
class Archive:
    """Every sent digest, newest first, with the archive's title, its index page's address and its feed."""

    title: str
    url: str
    save_as: str
    digests: tuple[ArchivedDigest, ...]
    feed: FeedLink


@dataclass(frozen=True)
class SignupForm:
    """The Subscribe page's e-mail sign-up form: where it posts, and the hidden fields the service needs."""

    service: str
    service_name: str
    action: str
    host: str
    hidden: tuple[tuple[str, str], ...]
    # The day of the week the digest goes out ("Monday"), or "" when the schedule names none.
    day: str


def ledger_path(settings: dict, options: DigestOptions) -> Path:
    """The ledger's file: DIGEST["ledger"] from the project's folder (the parent of PATH)."""
    return Path(settings["PATH"]).resolve().parent / options.ledger


def load_sent(settings: dict, options: DigestOptions) -> tuple[list, list[Problem]]:
    """The ledger's sent digests (none without a ledger), or the problem that keeps it from being read."""
    path = ledger_path(settings, options)
    try:
        ledger = read_ledger(path)
    except LedgerError as error:
        return [], [
            Problem(
                str(path),
                1,
                str(error).removeprefix(f"{path}: "),
                "put back the last good version from git (`git log -p -- " + options.ledger + "`)",
            )
        ]
    return (ledger.sent() if ledger else []), []


def article_index(articles, content_root: Path) -> dict[str, object]:
    """Every name the ledger may know a published article by: its address, its aliases, its source file
    (from the content folder). An address wins over an alias or a file name that happens to equal it."""
    index: dict[str, object] = {}
    for article in articles:
        for alias in getattr(article, "aliases", None) or ():
            index.setdefault(ledger_address(alias), article)
        source = ledger_source(getattr(article, "source_path", None), content_root)
        if source is not None:
            index.setdefault(source, article)
    for article in articles:
        index[ledger_address(article.url)] = article
    return index


def resolve(record, index: dict[str, object]) -> tuple:
    """The published articles of one digest, in its order, each once; those the site no longer has left
    out. Each is found by its address, or failing that by the source file recorded beside it."""
    sources = list(getattr(record, "sources", None) or ())
    found: list = []
    for position, address in enumerate(record.articles):
        article = index.get(ledger_address(address))
        if article is None and position < len(sources):
            article = index.get(ledger_address(sources[position]))
        if article is not None and all(article is not other for other in found):
            found.append(article)
    return tuple(found)


def digest_date(record) -> tuple[date | None, str]:
    try:
        return date.fromisoformat(record.date), ""
    except (TypeError, ValueError):
        return None, f"digest {record.number} has the date {record.date!r}, not a date such as 2026-12-07"


def build_archive(
    records, articles, content_root: Path, ledger_file: Path, sitename: str
) -> tuple[Archive | None, list[Problem]]:
    """The archive of the sent digests `records`, with the published `articles`; None when none was sent."""
    index = article_index(articles, content_root)
    digests, problems = [], []
    for record in records:
        when, wrong = digest_date(record)
        if when is None:
            problems.append(Problem(str(ledger_file), 1, wrong, "write the date the digest was sent"))
            continue
        digests.append(
            ArchivedDigest(
                number=record.number,
                date=when,
                subject=record.subject,
                url=f"newsletter/{record.number}/",
                save_as=f"newsletter/{record.number}/index.html",
                articles=resolve(record, index),
                carried=len(record.articles),
            )
        )
    numbers = [digest.number for digest in digests]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(
            Problem(str(ledger_file), 1, f"two digests are numbered {number}", "give each its own number")
        )
    if not digests or problems:
        return None, problems
    newest_first = tuple(sorted(digests, key=lambda digest: (digest.date, digest.number), reverse=True))
    title = f"{sitename}: email digests"
    feed = FeedLink(ATOM, f"{title} (Atom)", "newsletter/atom.xml")
    return Archive(title, "newsletter/", "newsletter/index.html", newest_first, feed), []


def schedule_day(schedule: str) -> str:
    """The weekday DIGEST["schedule"] names ("Monday 07:00" gives "Monday"), or ""."""
    first = (schedule.split() or [""])[0].capitalize()
    return first if first in WEEKDAYS else ""


def signup_form(settings: dict, options: DigestOptions) -> tuple[SignupForm | None, list[Problem]]:
    """The sign-up form, when the digest is on (a sender address), a service keeps the subscribers and
    its public form's address is given; else None. The form posts straight to the service."""
    if not (options.enabled and options.service and options.subscribe_form):
        return None, []

    def problem(key: str, message: str, fix: str) -> tuple[None, list[Problem]]:
        return None, [config_problem(settings, "DIGEST", key, message, fix)]

    if options.service not in SERVICES:
        return problem(
            "service",
            f"DIGEST `service` is {options.service!r}, which has no sign-up form here",
            f"choose one of: {', '.join(SERVICES)}",
        )
    action = urlsplit(options.subscribe_form)
    if action.scheme != "https" or not action.netloc:
        return problem(
            "subscribe_form",
            f"DIGEST `subscribe_form` is {options.subscribe_form!r}, not an https:// address",
            "give the address of the service's public subscription form, starting https://",
        )
    hidden: tuple[tuple[str, str], ...]
    if options.service == "listmonk":
        uuid = options.service_list_uuid
        if not uuid:
            return problem(
                "subscribe_form",
                "listmonk's subscription form needs the list's UUID, and DIGEST has no `service_list_uuid`",
                'add "service_list_uuid": "…", the UUID listmonk shows for the list (Lists → the list)',
            )
        # `nonce` is listmonk's trap for robots: a person's browser sends it empty.
        hidden = (("nonce", ""), ("l", uuid))
    else:
        hidden = (("embed", "1"),)
    return SignupForm(
        service=options.service,
        service_name=SERVICES[options.service],
        action=options.subscribe_form,
        host=action.netloc,
        hidden=hidden,
        day=schedule_day(options.schedule),
    ), []


@dataclass(frozen=True)
class FeedConfig:
    siteurl: str
    sitename: str
    language: str
    publisher: str
    timezone: str
    # the Subscribe page, and the feeds' CSS stylesheet ("" for none), as addresses on the host
    subscribe: str = "/subscribe/"
    stylesheet: str = ""

    def url(self, path: str) -> str:
        return f"{self.siteurl.rstrip('/')}/{path.lstrip('/')}"


def sent_at(day: date, timezone: str) -> datetime:
    """A digest's date as a moment: the start of that day in the site's time zone, in UTC."""
    return datetime.combine(day, time(0, 0), ZoneInfo(timezone or "UTC")).astimezone(UTC)


def entry_html(digest: ArchivedDigest, config: FeedConfig) -> str:
    """What a feed reader shows of one digest: its stories, each linked, with its teaser."""
    if not digest.articles:
        return "<p>None of the stories this digest carried is on the site any more.</p>"
    items = []
    for article in digest.articles:
        note = getattr(article, "content_note", "") or ""
        items.append(
            f'<li><a href="{html.escape(config.url(article.url))}">{html.escape(article.title)}</a>'
            + (f"<br>Content note: {html.escape(note)}" if note else "")
            + f"<br>{html.escape(getattr(article, 'teaser', '') or '')}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def feed_bytes(archive: Archive, config: FeedConfig) -> bytes:
    """The archive as an Atom feed: one entry per digest, newest first, its id the digest page's address.
    Every date comes from the ledger, so the same ledger gives the same bytes."""
    page_url = config.url(archive.url)
    generator = FeedGenerator()
    generator.title(archive.title)
    generator.id(page_url)
    generator.link(href=config.url(archive.feed.path), rel="self")
    generator.link(href=page_url, rel="alternate")
    generator.subtitle(f"Every email digest {config.sitename} has sent, newest first.")
    generator.language(config.language)
    generator.author(name=config.publisher, uri=config.url(""))
    generator.generator(GENERATOR, uri=config.url(""))
    newest = sent_at(archive.digests[0].date, config.timezone)
    generator.updated(newest)
    generator.rights(f"© {newest.year} {config.publisher}")
    for digest in archive.digests:
        url = config.url(digest.url)
        moment = sent_at(digest.date, config.timezone)
        entry = generator.add_entry(order="append")
        entry.id(url)
        entry.title(digest.subject)
        entry.link(href=url, rel="alternate")
        entry.published(moment)
        entry.updated(moment)
        count = len(digest.articles)
        entry.summary(f"{count} stor{'y' if count == 1 else 'ies'} from {config.sitename}.")
        entry.content(entry_html(digest, config), type="html")
    return for_browsers(
        etree.fromstring(generator.atom_str(pretty=True)),
        config.sitename,
        config.subscribe,
        config.stylesheet,
    )
