"""feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site, each category and each topic, with feedgen.

Pelican's own feed writer is switched off (every *_FEED_* setting is None). Feeds are written by a
generator of their own, from the articles Pelican has read, into the same staging output as every page.
Pages find their feeds in the context: `SITE_FEEDS`, and `feeds` on each category and topic.

Opened in a browser, an RSS or Atom feed is a readable page: it links a CSS stylesheet (`feed.css`, written
to FEEDS["stylesheet"]) and carries a notice with a link to the Subscribe page (build.py, `for_browsers`).
"""

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import site_core
from site_core import current_build, language_tag
from site_core.settings import config_problem
from site_core.store import replace_bytes
from site_core.workers import all_cores, fork_map

from .build import FeedConfig, feed_bytes, plan_feeds

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedsOptions:
    """The FEEDS setting; `max_items` of 0 takes Pelican's FEED_MAX_ITEMS (or 50)."""

    max_items: int = 0
    logo: str = "logo.png"
    icon: str = "favicon.svg"
    stylesheet: str = "feeds/feed.css"


# From this many files, writing them on every core saves more than starting the processes costs (a file of
# 50 entries takes 3-4 ms; a text edit rewrites about a dozen, on one core).
MINIMUM_SHARED_FILES = 24


def _pairs(groups) -> list:
    return list(groups.items()) if isinstance(groups, dict) else list(groups)


class FeedsGenerator(Generator):
    def generate_context(self) -> None:
        options = checked_options(self.settings, current_build(self.settings).options("FEEDS", FeedsOptions))
        self.config = FeedConfig(
            siteurl=self.settings["SITEURL"],
            sitename=self.settings["SITENAME"],
            language=language_tag(self.settings),
            publisher=self.settings.get("ORGANISATION", {}).get("name") or self.settings["SITENAME"],
            logo=options.logo,
            icon=options.icon,
            stylesheet=options.stylesheet,
            subscribe=self.settings.get("SUBSCRIBE_URL") or "subscribe/",
            content_root=Path(self.settings["PATH"]),
        )
        self.feeds = plan_feeds(
            self.config.sitename,
            self.settings.get("SITE_DESCRIPTION", ""),
            self.context.get("articles", []),
            _pairs(self.context.get("categories", [])),
            _pairs(self.context.get("tags", [])),
            options.max_items or self.settings.get("FEED_MAX_ITEMS") or 50,
        )
        self.context["SITE_FEEDS"] = self.feeds[0].links
        self.context["GROUP_FEEDS"] = self.feeds[1:]
        for feed in self.feeds[1:]:
            feed.owner.feeds = feed.links

    def generate_output(self, writer) -> None:
        output = Path(self.output_path)
        (output / self.config.stylesheet).parent.mkdir(parents=True, exist_ok=True)
        replace_bytes(output / self.config.stylesheet, (Path(__file__).parent / "feed.css").read_bytes())
        self.write_feeds(self.feeds)
        remove_other_files(
            output, [self.config.stylesheet, *(link.path for f in self.feeds for link in f.links)]
        )
        logger.info("feeds: wrote %d feeds", len(self.feeds))

    def replan(self, moved: list) -> None:
        """The feeds planned again from the articles as they are now listed; those whose articles changed,
        or that carry one of `moved`, written again, and those of a group with no articles left removed."""
        shown = {feed.links[0].path: [id(article) for article in feed.articles] for feed in self.feeds}
        self.generate_context()
        moved_ids = {id(article) for article in moved}
        self.write_feeds(
            [
                feed
                for feed in self.feeds
                if shown.get(feed.links[0].path) != [id(article) for article in feed.articles]
                or any(id(article) in moved_ids for article in feed.articles)
            ]
        )
        remove_other_files(
            Path(self.output_path),
            [self.config.stylesheet, *(link.path for f in self.feeds for link in f.links)],
        )

    def write_feeds(self, feeds: list) -> None:
        """Each file of `feeds`, replaced whole (a reader polling the dev server never gets half a feed); on
        every core when there are many (a build's 140 files take 0.5 s on one)."""
        output = Path(self.output_path)
        files = [(feed, link) for feed in feeds for link in feed.links]
        fork_map(lambda file: self.write_feed(output, *file), files, all_cores(files, MINIMUM_SHARED_FILES))

    def write_feed(self, output: Path, feed, link) -> None:
        target = output / link.path
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_bytes(target, feed_bytes(feed, self.config, link))


def checked_options(settings: dict, options: FeedsOptions) -> FeedsOptions:
    """FEEDS with a stylesheet that is not CSS reported (at the settings file's line), and the default used:
    feeds are no longer styled with XSLT, which browsers are removing."""
    if options.stylesheet.endswith(".css"):
        return options
    current_build(settings).report(
        config_problem(
            settings,
            "FEEDS",
            "stylesheet",
            f"FEEDS['stylesheet'] is {options.stylesheet!r}: feeds are styled with CSS now, not XSLT",
            'make it a path ending in .css, such as "feeds/feed.css"',
        )
    )
    return dataclasses.replace(options, stylesheet=FeedsOptions.stylesheet)


def remove_other_files(output: Path, written: list[str]) -> None:
    """The feeds of a category or topic that no longer has articles, left by a build written into the
    output folder itself (the dev server): the feed folders hold only what this build wrote."""
    kept = {output / path for path in written}
    for folder in {path.parent for path in kept}:
        for path in folder.iterdir():
            if path.is_file() and path not in kept:
                path.unlink()


def rewrite_patched(generator, contents) -> None:
    """site_core's `content_patched`: the feeds that carry any of `contents`, written again."""
    if isinstance(generator, FeedsGenerator):
        patched = {id(content) for content in contents}
        generator.write_feeds(
            [feed for feed in generator.feeds if any(id(article) in patched for article in feed.articles)]
        )


def replan_moved(generators, contents) -> None:
    """site_core's `contents_moved`: the feeds as the articles are now listed."""
    for generator in generators:
        if isinstance(generator, FeedsGenerator):
            generator.replan(contents)


def get_generators(pelican) -> type:
    return FeedsGenerator


def register() -> None:
    site_core.connect()
    signals.get_generators.connect(get_generators)
    site_core.content_patched.connect(rewrite_patched)
    site_core.contents_moved.connect(replan_moved)
