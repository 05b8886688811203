"""The digest's e-mail as mail clients get it: `invoke digest --preview` on a copy of the sample site with
twenty new articles, read as HTML and in Chromium at phone and desktop widths, light and dark."""

import email
import email.policy
import re
from pathlib import Path

import pytest
from lxml import html

from conftest import PUBLISH_SITEURL, run_invoke
from sample_content import read_articles
from site_core.digest import Ledger, write_ledger

GMAIL_CLIPS_AT_KB = 90
EXTRA = 6


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> tuple[Path, Path]:
    """The preview folder and the project it was made from (an empty ledger: every article is new)."""
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("digest") / "project")
    for n in range(EXTRA):
        (project / "content" / "articles" / f"2026-11-{10 + n}-digest-sample-{n}.md").write_text(
            f'---\ntitle: "Practice note {n}: <b>bold</b> & {{{{ not a tag }}}}"\n'
            f"date: 2026-11-{10 + n}T09:00\ncategory: News\ntopics: [Fostering]\n"
            "summary: A short, complete summary of the note.\n---\n"
            "Words of the note.\n",
            encoding="utf-8",
        )
    write_ledger(project / "newsletter" / "ledger.json", Ledger())
    folder = project / "preview"
    result = run_invoke(project, "digest", "--preview", "preview")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Digest 1 would carry \d+ articles", result.stdout), result.stdout
    return folder, project


def published(project: Path):
    return [a for a in read_articles(project / "content") if a.is_public]


def test_twenty_articles_stay_under_gmails_clipping_size(preview):
    folder, _ = preview
    page = (folder / "digest.html").read_bytes()
    stories = html.fromstring(page).xpath("//h2[@class='story-title']")
    assert len(stories) >= 20
    assert len(page) <= GMAIL_CLIPS_AT_KB * 1024, f"{len(page) / 1024:.1f} KB"


def test_every_rule_is_inlined_but_media_queries(preview):
    folder, _ = preview
    document = html.fromstring((folder / "digest.html").read_bytes())
    (style,) = document.xpath("//style")
    left = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", style.text).strip()
    assert left == "", left
    assert "prefers-color-scheme: dark" in style.text
    for element in document.xpath("//*[@class]"):
        if element.get("class") not in ("thumb-cell", "story-text"):  # styled by @media only
            assert element.get("style"), html.tostring(element)[:120]


def test_the_html_is_an_accessible_document_with_no_tracking(preview):
    folder, project = preview
    document = html.fromstring((folder / "digest.html").read_bytes())
    assert document.get("lang") == "en-GB"
    assert document.findtext(".//title").startswith("Children First: the week to ")
    headings = [element.tag for element in document.iter("h1", "h2", "h3", "h4")]
    assert headings[0] == "h1"
    assert set(headings[1:]) == {"h2"}
    titles = {article.meta["title"] for article in published(project)}
    for link in document.xpath("//h2[@class='story-title']/a"):
        assert link.text_content() in titles
        assert link.get("href").startswith(PUBLISH_SITEURL + "/articles/")
    # A title is text: its markup shown, not applied (and `{{` left for no template engine to read).
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; {{ not a tag }}" in (folder / "digest.html").read_text(
        encoding="utf-8"
    )
    for href in document.xpath("//a/@href"):
        assert href.startswith((PUBLISH_SITEURL + "/", "https://example.invalid/unsubscribe")), href
    for image in document.xpath("//img"):
        assert image.get("src").startswith(PUBLISH_SITEURL + "/media/")
        assert image.get("src").endswith((".jpg", ".jpeg", ".png")), image.get("src")
        assert int(image.get("width")) > 0
        assert int(image.get("height")) > 0
        assert image.get("alt") is not None
    raw = (folder / "digest.html").read_text(encoding="utf-8").lower()
    for format_name in (".svg", ".avif", ".webp", "<svg"):
        assert format_name not in raw
    for table in document.xpath("//table[@width]"):
        assert table.get("width") == "100%" or int(table.get("width")) <= 600


def test_each_story_shows_its_note_before_its_teaser_and_cut_marks_only_cut_teasers(preview):
    folder, project = preview
    document = html.fromstring((folder / "digest.html").read_bytes())
    by_title = {article.meta["title"]: article for article in published(project)}
    noted = 0
    for story in document.xpath("//td[@class='story-text']"):
        article = by_title[story.xpath(".//h2/a")[0].text_content()]
        classes = [p.get("class") for p in story.xpath("./p")]
        if article.meta.get("content_note"):
            noted += 1
            assert classes.index("note") < classes.index("teaser")
            assert article.meta["content_note"] in story.xpath(".//p[@class='note']")[0].text_content()
        else:
            assert "note" not in classes
        teaser = story.xpath(".//p[@class='teaser']")[0].text_content()
        if article.meta.get("summary"):
            assert teaser == article.meta["summary"], "a summary is given whole, without […]"
    assert noted > 0


def test_the_message_is_text_then_html(preview):
    folder, _ = preview
    message = email.message_from_bytes((folder / "digest.eml").read_bytes(), policy=email.policy.default)
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    assert "Read Full Story: " + PUBLISH_SITEURL + "/articles/" in text
    assert "Unsubscribe with one click: https://example.invalid/unsubscribe" in text


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_horizontal_scroll_on_phones_or_at_600_pixels(preview, browser, scheme):
    folder, _ = preview
    for width in (320, 375, 600):
        page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
        # The thumbnails' addresses are the published site's; their width and height keep the layout.
        page.route("http*://**/*", lambda route: route.abort())
        page.goto((folder / "digest.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(18, 22, 25)") == (scheme == "dark"), background
        page.close()
