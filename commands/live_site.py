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
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from jinja2 import TemplateError
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator

from commands.moves import MoveEngine, Patched, forget_cards
from incremental import note_pages_written_outside
from incremental.writer import (
    ANYTHING,
    Outputs,
    Recipe,
    adopt_fragments,
    fragments_of,
    page_places,
    render_recording,
)
from site_core import (
    BuildFailed,
    ContentRejected,
    Memory,
    all_contents,
    content_patched,
    current_build,
    forget_memoized,
    pages_patched,
)
from site_core.internals import RAW_CONTENT, RAW_SUMMARY, READ_CONTEXT, PageRecorder, ordered_articles
from site_core.store import replace_bytes, replace_text

logger = logging.getLogger(__name__)

# What an edit may change and still leave every listing as it is: the words, and the teaser and title a
# listing shows of them.
TEXT_ATTRIBUTES = frozenset(
    {
        RAW_CONTENT,
        RAW_SUMMARY,
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
        "image_alt",
        "lead_picture",
        "body_before_images",
        "content_note",
    }
)
_ABSENT = object()


@dataclass
class Held:
    """An article or page the last build read, and the generator that holds it."""

    content: object
    generator: object


# The listings a reader of a save looks at first, written by `LiveSite.preview` (Pelican's direct templates).
FIRST_SCREEN_LISTINGS = ("index", "hub")
# What rendering a page for a preview may raise when an article lacks what a plugin adds to it only in the
# build (its related articles, for one): the build that follows writes the page whole either way.
PREVIEW_FAILURES = (TemplateError, AttributeError, KeyError, TypeError, ValueError)


