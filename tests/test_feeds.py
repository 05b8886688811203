"""Every feed of the published site, read the way feed readers and the W3C validator read it."""

import json
import mimetypes
import os
import subprocess
import sys
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from lxml import etree, html

from commands import deploy
from conftest import (
    PUBLISH_SITEURL,
    ROOT,
    THEME_PLUGINS,
    read_headers_file,
    run_pelican,
    serving,
    tree_digest,
)
from sample_content import read_articles

ARTICLES = read_articles(ROOT / "content")
PUBLIC = sorted((a for a in ARTICLES if a.is_public), key=lambda a: (-a.date.timestamp(), a.slug))
HIDDEN = [a for a in ARTICLES if not a.is_public]
VALIDATOR = ROOT.parent / "shared" / "bin" / "validate-feeds"
XHTML = "http://www.w3.org/1999/xhtml"


def permalink(article) -> str:
    return f"{PUBLISH_SITEURL}/articles/{article.slug}/"


def xml_feeds(site):
    """Every RSS and Atom feed: the feeds plugin's, and the digest archive's (the newsletter plugin)."""
    return sorted([*(site / "feeds").rglob("*.xml"), *(site / "newsletter").glob("*.xml")])


def parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, f"{path}: {feed.get('bozo_exception')}"
    return feed


def expected_files() -> set[str]:
    files = {"feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json"}
    for article in PUBLIC:
        files |= {f"feeds/category/{article.meta['category'].lower()}.{kind}.xml" for kind in ("rss", "atom")}
        for topic in article.meta.get("topics", []):
            slug = topic.lower().replace(" ", "-")
            files |= {f"feeds/topic/{slug}.{kind}.xml" for kind in ("rss", "atom")}
    return files


def test_every_feed_exists_and_no_other(published_site):
    written = {
        p.relative_to(published_site).as_posix()
        for p in (published_site / "feeds").rglob("*")
        if p.is_file() and p.suffix in (".xml", ".json")
    }
    assert written == expected_files()


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_site_feed_lists_every_public_article_newest_first(published_site, name):
    feed = parse(published_site / "feeds" / name)
    assert [entry.link for entry in feed.entries] == [permalink(a) for a in PUBLIC]
    assert feed.feed.language.lower() == "en-gb"
    assert feed.feed.title == "Children First"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"{PUBLISH_SITEURL}/feeds/{name}"]


def test_every_feed_parses_cleanly_with_only_public_articles(published_site):
    hidden_links = {permalink(a) for a in HIDDEN}
    for path in xml_feeds(published_site):
        feed = parse(path)
        assert feed.entries, path
        links = [entry.link for entry in feed.entries]
        assert not hidden_links & set(links), path
        assert len(set(links)) == len(links), path
        dates = [entry.published_parsed for entry in feed.entries]
        assert dates == sorted(dates, reverse=True), path


def test_category_and_topic_feeds_hold_exactly_their_articles(published_site):
    for article in PUBLIC:
        category = parse(
            published_site / "feeds" / "category" / f"{article.meta['category'].lower()}.atom.xml"
        )
        assert permalink(article) in {e.link for e in category.entries}
    for path in (published_site / "feeds" / "topic").glob("*.rss.xml"):
        feed = parse(path)
        topic = feed.feed.title.removeprefix("Children First: ")
        assert {e.link for e in feed.entries} == {
            permalink(a) for a in PUBLIC if topic in a.meta.get("topics", [])
        }


def test_rss_dates_ids_and_categories(published_site):
    raw = (published_site / "feeds" / "rss.xml").read_bytes()
    tree = etree.fromstring(raw)
    for item in tree.iter("item"):
        assert item.findtext("pubDate").endswith(" +0000")
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "true"
        assert guid.text == item.findtext("link")
    summer = next(a for a in PUBLIC if a.date.utcoffset().total_seconds() == 3600)
    entry = next(
        e for e in parse(published_site / "feeds" / "rss.xml").entries if e.link == permalink(summer)
    )
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == summer.date.astimezone(UTC)
    assert {t.term for t in entry.tags} == {summer.meta["category"], *summer.meta.get("topics", [])}


def test_atom_ids_dates_and_authors(published_site):
    feed = parse(published_site / "feeds" / "atom.xml")
    for entry, article in zip(feed.entries, PUBLIC, strict=True):
        assert entry.id == permalink(article)
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == article.date.astimezone(UTC)
        assert [a.name for a in entry.authors] == (article.meta.get("authors") or ["Children First"])
    newest = max(datetime(*e.updated_parsed[:6], tzinfo=UTC) for e in feed.entries)
    assert datetime(*feed.feed.updated_parsed[:6], tzinfo=UTC) == newest


