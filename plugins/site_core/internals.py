"""Every use of Pelican's, Jinja's, blinker's and Python-Markdown's internals, in one place.

What the site needs of these libraries beyond their public API is named here, each with the assumption it
makes; `tests/test_internals.py` checks each assumption against the installed versions, so an upgrade that
breaks one fails there, with a message naming it, not somewhere in a build. The README ("Fast rebuilds")
lists them with the public hook that would remove each.
"""

import io
from collections import defaultdict
from contextlib import nullcontext
from functools import partial
from operator import attrgetter

from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString
from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator
from pelican.utils import order_content, process_translations
from pelican.writers import Writer

# Pelican's writer opens every file it writes through this method (filename, encoding, override).
WRITER_OPEN = "_open_w"
# What `_open_w` notes of every file it opens (full paths): those written, and those written with
# `override`; a later write of the same file fails, is allowed or is skipped by them.
WRITER_WRITTEN = "_written_files"
WRITER_OVERRIDDEN = "_overridden_files"
# Set by Pelican on every content it reads: the context of the build that read it.
READ_CONTEXT = "_context"
# Where a content keeps its HTML and summary as read, before Pelican resolves their links.
RAW_CONTENT = "_content"
RAW_SUMMARY = "_summary"
# The generators' in-memory content cache (`FileStampDataCacher`): a dict Pelican fills from its cache
# file, and the method that writes it back.
GENERATOR_CACHE = "_cache"
# Where Pelican keeps what `pelican.utils.memoized` made, on the memoized function.
MEMOIZED_TABLE = "cache"
# The articles generator's listing steps, in the order `generate_pages` runs them after the articles.
LISTING_STEPS = (
    "generate_period_archives",
    "generate_direct_templates",
    "generate_tags",
    "generate_categories",
    "generate_authors",
    "generate_drafts",
)


def note_first_write(writer: Writer, filename: str, override: bool) -> None:
    """What Pelican's `_open_w` notes when it opens `filename` for the first time, without opening it (the
    page is written whole later, by another process): a second write of the file is then refused, allowed
    or skipped as Pelican decides. Creating 8,800 empty files took 1.2 s of a cold build."""
    if override:
        getattr(writer, WRITER_OVERRIDDEN).add(filename)
    getattr(writer, WRITER_WRITTEN).add(filename)


def macro_code(macro) -> object:
    """The code of a Jinja macro: the same for every call of the same macro of the same template."""
    return macro._func.__code__


def memoized_table(content_class: type, method: str) -> dict:
    """The table `pelican.utils.memoized` keeps for `method` of `content_class`, keyed by (object, args)."""
    return getattr(getattr(content_class, method), MEMOIZED_TABLE)


def intrasite_link_regex(content: Content):
    """The pattern Pelican finds `{filename}` (and the other) links with in a content's text."""
    return content._get_intrasite_link_regex()


def hold_cache(generator, cache: dict) -> None:
    """The generator keeps its content cache in `cache` (a dict that outlives the build) and never writes
    it to a file."""
    setattr(generator, GENERATOR_CACHE, cache)
    generator.save_cache = lambda: None


class MembershipList(list):
    """A list of articles that answers `in` by identity at once. Pelican finds a listing's articles in
    date order with `[a for a in dates if a in articles]`, once per category, topic and author: with
    plain lists that compares every article with every member (millions of comparisons at 5,000
    articles). Articles compare by identity, so the answer is the same."""

    def __init__(self, items=()) -> None:
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def append(self, item) -> None:
        super().append(item)
        self._ids.add(id(item))

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def ordered_articles(articles: list, settings: dict) -> tuple[list, list]:
    """`articles` as Pelican lists them: one of each translation, in the site's order, and the other
    translations apart. Pelican's own pass over translations compares every article with every other (half a
    second at 5,000), so it runs only when two share a translation id."""
    translation_id = settings["ARTICLE_TRANSLATION_ID"]
    ids = [getattr(article, translation_id, None) for article in articles] if translation_id else []
    translations: list = []
    if len(set(ids)) != len(ids):
        articles, translations = process_translations(articles, translation_id=translation_id)
    return order_content(articles, settings["ARTICLE_ORDER_BY"]), translations


def list_articles(generator: ArticlesGenerator, contents: list) -> None:
    """The generator's lists made again from `contents` (every article it holds), as the end of Pelican's
    `ArticlesGenerator.generate_context` makes them: published, hidden and draft articles (one of each
    translation, in the site's order), each category's, topic's and author's published articles, the
    articles by date and the period archives; then the context takes them."""
    settings = generator.settings
    by_status: dict[str, list] = {"published": [], "draft": [], "hidden": []}
    for content in contents:
        by_status.setdefault(content.status, []).append(content)

    generator.articles, generator.translations = ordered_articles(by_status["published"], settings)
    generator.hidden_articles, generator.hidden_translations = ordered_articles(by_status["hidden"], settings)
    generator.drafts, generator.drafts_translations = ordered_articles(by_status["draft"], settings)
    signals.article_generator_pretaxonomy.send(generator)
    categories, tags, authors = (defaultdict(MembershipList) for _ in range(3))
    for article in generator.articles:
        if hasattr(article, "category"):
            categories[article.category].append(article)
        for tag in getattr(article, "tags", []):
            tags[tag].append(article)
        for author in getattr(article, "authors", []):
            authors[author].append(article)
    generator.tags = tags
    generator.dates = sorted(
        generator.articles, key=attrgetter("date"), reverse=generator.context["NEWEST_FIRST_ARCHIVES"]
    )
    generator.period_archives = generator._build_period_archives(
        generator.dates, generator.articles, settings
    )
    generator.categories = sorted(categories.items(), reverse=settings["REVERSE_CATEGORY_ORDER"])
    generator.authors = sorted(authors.items())
    for name in (
        "articles",
        "drafts",
        "hidden_articles",
        "dates",
        "tags",
        "categories",
        "authors",
        "related_posts",
    ):
        # Pelican's `_update_context`: a dict of groups is given to templates as a list of pairs.
        value = getattr(generator, name)
        generator.context[name] = list(value.items()) if hasattr(value, "items") else value
    generator.context["period_archives"] = generator.period_archives
    signals.article_generator_finalized.send(generator)


