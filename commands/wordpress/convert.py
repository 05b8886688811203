"""A post's text as WordPress stored it, made into clean HTML that says only what readers saw.

Blocks (Gutenberg) and classic-editor text (paragraphs by `wpautop`, shortcodes) become plain HTML:
figures with captions, links instead of embedded players, media links instead of players, nothing a
plugin made at display time. Every image and link is looked up: the old site's own posts become
`wp-link:` placeholders and its media `wp-media:` placeholders, decided once every post is read
(`document.py`). What could not be carried over as it was is noted for the report, and what a person
must see to first (an unknown shortcode, an image without alt text) makes the article a draft.
"""

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from . import blocks, shortcodes
from .autop import autop
from .media import FILE_SIGNATURES, IMAGE_SUFFIXES, TEXT_SUFFIXES, MediaLibrary, kind_of
from .site import RESIZED, SiteIndex
from .tidy import (
    KEPT_ELEMENTS,
    MORE_MARK,
    by_name,
    figure_html,
    heading_ids,
    keep_anchor,
    multiline_code,
    opening_text,
    plain_pre,
    remove_empty,
    rework_figure,
    tidy_attributes,
    wrap_loose_text,
    wrap_orphan_items,
)
from .wxr import Item

NEEDS = "needs"  # a person must act (the report's first list)
CHANGED = "changed"  # carried over differently, said so

MORE = re.compile(r"<!--more(.*?)-->", re.DOTALL)
NEXTPAGE = re.compile(r"<!--nextpage-->")
NOTEASER = re.compile(r"<!--noteaser-->")
WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
FILE_NAME_ALT = re.compile(r"[\w\-. ()]+\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic)", re.IGNORECASE)
CAMERA_NAME = re.compile(
    r"(?:img|dsc|dscn|dscf|dcp|pxl|gopr|mvimg|p|image|photo|pic|screenshot|screen shot|whatsapp image)"
    r"[\s_-]*\d{3,}[\w\s.-]*",
    re.IGNORECASE,
)
NOT_WORDS = re.compile(r"[\W_]+")

# Blocks WordPress fills in as a page is shown (lists of posts, search boxes, the site's logo…): their
# saved form holds nothing to import.
DYNAMIC_BLOCKS = {
    "archives", "avatar", "calendar", "categories", "comment-author-name", "comment-content",
    "comment-date", "comment-edit-link", "comment-reply-link", "comment-template", "comments",
    "comments-pagination", "comments-pagination-next", "comments-pagination-numbers",
    "comments-pagination-previous", "comments-title", "home-link", "latest-comments", "latest-posts",
    "legacy-widget", "loginout", "navigation", "navigation-link", "navigation-submenu", "page-list",
    "page-list-item", "pattern", "post-author", "post-author-biography", "post-author-name",
    "post-comments", "post-comments-form", "post-content", "post-date", "post-excerpt",
    "post-featured-image", "post-navigation-link", "post-template", "post-terms", "post-title", "query",
    "query-no-results", "query-pagination", "query-pagination-next", "query-pagination-numbers",
    "query-pagination-previous", "query-title", "read-more", "rss", "search", "site-logo", "site-tagline",
    "site-title", "tag-cloud", "template-part", "term-description", "widget-group",
}  # fmt: skip
PROVIDERS = {
    "youtube": ("YouTube", "Watch on"), "youtu": ("YouTube", "Watch on"), "vimeo": ("Vimeo", "Watch on"),
    "wordpress-tv": ("WordPress.tv", "Watch on"), "dailymotion": ("Dailymotion", "Watch on"),
    "tiktok": ("TikTok", "Watch on"), "ted": ("TED", "Watch on"),
    "twitter": ("X (Twitter)", "View the post on"),
    "x": ("X (Twitter)", "View the post on"), "facebook": ("Facebook", "View the post on"),
    "instagram": ("Instagram", "View the post on"), "soundcloud": ("SoundCloud", "Listen on"),
    "spotify": ("Spotify", "Listen on"), "mixcloud": ("Mixcloud", "Listen on"),
    "flickr": ("Flickr", "View on"), "slideshare": ("SlideShare", "View on"),
    "scribd": ("Scribd", "View on"), "reddit": ("Reddit", "View on"), "tumblr": ("Tumblr", "View on"),
    "linkedin": ("LinkedIn", "View on"), "bluesky": ("Bluesky", "View the post on"),
}  # fmt: skip
AUDIO_ATTRIBUTES = ("src", "mp3", "m4a", "ogg", "oga", "wav", "wma", "flac")
VIDEO_ATTRIBUTES = ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov")
# Elements removed with everything inside them: they run code, take input or draw what cannot be kept.
REMOVED_ELEMENTS = {
    "script": "a script", "style": "a style sheet", "noscript": "a <noscript> fallback",
    "template": "a <template>", "object": "an embedded object", "embed": "an embedded object",
    "applet": "an applet", "canvas": "a drawing canvas", "svg": "an inline SVG drawing",
    "link": "a <link>", "meta": "a <meta>", "base": "a <base>", "head": "a <head>", "title": "a <title>",
    "input": "a form field", "select": "a form field", "textarea": "a form field", "button": "a button",
    "map": "an image map", "area": "an image map",
}  # fmt: skip


