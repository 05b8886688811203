"""`invoke import-wordpress`: a whole WordPress site brought into content/, nothing lost and nothing leaked.

The steps, each in its own module: read the export safely (`wxr`), learn the old site's addresses and
media library (`site`), decide what is content and what is not (here), map categories and tags
(`mapping`), convert each post's text (`convert`), bring in its media (`media`, `fetch`), then write each
article or page (`document`, `to_markdown`) and say what happened (`report`).
"""

import re
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from pelican.settings import read_settings

from front_matter.config import ContentConfig, load_config
from front_matter.schema import content_note_needed, slugify
from site_core import build_time

from . import mapping, wxr
from .addresses import Addresses, alias_form, wxr_name
from .convert import CHANGED, NEEDS, Converted, ItemConverter, Note, line_of, looks_like_file_name
from .dates import Offsets, iso, moment_of
from .document import (
    ExistingContent,
    file_text,
    origin_of,
    plain_text,
    shortened,
    summary_rule_applied,
)
from .fetch import Fetcher
from .media import MediaLibrary, MediaRef, Sources
from .site import SiteIndex
from .to_markdown import to_markdown

IMPORTED_STATUSES = {"publish", "future", "draft", "pending", "private"}
STRUCTURE_TYPES = {
    "nav_menu_item", "wp_navigation", "wp_template", "wp_template_part", "wp_global_styles", "custom_css",
    "customize_changeset", "oembed_cache", "wp_font_family", "wp_font_face", "wp_block",
    "user_request", "elementor_library", "wp_pattern",
}  # fmt: skip
FORM_WORDS = ("form", "feedback", "entry", "entries", "submission", "contact", "flamingo", "inbound", "lead")
SKIPPED_STATUSES = {
    "trash": "in the bin (trash)",
    "auto-draft": "automatic drafts WordPress saved on its own",
    "inherit": "revisions",
    "dp-rewrite-republish": "Duplicate Post copies (rewrite and republish)",
}
MEDIA_REASON = "media library entries (their files come in with the posts that use them)"
STRUCTURE_REASON = "menus, navigation, templates, styles and reusable blocks (site structure)"
FORMS_REASON = "forms and form submissions (personal data: never imported)"


