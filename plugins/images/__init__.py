"""images: every published image is small, responsive and carries no metadata (never a child's location).

Authors add photos as they come from a phone: 4000 × 3000 pixels, several megabytes, with the camera's
EXIF data, often the GPS position where it was taken. For the lead image (`image:`) and every image in the
text of articles and pages (Markdown or raw HTML) written as a path under content/images/, this plugin:

- checks each file: it must be the image its name says, within the pixel limit, complete, and an SVG must
  not run script or load anything from elsewhere; every image needs alt text (`decorative` as the alt text
  marks one that only decorates), except in a draft (`status: draft`: an imported article's alt text is
  written by a person before it is published); an image on another site is refused, as the site's
  Content-Security-Policy would block it. Each problem names the article's line and stops the build
  before anything is written;
- publishes variants made from the pixels alone (see `process.py`): several widths, never wider than the
  original, in AVIF (WebP where this Pillow cannot write AVIF) and in JPEG (PNG when see-through), under
  `media/<digest>/`; the file at the image's own path is the widest fallback, re-encoded, so every link to
  it still works and the original is never published (unless `publish_originals` says so);
- writes each `<img>` as a `<picture>` with `srcset`, `sizes`, `width` and `height` (see `markup.py`), the
  lead image fetched first and every other one lazily;
- makes a 1200 × 630 social card of each lead image, cropped around `image_focus` (or the centre), and
  the picture listings show it by (`card_image`: a 3:2 crop around the same point, in the card widths),
  so a thumbnail of 240 pixels is not cut from a 1600-pixel photo by the reader's browser.

Only what a published article or page uses is published (Pelican's published articles and pages, their
translations and hidden ones): the images of a draft (`status: draft`) or of a scheduled article (dated in
the future) are checked and encoded into the cache like any other, so their problems are reported at the
same lines and publishing them later costs nothing, but no file made of them is written, not even a social
card, until an article or page that uses them is published. An embargoed photograph is never on the site
before its story.

Images are encoded on every core and cached by their bytes and these settings, in the user's cache folder
(`~/.cache/children-first-images`, or under `XDG_CACHE_HOME`), shared by every build and every copy of the
site: an unchanged image is never encoded again. An entry no build has used for 30 days is removed. Images
in the image folders that nothing published uses are not published.

The IMAGES setting (defaults in `ImagesOptions`): `widths`, `modern_format` ("auto", "avif" or "webp"),
`max_megapixels` (50), `publish_originals` (False), `folders` (("images",)), `output_folder` ("media"),
`content_sizes` (the `sizes` of the theme's text column), `social_size` ((1200, 630)), `card_widths`
((240, 480, 720, 960)), `card_ratio` ((3, 2)), `cache_path` (None: the user's cache folder; else a folder
from the project's) and `workers` (None: one per core).
"""

import contextlib
import dataclasses
import logging
import mimetypes
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import Generator

import site_core
from site_core import (
    Build,
    Problem,
    all_contents,
    config_problem,
    current_build,
    forget_memoized,
    is_draft,
    published_contents,
    site_root,
)
from site_core.store import digest, replace_bytes
from site_core.workers import can_fork, fork_map

from . import process
from .markup import (
    card_image,
    content_path,
    find_images,
    kept_attributes,
    on_another_site,
    picture_html,
    shown_alt,
    svg_card_image,
    svg_html,
)
from .process import IMAGE_SUFFIXES, MIME_TYPES, ImageRejected, Plan, SourceImage

logger = logging.getLogger(__name__)

STATE = "images"
CACHE_FOLDER = "children-first-images"
# An entry of the image cache that no build has used for this long is removed.
UNUSED_DAYS = 30
# The width of the theme's text column (42rem, inside 1rem or 1.5rem of margin): what `sizes` tells a
# browser, so it picks the copy the screen needs.
CONTENT_SIZES = "(min-width: 45rem) 42rem, (min-width: 40em) calc(100vw - 3rem), calc(100vw - 2rem)"
CENTRE = (50, 50)
# The name in a plan's files of the file published at the image's own path.
AT_ITS_PATH = ""
# Its name in the cache.
PUBLISHED = "published"
# Where an article keeps its body as read, before its images were written as pictures.
ORIGINAL_BODY = "body_before_images"


