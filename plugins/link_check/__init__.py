"""link_check: every link and image to a page or file of the site must exist, or the build fails.

Runs over the finished output before it is swapped into place, so a broken internal link never goes live.
Each problem names the source file that made the page (the article's Markdown file where it can, with the
line of the link) or the page and the template. External links are left alone: `invoke check-links` can
check those on demand, never as part of the build.
"""

import logging
from pathlib import Path

from pelican import signals

from incremental import store, stored
from safe_build import before_publish, report

from .check import LinkState, broken_links

logger = logging.getLogger(__name__)

# The incremental cache keeps the last good build's links, so unchanged pages are not read again.
STATE = "link_check"


class Sources:
    """Which content file (or template) each output page was written from."""

    def __init__(self) -> None:
        self.by_page: dict[str, tuple[str, bool]] = {}

    def reset(self, pelican) -> None:
        self.by_page = {}

    def record(self, path: str, context: dict) -> None:
        content = context.get("article") or context.get("page")
        if content is not None and getattr(content, "source_path", None):
            self.by_page[path] = (content.source_path, True)

    def check(self, pelican) -> None:
        output, final = Path(pelican.output_path), Path(pelican.settings["OUTPUT_PATH"])
        pages = {Path(path).relative_to(output).as_posix(): source for path, source in self.by_page.items()}
        problems, state = broken_links(
            output, pelican.settings["SITEURL"], pages, final, previous=_previous_state()
        )
        for problem in problems:
            report(problem)
        store(STATE, state)


def _previous_state() -> LinkState | None:
    state = stored(STATE)
    return state if isinstance(state, LinkState) else None


sources = Sources()


def register() -> None:
    signals.get_generators.connect(sources.reset)
    signals.content_written.connect(sources.record)
    before_publish.connect(sources.check)
