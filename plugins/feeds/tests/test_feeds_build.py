"""The feed-building functions on their own."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from conftest import THEME_PLUGINS, write_content
from feeds.build import absolutise_html, newest_first, with_stylesheet
from site_core import language_tag

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


def test_stylesheet_instruction_follows_the_declaration():
    xml = b"<?xml version='1.0' encoding='UTF-8'?>\n<rss/>"
    assert with_stylesheet(xml, "/feeds/feed.xsl") == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<?xml-stylesheet type="text/xsl" href="/feeds/feed.xsl"?>\n<rss/>'
    )


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