@dataclass(frozen=True)
class ImagesOptions:
    widths: tuple = (480, 800, 1200, 1600)
    modern_format: str = "auto"
    max_megapixels: float = 50.0
    publish_originals: bool = False
    folders: tuple = ("images",)
    output_folder: str = "media"
    content_sizes: str = CONTENT_SIZES
    social_size: tuple = (1200, 630)
    card_widths: tuple = (240, 480, 720, 960)
    card_ratio: tuple = (3, 2)
    cache_path: str | None = None
    workers: int | None = None

    @property
    def max_pixels(self) -> int:
        return int(self.max_megapixels * 1_000_000)


@dataclass(frozen=True)
class Use:
    """A file that uses an image, and the line where it does."""

    path: str
    line: int


@dataclass
class Catalogue:
    """This build's images: each one's reading, who uses it where, and the files made of it."""

    build: Build
    content_root: Path
    options: ImagesOptions
    modern: str
    sources: dict[str, SourceImage | ImageRejected] = field(default_factory=dict)
    uses: dict[str, list[Use]] = field(default_factory=dict)
    # Each image's social crops: (focus, the file whose lead image it is).
    social: dict[str, set[tuple[tuple[int, int], str]]] = field(default_factory=dict)
    # What the build publishes: output name -> the file it is copied from (cached; or an original).
    files: dict[str, Path] = field(default_factory=dict)
    # What the static generator still copies into the image folders (files that are not images).
    static_files: set[str] = field(default_factory=set)
    # The articles and pages whose images this build has shown (by id: each is alive all build).
    shown: set[int] = field(default_factory=set)

    def source(self, relative: str) -> SourceImage | ImageRejected:
        if relative not in self.sources:
            try:
                self.sources[relative] = process.inspect(self.content_root, relative, self.options.max_pixels)
            except ImageRejected as rejected:
                self.sources[relative] = rejected
        return self.sources[relative]

    def is_image(self, relative: str) -> bool:
        path = PurePosixPath(relative)
        return (
            len(path.parts) > 1
            and path.parts[0] in self.options.folders
            and ".." not in path.parts
            and path.suffix.lower() in IMAGE_SUFFIXES
        )

    def use(self, relative: str, where: Use, social: tuple[int, int] | None = None) -> SourceImage | None:
        """Note that `where` uses the image: its reading, or None when it cannot be published (reported)."""
        uses = self.uses.setdefault(relative, [])
        if where not in uses:
            uses.append(where)
        found = self.source(relative)
        if isinstance(found, ImageRejected):
            self.build.report(Problem(where.path, where.line, found.what, found.fix))
            return None
        if social is not None and found.kind == "raster":
            self.social.setdefault(relative, set()).add((social, where.path))
        return found

    def plan(self, source: SourceImage, readers: set[str] | None = None) -> Plan:
        """What to make of `source`, in a folder named for its bytes and the settings that shape it, with
        the social crops of the files in `readers` (of every file that uses it when None)."""
        crops = {
            focus for focus, path in self.social.get(source.path, ()) if readers is None or path in readers
        }
        key = digest(
            source.digest.encode(),
            repr(
                (
                    self.options.widths,
                    self.modern,
                    tuple(self.options.social_size),
                    tuple(self.options.card_widths),
                    tuple(self.options.card_ratio),
                )
            ).encode(),
            PROCESS_TOKEN,
        ).hex()[:16]
        return Plan(
            source,
            process.offered_widths(source.width, tuple(self.options.widths)),
            self.modern,
            "PNG" if source.alpha else "JPEG",
            f"{self.options.output_folder}/{key}",
            tuple(sorted(crops)),
            tuple(self.options.social_size),
            tuple(self.options.card_widths),
            tuple(self.options.card_ratio),
        )

    def readable(self) -> list[SourceImage]:
        """Every image some article or page uses (drafts and scheduled articles too) that could be read."""
        return [found for found in self.sources.values() if isinstance(found, SourceImage)]

    def used_by(self, readers: set[str]) -> set[str]:
        """The images a file in `readers` uses: as its lead image, in its text or linked from it."""
        return {relative for relative, uses in self.uses.items() if any(use.path in readers for use in uses)}


