"""A Pelican writer that renders a page only when something it was rendered from has changed.

While a template renders, every top-level name it looks up is recorded (Jinja resolves each name through
the context, including in included templates and `pass_context` filters). The page's fingerprint is the
site token, the template, the output name and the fingerprint of each of those names' values. Next build,
the same names are fingerprinted again from the new context: if nothing changed, the template would take
the same path through the same values and write the same bytes, so the previous file is linked into the
new output instead of rendering it. A rendered page whose bytes did not change is linked too, so files
keep their identity and modification time for link checking and deploys.

Each page also records what it read of every article and page it showed (`ContentRead`: the file, and the
attribute, or "*" for anything of it), and the build keeps how to render each page again (`Recipe`): the
dev server uses both to re-render only the pages that showed an article whose text changed.
"""

import contextlib
import functools
import io
import logging
import os
import shutil
import weakref
from dataclasses import dataclass
from pathlib import Path

from jinja2.defaults import DEFAULT_FILTERS
from jinja2.runtime import Context, Macro
from pelican.contents import Content
from pelican.writers import Writer

from site_core import current_build
from site_core.internals import RenderedThrough, macro_code, note_first_write
from site_core.store import digest, replace_text
from site_core.workers import Share, all_outcomes, can_fork, fork_map, fork_share

from .fingerprint import Fingerprinter, Unfingerprintable

logger = logging.getLogger(__name__)

STATE = "incremental"


ANYTHING = "*"
# What a template reads of an article or page: its source file and the attribute ("*": anything of it).
ContentRead = tuple[str, str]


class RecordingContext(Context):
    """A Jinja context that notes every name a template looks up, while its environment is recording, and
    every article or page a function it calls is given."""

    def resolve_or_missing(self, key: str):
        recording = getattr(self.environment, "recorded_names", None)
        value = super().resolve_or_missing(key)
        if recording is not None:
            recording.add(key)
            if isinstance(value, Content):
                _note_whole(self.environment, value)
        return value

    def call(__self, __obj, *args, **kwargs):
        if isinstance(__obj, Macro):
            fragments = getattr(__self.environment, "fragments", None)
            if fragments is not None and __obj.name in fragments.macros:
                return fragments.call(__self, __obj, args, kwargs)
        elif (getattr(__obj, "__module__", None) or "").partition(".")[0] != "jinja2":
            _note_whole(__self.environment, *args, *kwargs.values())
        return super().call(__obj, *args, **kwargs)


# What Jinja adds to a call made in a loop or block; not an argument of the macro.
_JINJA_CALL_KEYWORDS = frozenset({"_loop_vars", "_block_vars"})
_PLAIN_ARGUMENTS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Fragment:
    """One call of a pure macro: the articles and pages it was given (held, so their ids stay theirs), its
    output, and what its render looked up and read of them."""

    contents: tuple
    text: str
    names: frozenset[str]
    reads: frozenset