def test_content_links_and_images_are_absolute(published_site):
    for name in ("rss.xml", "atom.xml"):
        for entry in parse(published_site / "feeds" / name).entries:
            body = html.fromstring(f"<div>{entry.content[0].value}</div>")
            for _, _, url, _ in body.iterlinks():
                assert urlsplit(url).scheme in ("http", "https", "mailto", "tel"), (entry.link, url)


def test_article_image_travels_as_an_enclosure(published_site):
    """Each lead image is enclosed as published: the file at its own address, with that file's size."""
    with_images = [a for a in PUBLIC if "image" in a.meta]
    assert len(with_images) >= 5
    for article in with_images:
        image_url = f"{PUBLISH_SITEURL}/{article.meta['image']}"
        published = published_site / article.meta["image"]
        size = str(published.stat().st_size)
        assert published.read_bytes() != (ROOT / "content" / article.meta["image"]).read_bytes() or (
            article.meta["image"].endswith(".svg")
        )
        kind = {"svg": "image/svg+xml", "png": "image/png"}.get(article.meta["image"][-3:], "image/jpeg")
        for name in ("rss.xml", "atom.xml"):
            entries = parse(published_site / "feeds" / name).entries
            entry = next((e for e in entries if e.link == permalink(article)), None)
            if entry is not None:
                assert [(e.href, e.length, e.type) for e in entry.enclosures] == [(image_url, size, kind)]


def test_json_feed_follows_version_1_1(published_site):
    document = json.loads((published_site / "feeds" / "feed.json").read_text())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"]
    assert document["feed_url"] == f"{PUBLISH_SITEURL}/feeds/feed.json"
    assert document["home_page_url"] == f"{PUBLISH_SITEURL}/"
    for key in ("icon", "favicon"):
        assert document[key].startswith(PUBLISH_SITEURL + "/")
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids))
    assert [item["url"] for item in document["items"]] == [permalink(a) for a in PUBLIC]
    for item in document["items"]:
        assert isinstance(item["id"], str)
        assert item.get("content_html") or item.get("content_text")
        datetime.fromisoformat(item["date_published"])
        assert datetime.fromisoformat(item["date_modified"]) >= datetime.fromisoformat(item["date_published"])
        assert all(author["name"] for author in item["authors"])
        if "image" in item:
            assert item["image"].startswith(PUBLISH_SITEURL + "/")


def test_w3c_feed_validator_finds_nothing(published_site):
    """The W3C Feed Validation Service's own code: no error and no warning on any RSS or Atom feed."""
    if not VALIDATOR.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{VALIDATOR} is missing in CI")
        pytest.skip("../shared/bin/validate-feeds is not beside this checkout")
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), str(published_site), PUBLISH_SITEURL],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(xml_feeds(published_site))} valid, 0 with errors or warnings" in result.stdout


def stylesheet_instructions(tree) -> list:
    """The `<?xml-stylesheet?>` processing instructions before the document's root element."""
    return [
        node
        for node in tree.getroot().itersiblings(preceding=True)
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-stylesheet"
    ]


def feed_url(site, path) -> str:
    return f"{PUBLISH_SITEURL}/{path.relative_to(site).as_posix()}"


def test_no_feed_uses_xslt(published_site):
    """Browsers are removing XSLT: no feed asks for it, and the site ships no XSLT stylesheet."""
    for path in xml_feeds(published_site):
        instructions = stylesheet_instructions(etree.parse(str(path)))
        assert not [i for i in instructions if "xsl" in (i.get("type") or "").lower()], path
        assert b"XSL/Transform" not in path.read_bytes(), path
    assert not [p for p in published_site.rglob("*") if p.suffix.lower() in (".xsl", ".xslt")]


