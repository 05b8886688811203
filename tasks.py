"""Project tasks: `invoke --list` (or `python3 dev.py --list`) shows them all."""

import shlex
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

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


@task
def build(c):
    """Build the development site into output/."""
    succeed(pelican(c, "pelicanconf.py", OUTPUT))


@task
def publish(c):
    """Build the production site into public/ with publishconf.py."""
    succeed(pelican(c, "publishconf.py", PUBLISH_OUTPUT))


@task
def clean(c):
    """Remove built output and caches."""
    for path in (OUTPUT, PUBLISH_OUTPUT, ROOT / "cache", ROOT / ".pytest_cache", ROOT / ".ruff_cache"):
        if path.exists():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}/")


@task
def check(c):
    """Validate every article and page without building; same messages as a build."""
    succeed(pelican(c, "pelicanconf.py", OUTPUT, "-e", 'SAFE_BUILD={"check_only": true}'))


@task(help={"timeout": "seconds to wait for each site (default 10)"})
def check_links(c, timeout=10.0):
    """Check the external links of the last build in output/ (never part of a build)."""
    from pelican.settings import read_settings

    from link_check.external import broken_external_links

    if not (OUTPUT / "index.html").is_file():
        raise Exit("No build in output/: run `invoke build` first.", code=1)
    siteurl = read_settings(str(ROOT / "pelicanconf.py"))["SITEURL"]
    broken = broken_external_links(OUTPUT, siteurl, float(timeout))
    for url, problem, pages in broken:
        print(f"{url}: {problem} — on {', '.join(pages[:3])}{' …' if len(pages) > 3 else ''}")
    print(f"{len(broken)} broken external link{'s' if len(broken) != 1 else ''}.")
    if broken:
        raise Exit(code=1)


@task(help={"port": "port to serve on (default 8000)"})
def serve(c, port=8000):
    """Build, serve on http://localhost:8000 and rebuild with live reload when anything changes."""
    from livereload import Server

    def rebuild() -> None:
        # A failed rebuild prints its problems here and leaves the served site as it was.
        subprocess.run(pelican_command("pelicanconf.py", OUTPUT), cwd=ROOT, check=False)

    rebuild()
    OUTPUT.mkdir(exist_ok=True)
    server = Server()
    for watched in ("content", "theme", "plugins", "pelicanconf.py"):
        server.watch(str(ROOT / watched), rebuild, delay=0.3)
    print(f"Serving on http://localhost:{port}/ — edit and save, the browser reloads. Ctrl+C stops.")
    server.serve(host="localhost", port=int(port), root=str(OUTPUT), open_url_delay=None, restart_delay=0)


def install_node_tools(c) -> None:
    """`npm ci` for the checkers the tests take from npm, when npm exists and the lock file changed."""
    npm = shutil.which("npm")
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".package-lock.json"
    if npm is None:
        print("npm is not installed: the HTML validity test will be skipped (it needs vnu-jar from npm).")
        return
    if not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime:
        # --ignore-scripts: install scripts would download things (Java for vnu-jar, the HSTS preload list
        # for the Observatory); the machine's Java is used and the scan runs without the preload list.
        succeed(c.run(shlex.join([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]), warn=True))
    preload = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory" / "conf" / "hsts-preload.json"
    if preload.parent.is_dir() and not preload.is_file():
        preload.write_text("{}\n")


@task(help={"pattern": "only tests whose name matches (pytest -k)"})
def test(c, pattern=""):  # noqa: PT028 - an invoke task, not a pytest test
    """Lint with ruff, then run the whole test suite."""
    succeed(c.run(shlex.join([PYTHON, "-m", "ruff", "check", "."]), warn=True))
    install_node_tools(c)
    selection = ["-k", pattern] if pattern else []
    succeed(c.run(shlex.join([PYTHON, "-m", "pytest", *selection]), warn=True))


@task(
    help={
        "title": "the headline",
        "category": "one of the site's categories",
        "topics": "comma-separated topics, e.g. 'Fostering,Adoption'",
        "author": "the author's name",
    }
)
def new(c, title, category="News", topics="", author=""):
    """Write a valid article skeleton dated now and print its path."""
    from front_matter.skeleton import SkeletonError, write_skeleton

    try:
        path = write_skeleton(ROOT, title, category, topics, author, datetime.now(ZoneInfo("Europe/London")))
    except SkeletonError as error:
        raise Exit(str(error), code=1) from None
    print(path.relative_to(ROOT))
