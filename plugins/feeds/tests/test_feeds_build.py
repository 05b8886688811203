"""The feed-building functions on their own."""

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from conftest import THEME_PLUGINS, write_content
from feeds.build import FeedConfig, absolutise_html, for_browsers, newest_first
from site_core import BuildFailed, language_tag
from site_core.feed_document import ATOM_NS, XHTML_NS

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<p><a href="/contact/">c</a></p>', '<p><a href="https://s.example/contact/">c</a></p>'),
        (
            '<p><img src="../../images/a.png" alt=""></p>',
            '<p><img src="https://s.example/images/a.png" alt=""></p>',
        ),
        ('<p><a href="#note">n</a></p>', '<p><a href="https://s.example/articles/x/#note">n</a></p>'),
        ('<p><a href="https://other.example/">o</a></p>', '<p><a href="https://other.example/">o</a></p>'),
        ('<p><a href="mailto:a@b.example">m</a></p>', '<p><a href="mailto:a@b.example">m</a></p>'),
        ("plain words", "plain words"),
        ("", ""),
    ],
)
def test_relative_addresses_become_absolute(fragment, expected):
    assert absolutise_html(fragment, "https://s.example/articles/x/") == expected


def sub_path_config(siteurl: str = "https://s.example/children-first/") -> FeedConfig:
    """A site published under a path, as feeds.FeedsGenerator configures its feeds."""
    return FeedConfig(
        siteurl=siteurl,
        sitename="Children First",
        language="en-GB",
        publisher="WillisPalmer",
        logo="logo.png",
        icon="favicon.svg",
        stylesheet="feeds/feed.css",
        subscribe="subscribe/",
        content_root=Path("content"),
    )


DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"
SMALL_RSS = DECLARATION + b'<rss version="2.0">\n  <channel>\n    <title>T</title>\n  </channel>\n</rss>'
SMALL_ATOM = DECLARATION + f'<feed xmlns="{ATOM_NS}">\n  <title>T</title>\n</feed>'.encode()


@pytest.mark.parametrize(
    ("document", "container"), [(SMALL_RSS, "channel"), (SMALL_ATOM, f"{{{ATOM_NS}}}feed")]
)
def test_a_browser_gets_a_css_stylesheet_and_a_link_to_subscribe_under_the_site_path(document, container):
    page = for_browsers(etree.fromstring(document), sub_path_config())
    assert page.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<?xml-stylesheet type="text/css" href="/children-first/feeds/feed.css"?>\n'
    )
    root = etree.fromstring(page)
    parent = root if root.tag == container else root.find(container)
    notice = parent[0]
    assert notice.tag == f"{{{XHTML_NS}}}div"
    assert "".join(notice.itertext()) == (
        "This is a web feed. Copy its address into your feed reader, or see Subscribe for how to follow "
        "Children First."
    )
    assert [(a.get("href"), a.text) for a in notice] == [("/children-first/subscribe/", "Subscribe")]
    assert parent[1].tag.endswith("title"), "the feed's own elements follow, unchanged"


def test_a_site_at_the_root_links_from_the_root():
    config = sub_path_config("https://s.example")
    assert config.address(config.stylesheet) == "/feeds/feed.css"
    assert config.address(config.subscribe) == "/subscribe/"


def test_an_xslt_stylesheet_setting_is_reported(pelican_run, capsys):
    with pytest.raises(BuildFailed):
        pelican_run(THEME_PLUGINS, FEEDS={"stylesheet": "feeds/feed.xsl"})
    assert "FEEDS['stylesheet'] is 'feeds/feed.xsl': feeds are styled with CSS now" in capsys.readouterr().err


@pytest.mark.parametrize(("setting", "tag"), [("en-gb", "en-GB"), ("EN-GB", "en-GB"), ("cy", "cy")])
def test_language_tag(setting, tag):
    assert language_tag({"DEFAULT_LANG": setting}) == tag


def test_newest_first_by_publication_date_then_slug():
    def article(slug, day, modified=None):
        return SimpleNamespace(slug=slug, date=datetime(2026, 5, day, tzinfo=LONDON), modified=modified)

    updated_old = article("old-but-updated", 1, modified=datetime(2026, 6, 1, tzinfo=LONDON))
    items = [updated_old, article("b", 3), article("a", 3), article("middle", 2)]
    assert [a.slug for a in newest_first(items, 3)] == ["a", "b", "middle"]


QUOTED_CODE = (
    "---\ntitle: Embedding a chart\ndate: 2026-03-01\ncategory: Guidance\n---\n\n"
    'Paste `<img src="https://tracker.example/pixel.gif">` and `<a href="https://x.example">` into the '
    "page, then check the result.\n"
)


def test_a_teaser_quoting_html_is_text_in_every_feed(pelican_run, tmp_path):
    site = pelican_run(
        THEME_PLUGINS, write_content(tmp_path / "content", {"articles/embedding.md": QUOTED_CODE})
    )
    rss = etree.parse(str(site / "feeds/rss.xml"))
    item = next(i for i in rss.iter("item") if i.findtext("title") == "Embedding a chart")
    description = item.findtext("description")
    # RSS readers take <description> as HTML: the quoted tags must reach them escaped, as text.
    assert "<img" not in description
    assert '&lt;img src="https://tracker.example/pixel.gif"&gt;' in description
    atom = etree.parse(str(site / "feeds/atom.xml"))
    namespace = {"atom": "http://www.w3.org/2005/Atom"}
    entry = next(
        e
        for e in atom.iterfind("atom:entry", namespace)
        if e.findtext("atom:title", namespaces=namespace) == "Embedding a chart"
    )
    summary = entry.find("atom:summary", namespace)
    assert summary.get("type") in (None, "text")
    assert '<img src="https://tracker.example/pixel.gif">' in summary.text, "Atom says the summary is text"


def test_a_site_under_a_path_links_its_feeds_to_its_own_stylesheet_and_subscribe_page(pelican_run, tmp_path):
    """Resolved on the feed's own host, both addresses reach the files the build wrote."""
    site = pelican_run(THEME_PLUGINS, write_content(tmp_path / "content"), SITEURL="https://s.example/cf")
    for name in ("rss.xml", "atom.xml"):
        feed_url = f"https://s.example/cf/feeds/{name}"
        tree = etree.parse(str(site / "feeds" / name))
        [instruction] = [node for node in tree.getroot().itersiblings(preceding=True)]
        assert instruction.target == "xml-stylesheet"
        assert instruction.get("type") == "text/css"
        stylesheet = urljoin(feed_url, instruction.get("href"))
        assert (site / stylesheet.removeprefix("https://s.example/cf/")).is_file()
        [subscribe] = tree.iterfind(f".//{{{XHTML_NS}}}a")
        assert urljoin(feed_url, subscribe.get("href")) == "https://s.example/cf/subscribe/"
        assert (site / "subscribe" / "index.html").is_file()
