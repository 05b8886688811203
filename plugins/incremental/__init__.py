"""incremental: a rebuild does only the work the change needs, with the plain `pelican` command.

Two caches live beside the output folder (`.pelican-cache-<output>/`), both keyed so that a change in
content, settings, theme, plugin code or library versions can never be served stale:

- **Reads**: each Markdown file's validated front matter and sanitised HTML, keyed by the file's bytes, its
  path and the read token. This plugin opens the core's read cache for the build; the reader uses it. An
  unchanged file is not parsed or converted again.
- **Outputs**: for each page, the fingerprint of exactly what its template read (see `writer.py`). A page
  whose inputs are unchanged is linked from the previous output instead of being rendered.

It also gives the build a memory (`Build.stored`/`Build.store`): values other plugins keep from one good
build to the next under the same site token.

The INCREMENTAL setting: `enabled` (default True) turns both off; `cache_path` (default None: beside the
output folder) moves the cache; `workers` (default None: one per core) is how many processes convert
changed files and render changed pages at once; `prune` (default True) drops the cached reads a build did
not use; `pure_macros` (default none) names the theme's macros whose output depends on their arguments
alone (imported without the page's context): each call is rendered once per build for the same arguments
and reused on every page that makes it (see `Fragments` in `writer.py`).

Written into the output folder itself (no staging folder: the dev server), a kept page is not opened at
all, every other page replaces its file whole, and pages the build no longer makes are removed.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pelican import signals

import site_core
from site_core import BUILD_KEY, Memory, current_build
from site_core.store import ContentCache, digest, dump_pickle, load_pickle, remove_other_namespaces

from .fingerprint import Fingerprinter, code_token
from .writer import (
    NEVER_REUSED,
    STATE,
    Fragments,
    IncrementalWriter,
    OutputRecord,
    Outputs,
    RecordingContext,
    settle_written_page,
)

logger = logging.getLogger(__name__)

CACHE_PREFIX = ".pelican-cache-"
MANIFEST = "outputs.pickle"
# Pages the dev server wrote between builds that the last build did not make (one JSON string a line).
WRITTEN_OUTSIDE = "written-outside.jsonl"
# Settings that change from build to build, or say where and how a build is written and cached, without
# changing what any page contains: the dev server's settings differ from `invoke build`'s only in these, so
# the two share one cache.
VOLATILE_SETTINGS = frozenset(
    {
        "OUTPUT_PATH",
        BUILD_KEY,
        "INCREMENTAL",
        "SAFE_BUILD",
        "CACHE_CONTENT",
        "LOAD_CONTENT_CACHE",
        "CONTENT_CACHING_LAYER",
        "CHECK_MODIFIED_METHOD",
        "CACHE_PATH",
        # set by the `pelican` command line (its --debug), not by the dev server
        "DEBUG",
    }
)


@dataclass(frozen=True)
class IncrementalOptions:
    enabled: bool = True
    cache_path: str | None = None
    workers: int | None = None
    # drop cached reads this build did not use (the dev server, which keeps what it read in memory and so
    # reads only what changed, keeps them)
    prune: bool = True
    pure_macros: tuple[str, ...] = ()


class SiteMemory(Memory):
    """Values kept in the site folder of the cache; written only once the build is published."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kept: dict[str, object] = {}

    def load(self, name: str):
        return load_pickle(self.folder / f"{name}.pickle")

    def keep(self, name: str, value) -> None:
        self.kept[name] = value

    def save(self) -> None:
        for name, value in self.kept.items():
            dump_pickle(self.folder / f"{name}.pickle", value)
        self.kept.clear()


def cache_folder(settings: dict, cache_path) -> Path:
    if cache_path:
        return Path(settings["PATH"]).resolve().parent / cache_path
    output = Path(settings["OUTPUT_PATH"]).resolve()
    return output.parent / f"{CACHE_PREFIX}{output.name}"


def tokens(settings: dict, theme: str) -> tuple[bytes, bytes]:
    """(read token, site token). A read depends on the settings, plugin code and library versions; a page
    on those and the theme too. When a token changes, nothing made under the old one is reused."""
    stable_settings = {key: value for key, value in settings.items() if key not in VOLATILE_SETTINGS}
    plugins = [Path(folder) for folder in settings.get("PLUGIN_PATHS", [])]
    read_token = digest(code_token(plugins), Fingerprinter(b"").of(stable_settings))
    return read_token, digest(read_token, code_token([Path(theme)]))


