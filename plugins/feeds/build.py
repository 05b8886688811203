"""Feeds as plain functions: which feeds the site has, and each one as RSS 2.0, Atom 1.0 or JSON Feed 1.1.

Every date comes from the content (the newest entry dates the feed), so two builds of the same content
give byte-identical feeds, and every date is written in UTC, as the RSS Best Practices Profile advises.
"""

import html
import json
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree
from lxml import html as lxml_html

from site_core import feed_document
from site_core.feed_document import ATOM, ATOM_NS, GENERATOR, JSON_FEED, RSS, FeedLink


@dataclass(frozen=True)
class FeedConfig:
    """What every feed of the site shares."""

    siteurl: str
    sitename: str
    language: str
    publisher: str
    logo: str
    icon: str
    # the feeds' CSS stylesheet and the Subscribe page, as paths from the site's root
    stylesheet: str
    subscribe: str
    content_root: Path

    def url(self, path: str) -> str:
        return f"{self.siteurl.rstrip('/')}/{path.lstrip('/')}"

    def address(self, path: str) -> str:
        """`path` as an address from the host's root (`/children-first/subscribe/` for a site in a folder):
        what a browser showing the feed resolves on the feed's own host."""
        return f"{urlsplit(self.siteurl).path.rstrip('/')}/{path.lstrip('/')}"


@dataclass
class Feed:
    """One feed (the whole site, a category or a topic) and the articles it carries, newest first."""

    title: str
    description: str
    page_path: str
    articles: list
    links: list[FeedLink]
    # the Category or Tag the feed follows; None for the site-wide feed
    owner: object = None


def updated(article) -> datetime:
    return getattr(article, "modified", None) or article.date


def newest_first(articles, limit: int) -> list:
    """By publication date, so an update does not push an old article to the top of a reader."""
    return sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug))[:limit]


def site_feed_links(sitename: str) -> list[FeedLink]:
    return [
        FeedLink(RSS, f"{sitename}: all articles (RSS)", "feeds/rss.xml"),
        FeedLink(ATOM, f"{sitename}: all articles (Atom)", "feeds/atom.xml"),
        FeedLink(JSON_FEED, f"{sitename}: all articles (JSON Feed)", "feeds/feed.json"),
    ]


def group_feed_links(sitename: str, kind: str, wrapper) -> list[FeedLink]:
    return [
        FeedLink(RSS, f"{sitename}: {wrapper.name} (RSS)", f"feeds/{kind}/{wrapper.slug}.rss.xml"),
        FeedLink(ATOM, f"{sitename}: {wrapper.name} (Atom)", f"feeds/{kind}/{wrapper.slug}.atom.xml"),
    ]


def plan_feeds(sitename: str, description: str, articles, categories, topics, limit: int) -> list[Feed]:
    """The site feed, then one per category and one per topic that has articles."""
    feeds = [Feed(sitename, description, "", newest_first(articles, limit), site_feed_links(sitename))]
    for kind, groups in (("category", categories), ("topic", topics)):
        for wrapper, members in sorted(groups, key=lambda pair: pair[0].slug):
            feeds.append(
                Feed(
                    f"{sitename}: {wrapper.name}",
                    f"{wrapper.name} from {sitename}.",
                    wrapper.url,
                    newest_first(members, limit),
                    group_feed_links(sitename, kind, wrapper),
                    wrapper,
                )
            )
    return feeds


def absolutise_html(fragment: str, base_url: str) -> str:
    """The article HTML with every relative link and image address made absolute, for feed readers."""
    if not fragment.strip():
        return fragment
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    # "ignore": an address that is not a URL at all (the link check reports it) stays as written.
    for picture in list(wrapper.iter("picture")):
        unwrap_picture(picture)
    wrapper.make_links_absolute(base_url, resolve_base_href=False, handle_failures="ignore")
    for element in wrapper.xpath(".//*[@srcset]"):
        element.set("srcset", absolute_srcset(element.get("srcset"), base_url))
    return (
        "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper)
        if len(wrapper)
        else (wrapper.text or "")
    )


