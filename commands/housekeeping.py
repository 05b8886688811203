"""`invoke clean` and `invoke test`: remove what builds leave behind; lint and run the test suite."""

import shlex
import shutil

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


def install_node_tools(c) -> None:
    """`npm ci` for what the project takes from npm (the browser editor and its local backend, the tests'
    checkers), when npm exists and the lock file changed."""
    npm = shutil.which("npm")
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".package-lock.json"
    if not lock.is_file():  # a copy of the sources without the npm side (the tests' project copies)
        return
    if npm is None:
        print(
            "npm is not installed: /admin/ (the browser editor) is left out of builds, and the tests that "
            "need npm's checkers are skipped."
        )
        return
    if not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime:
        # --ignore-scripts: install scripts would download things (Java for vnu-jar, the HSTS preload list
        # for the Observatory); the machine's Java is used and the scan runs without the preload list.
        succeed(c.run(shlex.join([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]), warn=True))
    preload = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory" / "conf" / "hsts-preload.json"
    if preload.parent.is_dir() and not preload.is_file():
        preload.write_text("{}\n")


def test(c, pattern: str) -> None:
    """Lint with ruff, install the npm checkers, then run pytest (only tests matching `pattern` if given)."""
    succeed(c.run(shlex.join([PYTHON, "-m", "ruff", "check", "."]), warn=True))
    install_node_tools(c)
    selection = ["-k", pattern] if pattern else []
    # One worker per core: most tests wait on a build or a browser, and the suite's fixtures are per worker.
    succeed(c.run(shlex.join([PYTHON, "-m", "pytest", "-n", "auto", *selection]), warn=True))
