"""The browser editor (/admin/, Decap CMS): made from the content model, served from the site, and saving
articles that the next build publishes."""

import contextlib
import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from lxml import html
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

import pelicanconf
from commands import editor_backend
from conftest import ROOT, copy_project, read_header_rules, run_pelican, serving
from editor.decap import EditorOptions
from front_matter.schema import SUMMARY_PATTERN

PACKAGE = ROOT / "node_modules" / "decap-cms" / "dist"
SITENAME = pelicanconf.SITENAME


def needs_npm(path: Path) -> None:
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have `npm ci` done: {path} is missing (see `invoke test`)")
        pytest.skip("needs `npm ci` (decap-cms, decap-server)")


def editor_setting(**options) -> str:
    return "EDITOR=" + json.dumps({"package": str(PACKAGE), **options})


@pytest.fixture(scope="module")
def development_site(tmp_path_factory) -> Path:
    needs_npm(PACKAGE / "decap-cms.js")
    output = tmp_path_factory.mktemp("editor") / "output"
    result = run_pelican(ROOT, "pelicanconf.py", output, "-e", editor_setting(local=True))
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_a_development_build_has_the_editor_made_from_the_site_itself(development_site):
    admin = development_site / "admin"
    page = html.fromstring((admin / "index.html").read_bytes())
    assert page.get("lang") == "en-GB"
    references = page.xpath("//script/@src | //link/@href")
    assert references
    assert all(not urlsplit(reference).netloc for reference in references), references
    for reference in page.xpath("//script/@src"):
        assert (admin / reference).is_file()
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["local_backend"]["url"] == EditorOptions().local_backend_url
    assert [c["folder"] for c in config["collections"]] == ["content/articles", "content/pages"]
    # The site's own logo (content/extra/logo.png, as the build publishes it), its name and its address.
    logo = config["logo"]["src"]
    assert (development_site / logo.lstrip("/")).read_bytes() == (
        ROOT / "content/extra/logo.png"
    ).read_bytes()
    assert config["site_url"] == config["display_url"] == pelicanconf.SITEURL
    assert SITENAME in page.findtext(".//title")
    assert page.xpath("//script[@data-site-name]/@data-site-name") == [SITENAME]
    # Each script the page loads is the site's own or the editor's, and there: js-yaml with its licence.
    assert (admin / "js-yaml.LICENSE.txt").is_file()
    # The preview uses the stylesheet every page of the site uses.
    preview = page.xpath("//script[@data-preview-style]/@data-preview-style")[0]
    home = html.fromstring((development_site / "index.html").read_bytes())
    assert preview in home.xpath("//link[@rel='stylesheet']/@href")
    assert not (admin / "decap-cms.js.map").exists()


def test_the_editor_has_its_own_policy_and_the_sites_is_unchanged(development_site):
    rules = dict(read_header_rules(development_site))
    site = dict(rules["/*"])["Content-Security-Policy"]
    admin = dict(rules["/admin/*"])["Content-Security-Policy"]
    assert "unsafe" not in site.replace("'wasm-unsafe-eval'", "")
    directives = {part.split()[0]: part.split()[1:] for part in admin.split("; ")}
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'", "'unsafe-eval'"]
    assert directives["connect-src"] == ["'self'", "blob:", "http://localhost:8081"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    ("options", "has_editor"),
    [
        ({}, False),
        ({"backend": {"name": "github", "repo": "example/children-first", "branch": "main"}}, True),
    ],
    ids=["without a backend", "with a GitHub backend"],
)
def test_a_publish_build_has_the_editor_only_with_a_backend(tmp_path, options, has_editor):
    needs_npm(PACKAGE / "decap-cms.js")
    output = tmp_path / "public"
    result = run_pelican(ROOT, "publishconf.py", output, "-e", editor_setting(local=False, **options))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (output / "admin" / "index.html").is_file() is has_editor
    rules = dict(read_header_rules(output))
    assert ("/admin/*" in rules) is has_editor
    if has_editor:
        policy = dict(rules["/admin/*"])["Content-Security-Policy"]
        assert "connect-src 'self' blob: https://api.github.com;" in policy
        assert "localhost" not in policy
        config = yaml.safe_load((output / "admin" / "config.yml").read_text(encoding="utf-8"))
        assert config["publish_mode"] == "editorial_workflow"


