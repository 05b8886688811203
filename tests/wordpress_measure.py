"""The WordPress import measured on an export: what went in, what was kept, what leaked, what resolves.

`measure(export, project, site)` reads the export with lxml on its own (not through the importer), the
files the import wrote and the site built from them, and counts each target of the import. The tests
assert on the counts; run as a script it prints them for the eight shared exports:

    .venv/bin/python tests/wordpress_measure.py
"""

import html
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "plugins")]

from conftest import BUILD_MOMENT  # noqa: E402
from front_matter.render import Sanitiser, markdown_to_html  # noqa: E402
from site_core import alias_save_as  # noqa: E402

EMAIL = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IPV4 = re.compile(rb"\b\d{1,3}(?:\.\d{1,3}){3}\b")
KNOWN_SHORTCODES = re.compile(r"\[(caption|wp_caption|gallery|audio|video|playlist|embed)(\s[^\]]*)?\]")
MARKER = re.compile(r"^# Imported from WordPress \((\S+), (post|page) ([\w-]+)\)", re.MULTILINE)
NOT_IMPORTED_IMAGE = re.compile(r"\[Image not imported: [^\]]*? — “(.*?)”\]")
# The report's rows that count posts and pages (every other row counts items of other kinds).
POST_AND_PAGE_ROWS = {
    "imported and published",
    "imported as drafts (a person must look first; listed below)",
    "not imported: in the bin (trash)",
    "not imported: automatic drafts WordPress saved on its own",
    "not imported: Duplicate Post copies (rewrite and republish)",
}
MEDIA_SUFFIX = re.compile(
    r"\.(jpe?g|png|gif|webp|avif|svg|bmp|tiff?|pdf|mp3|mp4|m4a|mov|ogg|wav|webm|docx?|xlsx?|zip)$", re.I
)


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def field_text(item, name: str, namespace_part: str = "") -> str:
    for child in item:
        if local(child.tag) == name and namespace_part in (etree.QName(child.tag).namespace or ""):
            return child.text or ""
    return ""


@dataclass
class Source:
    """What the export holds, read independently of the importer."""

    items: int = 0
    posts_and_pages: int = 0
    featured: int = 0
    alts: dict[str, list[str]] = field(default_factory=dict)  # post id -> non-empty inline alt texts
    library_alts: set[str] = field(default_factory=set)  # alt texts written in the media library
    # post id -> plain path permalinks (two items may share an id: Pelican's fixture has two such pages)
    permalinks: dict[str, list[str]] = field(default_factory=dict)
    # Posts and pages readers could open on the old site: published, without a password (a scheduled one
    # was not out yet).
    public: set[str] = field(default_factory=set)
    old_slugs: dict[str, list[str]] = field(default_factory=dict)  # post id -> its earlier addresses
    hosts: set[str] = field(default_factory=set)
    old_slug_entries: int = 0  # every _wp_old_slug, the empty ones WordPress stores for an unnamed draft too
    personal: set[bytes] = field(default_factory=set)
    published_text: bytes = b""


