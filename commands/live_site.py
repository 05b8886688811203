"""The dev server's site in memory: a save that changes only the text of articles or pages is applied in
place, in a fraction of a second, without a build.

After every good build the dev server keeps what the build made: its generators (every article and page,
and the context the templates see) and, from the incremental plugin, each page's recipe (its template and
context) with what it read of each article and page. When every file saved since is an article or page
that build read, and reading it again changes only its text (the attributes in `TEXT_ATTRIBUTES`, never
its status, date, category, topics, authors, address or anything else that decides where it is listed),
the new values are set on the object the whole site already holds. Every listing, related list and feed
that holds the article then sees them, and only the pages that read a changed attribute of it (or read it
whole, through a function or as their own) are rendered again, its own page first, each file replaced
whole. Then `content_patched` lets the plugins that write files of their own (feeds, the hub's index)
rewrite those. Any other save is a build.
"""

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator

from incremental.writer import ANYTHING, Outputs, Recipe, render_recording
from site_core import ContentRejected, content_patched, current_build, pages_patched
from site_core.store import replace_text

logger = logging.getLogger(__name__)

# What an edit may change and still leave every listing as it is: the words, and the teaser and title a
# listing shows of them.
TEXT_ATTRIBUTES = frozenset(
    {
        "_content",
        "_summary",
        "summary",
        "teaser",
        "standfirst",
        "title",
        "metadata",
        "front_matter_lines",
        "word_count",
        "reading_minutes",
        "source_digest",
        "key_points",
        "sources",
        "image",
        "image_alt",
        "content_note",
    }
)
# Set by Pelican on every read, never by the file: the context of the build that read it. The held article
# keeps its own (a build that finds it in the cache does the same).
READ_CONTEXT = "_context"
_ABSENT = object()
MEMOIZED_METHODS = ("get_content", "get_summary")


@dataclass
class Held:
    """An article or page the last build read, and the generator that holds it."""

    content: object
    generator: object


@dataclass(frozen=True)
class Patched:
    """What a save changed in place: the pages written (its own first) and the seconds it took."""

    pages: int
    seconds: float


class LiveSite:
    """The last good build, kept to apply text-only saves in place."""

    def __init__(self) -> None:
        self.generators: list = []
        self.recipes: dict[str, Recipe] = {}
        self.reads: dict[str, frozenset] = {}
        self.held: dict[str, Held] = {}
        self.output = Path()

    def forget(self) -> None:
        """Before a build: what the last one made is let go, so the two are never in memory together; a
        save after a failed build is then a build too."""
        self.generators, self.recipes, self.reads, self.held = [], {}, {}, {}

    def keep(self, generators: list, outputs: "Outputs | None", output: Path) -> None:
        """After a good build: its generators and, page by page, how each was rendered and what it read."""
        self.generators = generators
        self.output = output
        relative_urls = any(g.settings.get("RELATIVE_URLS") for g in generators)
        if outputs is None or relative_urls:
            # Without recipes (no incremental plugin), or with pages that change the shared context as they
            # render (relative URLs), every save is a build.
            self.forget()
            return
        self.recipes = dict(outputs.recipes)
        self.reads = {name: record.reads for name, record in outputs.records.items()}
        self.held = {}
        for generator in generators:
            for content in held_contents(generator):
                self.held[os.path.realpath(content.source_path)] = Held(content, generator)

    def patch(self, pelican, paths: list[Path]) -> Patched | None:
        """Apply `paths` in place if every one is an article or page whose text alone changed; None when a
        build is needed. A file with problems raises BuildFailed (with every problem logged) and changes
        nothing."""
        started = time.perf_counter()
        held = [self.held.get(os.path.realpath(path)) for path in paths]
        if not self.recipes or any(item is None for item in held) or not all(p.is_file() for p in paths):
            return None
        build = current_build(pelican.settings)
        build.reset()
        fresh = [read_again(item) for item in held]
        build.fail_if_problems(
            pelican, "Nothing was written: the pages are as the last good build left them."
        )
        changes = [text_changes(item.content, new) for item, new in zip(held, fresh, strict=True)]
        if any(changed is None for changed in changes):
            return None
        for item, new, changed in zip(held, fresh, changes, strict=True):
            apply(item, new, changed)
        patched = [item.content for item in held]
        pages = self.affected_pages(patched, changes)
        for name in pages:
            recipe = self.recipes[name]
            text, _names, reads = render_recording(recipe.template, recipe.localcontext)
            replace_text(self.output / name, text)
            self.reads[name] = frozenset(reads)
        for generator in self.generators:
            content_patched.send(generator, contents=patched)
        pages_patched.send(pelican, pages={name: self.source_of(name) for name in pages})
        build.fail_if_problems(pelican, "The pages show the save as it is: fix what is listed, save again.")
        return Patched(len(pages), time.perf_counter() - started)

    def source_of(self, name: str) -> str | None:
        """The content file a page was written from (an article's or page's own page), or None."""
        context = self.recipes[name].localcontext
        content = context.get("article") or context.get("page")
        return getattr(content, "source_path", None)

    def affected_pages(self, patched: list, changes: list[set[str]]) -> list[str]:
        """Every page that read a changed attribute of a patched article or page; their own pages first."""
        wanted = {
            (content.source_path, attribute)
            for content, changed in zip(patched, changes, strict=True)
            if changed  # a file saved as it was changes no page
            for attribute in (*changed, ANYTHING)
        }
        pages = [
            name
            for name, reads in self.reads.items()
            if name in self.recipes and not wanted.isdisjoint(reads)
        ]
        own = {content.source_path for content in patched}

        def own_first(name: str) -> int:
            return 0 if self.source_of(name) in own else 1

        return sorted(pages, key=own_first)


