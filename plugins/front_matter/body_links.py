"""Links and images in a body written as paths to files under content/, as `image:` is written.

A browser would resolve `images/photo.jpg` against the article's address (`/articles/slug/images/…`), where
nothing is. So a relative path that names a file under content/ (or beside the source file) becomes
Pelican's `{static}/…` (`{filename}/…` for another Markdown file), and Pelican writes the address of the
copied file; a relative path to a file that is not there is the author's problem, at its line.
"""

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from site_core import Problem
from site_core.markup import ATTRIBUTE, START_TAG

from .schema import Document

LINKING = {"href", "src"}
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
PAGE_SUFFIXES = {"", ".html", ".htm"}
SOURCE_SUFFIXES = {".md", ".markdown"}


@dataclass(frozen=True)
class Missing:
    """A relative path to a file that is not there."""

    attribute: str
    address: str


def relative_path(address: str) -> str | None:
    """The decoded path of an address that is a plain relative path (`images/a.png`, `../x.pdf?v=2`), or
    None for anything else: a URL with a scheme or host, `/…`, `#…`, `?…` or Pelican's `{static}…`."""
    if not address or address.startswith(("/", "#", "?", "{", "|")) or SCHEME.match(address):
        return None
    try:
        path = urlsplit(address).path
    except ValueError:
        return None
    return unquote(path) or None


def content_file(path: str, content_root: Path, folder: Path) -> str | None:
    """The file `path` names, relative to content/ (POSIX), written from content/ or from `folder` (the
    source file's own); None when neither is a file inside content/."""
    root = content_root.resolve()
    for start in (root, folder.resolve()):
        candidate = (start / path).resolve()
        try:
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate.relative_to(root).as_posix()
        except OSError:  # a name no file can have (too long for the file system): not a file
            continue
    return None


def names_a_file(attribute: str, path: str) -> bool:
    """Whether a relative path can only mean a file: an image or other `src`, or a link such as `a.pdf`.
    A link such as `../contact/` may mean a page, and the link check resolves it against the page."""
    return attribute == "src" or PurePosixPath(path).suffix.lower() not in PAGE_SUFFIXES


def link_to_content(body_html: str, source: Path, content_root: Path) -> tuple[str, list[str], list[Missing]]:
    """The sanitised body with each relative path to a content file written as Pelican's `{static}/…`, the
    files it now depends on (relative to content/), and the relative paths to files that are not there."""
    linked: dict[str, None] = {}
    missing: list[Missing] = []

    def attribute(match: re.Match) -> str:
        space, name, value = match.groups()
        if name not in LINKING or value is None:
            return match.group(0)
        address = html.unescape(value)
        path = relative_path(address)
        if path is None:
            return match.group(0)
        found = content_file(path, content_root, source.parent)
        if found is None:
            if names_a_file(name, path):
                missing.append(Missing(name, address))
            return match.group(0)
        linked[found] = None
        marker = "{filename}" if PurePosixPath(found).suffix in SOURCE_SUFFIXES else "{static}"
        rest = address[len(urlsplit(address).path) :]
        return f'{space}{name}="{html.escape(f"{marker}/{quote(found)}{rest}")}"'

    def tag(match: re.Match) -> str:
        return ATTRIBUTE.sub(attribute, match.group(0))

    return START_TAG.sub(tag, body_html), list(linked), missing


def body_line(document: Document, needle: str) -> int:
    """The line of the source where `needle` is first written in the body (case aside), else the first."""
    for offset, text in enumerate(document.body.splitlines()):
        if needle.lower() in text.lower():
            return document.body_line + offset
    return document.body_line


def missing_problem(document: Document, missing: Missing) -> Problem:
    what = "image" if missing.attribute == "src" else "link"
    return Problem(
        str(document.path),
        body_line(document, missing.address),
        f"the {what} `{missing.address}` names no file under content/ (nor beside this file)",
        "check the spelling, or add the file; write its path from content/, e.g. `images/photo.jpg`, "
        "as `image:` is written",
    )
