"""What the sample content says, read straight from the files with PyYAML, independent of our reader."""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from conftest import BUILD_MOMENT
from site_core import long_date

LONDON = ZoneInfo("Europe/London")


@dataclass
class SampleArticle:
    path: Path
    meta: dict
    body: str

    @property
    def slug(self) -> str:
        return self.meta.get("slug") or re.sub(r"^\d{4}-\d{2}-\d{2}-", "", self.path.stem)

    @property
    def date(self) -> datetime:
        value = self.meta["date"]
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        elif not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return value if value.tzinfo else value.replace(tzinfo=LONDON)

    @property
    def is_public(self) -> bool:
        """Published and dated no later than the moment the test builds happen at (SOURCE_DATE_EPOCH)."""
        return self.meta.get("status", "published") == "published" and self.date <= BUILD_MOMENT


def read_documents(folder: Path) -> list[SampleArticle]:
    documents = []
    for path in sorted(folder.glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        documents.append(SampleArticle(path, yaml.safe_load(front), body))
    return documents


def read_articles(content: Path) -> list[SampleArticle]:
    return read_documents(content / "articles")


def read_pages(content: Path) -> list[SampleArticle]:
    """The pages, read as articles are (a page has no date, so only `slug` and `meta` apply)."""
    return read_documents(content / "pages")


# The digest ledger the published sample site is built with (conftest's `published_site`), so every check of
# that site (links, HTML validity, head, sitemap, feeds, accessibility) covers the digest archive too.
SAMPLE_LEDGER = "newsletter/ledger.json"
DELETED_ADDRESS = "articles/a-story-since-deleted/"


def sample_digests(content: Path) -> list:
    """Three digests of the sample articles: the first sent with the three newest public articles; the
    second sent with an article with a content note, a moved article by its old address, one that is not
    public (a draft or scheduled: left out) and one deleted since (left out); the third still being sent."""
    from site_core.digest import SENDING, SENT, DigestRecord

    articles = read_articles(content)
    public = sorted((a for a in articles if a.is_public), key=lambda a: a.date, reverse=True)
    noted = next(a for a in public if a.meta.get("content_note"))
    moved = next(a for a in public if a.meta.get("aliases") and a is not noted)
    hidden = next(a for a in articles if not a.is_public)

    def record(number: int, day: str, addresses: list[str], state: str = SENT):
        when = datetime.fromisoformat(day)
        subject = f"Children First: the week to {long_date(when)}"
        return DigestRecord(number=number, date=day, subject=subject, articles=addresses, state=state)

    return [
        record(1, "2026-11-23", [f"articles/{a.slug}/" for a in public[:3]]),
        record(
            2,
            "2026-11-30",
            [
                f"articles/{noted.slug}/",
                moved.meta["aliases"][0].lstrip("/"),
                f"articles/{hidden.slug}/",
                DELETED_ADDRESS,
            ],
        ),
        record(3, "2026-12-07", [f"articles/{public[0].slug}/"], state=SENDING),
    ]


def write_sample_ledger(project: Path) -> Path:
    """The sample digests' ledger, in `project` (a copy of the project: the repository keeps its own)."""
    from site_core.digest import Ledger, write_ledger

    path = project / SAMPLE_LEDGER
    write_ledger(path, Ledger(baseline=[], digests=sample_digests(project / "content")))
    return path


# The sample site's publish settings as a site whose digest has a mailing-list service: the Subscribe page
# shows the sign-up form, checked with every other page (HTML validity, axe, pa11y, the policy's form-action).
SAMPLE_DIGEST = {
    "service": "listmonk",
    "service_url": "https://lists.children-first.example",
    "subscribe_form": "https://lists.children-first.example/subscription/form",
    "service_list_uuid": "3f2b8c1e-5d4a-4e7b-9c6f-1a2b3c4d5e6f",
}


def configure_sample_digest(project: Path) -> None:
    """SAMPLE_DIGEST added to the DIGEST setting of `project`'s publishconf.py (a copy of the project)."""
    with (project / "publishconf.py").open("a", encoding="utf-8") as settings:
        settings.write(f"\nDIGEST = {{**DIGEST, **{SAMPLE_DIGEST!r}}}  # noqa: F405\n")