def unwrap_picture(picture) -> None:
    """A `<picture>` becomes its `<img>` (with its own widths): feed readers drop `<source>`, and lxml's
    HTML parser, which does not know `<source>` is empty, would write the `<img>` inside it."""
    image = next(picture.iter("img"), None)
    parent = picture.getparent()
    if image is None or parent is None:
        return
    image.tail = picture.tail
    parent.replace(picture, image)


def absolute_srcset(value: str, base_url: str) -> str:
    """Each address of a `srcset` (`a.avif 480w, b.avif 800w`) made absolute."""
    candidates = []
    for candidate in value.split(","):
        address, _, descriptor = candidate.strip().partition(" ")
        candidates.append(" ".join(part for part in (urljoin(base_url, address), descriptor.strip()) if part))
    return ", ".join(candidates)


def image_enclosure(article, config: FeedConfig) -> dict | None:
    """The lead image as published: as the images plugin made it (`image_enclosure`), else the file."""
    image = getattr(article, "image", None)
    if not image:
        return None
    published = getattr(article, "image_enclosure", None)
    if published:
        return {
            "url": config.url(published["path"]),
            "length": str(published["length"]),
            "type": published["type"],
        }
    mime = mimetypes.guess_type(image)[0] or "application/octet-stream"
    length = (config.content_root / image).stat().st_size
    return {"url": config.url(image), "length": str(length), "type": mime}


def content_note_html(article) -> str:
    """The article's content note as the first paragraph of its feed entry ("" without one): a reader who
    reads the whole article in a feed reader is warned first, as on the site. The note is plain text."""
    note = getattr(article, "content_note", None)
    return f"<p><strong>Content note:</strong> {html.escape(note, quote=False)}</p>" if note else ""


def entry_summary(article) -> str:
    """The entry's plain-text summary: the teaser, after the content note when the article has one."""
    note = getattr(article, "content_note", None)
    return f"Content note: {note} {article.teaser}" if note else article.teaser


def entry_html(article, permalink: str) -> str:
    """The entry's HTML: the content note, then the article with its addresses made absolute."""
    return content_note_html(article) + absolutise_html(article.content, permalink)


def build_feedgen(feed: Feed, config: FeedConfig, self_url: str, rss: bool = False) -> FeedGenerator:
    """The feed for feedgen, as served from `self_url` (its RSS file when `rss`, else its Atom file)."""
    page_url = config.url(feed.page_path)
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.title(feed.title)
    generator.id(page_url)
    # feedgen takes the RSS <link> from the last link given, so the page comes after the self link.
    generator.link(href=self_url, rel="self")
    generator.link(href=page_url, rel="alternate")
    # One value for both (feedgen's description is Atom's subtitle). RSS readers take the channel's
    # <description> as HTML, as they take an item's; Atom's subtitle is text.
    generator.description(html.escape(feed.description, quote=False) if rss else feed.description)
    generator.language(config.language)
    generator.generator(GENERATOR, uri=config.url(""))
    generator.logo(config.url(config.logo))
    generator.icon(config.url(config.icon))
    generator.image(config.url(config.logo), title=feed.title, link=page_url)
    if feed.articles:
        newest = max(updated(a) for a in feed.articles).astimezone(UTC)
        generator.updated(newest)
        generator.lastBuildDate(newest)
        generator.pubDate(max(a.date for a in feed.articles).astimezone(UTC))
        generator.copyright(f"© {newest.year} {config.publisher}")
    for article in feed.articles:
        add_entry(generator, article, config, rss)
    return generator


