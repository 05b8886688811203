"""The optimise plugin in a real (in-process) build: minified pages that keep their closing tags, theme
assets under fingerprinted names that the pages use, and reproducible precompressed copies."""

import gzip
import hashlib
import re

import brotli
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html

from conftest import THEME_PLUGINS, tree_digest, write_content
from optimise import rewrite_references

PLUGINS = [*THEME_PLUGINS, "optimise", "security_headers"]
EVERYTHING = {"minify": True, "fingerprint": True, "compress": True}
FINGERPRINTED = re.compile(r"\.([0-9a-f]{10})\.(css|js)$")
PRECOMPRESSED = (".gz", ".br")


def files(site, *suffixes: str) -> list:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)


def loaded_assets(page) -> set[str]:
    document = html.fromstring(page.read_bytes())
    return set(document.xpath("//link[@rel='stylesheet']/@href | //script/@src"))


def texts(document) -> list[str]:
    """The page's words, text node by text node (minifying drops whitespace between elements)."""
    return [" ".join(text.split()) for text in document.xpath("//body//text()") if text.split()]


@pytest.fixture
def site(pelican_run):
    return pelican_run(PLUGINS, OPTIMISE=EVERYTHING)


def test_pages_are_minified_but_keep_their_closing_tags(pelican_run, site):
    plain = pelican_run(PLUGINS)
    for page in files(site, ".html"):
        raw = page.read_text(encoding="utf-8")
        name = page.relative_to(site)
        assert raw.lower().startswith("<!doctype html><html"), name
        for kept in ("<head>", "</head>", "</body>"):
            assert kept in raw, (name, kept)
        assert raw.endswith("</html>"), name
        for tag in ("p", "li", "a", "ul", "main", "body"):
            assert len(re.findall(rf"<{tag}[\s>]", raw)) == raw.count(f"</{tag}>"), (name, tag)
        unminified = plain / name
        assert len(raw.encode()) < unminified.stat().st_size, name
        before, after = html.fromstring(unminified.read_bytes()), html.fromstring(raw)
        assert after.findtext(".//h1").strip() == before.findtext(".//h1").strip(), name
        assert texts(after) == texts(before), name


def test_theme_assets_are_served_under_fingerprinted_names_that_pages_use(site):
    assets = [p for p in (site / "theme").rglob("*") if p.is_file() and p.suffix in (".css", ".js")]
    assert assets
    used = {url for page in files(site, ".html") for url in loaded_assets(page)}
    for asset in assets:
        match = FINGERPRINTED.search(asset.name)
        assert match, f"{asset.relative_to(site)}: a plain name is shipped that nothing refers to"
        assert match.group(1) == hashlib.sha256(asset.read_bytes()).hexdigest()[:10]
    assert {f"/{a.relative_to(site).as_posix()}" for a in assets} <= used
    stylesheets = {url for url in used if url.endswith(".css")}
    assert len(stylesheets) == 1
    assert FINGERPRINTED.search(stylesheets.pop())
    for url in used:
        if url.startswith("/theme/"):
            assert (site / url.lstrip("/")).is_file(), url
    assert (
        "/theme/*\n  Cache-Control: public, max-age=31536000, immutable\n" in (site / "_headers").read_text()
    )


def test_a_plain_name_some_output_file_still_names_is_kept(pelican_run, tmp_path):
    manifest = '{"name": "Children First", "stylesheet": "/theme/css/site.css"}\n'
    content = write_content(tmp_path / "content", {"extra/app.webmanifest": manifest})
    site = pelican_run(PLUGINS, content, OPTIMISE={"fingerprint": True})
    assert (site / "extra/app.webmanifest").read_text() == manifest
    assert (site / "theme/css/site.css").is_file()
    assert not (site / "theme/js/search.js").exists()
    assert [p.name for p in (site / "theme/js").glob("search.*.js")]


def test_precompressed_copies_hold_exactly_the_files_bytes(site):
    compressed = files(site, *PRECOMPRESSED)
    assert compressed
    for copy in compressed:
        original = copy.with_suffix("")
        data = copy.read_bytes()
        unpacked = gzip.decompress(data) if copy.suffix == ".gz" else brotli.decompress(data)
        assert unpacked == original.read_bytes(), copy.relative_to(site)
    text_files = [p for p in files(site, ".html", ".css", ".js", ".xml", ".json") if p.stat().st_size >= 512]
    for path in text_files:
        for suffix in PRECOMPRESSED:
            assert path.with_name(path.name + suffix).is_file(), path.relative_to(site)


def test_two_builds_are_byte_identical(pelican_run, site):
    again = pelican_run(PLUGINS, OPTIMISE=EVERYTHING)
    assert tree_digest(again) == tree_digest(site)


def looked_behind(text: str, renamed: dict[str, str]) -> str:
    """The rewrite as one pattern says it: each old name after a quote or `(`, before a quote, `)`, `?` or
    `#`."""
    names = "|".join(re.escape(old) for old in renamed)
    return re.sub(rf"(?<=[\"'(])({names})(?=[\"')?#])", lambda match: renamed[match.group(1)], text)


@given(
    pieces=st.lists(
        st.sampled_from(['"', "'", "(", ")", "?", "#", " ", "/t/a.css", "/t/a.cs", "a.css", "/t/b.js", "x"]),
        max_size=14,
    ),
    renamed=st.sampled_from(
        [
            {"/t/a.css": "/t/a.1.css", "/t/b.js": "/t/b.2.js"},
            {"/t/a.css": "/t/a.1.css", "a.css": "z.css"},
            {"/t/(a).css": "/t/a.1.css", "/t/a.css": "/t/a.2.css"},
        ]
    ),
)
@settings(max_examples=2000, deadline=None)
def test_references_are_rewritten_as_the_one_pattern_says(pieces, renamed):
    text = "".join(pieces)
    assert rewrite_references(text, renamed) == looked_behind(text, renamed)
