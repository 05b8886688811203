"""The project's folders and the Pelican command line that the build tasks run."""

import shlex
import sys
from pathlib import Path

from invoke import Exit

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
PUBLISH_OUTPUT = ROOT / "public"
PYTHON = sys.executable


def pelican_command(settings: str, output: Path, *extra: str) -> list[str]:
    return [PYTHON, "-m", "pelican", str(CONTENT), "-s", settings, "-o", str(output), *extra]


def pelican(c, settings: str, output: Path, *extra: str):
    return c.run(shlex.join(pelican_command(settings, output, *extra)), warn=True)


def succeed(result) -> None:
    if result.exited != 0:
        raise Exit(code=result.exited)


def build(c, settings: str, output: Path, *extra: str) -> None:
    """Run Pelican; stop the task with Pelican's exit status when the build fails."""
    succeed(pelican(c, settings, output, *extra))


def index_output() -> bool:
    """Build the Pagefind search index over output/, as a publish build does; False if it failed."""
    from pelican.settings import read_settings

    from search import build_index, indexed_glob
    from site_core import search_folder

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    ok, message = build_index(OUTPUT, search_folder(settings), glob=indexed_glob(settings))
    print(f"Search index for output/: {message}", flush=True)
    return ok


def require_build(output: Path = OUTPUT) -> None:
    if not (output / "index.html").is_file():
        raise Exit(f"No build in {output.name}/: run `invoke build` first.", code=1)


def search_index() -> None:
    """`invoke search-index`: the search index over the development build in output/."""
    require_build()
    if not index_output():
        raise Exit(code=1)