# The encoder's own code: a change to how images are made makes them all again.
PROCESS_TOKEN = digest(Path(process.__file__).read_bytes())


def catalogue_of(settings: dict) -> Catalogue:
    build = current_build(settings)

    def made() -> Catalogue:
        options = checked_options(settings, build.options("IMAGES", ImagesOptions))
        modern = process.modern_format(options.modern_format)
        return Catalogue(build, Path(settings["PATH"]).resolve(), options, modern)

    return build.state(STATE, made)


def _positive_whole_numbers(value, count: int | None = None) -> bool:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and (count is None or len(value) == count)
        and all(isinstance(n, int) and not isinstance(n, bool) and 16 <= n <= 8192 for n in value)
    )


def _folder_names(value) -> bool:
    names = [value] if isinstance(value, str) else value
    return (
        isinstance(names, list | tuple)
        and bool(names)
        and all(
            isinstance(n, str) and n and n == PurePosixPath(n).name and n not in {".", ".."} for n in names
        )
    )


OPTION_CHECKS = {
    "widths": (
        _positive_whole_numbers,
        "a list of widths in pixels, 16 to 8192, e.g. [480, 800, 1200, 1600]",
    ),
    "modern_format": (lambda v: v in {"auto", "avif", "webp"}, '"auto", "avif" or "webp"'),
    "max_megapixels": (lambda v: v > 0, "a number of megapixels above 0, e.g. 50"),
    "folders": (_folder_names, 'a list of folder names under content/, e.g. ["images"]'),
    "output_folder": (_folder_names, 'one folder name, e.g. "media"'),
    "social_size": (lambda v: _positive_whole_numbers(v, 2), "[width, height] in pixels, e.g. [1200, 630]"),
    "card_widths": (
        _positive_whole_numbers,
        "a list of widths in pixels, 16 to 8192, e.g. [240, 480, 720, 960]",
    ),
    "card_ratio": (
        lambda v: (
            isinstance(v, list | tuple)
            and len(v) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 100 for n in v)
        ),
        "[width, height] of the listings' picture shape, whole numbers 1 to 100, e.g. [3, 2]",
    ),
}


def checked_options(settings: dict, options: ImagesOptions) -> ImagesOptions:
    """IMAGES with each wrong value reported (at the settings file's line) and its default used instead."""
    defaults = ImagesOptions()
    corrected = {}
    for key, (valid, wanted) in OPTION_CHECKS.items():
        value = getattr(options, key)
        if not valid(value):
            current_build(settings).report(
                config_problem(settings, "IMAGES", key, f"IMAGES['{key}'] is {value!r}", f"make it {wanted}")
            )
            corrected[key] = getattr(defaults, key)
    return dataclasses.replace(options, **corrected)


def cache_folder(settings: dict, options: ImagesOptions) -> Path:
    """`cache_path` (from the project's folder), else the user's cache folder: an entry is named for the
    image's bytes and the settings that shape it, so every build of every copy of the site shares it."""
    if options.cache_path:
        return Path(settings["PATH"]).resolve().parent / options.cache_path
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / CACHE_FOLDER


def prune(folder: Path, used: set[str]) -> None:
    """Entries this build used are marked used now; entries nobody has used for `UNUSED_DAYS` go."""
    now = time.time()
    for key in used:
        with contextlib.suppress(OSError):
            os.utime(folder / key, (now, now))
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            if (
                entry.is_dir()
                and entry.name not in used
                and now - entry.stat().st_mtime > UNUSED_DAYS * 86400
            ):
                shutil.rmtree(entry, ignore_errors=True)