def test_every_feed_is_styled_by_the_sites_own_css(published_site):
    """One CSS stylesheet, on the site's own origin (its Content-Security-Policy allows `style-src 'self'`),
    a file of the output that every host serves as text/css (the site sends `nosniff`: nothing else would
    be applied)."""
    for path in xml_feeds(published_site):
        [instruction] = stylesheet_instructions(etree.parse(str(path)))
        assert instruction.get("type") == "text/css", path
        address = urljoin(feed_url(published_site, path), instruction.get("href"))
        assert address == f"{PUBLISH_SITEURL}/feeds/feed.css", path
    name = "feeds/feed.css"
    assert (published_site / name).is_file()
    assert mimetypes.guess_type(name)[0] == "text/css"
    assert deploy.content_type(name) == "text/css; charset=utf-8"
    headers = dict(read_headers_file(published_site))
    style_sources = next(
        part.split()[1:] for part in headers["Content-Security-Policy"].split(";") if "style-src" in part
    )
    assert "'self'" in style_sources
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_feed_tells_a_person_what_it_is_and_links_to_subscribe(published_site):
    """First in the channel or feed: the notice a browser shows, its link resolving to the Subscribe page."""
    for path in xml_feeds(published_site):
        root = etree.parse(str(path)).getroot()
        notice = (root.find("channel") if root.tag == "rss" else root)[0]
        assert notice.tag == f"{{{XHTML}}}div", path
        assert "".join(notice.itertext()) == (
            "This is a web feed. Copy its address into your feed reader, or see Subscribe for how to follow "
            "Children First."
        )
        [link] = notice
        assert (link.tag, link.text) == (f"{{{XHTML}}}a", "Subscribe")
        assert urljoin(feed_url(published_site, path), link.get("href")) == f"{PUBLISH_SITEURL}/subscribe/"
    assert (published_site / "subscribe" / "index.html").is_file()