def start(pelican) -> None:
    build = current_build(pelican.settings)
    options = build.options("INCREMENTAL", IncrementalOptions)
    if not options.enabled:
        return
    read_token, token = tokens(pelican.settings, pelican.theme)
    root = cache_folder(pelican.settings, options.cache_path)
    workers = options.workers or os.cpu_count() or 1
    build.reads.enable(ContentCache(root / f"reads-{read_token.hex()}"), read_token, workers)
    memory = SiteMemory(root / f"site-{token.hex()}")
    build.memory = memory
    # Relative URLs make Pelican change the shared context page by page, so those pages render in order.
    render_workers = 1 if pelican.settings.get("RELATIVE_URLS") else workers
    previous = {**pages_written_outside(memory.folder), **(load_pickle(memory.folder / MANIFEST) or {})}
    build.state(
        STATE,
        lambda: Outputs(
            Fingerprinter(token), previous, Path(pelican.settings["OUTPUT_PATH"]).resolve(), render_workers
        ),
    )


def record_names(generator) -> None:
    """Every template of the build notes the names it looks up, and makes each pure macro's output once for
    the same arguments (see writer.py)."""
    generator.env.context_class = RecordingContext
    options = current_build(generator.settings).options("INCREMENTAL", IncrementalOptions)
    generator.env.fragments = Fragments(options.pure_macros)


def use_writer(pelican) -> type:
    return IncrementalWriter


def render_pages(pelican) -> None:
    """Before anything reads the output: the pages the writer put off, rendered on every core; written in
    place, the pages this build no longer makes are removed (so the link check sees them gone)."""
    outputs = current_build(pelican.settings).existing_state(STATE)
    if outputs is not None:
        outputs.render_deferred()
        outputs.remove_unwritten()


def remember(pelican) -> None:
    """Once the new output is in place: record how each page was made, and forget what was not used."""
    build = current_build(pelican.settings)
    outputs = build.existing_state(STATE)
    memory = build.memory
    if outputs is None or build.reads.cache is None or not isinstance(memory, SiteMemory):
        return
    dump_pickle(memory.folder / MANIFEST, outputs.records)
    (memory.folder / WRITTEN_OUTSIDE).unlink(missing_ok=True)
    memory.save()
    if build.options("INCREMENTAL", IncrementalOptions).prune:
        build.reads.cache.prune()
    remove_other_namespaces(memory.folder.parent, {memory.folder.name, build.reads.cache.folder.name})
    logger.info(
        "incremental: %d pages rendered, %d unchanged pages kept, %d files read afresh",
        outputs.rendered,
        outputs.reused,
        build.reads.misses,
    )


def note_pages_written_outside(memory: Memory, names: set[str]) -> None:
    """Pages the dev server wrote in place after the last build (a move's new pages), noted beside that
    build's record of its output (in its `memory`): the next build counts them among the pages the last one
    made, so it removes those it does not make, as a clean build has none of them. Their records are never
    reused: the next build that makes one renders it. A few lines appended, not the record rewritten."""
    if not names or not isinstance(memory, SiteMemory):
        return
    memory.folder.mkdir(parents=True, exist_ok=True)  # the cache may have been cleared since the build
    with (memory.folder / WRITTEN_OUTSIDE).open("a", encoding="utf-8") as stream:
        stream.writelines(json.dumps(name) + "\n" for name in sorted(names))


def pages_written_outside(folder: Path) -> dict[str, OutputRecord]:
    """The pages `note_pages_written_outside` noted in `folder`, each with a record never reused."""
    try:
        lines = (folder / WRITTEN_OUTSIDE).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    names = {}
    for number, line in enumerate(lines, 1):
        try:
            name = json.loads(line)
        except ValueError:
            name = None
        if isinstance(name, str):
            names[name] = NEVER_REUSED
        else:
            # A line cut short (the server stopped while writing it): the next build may leave that page.
            logger.warning("incremental: line %d of %s names no page", number, folder / WRITTEN_OUTSIDE)
    return names


def register() -> None:
    site_core.connect()
    signals.get_generators.connect(start)
    signals.generator_init.connect(record_names)
    signals.get_writer.connect(use_writer)
    site_core.pages_written.connect(render_pages)
    signals.content_written.connect(settle_written_page)
    site_core.after_publish.connect(remember)
