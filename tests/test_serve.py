"""`invoke serve`: the site on a local port, rebuilt on save, with the build's problems in the browser."""

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html
from pelican.settings import read_settings

from commands.dev_server import Site, preview_settings, problems_page
from conftest import BUILD_EPOCH, restore_signals, run_invoke, run_pelican, snapshot_signals, tree_digest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_for(url: str, wanted, seconds: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    status, body = 0, ""
    while time.monotonic() < deadline:
        status, body = fetch(url)
        if wanted(status, body):
            return status, body
        time.sleep(0.5)
    pytest.fail(f"{url} never became what the test waited for; last: {status} {body[:500]}")


@contextlib.contextmanager
def serving_project(project: Path, *options: str, host: str = "localhost"):
    """`invoke serve --port N OPTIONS` in `project`; yields the project and the home page's address."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port), *options],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1893456000"},
    )
    try:
        yield project, f"http://{host}:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def served(project: Path):
    with serving_project(project) as served:
        yield served


def test_a_bad_save_shows_its_problem_in_the_browser_until_a_good_save(served):
    project, home = served
    _, body = wait_for(home, lambda status, _: status == 200)
    assert "/__serve/reload.js" in body
    article = project / "content/articles/2026-01-20-kinship-care-feature.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("\ncategory: Features", "\ncategory: [Features"), encoding="utf-8")
    _, body = wait_for(home, lambda status, _: status == 500)
    assert "The last save did not build" in body
    assert "content/articles/2026-01-20-kinship-care-feature.md:" in body
    assert "/__serve/reload.js" in body, "the problem page reloads itself after the next save"
    assert (project / "output" / "index.html").is_file(), "the last good output is still there"
    page = lxml_html.fromstring(body)
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["/theme/css/site.css"], "the site's own look"
    assert page.xpath("//meta[@name='viewport']")
    problems = page.xpath("//ol[@class='problems']/li")
    assert len(problems) == 1, "each problem once, the summary not repeated as one"
    assert problems[0].xpath("string(code)") == "content/articles/2026-01-20-kinship-care-feature.md:5"
    assert "1 problem." in page.text_content()
    as_it_was = page.xpath("//a[text()='this page as it was']/@href")[0]
    status, old_page = fetch(home.rstrip("/") + as_it_was)
    assert status == 200
    assert "Children First" in lxml_html.fromstring(old_page).xpath("string(//title)")
    article.write_text(good + "\nOne more sentence, saved.\n", encoding="utf-8")
    wait_for(home, lambda status, _: status == 200)
    wait_for(
        f"{home}articles/kinship-care-feature/",
        lambda status, body: status == 200 and "One more sentence, saved." in body,
    )
    assert fetch(f"{home}no-such-page/")[0] == 404


def next_event(stream) -> str:
    """The next server-sent event's data, past the comment lines that keep the stream open."""
    while True:
        line = stream.readline().decode()
        assert line, "the event stream closed"
        if line.startswith("data: "):
            return line.removeprefix("data: ").strip()


def test_a_save_sends_a_reload_event_and_the_output_matches_a_clean_build(served, tmp_path):
    """The page's reload script hears of each build; after saves (an edit, a new article, a deletion) the
    output the server wrote in place is the same as a clean build of the same sources."""
    project, home = served
    wait_for(home, lambda status, _: status == 200)
    events = urllib.request.urlopen(f"{home}__serve/events", timeout=60)
    first = next_event(events)
    articles = project / "content" / "articles"
    edited = articles / "2026-01-20-kinship-care-feature.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA sentence saved for the reload.\n")
    second = next_event(events)
    assert second != first
    (articles / "2025-09-01-a-new-article.md").write_text(
        "---\ntitle: A new article while serving\ndate: 2025-09-01\ncategory: News\n---\nNew text.\n"
    )
    wait_for(f"{home}articles/a-new-article/", lambda status, body: "A new article while serving" in body)
    (articles / "2024-12-17-christmas-anxieties-poll.md").unlink()
    wait_for(f"{home}articles/christmas-anxieties-poll/", lambda status, _: status == 404)
    time.sleep(1)
    clean = tmp_path / "clean"
    # At the served site's own moment (the `served` fixture's SOURCE_DATE_EPOCH) and address.
    settings = {
        "SITEURL": home.rstrip("/"),
        **preview_settings(read_settings(str(project / "pelicanconf.py"))),
    }
    overrides = [f"{key}={json.dumps(value)}" for key, value in settings.items()]
    result = run_pelican(
        project, "pelicanconf.py", clean, "-e", *overrides, environment={"SOURCE_DATE_EPOCH": "1893456000"}
    )
    assert result.returncode == 0, result.stderr
    served_files = tree_digest(project / "output")
    clean_files = tree_digest(clean)
    ignored = ("pagefind/",)
    differing = sorted(
        name
        for name in served_files.keys() | clean_files.keys()
        if not name.startswith(ignored) and served_files.get(name) != clean_files.get(name)
    )
    assert differing == []


