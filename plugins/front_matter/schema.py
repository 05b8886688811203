"""The content model: every front-matter key, its rule, and how to fix a value that breaks it.

This is the one place the rules are written. The Pelican reader, `invoke check` (through the same
reader) and `invoke new` all validate with `validate()`.
"""

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from site_core import ContentModel, ModelField, Problem, Requirement

from .config import SLUG_PATTERN, ContentConfig, Vocabulary
from .source import Entry, Source, SourceError, node_line, read_source

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")
# An old address on this site: from the root, URL-safe characters or %-escapes only, no query or fragment.
ALIAS_PATTERN = re.compile(r"/(?:[A-Za-z0-9._~/-]|%[0-9A-Fa-f]{2})*")
# What a decoded alias may not hold: a host would not find, or should not serve, a file named with it.
UNSAFE_IN_A_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
STATUSES = ("published", "draft")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"}
# Tab and newline are ordinary in text; every other control character is invisible and breaks feeds.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Invalid(ValueError):
    """A value that breaks its key's rule; `line` when the problem is on a line below the key."""

    def __init__(self, message: str, fix: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.line = line


@dataclass(frozen=True)
class Context:
    """What the rules need to know besides the value itself."""

    config: ContentConfig
    content_root: Path
    image_folders: tuple[str, ...]
    first_yaml_line: int = 2


@dataclass(frozen=True)
class Field:
    name: str
    check: Callable[[Entry, Context], Any]
    description: str
    example: str
    required: bool = False
    # How a form shows the key (site_core.KINDS), and what the checks demand of it in a form's terms.
    kind: str = "text"
    options: tuple[str, ...] | str = ()  # the choices, or the name of the vocabulary they come from
    pattern: str | None = None
    pattern_hint: str = ""
    # For an optional key: the documents that must have it all the same, in this site's terms.
    requirement: Callable[[ContentConfig], Requirement | None] | None = None


@dataclass
class Document:
    """A source file after validation: clean values, the line of each key, and what was wrong."""

    path: Path
    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def _describe(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a set of `key: value` pairs"
    if node.tag == NULL_TAG or not node.value.strip():
        return "empty"
    return f"`{node.value}`"


def _colon_in_text(node: Node) -> str | None:
    """The text an author meant, when YAML read it as one `key: value` pair because of a colon in it
    (`- Rise: 20% more referrals`)."""
    if not isinstance(node, MappingNode) or node.flow_style or len(node.value) != 1:
        return None
    key, value = node.value[0]
    if not all(isinstance(part, ScalarNode) and not part.style for part in (key, value)):
        return None
    return f"{key.value}: {value.value}" if value.value else None


def _scalar_text(node: Node, what: str, example: str) -> str:
    meant = _colon_in_text(node)
    if meant is not None:
        escaped = meant.replace("\\", "\\\\").replace('"', '\\"')
        raise Invalid(
            f"{what} must be text, but the colon after `{meant.partition(':')[0]}` makes YAML read it as a "
            "key and a value",
            f'put the whole text in double quotes: `"{escaped}"`',
        )
    if not isinstance(node, ScalarNode) or node.tag == NULL_TAG or not node.value.strip():
        raise Invalid(f"{what} must be text, but it is {_describe(node)}", f"write it as {example}")
    text = node.value.strip()
    bad = CONTROL_CHARACTER.search(text)
    if bad:
        raise Invalid(
            f"{what} contains the invisible control character U+{ord(bad.group()):04X}",
            "delete it (retype the text around it if you cannot see it)",
        )
    return text


def _items(entry: Entry, example: str) -> list[Node]:
    if not isinstance(entry.node, SequenceNode):
        raise Invalid(
            f"`{entry.key}` must be a list, but it is {_describe(entry.node)}",
            f"write it as a list, for example {example}",
        )
    return entry.node.value


def check_text(entry: Entry, context: Context) -> str:
    return _scalar_text(entry.node, f"`{entry.key}`", f"`{entry.key}: Some text`")


# Markup a summary might carry: it is shown as plain text (teasers, standfirst, meta descriptions, feeds),
# so `<b>` or `**` would appear to readers as written.
SUMMARY_MARKUP = (
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>"), "an HTML tag"),
    (re.compile(r"\*\*[^*\s][^*]*\*\*|__[^_\s][^_]*__"), "Markdown bold (`**…**`)"),
    (
        re.compile(r"(?<![\w*])\*[^*\s][^*]*(?<!\s)\*(?![\w*])|(?<!\w)_[^_\s][^_]*(?<!\s)_(?!\w)"),
        "Markdown italics (`*…*`)",
    ),
    (re.compile(r"\[[^\]]+\]\([^)]+\)"), "a Markdown link (`[…](…)`)"),
    (re.compile(r"`[^`]+`"), "Markdown code (`` `…` ``)"),
    (re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"), "an HTML entity (`&…;`)"),
)


# The same rule as one expression a form can test as the author types (Python and JavaScript read it alike).
SUMMARY_PATTERN = r"^(?![\s\S]*(?:" + "|".join(p.pattern for p, _ in SUMMARY_MARKUP) + r"))[\s\S]*$"


def check_summary(entry: Entry, context: Context) -> str:
    """Plain text, the one rule for summaries: markup in it is a problem, never shown literally."""
    text = check_text(entry, context)
    for pattern, what in SUMMARY_MARKUP:
        found = pattern.search(text)
        if found:
            raise Invalid(
                f"`summary` is plain text, but it contains {what}: `{found.group(0)}` would show as written",
                "write the summary without markup (keep emphasis and links for the text itself); "
                "type the character itself instead of an entity",
            )
    return text


def check_slug(entry: Entry, context: Context) -> str:
    text = _scalar_text(entry.node, "`slug`", "`slug: my-article`")
    if not SLUG_PATTERN.fullmatch(text):
        raise Invalid(
            f"the slug `{text}` may only use lower-case letters, digits and single hyphens",
            f"use `slug: {slugify(text) or 'my-article'}`",
        )
    return text


def _stays_in_its_folders(path: str) -> bool:
    return "//" not in path and not any(part in {".", ".."} for part in path.split("/")[1:])


def check_aliases(entry: Entry, context: Context) -> list[str]:
    aliases = []
    for node in _items(entry, "`aliases: [/news/old-address/]`"):
        text = _scalar_text(node, "each item of `aliases`", "an old path such as /news/old-address/")
        line = node_line(node, context.first_yaml_line)
        if not ALIAS_PATTERN.fullmatch(text) or not _stays_in_its_folders(text):
            raise Invalid(
                f"the alias `{text}` is not a path on this site",
                "write the old address from the site root, e.g. `/news/2019/old-title/` (letters, digits, "
                "- _ . ~ and /, or %-escapes such as %C3%A9; no domain, no ?query or #anchor)",
                line,
            )
        try:
            decoded = unquote(text, errors="strict")
        except UnicodeDecodeError:
            decoded = None
        if decoded is None or not _stays_in_its_folders(decoded) or UNSAFE_IN_A_PATH.search(decoded):
            raise Invalid(
                f"the alias `{text}`, its %-escapes decoded as a web host decodes them, is not a path "
                "on this site",
                "write each %-escape as the UTF-8 bytes of a character (`é` is %C3%A9); decoded, the path "
                "may not hold `..`, `//`, `\\` or a control character",
                line,
            )
        aliases.append(text)
    return aliases


def check_status(entry: Entry, context: Context) -> str:
    text = _scalar_text(entry.node, "`status`", "`status: published`")
    if text not in STATUSES:
        raise Invalid(f"`status` is `{text}`", "use `status: published` or `status: draft`")
    return text


def check_bool(entry: Entry, context: Context) -> bool:
    node = entry.node
    if not isinstance(node, ScalarNode) or node.tag != BOOL_TAG:
        raise Invalid(
            f"`{entry.key}` must be true or false, but it is {_describe(node)}",
            f"write `{entry.key}: true` or `{entry.key}: false`",
        )
    return SafeConstructor.bool_values[node.value.lower()]


def check_date(entry: Entry, context: Context) -> datetime:
    text = _scalar_text(entry.node, f"`{entry.key}`", f"`{entry.key}: 2026-11-24`")
    example = f"`{entry.key}: 2026-11-24` or `{entry.key}: 2026-11-24T09:30`"
    if not ISO_DATE.fullmatch(text):
        raise Invalid(
            f"`{entry.key}` `{text}` is not a date written year-month-day", f"write it as {example}"
        )
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise Invalid(
            f"`{entry.key}` `{text}` is not a real date ({error})", f"write it as {example}"
        ) from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(context.config.timezone))
    return parsed


def _vocabulary_item(node: Node, vocabulary: Vocabulary, what: str, plural: str, context: Context) -> str:
    text = _scalar_text(node, what, f"one of: {', '.join(vocabulary.names())}")
    name = vocabulary.canonical(text)
    if name is None:
        close = difflib.get_close_matches(text, vocabulary.names(), n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`? " if close else ""
        raise Invalid(
            f"{what} `{text}` is not one of the site's {plural}",
            f"{hint}use one of: {', '.join(vocabulary.names())} (or add it to the {plural} list in "
            "pelicanconf.py)",
            line=node_line(node, context.first_yaml_line),
        )
    return name


def check_category(entry: Entry, context: Context) -> str:
    return _vocabulary_item(entry.node, context.config.categories, "`category`", "categories", context)


def check_topics(entry: Entry, context: Context) -> list[str]:
    names = []
    for node in _items(entry, "`topics: [Fostering, Adoption]`"):
        name = _vocabulary_item(node, context.config.topics, "topic", "topics", context)
        if name not in names:
            names.append(name)
    return names


def _text_list(entry: Entry, context: Context, example: str) -> list[str]:
    values = []
    for node in _items(entry, example):
        try:
            values.append(_scalar_text(node, f"each item of `{entry.key}`", "a line of text"))
        except Invalid as error:
            error.line = node_line(node, context.first_yaml_line)
            raise
    return values


def check_authors(entry: Entry, context: Context) -> list[str]:
    return _text_list(entry, context, "`authors: [Jane Smith, Sam Patel]`")


def check_key_points(entry: Entry, context: Context) -> list[str]:
    return _text_list(entry, context, "one `- point` per line below `key_points:`")


def check_sources(entry: Entry, context: Context) -> list[dict[str, str]]:
    example = "`- {title: Report name, url: https://example.org/report}`"
    sources = []
    for node in _items(entry, example):
        line = node_line(node, context.first_yaml_line)
        if not isinstance(node, MappingNode):
            raise Invalid(
                f"each source must have a title and a url, but one is {_describe(node)}",
                f"write each as {example}",
                line,
            )
        found = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else "?"
            if key not in ("title", "url"):
                raise Invalid(
                    f"a source has the unknown key `{key}`",
                    "give each source only `title` and `url`",
                    node_line(key_node, context.first_yaml_line),
                )
            found[key] = _scalar_text(value_node, f"a source's `{key}`", example)
        missing = [key for key in ("title", "url") if key not in found]
        if missing:
            raise Invalid(f"a source has no `{missing[0]}`", f"write each as {example}", line)
        try:
            parts = urlsplit(found["url"])
        except ValueError:  # e.g. an unclosed [ in the host
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Invalid(
                f"the source URL `{found['url']}` is not a web address",
                "give the full address, starting with https://",
                line,
            )
        sources.append(found)
    return sources


def check_image(entry: Entry, context: Context) -> str:
    text = _scalar_text(entry.node, "`image`", "`image: images/my-photo.jpg`")
    relative = PurePosixPath(text.removeprefix("/"))
    folders = " or ".join(f"content/{folder}/" for folder in context.image_folders)
    if ".." in relative.parts or relative.parts[0] not in context.image_folders:
        raise Invalid(
            f"the image `{text}` is not inside {folders}",
            f"put the file in {folders} and write its path from there, e.g. `images/photo.jpg`",
        )
    if relative.suffix.lower() not in IMAGE_SUFFIXES:
        raise Invalid(f"`{text}` is not an image file", f"use one of: {', '.join(sorted(IMAGE_SUFFIXES))}")
    root = context.content_root.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Invalid(
            f"the image `{text}` does not exist under content/",
            "check the spelling, or add the file to content/images/",
        )
    return relative.as_posix()


FOCUS = re.compile(r"^(\d{1,3})%\s+(\d{1,3})%$")


def check_focus(entry: Entry, context: Context) -> tuple[int, int]:
    """The point of the lead image a cropped social card keeps in view: across, then down, in per cent."""
    text = _scalar_text(entry.node, "`image_focus`", "`image_focus: 50% 30%`")
    found = FOCUS.match(text)
    if not found or int(found.group(1)) > 100 or int(found.group(2)) > 100:
        raise Invalid(
            f"`image_focus` must be two percentages, across then down, but it is `{text}`",
            "write it as `image_focus: 50% 30%` (0% 0% is the top left corner, 100% 100% the bottom right)",
        )
    return int(found.group(1)), int(found.group(2))


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _in_a_sentence(name: str) -> str:
    """A topic's name inside a sentence: `Domestic abuse` → `domestic abuse`; `COVID-19` stays."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def content_note_needed(topics: list[str]) -> tuple[str, str]:
    """(what is wrong, how to fix it) for an article on sensitive `topics` without a content note."""
    plural = len(topics) > 1
    quoted = _joined([f'"{topic}"' for topic in topics])
    example = f"This article discusses {_joined([_in_a_sentence(topic) for topic in topics])}."
    return (
        f"the topic{'s' if plural else ''} {quoted} need{'' if plural else 's'} a content note",
        f'add `content_note: "{example}"` (one plain sentence warning readers what the article covers)',
    )


def content_note_requirement(config: ContentConfig) -> Requirement | None:
    """The content-note rule for a form: a note is needed with any of the site's sensitive topics."""
    if not config.sensitive_topics:
        return None
    messages = []
    for topic in config.sensitive_topics:
        message, _ = content_note_needed([topic])
        example = f"This article discusses {_in_a_sentence(topic)}."
        told = (
            f"{message[:1].upper()}{message[1:]}: write one plain sentence warning readers what the article "
            f'covers, such as "{example}" A draft may wait for it.'
        )
        # Written by name or by slug, as a file may write a topic.
        messages += [(topic, told), (config.topics.slugs[topic], told)]
    topics = ", ".join(config.sensitive_topics)
    hint = f"Required, unless the article is a draft, with any of the topics: {topics}."
    return Requirement("topics", tuple(messages), hint)


SLUG_HINT = "lower-case letters, digits and single hyphens, e.g. councils-referrals"
ALIAS_HINT = "a path from the site root, e.g. /news/2019/old-title/"
SUMMARY_HINT = "plain text: no HTML tags, Markdown or entities"


def slug_field(description: str, example: str) -> Field:
    return Field(
        "slug", check_slug, description, example, pattern=f"^{SLUG_PATTERN.pattern}$", pattern_hint=SLUG_HINT
    )


def summary_field(description: str, example: str) -> Field:
    return Field(
        "summary",
        check_summary,
        description,
        example,
        kind="long_text",
        pattern=SUMMARY_PATTERN,
        pattern_hint=SUMMARY_HINT,
    )


def aliases_field(example: str) -> Field:
    return Field(
        "aliases",
        check_aliases,
        "Old addresses that redirect here.",
        example,
        kind="text_list",
        pattern=f"^{ALIAS_PATTERN.pattern}$",
        pattern_hint=ALIAS_HINT,
    )


STATUS_FIELD = Field(
    "status", check_status, "`published` (default) or `draft`.", "draft", kind="choice", options=STATUSES
)
SOURCE_FIELDS = (
    Field("title", check_text, "The report or release's name.", "The report", True),
    Field(
        "url",
        check_text,
        "Its full web address.",
        "https://example.org/report",
        True,
        pattern=r"^https?://[^\s/]+\S*$",
        pattern_hint="a full web address, starting with https://",
    ),
)
ARTICLE_FIELDS = (
    Field("title", check_text, "Headline, as readers see it.", '"Councils report rise in referrals"', True),
    Field(
        "date",
        check_date,
        "Publication date, year-month-day, with a time if wanted; UK time unless a zone is given.",
        "2026-11-24",
        True,
        kind="date",
    ),
    Field("category", check_category, "One of the site's categories.", "News", True, "choice", "categories"),
    Field(
        "topics",
        check_topics,
        "Topics from the site's list of topics.",
        "[Fostering, Adoption]",
        kind="choices",
        options="topics",
    ),
    Field("authors", check_authors, "List of author names.", "[Jane Smith]", kind="text_list"),
    Field("author", check_text, "A single author's name (instead of `authors`).", "Jane Smith"),
    summary_field("Standfirst and teaser, plain text (no markup).", '"One or two sentences."'),
    Field(
        "modified",
        check_date,
        "Date of the last significant update; not before `date`.",
        "2026-11-25",
        kind="date",
    ),
    slug_field("Last part of the URL; defaults to the file name.", "councils-referrals"),
    STATUS_FIELD,
    Field(
        "image", check_image, "Lead image, a path under content/images/.", "images/photo.jpg", kind="image"
    ),
    Field(
        "image_alt",
        check_text,
        "Text alternative for the image; required with `image` unless the article is a draft.",
        '"Two social workers"',
    ),
    Field(
        "image_focus",
        check_focus,
        "Point of the image kept in view when it is cropped for social cards (across, down).",
        '"50% 30%"',
        pattern=FOCUS.pattern,
        pattern_hint="two percentages, across then down, e.g. 50% 30%",
    ),
    Field("featured", check_bool, "true to lead the home page.", "true", kind="flag"),
    Field(
        "content_note",
        check_text,
        "Warning shown before distressing content: one plain sentence saying what the article covers.",
        '"This article discusses domestic abuse."',
        requirement=content_note_requirement,
    ),
    Field("key_points", check_key_points, "List of short key points.", '["First point"]', kind="text_list"),
    aliases_field("[/news/2019/old-title/]"),
    Field(
        "sources",
        check_sources,
        "Reports and press releases, each with a title and a web address.",
        "[{title: The report, url: 'https://example.org/report'}]",
        kind="records",
    ),
)
PAGE_FIELDS = (
    Field("title", check_text, "Page heading.", "About us", True),
    slug_field("The page's URL, /{slug}/; defaults to the file name.", "about"),
    summary_field("Description for search engines and listings, plain text.", '"Who we are."'),
    STATUS_FIELD,
    aliases_field("[/old-about/]"),
)
# The records a `records` key holds, by key.
ITEM_FIELDS = {"sources": SOURCE_FIELDS}
FIELDS = {"article": {f.name: f for f in ARTICLE_FIELDS}, "page": {f.name: f for f in PAGE_FIELDS}}


def model_field(spec: Field, config: ContentConfig) -> ModelField:
    vocabularies = {"categories": config.categories, "topics": config.topics}
    options = vocabularies[spec.options].names() if isinstance(spec.options, str) else spec.options
    requirement = spec.requirement(config) if spec.requirement else None
    return ModelField(
        name=spec.name,
        kind=spec.kind,
        hint=f"{spec.description} {requirement.hint}"
        if requirement and requirement.hint
        else spec.description,
        required=spec.required,
        options=tuple(options),
        pattern=spec.pattern,
        pattern_hint=spec.pattern_hint,
        item_fields=tuple(model_field(item, config) for item in ITEM_FIELDS.get(spec.name, ())),
        required_when=requirement,
    )


def content_model(config: ContentConfig) -> ContentModel:
    """The rules above as data, with this site's categories and topics, for forms that show them."""
    return ContentModel(
        {kind: tuple(model_field(f, config) for f in fields.values()) for kind, fields in FIELDS.items()}
    )


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def default_slug(path: Path) -> str:
    return LEADING_DATE.sub("", path.stem)


def _add_the_line(spec: Field, config: ContentConfig) -> str:
    """How to add a missing key: a line to write, and the choices when the key takes one of a list."""
    choices = getattr(config, spec.options).names() if isinstance(spec.options, str) else list(spec.options)
    if not choices:
        return f"add a line `{spec.name}: {spec.example}`"
    return f"add a line `{spec.name}: {choices[0]}`, with one of: {', '.join(choices)}"


def validate(source: Source, path: Path, kind: str, context: Context) -> Document:
    """Check every key of one file, collecting all its problems rather than stopping at the first."""
    fields = FIELDS[kind]
    document = Document(path, kind, body=source.body, body_line=source.body_line)

    def problem(line: int, message: str, fix: str) -> None:
        document.problems.append(Problem(str(path), line, message, fix))

    for entry in source.duplicate_keys:
        problem(entry.line, f"`{entry.key}` is given twice", "keep one of them")
    for key, entry in source.entries.items():
        document.lines[key] = entry.line
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            allowed = ", ".join(fields)
            fix = (
                f"did you mean `{close[0]}`?"
                if close
                else f"remove it; the keys a {kind} takes are: {allowed}"
            )
            problem(entry.line, f"unknown key `{key}`", fix)
            continue
        try:
            document.values[key] = fields[key].check(entry, context)
        except Invalid as error:
            problem(error.line or entry.line, error.message, error.fix)
    for name, spec in fields.items():
        if spec.required and name not in source.entries:
            problem(1, f"the required key `{name}` is missing", _add_the_line(spec, context.config))
    _check_combinations(document, problem)
    _check_content_note(document, context.config, problem)
    return document


def _check_content_note(
    document: Document, config: ContentConfig, problem: Callable[[int, str, str], None]
) -> None:
    """An article on a sensitive topic warns readers first. As for alt text, a draft may wait (it is not
    published); a scheduled article goes live with no one looking, so it needs its note now."""
    if (
        document.kind != "article"
        or "content_note" in document.lines
        or document.values.get("status") == "draft"
    ):
        return
    sensitive = [topic for topic in document.values.get("topics", []) if topic in config.sensitive_topics]
    if sensitive:
        problem(document.line_of("topics"), *content_note_needed(sensitive))


def _check_combinations(document: Document, problem: Callable[[int, str, str], None]) -> None:
    values, line_of = document.values, document.line_of
    if "slug" not in document.lines:
        slug = default_slug(document.path)
        if SLUG_PATTERN.fullmatch(slug):
            values["slug"] = slug
        else:
            better = slugify(slug) or "my-article"
            problem(
                1,
                f"the file name `{document.path.name}` does not make a valid slug",
                f"rename it to `{better}.md`, or add `slug: {better}`",
            )
    if document.kind != "article":
        return
    if "author" in values and "authors" in values:
        problem(
            line_of("author"), "both `author` and `authors` are given", "keep only `authors` with every name"
        )
    modified, published = values.get("modified"), values.get("date")
    if isinstance(modified, datetime) and isinstance(published, datetime) and modified < published:
        problem(
            line_of("modified"),
            f"`modified` ({modified:%Y-%m-%d %H:%M}) is before `date` ({published:%Y-%m-%d %H:%M})",
            "set `modified` to the date of the update, on or after `date`",
        )
    # A draft's alt text may wait for a person to write it (an import's drafts); a scheduled article is
    # published by a later build with no one looking, so it needs its alt text now.
    if "image" in document.lines and "image_alt" not in document.lines and values.get("status") != "draft":
        problem(
            line_of("image"),
            "`image` has no `image_alt`",
            "add `image_alt:` describing the picture for people who cannot see it",
        )
    if "image_focus" in document.lines and "image" not in document.lines:
        problem(
            line_of("image_focus"),
            "`image_focus` is given without an `image`",
            "add `image:` or remove `image_focus`",
        )
    if "image_alt" in document.lines and "image" not in document.lines:
        problem(
            line_of("image_alt"),
            "`image_alt` is given without an `image`",
            "add `image:` or remove `image_alt`",
        )


def read_document(path: Path, kind: str, context: Context, raw: bytes | None = None) -> Document:
    """Read and validate one file (or its bytes, `raw`); problems that stop reading it at all come back
    as a document too."""
    try:
        source = read_source(path, raw)
    except SourceError as error:
        return Document(path, kind, problems=[Problem(str(path), error.line, error.message, error.fix)])
    return validate(source, path, kind, context)
