"""WordPress shortcodes: `[name attr="value"]`, `[name]content[/name]`, `[[name]]` for the literal text.

WordPress runs only the shortcodes its plugins registered and shows any other bracketed text as written,
so text such as `[sic]` or `[ssh server]` must stay text. Without the site's plugins, a bracket is taken
for a shortcode when the import knows it, when it is closed (`[/name]`), when it has `key=value`
attributes, or when its name is one word joined by `_` or `-` (`[give_receipt]`); text in `<pre>` and
`<code>` is never a shortcode here.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

# WordPress's own shortcode pattern (get_shortcode_regex) for any lower-case name: an optional extra `[`
# for an escaped one, the name, the attributes, then self-closing, enclosing up to `[/name]`, or neither.
SHORTCODE = re.compile(
    r"\[(?P<open>\[?)(?P<name>[a-z][a-z0-9_-]*)(?![\w-])"
    r"(?P<attrs>[^\]/]*+(?:/(?!\])[^\]/]*+)*+)"
    r"(?:(?P<self>/)\]|\](?:(?P<content>[^\[]*+(?:\[(?!/(?P=name)\])[^\[]*+)*+)\[/(?P=name)\])?)"
    r"(?P<close>\]?)"
)
# WordPress's shortcode_parse_atts.
ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
# The pieces of HTML whose text is shown as written.
VERBATIM = re.compile(r"(<(pre|code)\b[^>]*>.*?</\2\s*>)", re.DOTALL | re.IGNORECASE)
CURLY_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'"})
KNOWN = {"caption", "wp_caption", "gallery", "audio", "video", "playlist", "embed"}
FIRST_ATTRIBUTE = re.compile(r"\s+[\w-]+\s*=")
JOINED_NAME = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)+")


@dataclass(frozen=True)
class Shortcode:
    name: str
    attrs: dict[str, str]
    positional: tuple[str, ...]
    content: str | None
    text: str  # as written


def parse_attributes(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Named and positional attributes, as WordPress reads them (curly quotes straightened first, since
    WordPress's editor curled them)."""
    text = html.unescape(text).translate(CURLY_QUOTES).replace("\u00a0", " ")
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in ATTRIBUTE.finditer(text.strip() + " "):
        groups = match.groups()
        for key_index in (0, 2, 4):
            if groups[key_index]:
                named[groups[key_index].lower()] = groups[key_index + 1]
                break
        else:
            positional.append(next(g for g in groups[6:] if g is not None))
    return named, tuple(positional)


def looks_like_shortcode(match: re.Match) -> bool:
    name = match.group("name")
    if name in KNOWN or match.group("content") is not None:
        return True
    if FIRST_ATTRIBUTE.match(match.group("attrs")) and "<" not in match.group("attrs"):
        return True
    return not match.group("attrs").strip() and bool(JOINED_NAME.fullmatch(name))


def replace(text: str, handler: Callable[[Shortcode], str]) -> str:
    """`text` with every shortcode outside `<pre>` and `<code>` replaced by what `handler` makes of it;
    `[[name]]` becomes the literal `[name]`."""
    pieces = VERBATIM.split(text)
    out = []
    # split() with two groups gives: text, whole verbatim element, its tag name, text, …
    for index in range(0, len(pieces), 3):
        out.append(SHORTCODE.sub(lambda match: _one(match, handler), pieces[index]))
        if index + 1 < len(pieces):
            out.append(pieces[index + 1])
    return "".join(out)


def _one(match: re.Match, handler: Callable[[Shortcode], str]) -> str:
    if not looks_like_shortcode(match):
        return match.group(0)
    if match.group("open") and match.group("close"):
        return match.group(0)[1:-1]
    named, positional = parse_attributes(match.group("attrs"))
    shortcode = Shortcode(
        match.group("name"), named, positional, match.group("content"), match.group(0).strip("[]")
    )
    inner = handler(shortcode)
    # An unmatched extra bracket on one side is text, as in WordPress.
    return match.group("open") + inner + match.group("close")


def find(text: str) -> list[str]:
    """The names of the shortcodes still in `text` (outside `<pre>` and `<code>`)."""
    names: list[str] = []
    replace(text, lambda shortcode: names.append(shortcode.name) or shortcode.text)
    return names
