"""Markdown to safe HTML, converted once per article; the teaser and word count come from that HTML."""

import html
import re

import markdown
import nh3

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty", "toc"]
MARKDOWN_CONFIG = {
    "smarty": {"smart_angled_quotes": False},
    "toc": {"permalink": False},
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
}

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


def markdown_to_html(text: str) -> str:
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG)
    return sanitise(converter.convert(text))


def sanitise(fragment: str) -> str:
    """HTML that cannot run anything: only allow-listed tags, attributes and URL schemes remain."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def plain_text(fragment: str) -> str:
    """The words of an HTML fragment, whitespace collapsed, entities decoded."""
    return WHITESPACE.sub(" ", html.unescape(nh3.clean(fragment, tags=set()))).strip()


def teaser(text: str, words: int) -> str:
    """The opening `words` words of `text`, cut at a word boundary without trailing punctuation."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]).rstrip(",;:–—-")