class LiveSite:
    """The last good build, kept to apply text-only saves in place."""

    def __init__(self) -> None:
        self.generators: list = []
        self.recipes: dict[str, Recipe] = {}
        self.reads: dict[str, frozenset] = {}
        # The names each page's template looked up (a page without them is always rendered again).
        self.names: dict[str, tuple[str, ...]] = {}
        # The shared context each page's recipe was made from (see `context_of`): the build's, or a move's.
        self.build_base: dict = {}
        self.bases: dict[str, dict] = {}
        self.held: dict[str, Held] = {}
        self.output = Path()
        # What the files a preview replaced held before it (None: no file), until the build decides.
        self.before_preview: dict[Path, bytes | None] = {}
        # The pages the last build made, and those moves wrote since that it did not (see `record_written`),
        # kept until they are recorded, whatever is forgotten meanwhile.
        self.built_pages: frozenset[str] = frozenset()
        self.written_since: set[str] = set()
        self.build_memory = Memory()

    def forget(self) -> None:
        """Before a build: what the last one made is let go, so the two are never in memory together; a
        save after a failed build is then a build too."""
        self.generators, self.recipes, self.reads, self.names, self.held = [], {}, {}, {}, {}
        self.build_base, self.bases = {}, {}
        self.built_pages = frozenset()

    def keep(self, generators: list, outputs: "Outputs | None", output: Path, memory: Memory) -> None:
        """After a good build: its generators and, page by page, how each was rendered and what it read;
        and what it remembers for the next build."""
        self.before_preview = {}
        self.build_memory = memory
        self.generators = generators
        self.output = output
        relative_urls = any(g.settings.get("RELATIVE_URLS") for g in generators)
        if outputs is None or relative_urls:
            # Without recipes (no incremental plugin), or with pages that change the shared context as they
            # render (relative URLs), every save is a build.
            self.forget()
            return
        self.recipes = dict(outputs.recipes)
        self.built_pages = frozenset(outputs.records)
        self.reads = {name: record.reads for name, record in outputs.records.items()}
        self.names = {name: record.names for name, record in outputs.records.items()}
        self.build_base, self.bases = dict(generators[0].context) if generators else {}, {}
        self.held = {}
        for generator in generators:
            for content in all_contents(generator):
                self.held[os.path.realpath(content.source_path)] = Held(content, generator)

    def base_of(self, name: str) -> dict:
        return self.bases.get(name, self.build_base)

    def context_of(self, name: str, shared: dict) -> dict:
        """The context to render page `name` with now: the shared values as they are in `shared`, and
        the page's own (those its recipe's context set for it) as they were."""
        base = self.base_of(name)
        fresh = dict(shared)
        fresh.update(
            {
                key: value
                for key, value in self.recipes[name].localcontext.items()
                if base.get(key, _ABSENT) is not value
            }
        )
        return fresh

    def settle_recipes(self, recipes: dict, made_now: set[str], shared: dict) -> None:
        """After a move: every page's recipe, those in `made_now` made from the shared context as it is."""
        snapshot = dict(shared)
        self.recipes = recipes
        for name in made_now:
            self.bases[name] = snapshot

    def note_written(self, names) -> None:
        """Pages a move wrote; those the last build did not make are recorded by `record_written`."""
        self.written_since.update(name for name in names if name not in self.built_pages)

    def record_written(self) -> None:
        """Add the pages moves wrote since the last build, and it did not make, to the build's record of
        its output: the next build then removes each one it does not make (a new article made a draft
        again), as a clean build would not have it. Done between saves, and before a build."""
        note_pages_written_outside(self.build_memory, self.written_since)
        self.written_since = set()

    def forget_page(self, name: str) -> None:
        for kept in (self.recipes, self.reads, self.names, self.bases):
            kept.pop(name, None)

    def warm_cards(self, pages_per_step: int = 25, fruitless: int = 3) -> Iterator[int]:
        """Make the cards of the listing pages (the theme's pure macros) in this process, a few pages a
        step, while the server is idle after a build: the processes a move forks then find them made. A
        build's own cards were made in its render processes and are not sent back (at 10,000 articles
        that held 300 MB more at its peak); made here, they cost no copy. Most listings show cards
        another has made already (every category's and topic's listing shows each of its articles as a
        row, as the hub's does), so the listings are taken whole, the longest first, each page by page,
        and a listing is passed over once `fruitless` of its pages in a row made no new card: a move
        makes any card still missing. Yields the pages rendered so far."""
        listings = [
            name
            for name, recipe in self.recipes.items()
            if getattr(recipe.localcontext.get("articles_page"), "object_list", None)
        ]
        places = page_places({name: self.recipes[name].localcontext for name in listings})
        by_listing: dict[int, list[str]] = defaultdict(list)
        for name in sorted(listings, key=places.get):
            by_listing[id(self.recipes[name].localcontext.get("articles_paginator"))].append(name)
        made = [fragments.made for fragments in fragments_of(self.generators)]
        rendered = 0
        for names in sorted(by_listing.values(), key=len, reverse=True):
            since_a_new_card = 0
            for name in names:
                recipe = self.recipes[name]
                before = sum(map(len, made))
                try:
                    recipe.template.render(recipe.localcontext)
                except PREVIEW_FAILURES as error:
                    # The build rendered this page: a template that fails now depends on more than its
                    # context. The moves make the cards as they go, as without this step.
                    logger.warning("cards not made ahead (%s rendered differently: %s)", name, error)
                    return
                rendered += 1
                since_a_new_card = 0 if sum(map(len, made)) > before else since_a_new_card + 1
                if rendered % pages_per_step == 0:
                    yield rendered
                if since_a_new_card >= fruitless:
                    break
        yield rendered

    def adopt_fragments(self, made: list[tuple]) -> None:
        """The cards a move's worker processes made, kept for the pages of later saves. (A build's are not
        sent back: at 10,000 articles that would hold 300 MB more at the server's peak, for little.)"""
        contents = {id(item.content): item.content for item in self.held.values()}
        adopt_fragments(self.generators, made, contents)

    def patch(self, pelican, paths: list[Path], reads: dict) -> Patched | None:
        """Apply `paths` in place if every one is an article or page whose text alone changed; None when a
        build is needed. A file with problems raises BuildFailed (with every problem logged) and changes
        nothing. What it reads is kept in `reads` (see `read_once`) for the preview that may follow."""
        started = time.perf_counter()
        held = [self.held.get(os.path.realpath(path)) for path in paths]
        if not self.recipes or any(item is None for item in held) or not all(p.is_file() for p in paths):
            return None
        build = current_build(pelican.settings)
        build.reset()
        fresh = [read_once(reads, item.generator, item.content.source_path) for item in held]
        build.fail_if_problems(
            pelican, "Nothing was written: the pages are as the last good build left them."
        )
        changes = [text_changes(item.content, new) for item, new in zip(held, fresh, strict=True)]
        if any(changed is None for changed in changes):
            return None
        for item, new, changed in zip(held, fresh, changes, strict=True):
            apply(item, new, changed)
        patched = [item.content for item in held]
        forget_cards(self.generators, patched)
        pages = self.affected_pages(patched, changes)
        shared = self.generators[0].context
        for name in pages:
            recipe = self.recipes[name]
            text, names, reads = render_recording(recipe.template, self.context_of(name, shared))
            replace_text(self.output / name, text)
            self.reads[name] = frozenset(reads)
            self.names[name] = tuple(sorted(names))
        for generator in self.generators:
            content_patched.send(generator, contents=patched)
        pages_patched.send(pelican, pages={name: self.source_of(name) for name in pages})
        build.fail_if_problems(pelican, "The pages show the save as it is: fix what is listed, save again.")
        return Patched(len(pages), time.perf_counter() - started)

    def move(self, pelican, paths: list[Path], reads: dict) -> Patched | None:
        """Apply `paths` without a build if every one is an article (new, deleted or saved) and the move
        is one `MoveEngine` covers; None when a build is needed. A file with problems raises BuildFailed
        (with every problem logged); so does a move that breaks a site-wide rule, and the next save is
        then a build."""
        generator = next((g for g in self.generators if isinstance(g, ArticlesGenerator)), None)
        if not self.recipes or generator is None or generator.settings.get("RELATIVE_URLS"):
            return None
        changes = []
        for path in paths:
            source = os.path.realpath(path)
            item = self.held.get(source)
            if item is not None and item.generator is not generator:
                return None
            if item is None and not path.exists():
                continue  # an editor's temporary file, gone already: it changes nothing
            if item is None and not is_article_file(generator, source):
                return None
            changes.append((item.content if item else None, source, path.is_file()))
        if not changes:
            return None
        build = current_build(pelican.settings)
        build.reset()
        fresh = [read_once(reads, generator, source) if exists else None for _old, source, exists in changes]
        if build.problems or any(
            new is None and exists for new, (_o, _s, exists) in zip(fresh, changes, strict=True)
        ):
            return None  # the build reads the files again and reports their problems
        try:
            return MoveEngine(self).apply(
                pelican,
                generator,
                [(old, new, source) for (old, source, _exists), new in zip(changes, fresh, strict=True)],
            )
        except BuildFailed:
            self.forget()
            raise

    def hold(self, content, generator) -> None:
        """A new article joins the site in memory."""
        self.held[os.path.realpath(content.source_path)] = Held(content, generator)
        generator.cache_data(os.path.relpath(content.source_path, generator.path), content)
        generator.add_source_path(content)

    def release(self, content) -> None:
        """A deleted article leaves the site in memory."""
        item = self.held.pop(os.path.realpath(content.source_path), None)
        if item is not None:
            item.generator.context["generated_content"].pop(content.get_relative_source_path(), None)

    def preview(self, pelican, paths: list[Path], reads: dict) -> Patched | None:
        """Before the build a save of articles needs (a new one, a move, a deletion): the pages a reader
        of it looks at first, written from the articles as they are now, so they are on screen at once.
        These are each saved article's own page and the first page of the home page, of its category
        (before and after) and of the hub. The build then writes every page as a clean build would,
        these included. None when there is nothing to show first: no last good build, a file that is
        not an article or one with problems (the build reports them)."""
        started = time.perf_counter()
        generator = next((g for g in self.generators if isinstance(g, ArticlesGenerator)), None)
        if not self.recipes or generator is None:
            return None
        saved = {os.path.realpath(path): path for path in paths}
        held = {path: self.held.get(path) for path in saved}
        if any(item is not None and item.generator is not generator for item in held.values()):
            return None
        new = [path for path, item in held.items() if item is None and saved[path].is_file()]
        if not all(is_article_file(generator, path) for path in new):
            return None
        build = current_build(pelican.settings)
        build.reset()
        fresh = [
            read_once(reads, generator, source)
            for source, item in held.items()
            if saved[source].is_file() and (item is not None or source in new)
        ]
        if build.problems or any(article is None for article in fresh):
            return None  # the build reads the files again and reports their problems
        published = [article for article in fresh if article.status == "published"]
        old = [item.content for item in held.values() if item is not None]
        if not published and not old:
            return None  # a new draft: no listing changes
        replaced = {id(content) for content in old}
        articles, _translations = ordered_articles(
            [a for a in generator.articles if id(a) not in replaced] + published, generator.settings
        )
        context = listing_context(generator, articles)
        first_pages = [
            (
                article.save_as,
                generator.get_template(article.template),
                {"article": article, "category": article.category, "url": article.url, "blog": True},
            )
            for article in published
        ]
        for name in FIRST_SCREEN_LISTINGS:
            if name in generator.settings["DIRECT_TEMPLATES"]:
                save_as, template, keywords = direct_template(generator, name)
                keywords.update(articles=articles, dates=context["dates"], blog=True)
                first_pages.append((save_as, template, keywords))
        for category, members, dates in categories_of(context, {a.category for a in [*old, *fresh]}):
            first_pages.append(
                (
                    category.save_as,
                    generator.get_template("category"),
                    {
                        "url": category.url,
                        "category": category,
                        "articles": members,
                        "dates": dates,
                        "template_name": "category",
                        "blog": True,
                    },
                )
            )
        pages = []
        for name, template, keywords in first_pages:
            page = first_page(generator.settings, context, name, template, keywords)
            if page is not None:
                self.replace_for_preview(*page)
                pages.append(page[0])
        return Patched(len(pages), time.perf_counter() - started) if pages else None

    def replace_for_preview(self, name: str, text: str) -> None:
        target = self.output / name
        if target not in self.before_preview:
            self.before_preview[target] = target.read_bytes() if target.is_file() else None
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_text(target, text)

    def undo_preview(self) -> None:
        """After a build that failed: the files a preview wrote hold again what the last good build left."""
        for target, before in self.before_preview.items():
            if before is None:
                target.unlink(missing_ok=True)
            else:
                replace_bytes(target, before)
        self.before_preview = {}

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


