"""search: a Pagefind full-text index of the article pages, built over the finished output.

Only what the article template marks with `data-pagefind-body` is indexed (the article itself, not the
navigation or footer), with filters for category, topic and year and a sort by date. The index is built
once every page is written and before the build is swapped into place, so a failed index fails the
build. Without the Pagefind binary the step is skipped with a clear message and the search page says
search is unavailable.
"""

import logging
import subprocess
import sys
import time
from pathlib import Path

from pelican import signals

from safe_build import Problem, before_publish, plugin_settings, report

logger = logging.getLogger(__name__)

# The SEARCH setting.
DEFAULTS = {
    # build the index in this build (publish builds always should; see README for development)
    "index": True,
    # where the index goes, inside the output
    "output_subdir": "pagefind",
}


def pagefind_command(site: Path, output_subdir: str) -> list[str] | None:
    """The Pagefind command for this Python, or None when the pagefind[bin] package is not installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    executable = get_executable()
    if executable is None:
        return None
    return [str(executable), "--site", str(site), "--output-subdir", output_subdir, "--silent"]


def build_index(site: Path, output_subdir: str) -> tuple[bool, str]:
    """Index `site`; (True, summary) on success, (False, Pagefind's own message) on failure."""
    command = pagefind_command(site, output_subdir)
    if command is None:
        return True, "skipped: Pagefind is not installed (pip install 'pagefind[bin]')"
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return False, (result.stderr or result.stdout).strip()
    return True, f"indexed in {time.perf_counter() - started:.2f} s"


def index_site(pelican) -> None:
    options, problems = plugin_settings(pelican.settings, "SEARCH", DEFAULTS)
    for problem in problems:
        report(problem)
    if not options["index"]:
        logger.info("search: indexing is off in this build (SEARCH['index'] is False)")
        return
    ok, message = build_index(Path(pelican.output_path), options["output_subdir"])
    if ok:
        print(f"Search index: {message}", file=sys.stderr if "skipped" in message else sys.stdout)
    else:
        report(
            Problem(
                "pelicanconf.py",
                1,
                f"Pagefind could not index the site: {message}",
                "fix the page it names, or set SEARCH = {'index': False} to build without search",
            )
        )


def add_context(generator) -> None:
    options, _ = plugin_settings(generator.settings, "SEARCH", DEFAULTS)
    generator.context["SEARCH_BUNDLE"] = options["output_subdir"]


def register() -> None:
    signals.generator_init.connect(add_context)
    before_publish.connect(index_site)
