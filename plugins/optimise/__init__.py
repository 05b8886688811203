"""optimise: the production touches a publish build makes to the finished output.

Over the staging folder, before any check runs over it (so the link check, the search index and every test
see exactly what is deployed):

- **fingerprint**: each stylesheet and script under `theme/` is written under a name with a digest of its
  bytes (`site.3fa2c1d9e0.css`), and every page, stylesheet and script refers to that name, so hosts can
  cache them for a year (the rule it declares for the core's `_headers` says so). The plain-named copy
  (`site.css`) is not shipped: it is removed unless some page, stylesheet, script, feed, JSON or manifest
  file of the output still refers to it by name.
- **minify**: HTML with minify-html (closing tags, `<html>` and `<head>` kept), CSS with rcssmin and JS with
  rjsmin.

And last, once every check has passed (safe_build's `finishing` signal):

- **compress**: a `.gz` and a `.br` beside every text file over 512 bytes, for hosts that serve them
  (nginx `gzip_static`/`brotli_static`, Caddy `precompressed`). Both are byte-for-byte reproducible.

The OPTIMISE setting turns each on (all off by default, so development output stays readable); publishconf.py
turns them all on.
"""

import gzip
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import brotli
import minify_html
import rcssmin
import rjsmin

import site_core
from site_core import current_build, search_folder, site_root
from site_core.workers import all_cores, fork_map

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OptimiseOptions:
    """The OPTIMISE setting: each step off by default, so development output stays readable."""

    minify: bool = False
    fingerprint: bool = False
    compress: bool = False


FINGERPRINTED = (".css", ".js")
REFERRING = (".html", ".css", ".js")
# Every kind of output file that can name an asset: a plain-named asset one of them names is kept.
NAMING = (".html", ".css", ".js", ".xml", ".json", ".webmanifest")
COMPRESSED = (".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".webmanifest")
SMALLEST_COMPRESSED = 512
# Measured on the benchmark corpus: level 6 is within 1% of the smallest output at half the time.
GZIP_LEVEL, BROTLI_QUALITY = 6, 6
ASSET_FOLDER = "theme"
# For the theme's folder in `_headers`, once its assets have fingerprinted names.
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def fingerprinted_name(relative: str, data: bytes) -> str:
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{suffix}"


def theme_assets(output: Path) -> list[Path]:
    return sorted(p for p in (output / ASSET_FOLDER).rglob("*") if p.is_file() and p.suffix in FINGERPRINTED)


def fingerprint_assets(output: Path, site_root: str) -> dict[str, str]:
    """Copy each theme stylesheet and script to a name with a digest of its (final) bytes; returns the map
    from old address to new."""
    renamed = {}
    for path in theme_assets(output):
        relative = path.relative_to(output).as_posix()
        data = path.read_bytes()
        new = fingerprinted_name(relative, data)
        (output / new).write_bytes(data)
        renamed[f"{site_root}/{relative}"] = f"{site_root}/{new}"
    return renamed


# What an asset reference sits between: an attribute's quotes or CSS's `url(`, and a quote, `)`, a query or a
# fragment after it.
REFERENCE_BEFORE, REFERENCE_AFTER = "\"'(", "\"')?#"


def rewrite_references(text: str, renamed: dict[str, str]) -> str:
    """Point every quoted or parenthesised reference to an old asset path at its new name."""
    if not renamed:
        return text
    names = "|".join(re.escape(old) for old in renamed)
    after = f"(?=[{re.escape(REFERENCE_AFTER)}])"
    if any(char in old for old in renamed for char in REFERENCE_BEFORE):
        pattern = re.compile(f"(?<=[{re.escape(REFERENCE_BEFORE)}])({names}){after}")
        return pattern.sub(lambda match: renamed[match.group(1)], text)

    # Found by the names alone, the character before each checked after: a pattern that starts with a
    # look-behind is tried at every position of the page (0.28 ms a page against 0.02). No name holds a
    # character that may precede one, so a name found but not rewritten hides no other.
    def rewritten(match: re.Match) -> str:
        start = match.start()
        quoted = start > 0 and text[start - 1] in REFERENCE_BEFORE
        return renamed[match.group(1)] if quoted else match.group(1)

    return re.sub(f"({names}){after}", rewritten, text)


def name_finder(assets: list[Path]) -> Callable[[str], set[str]]:
    """A function giving the file names of `assets` that a text names (as a whole word, so `site.css` is
    named by `/theme/css/site.css` and `url(site.css)` but not by `site.3fa2c1d9e0.css` or `site.css.map`)."""
    names = sorted({path.name for path in assets}, key=len, reverse=True)
    if not names:
        return lambda text: set()
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(name) for name in names) + r")(?![\w.-])")

    def named(text: str) -> set[str]:
        if not any(name in text for name in names):  # the quick test first: most pages name none of them
            return set()
        return set(pattern.findall(text))

    return named