def test_a_busy_port_is_one_line_not_a_traceback(project):
    with socket.socket() as taken:
        taken.bind(("localhost", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_invoke(project, "serve", "--port", str(port), timeout=120)
    assert result.returncode == 1
    assert f"serve: port {port} is in use; try another: invoke serve --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(("options", "host"), [((), "localhost"), (("--bind", "127.0.0.2"), "127.0.0.2")])
def test_every_absolute_address_names_the_server_it_is_served_from(project, options, host):
    with serving_project(project, *options, host=host) as (_, home):
        wait_for(home, lambda status, _: status == 200)
        _, rss = fetch(f"{home}feeds/rss.xml")
        feed = feedparser.parse(rss)
        assert feed.feed.link.startswith(home.rstrip("/"))
        assert feed.entries
        assert all(entry.link.startswith(home) for entry in feed.entries)
        _, subscribe = fetch(f"{home}subscribe/")
        shown = re.findall(r"https?://[^\s<>\"']+/feeds/[^\s<>\"']+", subscribe)
        assert shown, "the Subscribe page shows each feed's full address to copy"
        assert all(address.startswith(home) for address in shown), shown
        _, article = fetch(f"{home}articles/kinship-care-feature/")
        canonical = lxml_html.fromstring(article).xpath("//link[@rel='canonical']/@href")
        assert canonical == [f"{home}articles/kinship-care-feature/"]
        assert "localhost:8000" not in subscribe + rss + article


def test_head_is_answered_as_get_without_a_body(served):
    _, home = served
    _, body = wait_for(home, lambda status, _: status == 200)
    request = urllib.request.Request(home, method="HEAD")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert int(response.headers["Content-Length"]) == len(body.encode())
        assert response.read() == b""
    missing = urllib.request.Request(f"{home}no-such-page/", method="HEAD")
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(missing, timeout=5)
    assert answer.value.code == 404


def test_a_draft_is_previewed_at_its_own_address_and_listed_never_published(served, tmp_path):
    project, home = served
    wait_for(home, lambda status, _: status == 200)
    (project / "content/articles/2026-06-01-a-draft-in-progress.md").write_text(
        "---\ntitle: A draft in progress\ndate: 2026-06-01\ncategory: News\nstatus: draft\n---\n\nNot yet.\n"
    )
    (project / "content/articles/2031-01-05-scheduled-for-later.md").write_text(
        "---\ntitle: Scheduled for later\ndate: 2031-01-05\ncategory: News\n---\n\nLater.\n"
    )
    _, body = wait_for(f"{home}drafts/a-draft-in-progress/", lambda status, body: "Not yet." in body)
    page = lxml_html.fromstring(body)
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert "Draft — not published." in page.xpath("string(//div[@class='draft-notice'])")
    assert not page.xpath("//*[@data-pagefind-body]"), "the search index leaves a draft out"
    _, listing = fetch(f"{home}drafts/")
    links = lxml_html.fromstring(listing).xpath("//main//a/@href")
    assert "/drafts/a-draft-in-progress/" in links
    wait_for(
        f"{home}drafts/scheduled-for-later/", lambda status, body: "Scheduled — not published yet." in body
    )
    _, listing = fetch(f"{home}drafts/")
    links = lxml_html.fromstring(listing).xpath("//main//a/@href")
    assert "/drafts/scheduled-for-later/" in links, "a scheduled article is previewed too"
    assert "/drafts/pages/editorial-policy/" in links
    _, sitemap = fetch(f"{home}sitemap.xml")
    assert "/drafts/" not in sitemap
    assert fetch(f"{home}articles/a-draft-in-progress/")[0] == 404
    published = tmp_path / "published"
    result = run_pelican(project, "publishconf.py", published)
    assert result.returncode == 0, result.stderr
    assert not (published / "drafts").exists()
    for path in published.rglob("*.html"):
        assert "draft-notice" not in path.read_text(encoding="utf-8"), path


def test_the_terminal_says_what_the_browser_shows(project, monkeypatch):
    monkeypatch.chdir(project)  # as `invoke serve` runs, so problems name files from the project
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    before = (
        snapshot_signals()
    )  # the site in this process connects Pelican's signals; later tests must not see them
    try:
        site = Site(project, project / "output")
        assert "written" in site.build()
        article = project / "content/articles/2026-01-20-kinship-care-feature.md"
        article.write_text(article.read_text().replace("\ncategory: Features", "\ncategory: Featurez"))
        line = site.build([article])
    finally:
        restore_signals(before)
    assert line.startswith("did not build: 1 problem; the browser shows these problems on every page")
    assert site.problems == [p for p in site.failure.splitlines() if p.startswith("content/")]
    assert site.failure.count("1 problem in 1 file") == 1
    page = lxml_html.fromstring(problems_page(site.problems, site.last_good, "/?last-good-save"))
    assert [li.xpath("string(code)") for li in page.xpath("//li")] == [
        "content/articles/2026-01-20-kinship-care-feature.md:5"
    ]
    assert f"as the last good save at {site.last_good} left it" in " ".join(page.text_content().split())
