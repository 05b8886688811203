"""Reading a WordPress export (WXR, "Tools → Export") safely and in bounded memory.

An export is RSS 2.0 with WordPress's own elements. It is read as a stream, one `<item>` at a time, each
dropped once handled, so a 200 MB export costs no more memory than its largest item. It is read twice:
`scan` takes everything but the posts' text (terms, attachments, addresses, statuses) and `texts` then
yields the text of the posts and pages to convert.

An export never declares a DOCTYPE, so one that does is refused before anything is expanded: entity
"bombs" and external entities (which could read a file of this machine into the import) never get the
chance. Only what the import needs is ever read from an item: e-mail addresses, IP addresses, passwords
and comments are not kept (a password only as "this post had one"; comments only as a count).
"""

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from lxml import etree

from site_core import LineError

# The bytes XML 1.0 forbids, which old exports sometimes contain (pasted from word processors). They are
# single bytes in UTF-8 and never part of a longer character, so they can be dropped as bytes.
FORBIDDEN_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
ZERO_DATE = "0000-00-00 00:00:00"
# Post meta the import uses; every other key (and its value) is never read.
KEPT_META = {
    "_thumbnail_id",
    "_wp_old_slug",
    "_wp_attached_file",
    "_wp_attachment_image_alt",
    "_dp_is_rewrite_republish_copy",
    "footnotes",
}


class ExportError(LineError):
    """The file cannot be read as a WordPress export; `line` is its line, when known (else 0)."""


@dataclass(frozen=True)
class Term:
    """A category or tag as a post uses it (`kind` is WordPress's taxonomy: category, post_tag, …)."""

    kind: str
    slug: str
    name: str


@dataclass
class Item:
    """One `<item>` of the export: what the import uses of it, never its personal data."""

    index: int  # its place among the export's items: post ids are not always unique
    post_id: int
    post_type: str
    status: str
    title: str
    name: str
    link: str
    guid: str
    date_local: str
    date_gmt: str
    creator: str
    parent: int
    menu_order: int
    protected: bool
    sticky: bool
    line: int
    terms: tuple[Term, ...] = ()
    meta: dict[str, list[str]] = field(default_factory=dict)
    attachment_url: str = ""
    comments: int = 0
    content: str = ""
    excerpt: str = ""

    def first_meta(self, key: str) -> str:
        values = self.meta.get(key) or [""]
        return values[0]


@dataclass
class Channel:
    """What the export says of the site: its name and addresses, its authors' names and its terms."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    generator: str = ""
    pub_date: str = ""
    # login -> the name the site showed (display name, else first and last name, else the login)
    authors: dict[str, str] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)

    @property
    def published(self) -> datetime | None:
        """When the export was made (its `pubDate`), in UTC."""
        try:
            moment = parsedate_to_datetime(self.pub_date)
        except (TypeError, ValueError, IndexError):
            return None
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class CleanBytes(io.RawIOBase):
    """The export's bytes without the control characters XML forbids; counts how many it dropped."""

    def __init__(self, source) -> None:
        self.source = source
        self.dropped = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            chunk = self.source.read(len(buffer))
            if not chunk:
                return 0
            cleaned = chunk.translate(None, FORBIDDEN_BYTES)
            self.dropped += len(chunk) - len(cleaned)
            if cleaned:
                buffer[: len(cleaned)] = cleaned
                return len(cleaned)