def read_again(generator, source_path: str):
    """The file read as its generator reads it; None when the reader rejected it (its problems are in the
    build)."""
    is_article = isinstance(generator, ArticlesGenerator)
    kind = "article" if is_article else "page"
    try:
        return generator.readers.read_file(
            base_path=generator.path,
            path=os.path.relpath(source_path, generator.path),
            content_class=Article if is_article else Page,
            context=generator.context,
            preread_signal=getattr(signals, f"{kind}_generator_preread"),
            preread_sender=generator,
            context_signal=getattr(signals, f"{kind}_generator_context"),
            context_sender=generator,
        )
    except ContentRejected:
        return None


def read_once(reads: dict, generator, source_path: str):
    """`read_again`, once per file in one save: `reads` holds each file's read by its real path."""
    key = os.path.realpath(source_path)
    if key not in reads:
        reads[key] = read_again(generator, source_path)
    return reads[key]


def is_article_file(generator, path: str) -> bool:
    """Whether the articles generator reads the file at `path` (a real path)."""
    settings = generator.settings
    relative = Path(os.path.relpath(path, os.path.realpath(generator.path)))
    return (
        any(folder in ("", ".") or relative.is_relative_to(folder) for folder in settings["ARTICLE_PATHS"])
        and not any(relative.is_relative_to(folder) for folder in settings["ARTICLE_EXCLUDES"])
        and bool(generator.get_files([relative.as_posix()]))
    )


