"""Each assumption `site_core.internals` makes about Pelican's, Jinja's and blinker's internals, checked
against the installed versions: an upgrade that breaks one fails here, by name."""

import os
from functools import partial
from pathlib import Path

import pytest
from jinja2 import Environment
from pelican import Pelican, signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.readers import MarkdownReader
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError, Writer

from conftest import BUILD_EPOCH, copy_project, restore_signals, snapshot_signals
from site_core import internals

pytestmark = pytest.mark.slow


def write_corpus(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    categories, tags = ["News", "Research", "Opinion"], ["Fostering", "Adoption", "Policy", "Care leavers"]
    for number in range(count):
        chosen = ", ".join(tags[(number + k) % len(tags)] for k in range(1 + number % 2))
        (folder / f"story-{number:03d}.md").write_text(
            f"Title: Story {number}\n"
            f"Date: 2025-{1 + number % 12:02d}-{1 + number % 27:02d} 09:{number % 60:02d}\n"
            f"Category: {categories[number % 3]}\nTags: {chosen}\nAuthor: Writer {number % 4}\n"
            + ("Status: draft\n" if number % 17 == 0 else "")
            + f"\nText of story {number}.\n",
            encoding="utf-8",
        )


@pytest.fixture
def vanilla(tmp_path):
    """Pelican alone (no plugins) on 120 short articles, paged by 4: its settings and the files it
    wrote."""
    write_corpus(tmp_path / "content", 120)
    settings = read_settings(
        None,
        override={
            "PATH": str(tmp_path / "content"),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "PLUGINS": [],
            # Pelican's own Markdown reader, though this process has imported the site's subclass of it
            "READERS": {"md": MarkdownReader},
            "PAGINATED_TEMPLATES": {"index": 4, "tag": 4, "category": 4, "author": 4},
            "DEFAULT_PAGINATION": 4,
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None,
            "AUTHOR_FEED_RSS": None,
            "TIMEZONE": "Europe/London",
            "SITEURL": "",
        },
    )
    before = snapshot_signals()
    restore_signals([])  # Pelican alone, in the build and after it: no receiver an earlier test connected
    try:
        Pelican(settings).run()
        written = {
            p.relative_to(tmp_path / "output").as_posix() for p in (tmp_path / "output").rglob("*.html")
        }
        yield settings, written
    finally:
        restore_signals(before)


def articles_generator(settings: dict) -> ArticlesGenerator:
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={}, localsiteurl="")
    generator = ArticlesGenerator(
        context=context,
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=settings["OUTPUT_PATH"],
    )
    generator.generate_context()
    return generator


def test_the_listing_steps_are_the_articles_generators_own(vanilla):
    """LISTING_STEPS: `generate_pages` runs `generate_articles` and then exactly these."""
    settings, _written = vanilla
    generator = articles_generator(settings)
    called = []
    for name in ("generate_articles", *internals.LISTING_STEPS):
        setattr(generator, name, partial(lambda step, write: called.append(step), name))
    generator.generate_pages(Writer(settings["OUTPUT_PATH"], settings=settings))
    assert called == ["generate_articles", *internals.LISTING_STEPS]


def test_the_page_recorder_asks_for_every_listing_page_pelican_writes(vanilla):
    """PageRecorder + replay_listings: every listing page Pelican's own writer wrote (paged by its own
    Paginator), and nothing else; each with the page of articles Pelican gives it."""
    settings, written = vanilla
    generator = articles_generator(settings)
    recorder = internals.PageRecorder(settings["OUTPUT_PATH"], settings)
    internals.replay_listings([generator], recorder)
    article_pages = {article.save_as for article in generator.articles}
    assert set(recorder.pages) == written - article_pages
    paged = [context for _template, context in recorder.pages.values() if "articles_page" in context]
    assert len(paged) > 60
    for context in paged:
        page = context["articles_page"]
        assert len(page.object_list) <= 4
        assert context["output_file"] == page.save_as


@pytest.fixture(params=[0, 1000], ids=["sample site", "1,000 more articles"])
def site_and_writes(request, tmp_path, monkeypatch):
    """The sample site (with `request.param` bench articles added) built by the dev server's site in this
    process, with our plugins, and every page Pelican's writer wrote, by name, with the context it wrote
    it with (its `content_written`)."""
    from bench.corpus import corpus
    from bench.sites import our_header, write_articles
    from commands.dev_server import Site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    project = copy_project(tmp_path / "project")
    write_articles(project / "content" / "articles", corpus(request.param), our_header)
    before = snapshot_signals()
    written = {}

    def remember(path, context):
        written[context["output_file"]] = context

    signals.content_written.connect(remember)
    try:
        site = Site(project, project / "output")
        site.build()
        assert not site.failure, site.failure
        yield site, project / "output", written
    finally:
        restore_signals(before)


