"""The architecture holds: plugins stand alone on one core, failures are ordinary, Pelican settings rule."""

import ast
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import html

import pelicanconf
from conftest import ROOT, read_header_rules, run_pelican
from editor.decap import EditorOptions

PLUGIN_FOLDER = ROOT / "plugins"
CORE = "site_core"
# The theme is built on these two: front_matter makes the articles' fields (teaser, standfirst, reading time)
# and templating the filters every template uses; without either there is no theme to build with.
THEME_FOUNDATIONS = {"front_matter", "templating"}
GOOD = "---\ntitle: Saved while the server waits\ndate: 2025-05-01\ncategory: News\n---\nThe text.\n"
# Where npm installs the editor, from the project's folder.
EDITOR_PACKAGE = Path(EditorOptions().package)
EDITOR_INSTALLED = (ROOT / EDITOR_PACKAGE / "decap-cms.js").is_file()
# The rule each plugin declares for `_headers` (written by the core), and the headers in it.
HEADER_RULES = {
    "security_headers": (
        "/*",
        {
            "Content-Security-Policy",
            "Strict-Transport-Security",
            "X-Content-Type-Options",
            "X-Frame-Options",
            "Referrer-Policy",
            "Permissions-Policy",
            "Cross-Origin-Resource-Policy",
            "Cross-Origin-Opener-Policy",
        },
    ),
    "editor": ("/admin/*", {"Content-Security-Policy", "X-Robots-Tag"}),
    "optimise": ("/theme/*", {"Cache-Control"}),
}


def with_the_editor(project: Path) -> Path:
    """The project copy sees the editor npm installed (when it is), so its build has /admin/ and its rule."""
    top = EDITOR_PACKAGE.parts[0]
    if (ROOT / top).is_dir() and not (project / top).exists():
        (project / top).symlink_to(ROOT / top, target_is_directory=True)
    return project


def assert_every_rule_once(output: Path, plugins: list[str]) -> None:
    """`_headers` has the rule of each plugin of `plugins` that declares one, with all its headers, and
    nothing twice: no pattern, no header in a rule, no line of the file."""
    expected = {
        pattern: names
        for plugin, (pattern, names) in HEADER_RULES.items()
        if plugin in plugins and (plugin != "editor" or EDITOR_INSTALLED)
    }
    if not expected:
        assert not (output / "_headers").exists()
        return
    rules = read_header_rules(output)
    patterns = [pattern for pattern, _ in rules]
    assert len(patterns) == len(set(patterns)), f"a pattern appears twice: {patterns}"
    assert set(patterns) == set(expected), patterns
    for pattern, headers in rules:
        names = [name for name, _ in headers]
        assert len(names) == len(set(names)), f"a header appears twice for {pattern}: {names}"
        assert set(names) == expected[pattern], (pattern, names)
    lines = [line for line in (output / "_headers").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == len(set(lines)), "a line of _headers appears twice"


@pytest.mark.parametrize("removed", [p for p in pelicanconf.PLUGINS if p not in THEME_FOUNDATIONS])
def test_the_site_builds_with_each_plugin_removed(project, removed):
    """The development settings with minifying, fingerprinting and the search index switched on, as in a
    publish build: everything but precompressing, which takes most of a publish build's time. Leaving a
    plugin out leaves out its own rule in `_headers`, never another's."""
    plugins = [name for name in pelicanconf.PLUGINS if name != removed]
    output = with_the_editor(project) / "output"
    switched_on = ['OPTIMISE={"minify": true, "fingerprint": true}', 'SEARCH={"index": true}']
    result = run_pelican(
        project, "pelicanconf.py", output, "-e", f"PLUGINS={json.dumps(plugins)}", *switched_on
    )
    assert result.returncode == 0, result.stdout + result.stderr
    home = html.fromstring((output / "index.html").read_bytes())
    assert home.xpath("//main//h2//a | //main//h3//a"), "the home page lists no stories"
    assert_every_rule_once(output, plugins)


def moved(plugins: list[str], name: str, after: str) -> list[str]:
    """`plugins` with `name` moved to just after `after`."""
    rest = [plugin for plugin in plugins if plugin != name]
    return [*rest[: rest.index(after) + 1], name, *rest[rest.index(after) + 1 :]]


def test_headers_are_byte_identical_whatever_the_order_of_the_plugins(project):
    """Two publish builds, with the editor on (when npm installed it): the plugins that declare rules for
    `_headers` listed in the usual order, then security_headers first and the editor after optimise. The
    core writes the same file."""
    backend = {"name": "github", "repo": "example/children-first", "branch": "main"}
    editor = ["EDITOR=" + json.dumps({"local": False, "backend": backend})] if EDITOR_INSTALLED else []
    reordered = moved(moved(pelicanconf.PLUGINS, "security_headers", "safe_build"), "editor", "optimise")
    assert reordered.index("security_headers") < reordered.index("optimise") < reordered.index("editor")
    with_the_editor(project)
    files = []
    for number, plugins in enumerate([pelicanconf.PLUGINS, reordered]):
        output = project / f"public-{number}"
        # One -e with every setting: a second -e would replace the first.
        settings = [f"PLUGINS={json.dumps(plugins)}", *editor]
        result = run_pelican(project, "publishconf.py", output, "-e", *settings, "-D")
        assert result.returncode == 0, result.stdout + result.stderr
        assert re.findall(r"Loading plugin `(\w+)`", result.stdout + result.stderr) == plugins
        assert_every_rule_once(output, plugins)
        files.append((output / "_headers").read_bytes())
    assert files[0] == files[1]


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
