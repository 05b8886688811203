"""Which articles the next digest carries: those the ledger does not know by any name, never by date.

Dates move (an article is backdated, rescheduled, corrected) and addresses change (a re-slug keeps the old
address among its aliases, or keeps its file), so an article is "already carried" when its address, any of
its aliases or its source file is in the ledger. A digest that was being sent when a run stopped is
finished before any new one is made, with the same articles.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from site_core import long_date
from site_core.digest import DigestRecord, Ledger

from .stories import Story


@dataclass
class Plan:
    """What a run does: the ledger to write (with the digest to send in it, if any) and that digest."""

    ledger: Ledger
    digest: DigestRecord | None
    stories: list[Story]
    started_ledger: bool = False
    resumed: bool = False


def start_ledger(stories: list[Story], now: datetime, first_digest_days: int) -> Ledger:
    """The ledger of a site's first digest: what was published before its window is never sent."""
    window = now - timedelta(days=first_digest_days)
    older = [story for story in stories if story.date < window]
    return Ledger(baseline=sorted({name for story in older for name in (story.address, story.source)}))


def new_stories(stories: list[Story], ledger: Ledger) -> list[Story]:
    carried = ledger.carried()
    return [story for story in stories if not story.names & carried]


def plan_digest(
    stories: list[Story], ledger: Ledger | None, now: datetime, subject: str, first_digest_days: int
) -> Plan:
    """The next digest, made from `stories` (published, newest first) at `now` (in the site's time zone);
    `subject` is the subject, where {date} is replaced by the digest's date. No new article: no digest."""
    started = ledger is None
    if ledger is None:
        ledger = start_ledger(stories, now, first_digest_days)
    unfinished = ledger.unfinished()
    if unfinished is not None:
        by_name = {name: story for story in stories for name in story.names}
        sources = unfinished.sources or [""] * len(unfinished.articles)
        found = (
            by_name.get(source) or by_name.get(address)
            for address, source in zip(unfinished.articles, sources, strict=True)
        )
        kept = [story for story in found if story is not None]
        return Plan(ledger, unfinished, kept, started_ledger=started, resumed=True)
    fresh = new_stories(stories, ledger)
    if not fresh:
        return Plan(ledger, None, [], started_ledger=started)
    digest = DigestRecord(
        number=max((d.number for d in ledger.digests), default=0) + 1,
        date=now.date().isoformat(),
        subject=subject.replace("{date}", long_date(now)),
        articles=[story.address for story in fresh],
        sources=[story.source for story in fresh],
    )
    ledger.digests.append(digest)
    return Plan(ledger, digest, fresh, started_ledger=started)
