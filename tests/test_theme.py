"""What the theme puts on each page, read from the published sample site's HTML."""

import json
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from lxml import html

import pelicanconf
from conftest import PUBLISH_SITEURL, ROOT, run_pelican
from sample_content import read_articles

PUBLIC = sorted(
    (a for a in read_articles(ROOT / "content") if a.is_public), key=lambda a: a.date, reverse=True
)
BY_SLUG = {a.slug: a for a in PUBLIC}
MAX_ARTICLE_BYTES = 50 * 1024


def article_page(site, article):
    return html.fromstring((site / "articles" / article.slug / "index.html").read_bytes())


def meta(page, attribute: str, name: str) -> str | None:
    found = page.xpath(f"//meta[@{attribute}='{name}']/@content")
    return found[0] if found else None


def test_article_html_and_css_stay_small(published_site):
    home = html.fromstring((published_site / "index.html").read_bytes())
    [stylesheet] = home.xpath("//link[@rel='stylesheet']/@href")
    css = (published_site / stylesheet.lstrip("/")).stat().st_size
    for article in PUBLIC:
        size = (published_site / "articles" / article.slug / "index.html").stat().st_size + css
        assert size <= MAX_ARTICLE_BYTES, f"{article.slug}: {size} bytes"


@pytest.mark.parametrize("article", PUBLIC, ids=lambda a: a.slug)
def test_article_metadata(published_site, article):
    page = article_page(published_site, article)
    title = article.meta["title"]
    url = f"{PUBLISH_SITEURL}/articles/{article.slug}/"
    assert page.findtext(".//title") == f"{title} | Children First"
    description = meta(page, "name", "description")
    if "summary" in article.meta:
        assert description == " ".join(article.meta["summary"].split())
    assert meta(page, "property", "og:title") == title
    assert meta(page, "property", "og:type") == "article"
    assert meta(page, "property", "og:url") == url
    assert meta(page, "property", "og:description") == description
    assert meta(page, "name", "twitter:card") in ("summary", "summary_large_image")
    assert page.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href") == [
        f"{PUBLISH_SITEURL}/feeds/rss.xml"
    ]
    data = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == title
    assert data["url"] == url
    assert data["datePublished"] == article.date.isoformat(timespec="seconds")
    assert [a["name"] for a in data["author"]] == (article.meta.get("authors") or ["Children First"])
    assert data["publisher"]["name"] == "WillisPalmer"
    if "image" in article.meta:
        assert data["image"] == [f"{PUBLISH_SITEURL}/{article.meta['image']}"]
        card = meta(page, "property", "og:image")
        if article.meta["image"].endswith(".svg"):
            assert card == f"{PUBLISH_SITEURL}/{article.meta['image']}"
        else:
            assert card.startswith(f"{PUBLISH_SITEURL}/media/")
            assert card.endswith(".jpg")
            width = int(meta(page, "property", "og:image:width"))
            height = int(meta(page, "property", "og:image:height"))
            assert abs(width / height - 1200 / 630) < 0.01


HOSTILE = """</script><script>alert(1)</script> "quoted" & 'single' <b>bold</b> <!--"""
# A summary may not hold markup at all (it is a problem at its line, see test_markup_in_a_summary_…);
# what it may hold, that HTML and feeds must escape, is this.
HOSTILE_SUMMARY = """Fees < 5 & "quoted" > 'single' a < b -- ]]> --!> &c"""