@dataclass
class Note:
    """One thing the report says about an item: what happened, what to do, where in the written file."""

    kind: str
    what: str
    fix: str = ""
    needle: str = ""
    drafts: bool = False
    media: int | None = None
    occurrence: int = 0  # which use of that media file in the item's text, counting from 0
    line: int = 1  # in the written file, once it is written


@dataclass
class Converted:
    """An item's text as clean HTML with placeholders, and what was noticed on the way."""

    html: str
    notes: list[Note] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    teaser: str = ""
    images: list[int] = field(default_factory=list)
    opening: str = ""  # the first paragraphs' text, enough for a summary
    files: list[int] = field(default_factory=list)  # media the text links to


def provider_of(url: str, slug: str = "") -> tuple[str, str]:
    """(name, verb) of the site an embed came from, e.g. ("YouTube", "Watch on")."""
    if slug in PROVIDERS:
        return PROVIDERS[slug]
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    for key, found in PROVIDERS.items():
        if host.startswith(f"{key}.") or host == key:
            return found
    return host or "the web", "View on"


def embed_address(url: str) -> str:
    """The page an embedded player stands for (a YouTube or Vimeo player's own page)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith(("youtube.com", "youtube-nocookie.com")) and parts.path.startswith("/embed/"):
        return f"https://www.youtube.com/watch?v={parts.path.split('/')[2]}"
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return f"https://vimeo.com/{parts.path.split('/')[2]}"
    return url if url.startswith(("http://", "https://")) else f"https:{url}" if url.startswith("//") else url


def looks_like_file_name(alt: str, path: str) -> bool:
    """An alt text that is only the file's name (`IMG_1234`, `dsc-0042.jpg`, `image-alignment-580x300`)."""
    text = alt.strip()
    if FILE_NAME_ALT.fullmatch(text) or CAMERA_NAME.fullmatch(text):
        return True
    stem = PurePosixPath(path).stem
    words = NOT_WORDS.sub("", text).lower()
    return bool(words) and words in {
        NOT_WORDS.sub("", s).lower() for s in (stem, RESIZED.sub("", stem + "."))
    }