def test_feed_readers_see_nothing_of_the_notice(published_site):
    """feedparser reads every feed as it reads it without the notice: the same entries and the same feed
    fields, plus the two keys it gives any element in another namespace (`xhtml_div`, `xhtml_a`)."""
    for path in xml_feeds(published_site):
        with_notice = parse(path)
        root = etree.fromstring(path.read_bytes())
        for notice in root.iter(f"{{{XHTML}}}div"):
            notice.getparent().remove(notice)
        without = feedparser.parse(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        assert without.bozo == 0
        assert with_notice.entries == without.entries, path
        added = set(with_notice.feed) - set(without.feed)
        assert added == {"xhtml_div", "xhtml_a"}, path
        assert {key: value for key, value in with_notice.feed.items() if key not in added} == without.feed


def test_every_page_advertises_the_site_feeds_and_its_own(published_site):
    site_feeds = {f"{PUBLISH_SITEURL}/feeds/{n}" for n in ("rss.xml", "atom.xml", "feed.json")}
    for path in published_site.rglob("*.html"):
        page = html.fromstring(path.read_bytes())
        advertised = set(page.xpath("//link[@rel='alternate']/@href"))
        assert site_feeds <= advertised, path
        folder = path.relative_to(published_site).parts
        if folder[0] in ("category", "topic") and len(folder) >= 3:
            own = {f"{PUBLISH_SITEURL}/feeds/{folder[0]}/{folder[1]}.{k}.xml" for k in ("rss", "atom")}
            assert own <= advertised, path
        for url in advertised:
            assert (published_site / url.removeprefix(PUBLISH_SITEURL + "/")).is_file()


def test_subscribe_page_lists_every_feed(published_site):
    page = html.fromstring((published_site / "subscribe" / "index.html").read_bytes())
    linked = {href.lstrip("/") for href in page.xpath("//main//a/@href") if href.startswith("/feeds/")}
    assert linked == expected_files()
    shown = {code.text for code in page.xpath("//main//code")}
    assert shown == {f"{PUBLISH_SITEURL}/{path}" for path in expected_files()}
    assert not page.xpath("//form[contains(@class, 'newsletter')]")


def test_newsletter_form_appears_when_configured(project):
    output = project / "output"
    options = json.dumps({"newsletter": {"action": "https://lists.example.org/subscribe"}})
    result = run_pelican(project, "publishconf.py", output, "-e", f"THEME_OPTIONS={options}")
    assert result.returncode == 0, result.stderr
    form = html.fromstring((output / "subscribe" / "index.html").read_bytes()).xpath(
        "//form[@class='newsletter']"
    )[0]
    assert form.get("action") == "https://lists.example.org/subscribe"
    assert form.xpath(".//input[@type='email'][@name='email'][@id=//label/@for]")


def feed_digest(folder):
    return {path: digest for path, digest in tree_digest(folder).items() if path.startswith("feeds/")}


def test_feeds_are_byte_identical_across_builds_and_a_retitle_keeps_the_id(project):
    first, second = project / "first", project / "second"
    assert run_pelican(project, "publishconf.py", first).returncode == 0
    assert run_pelican(project, "publishconf.py", second).returncode == 0
    assert feed_digest(first) == feed_digest(second)
    article = PUBLIC[0]
    source = project / "content" / "articles" / article.path.name
    source.write_text(source.read_text().replace(article.meta["title"], "A completely new headline", 1))
    assert run_pelican(project, "publishconf.py", second).returncode == 0
    entries = [e for e in parse(second / "feeds" / "atom.xml").entries if e.id == permalink(article)]
    assert [e.title for e in entries] == ["A completely new headline"]


def test_feed_length_is_capped(project):
    output = project / "output"
    assert run_pelican(project, "publishconf.py", output, "-e", 'FEEDS={"max_items": 3}').returncode == 0
    for path in xml_feeds(output):
        assert len(parse(path).entries) <= 3
    assert [e.link for e in parse(output / "feeds" / "rss.xml").entries] == [permalink(a) for a in PUBLIC[:3]]


# Opened in a browser: Chromium, as tests/test_browser.py drives it, over the site as a static host serves it.

# Every text of the page, with what Chromium adds in shadow roots (its "This site uses XSLT" banner).
ALL_TEXT = """() => [...document.querySelectorAll('*')]
  .map(element => element.shadowRoot ? element.shadowRoot.textContent : '')
  .join(' ') + document.documentElement.textContent"""
# What only a feed reader needs: each article's id, its HTML (escaped: unreadable as text), its categories.
NOT_SHOWN = {
    "rss.xml": "item > guid, item > encoded, item > category",
    "atom.xml": "entry > id, entry > content, entry > category",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("name", "kind"), [("rss.xml", "channel"), ("atom.xml", "feed")])
def test_a_feed_opened_in_a_browser_is_a_readable_page(browser, site_url, name, kind, scheme):
    """The feed's title and its articles' titles as visible text, under the site's Content-Security-Policy,
    its ids and raw HTML hidden, no XSLT anywhere, and the notice's link leads to the Subscribe page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        messages, problems = [], []
        page.on("console", lambda message: messages.append(message))
        page.on("pageerror", lambda error: problems.append(str(error)))
        with page.expect_response(f"{site_url}/feeds/feed.css") as stylesheet:
            response = page.goto(f"{site_url}/feeds/{name}")
        assert response.ok
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert stylesheet.value.ok
        assert stylesheet.value.headers["content-type"].startswith("text/css")
        title = page.locator(f"{kind} > title").first
        assert title.is_visible()
        assert title.text_content() == "Children First"
        items = page.locator(f"{kind} > item > title, {kind} > entry > title")
        assert items.count() == len(PUBLIC)
        assert items.first.is_visible()
        assert items.first.text_content() == PUBLIC[0].meta["title"]
        hidden = page.locator(NOT_SHOWN[name])
        assert hidden.count() >= len(PUBLIC)
        assert not any(element.is_visible() for element in hidden.all())
        shown = page.evaluate(ALL_TEXT)
        assert "XSLT" not in shown
        assert "style information" not in shown, "Chromium's raw XML view: the stylesheet was not applied"
        assert not [m.text for m in messages if "XSLT" in m.text]
        # Chromium asks for /favicon.ico for a document that names no icon (the site has favicon.svg).
        errors = [m.text for m in messages if m.type == "error" and "status of 404" not in m.text]
        assert errors + problems == []
        link = page.get_by_role("link", name="Subscribe")
        assert link.is_visible()
        link.click()
        page.wait_for_url(f"{site_url}/subscribe/")
        assert page.locator("h1").text_content() == "Subscribe Today"
    finally:
        context.close()


@pytest.mark.slow  # drives a browser (an in-process build: no fixture marks it)
def test_a_feed_of_a_site_under_a_path_links_its_own_subscribe_page(browser, pelican_run, tmp_path):
    """Under SITEURL's path: the stylesheet applies and the link leads to that site's Subscribe page."""
    served = tmp_path / "served"
    pelican_run(THEME_PLUGINS, output=served / "cf", SITEURL=f"{PUBLISH_SITEURL}/cf")
    context = browser.new_context()
    try:
        with serving(served) as url:
            page = context.new_page()
            page.goto(f"{url}/cf/feeds/atom.xml")
            assert page.locator("feed > title").is_visible()
            page.get_by_role("link", name="Subscribe").click()
            page.wait_for_url(f"{url}/cf/subscribe/")
    finally:
        context.close()