def test_front_matter_text_is_escaped_everywhere(project):
    """Hostile text in every front-matter field comes out as the same text, never as markup."""
    yaml_text = HOSTILE.replace('"', '\\"')
    summary_text = HOSTILE_SUMMARY.replace('"', '\\"')
    (project / "content" / "articles" / "hostile-title.md").write_text(
        f'---\ntitle: "{yaml_text}"\ndate: 2025-01-01\ncategory: News\nauthors: ["{yaml_text}"]\n'
        f'summary: "{summary_text}"\ncontent_note: "{yaml_text}"\nkey_points: ["{yaml_text}"]\n'
        f'sources:\n  - title: "{yaml_text}"\n    url: https://example.org/report\n---\nText.\n'
    )
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    page = html.fromstring((output / "articles" / "hostile-title" / "index.html").read_bytes())
    assert len(page.xpath("//script")) == 1
    assert not page.xpath("//b")
    assert json.loads(page.xpath("//script")[0].text)["headline"] == HOSTILE
    assert page.findtext(".//h1") == HOSTILE
    assert page.findtext(".//title") == f"{HOSTILE} | Children First"
    assert meta(page, "name", "description") == HOSTILE_SUMMARY
    assert meta(page, "property", "og:title") == HOSTILE
    assert page.findtext(".//p[@class='standfirst']") == HOSTILE_SUMMARY
    assert page.xpath("//div[@class='content-note']/p")[0].text == HOSTILE
    assert page.xpath("//div[@class='key-points']//li")[0].text == HOSTILE
    assert page.xpath("//section[@class='sources']//a")[0].text == HOSTILE
    assert page.xpath("//dl[@class='article-meta']//a")[0].text == HOSTILE
    feed = feedparser.parse((output / "feeds" / "rss.xml").read_bytes())
    assert feed.bozo == 0
    entry = next(e for e in feed.entries if e.link.endswith("/articles/hostile-title/"))
    assert entry.title == HOSTILE
    items = json.loads((output / "feeds" / "feed.json").read_text())["items"]
    assert next(i for i in items if i["url"].endswith("/articles/hostile-title/"))["title"] == HOSTILE
    hub = html.fromstring((output / "knowledge-resources" / "index.html").read_bytes())
    assert HOSTILE in [a.text_content() for a in hub.xpath("//h3[@class='card-title']/a")]
    assert not hub.xpath("//b")


def test_article_page_parts(published_site):
    article = next(a for a in PUBLIC if {"content_note", "key_points", "sources"} <= set(a.meta))
    page = article_page(published_site, article)
    crumbs = page.xpath("//nav[@aria-label='Breadcrumb']//a")
    assert [a.text for a in crumbs[:2]] == ["Home", article.meta["category"]]
    assert page.findtext(".//p[@class='standfirst']") == " ".join(article.meta["summary"].split())
    times = page.xpath("//dl[@class='article-meta']//time")
    assert times[0].text == f"{article.date.day} {article.date:%B %Y}"
    note = page.xpath("//div[@class='content-note']")[0]
    body = page.xpath("//div[@class='article-body']")[0]
    assert note.getparent().index(note) < body.getparent().index(body)
    helplines = note.text_content()
    for number in ("0808 800 5000", "0800 1111", "116 123"):
        assert number in helplines
    assert [li.text_content() for li in page.xpath("//div[@class='key-points']//li")] == article.meta[
        "key_points"
    ]
    assert [a.get("href") for a in page.xpath("//section[@class='sources']//a")] == [
        s["url"] for s in article.meta["sources"]
    ]
    assert "minute" in page.xpath("//dl[@class='article-meta']")[0].text_content()


def test_share_links_are_plain_links_to_the_article(published_site):
    article = PUBLIC[0]
    page = article_page(published_site, article)
    links = page.xpath("//div[@class='share']//a/@href")
    hosts = [urlsplit(link).netloc or urlsplit(link).scheme for link in links]
    assert hosts == ["mailto", "www.linkedin.com", "x.com", "www.facebook.com"]
    url = f"{PUBLISH_SITEURL}/articles/{article.slug}/"
    for link in links:
        values = [v for values in parse_qs(urlsplit(link).query).values() for v in values]
        assert url in values, link
    assert not page.xpath("//iframe | //script[@src]")


def test_related_articles_share_topics_newest_first(published_site):
    for article in PUBLIC:
        page = article_page(published_site, article)
        related = [a.split("/")[-2] for a in page.xpath("//section[@class='related']//h3/a/@href")]
        topics = set(article.meta.get("topics", []))
        ranked = sorted(
            (
                a
                for a in PUBLIC
                if a is not article
                and (topics & set(a.meta.get("topics", [])) or a.meta["category"] == article.meta["category"])
            ),
            key=lambda a: (
                -len(topics & set(a.meta.get("topics", []))),
                a.meta["category"] != article.meta["category"],
                -a.date.timestamp(),
                a.slug,
            ),
        )
        assert related == [a.slug for a in ranked[: pelicanconf.RELATED["max_related"]]]


