"""The Pelican reader for Markdown with YAML front matter."""

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from site_core import ContentRejected, Problem, build_time, current_build
from site_core.reads import source_bytes

from .body_links import body_line, link_to_content, missing_problem
from .config import ContentConfig, load_config
from .render import Removal, Sanitiser, markdown_converter, markdown_to_html, plain_text, teaser
from .schema import Context, Document, read_document


@dataclass(frozen=True)
class ReadResult:
    """Everything the reader learnt from one file that depends on nothing but the file and the read token;
    what the read cache keeps.

    `required_files` are other files the file was checked against (its image): the cached read stands
    only while they exist.
    """

    kind: str
    source_digest: str
    values: dict[str, Any]
    lines: dict[str, int]
    body_html: str
    teaser: str
    # Whether `teaser` is the text's opening cut short (not the author's summary, nor a text that short).
    teaser_cut: bool
    word_count: int
    warnings: tuple = ()
    required_files: tuple[str, ...] = ()


def document_kind(path: Path, settings: dict) -> str:
    """ "page" for a file in one of the PAGE_PATHS, otherwise "article" (by path, as Pelican decides)."""
    content_root = Path(settings["PATH"]).absolute()
    absolute = Path(path).absolute()
    for folder in settings.get("PAGE_PATHS", []):
        if absolute.is_relative_to(content_root / folder):
            return "page"
    return "article"


def validation_context(settings: dict, config: ContentConfig) -> Context:
    return Context(config, Path(settings["PATH"]), tuple(settings.get("STATIC_PATHS", ())))


class FrontMatterReader(BaseReader):
    """Reads `.md` files: validates the front matter, converts the body once, sanitises the HTML."""

    enabled = True
    file_extensions = ("md", "markdown")

    def __init__(self, settings: dict) -> None:
        super().__init__(settings)
        # Once per reader, not per file: the configuration's own problems are reported by add_reader.
        self.config, _ = load_config(settings)
        self.context = validation_context(settings, self.config)
        self.sanitiser = Sanitiser(frozenset(self.config.iframe_hosts))
        self.converter = markdown_converter(settings)
        self.build = current_build(settings)
        self.wrappers: dict = {}

    def read(self, source_path: str) -> tuple[str, dict]:
        result = self.cached_read(Path(source_path))
        for warning in result.warnings:
            self.build.warn(warning)
        metadata = pelican_metadata(result, self.config, self.settings, build_time(), self.wrappers)
        return result.body_html, metadata

    def cached_read(self, path: Path) -> ReadResult:
        """The file's read from the incremental cache, or read afresh (and cached)."""
        kind = document_kind(path, self.settings)
        raw, source_digest = source_bytes(path)
        return self.build.reads.read(
            path, kind, source_digest, lambda: self.read_afresh(path, kind, raw, source_digest)
        )

    def read_afresh(
        self, path: Path, kind: str, raw: bytes | None = None, source_digest: str = ""
    ) -> ReadResult:
        """Validate and convert one file (its bytes `raw` and their digest, if already read); a file with
        problems reports them and is rejected."""
        if raw is None:
            raw, source_digest = source_bytes(path)
        document = read_document(path, kind, self.context, raw)
        if document.problems:
            for problem in document.problems:
                self.build.report(problem)
            raise ContentRejected(f"{path} has {len(document.problems)} front-matter problem(s)")
        try:
            body_html, removals = markdown_to_html(document.body, self.sanitiser, self.converter)
        except RecursionError as error:
            self.build.report(
                Problem(
                    str(path),
                    document.body_line,
                    "the text is nested too deeply to convert",
                    "use fewer levels of quotes, lists or HTML elements inside each other",
                )
            )
            raise ContentRejected(f"{path} is nested too deeply") from error
        body_html, linked, missing = link_to_content(body_html, path, self.context.content_root)
        if missing:
            for problem in missing:
                self.build.report(missing_problem(document, problem))
            raise ContentRejected(f"{path} links to {len(missing)} file(s) that are not there")
        text = plain_text(body_html)
        summary = document.values.get("summary")
        opening, cut = (summary, False) if summary else teaser(text, self.config.teaser_words)
        image = document.values.get("image")
        # The body's links and the image were checked against these: a cached read stands while they exist.
        required = [*linked, image] if image else linked
        return ReadResult(
            kind=kind,
            source_digest=source_digest,
            values=document.values,
            lines=dict(document.lines),
            body_html=body_html,
            teaser=opening,
            teaser_cut=cut,
            word_count=len(text.split()),
            warnings=tuple(removal_warning(document, removal) for removal in removals),
            required_files=tuple(str(self.context.content_root / name) for name in required),
        )


def removal_warning(document: Document, removal: Removal) -> Problem:
    """Where in the source the removed markup was written, found by its text."""
    return Problem(
        str(document.path),
        body_line(document, removal.needle),
        f"removed {removal.what}",
        "raw HTML may not run scripts, load other sites or carry event handlers; "
        "remove it from the article (the page was built without it)",
    )


def pelican_metadata(
    read: ReadResult, config: ContentConfig, settings: dict, now: datetime, wrappers: dict | None = None
) -> dict:
    """Pelican's metadata for a validated file; extra keys become attributes of the article.

    `wrappers` shares one Category, Tag or Author object per name among the files of a build, as
    Pelican's own grouping expects (and each is fingerprinted once, not once per article)."""
    values = read.values
    wrappers = {} if wrappers is None else wrappers

    def wrapper(kind, name: str, slug: str | None = None):
        if (kind, name) not in wrappers:
            made = kind(name, settings)
            if slug is not None:
                made.slug = slug
            wrappers[kind, name] = made
        return wrappers[kind, name]

    metadata = {
        "title": values["title"],
        "slug": values["slug"],
        # Pelican treats `summary` as HTML; ours is plain text, so it is escaped here once.
        "summary": html.escape(read.teaser, quote=False),
        "teaser": read.teaser,
        "teaser_cut": read.teaser_cut,
        "standfirst": values.get("summary"),
        "front_matter_lines": dict(read.lines),
        "word_count": read.word_count,
        "source_digest": read.source_digest,
        "aliases": values.get("aliases", []),
        "status": values.get("status", "published"),
    }
    if read.kind == "page":
        return metadata
    names = values.get("authors") or ([values["author"]] if "author" in values else [config.default_author])
    category = wrapper(Category, values["category"], config.categories.slugs[values["category"]])
    topics = [wrapper(Tag, name, config.topics.slugs[name]) for name in values.get("topics", [])]
    scheduled = values["date"] > now
    metadata.update(
        date=values["date"],
        category=category,
        tags=topics,
        authors=[wrapper(Author, name) for name in names],
        status="draft" if scheduled else metadata["status"],
        scheduled=scheduled and values.get("status") != "draft",
        featured=values.get("featured", False),
        key_points=values.get("key_points", []),
        sources=values.get("sources", []),
        reading_minutes=max(1, round(metadata["word_count"] / config.reading_words_per_minute)),
    )
    for key in ("modified", "image", "image_alt", "image_focus", "content_note"):
        if key in values:
            metadata[key] = values[key]
    return metadata
