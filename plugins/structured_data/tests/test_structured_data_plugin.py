"""The structured_data plugin in a real (in-process) build: each article page carries JSON-LD that parses,
says what the article says, and cannot be broken out of by what an author writes."""

import json

from lxml import html

from conftest import PUBLISH_SITEURL, THEME_PLUGINS, write_content

HOSTILE_TITLE = 'Ends here </script><script>alert("x")</script> <!-- & "quotes" </SCRIPT >'


def json_ld(site, path: str) -> list[dict]:
    page = html.fromstring((site / path).read_bytes())
    return [json.loads(script.text) for script in page.xpath("//script[@type='application/ld+json']")]


def test_an_article_says_what_it_is_who_wrote_it_and_when(pelican_run):
    site = pelican_run(THEME_PLUGINS)
    [data] = json_ld(site, "articles/kinship-carers/index.html")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Kinship carers ask for support"
    assert data["url"] == data["mainEntityOfPage"] == f"{PUBLISH_SITEURL}/articles/kinship-carers/"
    assert data["datePublished"] == "2026-06-10T10:00:00+01:00"
    assert data["dateModified"] == "2026-07-01T08:00:00+01:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Tom Gallagher", "url": f"{PUBLISH_SITEURL}/author/tom-gallagher/"}
    ]
    assert data["articleSection"] == "Features"
    assert data["keywords"] == ["Fostering", "Children in care"]
    assert data["inLanguage"] == "en-GB"  # as the page's own lang, though Pelican lower-cases DEFAULT_LANG
    assert data["publisher"]["name"] == "WillisPalmer"


def test_an_article_never_modified_was_modified_when_published(pelican_run):
    site = pelican_run(THEME_PLUGINS)
    [data] = json_ld(site, "articles/council-referrals/index.html")
    assert data["datePublished"] == data["dateModified"] == "2026-03-05T09:30:00+00:00"
    assert data["author"][0]["name"] == "Eleanor Marsh"


def test_pages_and_listings_carry_no_news_article(pelican_run):
    site = pelican_run(THEME_PLUGINS)
    for path in ("about/index.html", "index.html", "category/news/index.html"):
        assert not [d for d in json_ld(site, path) if d.get("@type") == "NewsArticle"], path


def test_a_title_cannot_close_the_script_element(pelican_run, tmp_path):
    text = f"---\ntitle: {json.dumps(HOSTILE_TITLE)}\ndate: 2026-10-01\ncategory: News\n---\n\nBody.\n"
    content = write_content(tmp_path / "content", {"articles/2026-10-01-hostile.md": text})
    site = pelican_run(THEME_PLUGINS, content)
    raw = (site / "articles/hostile/index.html").read_text(encoding="utf-8")
    page = html.fromstring(raw)
    [data] = json_ld(site, "articles/hostile/index.html")
    assert data["headline"] == HOSTILE_TITLE
    inline = [s for s in page.xpath("//script[not(@src)]") if s.get("type") != "application/ld+json"]
    assert inline == [], "the title opened a script element of its own"
    [element] = page.xpath("//script[@type='application/ld+json']")
    assert "<" not in element.text
    assert ">" not in element.text
    # Every copy of the title in the page is escaped: as many <script tags in the bytes as script elements.
    assert "<script>alert" not in raw.lower()
    assert raw.lower().count("<script") == len(page.xpath("//script"))
    assert raw.count("<!--") == 0