def test_the_recorder_gives_every_listing_of_the_site_as_pelicans_writer_wrote_it(site_and_writes):
    """One place knows how a listing is paged and what its template gets: Pelican's own writer, asked
    through PageRecorder. With our plugins, for the sample site and for 1,000 more articles, the pages it
    records are exactly the listing pages the build wrote (paged: `articles_page`; direct: `page_name`),
    each with the same page of articles, and rendering each recording gives the built file byte for
    byte."""
    site, output, written = site_and_writes
    generators = site.live.generators
    recorder = internals.PageRecorder(output, generators[0].settings)
    internals.replay_listings(generators, recorder)
    listings = {
        name for name, context in written.items() if "articles_page" in context or "page_name" in context
    }
    assert set(recorder.pages) == listings
    assert len(listings) > (700 if len(generators[0].context["articles"]) > 1000 else 40)
    for name, (template, context) in recorder.pages.items():
        built = written[name]
        if "articles_page" in built:
            assert context["articles_page"].number == built["articles_page"].number, name
            assert [a.save_as for a in context["articles_page"].object_list] == [
                a.save_as for a in built["articles_page"].object_list
            ], name
        assert template.render(context) == (output / name).read_text(encoding="utf-8"), name


def test_listing_the_articles_again_gives_pelicans_own_lists(vanilla):
    """list_articles: the lists Pelican's `generate_context` made, from the same articles."""
    settings, _written = vanilla
    generator = articles_generator(settings)
    expected = {
        name: generator.context[name]
        for name in ("articles", "drafts", "dates", "tags", "categories", "authors", "period_archives")
    }
    internals.list_articles(generator, [*generator.articles, *generator.drafts])

    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [shape(item) for item in value]
        return id(value) if isinstance(value, Article) else value

    for name, value in expected.items():
        assert shape(generator.context[name]) == shape(value), name


def test_membership_lists_answer_in_by_identity():
    """MembershipList: Pelican finds a listing's articles with `in`; the answer is the plain list's."""
    first, second, third = object(), object(), object()
    members = internals.MembershipList([first])
    members.append(second)
    assert [item in members for item in (first, second, third)] == [True, True, False]
    assert list(members) == [first, second]


def test_the_writer_opens_every_file_through_open_w(tmp_path):
    """WRITER_OPEN: Pelican's `write_file` opens the file it writes with `_open_w(filename, encoding,
    override)` (the incremental writer and the page recorder replace it)."""
    opened = []

    class Watching(Writer):
        def _open_w(self, filename, encoding, override=False):
            opened.append((Path(filename).name, encoding, override))
            return super()._open_w(filename, encoding, override)

    assert hasattr(Writer, internals.WRITER_OPEN)
    settings = read_settings(None, override={"OUTPUT_PATH": str(tmp_path)})
    template = Environment().from_string("{{ greeting }}")
    Watching(str(tmp_path), settings=settings).write_file("hello.html", template, {"greeting": "hi"})
    assert opened == [("hello.html", "utf-8", False)]
    assert (tmp_path / "hello.html").read_text() == "hi"


@pytest.mark.parametrize(
    ("first", "second", "outcome"),
    [
        (False, False, "refused"),
        (False, True, "page.html"),
        (True, False, os.devnull),
        (True, True, "refused"),
    ],
)
def test_a_first_write_is_noted_as_pelican_notes_it(tmp_path, first, second, outcome):
    """WRITER_WRITTEN, WRITER_OVERRIDDEN: `_open_w` notes each file it opens in these two sets, and a
    second write of the file is refused, allowed or skipped (to the null device) by them alone;
    `note_first_write` notes a first write the same way without creating the file."""
    settings = read_settings(None, override={"OUTPUT_PATH": str(tmp_path)})
    filename = str(tmp_path / "page.html")
    opened, noted = Writer(str(tmp_path), settings=settings), Writer(str(tmp_path), settings=settings)
    with opened._open_w(filename, "utf-8", first):
        pass
    (tmp_path / "page.html").unlink()
    internals.note_first_write(noted, filename, first)
    assert not (tmp_path / "page.html").exists()
    for writer in (opened, noted):
        assert getattr(writer, internals.WRITER_WRITTEN) == {filename}
        assert getattr(writer, internals.WRITER_OVERRIDDEN) == ({filename} if first else set())
    outcomes = []
    for writer in (opened, noted):
        try:
            with writer._open_w(filename, "utf-8", second) as stream:
                outcomes.append(Path(stream.name).name if stream.name != os.devnull else os.devnull)
        except FileOverwriteFailedError:
            outcomes.append("refused")
    assert outcomes == [outcome, outcome]