class SourceLines:
    """The lines of a content file, read only when a problem needs one."""

    def __init__(self, content) -> None:
        self.content = content
        self._lines: list[str] | None = None

    def body_start(self) -> int:
        lines = self.lines()
        if lines and lines[0].strip() == "---":
            closing = next((i for i, text in enumerate(lines[1:], 1) if text.strip() in {"---", "..."}), 0)
            return closing + 1
        return 0

    def lines(self) -> list[str]:
        if self._lines is None:
            try:
                self._lines = Path(self.content.source_path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines = []
        return self._lines

    def of(self, needle: str) -> int:
        """The first line of the text that mentions `needle` (case aside); the text's first line if none."""
        start = self.body_start()
        for number, text in enumerate(self.lines()[start:], start + 1):
            if needle.lower() in text.lower():
                return number
        return start + 1


def show_images(content) -> None:
    """Pelican's `content_object_init`: the article's or page's images checked and written as pictures,
    from its body as read (kept as `body_before_images` once changed, so this can run again on the same
    object in a later build: the dev server keeps the articles it read)."""
    if not isinstance(content, Article | Page):
        return
    catalogue = catalogue_of(content.settings)
    catalogue.shown.add(id(content))
    lines = SourceLines(content)
    used: set[tuple[str, str]] = set()
    body = getattr(content, ORIGINAL_BODY, None) or content._content
    if body and "<img" in body:
        shown = rewrite_body(catalogue, content, body, lines, used)
        if shown != content._content:
            content._content = shown
            forget_memoized(content)
        if shown != body:
            setattr(content, ORIGINAL_BODY, body)
    note_linked_images(catalogue, content, lines)
    show_lead_image(catalogue, content, used)
    content.image_sources = tuple(sorted(used))


def show_lead_image(catalogue: Catalogue, content, used: set) -> None:
    image = getattr(content, "image", None)
    if not image or not catalogue.is_image(image):
        return
    line = (getattr(content, "front_matter_lines", None) or {}).get("image", 1)
    focus = tuple(getattr(content, "image_focus", None) or CENTRE)
    source = catalogue.use(image, Use(content.source_path, line), focus)
    if source is None:
        return
    used.add((source.path, source.digest))
    alt = shown_alt(getattr(content, "image_alt", None))
    if alt is None:
        if not is_draft(content):
            catalogue.build.report(missing_alt(content.source_path, line, image))
        return
    content.lead_picture = Markup(image_html(catalogue, content.settings, source, alt, lead=True))
    root = site_root(content.settings)
    if source.kind == "raster":
        plan = catalogue.plan(source)
        width, height = plan.social_dimensions()
        content.social_image = {"path": quote(plan.social_name(focus)), "width": width, "height": height}
        content.card_image = card_image(plan, focus, root)
    else:
        content.card_image = svg_card_image(source, root)


def image_html(
    catalogue: Catalogue,
    settings: dict,
    source: SourceImage,
    alt: str,
    *,
    lead: bool,
    extra: dict | None = None,
) -> str:
    """The markup for one image: an SVG as it is, a photo as a `<picture>` of its plan's widths (the
    widths and folder do not depend on the social crops, known only once every article is read)."""
    root = site_root(settings)
    if source.kind == "svg":
        return svg_html(source, alt, root, lead=lead, extra=extra)
    plan = catalogue.plan(source)
    return picture_html(plan, alt, root, catalogue.options.content_sizes, lead=lead, extra=extra)


def rewrite_body(catalogue: Catalogue, content, body: str, lines: SourceLines, used: set) -> str:
    """`body` with every image of the image folders as a picture; each `<img>` without alt text (but in
    an author's draft, whose alt text may wait until it is published), each from another site and each
    that cannot be published, reported at its line. An image without alt text is left as it was written."""
    pieces: list[str] = []
    done = 0
    draft = is_draft(content)
    for found in find_images(body):
        relative = content_path(found.src, tuple(catalogue.options.folders))
        needle = PurePosixPath(relative).name if relative else found.src
        where = Use(content.source_path, lines.of(needle or "<img"))
        if on_another_site(found.src):
            catalogue.build.report(from_another_site(where, found.src))
        alt = shown_alt(found.alt)
        if alt is None and not draft:
            catalogue.build.report(missing_alt(content.source_path, where.line, needle or "an image"))
        if relative is None or not catalogue.is_image(relative):
            continue
        source = catalogue.use(relative, where)
        if source is None:
            continue
        used.add((source.path, source.digest))
        if alt is None:
            continue
        pieces.append(body[done : found.start])
        extra = kept_attributes(found)
        pieces.append(image_html(catalogue, content.settings, source, alt, lead=False, extra=extra))
        done = found.end
    pieces.append(body[done:])
    return "".join(pieces)


def note_linked_images(catalogue: Catalogue, content, lines: SourceLines) -> None:
    """A link to an image (`[the full chart](images/chart.png)`) needs its file published too. Most
    bodies link to no file at all: those are not scanned."""
    body = content._content or ""
    if "static" not in body and "attach" not in body:
        return
    for relative in content.get_static_links():
        if catalogue.is_image(relative):
            catalogue.use(relative, Use(content.source_path, lines.of(PurePosixPath(relative).name)))


def from_another_site(where: Use, src: str) -> Problem:
    """The site's Content-Security-Policy (`img-src 'self'`) blocks an image from anywhere else."""
    try:
        name = PurePosixPath(unquote(urlsplit(src.strip()).path)).name
    except ValueError:
        name = ""
    if PurePosixPath(name).suffix.lower() not in IMAGE_SUFFIXES:
        name = "photo.jpg"
    return Problem(
        where.path,
        where.line,
        f"the image `{src}` is on another site",
        f"download it into content/images/ and write its path, e.g. `images/{name}` (this site loads "
        "nothing from other sites, so readers would see a broken image)",
    )


def missing_alt(path: str, line: int, what: str) -> Problem:
    return Problem(
        path,
        line,
        f"the image `{what}` has no alt text",
        "describe what it shows for people who cannot see it, e.g. `![A foster carer reading with a "
        "child](images/reading.jpg)` or `image_alt:`; if it only decorates, write `decorative` as its alt "
        "text",
    )


def hold_back_originals(generator) -> None:
    """Pelican's `static_generator_finalized`: the static generator no longer copies images as they were
    added; this plugin publishes what is made of them, and only of those a published article or page uses
    (originals too only when `publish_originals` says, and then only of those)."""
    catalogue = catalogue_of(generator.settings)
    kept = []
    for static in generator.staticfiles:
        relative = PurePosixPath(static.get_relative_source_path()).as_posix()
        if catalogue.is_image(relative):
            continue
        kept.append(static)
        catalogue.static_files.add(static.save_as)
    generator.staticfiles = kept
    generator.context["staticfiles"] = kept


def make_variants(generators) -> None:
    """Pelican's `all_generators_finalized`: every image used is encoded (on every core, those not in the
    cache), before anything is written: a damaged image stops the build with the last output intact.

    Those of drafts and scheduled articles too, into the cache only: a damaged one is found now (decoding
    every pixel is the only way to know), at the same lines as in a published article, and the build
    that publishes it finds it made. What the build publishes is what a published article or page uses:
    an image only drafts and scheduled articles use has no file in the output, and a social card is
    published only for a published article's lead image. Only now is every status final (Pelican makes a
    future-dated article a draft once it is made)."""
    if not generators:
        return
    settings = generators[0].settings
    catalogue = catalogue_of(settings)
    for generator in generators:
        for content in all_contents(generator):
            if id(content) not in catalogue.shown:
                # Made by an earlier build and kept (the dev server's articles in memory): its images may
                # have changed since.
                show_images(content)
    readers = {content.source_path for generator in generators for content in published_contents(generator)}
    public = catalogue.used_by(readers)
    folder = cache_folder(settings, catalogue.options)
    plans = [catalogue.plan(source) for source in catalogue.readable()]
    wanted = [
        plan for plan in plans if not all(in_cache(folder, plan, n).is_file() for n in outputs_of(plan))
    ]
    workers = (catalogue.options.workers or os.cpu_count() or 1) if can_fork() else 1
    outcomes = fork_map(lambda plan: encode_into(folder, catalogue, plan), wanted, workers)
    failed = set()
    for plan, outcome in zip(wanted, outcomes, strict=True):
        if outcome is not None:
            failed.add(plan.source.path)
            for where in catalogue.uses.get(plan.source.path, []):
                catalogue.build.report(Problem(where.path, where.line, outcome[0], outcome[1]))
    published = {
        plan.source.path: catalogue.plan(plan.source, readers)
        for plan in plans
        if plan.source.path in public and plan.source.path not in failed
    }
    for plan in published.values():
        catalogue.files.update(published_files(folder, catalogue, plan))
    prune(folder, {plan.key for plan in plans})
    attach_enclosures(generators, catalogue, published)
    logger.info(
        "images: %d images, %d published, %d encoded", len(plans), len(published), len(wanted) - len(failed)
    )


def outputs_of(plan: Plan) -> list[str]:
    """The output name of every file `plan` makes; AT_ITS_PATH for the one published at the image's path."""
    if plan.source.kind == "svg":
        return [AT_ITS_PATH]
    kinds = (plan.modern, plan.fallback)
    names = [plan.name(width, kind) for width in plan.widths for kind in kinds]
    for focus in plan.social:
        names.append(plan.social_name(focus))
        names.extend(plan.card_name(focus, width, kind) for width in plan.card_offered() for kind in kinds)
    return [*names, AT_ITS_PATH]


def in_cache(folder: Path, plan: Plan, name: str) -> Path:
    return folder / plan.key / (PurePosixPath(name).name if name else PUBLISHED)


def encode_into(folder: Path, catalogue: Catalogue, plan: Plan) -> tuple[str, str] | None:
    """In a worker: every file of `plan` written into the cache; (what, fix) when the image is refused."""
    try:
        made = process.encode(catalogue.content_root, plan, catalogue.options.max_pixels)
    except ImageRejected as rejected:
        return rejected.what, rejected.fix
    for name, data in made.items():
        target = in_cache(folder, plan, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_bytes(target, data)
    return None


def publishes_original(catalogue: Catalogue, plan: Plan) -> bool:
    return plan.source.kind == "raster" and catalogue.options.publish_originals


def published_files(folder: Path, catalogue: Catalogue, plan: Plan) -> dict[str, Path]:
    """Output name -> the file it is copied from (in the cache, or the original when `publish_originals`
    says so), for every file of `plan` the site publishes."""
    files = {name: in_cache(folder, plan, name) for name in outputs_of(plan) if name != AT_ITS_PATH}
    if publishes_original(catalogue, plan):
        files[plan.source.path] = catalogue.content_root / plan.source.path
    else:
        files[plan.source.path] = in_cache(folder, plan, AT_ITS_PATH)
    return files


def enclosure_type(catalogue: Catalogue, plan: Plan) -> str:
    if plan.source.kind == "svg":
        return "image/svg+xml"
    if publishes_original(catalogue, plan):
        return mimetypes.guess_type(plan.source.path)[0] or "application/octet-stream"
    return MIME_TYPES[process.EXTENSIONS[plan.fallback]]


def attach_enclosures(generators, catalogue: Catalogue, plans: dict[str, Plan]) -> None:
    """Each article's lead image as feeds enclose it: the file published at its path, its size and type.
    An article whose lead image is not published (a draft's) has none, even one an earlier build gave the
    same object (the dev server keeps them)."""
    for generator in generators:
        for content in all_contents(generator):
            plan = plans.get(getattr(content, "image", None) or "")
            published = catalogue.files.get(plan.source.path) if plan else None
            if published is None:
                vars(content).pop("image_enclosure", None)
                continue
            content.image_enclosure = {
                "path": quote(plan.source.path),
                "length": published.stat().st_size,
                "type": enclosure_type(catalogue, plan),
            }


class ImagesGenerator(Generator):
    """Writes the files made of the images into the output, and removes those a build no longer makes."""

    def generate_context(self) -> None:
        """Nothing to read: the images are found as the articles and pages are."""

    def generate_output(self, writer) -> None:
        catalogue = current_build(self.settings).existing_state(STATE)
        if catalogue is None:
            return
        output = Path(self.output_path)
        for name, cached in catalogue.files.items():
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target)
        expected = {output / name for name in (*catalogue.files, *catalogue.static_files)}
        for top in (catalogue.options.output_folder, *catalogue.options.folders):
            remove_unexpected(output / top, expected)


def remove_unexpected(folder: Path, expected: set[Path]) -> None:
    """Files a build written into the output folder itself (the dev server) no longer makes: an image
    no longer used, or its variants from before it changed."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in expected:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def get_generators(pelican) -> type:
    return ImagesGenerator


def register() -> None:
    site_core.connect()
    signals.content_object_init.connect(show_images)
    signals.static_generator_finalized.connect(hold_back_originals)
    signals.all_generators_finalized.connect(make_variants)
    signals.get_generators.connect(get_generators)
