"""`invoke clean` and `invoke test`: remove what builds leave behind; lint and run the test suite."""

import shlex
import shutil

from commands import node_tools
from commands.project import OUTPUT, PUBLISH_OUTPUT, PYTHON, ROOT, succeed


def clean() -> None:
    """Remove built output and caches, naming each folder removed."""
    caches = sorted(ROOT.glob(".pelican-cache-*"))
    for path in (
        OUTPUT,
        PUBLISH_OUTPUT,
        *caches,
        ROOT / "cache",
        ROOT / ".pytest_cache",
        ROOT / ".ruff_cache",
    ):
        if path.exists():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}/")


def test(c, pattern: str) -> None:
    """Lint with ruff, install the npm checkers, then run pytest (only tests matching `pattern` if given)."""
    succeed(c.run(shlex.join([PYTHON, "-m", "ruff", "check", "."]), warn=True))
    node_tools.install(c, for_tests=True)
    selection = ["-k", pattern] if pattern else []
    # One worker per core: most tests wait on a build or a browser, and the suite's fixtures are per worker.
    succeed(c.run(shlex.join([PYTHON, "-m", "pytest", "-n", "auto", *selection]), warn=True))