class PageRecorder(Writer):
    """Pelican's writer, asked for pages without rendering or writing them: each page's name, template
    and the context Pelican's own `write_file` gives it (paged as Pelican pages it) are recorded in
    `pages`. No signal is sent for them."""

    def __init__(self, output_path, settings: dict, recipe=lambda *parts: parts) -> None:
        super().__init__(str(output_path), settings=settings)
        # name -> recipe(template, localcontext)
        self.pages: dict = {}
        self.recipe = recipe

    def write_file(self, name, template, context, *args, **kwargs):
        with signals.content_written.muted():
            return super().write_file(name, RenderedThrough(template, self.record), context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        return nullcontext(io.StringIO())

    def record(self, template, localcontext: dict) -> str:
        self.pages[localcontext["output_file"]] = self.recipe(template, localcontext)
        return ""

    def article_page(self, generator: ArticlesGenerator, article) -> None:
        """One article's own page, asked for as Pelican's `generate_articles` asks for each."""
        kept = (
            generator.articles,
            generator.translations,
            generator.hidden_articles,
            generator.hidden_translations,
        )
        generator.articles, generator.translations = [article], []
        generator.hidden_articles, generator.hidden_translations = [], []
        try:
            generator.generate_articles(partial(self.write_file, relative_urls=False))
        finally:
            (
                generator.articles,
                generator.translations,
                generator.hidden_articles,
                generator.hidden_translations,
            ) = kept


class RenderedThrough:
    """A template whose `render(localcontext)` is `render(template, localcontext)`: how a writer that
    decides for itself what rendering a page means (keep it, record it) takes Pelican's `write_file`
    call; everything else is the template's own."""

    def __init__(self, template, render) -> None:
        self.template = template
        self.rendering = render

    def render(self, localcontext: dict) -> str:
        return self.rendering(self.template, localcontext)

    def __getattr__(self, name: str):
        return getattr(self.template, name)


def replay_listings(generators: list, recorder: PageRecorder, groups: set | None = None) -> None:
    """Every listing page of the site asked for again: the articles generator's listing steps (not its
    articles' own pages) and the output of each generator that lists articles (`lists_articles`). With
    `groups`, the listings of a category, tag or author only for those of them it names (("category",
    slug), ("tag", slug), ("author", slug)): the others are as they were."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            write = partial(recorder.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
            kept = generator.tags, generator.categories, generator.authors
            if groups is not None:
                generator.tags = {tag: m for tag, m in generator.tags.items() if ("tag", tag.slug) in groups}
                generator.categories = [
                    (c, m) for c, m in generator.categories if ("category", c.slug) in groups
                ]
                generator.authors = [(a, m) for a, m in generator.authors if ("author", a.slug) in groups]
            try:
                for step in LISTING_STEPS:
                    getattr(generator, step)(write)
            finally:
                generator.tags, generator.categories, generator.authors = kept
        elif getattr(generator, "lists_articles", False):
            generator.generate_output(recorder)


class InlineByCharacter(InlineProcessor):
    """Python-Markdown's inline processor that tries, on each piece of text, only the patterns that can
    match it: each pattern may name a string it cannot match without, or a tuple of such strings one of
    which it needs (`needs`, in the order of `inlinePatterns`; None: always tried). The output is the
    processor's own, since a pattern skipped could not have matched; the time is not (every pattern on
    every piece of text of every article, most of them for brackets, quotes and dashes it does not have).

    Relies on `InlineProcessor.__handleInline(data, patternIndex)` being the loop that tries the patterns,
    reading `self.inlinePatterns` by `len` and index only (INLINE_LOOP)."""

    @classmethod
    def narrow(cls, processor: InlineProcessor, needs: list) -> None:
        """`processor` (a registered InlineProcessor, left where it is registered) becomes one of these.
        A need is a string, or a tuple of strings any one of which will do."""
        processor.__class__ = cls
        processor.every = list(processor.inlinePatterns)
        processor.needs = [(need,) if isinstance(need, str) else need for need in needs]
        processor.wanted = sorted({one for need in processor.needs if need is not None for one in need})
        processor.chosen = {}

    def _InlineProcessor__handleInline(self, data, patternIndex: int = 0):
        if patternIndex or isinstance(data, AtomicString):
            return super()._InlineProcessor__handleInline(data, patternIndex)
        present = tuple(need in data for need in self.wanted)
        patterns = self.chosen.get(present)
        if patterns is None:
            found = {need for need, here in zip(self.wanted, present, strict=True) if here}
            patterns = self.chosen[present] = [
                pattern
                for pattern, need in zip(self.every, self.needs, strict=True)
                if need is None or not found.isdisjoint(need)
            ]
        every, self.inlinePatterns = self.inlinePatterns, patterns
        try:
            return super()._InlineProcessor__handleInline(data, 0)
        finally:
            self.inlinePatterns = every


# InlineProcessor's pattern loop, which InlineByCharacter narrows.
INLINE_LOOP = "_InlineProcessor__handleInline"