def test_a_macros_code_is_the_same_for_every_call():
    """macro_code: Jinja's `Macro._func` holds the macro's compiled function."""
    template = Environment().from_string(
        "{% macro card(x) %}<{{ x }}>{% endmacro %}{% macro other(x) %}{{ x }}{% endmacro %}"
    )
    module = template.module
    assert module.card("a") == "<a>"
    assert internals.macro_code(module.card) is internals.macro_code(template.module.card)
    assert internals.macro_code(module.card) is not internals.macro_code(module.other)


def test_memoized_html_is_kept_in_a_table_keyed_by_the_content(vanilla):
    """memoized_table: `pelican.utils.memoized` keeps `get_content`'s results in `cache`, keyed by a tuple
    starting with the object (forget_memoized drops a patched article's entries from it)."""
    settings, _written = vanilla
    article = articles_generator(settings).articles[0]
    article.get_content(settings["SITEURL"])
    table = internals.memoized_table(Article, "get_content")
    assert any(key and key[0] is article for key in table)


def test_articles_keep_the_context_and_the_text_they_were_read_with(vanilla):
    """READ_CONTEXT, RAW_CONTENT, RAW_SUMMARY: Pelican sets `_context` on every content it reads and keeps
    its HTML, links unresolved, in `_content` (the summary, when the file gives one, in `_summary`)."""
    settings, _written = vanilla
    article = articles_generator(settings).articles[0]
    assert isinstance(vars(article)[internals.READ_CONTEXT], dict)
    assert vars(article)[internals.RAW_CONTENT] == article.get_content(settings["SITEURL"])
    assert "Text of story" in vars(article)[internals.RAW_CONTENT]
    summarised = Article("<p>Text.</p>", metadata={"title": "T", "summary": "A summary."}, settings=settings)
    assert vars(summarised)[internals.RAW_SUMMARY] == "A summary."


def test_intrasite_links_are_found_by_pelicans_own_pattern(vanilla):
    settings, _written = vanilla
    article = articles_generator(settings).articles[0]
    assert internals.intrasite_link_regex(article).search('<a href="{filename}other.md">')


def test_a_generator_holds_its_cache_in_memory(vanilla):
    """hold_cache: the generators' content cache is the `_cache` dict; `save_cache` writes it."""
    settings, _written = vanilla
    cached = {
        **settings,
        "CACHE_CONTENT": True,
        "CONTENT_CACHING_LAYER": "generator",
        "LOAD_CONTENT_CACHE": False,
        "CHECK_MODIFIED_METHOD": "mtime",
    }
    cached["CACHE_PATH"] = str(Path(settings["OUTPUT_PATH"]).parent / "cache")
    generator = articles_generator(cached)
    kept: dict = {}
    internals.hold_cache(generator, kept)
    article = generator.articles[0]
    name = article.get_relative_source_path()
    generator.cache_data(name, article)
    assert name in kept
    generator.save_cache()  # never writes a file


def test_signals_can_be_muted():
    """PageRecorder mutes `content_written` (blinker's `Signal.muted`) while it asks for pages."""
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    signals.content_written.connect(receiver)
    try:
        with signals.content_written.muted():
            signals.content_written.send("muted")
        signals.content_written.send("heard")
    finally:
        signals.content_written.disconnect(receiver)
    assert heard == ["heard"]


def test_the_inline_loop_tries_only_the_patterns_a_narrowed_processor_leaves():
    """INLINE_LOOP: Python-Markdown's InlineProcessor tries its patterns in `__handleInline`, reading
    `inlinePatterns` by `len` and index; narrowed, a piece of text without a pattern's `needs` is not tried
    against it, and one with it is."""
    from xml.etree import ElementTree

    import markdown
    from markdown.inlinepatterns import SimpleTextInlineProcessor
    from markdown.treeprocessors import InlineProcessor
    from markdown.util import Registry

    assert callable(getattr(InlineProcessor, internals.INLINE_LOOP, None))
    tried = []

    class Counting(SimpleTextInlineProcessor):
        def getCompiledRegExp(self):
            tried.append(self.label)
            return super().getCompiledRegExp()

    md = markdown.Markdown()
    patterns = Registry()
    for priority, (label, regex) in enumerate((("at", r"(@)"), ("hash", r"(#)"))):
        pattern = Counting(regex)
        pattern.label = label
        patterns.register(pattern, label, 10 - priority)
    processor = InlineProcessor(md)
    processor.inlinePatterns = patterns
    internals.InlineByCharacter.narrow(processor, ["@", "#"])

    def run_on(text: str) -> None:
        root = ElementTree.Element("div")
        ElementTree.SubElement(root, "p").text = text
        processor.run(root)

    run_on("only @ here")
    assert "hash" not in tried
    assert "at" in tried
    tried.clear()
    run_on("both @ and #")
    assert set(tried) == {"at", "hash"}
