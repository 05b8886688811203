"""Shared fixtures: real Pelican builds of the project (or a copy of it) into temporary folders."""

import contextlib
import functools
import hashlib
import http
import http.server
import locale
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import blinker
import pytest

ROOT = Path(__file__).resolve().parent
PROJECT_FILES = ("content", "theme", "plugins", "commands", "pelicanconf.py", "publishconf.py", "tasks.py")
PUBLISH_SITEURL = "https://children-first.example"
# The moment every test build happens at (SOURCE_DATE_EPOCH), whatever the clock says: the sample articles
# are dated 2024–2027, so "is it published yet?" must not depend on the day the suite runs.
BUILD_MOMENT = datetime(2026, 12, 1, 12, tzinfo=UTC)
BUILD_EPOCH = str(int(BUILD_MOMENT.timestamp()))


def fixed_environment(**extra: str) -> dict[str, str]:
    """This process's environment with the build moment fixed at BUILD_MOMENT (unless `extra` names one)."""
    return {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, **extra}


# Fixtures that build a whole site with the `pelican` command (or serve one, or start a browser): a test
# that uses one is slow, and `invoke test --fast` leaves it out.
SLOW_FIXTURES = {"project", "published_site", "site_url"}
# Modules whose every test is slow: a browser, the dev server, generated corpora, many builds in a row.
SLOW_MODULES = {
    "test_browser", "test_editor", "test_lighthouse", "test_serve", "test_live_site", "test_large_content",
    "test_reproducible", "test_hub_search", "test_front_matter_fuzz", "test_wordpress_fixtures",
    "test_wordpress_shared",
}  # fmt: skip


def is_slow(item: pytest.Item) -> bool:
    return (
        item.module.__name__.rpartition(".")[2] in SLOW_MODULES
        or bool(SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))
        or item.get_closest_marker("longest") is not None
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests are marked `slow`; the longest run first (workers take tests in this order, and the
    suite ends when the last ends)."""
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("longest") is None)


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory) -> Iterator[None]:
    """Caches that default to the user's folders (the images plugin's, under XDG_CACHE_HOME) are the
    session's own: the tests never write outside their temporary folders, and never reuse what another
    run made."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


def run_pelican(
    project: Path, settings: str, output: Path, *extra: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The plain Pelican command a newcomer would type, run in `project` (with `environment` added).

    The build happens at BUILD_MOMENT unless `environment` gives its own SOURCE_DATE_EPOCH."""
    env = fixed_environment(**{"SITEURL": PUBLISH_SITEURL, "COLUMNS": "200", **(environment or {})})
    return subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", settings, "-o", str(output), *extra],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def run_invoke(
    project: Path, *arguments: str, environment: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`invoke ARGUMENTS` in `project`, as an author types it, at BUILD_MOMENT (with `environment` added)."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        env=fixed_environment(**(environment or {})),
        timeout=timeout,
        check=False,
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
    """The sample site built once with the publish settings, as `pelican content -s publishconf.py -o DIR`,
    from a copy of the project with a digest ledger and a mailing-list service (tests/sample_content.py), so
    it has the digest archive and the sign-up form, as the live site has once a digest is sent."""
    from sample_content import configure_sample_digest, write_sample_ledger

    folder = tmp_path_factory.mktemp("published")
    project = copy_project(folder / "project")
    write_sample_ledger(project)
    configure_sample_digest(project)
    output = folder / "site"
    result = run_pelican(project, "publishconf.py", output)
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


def node_checker(script: Path, package: str) -> list[str]:
    """The command that runs one of the checkers `npm ci` installs in tests/checkers (a script of `package`)
    with node; skipped where they are missing, but CI must have them."""
    node = shutil.which("node")
    if node is None or not script.is_file() or CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have node, `npm ci` ({package}) and Chromium: see .ci/run, `invoke test`")
        pytest.skip(f"needs node, `npm ci` ({package}) and Chromium")
    return [node, str(script)]


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def read_header_rules(site: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """`_headers` as (path pattern, [(name, value), …]) rules, in the file's order."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if line.startswith("/"):
            rules.append((line.strip(), []))
        elif line.startswith("  ") and rules:
            name, _, value = line.partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules: list[tuple[str, list[tuple[str, str]]]], path: str) -> list[tuple[str, str]]:
    """The headers Netlify sends for `path`: every matching rule's, a later rule's value replacing an
    earlier one of the same header."""
    chosen: dict[str, str] = {}
    for pattern, headers in rules:
        if path == pattern or (pattern.endswith("*") and path.startswith(pattern[:-1])):
            chosen.update(headers)
    return list(chosen.items())