class Fragments:
    """The output of each call of a pure macro, made once per build for the same arguments.

    A pure macro (the theme's article card) is one whose output depends on its arguments alone: it is
    imported without the page's context, so it sees only the environment's globals, which do not change
    during a build. A card is on the home page, its category's, topics' and author's listings, the hub's and
    related lists: made once and reused, a listing page is mostly cards already made and renders about
    three times faster. Each fragment keeps the names its render looked up and what it read of
    articles, and every page that uses it records them as if it had rendered it, so a page's record of its
    inputs does not depend on which page made the card first.
    """

    def __init__(self, macros) -> None:
        self.macros = frozenset(macros)
        self.made: dict[tuple, Fragment] = {}
        # Made since the last `export`: a process that renders pages for another sends these back.
        self.fresh: list[tuple] = []
        # The macros' code, kept alive while keys name it by identity.
        self.codes: dict[int, object] = {}
        # One copy of each set of names and reads, and of each read, however many adopted cards share it.
        self._sets: dict[frozenset, frozenset] = {}
        self._pairs: dict[tuple, tuple] = {}

    def call(self, context: Context, macro: Macro, args: tuple, kwargs: dict):
        key = _fragment_key(macro, args, kwargs)
        if key is None:
            return Context.call(context, macro, *args, **kwargs)
        environment = context.environment
        fragment = self.made.get(key)
        if fragment is None:
            self.codes.setdefault(key[0], macro_code(macro))
            outer = getattr(environment, "recorded_names", None), getattr(environment, "recorded_reads", None)
            names: set[str] = set()
            reads: set[ContentRead] = set()
            environment.recorded_names, environment.recorded_reads = names, reads
            try:
                text = Context.call(context, macro, *args, **kwargs)
            finally:
                environment.recorded_names, environment.recorded_reads = outer
            contents = tuple(value for value in (*args, *kwargs.values()) if isinstance(value, Content))
            fragment = self.made[key] = Fragment(contents, text, frozenset(names), frozenset(reads))
            self.fresh.append(key)
        if getattr(environment, "recorded_names", None) is not None:
            environment.recorded_names.update(fragment.names)
        if getattr(environment, "recorded_reads", None) is not None:
            environment.recorded_reads.update(fragment.reads)
        return fragment.text

    def export(self) -> list[tuple]:
        """The fragments made since the last export, as plain values for the process this one was forked
        from (articles by identity, the same there): (fragments, [(key, text, names, reads, ids)])."""
        made = [
            (key, fragment.text, fragment.names, fragment.reads, tuple(map(id, fragment.contents)))
            for key in self.fresh
            if (fragment := self.made.get(key)) is not None
        ]
        self.fresh = []
        return made

    def made_here(self) -> None:
        """The fragments made so far are this process's own: none of them is exported. Called before
        forking the processes that render, so each sends back only the cards it made itself."""
        self.fresh = []

    def adopt(self, exported: list[tuple], contents_by_id: dict[int, object]) -> None:
        """Fragments a forked process made (see `export`), kept here for the pages rendered next. What
        arrives as a copy for each card (the same names looked up, the same reads) is kept once: at 10,000
        articles there are tens of thousands of cards."""
        for key, text, names, reads, ids in exported:
            if key not in self.made and all(i in contents_by_id for i in ids):
                shared_reads = frozenset(self._pairs.setdefault(pair, pair) for pair in reads)
                self.made[key] = Fragment(
                    tuple(contents_by_id[i] for i in ids),
                    text,
                    self._sets.setdefault(names, names),
                    self._sets.setdefault(shared_reads, shared_reads),
                )

    def forget(self, contents) -> None:
        """Drop every fragment made from one of `contents` (articles or pages changed in place)."""
        changed = {id(content) for content in contents}
        for key in [key for key, fragment in self.made.items() if changed & set(map(id, fragment.contents))]:
            del self.made[key]


def _fragment_key(macro: Macro, args: tuple, kwargs: dict) -> tuple | None:
    """The macro (by its code's identity: the templates live as long as the build) and its arguments (an
    article or page by identity, a plain value as itself); None when an argument is anything else (a
    `caller`, a list), whose call is made every time."""
    parts: list = [id(macro_code(macro))]
    arguments = [*args, *(value for key, value in sorted(kwargs.items()) if key not in _JINJA_CALL_KEYWORDS)]
    for value in arguments:
        if isinstance(value, Content):
            parts.append(("content", id(value)))
        elif isinstance(value, _PLAIN_ARGUMENTS):
            parts.append((type(value), value))
        else:
            return None
    parts.extend(key for key in sorted(kwargs) if key not in _JINJA_CALL_KEYWORDS)
    return tuple(parts)


def _note_whole(environment, *values) -> None:
    """A page that is given an article or page whole (as its own, or to a function) depends on all of it;
    so does one that gives a function a list of them. (A list a template only looks up is not noted: Jinja
    looks up every name a template uses before it runs, taken branch or not.)"""
    reads = getattr(environment, "recorded_reads", None)
    if reads is None:
        return
    for value in values:
        if isinstance(value, Content):
            reads.add((value.source_path, ANYTHING))
        elif isinstance(value, list | tuple):
            reads.update((item.source_path, ANYTHING) for item in value if isinstance(item, Content))