def short_name(tag: str) -> str:
    """`wp:post_id`, `content:encoded`, `excerpt:encoded`, `title` …: the name whatever the export's
    namespace version (WordPress.com writes https://wordpress.org/export/1.2/, older sites 1.0 or 1.1)."""
    if not tag.startswith("{"):
        return tag
    namespace, _, local = tag[1:].partition("}")
    namespace += "/" if not namespace.endswith("/") else ""
    if EXCERPT_NAMESPACE.match(namespace):
        return f"excerpt:{local}"
    if WP_NAMESPACE.match(namespace):
        return f"wp:{local}"
    prefix = NAMESPACE_PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else local


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _whole_number(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0


class Reader:
    """One pass over the export. `open` it, iterate `events()`; `dropped` counts forbidden bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.dropped = 0

    def events(self) -> Iterator[tuple[str, object]]:
        """("channel", element) for each channel-level element and ("item", element) for each item, each
        cleared once the caller has it."""
        try:
            handle = self.path.open("rb")
        except OSError as error:
            raise ExportError(
                0, f"cannot read the export: {error.strerror}", "check the file's name"
            ) from error
        with handle:
            clean = CleanBytes(handle)
            parser = etree.iterparse(
                io.BufferedReader(clean, buffer_size=1 << 20),
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=True,
                remove_comments=True,
                remove_pis=True,
            )
            depth = 0
            try:
                for event, element in parser:
                    if event == "start":
                        if depth == 0:
                            self._check_root(element)
                        depth += 1
                        continue
                    depth -= 1
                    name = short_name(element.tag)
                    if depth == 2:
                        yield ("item" if name == "item" else "channel"), element
                        element.clear(keep_tail=False)
                        parent = element.getparent()
                        while parent is not None and element.getprevious() is not None:
                            del parent[0]
            except etree.XMLSyntaxError as error:
                line = error.position[0] if error.position else 0
                raise ExportError(
                    line,
                    f"the export is not well-formed XML: {error.msg}",
                    "export it again from WordPress (Tools → Export); an export cut short in transfer "
                    "ends like this",
                ) from error
            self.dropped = clean.dropped

    @staticmethod
    def _check_root(root) -> None:
        info = root.getroottree().docinfo
        if info.internalDTD is not None or info.externalDTD is not None or "ENTITY" in (info.doctype or ""):
            raise ExportError(
                root.sourceline or 1,
                "the export declares a DOCTYPE (entities), which no WordPress export does: it could expand "
                "into gigabytes or read files from this machine",
                "export the site again from WordPress (Tools → Export) and import that file",
            )
        if short_name(root.tag) != "rss":
            raise ExportError(
                root.sourceline or 1,
                f"this is not a WordPress export: it is XML whose root is <{etree.QName(root).localname}>",
                "in WordPress choose Tools → Export → All content and import the .xml file it downloads",
            )


def channel_entry(channel: Channel, element) -> None:
    """Note one channel-level element: the site's name and addresses, an author, a term."""
    name = short_name(element.tag)
    simple = {
        "title": "title",
        "link": "link",
        "wp:base_site_url": "base_site_url",
        "wp:base_blog_url": "base_blog_url",
        "generator": "generator",
        "pubDate": "pub_date",
    }
    if name in simple:
        setattr(channel, simple[name], _text(element))
    elif name == "wp:author":
        fields = {short_name(child.tag): _text(child) for child in element}
        login = fields.get("wp:author_login", "")
        full = " ".join(
            p for p in (fields.get("wp:author_first_name"), fields.get("wp:author_last_name")) if p
        )
        channel.authors[login] = fields.get("wp:author_display_name") or full or login
    elif name in ("wp:category", "wp:tag", "wp:term"):
        fields = {short_name(child.tag): _text(child) for child in element}
        if name == "wp:category":
            kind, slug, label = "category", fields.get("wp:category_nicename"), fields.get("wp:cat_name")
        elif name == "wp:tag":
            kind, slug, label = "post_tag", fields.get("wp:tag_slug"), fields.get("wp:tag_name")
        else:
            kind = fields.get("wp:term_taxonomy", "")
            slug, label = fields.get("wp:term_slug"), fields.get("wp:term_name")
        if slug:
            channel.terms.append(Term(kind, slug, label or slug))


def read_item(element, index: int, with_text: bool) -> Item:
    """The parts of an `<item>` the import uses (its text and excerpt only when `with_text`)."""
    values: dict[str, str] = {}
    terms: list[Term] = []
    meta: dict[str, list[str]] = {}
    comments = 0
    for child in element:
        name = short_name(child.tag)
        if name == "category":
            domain = child.get("domain") or ""
            slug = child.get("nicename") or ""
            if domain and slug:
                terms.append(Term(domain, slug, (child.text or "").strip() or slug))
        elif name == "wp:postmeta":
            fields = {short_name(part.tag): part.text or "" for part in child}
            key = fields.get("wp:meta_key", "").strip()
            if key in KEPT_META:
                meta.setdefault(key, []).append(fields.get("wp:meta_value", ""))
        elif name == "wp:comment":
            comments += 1
        elif name in ("content:encoded", "excerpt:encoded"):
            if with_text:
                values[name] = child.text or ""
        elif name == "wp:post_password":
            values[name] = "yes" if (child.text or "").strip() else ""
        elif name in ITEM_FIELDS:
            values[name] = (child.text or "").strip()
    return Item(
        index=index,
        post_id=_whole_number(values.get("wp:post_id", "")),
        post_type=values.get("wp:post_type", ""),
        status=values.get("wp:status", ""),
        title=values.get("title", ""),
        name=values.get("wp:post_name", ""),
        link=values.get("link", ""),
        guid=values.get("guid", ""),
        date_local=values.get("wp:post_date", "") or ZERO_DATE,
        date_gmt=values.get("wp:post_date_gmt", "") or ZERO_DATE,
        creator=values.get("dc:creator", ""),
        parent=_whole_number(values.get("wp:post_parent", "")),
        menu_order=_whole_number(values.get("wp:menu_order", "").lstrip("-")),
        protected=bool(values.get("wp:post_password")),
        sticky=values.get("wp:is_sticky", "") == "1",
        line=element.sourceline or 0,
        terms=tuple(terms),
        meta=meta,
        attachment_url=values.get("wp:attachment_url", ""),
        comments=comments,
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
    )


ITEM_FIELDS = {
    "title",
    "link",
    "guid",
    "dc:creator",
    "wp:post_id",
    "wp:post_type",
    "wp:status",
    "wp:post_name",
    "wp:post_date",
    "wp:post_date_gmt",
    "wp:post_parent",
    "wp:menu_order",
    "wp:is_sticky",
    "wp:attachment_url",
}


@dataclass
class Scan:
    """The first pass: the channel, and every item without its text (but reusable blocks with theirs)."""

    channel: Channel
    items: list[Item]
    dropped_bytes: int


# Items whose text the first pass keeps: reusable blocks, which posts include by id, and attachments, whose
# excerpt is the image's caption.
TEXT_KEPT_TYPES = {"wp_block", "attachment"}


def scan(path: Path) -> Scan:
    reader = Reader(path)
    channel = Channel()
    items: list[Item] = []
    seen_channel = False
    for kind, element in reader.events():
        if kind == "channel":
            seen_channel = seen_channel or short_name(element.tag) == "channel"
            channel_entry(channel, element)
            continue
        post_type = ""
        for child in element:
            if short_name(child.tag) == "wp:post_type":
                post_type = (child.text or "").strip()
                break
        items.append(read_item(element, len(items), with_text=post_type in TEXT_KEPT_TYPES))
    if not channel.link and not channel.base_site_url and not items:
        raise ExportError(
            1,
            "this RSS file has no WordPress content: no site address and no items",
            "in WordPress choose Tools → Export → All content and import the .xml file it downloads",
        )
    return Scan(channel, items, reader.dropped)


def texts(path: Path, wanted: set[int]) -> Iterator[Item]:
    """The second pass: each item whose `index` is in `wanted`, with its text and excerpt, in file order."""
    index = 0
    for kind, element in Reader(path).events():
        if kind != "item":
            continue
        if index in wanted:
            yield read_item(element, index, with_text=True)
        index += 1
