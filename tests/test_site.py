"""The published sample site, built with the plain Pelican command, checked as a reader's browser sees it."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import feedparser
import markdown
import pytest
from lxml import etree, html

from conftest import PUBLISH_SITEURL, ROOT
from sample_content import read_articles, read_pages

ARTICLES = read_articles(ROOT / "content")
PUBLIC = [a for a in ARTICLES if a.is_public]
HIDDEN = [a for a in ARTICLES if not a.is_public]
DRAFT_PAGES = [p for p in read_pages(ROOT / "content") if p.meta.get("status") == "draft"]
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse(page: Path):
    return html.fromstring(page.read_bytes())


def local_target(site: Path, url: str) -> Path | None:
    """The output file a link points at, or None when it leaves the site."""
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel"):
        return None
    if parts.scheme or parts.netloc:
        if not url.startswith(PUBLISH_SITEURL + "/"):
            return None
        path = url[len(PUBLISH_SITEURL) :]
    else:
        path = parts.path
    assert path.startswith("/"), f"relative link {url!r}: links must be root-relative or absolute"
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def test_sample_content_is_broad_enough():
    assert len(ARTICLES) >= 16
    assert len({a.meta["category"] for a in PUBLIC}) >= 5
    assert len({t for a in PUBLIC for t in a.meta.get("topics", [])}) >= 8
    assert len({a.date.year for a in PUBLIC}) >= 2
    assert any(a.meta.get("status") == "draft" for a in ARTICLES)
    assert any(a.meta.get("status", "published") == "published" and not a.is_public for a in ARTICLES)


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "knowledge-resources/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "feeds/rss.xml",
        "category/index.html",
        "topic/index.html",
        "author/index.html",
        "about/index.html",
        "contact/index.html",
        "subscribe/index.html",
        "enquiry/index.html",
        "accessibility/index.html",
        "privacy/index.html",
    ],
)
def test_fixed_url_scheme(published_site, path):
    assert (published_site / path).is_file()


def test_every_public_article_has_its_page_and_listings(published_site):
    for article in PUBLIC:
        page = parse(published_site / "articles" / article.slug / "index.html")
        assert page.findtext(".//h1").strip() == article.meta["title"]
        category_links = {a.get("href") for a in page.iter("a")}
        category_slug = article.meta["category"].lower()
        assert f"/category/{category_slug}/" in category_links
        for topic in article.meta.get("topics", []):
            assert any(href.startswith("/topic/") and href.endswith("/") for href in category_links)
            assert topic in page.text_content()


def published_text(site: Path) -> str:
    """Every page, feed, sitemap and index the site publishes (the search index's list of pages too)."""
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in (".html", ".xml", ".txt", ".json")
    )


def test_drafts_and_scheduled_articles_are_nowhere(published_site):
    assert HIDDEN, "the sample content must include a draft and a scheduled article"
    everything = published_text(published_site)
    for article in HIDDEN:
        assert not (published_site / "articles" / article.slug).exists()
        assert f"/articles/{article.slug}/" not in everything
        assert article.meta["title"] not in everything


def test_draft_pages_are_nowhere(published_site):
    """Not written, nor in the sitemap, the search index, the feeds or the navigation."""
    assert DRAFT_PAGES, "the sample content must include a draft page"
    assert (published_site / "pagefind" / "result-urls.json").is_file()
    everything = published_text(published_site)
    for page in DRAFT_PAGES:
        assert not (published_site / page.slug).exists()
        assert f"/{page.slug}/" not in everything
        assert page.meta["title"] not in everything


def test_every_page_has_the_required_head(published_site):
    for page_path in html_pages(published_site):
        page = parse(page_path)
        where = page_path.relative_to(published_site)
        assert page.get("lang") == "en-GB", where
        assert len(page.findall(".//h1")) == 1, where
        assert page.findtext(".//title").strip(), where
        description = page.xpath("//meta[@name='description']/@content")
        assert len(description) == 1, where
        assert description[0].strip(), where
        canonical = page.xpath("//link[@rel='canonical']/@href")
        assert len(canonical) == 1, where
        assert canonical[0].startswith(PUBLISH_SITEURL + "/"), where


def test_every_internal_link_resolves(published_site):
    checked = 0
    for page_path in html_pages(published_site):
        page = parse(page_path)
        ids = set(page.xpath("//@id"))
        for _element, _attribute, url, _position in page.iterlinks():
            if url.startswith("#"):
                assert url[1:] in ids, f"{page_path}: #{url[1:]} has no target"
                continue
            target = local_target(published_site, url)
            if target is not None:
                assert target.is_file(), f"{page_path.relative_to(published_site)}: {url} -> nothing"
                checked += 1
    assert checked > 500


def test_nothing_is_loaded_from_another_site(published_site):
    for page_path in html_pages(published_site):
        page = parse(page_path)
        loaded = page.xpath(
            "//script/@src | //link[@rel='stylesheet']/@href | //img/@src | //iframe/@src"
            " | //source/@srcset | //video/@src | //audio/@src"
        )
        for url in loaded:
            assert local_target(published_site, url) is not None, f"{page_path}: loads {url}"


