"""A feed's own texts (its description, a category's or topic's name) reach feed readers as text."""

import json

from lxml import etree
from lxml import html as lxml_html

import pelicanconf
from conftest import THEME_PLUGINS, write_content

NAME = 'Views <a href="https://evil.example/">here</a> &amp; <img src=x onerror=alert(1)>'
DESCRIPTION = "News <b>&amp;</b> views"
FRONT_MATTER = {
    **pelicanconf.FRONT_MATTER,
    "categories": {**pelicanconf.FRONT_MATTER["categories"], NAME: "views"},
}
ARTICLE = "---\ntitle: A view\ndate: 2026-04-01\ncategory: views\n---\n\nText.\n"
ATOM = "{http://www.w3.org/2005/Atom}"


def as_html(text: str):
    return lxml_html.fragment_fromstring(text, create_parent="div")


def test_a_channel_description_is_text_to_every_reader(pelican_run, tmp_path):
    """RSS readers (feedparser among them) take a channel's <description> as HTML, as they take an item's:
    it is escaped there. Atom's subtitle says it is text, and JSON Feed's description is text."""
    site = pelican_run(
        THEME_PLUGINS,
        write_content(tmp_path / "content", {"articles/2026-04-01-view.md": ARTICLE}),
        FRONT_MATTER=FRONT_MATTER,
        SITE_DESCRIPTION=DESCRIPTION,
    )
    for rss, text in (("rss.xml", DESCRIPTION), ("category/views.rss.xml", f"{NAME} from Children First.")):
        channel = etree.parse(str(site / "feeds" / rss)).getroot().find("channel")
        description = as_html(channel.findtext("description"))
        assert (len(description), description.text) == (0, text), rss
    for atom, text in (
        ("atom.xml", DESCRIPTION),
        ("category/views.atom.xml", f"{NAME} from Children First."),
    ):
        subtitle = etree.parse(str(site / "feeds" / atom)).getroot().find(f"{ATOM}subtitle")
        assert (subtitle.get("type", "text"), subtitle.text) == ("text", text), atom
    assert (
        json.loads((site / "feeds" / "feed.json").read_text(encoding="utf-8"))["description"] == DESCRIPTION
    )