def add_entry(generator: FeedGenerator, article, config: FeedConfig, rss: bool = False) -> None:
    permalink = config.url(article.url)
    entry = generator.add_entry(order="append")
    # The permalink comes from the slug, which a retitled article keeps: the id never changes.
    entry.id(permalink)
    entry.guid(permalink, permalink=True)
    entry.title(article.title)
    entry.link(href=permalink, rel="alternate")
    for author in article.authors:
        entry.author(name=author.name, uri=config.url(author.url))
        entry.dc.dc_creator(author.name)
    entry.category(term=article.category.name, scheme=config.url(article.category.url))
    for topic in getattr(article, "tags", []):
        entry.category(term=topic.name, scheme=config.url(topic.url))
    entry.published(article.date.astimezone(UTC))
    entry.updated(updated(article).astimezone(UTC))
    # The teaser (after the content note, if any) is plain text. Atom says so (its summary's type is
    # text); RSS readers take <description> as HTML, so there it is escaped: a teaser quoting `<img src=…>`
    # shows those characters, and loads nothing.
    summary = entry_summary(article)
    entry.summary(html.escape(summary, quote=False) if rss else summary)
    entry.content(entry_html(article, permalink), type="html")
    enclosure = image_enclosure(article, config)
    if enclosure:
        entry.enclosure(**enclosure)


def for_browsers(root, config: FeedConfig) -> bytes:
    """The feed's document with the notice and the feeds' stylesheet (site_core.feed_document)."""
    return feed_document.for_browsers(
        root, config.sitename, config.address(config.subscribe), config.address(config.stylesheet)
    )


def feed_bytes(feed: Feed, config: FeedConfig, link: FeedLink) -> bytes:
    """The file for one link of a feed: RSS or Atom through feedgen, or JSON Feed."""
    self_url = config.url(link.path)
    if link.mime == JSON_FEED:
        return json_feed(feed, config, self_url).encode()
    generator = build_feedgen(feed, config, self_url, rss=link.mime == RSS)
    if link.mime == RSS:
        root = etree.fromstring(generator.rss_str(pretty=True))
    else:
        root = etree.fromstring(generator.atom_str(pretty=True))
        mark_atom_enclosures(root, feed.articles, config)
    return for_browsers(root, config)


def mark_atom_enclosures(root, articles, config: FeedConfig) -> None:
    """Give each Atom enclosure link (in the feed's document, `root`) its rel, type and length.

    feedgen 1.0.0 drops every attribute but href from an entry's Atom links (the loop variable is
    reused for the new element), which turns an enclosure into a second "alternate" link.
    """
    enclosures = {}
    for article in articles:
        enclosure = image_enclosure(article, config)
        if enclosure:
            enclosures[enclosure["url"]] = enclosure
    for link in root.iterfind(f"{{{ATOM_NS}}}entry/{{{ATOM_NS}}}link"):
        enclosure = enclosures.get(link.get("href"))
        if enclosure:
            link.set("rel", "enclosure")
            link.set("type", enclosure["type"])
            link.set("length", enclosure["length"])


def json_feed(feed: Feed, config: FeedConfig, self_url: str) -> str:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    items = []
    for article in feed.articles:
        permalink = config.url(article.url)
        item = {
            "id": permalink,
            "url": permalink,
            "title": article.title,
            "content_html": entry_html(article, permalink),
            "summary": entry_summary(article),
            "date_published": article.date.astimezone(UTC).isoformat(timespec="seconds"),
            "date_modified": updated(article).astimezone(UTC).isoformat(timespec="seconds"),
            "authors": [{"name": a.name, "url": config.url(a.url)} for a in article.authors],
            "tags": [article.category.name, *(t.name for t in getattr(article, "tags", []))],
            "language": config.language,
        }
        enclosure = image_enclosure(article, config)
        if enclosure:
            item["image"] = enclosure["url"]
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": config.url(feed.page_path),
        "feed_url": self_url,
        "description": feed.description,
        "icon": config.url(config.logo),
        "favicon": config.url(config.icon),
        "language": config.language,
        "authors": [{"name": config.publisher, "url": config.url("")}],
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
