"""search: a Pagefind full-text index of the article pages, built over the finished output.

Only what the article template marks with `data-pagefind-body` is indexed (the article itself, not the
navigation or footer), with a sort by date. The index is built once every page is written and before the
build is swapped into place, so a failed index fails the build. Without the Pagefind binary the step is
skipped with a clear message and the search page says search is unavailable.

Narrowing by category, topic and year is done in the browser, not with Pagefind's filters: Pagefind 1.5
writes its filter index, and with it its metadata index, in a different order on every run (Pagefind issue
#638), so a build with filters is never byte-identical to the one before. Its word index and its result
fragments are stable. So besides Pagefind's own files the step writes `result-urls.json` into the bundle:
each Pagefind result id (the name of its fragment file, which is a digest of the page) with the page's URL,
which search.js looks up in the hub's `articles.json` for the page's category, topics and year.
"""

import gzip
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pelican import signals

import site_core
from site_core import Problem, current_build, locate_setting, search_folder
from site_core.paths import DEFAULT_SEARCH_FOLDER

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchOptions:
    """The SEARCH setting."""

    # build the index in this build (publish builds always should; see README for development)
    index: bool = True
    # where the index goes, inside the output (site_core.search_folder reads it)
    output_subdir: str = DEFAULT_SEARCH_FOLDER


# The settings of the files the article and page templates write: only those templates mark what Pagefind
# indexes (`data-pagefind-body`), so the listing pages, half the site, need not be read by it at all.
INDEXED_SAVE_AS = ("ARTICLE_SAVE_AS", "ARTICLE_LANG_SAVE_AS", "PAGE_SAVE_AS", "PAGE_LANG_SAVE_AS")
_FIELD = re.compile(r"\{[^{}]*\}")
_GLOB_SPECIAL = re.compile(r"[][{}*?,!\\]")


def indexed_glob(settings: dict) -> str | None:
    """The files Pagefind reads, as a glob of the output (each field of a *_SAVE_AS pattern, such as
    `{slug}`, read as `*`); None (every HTML file) when a pattern holds a character globs treat specially."""
    patterns = set()
    for key in INDEXED_SAVE_AS:
        literal_parts = _FIELD.split(settings.get(key) or "")
        if any(_GLOB_SPECIAL.search(part) for part in literal_parts):
            return None
        if any(literal_parts):
            patterns.add("*".join(literal_parts))
    if not patterns:
        return None
    return "{" + ",".join(sorted(patterns)) + "}"


def pagefind_executable() -> str | None:
    """The Pagefind binary of the pagefind[bin] package, or None when it is not installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    executable = get_executable()
    return None if executable is None else str(executable)


def pagefind_command(executable: str, site: Path, bundle: Path, glob: str | None = None) -> list[str]:
    """The command that indexes `site` into the folder `bundle`; with `glob`, Pagefind reads only the
    files it matches."""
    command = [executable, "--site", str(site), "--output-path", str(bundle), "--silent"]
    return [*command, "--glob", glob] if glob else command


RESULT_URLS = "result-urls.json"
# What Pagefind puts before the JSON of a fragment, inside the gzip (see `decompress` in pagefind.js).
FRAGMENT_SIGNATURE = b"pagefind_dcd"


def result_urls(bundle: Path) -> dict[str, str]:
    """Each result id in a Pagefind bundle with its page's URL (relative to the site root, as Pagefind
    writes it: `/articles/slug/`), in id order. ValueError when a fragment is not in the expected form."""
    urls = {}
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        if not data.startswith(FRAGMENT_SIGNATURE):
            raise ValueError(f"{fragment.name} is not a Pagefind fragment this site knows how to read")
        urls[fragment.stem] = json.loads(data[len(FRAGMENT_SIGNATURE) :])["url"]
    return urls


def write_result_urls(bundle: Path) -> int:
    """Write `result-urls.json` into the bundle; returns how many results it lists."""
    urls = result_urls(bundle)
    text = json.dumps(urls, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (bundle / RESULT_URLS).write_text(text, encoding="utf-8")
    return len(urls)


def build_index(site: Path, output_subdir: str, glob: str | None = None) -> tuple[bool, str]:
    """Index `site` (only the files `glob` matches, when given); (True, summary) on success, (False,
    Pagefind's own message) on failure."""
    return start_index(site, output_subdir, glob)()


def start_index(site: Path, output_subdir: str, glob: str | None = None) -> Callable[[], tuple[bool, str]]:
    """Start indexing `site` as `build_index` does; the function returned waits for Pagefind and gives
    what `build_index` would. Pagefind writes into a new folder beside `site`, which then replaces the
    bundle whole: the steps that run meanwhile, and a server serving the site, never see half a bundle."""
    executable = pagefind_executable()
    if executable is None:
        return lambda: (True, "skipped: Pagefind is not installed (pip install 'pagefind[bin]')")
    started = time.perf_counter()
    fresh = Path(tempfile.mkdtemp(prefix=f".{site.name}-search-", dir=site.parent))
    try:
        process = subprocess.Popen(
            pagefind_command(executable, site, fresh, glob),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as error:
        shutil.rmtree(fresh)
        failure = (False, f"Pagefind could not be started: {error}")
        return lambda: failure

    def finish() -> tuple[bool, str]:
        try:
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                return False, (stderr or stdout).strip()
            try:
                pages = write_result_urls(fresh)
            except (OSError, ValueError, KeyError) as error:
                return False, f"could not list the indexed pages for search.js: {error}"
            replace_folder(site / output_subdir, fresh)
            return True, f"{pages} pages indexed in {time.perf_counter() - started:.2f} s"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            if fresh.exists():
                shutil.rmtree(fresh)

    return finish


def replace_folder(folder: Path, fresh: Path) -> None:
    """Put the folder `fresh` where `folder` is, replacing it (on the same file system: each step is a
    rename, so a reader finds the old folder or the new one)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    old = folder.with_name(f".{folder.name}-old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    fresh.rename(folder)
    if old.exists():
        shutil.rmtree(old)


def index_site(pelican) -> None:
    """Start Pagefind over the output; the checks after this one run while it indexes, and the core waits
    for it before judging the build."""
    build = current_build(pelican.settings)
    if not build.options("SEARCH", SearchOptions).index:
        logger.info("search: indexing is off in this build (SEARCH['index'] is False)")
        return
    finish = start_index(
        Path(pelican.output_path), search_folder(pelican.settings), glob=indexed_glob(pelican.settings)
    )
    build.alongside(lambda: report_index(pelican.settings, *finish()))


def report_index(settings: dict, ok: bool, message: str) -> None:
    if not ok:
        path, line = locate_setting(settings, "SEARCH")
        current_build(settings).report(
            Problem(
                path,
                line,
                f"Pagefind could not index the site: {message}",
                "fix the page it names, or set SEARCH = {'index': False} to build without search",
            )
        )
    elif "skipped" in message:
        logger.warning("Search index: %s", message)
    else:
        logger.info("Search index: %s", message)


def add_context(generator) -> None:
    generator.context["SEARCH_BUNDLE"] = search_folder(generator.settings)


def register() -> None:
    site_core.connect()
    signals.generator_init.connect(add_context)
    site_core.before_publish.connect(index_site)