def test_previous_and_next_stay_in_the_category(published_site):
    for article in PUBLIC:
        page = article_page(published_site, article)
        same = [a for a in PUBLIC if a.meta["category"] == article.meta["category"]]
        index = same.index(article)
        newer = page.xpath("//nav[@class='category-neighbours']//a[@rel='next']/@href")
        older = page.xpath("//nav[@class='category-neighbours']//a[@rel='prev']/@href")
        assert newer == ([f"/articles/{same[index - 1].slug}/"] if index > 0 else [])
        assert older == ([f"/articles/{same[index + 1].slug}/"] if index + 1 < len(same) else [])


def test_banner_is_a_labelled_region_with_its_calls_to_action(published_site):
    page = html.fromstring((published_site / "index.html").read_bytes())
    banner = page.xpath("//div[@role='region'][@aria-labelledby='notification-banner-title']")[0]
    assert banner.xpath(".//h2[@id='notification-banner-title']")
    assert [a.text for a in banner.xpath(".//a")] == ["Read more", "Make an Enquiry", "Contact Us"]


def test_banner_is_off_when_unset(project):
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output, "-e", 'THEME_OPTIONS={"banner": null}')
    assert result.returncode == 0, result.stderr
    page = html.fromstring((output / "index.html").read_bytes())
    assert not page.xpath("//*[contains(@class, 'notification-banner')]")


@pytest.mark.parametrize(("until", "shown"), [("2027-03-31", True), ("2026-11-30", False)])
def test_banner_ends_after_its_until_day(project, until, shown):
    """The build moment is BUILD_EPOCH (SOURCE_DATE_EPOCH), not the clock."""
    output = project / "output"
    banner = json.dumps(
        {
            "banner": {
                "title": "Office closed",
                "links": [{"text": "Read more", "url": "/contact/"}],
                "until": until,
            }
        }
    )
    result = run_pelican(project, "publishconf.py", output, "-e", f"THEME_OPTIONS={banner}")
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "contact/index.html"):
        page = html.fromstring((output / name).read_bytes())
        assert bool(page.xpath("//*[contains(@class, 'notification-banner')]")) == shown, name


def test_every_page_has_contact_subscribe_and_the_footer(published_site):
    newest_year = str(PUBLIC[0].date.year)
    for path in published_site.rglob("*.html"):
        page = html.fromstring(path.read_bytes())
        actions = page.xpath("//header//ul[@class='header-actions']//a")
        assert [(a.text, a.get("href")) for a in actions] == [
            ("Make an Enquiry", "/enquiry/"),
            ("Contact Us", "/contact/"),
        ], path
        footer = page.xpath("//footer[@class='site-footer']")[0].text_content()
        assert "CO4 3ZL" in footer
        assert f"© {newest_year} WillisPalmer" in footer
        assert page.xpath("//footer//a[@href='/subscribe/']")
        assert page.xpath("//footer//a[@href='/accessibility/']")
        assert page.xpath("//footer//a[@href='/privacy/']")


def test_listing_pagination_is_marked_up_for_everyone(published_site):
    page = html.fromstring((published_site / "index.html").read_bytes())
    nav = page.xpath("//nav[contains(@class, 'pagination')]")[0]
    pages = len(PUBLIC) // pelicanconf.PAGINATED_TEMPLATES["index"] + 1
    assert nav.findtext(".//p") == f"Page 1 of {pages}"
    assert nav.xpath(".//a[@aria-current='page']/@href") == ["/"]
    assert nav.xpath(".//a[@rel='next']/@href") == ["/page/2/"]
    second = html.fromstring((published_site / "page" / "2" / "index.html").read_bytes())
    assert second.xpath("//nav[contains(@class, 'pagination')]//a[@rel='prev']/@href") == ["/"]
