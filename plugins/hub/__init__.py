"""hub: the Knowledge & Resources hub's facet pages, by category, topic and year.

Each facet is a real, paginated page that works without JavaScript:
/knowledge-resources/category/{slug}/, /knowledge-resources/topic/{slug}/, /knowledge-resources/{year}/.
The hub itself is Pelican's `hub` direct template; this plugin puts the facets in the context for it
(`HUB_FACETS` with their counts, `HUB_FACET_LINKS` without), writes the facet pages with the same
template, and writes the small JSON index (articles.json) that the optional filter panel and the search
page's category, topic and year filters read.
"""

import logging
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import site_core
from site_core import site_root
from site_core.store import replace_text

from .facets import build_facets, filter_entry, filter_index, newest_first

logger = logging.getLogger(__name__)

FILTER_INDEX = "knowledge-resources/articles.json"


class HubGenerator(Generator):
    # Its pages list articles: the dev server asks for them again when articles move (commands/moves.py).
    lists_articles = True

    def generate_context(self) -> None:
        self.articles = list(self.context.get("articles", []))
        self.facets = build_facets(self.articles, self.settings["HUB_URL"])
        # With counts on the first page of each listing, where a reader chooses; without on the pages
        # after it, which then stay as they are when an article joins or leaves a facet.
        self.context["HUB_FACETS"] = self.facets.menu()
        self.context["HUB_FACET_LINKS"] = self.facets.menu(counted=False)
        self.context["HUB_FILTER_INDEX"] = FILTER_INDEX

    def generate_output(self, writer) -> None:
        template = self.get_template("hub")
        for value in self.facets.all():
            owner = _feed_owner(value, self.context)
            writer.write_file(
                value.save_as,
                template,
                self.context,
                paginated={"articles": value.articles},
                template_name="hub",
                url=value.url,
                facet=value.link(),
                facet_feeds=getattr(owner, "feeds", []),
            )
        root = site_root(self.settings)
        self.filter_entries = {id(a): filter_entry(a, root) for a in newest_first(self.articles)}
        self.write_filter_index()
        logger.info("hub: %d facet pages", len(self.facets.all()))

    def write_filter_index(self) -> None:
        target = Path(self.output_path) / FILTER_INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_text(target, filter_index(self.filter_entries.values()))

    def rewrite_entries(self, articles) -> None:
        """The JSON index again, if any of `articles` now shows differently in it."""
        root = site_root(self.settings)
        fresh = {id(a): filter_entry(a, root) for a in articles if id(a) in self.filter_entries}
        if any(self.filter_entries[key] != entry for key, entry in fresh.items()):
            self.filter_entries.update(fresh)
            self.write_filter_index()


def rewrite_patched(generator, contents) -> None:
    """site_core's `content_patched`: the JSON index shows each article's title and teaser."""
    if isinstance(generator, HubGenerator):
        generator.rewrite_entries(contents)


def facets_moved(generators, contents) -> None:
    """site_core's `contents_moved`: the facets made again from the articles as they are now listed."""
    for generator in generators:
        if isinstance(generator, HubGenerator):
            generator.generate_context()


def _feed_owner(value, context):
    """The Category or Tag whose feeds a facet page advertises (year pages have the site feeds only)."""
    groups = {"category": context.get("categories", []), "topic": context.get("tags", [])}.get(value.kind, [])
    pairs = groups.items() if isinstance(groups, dict) else groups
    return next((wrapper for wrapper, _ in pairs if wrapper.slug == value.slug), None)


def get_generators(pelican) -> type:
    return HubGenerator


def register() -> None:
    site_core.connect()
    signals.get_generators.connect(get_generators)
    site_core.content_patched.connect(rewrite_patched)
    site_core.contents_moved.connect(facets_moved)