class ItemConverter:
    """Converts one post's or page's text; notes go to `notes`, media to the shared library."""

    def __init__(self, site: SiteIndex, media: MediaLibrary, item: Item) -> None:
        self.site = site
        self.media = media
        self.item = item
        self.base = item.link if urlsplit(item.link).scheme else site.scan.channel.link
        self.notes: list[Note] = []
        self.images: list[int] = []
        self.files: list[int] = []
        self.noted: set[str] = set()
        self.depth = 0
        self.soup = BeautifulSoup("", "html.parser")

    def note(
        self, kind: str, what: str, fix: str = "", needle: str = "", drafts: bool = False, once=True, **extra
    ):
        """Note `what` about the item; said once per item unless each occurrence needs its own line (an
        image without alt text, wherever it is)."""
        key = f"{kind}|{what}"
        if once and key in self.noted:
            return
        self.noted.add(key)
        self.notes.append(Note(kind, what, fix, needle, drafts, **extra))

    # The text as a whole

    def convert(self) -> Converted:
        text = self.item.content.replace("\r\n", "\n").replace("\r", "\n")
        text = NOTEASER.sub("", text)
        text = MORE.sub(f"<{MORE_MARK}></{MORE_MARK}>", text, count=1)
        text = MORE.sub("", text)
        text = NEXTPAGE.sub("<hr>", text)
        rendered = self.render_all(blocks.parse(text)) if blocks.has_blocks(text) else self.classic(text)
        # lxml parses as a browser would: an unclosed <li> closes at the next, a link inside a link ends
        # the first, so the text reads as readers saw it.
        soup = BeautifulSoup(rendered, "lxml")
        root = soup.body
        if root is None:
            root = soup.new_tag("body")
            soup.append(root)
        self.soup = soup
        self.normalise(soup, root)
        ids = heading_ids(root)
        text = root.decode_contents()
        marker = f"<{MORE_MARK}></{MORE_MARK}>"
        teaser = ""
        if marker in text:
            before, _, _ = text.partition(marker)
            teaser = BeautifulSoup(before, "html.parser").get_text(" ", strip=True)
            text = text.replace(marker, "")
        return Converted(text, self.notes, ids, teaser, self.images, opening_text(root), self.files)

    def render_all(self, parsed: list[blocks.Block]) -> str:
        return "".join(self.render_block(block) for block in parsed)

    def inner(self, block: blocks.Block) -> str:
        return "".join(p if isinstance(p, str) else self.render_block(p) for p in block.inner)

    def render_block(self, block: blocks.Block) -> str:
        name = block.name
        if name == blocks.FREEFORM:
            return self.classic(block.html())
        handler = BLOCK_HANDLERS.get(name)
        if handler is not None:
            return handler(self, block)
        if name.startswith("core-embed/"):
            return self.embed_block(block)
        namespace, _, short = name.partition("/")
        if namespace == "core" and short in DYNAMIC_BLOCKS:
            self.note(
                CHANGED,
                f"the `{short}` block was left out: WordPress filled it in as the page was shown "
                "(a list of posts, a search box, the site's logo…), so there is nothing to import",
            )
            return ""
        rendered = self.inner(block)
        if namespace == "core":
            return rendered
        return self.plugin_block(name, rendered, block.line)

    def plugin_block(self, name: str, rendered: str, line: int) -> str:
        visible = BeautifulSoup(rendered, "html.parser")
        if visible.get_text(strip=True) or visible.find("img"):
            self.note(CHANGED, f"the plugin block `{name}` was imported as the HTML it had saved")
            return rendered
        form = "form" in name or "contact" in name or "donor" in name
        self.note(
            NEEDS,
            f"the `{name}` block was made by a WordPress plugin"
            + (" (a form, which cannot work on a static site)" if form else "")
            + f" and has nothing to import (line {line} of the post's text in WordPress)",
            "replace it with text or a link (for a form: a link to the Contact page or a form service), "
            "then publish",
            drafts=True,
        )
        return ""

    def classic(self, text: str) -> str:
        """Classic-editor text: shortcodes, then paragraphs as WordPress made them, then bare URLs on a line
        of their own (which WordPress showed as embedded players) as links."""
        converted = shortcodes.replace(text, self.shortcode)
        paragraphs = autop(converted)
        return re.sub(
            r"<p>\s*(https?://[^\s<>\"]+)\s*</p>",
            lambda m: self.embed_link(html.unescape(m.group(1))),
            paragraphs,
        )

    # Blocks with their own meaning

    def embed_block(self, block: blocks.Block) -> str:
        url = str(block.attrs.get("url") or "")
        if not url:
            found = BeautifulSoup(block.html(), "html.parser").get_text(" ", strip=True).split()
            url = next((w for w in found if w.startswith(("http://", "https://"))), "")
        slug = str(block.attrs.get("providerNameSlug") or block.name.partition("/")[2])
        link = self.embed_link(url, slug) if url else ""
        return link + self.caption_paragraph(block.html())

    def embed_link(self, url: str, slug: str = "") -> str:
        if self.site.item_at(url) is not None or self.site.is_site_host(urlsplit(url).hostname):
            return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'
        name, verb = provider_of(url, slug)
        self.note(
            CHANGED,
            f"an embedded {name} item became a link to it (this site loads nothing from other sites)",
        )
        return f'<p><a href="{html.escape(url)}">{html.escape(f"{verb} {name}")}: {html.escape(url)}</a></p>'

    @staticmethod
    def caption_paragraph(saved: str) -> str:
        caption = BeautifulSoup(saved, "html.parser").find("figcaption")
        return f"<p>{caption.decode_contents()}</p>" if caption and caption.get_text(strip=True) else ""

    def media_link(self, url: str, verb: str, label: str = "") -> str:
        name = label or PurePosixPath(unquote(urlsplit(url).path)).name or url
        return f'<p><a href="{html.escape(url)}">{html.escape(verb)}: {html.escape(name)}</a></p>'

    def audio_video_block(self, block: blocks.Block) -> str:
        saved = BeautifulSoup(block.html(), "html.parser")
        player = saved.find(["audio", "video"])
        src = player.get("src") if player else ""
        if not src and player is not None:
            source = player.find("source")
            src = source.get("src") if source else ""
        attachment = self.site.attachments.get(int(block.attrs.get("id") or 0))
        url = src or (attachment.url if attachment else "")
        verb = "Listen" if block.name.endswith("audio") else "Watch"
        if not url:
            return ""
        self.note(CHANGED, "an audio or video player became a link to its file")
        return self.media_link(str(url), verb) + self.caption_paragraph(block.html())

    def file_block(self, block: blocks.Block) -> str:
        saved = BeautifulSoup(block.html(), "html.parser")
        link = next((a for a in saved.find_all("a", href=True) if "download" not in a.attrs), None)
        link = link or saved.find("a", href=True)
        if link is None:
            return ""
        return self.media_link(link["href"], "Download", link.get_text(" ", strip=True))

    def gallery_block(self, block: blocks.Block) -> str:
        rendered = BeautifulSoup(self.inner(block), "html.parser")
        figures = []
        for image in rendered.find_all("img"):
            holder = image.find_parent(["figure", "li"])
            caption = holder.find("figcaption") if holder else None
            figures.append(figure_html(image, caption.decode_contents() if caption else ""))
        gallery_caption = rendered.find("figcaption", class_="blocks-gallery-caption")
        closing = f"<p>{gallery_caption.decode_contents()}</p>" if gallery_caption else ""
        return "".join(figures) + closing

    def cover_block(self, block: blocks.Block) -> str:
        inner = "".join(self.render_block(child) for child in block.children)
        url = str(block.attrs.get("url") or "")
        if block.attrs.get("backgroundType") == "video":
            return (self.media_link(url, "Watch") if url else "") + inner
        saved = BeautifulSoup(block.html(), "html.parser").find("img")
        if saved is not None:
            # Newer covers save the background as an <img> with the alt text the author gave it.
            return f"<p>{saved}</p>" + inner
        if not url:
            return inner
        alt = block.attrs.get("alt")
        image = BeautifulSoup("<img>", "html.parser").img
        image["src"] = url
        if isinstance(alt, str):
            image["alt"] = alt
        if block.attrs.get("id"):
            image["class"] = f"wp-image-{block.attrs['id']}"
        return f"<p>{image}</p>" + inner

    def reusable_block(self, block: blocks.Block) -> str:
        reference = block.attrs.get("ref")
        saved = self.site.reusable_blocks.get(int(reference)) if str(reference).isdigit() else None
        if saved is None or self.depth > 8:
            self.note(
                NEEDS,
                f"a reusable block (id {reference}) is not in the export, so its content is missing",
                "copy its content from the old site into the article, then publish",
                drafts=True,
            )
            return ""
        self.depth += 1
        try:
            return self.render_all(blocks.parse(saved)) if blocks.has_blocks(saved) else self.classic(saved)
        finally:
            self.depth -= 1

    def footnotes_block(self, block: blocks.Block) -> str:
        try:
            notes = json.loads(self.item.first_meta("footnotes") or "[]")
        except ValueError:
            notes = []
        items = [
            f'<li id="{html.escape(str(n.get("id", "")))}">{n.get("content", "")}</li>'
            for n in notes
            if isinstance(n, dict)
        ]
        return f"<ol>{''.join(items)}</ol>" if items else ""

    def social_links_block(self, block: blocks.Block) -> str:
        links = []
        for child in block.children:
            url = str(child.attrs.get("url") or "")
            if url:
                label = str(child.attrs.get("label") or child.attrs.get("service") or url).title()
                links.append(f'<li><a href="{html.escape(url)}">{html.escape(label)}</a></li>')
        return f"<ul>{''.join(links)}</ul>" if links else ""

    def missing_block(self, block: blocks.Block) -> str:
        name = str(block.attrs.get("originalName") or "an unknown block")
        return self.plugin_block(name, str(block.attrs.get("originalContent") or ""), block.line)

    def shortcode_block(self, block: blocks.Block) -> str:
        return shortcodes.replace(block.html(), self.shortcode)

    # Shortcodes

    def shortcode(self, code: shortcodes.Shortcode) -> str:
        name = code.name
        if name in ("caption", "wp_caption"):
            return self.caption_shortcode(code)
        if name == "gallery":
            return self.gallery_shortcode(code)
        if name in ("audio", "video"):
            keys = AUDIO_ATTRIBUTES if name == "audio" else VIDEO_ATTRIBUTES
            url = next((code.attrs[k] for k in keys if code.attrs.get(k)), "")
            if not url:
                return ""
            self.note(CHANGED, "an audio or video player became a link to its file")
            return self.media_link(url, "Listen" if name == "audio" else "Watch")
        if name == "playlist":
            ids = [int(i) for i in re.findall(r"\d+", code.attrs.get("ids", ""))]
            found = [self.site.attachments[i] for i in ids if i in self.site.attachments]
            return "".join(self.media_link(a.url, "Listen") for a in found)
        if name == "embed":
            return self.embed_link(html.unescape((code.content or "").strip()))
        self.note(
            NEEDS,
            f"the shortcode `[{name}]` was made by a WordPress plugin that this site does not have; it is "
            "kept as text so you can see where it was",
            "replace it with what it showed (text, a link, an image), then publish",
            needle=f"[{name}",
            drafts=True,
        )
        # As code, so it reads as what it is, and no summary is made of it.
        return f"<code>{html.escape(f'[{code.text}]', quote=False)}</code>"

    def caption_shortcode(self, code: shortcodes.Shortcode) -> str:
        content = code.content or ""
        soup = BeautifulSoup(content, "html.parser")
        image = soup.find("img")
        if image is None:
            return content
        holder = image.parent if image.parent is not None and image.parent.name == "a" else image
        holder.extract()
        caption = soup.decode_contents().strip() or html.escape(code.attrs.get("caption", ""))
        return figure_html(holder, caption)

    def gallery_shortcode(self, code: shortcodes.Shortcode) -> str:
        wanted = code.attrs.get("ids") or code.attrs.get("include") or ""
        ids = [int(i) for i in re.findall(r"\d+", wanted)]
        if ids:
            found = [self.site.attachments[i] for i in ids if i in self.site.attachments]
            missing = len(ids) - len(found)
        else:
            parent = int(code.attrs["id"]) if code.attrs.get("id", "").isdigit() else self.item.post_id
            found, missing = self.site.gallery_attachments(parent), 0
        if missing or not found:
            self.note(
                NEEDS,
                f"a gallery names {missing or 'its'} image(s) that are not in the export's media library",
                "add the missing images by hand (content/images/), then publish",
                drafts=True,
            )
        figures = []
        for attachment in found:
            image = BeautifulSoup("<img>", "html.parser").img
            image["src"] = attachment.url
            image["class"] = f"wp-image-{attachment.post_id}"
            if attachment.alt:
                image["alt"] = attachment.alt
            figures.append(figure_html(image, html.escape(attachment.caption)))
        return "".join(figures)

    # The HTML, element by element

    def normalise(self, soup: BeautifulSoup, root: Tag) -> None:
        """Every element made plain, in a few walks over the tree (each walk groups the elements by name)."""
        found = by_name(soup, comments=True)
        for comment in found.pop("#comment", []):
            comment.extract()
        for name, what in REMOVED_ELEMENTS.items():
            for element in found.get(name, []):
                if not element.decomposed:
                    self.note(CHANGED, f"{what} was removed (it cannot be kept safely)")
                    element.decompose()
        for form in found.get("form", []):
            if not form.decomposed:
                self.note(
                    NEEDS,
                    "a form was removed: forms cannot work on a static site",
                    "link to the Contact page or a form service instead, then publish",
                    drafts=True,
                )
                form.decompose()
        players = [e for n in ("iframe", "audio", "video") for e in found.get(n, []) if not e.decomposed]
        for player in players:
            player.replace_with(BeautifulSoup(self.player_link(player), "html.parser"))
        found = by_name(root) if players or "form" in found else found
        for image in found.get("img", []):
            if not image.decomposed:
                self.image(image)
        for anchor in found.get("a", []):
            if not anchor.decomposed and anchor.parent is not None:
                self.link(anchor)
        for heading in found.get("h1", []):
            heading.name = "h2"
            self.note(
                CHANGED,
                "a first-level heading in the text became a second-level one (the page's "
                "title is its only first-level heading)",
            )
        for pre in found.get("pre", []):
            plain_pre(soup, pre)
        for figure in found.get("figure", []):
            if figure.parent is not None:
                rework_figure(soup, figure)
        for footer in found.get("tfoot", []):
            # The site's HTML has no <tfoot>: its rows go last in the table, where it showed them.
            table = footer.find_parent("table")
            if table is not None:
                table.append(footer.extract())
        for code in found.get("code", []):
            if code.parent is not None:
                multiline_code(soup, code)
        for cite in found.get("cite", []):
            quote = cite.find_parent("blockquote")
            if quote is not None and (cite.parent is quote or cite.find_parent("p") is None):
                line = soup.new_tag("p")
                line.append(f"— {cite.get_text(' ', strip=True)}")
                cite.replace_with(line)
        wrap_orphan_items(soup, root)
        for element in root.find_all(True):
            if element.name not in KEPT_ELEMENTS and element.name != MORE_MARK:
                keep_anchor(soup, element)
                element.unwrap()
            else:
                tidy_attributes(soup, element)
        wrap_loose_text(soup, root)
        remove_empty(root)

    def player_link(self, player: Tag) -> str:
        """An embedded player (iframe, audio, video) as a link to what it played."""
        if player.name == "iframe":
            source = player.get("src") or player.get("data-src") or ""
            return self.embed_link(embed_address(source)) if source else ""
        source = player.get("src") or (player.find("source") or {}).get("src", "")
        if not source:
            return ""
        self.note(CHANGED, "an audio or video player became a link to its file")
        return self.media_link(source, "Listen" if player.name == "audio" else "Watch")

    def image(self, image: Tag) -> None:
        source = image.get("src") or image.get("data-src") or image.get("data-lazy-src") or ""
        source = source.strip()
        if not source:
            image.decompose()
            return
        if source.startswith("data:"):
            self.note(
                NEEDS,
                "an image was written into the text itself (a data: address) and could not be imported",
                "add the picture as a file in content/images/ and put it back, then publish",
                drafts=True,
            )
            image.decompose()
            return
        absolute = urljoin(self.base, source) if self.base else source
        classes = " ".join(image.get("class") or [])
        attachment_id = WP_IMAGE_CLASS.search(classes)
        attachment = self.site.attachments.get(int(attachment_id.group(1))) if attachment_id else None
        path = self.site.uploads_path(absolute)
        if path is not None:
            original = self.site.original_of(path)
            if original is not None and original.uploads_path:
                attachment = attachment or original
                path = original.uploads_path
        elif (
            attachment is not None
            and attachment.uploads_path
            and self.site.is_site_host(urlsplit(absolute).hostname)
        ):
            path = attachment.uploads_path
        ref = self.media.register("image", path, absolute)
        self.images.append(ref.number)
        image["src"] = ref.placeholder
        parent = image.parent
        if parent is not None and parent.name == "a" and self.links_to_media(parent.get("href", "")):
            parent.unwrap()
        alt = image.get("alt")
        hint = (
            f"; the media library describes it as “{attachment.alt}”: use that if it fits"
            if attachment is not None and attachment.alt and attachment.alt != (alt or "").strip()
            else ""
        )
        if alt is None or not alt.strip():
            self.note(
                NEEDS,
                "an image has no alt text",
                "describe what it shows for people who cannot see it (or write `decorative` if it only "
                f"decorates){hint}, then publish",
                drafts=True,
                once=False,
                media=ref.number,
                occurrence=self.images.count(ref.number) - 1,
            )
        elif looks_like_file_name(alt, path or urlsplit(absolute).path):
            self.note(
                NEEDS,
                f"an image's alt text `{alt.strip()}` is its file name, not a description",
                f"describe what it shows for people who cannot see it{hint}, then publish",
                drafts=True,
                once=False,
                media=ref.number,
                occurrence=self.images.count(ref.number) - 1,
            )

    def links_to_media(self, href: str) -> bool:
        """Whether a link around an image only opens the image (its file, a larger copy, its attachment
        page), which the site's own responsive picture makes unnecessary."""
        if not href:
            return False
        absolute = urljoin(self.base, href) if self.base else href
        path = self.site.uploads_path(absolute)
        if path is not None and kind_of(path) == "image":
            return True
        if self.site.attachment_at(absolute) is not None:
            return True
        return absolute.rstrip("/") in self.site.attachment_urls

    def link(self, anchor: Tag) -> None:
        href = (anchor.get("href") or "").strip()
        if not href:
            name = anchor.get("name") or anchor.get("id")
            if name:
                anchor.insert_before(self.soup.new_tag("a", attrs={"id": str(name)}))
            anchor.unwrap()
            return
        if href == "#":
            anchor.unwrap()
            return
        if href.startswith("#"):
            anchor["href"] = href
            return
        scheme = urlsplit(href).scheme.lower() if ":" in href.split("/", 1)[0] else ""
        if scheme in ("mailto", "tel"):
            return
        if scheme and scheme not in ("http", "https"):
            self.note(CHANGED, f"a `{scheme}:` link was removed (its text is kept)")
            anchor.unwrap()
            return
        absolute = urljoin(self.base, href) if self.base else href
        item = self.site.item_at(absolute)
        fragment = urlsplit(absolute).fragment
        if item is not None:
            anchor["href"] = f"wp-link:{item.index}" + (f"#{fragment}" if fragment else "")
            return
        attachment = self.site.attachment_at(absolute)
        path = self.site.uploads_path(absolute)
        if attachment is not None and attachment.uploads_path:
            path = attachment.uploads_path
        if path is not None:
            ref = self.media.register(kind_of(path), path, absolute)
            self.files.append(ref.number)
            anchor["href"] = ref.placeholder
            return
        host = urlsplit(absolute).hostname
        if self.site.is_site_host(host) and is_media_file(absolute):
            ref = self.media.register(kind_of(urlsplit(absolute).path), None, absolute)
            self.files.append(ref.number)
            anchor["href"] = ref.placeholder
            return
        if self.site.is_site_host(host):
            anchor["href"] = absolute
            self.note(
                NEEDS,
                f"a link leads to {absolute}, a page of the old site that was not imported (an archive, a "
                "category, a tag or a page of another kind)",
                "point it at a page of this site, or remove the link",
                needle=absolute,
            )
            return
        anchor["href"] = absolute