# Properties that say where an article is (from its slug, date, category and the settings), read by every
# card that links to it: recorded by name, not as "anything".
ADDRESS_PROPERTIES = frozenset({"url", "save_as"})


def _attribute_read(content: Content, attribute) -> ContentRead:
    """An attribute stored on the article stands for itself, and so does one it does not have (a card asks
    every article for its `content_note`; most have none): the page depends on that name's value, or its
    absence. A property or method of the class may compute from anything."""
    if not isinstance(attribute, str):
        return (content.source_path, ANYTHING)
    if attribute in vars(content) or attribute in ADDRESS_PROPERTIES or not hasattr(type(content), attribute):
        return (content.source_path, attribute)
    return (content.source_path, ANYTHING)


class _TrackedFilters(dict):
    """The environment's filters; the site's own (not Jinja's built-in ones, which read attributes
    through the environment) note the articles they are given."""

    def __init__(self, environment, filters: dict) -> None:
        super().__init__(filters)
        self.environment = environment

    def __getitem__(self, name: str):
        function = super().__getitem__(name)
        if DEFAULT_FILTERS.get(name) is function:
            return function

        @functools.wraps(function)
        def noting(*args, **kwargs):
            _note_whole(self.environment, *args, *kwargs.values())
            return function(*args, **kwargs)

        return noting


def track_reads(environment) -> None:
    """Make `environment` note, while it records, what its templates read of articles and pages."""
    if isinstance(environment.filters, _TrackedFilters):
        return
    environment.filters = _TrackedFilters(environment, environment.filters)
    environment.recorded_names = getattr(environment, "recorded_names", None)
    environment.recorded_reads = None
    environment.getattr = _noting(environment, environment.getattr)
    environment.getitem = _noting(environment, environment.getitem)


def _noting(environment, look_up):
    """`look_up` (the environment's `getattr` or `getitem`), noting each read of an article or page."""

    def noting(obj, name):
        reads = environment.recorded_reads
        if reads is not None and isinstance(obj, Content):
            reads.add(_attribute_read(obj, name))
        return look_up(obj, name)

    return noting


@dataclass(frozen=True)
class Recipe:
    """How Pelican asked for a page: the template and the context it renders with."""

    template: object
    localcontext: dict


def render_recording(template, localcontext: dict) -> tuple[str, set[str], set[ContentRead]]:
    """The page, the names its template looked up and what it read of articles and pages."""
    environment = template.environment
    track_reads(environment)
    names: set[str] = set()
    reads: set[ContentRead] = set()
    outer = environment.recorded_names, environment.recorded_reads
    environment.recorded_names, environment.recorded_reads = names, reads
    try:
        text = template.render(localcontext)
    finally:
        environment.recorded_names, environment.recorded_reads = outer
    return text, names, reads


@dataclass(frozen=True)
class OutputRecord:
    """How one output file was made: its fingerprint, the names its template read, and the file it became."""

    template: str
    fingerprint: bytes
    names: tuple[str, ...]
    size: int
    mtime_ns: int
    inode: int
    reads: frozenset[ContentRead] = frozenset()


# The record of a page written outside a build: no template has this name, so no build reuses it.
NEVER_REUSED = OutputRecord("", b"", (), -1, -1, -1)
_MISSING = b"missing"
# Below this many pages to render, forking the workers costs more than it saves.
MINIMUM_PARALLEL = 200
# Pages placed by Pelican's writer loop that start a process rendering them while the loop goes on.
EARLY_BATCH = 400


