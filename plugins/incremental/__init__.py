"""incremental: a rebuild does only the work the change needs, with the plain `pelican` command.

Two caches live beside the output folder (`.pelican-cache-<output>/`), both keyed so that a change in
content, settings, theme, plugin code or library versions can never be served stale:

- **Reads**: each Markdown file's validated front matter and sanitised HTML, keyed by the file's bytes, its
  path and the site token. An unchanged file is not parsed or converted again; its sanitiser warnings are
  reported again from the cache.
- **Outputs**: for each page, the fingerprint of exactly what its template read (see `writer.py`). A page
  whose inputs are unchanged is linked from the previous output instead of being rendered.

The INCREMENTAL setting: `enabled` (default True) turns both off; `cache_path` (default None: beside the
output folder) moves the cache; `workers` (default None: one per core) is how many processes convert
changed files (see front_matter.parallel) and render changed pages at once.
"""

import logging
import os
from pathlib import Path

from pelican import signals

from safe_build import after_publish, before_publish, plugin_settings, report

from .fingerprint import Fingerprinter, code_token, digest
from .reads import ReadCache, ReadResult, source_bytes
from .store import ContentCache, dump_pickle, load_pickle, remove_other_namespaces
from .writer import IncrementalWriter, Outputs

__all__ = ["ReadResult", "reads", "register", "source_bytes", "store", "stored"]

logger = logging.getLogger(__name__)

DEFAULTS = {"enabled": True, "cache_path": None, "workers": None}
CACHE_PREFIX = ".pelican-cache-"
MANIFEST = "outputs.pickle"

# The reader asks this for cached reads; without an enabled build it reads every file afresh.
reads = ReadCache()
# Values other plugins keep from one good build to the next (`stored` / `store`).
_kept: dict[str, object] = {}
# Where this build's page records and stored values live (None when the cache is off).
_site_folder: Path | None = None


def stored(name: str):
    """What a plugin stored under `name` in the previous good build with the same site token, or None."""
    if _site_folder is None:
        return None
    return load_pickle(_site_folder / f"{name}.pickle")


def store(name: str, value) -> None:
    """Keep `value` for the next build; it is saved only if this build is good and published."""
    if _site_folder is not None:
        _kept[name] = value


def cache_folder(settings: dict, cache_path) -> Path:
    if cache_path:
        return Path(settings["PATH"]).resolve().parent / cache_path
    output = Path(settings["OUTPUT_PATH"]).resolve()
    return output.parent / f"{CACHE_PREFIX}{output.name}"


def tokens(settings: dict, theme: str) -> tuple[bytes, bytes]:
    """(read token, site token). A read depends on the settings, plugin code and library versions; a page
    on those and the theme too. When a token changes, nothing made under the old one is reused."""
    volatile = {"OUTPUT_PATH"}
    stable_settings = {key: value for key, value in settings.items() if key not in volatile}
    plugins = [Path(folder) for folder in settings.get("PLUGIN_PATHS", [])]
    read_token = digest(code_token(plugins), Fingerprinter(b"").of(stable_settings))
    return read_token, digest(read_token, code_token([Path(theme)]))


def start(pelican) -> None:
    global _site_folder
    IncrementalWriter.outputs = None
    reads.disable()
    _kept.clear()
    _site_folder = None
    options, problems = plugin_settings(pelican.settings, "INCREMENTAL", DEFAULTS)
    for problem in problems:
        report(problem)
    if not options["enabled"] or problems:
        return
    read_token, token = tokens(pelican.settings, pelican.theme)
    root = cache_folder(pelican.settings, options["cache_path"])
    workers = options["workers"] or os.cpu_count() or 1
    reads.enable(ContentCache(root / f"reads-{read_token.hex()}"), read_token, workers)
    _site_folder = root / f"site-{token.hex()}"
    previous = load_pickle(_site_folder / MANIFEST) or {}
    # Relative URLs make Pelican change the shared context page by page, so those pages render in order.
    render_workers = 1 if pelican.settings.get("RELATIVE_URLS") else workers
    IncrementalWriter.outputs = Outputs(
        Fingerprinter(token), previous, Path(pelican.settings["OUTPUT_PATH"]).resolve(), render_workers
    )


def use_writer(pelican) -> type:
    return IncrementalWriter


def render_pages(pelican) -> None:
    """Before anything reads the output: the pages the writer put off, rendered on every core."""
    if IncrementalWriter.outputs is not None:
        IncrementalWriter.outputs.render_deferred()


def remember(pelican) -> None:
    """Once the new output is in place: record how each page was made, and forget what was not used."""
    outputs = IncrementalWriter.outputs
    if outputs is None or reads.cache is None or _site_folder is None:
        return
    dump_pickle(_site_folder / MANIFEST, outputs.records)
    for name, value in _kept.items():
        dump_pickle(_site_folder / f"{name}.pickle", value)
    _kept.clear()
    reads.cache.prune()
    remove_other_namespaces(_site_folder.parent, {_site_folder.name, reads.cache.folder.name})
    logger.info(
        "incremental: %d pages rendered, %d unchanged pages kept, %d files read afresh",
        outputs.rendered,
        outputs.reused,
        reads.misses,
    )
    IncrementalWriter.outputs = None


def register() -> None:
    signals.get_generators.connect(start)
    signals.get_writer.connect(use_writer)
    # incremental comes before every plugin that reads the output in PLUGINS, so this runs first.
    before_publish.connect(render_pages)
    after_publish.connect(remember)