def read_headers_file(site: Path) -> list[tuple[str, str]]:
    """The headers `_headers` gives every page (its `/*` rule)."""
    return dict(read_header_rules(site)).get("/*", [])


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder the way Netlify or Cloudflare Pages would: with its `_headers`, and a file's
    precompressed `.br` or `.gz` copy to a browser that accepts it."""

    header_rules: tuple[tuple[str, list[tuple[str, str]]], ...] = ()
    precompressed = (("br", ".br"), ("gzip", ".gz"))

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepted = {part.split(";")[0].strip() for part in self.headers.get("Accept-Encoding", "").split(",")}
        for encoding, suffix in self.precompressed:
            compressed = path.with_name(path.name + suffix)
            if encoding in accepted and path.is_file() and compressed.is_file():
                body = compressed.open("rb")
                self.send_response(http.HTTPStatus.OK)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", encoding)
                self.send_header("Vary", "Accept-Encoding")
                self.send_header("Content-Length", str(compressed.stat().st_size))
                self.end_headers()
                return body
        return super().send_head()

    def end_headers(self) -> None:
        for name, value in headers_for(list(self.header_rules), self.path.split("?", 1)[0]):
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(published_site) -> str:
    """The published sample site served over HTTP on a free local port, with its security headers."""
    with serving(published_site) as url:
        yield url


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that stops a download it no longer needs is not an error worth a traceback."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """`site` served over HTTP on a free local port, as a static host serves it with its `_headers`."""
    rules = tuple(read_header_rules(site)) if (site / "_headers").is_file() else ()
    handler_class = type("SiteHandler", (StaticHostHandler,), {"header_rules": rules})
    server = QuietServer(("127.0.0.1", 0), functools.partial(handler_class, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
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


# In-process builds, for the plugins' own tests (plugins/*/tests/test_*_plugin.py).

# What the theme cannot render without (its filters and the context it reads); a test of another plugin lists
# these too. safe_build comes first: it stages the output and runs the checks over it.
THEME_PLUGINS = ["safe_build", "front_matter", "templating", "structured_data", "feeds", "hub"]

# A small site in the project's front-matter format: five articles (one a draft, one scheduled after
# BUILD_MOMENT, one with old addresses) and a page. A test adds or replaces files by name.
SMALL_SITE = {
    "articles/2026-03-05-council-referrals.md": (
        "---\ntitle: Council referrals rise again\ndate: 2026-03-05T09:30\ncategory: News\n"
        "topics: [Safeguarding, Policy]\nauthors: [Eleanor Marsh]\n"
        "summary: Referrals to children's services rose for the third year running.\n---\n\n"
        "Referrals to children's services rose again this year.\n\n## What councils say\n\n"
        "Councils say *early help* is stretched.\n"
    ),
    "articles/2026-06-10-kinship-carers.md": (
        "---\ntitle: Kinship carers ask for support\ndate: 2026-06-10T10:00\nmodified: 2026-07-01T08:00\n"
        "category: Features\ntopics: [Fostering, Children in care]\nauthors: [Tom Gallagher]\n"
        "aliases: [/news/kinship-carers/, /features/kinship-2026.html]\n---\n\n"
        "Grandparents and other relatives care for many children.\n"
    ),
    "articles/2026-11-24-supervision.md": (
        "---\ntitle: Making supervision count\ndate: 2026-11-24\ncategory: Guidance\n"
        "topics: [Workforce]\n---\n\nGood supervision helps social workers make better decisions.\n"
    ),
    "articles/2027-01-15-care-review.md": (
        "---\ntitle: What the care review changed\ndate: 2027-01-15T09:00\ncategory: Research\n---\n\n"
        "Scheduled: published once the build moment passes its date.\n"
    ),
    "articles/2026-11-30-unfinished.md": (
        "---\ntitle: An unfinished draft\ndate: 2026-11-30\ncategory: News\nstatus: draft\n---\n\nNot yet.\n"
    ),
    "pages/about.md": (
        "---\ntitle: About us\nsummary: Who we are.\n---\n\nWe write about children's services.\n"
    ),
}


def write_content(folder: Path, files: dict[str, str | None] | None = None) -> Path:
    """SMALL_SITE written into `folder`, with `files` added or (when None) left out."""
    for name, text in {**SMALL_SITE, **(files or {})}.items():
        if text is not None:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return folder


def all_signals() -> list[blinker.Signal]:
    """Every blinker signal Pelican or a plugin can send: Pelican's, and every named one (`signal("…")`)."""
    from pelican.plugins import signals

    found = {id(s): s for s in vars(signals).values() if isinstance(s, blinker.Signal)}
    found.update((id(s), s) for s in blinker.default_namespace.values())
    return list(found.values())