def listing_context(generator, articles: list) -> dict:
    """The generator's context with `articles` in place of its own, and the lists made from them."""
    context = dict(generator.context)
    by_category = defaultdict(list)
    for article in articles:
        by_category[article.category].append(article)
    context["articles"] = articles
    context["dates"] = sorted(articles, key=attrgetter("date"), reverse=context["NEWEST_FIRST_ARCHIVES"])
    context["categories"] = sorted(by_category.items(), reverse=generator.settings["REVERSE_CATEGORY_ORDER"])
    return context


def direct_template(generator, name: str) -> tuple:
    """(file, template) of one of Pelican's direct templates, with the keywords its writer is given."""
    settings = generator.settings
    save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
    return (
        save_as,
        generator.get_template(name),
        {
            "template_name": name,
            "page_name": str(Path(save_as).with_suffix("")),
            "url": settings.get(f"{name.upper()}_URL", f"{name}.html"),
        },
    )


def categories_of(context: dict, wanted: set) -> list[tuple]:
    """(category, its articles, the same by date) for each of `wanted` that still has articles."""
    found = []
    for category, members in context["categories"]:
        if category in wanted:
            member_set = set(map(id, members))
            found.append((category, members, [a for a in context["dates"] if id(a) in member_set]))
    return found


def first_page(settings: dict, context: dict, name: str, template, keywords: dict) -> tuple[str, str] | None:
    """The page Pelican's writer makes first for `write_file(name, template, context, **keywords)` (the
    first page of a paginated listing), asked of Pelican's own writer (`PageRecorder`) and rendered:
    (its file name, its text), or None when it cannot be made before the build (see PREVIEW_FAILURES)."""
    recorder = PageRecorder(settings["OUTPUT_PATH"], settings, Recipe)
    recorder.write_file(name, template, context, **keywords)
    name, recipe = next(iter(recorder.pages.items()))
    try:
        text = recipe.template.render(recipe.localcontext)
    except PREVIEW_FAILURES as error:
        logger.debug("%s is left to the build: %s", name, error)
        return None
    return name, text


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
