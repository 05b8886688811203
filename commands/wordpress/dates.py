"""Dates in a WordPress export: `post_date_gmt` is the moment; a draft has none, so its local date is read
with the offset the old site had at that time of year, learnt from its other posts."""

import bisect
from datetime import UTC, datetime, timedelta

from .wxr import Item


def parse_wp_date(text: str) -> datetime | None:
    if not text or text.startswith("0000"):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


class Offsets:
    """The old site's offset from UTC near a given local time, learnt from items that have both dates
    (drafts have no GMT date; WordPress sets it when they are published)."""

    def __init__(self, items: list[Item]) -> None:
        pairs = []
        for item in items:
            local, gmt = parse_wp_date(item.date_local), parse_wp_date(item.date_gmt)
            if local and gmt:
                pairs.append((local, local - gmt))
        pairs.sort()
        self.times = [p[0] for p in pairs]
        self.offsets = [p[1] for p in pairs]

    def near(self, local: datetime) -> timedelta:
        if not self.times:
            return timedelta(0)
        index = bisect.bisect_left(self.times, local)
        nearest = min(
            (i for i in (index - 1, index) if 0 <= i < len(self.times)),
            key=lambda i: abs(self.times[i] - local),
        )
        return self.offsets[nearest]


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def moment_of(item: Item, offsets: Offsets, fallback: datetime | None) -> tuple[datetime, str]:
    """The item's moment in UTC, and a note when it had to be inferred."""
    gmt = parse_wp_date(item.date_gmt)
    if gmt is not None:
        return gmt.replace(tzinfo=UTC), ""
    local = parse_wp_date(item.date_local)
    if local is not None:
        offset = offsets.near(local)
        moment = (local - offset).replace(tzinfo=UTC)
        return moment, (
            "its date is the old site's local time (a draft has no UTC date in the export), taken as "
            f"UTC{'+' if offset >= timedelta(0) else '-'}{abs(offset)} as its other posts were"
        )
    return fallback or datetime(1970, 1, 1, tzinfo=UTC), (
        "the export gives it no date at all: it is dated when the export was made"
    )