def test_a_wrong_backend_is_a_problem_at_its_line_in_the_settings(tmp_path):
    project = copy_project(tmp_path / "project")
    settings = project / "pelicanconf.py"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace('    "backend": {},', '    "backend": {"name": "svn", "repo": "x/y"},'), encoding="utf-8"
    )
    line = next(n for n, t in enumerate(settings.read_text().splitlines(), 1) if '"svn"' in t)
    result = run_pelican(project, "pelicanconf.py", tmp_path / "out")
    assert result.returncode != 0
    assert f"pelicanconf.py:{line}: EDITOR['backend']['name'] is 'svn'" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_the_editors_files_a_development_build_warns_and_leaves_it_out(tmp_path):
    missing = tmp_path / "node_modules" / "decap-cms" / "dist"
    setting = "EDITOR=" + json.dumps({"local": True, "package": str(missing)})
    result = run_pelican(ROOT, "pelicanconf.py", tmp_path / "out", "-e", setting)
    assert result.returncode == 0, result.stderr
    assert "the editor (npm decap-cms) is not installed" in result.stdout + result.stderr
    assert not (tmp_path / "out" / "admin").exists()


# End to end: the editor in Chromium, saving through decap-server into a copy of the project.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def editor_session(tmp_path: Path, browser, workflow: bool):
    """A copy of the project built with the editor, its local backend running (in git mode with the
    editorial workflow when `workflow`), and a browser page on /admin/ signed in; yields (project,
    rebuild, page, site address, requests made to other sites, refusals by the policy)."""
    needs_npm(editor_backend.SERVER)
    needs_npm(PACKAGE / "decap-cms.js")
    project = copy_project(tmp_path / "project")
    port = free_port()
    options = {
        "local": True,
        "local_workflow": workflow,
        "local_backend_url": f"http://127.0.0.1:{port}/api/v1",
    }
    output = tmp_path / "output"
    identity = {
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@children-first.example",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@children-first.example",
    }
    if workflow:
        for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "The site"]):
            subprocess.run(["git", *command], cwd=project, env={**os.environ, **identity}, check=True)

    def rebuild(succeeds: bool = True) -> str:
        """The build's report, after checking that it succeeded (or failed, as `succeeds` says)."""
        setting = editor_setting(**options)
        result = run_pelican(project, "pelicanconf.py", output, "-e", setting)
        assert (result.returncode == 0) is succeeds, result.stdout + result.stderr
        return result.stdout + result.stderr

    rebuild()
    server = editor_backend.start({"PLUGINS": ["editor"], "EDITOR": options}, project, identity)
    assert not isinstance(server, str), server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with serving(output) as site:
            page = context.new_page()
            # Publishing from the workflow asks "Are you sure?"; the editor in the test is.
            page.on("dialog", lambda dialog: dialog.accept())
            elsewhere: list[str] = []
            refused: list[str] = []
            page.on("request", lambda request: note_if_elsewhere(request.url, elsewhere))
            page.on("console", lambda message: note_if_refused(message.text, refused))
            page.goto(f"{site}/admin/")
            page.get_by_role("button", name="Login").click()
            yield project, rebuild, page, site, elsewhere, refused
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def editing(tmp_path, browser):
    with editor_session(tmp_path, browser, workflow=False) as session:
        yield session


@pytest.fixture
def editing_with_workflow(tmp_path, browser):
    with editor_session(tmp_path, browser, workflow=True) as session:
        yield session


def git(project: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=project, capture_output=True, text=True, check=True).stdout


def note_if_elsewhere(url: str, elsewhere: list[str]) -> None:
    if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname != "127.0.0.1":
        elsewhere.append(url)


def note_if_refused(text: str, refused: list[str]) -> None:
    if "Content Security Policy" in text:
        refused.append(text)


