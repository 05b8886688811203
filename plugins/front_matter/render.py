"""Markdown to safe HTML, converted once per article; the teaser and word count come from that HTML."""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import smarty
from pelican.settings import DEFAULT_CONFIG

from site_core.internals import InlineByCharacter

# Used when the site does not set Pelican's MARKDOWN setting; a site that does has its extensions and their
# configurations merged over these.
MARKDOWN_EXTENSION_CONFIGS = {
    "markdown.extensions.extra": {"footnotes": {"BACKLINK_TITLE": "Back to reference %d"}},
    "markdown.extensions.sane_lists": {},
    "markdown.extensions.smarty": {"smart_angled_quotes": False},
    "markdown.extensions.toc": {"permalink": False},
}
# Front matter is read by this plugin, so Markdown's own `meta` extension would only take the first lines of
# a body that look like `Key: value` away from the text.
NEVER_LOADED = {"markdown.extensions.meta", "meta"}

# What Markdown (with the extensions above) produces, plus tables and figures written as raw HTML.
# Anything else (script, style, iframe, form, event handlers, javascript: URLs) is removed.
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"center", "strike", "tt", "acronym", "map", "area"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) - {"align", "char", "charoff"} for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "title", "lang", "dir"},
    "a": {"href", "hreflang", "class"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "td": {"colspan", "rowspan", "headers"},
    "abbr": {"title"},
    "div": {"class"},
    "sup": {"class"},
    "li": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
WHITESPACE = re.compile(r"\s+")


IFRAME_ATTRIBUTES = {"src", "title", "width", "height", "allow", "allowfullscreen", "loading"}
# Elements dropped together with everything inside them.
DROPPED_WITH_CONTENT = {"script", "style"}


def safe_split(url: str):
    """urlsplit, or None for text that is not a URL at all (urlsplit raises on some, e.g. `https://[x`)."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def _scheme(url: str) -> str:
    parts = safe_split(url)
    return parts.scheme.lower() if parts is not None else "invalid"


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser took out, and a piece of the source to find its line by."""

    what: str
    needle: str


@dataclass(frozen=True)
class Sanitiser:
    """nh3 with the site's allow-list; iframes only from `iframe_hosts` (none by default)."""

    iframe_hosts: frozenset[str] = frozenset()

    def allowed_tags(self) -> set[str]:
        return ALLOWED_TAGS | ({"iframe"} if self.iframe_hosts else set())

    def allowed_attributes(self) -> dict[str, set[str]]:
        return {**ALLOWED_ATTRIBUTES, **({"iframe": IFRAME_ATTRIBUTES} if self.iframe_hosts else {})}

    def iframe_allowed(self, src: str) -> bool:
        parts = safe_split(src)
        return parts is not None and parts.scheme == "https" and parts.hostname in self.iframe_hosts

    def _filter(self, tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src" and not self.iframe_allowed(value):
            return None
        return value

    def clean(self, fragment: str) -> str:
        """HTML that cannot run anything: only allow-listed tags, attributes and URL schemes remain."""
        return nh3.clean(
            fragment,
            tags=self.allowed_tags(),
            clean_content_tags=DROPPED_WITH_CONTENT,
            attributes=self.allowed_attributes(),
            attribute_filter=self._filter,
            url_schemes=URL_SCHEMES,
            link_rel=None,
            strip_comments=True,
        )

    def removals(self, fragment: str) -> list[Removal]:
        """What `clean` takes out of `fragment`, so the author can be told."""
        finder = _RemovalFinder(self)
        finder.feed(fragment)
        finder.close()
        return finder.found


class _RemovalFinder(HTMLParser):
    def __init__(self, sanitiser: Sanitiser) -> None:
        super().__init__(convert_charrefs=True)
        self.sanitiser = sanitiser
        self.tags = sanitiser.allowed_tags()
        self.attributes = sanitiser.allowed_attributes()
        self.found: list[Removal] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.tags:
            self.found.append(Removal(f"the <{tag}> element", f"<{tag}"))
            return
        allowed = self.attributes.get(tag, set()) | self.attributes.get("*", set())
        for name, value in attrs:
            if name not in allowed:
                self.found.append(Removal(f"the `{name}` attribute of <{tag}>", f"{name}="))
            elif name in ("href", "src") and value and _scheme(value) not in (URL_SCHEMES | {""}):
                self.found.append(Removal(f"the link `{value.strip()[:40]}` on <{tag}>", value.strip()[:20]))
            elif tag == "iframe" and name == "src" and not self.sanitiser.iframe_allowed(value or ""):
                hosts = ", ".join(sorted(self.sanitiser.iframe_hosts))
                self.found.append(
                    Removal(f"the iframe from `{value}` (allowed: {hosts})", value or "<iframe")
                )

    def handle_comment(self, data: str) -> None:
        self.found.append(Removal("an HTML comment", "<!--"))


def markdown_options(settings: dict) -> dict:
    """Keyword arguments for `markdown.Markdown`: Pelican's MARKDOWN setting over the site's defaults."""
    configured = settings.get("MARKDOWN") or {}
    # Pelican's default (which its own reader also extends in place) means the site chose nothing.
    if configured.get("extension_configs") == DEFAULT_CONFIG["MARKDOWN"]["extension_configs"]:
        configured = {}
    configs = {**MARKDOWN_EXTENSION_CONFIGS, **configured.get("extension_configs", {})}
    for name in NEVER_LOADED:
        configs.pop(name, None)
    extensions = [*configs, *(e for e in configured.get("extensions", []) if e not in configs)]
    return {
        "extensions": [e for e in extensions if e not in NEVER_LOADED],
        "extension_configs": configs,
        "output_format": configured.get("output_format", "html5"),
    }


# What each of smarty's patterns (by its regular expression) cannot match without: a piece of text without
# it is not tried against the pattern. A pattern not named here is always tried.
SMARTY_NEEDS = {
    **{
        getattr(smarty, name, None): need
        for name, need in (
            ("singleQuoteStartRe", "'"),
            ("decadeAbbrRe", "'"),
            ("openingSingleQuotesRegex", "'"),
            ("closingSingleQuotesRegex", "'"),
            ("closingSingleQuotesRegex2", "'"),
            ("remainingSingleQuotesRegex", "'"),
            ("doubleQuoteStartRe", '"'),
            ("doubleQuoteSetsRe", '"'),
            ("singleQuoteSetsRe", '"'),
            ("doubleQuoteSetsRe2", '"'),
            ("singleQuoteSetsRe2", '"'),
            ("openingDoubleQuotesRegex", '"'),
            ("closingDoubleQuotesRegex", '"'),
            ("closingDoubleQuotesRegex2", '"'),
            ("remainingDoubleQuotesRegex", '"'),
        )
    },
    r"(?<!-)---(?!-)": "---",
    r"(?<!-)--(?!-)": "--",
    r"(?<!\.)\.{3}(?!\.)": "...",
}


# What each of Python-Markdown's own inline patterns (by its name) cannot match without.
INLINE_NEEDS = {
    "backtick": "`",
    "escape": "\\",
    "footnote": "[^",
    "reference": "[",
    "link": "[",
    "short_reference": "[",
    "image_link": "![",
    "image_reference": "![",
    "short_image_ref": "![",
    "autolink": "<",
    "automail": "<",
    "html": "<",
    "linebreak": "  \n",
    "entity": "&",
    "em_strong": ("*", "_"),
}


def markdown_converter(settings: dict) -> markdown.Markdown:
    """The Markdown instance for the site's settings (see `markdown_options`), each inline pattern (its own
    and smarty's) tried only on the text that has the character it starts from: the same HTML, in half the
    time."""
    converter = markdown.Markdown(**markdown_options(settings))
    smart = converter.treeprocessors["smarty"]  # always loaded: see MARKDOWN_EXTENSION_CONFIGS
    InlineByCharacter.narrow(smart, [SMARTY_NEEDS.get(p.compiled_re.pattern) for p in smart.inlinePatterns])
    patterns = converter.inlinePatterns
    named = {patterns.get_index_for_name(name): name for name in INLINE_NEEDS if name in patterns}
    needs = [INLINE_NEEDS[named[index]] if index in named else None for index in range(len(patterns))]
    InlineByCharacter.narrow(converter.treeprocessors["inline"], needs)
    return converter


def markdown_to_html(
    text: str, sanitiser: Sanitiser, converter: markdown.Markdown | None = None
) -> tuple[str, list[Removal]]:
    """The body as safe HTML, converted once, with what the sanitiser had to remove. `converter` is the
    reader's own Markdown instance (made from the site's settings); without one, the site's defaults."""
    converter = converter or markdown_converter({})
    raw = converter.reset().convert(text)
    return sanitiser.clean(raw), sanitiser.removals(raw)


def plain_text(fragment: str) -> str:
    """The words of an HTML fragment, whitespace collapsed, entities decoded."""
    return WHITESPACE.sub(" ", html.unescape(nh3.clean(fragment, tags=set()))).strip()


def teaser(text: str, words: int) -> tuple[str, bool]:
    """The opening `words` words of `text`, cut at a word boundary without trailing punctuation, and
    whether anything was cut (a listing marks a cut teaser with "[…]", never a whole one)."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts), False
    return " ".join(parts[:words]).rstrip(",;:–—-"), True
