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


def test(c, pattern: str, fast: bool) -> None:
    """Lint with ruff, install the npm checkers, then run pytest. `pattern`: only the tests whose name
    matches, nothing else first (the quick loop on one test); `fast`: lint, then the tests not marked slow
    (no npm checkers needed)."""
    if pattern:
        succeed(c.run(shlex.join([PYTHON, "-m", "pytest", "-k", pattern]), warn=True))
        return
    succeed(c.run(shlex.join([PYTHON, "-m", "ruff", "check", "."]), warn=True))
    if not fast:
        node_tools.install(c, for_tests=True)
    selection = ["-m", "not slow"] if fast else []
    # One worker per core: most tests wait on a build or a browser, and the suite's fixtures are per worker.
    succeed(c.run(shlex.join([PYTHON, "-m", "pytest", "-n", "auto", *selection]), warn=True))