def read_source(export: Path) -> Source:
    source = Source()
    tree = etree.parse(str(export), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    channel = tree.getroot().find("channel")
    for element in channel:
        if local(element.tag) == "link" and element.text:
            source.hosts.add(urlsplit(element.text.strip()).hostname or "")
        if local(element.tag) == "author":
            for part in element:
                if local(part.tag) == "author_email" and part.text:
                    source.personal.add(part.text.strip().encode())
    for item in channel.iter("item"):
        source.items += 1
        kind = field_text(item, "post_type", "wordpress.org/export")
        content = field_text(item, "encoded", "purl.org/rss")
        for comment in item:
            if local(comment.tag) == "comment":
                for part in comment:
                    if (
                        local(part.tag) in ("comment_author_email", "comment_author_IP")
                        and (part.text or "").strip()
                    ):
                        source.personal.add(part.text.strip().encode())
        if kind == "attachment":
            for entry in item:
                if (
                    local(entry.tag) == "postmeta"
                    and field_text(entry, "meta_key") == "_wp_attachment_image_alt"
                ):
                    source.library_alts.add(field_text(entry, "meta_value").strip())
        if kind not in ("post", "page"):
            source.personal.update(EMAIL.findall(content.encode()) + IPV4.findall(content.encode()))
            continue
        source.posts_and_pages += 1
        post_id = field_text(item, "post_id", "wordpress.org/export")
        source.published_text += content.encode()
        meta = {}
        for entry in item:
            if local(entry.tag) == "postmeta":
                key = field_text(entry, "meta_key", "wordpress.org/export")
                meta.setdefault(key, []).append(field_text(entry, "meta_value", "wordpress.org/export"))
        if meta.get("_thumbnail_id", ["0"])[0] not in ("", "0"):
            source.featured += 1
        alts = []
        if content.strip():
            for image in lxml_html.fragment_fromstring(content, create_parent="div").iter("img"):
                alt = image.get("alt")
                if alt is not None and alt.strip():
                    alts.append(alt.strip())
        source.alts[post_id] = alts
        if field_text(item, "status", "wordpress.org/export") == "publish" and not field_text(
            item, "post_password", "wordpress.org/export"
        ):
            source.public.add(post_id)
        link = field_text(item, "link").strip()
        parts = urlsplit(link)
        if parts.path and not parts.query:
            source.permalinks.setdefault(post_id, []).append(parts.path)
        name = field_text(item, "post_name", "wordpress.org/export").strip()
        source.old_slug_entries += len(meta.get("_wp_old_slug", []))
        source.old_slugs.setdefault(post_id, []).extend(
            parts.path.replace(f"/{name}/", f"/{old.strip()}/")
            for old in meta.get("_wp_old_slug", [])
            if old.strip() and name and f"/{name}/" in parts.path and not parts.query
        )
    source.hosts.discard("")
    return source


@dataclass
class Measured:
    export: str
    seconds: float = 0.0
    items: int = 0
    posts_and_pages: int = 0
    accounted: int = 0
    files: int = 0
    files_from_non_content: int = 0
    published: int = 0
    drafts: int = 0
    block_comments: int = 0
    known_shortcodes: int = 0
    build_warnings: int = 0
    featured_in_source: int = 0
    featured_kept: int = 0
    alts_in_source: int = 0
    alts_verbatim: int = 0
    alts_invented: int = 0
    old_host_media: int = 0
    offsite_loads: int = 0
    permalinks_of_published: int = 0
    permalinks_resolving: int = 0
    old_slugs_of_published: int = 0
    old_slugs_resolving: int = 0
    permalinks_in_source: int = 0
    public_permalinks: int = 0
    public_permalinks_reviewed: int = 0
    old_slugs_in_source: int = 0
    public_old_slugs: int = 0
    public_old_slugs_reviewed: int = 0
    reviewed_files: int = 0
    not_public_drafts: int = 0  # drafts of posts readers could not open on the old site either
    reviewed_build_problems: list[str] = field(default_factory=list)
    personal_leaks: list[str] = field(default_factory=list)


def prose_text(fragment: str) -> str:
    """What readers read of a page's text, leaving out code (where an article may quote a shortcode)."""
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for code in root.xpath(".//pre | .//code"):
        code.drop_tree()
    return root.text_content()


def resolves(site: Path, path: str) -> bool:
    """Whether a static host serving `site` answers the old address: with the page, or a page that sends
    readers on to it."""
    return (site / alias_save_as(path)).is_file()


def rendered(body: str) -> str:
    return markdown_to_html(body, Sanitiser())[0]


def measure(export: Path, project: Path, site: Path, seconds: float = 0.0, warnings: int = 0) -> Measured:
    source = read_source(export)
    result = Measured(export.name, seconds, source.items, source.posts_and_pages)
    result.featured_in_source = source.featured
    result.alts_in_source = sum(len(a) for a in source.alts.values())
    result.build_warnings = warnings
    result.permalinks_in_source = sum(len(paths) for paths in source.permalinks.values())
    result.public_permalinks = sum(len(source.permalinks.get(post_id, [])) for post_id in source.public)
    result.old_slugs_in_source = source.old_slug_entries
    result.public_old_slugs = sum(len(source.old_slugs.get(post_id, [])) for post_id in source.public)
    report = (project / "imports" / f"{export.stem}.report.md").read_text(encoding="utf-8")
    counted = dict(re.findall(r"^\| (.+?) \| \**(\d+)\** \|$", report, re.MULTILINE))
    result.accounted = sum(
        int(count)
        for label, count in counted.items()
        if label in POST_AND_PAGE_ROWS or label.startswith("not imported: posts with the status")
    )
    seen_ids = set()
    counted = set()
    for path in sorted((project / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = MARKER.search(text.split("\n", 2)[1]) if text.count("\n") > 1 else None
        if found is None:
            continue
        result.files += 1
        post_id = found.group(3).split("-")[0]
        if post_id not in source.alts:
            result.files_from_non_content += 1
        seen_ids.add(post_id)
        front, body = text.split("---\n", 2)[1:]
        dated = re.search(r"^date: '?([^'\n]+)'?$", front, re.MULTILINE)
        scheduled = bool(dated) and datetime.fromisoformat(dated.group(1)) > BUILD_MOMENT
        draft = "\nstatus: draft" in f"\n{front}" or scheduled
        result.drafts += draft
        result.not_public_drafts += draft and post_id not in source.public
        result.published += not draft
        result.featured_kept += "\nimage: " in f"\n{front}"
        written = rendered(body)
        prose = prose_text(written)
        result.block_comments += prose.count("<!-- wp:")
        result.known_shortcodes += len(KNOWN_SHORTCODES.findall(prose))
        out_alts = (
            [
                img.get("alt")
                for img in lxml_html.fragment_fromstring(written, create_parent="div").iter("img")
            ]
            if written.strip()
            else []
        )
        out_alts = [a for a in out_alts if a] + NOT_IMPORTED_IMAGE.findall(
            html.unescape(body.replace("\\", ""))
        )
        wanted = Counter(source.alts.get(post_id, []))
        got = Counter(a.strip() for a in out_alts)
        result.alts_verbatim += sum((wanted & got).values())
        result.alts_invented += sum(n for alt, n in (got - wanted).items() if alt not in source.library_alts)
        if not draft and post_id not in counted:
            counted.add(post_id)
            paths = source.permalinks.get(post_id, [])
            result.permalinks_of_published += len(paths)
            result.permalinks_resolving += sum(resolves(site, path) for path in paths)
            for old in source.old_slugs.get(post_id, []):
                result.old_slugs_of_published += 1
                result.old_slugs_resolving += resolves(site, old)
    written_files = [p for p in (project / "content").rglob("*") if p.is_file()] + list(
        (project / "imports").glob("*")
    )
    everything = b"".join(p.read_bytes() for p in written_files)
    for value in sorted(source.personal):
        if value in everything and value not in source.published_text and not value.startswith(b"0"):
            result.personal_leaks.append(value.decode(errors="replace"))
    for page in site.rglob("*.html"):
        document = lxml_html.fromstring(page.read_bytes() or b"<html></html>")
        for element in document.iter():
            for attribute in ("src", "href", "srcset", "poster", "data"):
                value = element.get(attribute)
                if not value:
                    continue
                for address in value.split(","):
                    address = address.strip().split(" ")[0]
                    parts = urlsplit(address)
                    host = (parts.hostname or "").lower()
                    if host and (host in source.hosts or host.endswith(".files.wordpress.com")):
                        path = unquote(parts.path)
                        if "/wp-content/uploads/" in path or MEDIA_SUFFIX.search(path):
                            result.old_host_media += 1
                    if attribute != "href" and host and element.tag != "a":
                        result.offsite_loads += 1
    return result


SUGGESTED = re.compile(r"^(    category:) *(?:# suggestion: (.+))?$", re.MULTILINE)
TOPIC_SUGGESTED = re.compile(r"^(    topics:) \[\]  # suggestion: \[(.+)\]$", re.MULTILINE)


def complete_map(map_file: Path, fallback: str = "News") -> None:
    """Make the choices a person makes in the map the first run wrote: each category its suggestion, or
    `fallback` where there is none, and each suggested topic taken."""
    text = map_file.read_text(encoding="utf-8")
    text = SUGGESTED.sub(lambda m: f"{m[1]} {m[2] or fallback}", text)
    map_file.write_text(TOPIC_SUGGESTED.sub(r"\1 [\2]", text), encoding="utf-8")


# What the report asks a person to do about an image, at the file and line it names.
FLAGGED_IMAGE_LINE = re.compile(
    r"^- `(?P<path>[^`]+):(?P<line>\d+)`: an image(?: has no|'s) alt text", re.MULTILINE
)
MARKDOWN_ALT = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(")
HTML_ALT = re.compile(r'<img\b([^>]*?)\salt="[^"]*"|<img\b(?![^>]*\balt=)')
PERSON_ALT = "A picture a person described"


def described(line: str) -> str:
    line = MARKDOWN_ALT.sub(f"![{PERSON_ALT}](", line)
    return HTML_ALT.sub(lambda m: f'<img{m.group(1) or ""} alt="{PERSON_ALT}"', line)


def review(project: Path, export: Path, source: Source) -> int:
    """Do what the import's report asks of a person before a held post goes out, for every post readers
    could open on the old site: describe each image it names, give an untitled post a title, and publish.
    Returns how many files were published so."""
    report = (project / "imports" / f"{export.stem}.report.md").read_text(encoding="utf-8")
    flagged: dict[str, set[int]] = {}
    for found in FLAGGED_IMAGE_LINE.finditer(report):
        flagged.setdefault(found["path"], set()).add(int(found["line"]))
    published = 0
    for path in sorted((project / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = MARKER.search(text.split("\n", 2)[1]) if text.count("\n") > 1 else None
        if found is None or found.group(3).split("-")[0] not in source.public:
            continue
        lines = text.split("\n")
        if "status: draft" not in lines[: lines.index("---", 1)]:
            continue
        for number in flagged.get(path.relative_to(project).as_posix(), ()):
            lines[number - 1] = described(lines[number - 1])
        lines.remove("status: draft")
        end = lines.index("---", 1)
        front = lines[:end]
        if any(line.startswith("image: ") for line in front) and not any(
            line.startswith("image_alt: ") for line in front
        ):
            lines.insert(end, f"image_alt: {PERSON_ALT}")
        lines = [
            "title: A title a person wrote" if line in ("title: ''", 'title: ""') else line for line in lines
        ]
        path.write_text("\n".join(lines), encoding="utf-8")
        published += 1
    return published


def measure_reviewed(export: Path, project: Path, site: Path, result: Measured, problems: list[str]) -> None:
    """The old addresses of every post readers could open on the old site, in the site built after a person
    did what the report asks (`review`): each must resolve."""
    source = read_source(export)
    result.reviewed_build_problems = problems
    for post_id in source.public:
        paths = source.permalinks.get(post_id, [])
        result.public_permalinks_reviewed += sum(resolves(site, path) for path in paths)
        result.public_old_slugs_reviewed += sum(
            resolves(site, old) for old in source.old_slugs.get(post_id, [])
        )


def print_table(rows: list[Measured]) -> None:
    fields = [
        ("items", "items"), ("posts and pages", "posts_and_pages"), ("accounted", "accounted"),
        ("files", "files"), ("non-content files", "files_from_non_content"), ("published", "published"),
        ("drafts", "drafts"), ("block comments", "block_comments"), ("known shortcodes", "known_shortcodes"),
        ("build warnings", "build_warnings"), ("featured in source", "featured_in_source"),
        ("featured kept", "featured_kept"), ("alts in source", "alts_in_source"),
        ("alts verbatim", "alts_verbatim"), ("alts invented", "alts_invented"),
        ("old-host media in site", "old_host_media"), ("off-site loads", "offsite_loads"),
        ("permalinks of published items", "permalinks_of_published"), ("…resolving", "permalinks_resolving"),
        ("old slugs of published items", "old_slugs_of_published"), ("…resolving", "old_slugs_resolving"),
        ("permalinks in the export (paths)", "permalinks_in_source"),
        ("…of posts readers could open", "public_permalinks"),
        ("held posts published after review", "reviewed_files"),
        ("…permalinks resolving then", "public_permalinks_reviewed"),
        ("old-slug entries in the export", "old_slugs_in_source"),
        ("…with an address, readers could open", "public_old_slugs"),
        ("…resolving after review", "public_old_slugs_reviewed"),
        ("import seconds", "seconds"),
    ]  # fmt: skip
    print("| | " + " | ".join(r.export.removesuffix(".xml") for r in rows) + " | all |")
    print("|---|" + "---:|" * (len(rows) + 1))
    for label, name in fields:
        values = [getattr(r, name) for r in rows]
        total = sum(values)
        shown = [f"{v:.1f}" if isinstance(v, float) else str(v) for v in [*values, total]]
        print(f"| {label} | " + " | ".join(shown) + " |")
    print("| personal data written | " + " | ".join(str(len(r.personal_leaks)) for r in rows) + " | |")


def main() -> None:
    """Import each shared export into a fresh copy of the project as a person would (the first run writes
    the map, the map completed, the second run imports; stand-in uploads), build it, and print the table."""
    import shutil
    import tempfile

    from conftest import copy_project
    from wordpress_import import build, build_warnings, import_wordpress
    from wordpress_media import stand_in_uploads

    rows = []
    exports = sorted((HERE.parent.parent / "shared" / "wp").glob("*.xml"))
    keep = os.environ.get("MEASURE_IN")
    with tempfile.TemporaryDirectory() as temporary:
        scratch = keep or temporary
        for export in exports:
            project = copy_project(Path(scratch) / export.stem)
            uploads = Path(scratch) / f"{export.stem}-uploads"
            stand_in_uploads(export, uploads)
            import_wordpress(project, export, "--uploads", str(uploads))
            map_file = project / "imports" / f"{export.stem}.map.yml"
            complete_map(map_file)
            started = time.perf_counter()
            done = import_wordpress(project, export, "--map", str(map_file), "--uploads", str(uploads))
            seconds = (
                float(re.search(r"\((\d+\.\d) s\)", done.stdout).group(1))
                if done.returncode == 0
                else time.perf_counter() - started
            )
            site = Path(scratch) / f"{export.stem}-site"
            built = build(project, site)
            failed = (built.returncode != 0) * 1000
            row = measure(export, project, site, seconds, len(build_warnings(built)) + failed)
            row.reviewed_files = review(project, export, read_source(export))
            reviewed_site = Path(scratch) / f"{export.stem}-reviewed"
            rebuilt = build(project, reviewed_site)
            failure = [] if rebuilt.returncode == 0 else [rebuilt.stderr[-2000:]]
            problems = build_warnings(rebuilt) or failure
            measure_reviewed(export, project, reviewed_site, row, problems)
            rows.append(row)
            if "MEASURE_IN" not in os.environ:
                shutil.rmtree(site, ignore_errors=True)
                shutil.rmtree(reviewed_site, ignore_errors=True)
    print_table(rows)
    for row in rows:
        for problem in row.reviewed_build_problems:
            print(f"{row.export} after review: {problem}")


if __name__ == "__main__":
    main()
