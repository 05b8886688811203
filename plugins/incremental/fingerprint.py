"""Fingerprints: short digests of exactly what a page was rendered from.

Two values with the same fingerprint render the same, so a page whose inputs all have the fingerprints
they had last time is the same page. The rules that make this cheap, and what they assume:

- The page's own article or page (a top-level value) is fingerprinted with every attribute plugins gave
  it (related articles, neighbours, …). An article reached through another value (a card in a listing, a
  related article) is fingerprinted by its source file, its status, its URL and the images it shows (the
  `image_sources` the images plugin records: a card shows the lead image's crop, named by its digest):
  templates show such an article's own fields, not its related articles.
- A paginator is fingerprinted by its shape (name, URL, count, pages), not by the whole list it pages
  through; a page of it carries its own items.
- Settings, Pelican's own objects and the shared context are never fingerprinted per page: the build's
  `site_token` (settings, theme, plugin code, library versions) is part of every fingerprint.
"""

import importlib.metadata
import re
import sys
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum
from pathlib import Path, PurePath
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType

from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from site_core.internals import RAW_CONTENT, RAW_SUMMARY, READ_CONTEXT, intrasite_link_regex
from site_core.store import digest

# Never part of a value's fingerprint: covered by the site token or the source file, the shared context, or
# (`metadata`) repeated as the content's own attributes.
SKIPPED_ATTRIBUTES = frozenset({"settings", READ_CONTEXT, RAW_SUMMARY, RAW_CONTENT, "metadata"})
# The libraries whose version changes what a page looks like.
LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown", "nh3", "feedgen", "pyyaml", "lxml")
MAX_DEPTH = 24


class Unfingerprintable(TypeError):
    """A value of a kind the fingerprinter does not know: the page that reads it is always rendered."""


def _text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


class Fingerprinter:
    """Digests of template values, remembered by identity for one build (the values are kept alive)."""

    def __init__(self, site_token: bytes) -> None:
        self.site_token = site_token
        self._memo: dict[tuple[int, bool], tuple[object, bytes]] = {}

    def of(self, value, *, whole: bool = True) -> bytes:
        """The fingerprint of `value`; `whole` fingerprints an article with everything plugins attached."""
        return self._of(value, whole, 0)

    def _of(self, value, whole: bool, depth: int) -> bytes:
        """Simple values are encoded as they are (the digest that contains them hashes them once)."""
        if depth > MAX_DEPTH:
            raise Unfingerprintable(f"a value nested more than {MAX_DEPTH} deep")
        kind = type(value)
        if kind is str:
            return b"s" + _text(value)
        if value is None or kind in (bool, int, float):
            return b"p" + _text(repr(value))
        if isinstance(value, str):
            # Markup and str render differently (one is escaped), so the type is part of it.
            return b"S" + _text(kind.__name__) + b"\0" + _text(value)
        if isinstance(value, bytes):
            return b"b" + value
        if isinstance(value, complex | datetime | date | time | timedelta | tzinfo | Enum):
            return b"t" + _text(kind.__name__) + b"\0" + _text(repr(value))
        if isinstance(value, PurePath):
            return b"f" + _text(str(value))
        if isinstance(value, re.Pattern):
            return b"r" + _text(str(value.flags)) + b"\0" + _text(value.pattern)
        if isinstance(value, type | FunctionType | BuiltinFunctionType | MethodType | ModuleType):
            name = getattr(value, "__qualname__", None) or getattr(value, "__name__", repr(value))
            return b"c" + _text(getattr(value, "__module__", None) or "") + b"\0" + _text(name)
        key = (id(value), whole)
        remembered = self._memo.get(key)
        if remembered is not None:
            return remembered[1]
        result = self._compound(value, whole, depth)
        self._memo[key] = (value, result)
        return result

    def _compound(self, value, whole: bool, depth: int) -> bytes:
        inner = depth + 1
        if isinstance(value, Content):
            if not whole:
                return self._source_of(value)
            return digest(b"C", self._source_of(value), self._attributes(vars(value), inner, whole=False))
        if isinstance(value, Paginator):
            return digest(
                b"P",
                *(
                    self._of(getattr(value, name), False, inner)
                    for name in ("name", "url", "per_page", "orphans")
                ),
                self._of(value.count, False, inner),
                self._of(value.num_pages, False, inner),
            )
        if isinstance(value, dict):
            items = sorted((self._of(k, whole, inner), self._of(v, whole, inner)) for k, v in value.items())
            return digest(b"d", *(part for pair in items for part in pair))
        if isinstance(value, list | tuple):
            return digest(
                b"l", _text(type(value).__name__), *(self._of(item, whole, inner) for item in value)
            )
        if isinstance(value, set | frozenset):
            return digest(b"S", *sorted(self._of(item, whole, inner) for item in value))
        if isinstance(value, URLWrapper):
            # Its name and slug (whether stored or derived), plus what plugins attached (its feeds).
            extra = {
                k: v for k, v in vars(value).items() if not k.startswith("_") and k not in {"name", "slug"}
            }
            return digest(
                b"U",
                _text(type(value).__name__),
                _text(value.name),
                _text(value.slug),
                self._attributes(extra, inner, whole=False),
            )
        if is_dataclass(value):
            attributes = {f.name: getattr(value, f.name) for f in fields(value)}
            return digest(
                b"D", _text(type(value).__qualname__), self._attributes(attributes, inner, whole=False)
            )
        if hasattr(value, "__dict__"):
            return digest(
                b"o", _text(type(value).__qualname__), self._attributes(vars(value), inner, whole=False)
            )
        raise Unfingerprintable(f"cannot fingerprint a {type(value).__qualname__}")

    def _attributes(self, attributes: dict, depth: int, *, whole: bool) -> bytes:
        return digest(
            *(
                part
                for name in sorted(attributes)
                if name not in SKIPPED_ATTRIBUTES
                for part in (_text(name), self._of(attributes[name], whole, depth))
            )
        )

    def _source_of(self, content: Content) -> bytes:
        """What an article's own fields come from: its file, its status (which changes with the clock) and
        the image files it shows (a photo replaced under the same name changes its card). Its URL comes from
        these and the settings."""
        return digest(
            b"c",
            _text(str(content.source_path)),
            _text(str(getattr(content, "source_digest", ""))),
            _text(str(getattr(content, "status", ""))),
            _text(_resolved_links(content)),
            _text(repr(getattr(content, "image_sources", ()))),
        )


def _resolved_links(content: Content) -> str:
    """An article's HTML as published, when its links are written `{filename}…`: it depends on other files."""
    raw = getattr(content, RAW_CONTENT, "") or ""
    if "{" not in raw and "|" not in raw:
        return ""
    if not intrasite_link_regex(content).search(raw):
        return ""
    return content.content


def code_token(folders: list[Path]) -> bytes:
    """Every file of the theme and plugin folders, with the versions of the libraries that render."""
    parts = [_text(sys.version)]
    for name in LIBRARIES:
        try:
            parts.append(_text(f"{name}={importlib.metadata.version(name)}"))
        except importlib.metadata.PackageNotFoundError:
            parts.append(_text(f"{name}=absent"))
    for folder in folders:
        for path in sorted(
            p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            parts.append(_text(path.relative_to(folder).as_posix()))
            parts.append(path.read_bytes())
    return digest(*parts)