def _copy_sets(mapping: dict) -> dict:
    return {key: type(value)(value) for key, value in mapping.items()}


def snapshot_signals() -> list[tuple]:
    return [
        (s, dict(s.receivers), _copy_sets(s._by_receiver), _copy_sets(s._by_sender), dict(s._weak_senders))
        for s in all_signals()
    ]


def restore_signals(snapshot: list[tuple]) -> None:
    """Every signal back to the receivers it had; signals created since lose all of theirs."""
    known = {id(entry[0]) for entry in snapshot}
    entries = [*snapshot, *((s, {}, {}, {}, {}) for s in all_signals() if id(s) not in known)]
    for signal, receivers, by_receiver, by_sender, weak_senders in entries:
        for attribute, saved in (
            ("receivers", receivers),
            ("_by_receiver", by_receiver),
            ("_by_sender", by_sender),
            ("_weak_senders", weak_senders),
        ):
            current = getattr(signal, attribute)
            current.clear()
            current.update(_copy_sets(saved) if attribute.startswith("_by") else saved)


@pytest.fixture
def pelican_run(tmp_path, monkeypatch) -> Iterator:
    """Build a site in this process: `pelican_run(plugins, content=None, **settings)` returns the output.

    Settings are the project's `pelicanconf.py` (or `settings_file=`) with PATH, OUTPUT_PATH (under
    tmp_path), SITEURL (PUBLISH_SITEURL), PLUGINS and `settings` overridden; the build happens at
    BUILD_MOMENT (or `epoch=`). Content defaults to SMALL_SITE written into tmp_path. Pelican's signals are
    global, so every receiver a run connects is disconnected afterwards: each build sees only its plugins.
    """
    from pelican import Pelican
    from pelican.settings import read_settings

    before = snapshot_signals()
    # Pelican sets the process's locale from the LOCALE setting; the next test must not inherit it.
    saved_locale = locale.setlocale(locale.LC_ALL)
    runs = 0

    def run(
        plugins: list[str],
        content: Path | None = None,
        *,
        settings_file: Path = ROOT / "pelicanconf.py",
        epoch: datetime = BUILD_MOMENT,
        output: Path | None = None,
        **overrides,
    ) -> Path:
        nonlocal runs
        runs += 1
        if content is None:
            content = write_content(tmp_path / f"content-{runs}")
        output = output or tmp_path / f"output-{runs}"
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(epoch.timestamp())))
        settings = read_settings(
            str(settings_file),
            override={
                "PATH": str(content),
                "OUTPUT_PATH": str(output),
                "SITEURL": PUBLISH_SITEURL,
                "PLUGINS": list(plugins),
                **overrides,
            },
        )
        try:
            Pelican(settings).run()
        finally:
            restore_signals(before)
        return output

    yield run
    restore_signals(before)
    locale.setlocale(locale.LC_ALL, saved_locale)
