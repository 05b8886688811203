"""One imported article or page as the file an author would have written: YAML front matter made by a
YAML library (so no title can break it), then the text in Markdown.

The first line of the front matter says where the file came from and carries a fingerprint of the rest of
the file as written. A later import compares: a file whose fingerprint still matches was not touched and
may be brought up to date; a file edited since is left alone.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from front_matter.schema import SUMMARY_MARKUP, default_slug
from front_matter.source import FAST_LOADER, FAST_LOADER_LIMIT

MARKER = re.compile(
    r"^# Imported from WordPress \((?P<source>\S+), (?P<kind>post|page) (?P<key>[\w-]+)\)\..*"
    r"fingerprint (?P<fingerprint>[0-9a-f]{32})\s*$"
)
FORMATTING_TAGS = re.compile(
    r"</?(?:b|i|em|strong|br|span|sup|sub|small|code|u|s|mark|a|abbr|del|ins|q|cite)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SPACES = re.compile(r"\s+")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]?\s+")
SUMMARY_LENGTH = 300
SUMMARY_WANTED = 160
KEY_ORDER = (
    "title", "date", "category", "topics", "authors", "summary", "status", "image", "image_alt", "featured",
    "slug", "aliases",
)  # fmt: skip


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment or a WordPress title: formatting tags dropped, entities decoded, no
    control characters, whitespace collapsed. Anything else in angle brackets was text and stays."""
    text = FORMATTING_TAGS.sub("", fragment or "")
    text = html.unescape(html.unescape(text)) if "&amp;" in text else html.unescape(text)
    return SPACES.sub(" ", CONTROL.sub("", text)).strip()


def summary_rule_applied(text: str) -> tuple[str, bool]:
    """The summary with whatever the summary rule refuses (markup, entities) taken out; True when it
    had any."""
    changed = False
    for pattern, _ in SUMMARY_MARKUP:
        while True:
            found = pattern.search(text)
            if not found:
                break
            inner = found.group(0)
            if inner.startswith("["):
                replacement = inner[1 : inner.index("]")]
            elif inner.startswith("&"):
                replacement = html.unescape(inner) if html.unescape(inner) != inner else inner[1:]
            elif inner.startswith("<"):
                replacement = ""
            else:
                replacement = inner.strip("*_`")
            text = text[: found.start()] + replacement + text[found.end() :]
            changed = True
    return SPACES.sub(" ", text).strip(), changed


def shortened(text: str) -> str:
    """The first sentence or two of `text`, at most SUMMARY_LENGTH characters, cut at a word if need be."""
    if len(text) <= SUMMARY_WANTED:
        return text
    summary = ""
    for sentence in SENTENCE_END.split(text):
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > SUMMARY_LENGTH:
            break
        summary = candidate
        if len(summary) >= SUMMARY_WANTED:
            break
    if summary:
        return summary
    cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return f"{cut}…"


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def marker_line(source: str, kind: str, key: str, rest: str) -> str:
    return (
        f"# Imported from WordPress ({source}, {kind} {key}). Edit freely: a later import leaves an edited "
        f"file alone. fingerprint {fingerprint(rest)}"
    )


class FrontMatterDumper(yaml.SafeDumper):
    """YAML as authors write front matter: one key per line, lists on one line (`topics: [A, B]`)."""

    def represent_list(self, data):
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


FrontMatterDumper.add_representer(list, FrontMatterDumper.represent_list)


def file_text(source: str, kind: str, key: str, values: dict, body: str) -> str:
    """The whole file: front matter (with the origin line first) and the body."""
    ordered = {k: values[k] for k in KEY_ORDER if k in values and values[k] not in (None, [], "")}
    yaml_text = yaml.dump(ordered, Dumper=FrontMatterDumper, sort_keys=False, allow_unicode=True, width=4096)
    rest = f"{yaml_text}---\n\n{body}" if body else f"{yaml_text}---\n"
    return f"---\n{marker_line(source, kind, key, rest)}\n{rest}"


@dataclass(frozen=True)
class Origin:
    source: str
    kind: str
    key: str
    untouched: bool


def origin_of(text: str) -> Origin | None:
    """Where an imported file came from, and whether it is as the import wrote it."""
    lines = text.split("\n", 2)
    if len(lines) < 3 or lines[0].rstrip() != "---":
        return None
    found = MARKER.match(lines[1])
    if found is None:
        return None
    return Origin(
        found.group("source"),
        found.group("kind"),
        found.group("key"),
        fingerprint(lines[2]) == found.group("fingerprint"),
    )


@dataclass
class ExistingFile:
    path: Path
    slug: str
    aliases: list[str]
    origin: Origin | None


@dataclass
class ExistingContent:
    """The articles and pages already in content/: their slugs and aliases, and which came from an import."""

    articles: dict[str, ExistingFile] = field(default_factory=dict)
    pages: dict[str, ExistingFile] = field(default_factory=dict)
    aliases: dict[str, Path] = field(default_factory=dict)
    imported: dict[tuple[str, str, str], ExistingFile] = field(default_factory=dict)
    files: dict[Path, ExistingFile] = field(default_factory=dict)

    @classmethod
    def scan(cls, content: Path, article_folder: str, page_folder: str) -> "ExistingContent":
        found = cls()
        for folder, table in ((article_folder, found.articles), (page_folder, found.pages)):
            for path in sorted((content / folder).rglob("*.md")):
                existing = read_existing(path)
                found.files[path] = existing
                table.setdefault(existing.slug, existing)
                for alias in existing.aliases:
                    found.aliases.setdefault(alias.lower(), path)
                if existing.origin is not None:
                    key = (existing.origin.source, existing.origin.kind, existing.origin.key)
                    found.imported.setdefault(key, existing)
        return found


def read_existing(path: Path) -> ExistingFile:
    """What a content file says of its address (slug and aliases), read leniently: a file with broken
    front matter still holds its file name's slug."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ExistingFile(path, default_slug(path), [], None)
    values: dict = {}
    parts = text.split("\n---", 1)
    if text.startswith("---") and len(parts) == 2:
        try:
            front = parts[0][3:]
            fast = FAST_LOADER is not None and len(front) <= FAST_LOADER_LIMIT
            loaded = yaml.load(front, Loader=FAST_LOADER if fast else yaml.SafeLoader)
        except yaml.YAMLError:
            loaded = None
        values = loaded if isinstance(loaded, dict) else {}
    slug = values.get("slug") if isinstance(values.get("slug"), str) else default_slug(path)
    aliases = [a for a in values.get("aliases") or [] if isinstance(a, str)]
    return ExistingFile(path, slug, aliases, origin_of(text))
