"""The published articles as the digest sees them, read by the site's own build.

The digest shows what the site shows (the same teaser, content note and thumbnail, at the addresses the
publish build gives them), so it reads the articles the way the site is built: Pelican with the site's
plugins and the chosen settings file, into a folder thrown away afterwards. A site that does not build
sends no digest: its problems are printed as the build prints them.
"""

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator
from pelican.settings import read_settings

from site_core import BuildFailed
from site_core.digest import ledger_address, ledger_source

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Story:
    """One published article: its address on the site (`articles/slug/`, the path of its feeds' id), the
    other names it has had (its aliases and its source file), and what a digest shows of it."""

    address: str
    source: str
    aliases: tuple[str, ...]
    title: str
    url: str
    date: datetime
    category: str
    teaser: str
    teaser_cut: bool
    content_note: str = ""
    thumbnail: Thumbnail | None = None

    @property
    def names(self) -> frozenset[str]:
        """Every name the ledger may know it by."""
        return frozenset({self.address, self.source, *self.aliases})


class SiteDoesNotBuild(RuntimeError):
    """The site's build stopped; its problems were printed."""


def thumbnail_of(article, siteurl: str) -> Thumbnail | None:
    """The lead image's card crop as a JPEG (or PNG) an e-mail client shows: the one copy the images plugin
    makes for what cannot choose among widths, in its fallback format; never SVG, AVIF or WebP."""
    one = (getattr(article, "card_image", None) or {}).get("thumbnail") or {}
    if not one.get("src", "").lower().endswith((".jpg", ".jpeg", ".png")):
        return None
    alt = getattr(article, "image_alt", "") or ""
    return Thumbnail(
        urljoin(siteurl + "/", one["src"].lstrip("/")),
        int(one["width"]),
        int(one["height"]),
        "" if alt == "decorative" else alt,
    )


def story_of(article, siteurl: str, content_root: Path) -> Story:
    return Story(
        address=ledger_address(article.url),
        source=ledger_source(article.source_path, content_root) or Path(article.source_path).name,
        aliases=tuple(ledger_address(alias) for alias in getattr(article, "aliases", None) or ()),
        title=article.title,
        url=urljoin(siteurl + "/", article.url),
        date=article.date,
        category=article.category.name,
        teaser=getattr(article, "teaser", "") or "",
        teaser_cut=bool(getattr(article, "teaser_cut", False)),
        content_note=getattr(article, "content_note", "") or "",
        thumbnail=thumbnail_of(article, siteurl),
    )


def read_site(settings_file: Path) -> tuple[dict, list[Story]]:
    """The settings of `settings_file` and the site's published articles, newest first."""
    captured: list = []

    def keep(generators) -> None:
        captured.extend(generators)

    with tempfile.TemporaryDirectory(prefix="digest-build-") as folder:
        # The build's cache is made beside its output, so both go with the folder. The search index and the
        # optimiser only change files this build throws away.
        settings = read_settings(
            str(settings_file),
            override={"OUTPUT_PATH": str(Path(folder) / "site"), "SEARCH": {"index": False}, "OPTIMISE": {}},
        )
        signals.all_generators_finalized.connect(keep)
        try:
            Pelican(settings).run()
        except BuildFailed as failure:
            raise SiteDoesNotBuild(str(failure)) from None
        finally:
            signals.all_generators_finalized.disconnect(keep)
    siteurl = settings["SITEURL"].rstrip("/")
    content_root = Path(settings["PATH"]).resolve()
    articles = [
        article
        for generator in captured
        if isinstance(generator, ArticlesGenerator)
        for article in generator.articles
    ]
    stories = [story_of(article, siteurl, content_root) for article in articles]
    stories.sort(key=lambda story: (-story.date.timestamp(), story.address))
    return settings, stories