def unreferenced(output: Path, assets: list[Path], known: dict[Path, set[str]] | None = None) -> list[Path]:
    """The `assets` no other output file names (see `name_finder`). `known`: the names some files were
    found to name as they were rewritten (the pages), which are not read again."""
    by_name: dict[str, list[Path]] = {}
    for path in assets:
        by_name.setdefault(path.name, []).append(path)
    named_in = name_finder(assets)
    known = known or {}
    named: set[Path] = set()
    for path in sorted(output.rglob("*")):
        if path.suffix not in NAMING or not path.is_file():
            continue
        names = known[path] if path in known else named_in(path.read_text(encoding="utf-8", errors="replace"))
        named.update(other for name in names for other in by_name[name] if other != path)
    return [path for path in assets if path not in named]


def minified(path: Path, text: str) -> str:
    if path.suffix == ".html":
        return minify_html.minify(
            text,
            keep_closing_tags=True,
            keep_html_and_head_opening_tags=True,
            minify_css=True,
            minify_js=False,
        )
    if path.suffix == ".css":
        return rcssmin.cssmin(text)
    if path.suffix == ".js":
        return rjsmin.jsmin(text)
    return text


def replace_file(path: Path, text: str) -> None:
    # A new file, never a write through a hard link that the previous output may share.
    path.unlink()
    path.write_text(text, encoding="utf-8")


def optimise_tree(
    output: Path, site_root: str, minify: bool, fingerprint: bool, search: str
) -> tuple[int, int]:
    """Minify the assets, fingerprint them (by their final bytes), then point every page at the new names
    and minify it. Returns (assets fingerprinted, bytes saved)."""

    def update(path: Path, renamed: dict[str, str]) -> tuple[int, set[str]]:
        """Bytes saved, and the plain-named assets the file names once rewritten."""
        original = path.read_text(encoding="utf-8")
        text = rewrite_references(original, renamed)
        if minify:
            text = minified(path, text)
        if text != original:
            replace_file(path, text)
        return len(original.encode()) - len(text.encode()), named_in(text)

    assets = theme_assets(output)
    named_in = name_finder(assets)
    saved = sum(update(path, {})[0] for path in assets)
    renamed = fingerprint_assets(output, site_root) if fingerprint else {}
    pages = [
        path
        for path in sorted(output.rglob("*"))
        if path.suffix in REFERRING
        and path.is_file()
        and path not in assets
        and not path.is_relative_to(output / search)
    ]
    updated = fork_map(lambda path: update(path, renamed), pages, all_cores(pages))
    saved += sum(page_saved for page_saved, _names in updated)
    if fingerprint:
        # Only the fingerprinted names are shipped; a plain name something still refers to stays.
        known = {path: names for path, (_saved, names) in zip(pages, updated, strict=True)}
        for path in unreferenced(output, assets, known):
            path.unlink()
    return len(renamed), saved


def compress_tree(output: Path) -> int:
    """A reproducible `.gz` and `.br` beside each text file worth compressing; returns how many files."""

    def compress(path: Path) -> bool:
        data = path.read_bytes()
        if len(data) < SMALLEST_COMPRESSED:
            return False
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
        path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=BROTLI_QUALITY))
        return True

    texts = [path for path in sorted(output.rglob("*")) if path.suffix in COMPRESSED and path.is_file()]
    return sum(fork_map(compress, texts, all_cores(texts)))


def prepare(pelican) -> None:
    settings = pelican.settings
    build = current_build(settings)
    chosen = build.options("OPTIMISE", OptimiseOptions)
    if chosen.fingerprint:
        build.declare_headers(
            f"{site_root(settings)}/{ASSET_FOLDER}/*", IMMUTABLE, by="optimise", setting="OPTIMISE"
        )
    if not (chosen.fingerprint or chosen.minify):
        return
    count, saved = optimise_tree(
        Path(pelican.output_path),
        site_root(settings),
        chosen.minify,
        chosen.fingerprint,
        search_folder(settings),
    )
    logger.info("optimise: %d assets fingerprinted, %d KB saved by minifying", count, saved // 1024)


def finish(pelican) -> None:
    chosen = current_build(pelican.settings).options("OPTIMISE", OptimiseOptions)
    if chosen.compress:
        logger.info("optimise: %d files precompressed", compress_tree(Path(pelican.output_path)))


def register() -> None:
    site_core.connect()
    site_core.before_publish.connect(prepare)
    site_core.finishing.connect(finish)