def saved_article(project: Path, before: set[str], timeout: float = 15) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = set((project / "content" / "articles").glob("*.md")) - before
        if new:
            return new.pop()
        time.sleep(0.2)
    raise AssertionError("the editor saved no new article")


def fill_until_kept(page, field, value: str, tries: int = 20) -> None:
    """Decap shows an entry opened from its list at once, then loads it again from the repository and puts
    that value back into the form: text typed in between is undone (an author types it again)."""
    for _ in range(tries):
        field.fill(value)
        page.wait_for_timeout(250)
        if field.input_value() == value:
            return
    raise AssertionError(f"the form never kept {value!r}")


def publish_now(page, tries: int = 4) -> None:
    """Publish from Decap's Publish menu. On a busy machine a click while the form re-renders can be lost
    (the menu never opens), so the button is clicked again until its menu shows."""
    menu = page.get_by_text("Publish now")
    for _ in range(tries):
        page.get_by_role("button", name="Publish").first.click()
        try:
            menu.wait_for(timeout=5_000)
        except PlaywrightTimeoutError:
            continue
        menu.click()
        return
    raise AssertionError("Decap's Publish menu never opened: is the entry unchanged, or the button disabled?")


@pytest.mark.longest
def test_an_article_written_in_the_editor_is_published_by_the_next_build_and_can_be_edited(editing):
    project, rebuild, page, site, elsewhere, refused = editing
    before = set((project / "content" / "articles").glob("*.md"))
    page.goto(f"{site}/admin/#/collections/articles/new")
    page.get_by_label("Title").fill("Kinship carers gain a voice in court")
    # Typed day first, as the form shows dates.
    page.get_by_label("Date", exact=True).fill("30/11/2026 09:30")
    page.get_by_role("combobox", name="Category").fill("News")
    page.keyboard.press("Enter")
    topics = page.get_by_role("combobox", name="Topics")
    for topic in ("Fostering", "Family justice"):
        topics.fill(topic)
        page.keyboard.press("Enter")
    page.get_by_label("Summary").fill(
        "Relatives who raise children will be heard before placement decisions."
    )
    page.locator("[data-slate-editor='true']").click()
    page.keyboard.type("Grandparents and aunts who care for children now have a right to be heard.")
    # A date that is not one is refused in the form, with what to write.
    date = page.get_by_label("Date", exact=True)
    date.fill("31/02/2026 09:30")
    publish_now(page)
    expect(page.get_by_text("Write the date as DD/MM/YYYY", exact=False)).to_be_visible()
    assert set((project / "content" / "articles").glob("*.md")) == before
    date.fill("30/11/2026 09:30")
    publish_now(page)

    saved = saved_article(project, before)
    assert re.fullmatch(r"2026-11-30-kinship-carers-gain-a-voice-in-court\.md", saved.name)
    # Only what the author filled in, as an author writes it: no `featured: false`, no empty lists or texts.
    wait_until(lambda: saved.read_text(encoding="utf-8").endswith("\n"))
    assert saved.read_text(encoding="utf-8") == (
        "---\n"
        "title: Kinship carers gain a voice in court\n"
        "date: 2026-11-30T09:30\n"
        "category: News\n"
        "topics: [Fostering, Family justice]\n"
        "summary: Relatives who raise children will be heard before placement decisions.\n"
        "---\n"
        "\n"
        "Grandparents and aunts who care for children now have a right to be heard.\n"
    )
    rebuild()
    address = "/articles/kinship-carers-gain-a-voice-in-court/"
    article = html.fromstring((project.parent / "output" / address.strip("/") / "index.html").read_bytes())
    assert article.xpath("string(//h1)").strip() == "Kinship carers gain a voice in court"
    assert article.xpath("string(//*[@class='kicker'])").strip() == "News"
    assert set(article.xpath("//*[@class='article-topics']//a/text()")) == {"Fostering", "Family justice"}
    assert "will be heard before placement" in article.xpath("string(//*[@class='standfirst'])")
    assert "right to be heard" in article.xpath("string(//*[@class='article-body'])")

    page.goto(f"{site}/admin/#/collections/articles/entries/{saved.stem}")
    title = page.get_by_label("Title")
    assert page.get_by_label("Date", exact=True).input_value() == "30/11/2026 09:30"
    title.fill("Kinship carers win a voice in court")
    publish_now(page)
    deadline = time.monotonic() + 15
    while "win a voice" not in saved.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.2)
    rebuild()
    article = html.fromstring((project.parent / "output" / address.strip("/") / "index.html").read_bytes())
    assert article.xpath("string(//h1)").strip() == "Kinship carers win a voice in court"
    assert elsewhere == []
    assert refused == []


