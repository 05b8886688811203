"""What the sample content says, read straight from the files with PyYAML, independent of our reader."""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from conftest import BUILD_MOMENT

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
