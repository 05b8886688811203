"""The architecture holds: plugins stand alone on one core, failures are ordinary, Pelican settings rule."""

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import html

import pelicanconf
from conftest import ROOT, run_pelican

PLUGIN_FOLDER = ROOT / "plugins"
CORE = "site_core"
# The theme is built on these two: front_matter makes the articles' fields (teaser, standfirst, reading time)
# and templating the filters every template uses; without either there is no theme to build with.
THEME_FOUNDATIONS = {"front_matter", "templating"}
GOOD = "---\ntitle: Saved while the server waits\ndate: 2025-05-01\ncategory: News\n---\nThe text.\n"


@pytest.mark.parametrize("removed", [p for p in pelicanconf.PLUGINS if p not in THEME_FOUNDATIONS])
def test_the_site_builds_with_each_plugin_removed(project, removed):
    """The development settings with minifying, fingerprinting and the search index switched on, as in a
    publish build: everything but precompressing, which takes most of a publish build's time."""
    plugins = json.dumps([name for name in pelicanconf.PLUGINS if name != removed])
    output = project / "output"
    switched_on = ['OPTIMISE={"minify": true, "fingerprint": true}', 'SEARCH={"index": true}']
    result = run_pelican(project, "pelicanconf.py", output, "-e", f"PLUGINS={plugins}", *switched_on)
    assert result.returncode == 0, result.stdout + result.stderr
    home = html.fromstring((output / "index.html").read_bytes())
    assert home.xpath("//main//h2//a | //main//h3//a"), "the home page lists no stories"


def imported_top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_plugins_import_only_pelican_the_core_and_libraries():
    packages = {p.name for p in PLUGIN_FOLDER.iterdir() if (p / "__init__.py").is_file()}
    assert CORE in packages
    for package in sorted(packages):
        for module in (PLUGIN_FOLDER / package).rglob("*.py"):
            if "tests" in module.relative_to(PLUGIN_FOLDER).parts:
                continue
            others = imported_top_level_names(module) & (packages - {package, CORE})
            assert not others, f"{module.relative_to(ROOT)} imports the plugin(s) {sorted(others)}"


def test_plugins_folder_holds_plugins_and_the_core_only():
    for package in PLUGIN_FOLDER.iterdir():
        if package.name.startswith((".", "__")) or not package.is_dir():
            continue
        source = (package / "__init__.py").read_text(encoding="utf-8")
        assert package.name == CORE or "def register() -> None:" in source, f"{package.name} is no plugin"


def test_a_failed_build_is_an_ordinary_failure_without_a_traceback(project):
    (project / "content" / "articles" / "broken.md").write_text(GOOD.replace("category: News", "category: X"))
    result = run_pelican(project, "pelicanconf.py", project / "output")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/articles/broken.md:4: `category` `X` is not one of the site's categories" in result.stderr
    assert "1 problem in 1 file. Nothing was written" in result.stderr


def test_quiet_shows_only_the_summary_and_verbose_shows_more(project):
    (project / "content" / "articles" / "broken.md").write_text(GOOD.replace("category: News", "category: X"))
    quiet = run_pelican(project, "pelicanconf.py", project / "output", "-q")
    assert quiet.returncode == 1
    assert "broken.md:4:" not in quiet.stdout + quiet.stderr
    assert "1 problem in 1 file" in quiet.stdout + quiet.stderr
    (project / "content" / "articles" / "broken.md").unlink()
    verbose = run_pelican(project, "pelicanconf.py", project / "output", "-v")
    assert verbose.returncode == 0, verbose.stderr
    assert "incremental:" in verbose.stdout + verbose.stderr


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"waited {seconds} s for {what}")


def save_until(path: Path, text: str, done, what: str) -> None:
    """Save `text` again (as an author would) until `done()`: Pelican's autoreload looks for changes only
    once a build is over, so a save made while it was finishing one can go unseen."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        path.write_text(text)
        try:
            wait_for(done, 8, what)
            return
        except pytest.fail.Exception:
            continue
    pytest.fail(f"waited 90 s for {what}")


def test_pelican_autoreload_reports_a_bad_save_and_keeps_waiting(project, tmp_path):
    """`pelican -r`: a bad save is reported, the process waits, and the fixed save is built."""
    output = project / "output"
    article = project / "content" / "articles" / "2025-05-01-saved.md"
    log = tmp_path / "autoreload.log"
    with log.open("w") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output), "-r"],
            cwd=project,
            stdout=stream,
            stderr=subprocess.STDOUT,
            env={name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"},
        )
    try:
        wait_for(lambda: (output / "index.html").is_file(), 120, "the first build")
        bad = GOOD.replace("category: News", "category: Nonsense")
        save_until(article, bad, lambda: "2025-05-01-saved.md:4:" in log.read_text(), "the bad save reported")
        time.sleep(1)
        assert server.poll() is None, log.read_text()
        assert not (output / "articles" / "saved" / "index.html").exists()
        page = output / "articles" / "saved" / "index.html"
        save_until(article, GOOD, page.is_file, "the fixed save built")
        assert server.poll() is None
        assert "Traceback" not in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_markdown_setting_is_honoured(project):
    """Pelican's MARKDOWN setting adds to the site's Markdown extensions (here: line breaks kept)."""
    (project / "content" / "articles" / "lines.md").write_text(
        GOOD.replace("The text.", "First line\nsecond line")
    )
    markdown = {"extension_configs": {"markdown.extensions.nl2br": {}}, "output_format": "html5"}
    output = project / "output"
    result = run_pelican(project, "pelicanconf.py", output, "-e", f"MARKDOWN={json.dumps(markdown)}")
    assert result.returncode == 0, result.stderr
    page = html.fromstring((output / "articles" / "lines" / "index.html").read_bytes())
    paragraph = page.xpath("//p[contains(., 'First line')]")[0]
    assert paragraph.xpath(".//br"), html.tostring(paragraph)