# (status shown, status chosen, the label Decap gives the branch)
STATUS_STEPS = (("Draft", "In review", "pending_review"), ("In review", "Ready", "pending_publish"))


@pytest.mark.longest
def test_the_editorial_workflow_takes_an_article_from_draft_to_the_site(editing_with_workflow):
    """As on the live site: a draft is a branch, its status moves Draft, In review, Ready, and publishing
    merges it into main, after which the build publishes it."""
    project, rebuild, page, site, elsewhere, refused = editing_with_workflow
    page.goto(f"{site}/admin/#/collections/articles/new")
    page.get_by_label("Title").fill("Care review one year on")
    page.get_by_label("Date", exact=True).fill("30/11/2026 09:30")
    page.get_by_role("combobox", name="Category").fill("Research")
    page.keyboard.press("Enter")
    page.locator("[data-slate-editor='true']").click()
    page.keyboard.type("A year after the review, councils report mixed progress.")
    page.get_by_role("button", name="Save").click()
    branch = "cms/articles/2026-11-30-care-review-one-year-on"
    # decap-server commits on the entry's branch, then checks main out again, which takes the draft's file
    # out of the working tree (on a busy machine a moment after HEAD names main).
    draft = project / "content" / "articles" / "2026-11-30-care-review-one-year-on.md"
    wait_until(
        lambda: (
            branch in git(project, "branch")
            and git(project, "branch", "--show-current").strip() == "main"
            and not draft.exists()
        )
    )
    description = f"branch.{branch}.description"
    for shown, chosen, label in (
        ("Draft", "In review", "pending_review"),
        ("In review", "Ready", "pending_publish"),
    ):
        page.get_by_role("button", name=f"Status: {shown}").click()
        page.get_by_role("menuitem", name=chosen).click()
        wait_until(lambda label=label: git(project, "config", description).strip().endswith(label))
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_role("menuitem", name="Publish now").click()
    wait_until(lambda: branch not in git(project, "branch"))
    assert "2026-11-30-care-review-one-year-on.md" in git(project, "ls-tree", "-r", "--name-only", "main")
    rebuild()
    article = project.parent / "output" / "articles" / "care-review-one-year-on" / "index.html"
    assert html.fromstring(article.read_bytes()).xpath("string(//h1)").strip() == "Care review one year on"
    assert elsewhere == []
    assert refused == []