BLOCK_HANDLERS = {
    "core/embed": ItemConverter.embed_block,
    "core/gallery": ItemConverter.gallery_block,
    "core/audio": ItemConverter.audio_video_block,
    "core/video": ItemConverter.audio_video_block,
    "core/file": ItemConverter.file_block,
    "core/cover": ItemConverter.cover_block,
    "core/block": ItemConverter.reusable_block,
    "core/footnotes": ItemConverter.footnotes_block,
    "core/social-links": ItemConverter.social_links_block,
    "core/missing": ItemConverter.missing_block,
    "core/shortcode": ItemConverter.shortcode_block,
    "core/spacer": lambda converter, block: "",
    "core/separator": lambda converter, block: "<hr>",
}


ESCAPED_NEEDLE = re.compile(r"([\\`*_\[\]{}])")


def line_of(text: str, needle: str, occurrence: int = 0, body_only: bool = False) -> int:
    """The line of `text` holding `needle` (as written, or as Markdown escaped it) for the `occurrence`-th
    time (the last one found when there are fewer), only below the front matter when `body_only`; else 1."""
    if not needle:
        return 1
    escaped = ESCAPED_NEEDLE.sub(r"\\\1", needle)
    lowered = needle.lower()
    lines = text.split("\n")
    first = lines.index("---", 1) + 1 if body_only and lines[0] == "---" and "---" in lines[1:] else 0
    found = [
        number
        for number, line in enumerate(lines[first:], first + 1)
        if needle in line or escaped in line or lowered in line.lower()
    ]
    return found[min(occurrence, len(found) - 1)] if found else 1


def is_media_file(url: str) -> bool:
    """Whether an address names a file (an image, a document, a recording) rather than a page."""
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    return suffix in IMAGE_SUFFIXES or suffix in FILE_SIGNATURES or suffix in TEXT_SUFFIXES