class ImportStopped(Exception):
    """The import stopped before writing content; the message says why and what to do."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Options:
    export: Path
    project: Path
    map_path: Path | None = None
    default_category: str | None = None
    uploads: Path | None = None
    media_from: str | None = None
    allow_hosts: tuple[str, ...] = ()
    old_hosts: tuple[str, ...] = ()
    dry_run: bool = False
    force: bool = False
    report_path: Path | None = None

    def imports_folder(self) -> Path:
        return self.project / "imports"

    def default_map(self) -> Path:
        return self.imports_folder() / f"{self.export.stem}.map.yml"

    def default_report(self) -> Path:
        return self.imports_folder() / f"{self.export.stem}.report.md"


@dataclass
class Doc:
    """One post or page being imported."""

    item: wxr.Item
    kind: str  # "article" or "page"
    key: str
    slug: str = ""
    path: Path | None = None
    spooled: tuple[int, int] = (0, 0)
    notes: list[Note] = field(default_factory=list)
    draft_reasons: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    featured: MediaRef | None = None
    featured_alt: str = ""
    ids: set[str] = field(default_factory=set)
    teaser: str = ""
    excerpt: str = ""
    first_text: str = ""
    images: list[int] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    summary_derived: bool = False
    files: list[int] = field(default_factory=list)
    summary_line: int = 1
    adopted: bool = False  # its file is an earlier import a person has edited (its origin line is gone)
    outcome: str = ""

    @property
    def published(self) -> bool:
        return not self.draft_reasons


class Spool:
    """Every item's converted text, compressed in one temporary file until it is written: memory stays
    bounded however large the export."""

    def __enter__(self) -> "Spool":
        self.file = tempfile.TemporaryFile()
        return self

    def __exit__(self, *exception) -> None:
        self.file.close()

    def put(self, text: str) -> tuple[int, int]:
        data = zlib.compress(text.encode("utf-8"), 1)
        self.file.seek(0, 2)
        offset = self.file.tell()
        self.file.write(data)
        return offset, len(data)

    def get(self, place: tuple[int, int]) -> str:
        self.file.seek(place[0])
        return zlib.decompress(self.file.read(place[1])).decode("utf-8")


@dataclass
class Skipped:
    item: wxr.Item
    reason: str


@dataclass
class Result:
    """Everything the report says."""

    options: Options
    scan: wxr.Scan
    docs: list[Doc]
    skipped: list[Skipped]
    media: MediaLibrary
    defaulted: list[mapping.TermUse]
    unmapped_tags: list[mapping.TermUse]
    query_rules: list[tuple[str, str]]
    stopped: str = ""
    seconds: float = 0.0


def skip_reason(item: wxr.Item) -> str | None:
    """Why an item is not imported, or None for a post or page to import."""
    kind = item.post_type
    if kind == "attachment":
        return MEDIA_REASON
    if kind == "revision":
        return SKIPPED_STATUSES["inherit"]
    if kind in STRUCTURE_TYPES:
        return STRUCTURE_REASON
    if kind not in ("post", "page"):
        if any(word in kind.lower() for word in FORM_WORDS):
            return FORMS_REASON
        return f"other content types made by plugins (`{kind}`)"
    if item.meta.get("_dp_is_rewrite_republish_copy"):
        return SKIPPED_STATUSES["dp-rewrite-republish"]
    if item.status in SKIPPED_STATUSES:
        return SKIPPED_STATUSES[item.status]
    if item.status not in IMPORTED_STATUSES:
        return f"posts with the status `{item.status}`"
    return None


class Importer:
    def __init__(self, options: Options) -> None:
        self.options = options
        project = options.project
        self.settings = read_settings(
            str(project / "pelicanconf.py"), override={"PATH": str(project / "content")}
        )
        self.config: ContentConfig = load_config(self.settings)[0]
        self.content = project / "content"
        self.article_folder = self.settings["ARTICLE_PATHS"][0]
        self.page_folder = self.settings["PAGE_PATHS"][0]
        self.zone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        self.now = build_time()
        self.addresses = Addresses(self.settings)

    # The whole run

    def run(self) -> Result:
        options = self.options
        try:
            scan = wxr.scan(options.export)
        except wxr.ExportError as error:
            where = f"{options.export}:{error.line}" if error.line else str(options.export)
            raise ImportStopped(f"{where}: {error.message} — {error.fix}") from error
        self.authors = scan.channel.authors
        self.offsets = Offsets(scan.items)
        self.export_date = scan.channel.published
        site = SiteIndex(scan, options.old_hosts)
        docs, skipped = self.classify(scan)
        uses = mapping.term_uses([d.item for d in docs])
        term_map, stopped = self.term_map(scan, uses)
        existing = ExistingContent.scan(self.content, self.article_folder, self.page_folder)
        source = self.source_of(scan)
        self.place(docs, existing, source)
        library = MediaLibrary()
        with Spool() as self.spool:
            self.convert_all(scan, site, library, docs)
            self.register_featured(site, library, docs)
            dry = options.dry_run or bool(stopped)
            library.bring_in(self.content, self.sources(site, dry), write=not dry)
            for doc in docs:
                for note in doc.notes:
                    if note.media is not None:
                        ref = library.refs[note.media]
                        note.needle = ref.local or f"Image not imported: {ref.label}"
            defaulted, unmapped_tags = self.categorise(docs, uses, term_map)
            self.decide_status(docs, library)
            by_index = {d.item.index: d for d in docs}
            self.addresses.set_aliases(docs, existing, site)
            for doc in docs:
                text = self.finalise(doc, site, library, by_index, source)
                if not dry:
                    self.write(doc, text, source)
                else:
                    doc.outcome = (
                        "would be written" if not stopped else "not written (the map is not complete)"
                    )
            query_rules = self.addresses.query_rules(docs)
            return Result(
                options, scan, docs, skipped, library, defaulted, unmapped_tags, query_rules, stopped
            )

    def source_of(self, scan: wxr.Scan) -> str:
        address = scan.channel.link or scan.channel.base_site_url or self.options.export.stem
        parts = urlsplit(address)
        return (
            f"{parts.scheme or 'https'}://{parts.netloc}{parts.path.rstrip('/')}" if parts.netloc else address
        )

    def classify(self, scan: wxr.Scan) -> tuple[list[Doc], list[Skipped]]:
        docs: list[Doc] = []
        skipped: list[Skipped] = []
        seen: dict[tuple[str, int], int] = {}
        for item in scan.items:
            reason = skip_reason(item)
            if reason is not None:
                skipped.append(Skipped(item, reason))
                continue
            kind = "article" if item.post_type == "post" else "page"
            count = seen.get((kind, item.post_id), 0)
            seen[(kind, item.post_id)] = count + 1
            key = str(item.post_id) if count == 0 else f"{item.post_id}-{count + 1}"
            docs.append(Doc(item, kind, key))
        return docs, skipped

    # Categories and tags

    def term_map(self, scan: wxr.Scan, uses: list[mapping.TermUse]) -> tuple[mapping.TermMap, str]:
        """People's choices from the map file; writes or completes the map when it is missing or lacks a
        term. Returns a message when the import must stop (to let people choose)."""
        options = self.options
        categories, topics = self.config.categories, self.config.topics
        if options.default_category and not categories.canonical(options.default_category):
            raise ImportStopped(
                f"--default-category `{options.default_category}` is not one of this site's categories — use "
                f"one of: {', '.join(categories.names())}"
            )
        path = options.map_path or options.default_map()
        current = mapping.TermMap()
        if path.is_file():
            current, errors = mapping.read_map(path, categories, topics)
            if errors:
                raise ImportStopped(
                    "\n".join(f"{path}:{e.line}: {e.message} — {e.fix}" for e in errors)
                    + f"\n\n{len(errors)} problem(s) in the map. Nothing was imported."
                )
        elif options.map_path is not None:
            raise ImportStopped(f"{path}: the map does not exist — run without --map once to have it written")
        missing = [u for u in uses if (u.kind, u.slug) not in current.choices]
        if missing and not options.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                mapping.map_text(uses, current, categories, topics, options.export.name), encoding="utf-8"
            )
        unmapped = [u for u in uses if u.kind == "category" and not current.category_for(u.slug)]
        if unmapped and not options.default_category:
            names = ", ".join(f"`{u.slug}` ({u.posts})" for u in unmapped[:8])
            more = f" and {len(unmapped) - 8} more" if len(unmapped) > 8 else ""
            return current, (
                f"{len(unmapped)} WordPress categor{'y has' if len(unmapped) == 1 else 'ies have'} no "
                f"category of this site yet: {names}{more}. Choose one for each in {path} (a suggestion is "
                "beside each), "
                "then run the import again; or try it out with --default-category NAME."
            )
        return current, ""

    def categorise(self, docs: list[Doc], uses, term_map: mapping.TermMap):
        default = self.config.categories.canonical(self.options.default_category or "") or None
        defaulted = [u for u in uses if u.kind == "category" and not term_map.category_for(u.slug)]
        unmapped_tags = [u for u in uses if u.kind == "post_tag" and not term_map.topics_for(u.kind, u.slug)]
        for doc in docs:
            if doc.kind != "article":
                continue
            chosen = [(slug, term_map.category_for(slug)) for slug in mapping.post_categories(doc.item.terms)]
            targets = [target for _, target in chosen if target]
            category = targets[0] if targets else default
            if len(set(targets)) > 1:
                doc.notes.append(
                    Note(
                        CHANGED,
                        f"its WordPress categories map to {', '.join(dict.fromkeys(targets))}: it is in "
                        f"{category}, "
                        "the first (an article has one category)",
                        needle="category:",
                    )
                )
            topics: list[str] = []
            for term in doc.item.terms:
                for topic in term_map.topics_for(term.kind, term.slug):
                    if topic not in topics:
                        topics.append(topic)
            doc.values["category"] = category or "(unmapped)"
            if topics:
                doc.values["topics"] = topics
        return defaulted, unmapped_tags

    # Where each file goes

    def place(self, docs: list[Doc], existing: ExistingContent, source: str) -> None:
        """A file and slug for each item: where an earlier import put it, else a free slug of its own."""
        taken = {
            "article": set(existing.articles),
            "page": set(existing.pages) | self.addresses.reserved_page_slugs(),
        }
        for doc in docs:
            earlier = existing.imported.get((source, "post" if doc.kind == "article" else "page", doc.key))
            if earlier is not None:
                doc.path, doc.slug = earlier.path, earlier.slug
                taken[doc.kind].add(doc.slug)
        for doc in docs:
            adopted = self.edited_by_a_person(doc, existing)
            if doc.path is None and adopted is not None:
                doc.path, doc.slug, doc.adopted = adopted.path, adopted.slug, True
                taken[doc.kind].add(doc.slug)
        for doc in docs:
            if doc.path is not None:
                continue
            item = doc.item
            base = next(
                (
                    slug
                    for slug in (slugify(wxr_name(item.name)), slugify(plain_text(item.title)))
                    if re.search("[a-z]", slug)
                ),
                f"{item.post_type}-{item.post_id}",
            )
            base = base[:80].rstrip("-")
            slug, number = base, 2
            while slug in taken[doc.kind] or self.path_for(doc, slug).exists():
                slug, number = f"{base}-{number}", number + 1
            taken[doc.kind].add(slug)
            doc.slug = slug
            doc.path = self.path_for(doc, slug)

    def edited_by_a_person(self, doc: Doc, existing: ExistingContent):
        """The file an earlier import wrote for this item whose origin line is gone (the browser editor
        drops comments when it saves), found by the item's old address among its aliases."""
        parts = urlsplit(doc.item.link)
        if parts.query or not parts.path:
            return None
        path = existing.aliases.get(alias_form(parts.path).lower())
        found = existing.files.get(path) if path is not None else None
        folder = self.content / (self.article_folder if doc.kind == "article" else self.page_folder)
        if found is None or found.origin is not None or not found.path.is_relative_to(folder):
            return None
        return found

    def path_for(self, doc: Doc, slug: str) -> Path:
        if doc.kind == "page":
            return self.content / self.page_folder / f"{slug}.md"
        return (
            self.content
            / self.article_folder
            / f"{moment_of(doc.item, self.offsets, self.export_date)[0]:%Y-%m-%d}-{slug}.md"
        )

    # Text and media

    def convert_all(self, scan: wxr.Scan, site: SiteIndex, library: MediaLibrary, docs: list[Doc]) -> None:
        by_index = {d.item.index: d for d in docs}
        for item in wxr.texts(self.options.export, set(by_index)):
            doc = by_index[item.index]
            doc.item.content, doc.item.excerpt = item.content, item.excerpt
            doc.item.meta.update(item.meta)
            converted: Converted = ItemConverter(site, library, doc.item).convert()
            doc.notes.extend(converted.notes)
            doc.ids = converted.ids
            doc.teaser = converted.teaser
            doc.images = converted.images
            doc.excerpt = item.excerpt
            doc.first_text = converted.opening
            doc.files = converted.files
            doc.spooled = self.spool.put(converted.html)
            doc.item.content = doc.item.excerpt = ""

    def register_featured(self, site: SiteIndex, library: MediaLibrary, docs: list[Doc]) -> None:
        for doc in docs:
            thumbnail = doc.item.first_meta("_thumbnail_id").strip()
            if not thumbnail.isdigit() or int(thumbnail) == 0:
                continue
            attachment = site.attachments.get(int(thumbnail))
            if attachment is None or not attachment.uploads_path:
                doc.notes.append(
                    Note(
                        NEEDS,
                        f"its featured image (media library item {thumbnail}) is not in the export",
                        "add the picture to content/images/ and write `image:` and `image_alt:`, "
                        "then publish",
                        needle="title:",
                        drafts=True,
                    )
                )
                continue
            doc.featured = library.register("image", attachment.uploads_path, attachment.url)
            doc.featured_alt = attachment.alt

    def sources(self, site: SiteIndex, dry: bool) -> Sources:
        options = self.options
        trusted = None
        allowed = {h.lower() for h in options.allow_hosts}
        if options.media_from:
            parts = urlsplit(options.media_from)
            trusted = ((parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80))
            allowed |= site.hosts
        fetcher = Fetcher(trusted=trusted, allowed_hosts=frozenset(allowed))
        if dry:
            fetcher = Fetcher(allowed_hosts=frozenset())
        return Sources(options.uploads, None if dry else options.media_from, fetcher)

    # Drafts

    def decide_status(self, docs: list[Doc], library: MediaLibrary) -> None:
        for doc in docs:
            item = doc.item
            if item.status in ("draft", "pending"):
                doc.draft_reasons.append(f"it was a {item.status} in WordPress")
            if item.status == "private":
                doc.draft_reasons.append("it was private in WordPress")
            if item.protected:
                doc.draft_reasons.append(
                    "it was protected by a password in WordPress (the password is not kept)"
                )
            for number in dict.fromkeys(doc.images):
                ref = library.refs[number]
                if ref.local is None:
                    doc.notes.append(
                        Note(
                            NEEDS,
                            f"an image could not be brought in: {ref.problem}",
                            ref.fix + "; then put the image back where the text says “Image not imported”",
                            needle="Image not imported",
                            drafts=True,
                        )
                    )
            for number in dict.fromkeys(doc.files):
                ref = library.refs[number]
                if ref.local is None and ref.kind == "file":
                    doc.notes.append(
                        Note(
                            NEEDS,
                            f"a file it links to could not be brought in: {ref.problem}",
                            ref.fix + "; then link the text to it again",
                            needle=ref.label,
                            drafts=True,
                        )
                    )
            if doc.featured is not None:
                self.check_featured(doc)
            sensitive = [t for t in doc.values.get("topics", []) if t in self.config.sensitive_topics]
            if doc.kind == "article" and sensitive:
                # WordPress has no content note: the site asks one of an article on these topics.
                what, fix = content_note_needed(sensitive)
                doc.notes.append(Note(NEEDS, what, f"{fix}, then publish", needle="topics:", drafts=True))
            if not plain_text(item.title):
                doc.notes.append(
                    Note(
                        NEEDS,
                        "it has no title in WordPress",
                        "write a `title:`, then publish",
                        needle="title:",
                        drafts=True,
                    )
                )
            doc.draft_reasons += [n.what for n in doc.notes if n.drafts]

    def check_featured(self, doc: Doc) -> None:
        ref = doc.featured
        assert ref is not None
        if ref.local is None:
            doc.notes.append(
                Note(
                    NEEDS,
                    f"its featured image could not be brought in: {ref.problem}",
                    ref.fix + "; then add `image:` and `image_alt:`",
                    needle="title:",
                    drafts=True,
                )
            )
            return
        alt = doc.featured_alt
        if not alt:
            doc.notes.append(
                Note(
                    NEEDS,
                    "its featured image has no alt text in the media library",
                    "write `image_alt:` describing the picture for people who cannot see it, then publish",
                    needle="image:",
                    drafts=True,
                )
            )
        elif looks_like_file_name(alt, ref.local):
            doc.notes.append(
                Note(
                    NEEDS,
                    f"its featured image's alt text `{alt}` is the file's name, not a description",
                    "write an `image_alt:` describing the picture, then publish",
                    needle="image_alt:",
                    drafts=True,
                )
            )

    # Writing

    def finalise(self, doc: Doc, site: SiteIndex, library: MediaLibrary, by_index: dict, source: str) -> str:
        """The file's whole text, with each note's line found in it."""
        soup = BeautifulSoup(self.spool.get(doc.spooled), "lxml")
        for image in soup.find_all("img"):
            ref = library.get(image.get("src", ""))
            if ref is None:
                continue
            if ref.local is not None:
                image["src"] = ref.local
                continue
            alt = (image.get("alt") or "").strip()
            marker = soup.new_tag("em")
            marker.string = f"[Image not imported: {ref.label}" + (f" — “{alt}”]" if alt else "]")
            image.replace_with(marker)
        for anchor in soup.find_all("a", href=True):
            self.final_link(doc, anchor, library, by_index)
        body = to_markdown(soup.body or soup)
        values = self.front_matter(doc, library)
        key_kind = "post" if doc.kind == "article" else "page"
        text = file_text(source, key_kind, doc.key, values, body)
        doc.values = values
        for note in doc.notes:
            in_body = note.media is not None
            note.line = line_of(text, note.needle, note.occurrence, body_only=in_body)
        doc.summary_line = line_of(text, "summary:")
        return text

    def final_link(self, doc: Doc, anchor, library: MediaLibrary, by_index: dict) -> None:
        href = anchor["href"]
        if href.startswith("wp-media:"):
            ref = library.get(href)
            if ref is not None and ref.local is not None:
                anchor["href"] = ref.local
                return
            if ref is not None and ref.kind == "image":
                doc.notes.append(
                    Note(
                        NEEDS,
                        f"a link to the image {ref.label} was removed (its text is kept): {ref.problem}",
                        ref.fix + "; then link the text to it again",
                        needle=anchor.get_text(" ", strip=True)[:40],
                    )
                )
            anchor.unwrap()
            return
        if href.startswith("wp-link:"):
            number, _, fragment = href.removeprefix("wp-link:").partition("#")
            target = by_index.get(int(number)) if number.isdigit() else None
            if target is None or not target.published:
                state = "is not imported" if target is None else "is imported as a draft"
                doc.notes.append(
                    Note(
                        NEEDS,
                        f"a link to “{plain_text(target.item.title) if target else 'a post'}” was removed "
                        "(its text "
                        f"is kept) because that post {state}",
                        "link the text again once the post is published",
                        needle=anchor.get_text(" ", strip=True)[:40],
                    )
                )
                anchor.unwrap()
                return
            if fragment and fragment not in target.ids:
                doc.notes.append(
                    Note(
                        CHANGED,
                        f"a link's anchor `#{fragment}` is not on the page it leads to: it "
                        "now leads to the top of that page",
                    )
                )
                fragment = ""
            relative = target.path.relative_to(self.content).as_posix()
            anchor["href"] = quote(relative) + (f"#{fragment}" if fragment else "")
            return
        if href.startswith("#") and href[1:] not in doc.ids:
            doc.notes.append(
                Note(CHANGED, f"a link to `{href}` on the same page led nowhere: its text is kept")
            )
            anchor.unwrap()

    def front_matter(self, doc: Doc, library: MediaLibrary) -> dict:
        item = doc.item
        moment, date_note = moment_of(doc.item, self.offsets, self.export_date)
        if date_note:
            doc.notes.append(Note(CHANGED, date_note, needle="date:"))
        title = plain_text(item.title) or f"Untitled (WordPress {item.post_type} {item.post_id})"
        values: dict = {"title": title}
        if doc.kind == "article":
            values["date"] = iso(moment)
            values["category"] = doc.values.get("category")
            if doc.values.get("topics"):
                values["topics"] = doc.values["topics"]
            author = self.author_of(doc)
            if author:
                values["authors"] = [author]
        summary = self.summary_of(doc)
        if summary:
            values["summary"] = summary
        if not doc.published:
            values["status"] = "draft"
        if doc.kind == "article" and doc.featured is not None and doc.featured.local is not None:
            values["image"] = doc.featured.local
            if doc.featured_alt:
                values["image_alt"] = doc.featured_alt
        if doc.kind == "article" and item.sticky:
            values["featured"] = True
        if doc.aliases:
            values["aliases"] = doc.aliases
        if item.status == "future" and moment <= self.now:
            doc.notes.append(
                Note(
                    CHANGED,
                    "it was scheduled in WordPress for a time that has passed: it is published now",
                    needle="date:",
                )
            )
        return values

    def author_of(self, doc: Doc) -> str:
        login = doc.item.creator
        name = plain_text(self.authors.get(login, login))
        if "@" in name:
            doc.notes.append(
                Note(
                    CHANGED,
                    "its author's name in WordPress is an e-mail address, which is never written: the "
                    "byline is "
                    "the site's own",
                    "add `authors: [Name]` with the author's real name if it should have one",
                    needle="title:",
                )
            )
            return ""
        return name

    def summary_of(self, doc: Doc) -> str:
        excerpt = plain_text(BeautifulSoup(doc.excerpt, "html.parser").get_text(" ")) if doc.excerpt else ""
        if excerpt:
            text, changed = summary_rule_applied(excerpt)
            if changed:
                doc.notes.append(
                    Note(
                        CHANGED,
                        "its excerpt had markup, which a summary cannot show: it was taken out",
                        needle="summary:",
                    )
                )
            return text
        opening = doc.teaser or doc.first_text
        if not opening:
            return ""
        text, _ = summary_rule_applied(plain_text(opening))
        if text:
            doc.summary_derived = True
        return shortened(text)

    def write(self, doc: Doc, text: str, source: str) -> None:
        path = doc.path
        assert path is not None
        if path.exists():
            current = path.read_text(encoding="utf-8", errors="replace")
            origin = origin_of(current)
            ours = origin is not None and (origin.source, origin.kind, origin.key) == (
                source,
                "post" if doc.kind == "article" else "page",
                doc.key,
            )
            if current == text:
                doc.outcome = "unchanged"
                return
            if doc.adopted and not self.options.force:
                doc.outcome = "kept: edited since the last import, its origin line gone (--force replaces it)"
                return
            if not ours and not doc.adopted:
                doc.outcome = "not written: another file is there"
                return
            if origin is not None and not origin.untouched and not self.options.force:
                doc.outcome = "kept: edited since the last import (--force replaces it)"
                return
            doc.outcome = "updated"
        else:
            doc.outcome = "written"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.importing")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)


__all__ = ["ImportStopped", "Importer", "Options", "Result"]