def test_hub_lists_newest_articles_as_teasers(published_site):
    page = parse(published_site / "knowledge-resources" / "index.html")
    assert page.findtext(".//h1").strip() == "Knowledge & Resources"
    listing = page.xpath("//section[@aria-labelledby='all-heading']")[0]
    cards = listing.xpath(".//article[contains(@class, 'card')]")
    featured = page.xpath("//section[@aria-labelledby='featured-heading']//h3/a")
    assert [a.text_content() for a in featured] == [a.meta["title"] for a in PUBLIC if a.meta.get("featured")]
    # The featured story leads the page and is not listed again.
    newest = [a for a in sorted(PUBLIC, key=lambda a: a.date, reverse=True) if not a.meta.get("featured")]
    assert [c.xpath(".//h3/a")[0].text_content() for c in cards] == [a.meta["title"] for a in newest[:20]]
    marked = 0
    for card, article in zip(cards, newest, strict=False):
        teaser = card.xpath(".//p[contains(@class, 'teaser')]")[0].text_content()
        words = teaser.removesuffix(" […]")
        if "summary" in article.meta:
            # The author's summary is whole: no "[…]" after it.
            assert teaser == " ".join(article.meta["summary"].split())
        else:
            rendered = html.fromstring(markdown.markdown(article.body, extensions=["extra", "smarty"]))
            text = rendered.text_content().split()
            assert words == " ".join(text[:50]).rstrip(",;:–—-")
            # "[…]" only when the opening was cut short.
            assert teaser.endswith(" […]") == (len(text) > 50), article.slug
            marked += teaser.endswith(" […]")
        more = card.xpath(".//a[contains(@class, 'read-more')]")[0]
        assert more.text_content().startswith("Read Full Story")
        assert article.meta["title"] in more.text_content()
        assert more.get("href") == f"/articles/{article.slug}/"
    assert marked, "no sample article has a cut teaser: the check above tested nothing"


def test_sitemap_and_robots(published_site):
    tree = etree.parse(str(published_site / "sitemap.xml"))
    urls = {
        loc.text: url.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for url in tree.getroot()
        for loc in url.findall("s:loc", SITEMAP_NS)
    }
    for article in PUBLIC:
        assert f"{PUBLISH_SITEURL}/articles/{article.slug}/" in urls
    for article in HIDDEN:
        assert f"{PUBLISH_SITEURL}/articles/{article.slug}/" not in urls
    assert f"{PUBLISH_SITEURL}/404.html" not in urls
    assert all(lastmod for lastmod in urls.values())
    pages = {local_target(published_site, url) for url in urls}
    redirects = {p for p in html_pages(published_site) if parse(p).xpath("//meta[@http-equiv='refresh']")}
    assert redirects, "the sample content has aliases, so the site has redirect pages"
    assert pages == {p for p in html_pages(published_site) if p.name != "404.html"} - redirects
    robots = (published_site / "robots.txt").read_text()
    assert f"Sitemap: {PUBLISH_SITEURL}/sitemap.xml" in robots


def test_rss_feed_parses_and_lists_public_articles(published_site):
    feed = feedparser.parse((published_site / "feeds" / "rss.xml").read_bytes())
    assert feed.bozo == 0
    links = {entry.link for entry in feed.entries}
    assert links == {f"{PUBLISH_SITEURL}/articles/{a.slug}/" for a in PUBLIC}


def test_old_addresses_redirect_to_the_moved_article(published_site):
    moved = [a for a in PUBLIC if a.meta.get("aliases")]
    assert moved, "the sample content should have an article with aliases"
    rules = (published_site / "_redirects").read_text(encoding="utf-8").splitlines()
    for article in moved:
        new_path = f"/articles/{article.slug}/"
        for alias in article.meta["aliases"]:
            assert f"{alias} {new_path} 301" in rules
            page = parse(local_target(published_site, PUBLISH_SITEURL + alias))
            assert page.xpath("//link[@rel='canonical']/@href") == [PUBLISH_SITEURL + new_path]
            refresh = page.xpath("//meta[@http-equiv='refresh']/@content")
            assert refresh == [f"0; url={new_path}"]
            assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
            assert new_path in page.xpath("//main//a/@href")
            assert local_target(published_site, PUBLISH_SITEURL + new_path).is_file()


def test_dates_are_written_the_british_way(published_site):
    article = max(PUBLIC, key=lambda a: a.date)
    page = parse(published_site / "articles" / article.slug / "index.html")
    published = page.xpath("//time")[0]
    assert published.get("datetime").startswith(article.date.strftime("%Y-%m-%d"))
    assert published.text == f"{article.date.day} {article.date:%B %Y}"


VNU_JAR = ROOT / "tests" / "checkers" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.parametrize("kind", ["html", "css"])
def test_html_and_css_are_valid(published_site, kind):
    """The Nu Html Checker (npm vnu-jar, what the W3C validator runs) finds no error in any page or CSS."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI must have Java and `npm ci` (vnu-jar): see .ci/run and `invoke test`")
        pytest.skip("needs Java and `npm ci` for vnu-jar; `invoke test` runs npm ci when npm is installed")
    files = html_pages(published_site) if kind == "html" else sorted(published_site.rglob("*.css"))
    options = ["--css"] if kind == "css" else []
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", *options, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def test_every_theme_file_is_referenced(published_site):
    """A publish build ships only the fingerprinted assets its pages use, not their plain-named copies."""
    naming = {
        p: p.read_text(encoding="utf-8", errors="replace")
        for p in published_site.rglob("*")
        if p.is_file() and p.suffix in (".html", ".css", ".js", ".xml", ".json", ".webmanifest")
    }
    theme = [p for p in (published_site / "theme").rglob("*") if p.is_file()]
    assert theme
    for path in theme:
        # A precompressed copy is the file it sits beside, served in its place.
        named = path.with_suffix("") if path.suffix in (".gz", ".br") else path
        address = "/" + named.relative_to(published_site).as_posix()
        referred = any(address in text for p, text in naming.items() if p != named)
        assert referred, f"nothing refers to {address}"