def wait_until(condition, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the editor's change never reached the repository")
        time.sleep(0.2)


def entries_listed(page) -> list[tuple[str, str]]:
    """(category, date as shown) of each article in the editor's list, top to bottom."""
    page.get_by_role("heading", name="Articles").wait_for()
    summaries = page.locator("#nc-root h2").filter(has_text=re.compile(r"\(\w+, [\d/]+\)$"))
    summaries.first.wait_for()
    return [re.search(r"\((\w+), ([\d/]+)\)$", text).groups() for text in summaries.all_inner_texts()]


def day_first(shown: str) -> tuple[str, str, str]:
    day, month, year = shown.split("/")
    return year, month, day


def test_an_article_saved_unchanged_is_the_same_file_and_the_form_shows_it_as_written(editing):
    """The richest sample article (a quoted note, key points, sources, a lead image, `featured: true`):
    a change rewrites its own line only, and changing it back gives the file byte for byte."""
    project, _, page, site, *_ = editing
    name = "2025-10-14-larc-harmful-sexual-behaviour-workforce-report"
    article = project / "content" / "articles" / f"{name}.md"
    original = article.read_bytes()

    page.goto(f"{site}/admin/#/collections/articles")
    listed = entries_listed(page)
    assert len(listed) == len(list((project / "content" / "articles").glob("*.md")))
    dates = [day_first(shown) for _, shown in listed]
    assert dates == sorted(dates, reverse=True), "newest first"

    page.goto(f"{site}/admin/#/collections/articles/entries/{name}")
    # A fresh load, so the form is filled once, from the repository (not first from the list it came from),
    # and nothing is in flight when the title is typed.
    page.reload(wait_until="networkidle")
    title = page.get_by_label("Title", exact=True).first
    expect(title).not_to_have_value("", timeout=15_000)
    heading = title.input_value()
    assert page.get_by_label("Date", exact=True).input_value() == "14/10/2025 09:00"
    # One byline field: the list of names, each in its box.
    assert page.get_by_label("Author", exact=True).count() == 0
    assert [name.input_value() for name in page.get_by_label("Authors", exact=True).all()] == [
        "Eleanor Marsh"
    ]

    fill_until_kept(page, title, f"{heading} (draft title)")
    publish_now(page)
    wait_until(lambda: article.read_bytes() != original)
    changed = article.read_text(encoding="utf-8").splitlines()
    assert [line for line in changed if line not in original.decode().splitlines()] == [
        # The colon in the title asks for quotes, as the README says.
        f'title: "{heading} (draft title)"'
    ]
    assert len(changed) == len(original.decode().splitlines())

    # Opened again, the title changed back and saved: the file is the file the author wrote.
    page.goto(f"{site}/admin/#/collections/articles/entries/{name}")
    page.reload(wait_until="networkidle")
    title = page.get_by_label("Title", exact=True).first
    expect(title).to_have_value(f"{heading} (draft title)", timeout=15_000)
    fill_until_kept(page, title, heading)
    publish_now(page)
    wait_until(lambda: article.read_bytes() == original)
    assert article.read_bytes() == original


@pytest.mark.parametrize("width", [1280, 375])
def test_the_sign_in_page_shows_the_sites_name_and_logo_clear_of_the_button(
    browser, development_site, width, tmp_path
):
    """Not Decap's logo: the site's, named for people who cannot see it, above the Login button and clear of
    it on a desktop and a phone."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        with serving(development_site) as site:
            page = context.new_page()
            page.goto(f"{site}/admin/")
            login = page.get_by_role("button", name="Login")
            logo = page.get_by_role("img", name=SITENAME)
            logo.wait_for()
            page.wait_for_function("() => [...document.images].every(image => image.complete)")
            page.screenshot(path=tmp_path / f"sign-in-{width}.png")
            assert logo.evaluate("image => image.naturalWidth") > 0
            assert logo.get_attribute("src").endswith("/logo.png")
            assert page.title() == f"Editor – {SITENAME}"
            picture, button = logo.bounding_box(), login.bounding_box()
            assert picture["y"] + picture["height"] + 8 <= button["y"], (picture, button)
            for box in (picture, button):
                assert box["x"] >= 0, box
                assert box["x"] + box["width"] <= width, box
            # Decap's own logo (a large drawing) is nowhere on the page.
            drawings = page.locator("#nc-root svg").evaluate_all(
                "drawings => drawings.filter(drawing => drawing.getBoundingClientRect().width > 40).length"
            )
            assert drawings == 0
    finally:
        context.close()


def test_a_key_the_editor_does_not_know_is_kept_and_reported(editing):
    """Saving a file with a key the form lacks keeps the key; the build then names it at its line."""
    project, rebuild, page, site, *_ = editing
    stray = project / "content" / "articles" / "2026-11-20-stray-key.md"
    stray.write_text(
        "---\ntitle: A file with a stray key\ndate: 2026-11-20\ncategory: News\nmood: hopeful\n---\n"
        "The text.\n",
        encoding="utf-8",
    )
    page.goto(f"{site}/admin/#/collections/articles/entries/{stray.stem}")
    page.get_by_label("Title").fill("A file with a stray key, edited")
    publish_now(page)
    deadline = time.monotonic() + 15
    while "edited" not in stray.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.2)
    saved = stray.read_text(encoding="utf-8")
    assert "title: A file with a stray key, edited" in saved
    assert "mood: hopeful" in saved
    assert "2026-11-20-stray-key.md:5: unknown key `mood`" in rebuild(succeeds=False)


def test_the_form_tests_the_summary_rule_as_the_build_does(editing):
    """The pattern the editor applies in the browser is the build's, read by JavaScript."""
    _, _, page, *_ = editing
    verdicts = page.evaluate(
        "([pattern, samples]) => samples.map(s => new RegExp(pattern).test(s))",
        [SUMMARY_PATTERN, ["Plain & simple.", "A <b>bold</b> claim.", "A **strong** claim."]],
    )
    assert verdicts == [True, False, False]


def test_the_editors_landing_page_has_no_accessibility_violation(browser, development_site):
    """The site's own page, as it stands before the editor has loaded (or when its script cannot run)."""
    context = browser.new_context()
    try:
        with serving(development_site) as site:
            page = context.new_page()
            page.route("**/admin/*.js", lambda route: route.abort())
            page.goto(f"{site}/admin/")
            assert page.get_by_role("heading", level=1).inner_text() == "Children First editor"
            results = Axe().run(page)
            assert results.response["violations"] == [], results.generate_report()
    finally:
        context.close()


def new_article(page, site: str, title: str, topics: tuple[str, ...]) -> None:
    page.goto(f"{site}/admin/#/collections/articles/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Date", exact=True).fill("30/11/2026 09:30")
    page.get_by_role("combobox", name="Category").fill("News")
    page.keyboard.press("Enter")
    for topic in topics:
        page.get_by_role("combobox", name="Topics").fill(topic)
        page.keyboard.press("Enter")
    page.locator("[data-slate-editor='true']").click()
    page.keyboard.type("Refuges turned families away this winter.")


def test_the_editor_refuses_to_publish_a_sensitive_topic_without_a_content_note(editing):
    """The build's rule in the form: an article on a sensitive topic needs a content note, unless it is a
    draft; the form says so under the field, with the build's example, and saves nothing."""
    project, rebuild, page, site, *_ = editing
    articles = project / "content" / "articles"
    before = set(articles.glob("*.md"))
    new_article(page, site, "Refuges turn families away", ("Family justice", "Domestic abuse"))
    publish_now(page)
    refusal = page.get_by_text('The topic "Domestic abuse" needs a content note', exact=False)
    expect(refusal).to_be_visible()
    assert 'such as "This article discusses domestic abuse."' in refusal.text_content()
    page.wait_for_timeout(1000)
    assert set(articles.glob("*.md")) == before
    note = "This article discusses domestic abuse and what it means for children in refuges."
    page.get_by_label("Content note").fill(note)
    publish_now(page)
    saved = saved_article(project, before)
    wait_until(lambda: saved.read_text(encoding="utf-8").endswith("\n"))
    assert f"content_note: {note}\n" in saved.read_text(encoding="utf-8")
    rebuild()
    article = html.fromstring((project.parent / "output" / "articles" / "refuges-turn-families-away" /
                               "index.html").read_bytes())  # fmt: skip
    assert article.xpath("string(//*[@class='content-note']/p)") == note

    # A draft may wait for its note, as in the build.
    before = set(articles.glob("*.md"))
    new_article(page, site, "Refuges: a draft", ("Domestic abuse",))
    page.get_by_role("combobox", name="Status").fill("draft")
    page.keyboard.press("Enter")
    publish_now(page)
    draft = saved_article(project, before)
    wait_until(lambda: draft.read_text(encoding="utf-8").endswith("\n"))
    text = draft.read_text(encoding="utf-8")
    assert "status: draft\n" in text
    assert "content_note" not in text
    rebuild()