def held_contents(generator) -> list:
    if isinstance(generator, ArticlesGenerator):
        return [
            *generator.articles,
            *generator.translations,
            *generator.drafts,
            *generator.drafts_translations,
            *generator.hidden_articles,
            *generator.hidden_translations,
        ]
    if isinstance(generator, PagesGenerator):
        return [
            *generator.pages,
            *generator.translations,
            *generator.hidden_pages,
            *generator.hidden_translations,
            *generator.draft_pages,
            *generator.draft_translations,
        ]
    return []


def read_again(item: Held):
    """The file read as its generator reads it; None when the reader rejected it (its problems are in the
    build)."""
    generator = item.generator
    is_article = isinstance(generator, ArticlesGenerator)
    kind = "article" if is_article else "page"
    try:
        return generator.readers.read_file(
            base_path=generator.path,
            path=os.path.relpath(item.content.source_path, generator.path),
            content_class=Article if is_article else Page,
            context=generator.context,
            preread_signal=getattr(signals, f"{kind}_generator_preread"),
            preread_sender=generator,
            context_signal=getattr(signals, f"{kind}_generator_context"),
            context_sender=generator,
        )
    except ContentRejected:
        return None


def text_changes(old, new) -> set[str] | None:
    """The attributes a fresh read changed, when they are text only; None when anything else changed (or
    the read was rejected)."""
    if new is None or type(old) is not type(new) or not isinstance(new, Article | Page):
        return None
    before, after = vars(old), vars(new)
    changed = {
        key for key, value in after.items() if key != READ_CONTEXT and before.get(key, _ABSENT) != value
    }
    gone = set(old.metadata) - set(new.metadata)
    metadata = {
        key
        for key in old.metadata.keys() | new.metadata.keys()
        if old.metadata.get(key, _ABSENT) != new.metadata.get(key, _ABSENT)
    }
    if not (changed | gone | metadata) <= TEXT_ATTRIBUTES:
        return None
    if old.url != new.url or old.save_as != new.save_as:
        return None
    if "_content" in changed and old.get_static_links() != new.get_static_links():
        return None
    return changed | gone


def apply(item: Held, new, changed: set[str]) -> None:
    """The held object takes the fresh read's values, and its generator's cache the file's new stamp."""
    state, fresh = vars(item.content), vars(new)
    for key in changed:
        if key in fresh:
            state[key] = fresh[key]
        else:
            state.pop(key, None)
    forget_memoized(item.content)
    generator = item.generator
    generator.cache_data(os.path.relpath(item.content.source_path, generator.path), item.content)


def forget_memoized(content) -> None:
    """Pelican keeps each content's HTML and summary, once made, in one table per method for all of them
    (`pelican.utils.memoized`, keyed by the object): the patched object's must be made again."""
    for method in MEMOIZED_METHODS:
        memo = getattr(type(content), method).cache
        for key in [key for key in memo if key and key[0] is content]:
            del memo[key]