class Outputs:
    """What this build wrote, against what the previous build recorded for the same output folder."""

    def __init__(
        self, fingerprinter: Fingerprinter, previous: dict, previous_output: Path, workers: int = 1
    ) -> None:
        self.fingerprinter = fingerprinter
        self.previous: dict[str, OutputRecord] = previous
        self.previous_output = previous_output
        self.workers = workers
        self.records: dict[str, OutputRecord] = {}
        # Every page Pelican asked for, kept or rendered, and how to render it again.
        self.recipes: dict[str, Recipe] = {}
        self._pending: dict[str, tuple[str, bytes | None, tuple[str, ...], frozenset]] = {}
        self._reused: set[str] = set()
        # One tuple for each (file, attribute) read, however many pages read it: at 10,000 articles the
        # pages' reads are millions of entries, mostly the same few thousand pairs.
        self._read_pairs: dict[ContentRead, ContentRead] = {}
        # Pages rendered by `workers` processes, not in Pelican's writer loop: name -> (template, the
        # context Pelican gave it, the file it goes to, once Pelican has placed it).
        self._deferred: dict[str, list] = {}
        # Deferred pages Pelican has placed (their file is known) and no process renders yet; the batches
        # a process renders while Pelican's writer loop goes on (one at a time: it has the other core).
        self._placed: list[str] = []
        self._early: list[tuple[list[str], Share]] = []
        # A build that stops before its pages are collected (an error in Pelican's writer loop) drops this
        # object: the processes still rendering for it are stopped then, not left waiting.
        weakref.finalize(self, abandon_early, self._early)
        self.rendered = 0
        self.reused = 0
        # Writing into the previous output itself (no staging folder): kept pages are left as they are and
        # every other page replaces its file whole.
        self.in_place = False

    def fingerprint(self, template: str, name: str, names, localcontext: dict) -> bytes | None:
        try:
            parts = [
                part
                for key in sorted(names)
                for part in (
                    key.encode(),
                    self.fingerprinter.of(localcontext[key]) if key in localcontext else _MISSING,
                )
            ]
        except Unfingerprintable as error:
            logger.debug("%s is always rendered: %s", name, error)
            return None
        return digest(self.fingerprinter.site_token, template.encode(), name.encode(), *parts)

    def writing_to(self, output_path: Path) -> None:
        self.in_place = output_path.resolve() == self.previous_output

    def untouched(self, name: str) -> bool:
        """Whether Pelican must not open this page's file: it is kept, or rendered later."""
        return name in self._reused or name in self._deferred

    def remove_unwritten(self) -> int:
        """In place, pages the previous build wrote and this one did not (a deleted article, a category
        with no articles left) are removed, as a swap would have left them out."""
        if not self.in_place:
            return 0
        gone = [name for name in self.previous if name not in self.records]
        for name in gone:
            path = self.previous_output / name
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # a folder that still holds something stays
                path.parent.rmdir()
        return len(gone)

    def _still_there(self, name: str, record: OutputRecord) -> bool:
        try:
            found = (self.previous_output / name).stat()
        except OSError:
            return False
        return (found.st_size, found.st_mtime_ns, found.st_ino) == (
            record.size,
            record.mtime_ns,
            record.inode,
        )

    def render(self, template, localcontext: dict) -> str:
        name = localcontext["output_file"]
        if name in self.records or name in self._pending:
            # Written a second time (Pelican allows one override): rendered plainly, recorded once.
            return template.render(localcontext)
        self.recipes[name] = Recipe(template, localcontext)
        record = self.previous.get(name)
        if (
            record is not None
            and record.template == template.name
            and self.fingerprint(template.name, name, record.names, localcontext) == record.fingerprint
            and self._still_there(name, record)
        ):
            self._reused.add(name)
            self._pending[name] = (record.template, record.fingerprint, record.names, record.reads)
            return ""
        if self.workers > 1:
            self._deferred[name] = [template, localcontext, None]
            self._pending[name] = (template.name, None, (), frozenset())
            return ""
        text, self._pending[name] = self.render_now(template, name, localcontext)
        return text

    def render_now(self, template, name: str, localcontext: dict) -> tuple[str, tuple]:
        """The page, and how it was made (template, fingerprint, the names it looked up, what it read of
        articles and pages)."""
        text, names, reads = render_recording(template, localcontext)
        made = (
            template.name,
            self.fingerprint(template.name, name, names, localcontext),
            tuple(sorted(names)),
            frozenset(reads),
        )
        return text, made

    def render_deferred(self) -> None:
        """Render the pages put off during Pelican's writer loop and not already rendered during it: in
        parallel when there are enough, new pages and the first page of each listing first (written in
        place, as by the dev server, they are on screen sooner)."""
        started = {name for batch, _share in self._early for name in batch}
        names = sorted((name for name in self._deferred if name not in started), key=self._first_seen)
        workers = self.workers if len(names) >= MINIMUM_PARALLEL and can_fork() else 1
        places = page_places({name: self._deferred[name][1] for name in names})
        early = list(self._early)
        self._early.clear()
        self._placed = []
        try:
            made = fork_map(self.write_deferred, names, workers, places.get)
        finally:
            finished = all_outcomes([share for _batch, share in early])
        if early:
            logger.info(
                "incremental: %d pages rendered while Pelican's writer loop ran",
                sum(len(batch) for batch, _share in early),
            )
        batches = [batch for batch, _share in early] + [names]
        for batch, how in zip(batches, [*finished, made], strict=True):
            for name, recorded in zip(batch, how, strict=True):
                path = self._deferred.pop(name)[2]
                self._pending[name] = recorded
                self.settle(path, name)

    def _render_early(self) -> None:
        """While Pelican's writer loop goes on (on one core), the pages it has placed are rendered by one
        process on another, a batch at a time: the loop's seconds are no longer a core left idle. What
        they are rendered from is final once placed (the build's tests compare this with pages rendered one
        by one in the loop, byte for byte)."""
        if self.workers < 2 or not can_fork() or len(self._placed) < EARLY_BATCH:
            return
        if any(not share.done() for _batch, share in self._early):
            return
        batch, self._placed = self._placed, []
        self._early.append((batch, fork_share(self.write_deferred, batch)))

    def _first_seen(self, name: str) -> int:
        """0 for a page the last build did not make (a new article), 1 for the first page of a listing
        (where a new article appears), 2 for the rest: what a reader of the save looks at comes first."""
        if name not in self.previous:
            return 0
        listing = self._deferred[name][1].get("articles_page")
        return 1 if getattr(listing, "number", None) == 1 else 2

    def write_deferred(self, name: str) -> tuple:
        template, localcontext, path = self._deferred[name]
        text, made = self.render_now(template, name, localcontext)
        replace_text(path, text)
        return made

    def settle(self, path: Path, name: str) -> None:
        """After Pelican has written `path`: link the previous file in its place when it is the same."""
        if name not in self._pending:
            return
        if name in self._deferred:
            self._deferred[name][2] = path  # the page comes from render_deferred, or a process before it
            self._placed.append(name)
            self._render_early()
            return
        template, fingerprint, names, reads = self._pending.pop(name)
        previous = self.previous_output / name
        if name in self._reused:
            self._reused.discard(name)
            if not self.in_place:
                path.unlink(missing_ok=True)
                link_or_copy(previous, path)
            self.reused += 1
        else:
            self.rendered += 1
            if not self.in_place and same_bytes(previous, path):
                path.unlink()
                link_or_copy(previous, path)
        found = path.stat()
        if fingerprint is not None:
            shared = frozenset(map(self._read_pairs.setdefault, reads, reads))
            self.records[name] = OutputRecord(
                template, fingerprint, names, found.st_size, found.st_mtime_ns, found.st_ino, shared
            )


