"""What the export says about the old site as a whole: its addresses, its media library, and where each of
its posts and pages lived, so links and images in the text can be sent to their new homes."""

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from .wxr import Item, Scan

CONTENT_TYPES = {"post", "page"}
UPLOADS_MARKERS = ("/wp-content/uploads/", "/wp-content/blogs.dir/")
# WordPress.com serves a site's uploads from SITE.files.wordpress.com/YYYY/MM/name.
DOTCOM_FILES = re.compile(r"^(?P<site>[a-z0-9-]+)\.files\.wordpress\.com$")
# Jetpack's image CDN (Photon): i0.wp.com/example.org/wp-content/uploads/….
PHOTON = re.compile(r"^i[0-3]\.wp\.com$")
RESIZED = re.compile(r"-(\d+)x(\d+)(?=\.[A-Za-z0-9]+$)")
GENERIC_HOSTS = {"wordpress.com", "www.wordpress.com"}


def host_variants(host: str) -> set[str]:
    host = host.lower().strip(".")
    if not host:
        return set()
    bare = host.removeprefix("www.")
    return {bare, f"www.{bare}"}


def link_path(url: str) -> str:
    """The decoded path of an address, with a trailing slash, lower case: how two spellings of one
    WordPress permalink compare."""
    try:
        path = unquote(urlsplit(url).path or "/")
    except ValueError:
        return ""
    if not path.endswith("/") and not PurePosixPath(path).suffix:
        path += "/"
    return path.lower()


@dataclass
class Attachment:
    """One file of the media library: where it lives in the uploads folder, and what the author wrote
    about it (its alt text and caption; never a title or file name dressed up as either)."""

    post_id: int
    uploads_path: str
    url: str
    alt: str
    caption: str
    parent: int
    menu_order: int


@dataclass
class SiteIndex:
    """Lookups built from the first pass over the export."""

    scan: Scan
    extra_hosts: tuple[str, ...] = ()
    hosts: set[str] = field(default_factory=set)
    dotcom_site: str = ""
    attachments: dict[int, Attachment] = field(default_factory=dict)
    attachment_by_path: dict[str, Attachment] = field(default_factory=dict)
    items_by_path: dict[str, Item] = field(default_factory=dict)
    items_by_id: dict[int, Item] = field(default_factory=dict)
    reusable_blocks: dict[int, str] = field(default_factory=dict)
    attachment_urls: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        channel = self.scan.channel
        for address in (channel.link, channel.base_site_url, channel.base_blog_url, *self.extra_hosts):
            host = (urlsplit(address if "//" in address else f"//{address}").hostname or "").lower()
            if host and host not in GENERIC_HOSTS:
                self.hosts |= host_variants(host)
        for host in self.hosts:
            if host.endswith(".wordpress.com"):
                self.dotcom_site = host.removesuffix(".wordpress.com").removeprefix("www.")
        for item in self.scan.items:
            if item.post_type == "attachment":
                self._add_attachment(item)
            elif item.post_type == "wp_block":
                self.reusable_blocks[item.post_id] = item.content
        for item in self.scan.items:
            if item.post_type in CONTENT_TYPES:
                self.items_by_id.setdefault(item.post_id, item)
                path = link_path(item.link)
                if path and urlsplit(item.link).query == "":
                    self.items_by_path.setdefault(path, item)

    def _add_attachment(self, item: Item) -> None:
        path = clean_uploads_path(item.first_meta("_wp_attached_file")) or self.uploads_path(
            item.attachment_url or item.guid
        )
        attachment = Attachment(
            item.post_id,
            path or "",
            item.attachment_url or item.guid,
            item.first_meta("_wp_attachment_image_alt").strip(),
            item.excerpt.strip(),
            item.parent,
            item.menu_order,
        )
        self.attachments.setdefault(item.post_id, attachment)
        if attachment.url:
            self.attachment_urls.add(attachment.url.rstrip("/"))
        if path:
            self.attachment_by_path.setdefault(path.lower(), attachment)

    def is_site_host(self, host: str | None) -> bool:
        return bool(host) and host.lower() in self.hosts

    def uploads_path(self, url: str) -> str | None:
        """The path of `url` inside the site's uploads folder, or None when it is not one of the site's
        uploaded files (an image on another site, a page)."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        host = (parts.hostname or "").lower()
        path = parts.path
        if PHOTON.match(host):
            host, _, path = path.lstrip("/").partition("/")
            path = "/" + path
        dotcom = DOTCOM_FILES.match(host)
        if dotcom and (not self.dotcom_site or dotcom.group("site") == self.dotcom_site):
            return clean_uploads_path(unquote(path))
        if host and not self.is_site_host(host):
            return None
        if path.startswith("/files/"):
            # A multisite network's uploads (ms-files): /files/2008/07/x.jpg.
            return clean_uploads_path(unquote(path.removeprefix("/files/")))
        for marker in UPLOADS_MARKERS:
            if marker in path:
                relative = path.split(marker, 1)[1]
                if marker == "/wp-content/blogs.dir/":
                    relative = relative.split("/files/", 1)[1] if "/files/" in relative else ""
                return clean_uploads_path(unquote(relative))
        return None

    def original_of(self, uploads_path: str) -> Attachment | None:
        """The media-library file `uploads_path` is (or is a resized copy of, `name-300x200.jpg`)."""
        found = self.attachment_by_path.get(uploads_path.lower())
        if found is None:
            found = self.attachment_by_path.get(RESIZED.sub("", uploads_path).lower())
        return found

    def item_at(self, url: str, base: str = "") -> Item | None:
        """The post or page an address of the old site leads to: its permalink, `?p=ID`, `?page_id=ID`."""
        try:
            absolute = urljoin(base, url.strip()) if base else url.strip()
            parts = urlsplit(absolute)
        except ValueError:
            return None
        if parts.hostname and not self.is_site_host(parts.hostname):
            return None
        query = parse_qs(parts.query)
        for key in ("p", "page_id"):
            if key in query and query[key][0].isdigit():
                return self.items_by_id.get(int(query[key][0]))
        return self.items_by_path.get(link_path(absolute)) if not parts.query else None

    def attachment_at(self, url: str, base: str = "") -> Attachment | None:
        """The media-library file an attachment page's address (`?attachment_id=12`) stands for."""
        try:
            parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        except ValueError:
            return None
        if parts.hostname and not self.is_site_host(parts.hostname):
            return None
        query = parse_qs(parts.query)
        if "attachment_id" in query and query["attachment_id"][0].isdigit():
            return self.attachments.get(int(query["attachment_id"][0]))
        return None

    def gallery_attachments(self, parent: int) -> list[Attachment]:
        """A `[gallery]` without ids shows the images attached to its post, in the library's order."""
        found = [a for a in self.attachments.values() if a.parent == parent and a.parent]
        return sorted(found, key=lambda a: (a.menu_order, a.post_id))


def clean_uploads_path(path: str) -> str | None:
    """A relative path inside the uploads folder, or None for one that would leave it (`..`, absolute,
    backslashes, control characters)."""
    path = (path or "").strip().split("?", 1)[0].split("#", 1)[0]
    if not path or "\\" in path or any(ord(c) < 32 for c in path):
        return None
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts) or (path.startswith("/") and not parts):
        return None
    return "/".join(parts)
