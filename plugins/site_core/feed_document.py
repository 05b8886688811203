"""What every feed file of the site shares, whichever plugin makes it (the article feeds, the digest
archive's feed): how pages link to it, and the document a person gets who opens it in a browser."""

import html
from dataclasses import dataclass

from lxml import etree

GENERATOR = "Children First (Pelican and python-feedgen)"
ATOM_NS = "http://www.w3.org/2005/Atom"
XHTML_NS = "http://www.w3.org/1999/xhtml"
RSS = "application/rss+xml"
ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"


@dataclass(frozen=True)
class FeedLink:
    """One file of one feed, as pages link to it (what the theme's partials/feeds.html reads)."""

    mime: str
    title: str
    path: str

    @property
    def format_name(self) -> str:
        return {RSS: "RSS", ATOM: "Atom", JSON_FEED: "JSON Feed"}[self.mime]


def add_notice(container, sitename: str, subscribe_href: str) -> None:
    """An XHTML `<div>` first in the `<channel>` or Atom `<feed>`: what a person who opens the feed in a
    browser reads before anything else, with a link to the Subscribe page.

    Both formats allow an element in another namespace there; the W3C validator accepts an XHTML `<div>`
    in a channel or feed (and checks nothing inside it), feed readers ignore it (feedparser lists it only
    as the extension keys `xhtml_div` and `xhtml_a`), and browsers render XHTML elements in an XML
    document as HTML, so the link is a real one.
    """
    notice = etree.Element(f"{{{XHTML_NS}}}div", nsmap={None: XHTML_NS})
    notice.text = "This is a web feed. Copy its address into your feed reader, or see "
    link = etree.SubElement(notice, f"{{{XHTML_NS}}}a", href=subscribe_href)
    link.text = "Subscribe"
    link.tail = f" for how to follow {sitename}."
    notice.tail = container.text
    container.insert(0, notice)


def for_browsers(root, sitename: str, subscribe_href: str, stylesheet_href: str) -> bytes:
    """The feed's document (RSS or Atom) with the notice, styled by the feeds' CSS stylesheet when there is
    one: a browser opening the feed shows a readable page (no XSLT, which browsers are removing)."""
    add_notice(root if root.tag == f"{{{ATOM_NS}}}feed" else root.find("channel"), sitename, subscribe_href)
    if stylesheet_href:
        href = html.escape(stylesheet_href)
        root.addprevious(etree.ProcessingInstruction("xml-stylesheet", f'type="text/css" href="{href}"'))
    return etree.tostring(root.getroottree(), pretty_print=True, encoding="UTF-8", xml_declaration=True)
