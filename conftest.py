"""Shared fixtures: real Pelican builds of the project (or a copy of it) into temporary folders."""

import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
PROJECT_FILES = ("content", "theme", "plugins", "commands", "pelicanconf.py", "publishconf.py", "tasks.py")
PUBLISH_SITEURL = "https://children-first.example"


def run_pelican(
    project: Path, settings: str, output: Path, *extra: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The plain Pelican command a newcomer would type, run in `project` (with `environment` added)."""
    env = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}
    env.update({"SITEURL": PUBLISH_SITEURL, "COLUMNS": "200", **(environment or {})})
    return subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", settings, "-o", str(output), *extra],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below `folder` with a hash of its bytes, to prove a folder did not change."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """The sample site built once with the publish settings, as `pelican content -s publishconf.py -o DIR`."""
    output = tmp_path_factory.mktemp("published") / "site"
    result = run_pelican(ROOT, "publishconf.py", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def copy_project(copy: Path) -> Path:
    """A private copy of the project's sources at `copy`, for a test that changes them."""
    copy.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        else:
            shutil.copy2(source, copy / name)
    return copy


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the project that a test may change."""
    return copy_project(tmp_path / "project")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def read_headers_file(site: Path) -> list[tuple[str, str]]:
    """The headers `_headers` gives every page (the site writes one `/*` block)."""
    lines = (site / "_headers").read_text(encoding="utf-8").splitlines()
    return [tuple(part.strip() for part in line.split(":", 1)) for line in lines if line.startswith("  ")]


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder the way Netlify or Cloudflare Pages would: with its `_headers`."""

    extra_headers: tuple[tuple[str, str], ...] = ()

    def end_headers(self) -> None:
        for name, value in self.extra_headers:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(published_site) -> str:
    """The published sample site served over HTTP on a free local port, with its security headers."""
    headers = tuple(read_headers_file(published_site))
    handler_class = type("PublishedSiteHandler", (StaticHostHandler,), {"extra_headers": headers})
    handler = functools.partial(handler_class, directory=str(published_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Without it the browser tests skip, except in CI."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must apt-get install chromium")
        pytest.skip("Chromium is not installed (Debian/Ubuntu: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