def abandon_early(early: list[tuple[list[str], Share]]) -> None:
    for _batch, share in early:
        share.abandon()
    early.clear()


def page_places(contexts: dict[str, dict]) -> dict[str, float]:
    """Where each page's articles stand among all the articles the pages show, newest first, from 0 to 1,
    by page name: a listing page's (Pelican gives a paged template `articles_page`) the middle of those
    it lists, an article's own page its article's. Pages near each other in this order show the same
    articles' cards (each article is on about the same page of every listing that holds it), so the
    processes that render them are given stretches of it, and each card is made once, not in every one.
    A page that is neither has no place."""
    shown: dict[str, list] = {}
    for name, context in contexts.items():
        listing = context.get("articles_page")
        if listing is not None and getattr(listing, "object_list", None):
            shown[name] = [a for a in listing.object_list if isinstance(a, Content)]
        elif isinstance(article := context.get("article"), Content):
            shown[name] = [article]
    articles = {id(article): article for members in shown.values() for article in members}
    newest_first = sorted(articles.values(), key=lambda article: article.date, reverse=True)
    ranks = {id(article): rank / len(newest_first) for rank, article in enumerate(newest_first)}
    return {
        name: sum(ranks[id(article)] for article in members) / len(members)
        for name, members in shown.items()
        if members
    }


