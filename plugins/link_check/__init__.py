"""link_check: every link and image to a page or file of the site must exist, or the build fails.

Runs over the finished output before it is swapped into place, so a broken internal link never goes live.
Each problem names the source file that made the page (the article's Markdown file where it can, with the
line of the link) or the page and the template. External links are left alone: `invoke check-links` can
check those on demand, never as part of the build.
"""

import logging
from pathlib import Path

from pelican import signals

import site_core
from site_core import current_build

from .check import LinkState, Parsed, broken_links, broken_links_on, parse_page

logger = logging.getLogger(__name__)

# The build's memory keeps the last good build's links (under this name), so unchanged pages are not read
# again; the build's own state keeps which source file each page was written from.
STATE = "link_check"


def record_source(path: str, context: dict) -> None:
    """Pelican's `content_written`: which content file (if any) this page was written from."""
    content = context.get("article") or context.get("page")
    if content is not None and getattr(content, "source_path", None):
        current_build(context).state(STATE, dict)[path] = (content.source_path, True)


def check_links(pelican) -> None:
    build = current_build(pelican.settings)
    output, final = Path(pelican.output_path), Path(pelican.settings["OUTPUT_PATH"])
    sources = build.state(STATE, dict)
    pages = {Path(path).relative_to(output).as_posix(): source for path, source in sources.items()}
    previous = build.stored(STATE)
    problems, state = broken_links(
        output,
        pelican.settings["SITEURL"],
        pages,
        final,
        previous=previous if isinstance(previous, LinkState) else None,
    )
    build.problems.extend(problems)
    build.store(STATE, state)


def parse_rendered(name: str, text: str) -> Parsed:
    """site_core's `page_rendered`, in the process that rendered the page: its links and ids, read while
    its text is in memory."""
    return parse_page(text)


def check_patched(pelican, pages: dict[str, str | None], inspected: dict | None = None) -> None:
    """site_core's `pages_patched`: the links on the pages the dev server rewrote in place (those parsed
    as they were rendered are not read again)."""
    sources = {name: (source, True) for name, source in pages.items() if source}
    output = Path(pelican.settings["OUTPUT_PATH"])
    parsed = {
        name: found[parse_rendered]
        for name, found in (inspected or {}).items()
        if isinstance(found.get(parse_rendered), Parsed)
    }
    problems = broken_links_on(output, pelican.settings["SITEURL"], list(pages), sources, parsed)
    current_build(pelican.settings).problems.extend(problems)


def register() -> None:
    site_core.connect()
    signals.content_written.connect(record_source)
    site_core.before_publish.connect(check_links)
    site_core.pages_patched.connect(check_patched)
    site_core.page_rendered.connect(parse_rendered)
