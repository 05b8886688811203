"""sitemap: /sitemap.xml listing every page the build wrote, with a reproducible lastmod.

pelican-sitemap stamps index pages with the build's clock, which makes two builds of the same
content differ; here a listing's lastmod is the newest date among the articles it shows.
"""

import logging
import os
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals

import site_core
from site_core import absolute_url, current_build

logger = logging.getLogger(__name__)

EXCLUDED_NAMES = {"404.html"}
STATE = "sitemap"


def listed(path: str, context: dict) -> bool:
    """Whether the page written to `path` belongs in the sitemap."""
    if (
        not path.endswith(".html")
        or path.rpartition("/")[2] in EXCLUDED_NAMES
        or context.get("redirect_target")
    ):
        return False
    content = context.get("article") or context.get("page")
    drafts_page = context.get("DRAFTS_SAVE_AS")
    # not the dev server's previews
    return not (getattr(content, "status", None) == "draft" or (drafts_page and path.endswith(drafts_page)))


def add_page(path: str, context: dict) -> None:
    """Pelican's `content_written`: each page the build writes, with its lastmod."""
    if listed(path, context):
        current_build(context).state(STATE, dict)[path] = page_lastmod(context)


def write_sitemap(pelican) -> None:
    settings, output = pelican.settings, Path(pelican.output_path)
    entries = current_build(settings).state(STATE, dict)
    prefix = len(str(output.absolute()).rstrip(os.sep) + os.sep)
    written = {path[prefix:].replace(os.sep, "/"): lastmod for path, lastmod in entries.items()}
    write_entries(settings, output, written)


def write_moved(pelican, pages: dict) -> None:
    """site_core's `pages_moved`: written again from every page of the site (by file name)."""
    entries = {name: page_lastmod(context) for name, context in pages.items() if listed(name, context)}
    write_entries(pelican.settings, Path(pelican.settings["OUTPUT_PATH"]), entries)


def write_entries(settings: dict, output: Path, entries: dict[str, datetime | None]) -> None:
    """The sitemap of `entries` (each page's file name in `output`, with its lastmod or None)."""
    newest = max((d for d in entries.values() if d), default=None)
    urls = sorted(
        (absolute_url(settings, page_url(name)), lastmod or newest) for name, lastmod in entries.items()
    )
    (output / "sitemap.xml").write_text(render(urls), encoding="utf-8")
    logger.info("sitemap: %d pages", len(urls))


def page_url(relative: str) -> str:
    return relative.removesuffix("index.html")


def page_lastmod(context: dict) -> datetime | None:
    content = context.get("article") or context.get("page")
    if content is not None:
        return getattr(content, "modified", None) or getattr(content, "date", None)
    page = context.get("articles_page")
    articles = page.object_list if page is not None else context.get("articles") or []
    dates = [getattr(a, "modified", None) or a.date for a in articles]
    return max(dates, default=None)


def render(urls: list[tuple[str, datetime | None]]) -> str:
    """The sitemap of `urls` (absolute, each with its lastmod or None)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, lastmod in urls:
        lines.append(
            f"<url><loc>{escape(url)}</loc>"
            + (f"<lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod>" if lastmod else "")
            + "</url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def register() -> None:
    site_core.connect()
    signals.content_written.connect(add_page)
    site_core.before_publish.connect(write_sitemap)
    site_core.pages_moved.connect(write_moved)