def exported_fragments(environment) -> tuple:
    """(the environment's fragments' identity, the fragments it made since the last call), or ()."""
    fragments = getattr(environment, "fragments", None)
    return (id(fragments), fragments.export()) if fragments is not None else ()


def fragments_of(generators) -> list[Fragments]:
    """The fragments of each generator's template environment that makes them."""
    return [
        fragments
        for generator in generators
        if (fragments := getattr(getattr(generator, "env", None), "fragments", None)) is not None
    ]


def adopt_fragments(generators, made: list[tuple], contents_by_id: dict[int, object]) -> None:
    """The cards worker processes made (each `exported_fragments`), kept by the generators' environments
    they were made for."""
    by_identity = {id(fragments): fragments for fragments in fragments_of(generators)}
    for exported in made:
        if exported and exported[0] in by_identity:
            by_identity[exported[0]].adopt(exported[1], contents_by_id)


def link_or_copy(previous: Path, path: Path) -> None:
    """A hard link to the previous file (same bytes, same modification time), or a copy where the file
    system has no hard links."""
    try:
        os.link(previous, path)
    except OSError:
        shutil.copy2(previous, path)


def same_bytes(previous: Path, current: Path) -> bool:
    try:
        if previous.stat().st_size != current.stat().st_size:
            return False
        return previous.read_bytes() == current.read_bytes()
    except OSError:
        return False


class _AtomicFile(io.StringIO):
    """What Pelican writes a page into when the build writes in place: the file is replaced on close."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            replace_text(self.path, self.getvalue())
        return super().__exit__(*exc_info)


class IncrementalWriter(Writer):
    """Pelican's writer, rendering through this build's `Outputs` when the cache is on."""

    def write_file(self, name, template, context, *args, **kwargs):
        outputs = self._outputs()
        if outputs is not None:
            outputs.writing_to(Path(self.output_path))
            template = RenderedThrough(template, outputs.render)
        return super().write_file(name, template, context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        """A kept page, or one rendered later, is not opened at all (creating the file empty cost more than
        writing it); written in place, every other page replaces its file whole (Pelican's own
        `open(…, "w")` would show it half-written). Elsewhere, Pelican's own."""
        outputs = self._outputs()
        if outputs is None:
            return super()._open_w(filename, encoding, override)
        if outputs.untouched(Path(filename).relative_to(self.output_path).as_posix()):
            note_first_write(self, filename, override)
            return contextlib.nullcontext(io.StringIO())
        if not outputs.in_place:
            return super()._open_w(filename, encoding, override)
        return _AtomicFile(Path(filename))

    def _outputs(self) -> "Outputs | None":
        return current_build(self.settings).existing_state(STATE)


def settle_written_page(path: str, context: dict) -> None:
    """Pelican's `content_written`: settle the file just written against the previous build."""
    outputs = current_build(context).existing_state(STATE)
    if outputs is None:
        return
    name = context.get("output_file")
    if name:
        outputs.settle(Path(path), name)
