"""The old site's images and files, brought into content/ and checked as a build will check them.

Each file a post uses is taken from a local copy of the uploads folder (`--uploads DIR`) or fetched from
the old site (`--media-from URL`, the address of that folder); a file on another site only when its host
is allowed (`--allow-host`). Images go to `content/images/wordpress/<path in uploads>` and other files to
`content/files/wordpress/…`, so a file keeps the place WordPress gave it. A file already there with other
bytes is never overwritten: the new one gets the next free name (`x-2.jpg`). Every image is read as the
build reads it (`images.process`): damaged, animated, oversized or disguised files are refused here, with
the build's own words, rather than failing a build later.
"""

import io
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from PIL import Image, UnidentifiedImageError

from images.process import ImageRejected, damage_reported, decoded, raster_source, safe_svg, svg_size

from .fetch import Fetcher, FetchError

IMAGE_FOLDER = "images/wordpress"
FILE_FOLDER = "files/wordpress"
# A multisite network's uploads (ms-files), served as /files/YYYY/MM/name.
MS_FILES = re.compile(r"^/files/\d{4}/\d{2}/")
ELSEWHERE = "elsewhere"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".tif", ".tiff"}
# What Pillow calls each format, and the suffix the build expects for it.
FORMAT_SUFFIXES = {
    "JPEG": ".jpg",
    "MPO": ".jpg",
    "PNG": ".png",
    "GIF": ".gif",
    "WEBP": ".webp",
    "AVIF": ".avif",
}
# Formats the build does not publish, saved again as PNG (their pixels unchanged).
CONVERTED_FORMATS = {"BMP", "TIFF"}
MAX_PIXELS = 50_000_000
# Documents and recordings a post may link to, and how each kind of file begins.
FILE_SIGNATURES: dict[str, tuple[tuple[int, bytes], ...]] = {
    ".pdf": ((0, b"%PDF-"),),
    ".mp3": ((0, b"ID3"), (0, b"\xff\xfb"), (0, b"\xff\xf3"), (0, b"\xff\xf2"), (0, b"\xff\xfa")),
    ".m4a": ((4, b"ftyp"),),
    ".mp4": ((4, b"ftyp"),),
    ".m4v": ((4, b"ftyp"),),
    ".mov": ((4, b"ftyp"), (4, b"moov"), (4, b"wide")),
    ".ogg": ((0, b"OggS"),),
    ".oga": ((0, b"OggS"),),
    ".ogv": ((0, b"OggS"),),
    ".wav": ((8, b"WAVE"),),
    ".webm": ((0, b"\x1aE\xdf\xa3"),),
    ".docx": ((0, b"PK\x03\x04"),),
    ".xlsx": ((0, b"PK\x03\x04"),),
    ".pptx": ((0, b"PK\x03\x04"),),
    ".odt": ((0, b"PK\x03\x04"),),
    ".ods": ((0, b"PK\x03\x04"),),
    ".odp": ((0, b"PK\x03\x04"),),
    ".epub": ((0, b"PK\x03\x04"),),
    ".zip": ((0, b"PK\x03\x04"),),
    ".doc": ((0, b"\xd0\xcf\x11\xe0"),),
    ".xls": ((0, b"\xd0\xcf\x11\xe0"),),
    ".ppt": ((0, b"\xd0\xcf\x11\xe0"),),
    ".rtf": ((0, b"{\\rtf"),),
}
TEXT_SUFFIXES = {".txt", ".csv"}
UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
WORKERS = 4


@dataclass
class MediaRef:
    """One file the posts use: where it came from and, once brought in, where it is under content/."""

    number: int
    kind: str  # "image" or "file"
    uploads_path: str | None  # inside the old site's uploads folder; None for a file on another site
    url: str
    local: str | None = None  # from content/, e.g. images/wordpress/2019/05/x.jpg
    problem: str = ""
    fix: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def placeholder(self) -> str:
        return f"wp-media:{self.number}"

    @property
    def label(self) -> str:
        return self.uploads_path or self.url


@dataclass
class Sources:
    """Where media may come from, as the person running the import said."""

    uploads: Path | None = None
    media_from: str | None = None
    fetcher: Fetcher = field(default_factory=Fetcher)


def kind_of(path: str) -> str:
    return "image" if PurePosixPath(path).suffix.lower() in IMAGE_SUFFIXES else "file"


def safe_name(segment: str) -> str:
    """A path segment made of letters, digits, `.`, `_` and `-`, never hidden or empty."""
    name = UNSAFE_CHARACTERS.sub("-", segment).strip(".-") or "file"
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{suffix.lower()}" if dot and stem else name


class MediaLibrary:
    """Every file the import's posts use, each registered once."""

    def __init__(self) -> None:
        self.refs: list[MediaRef] = []
        self._by_key: dict[str, MediaRef] = {}

    def register(self, kind: str, uploads_path: str | None, url: str) -> MediaRef:
        key = f"uploads:{uploads_path.lower()}" if uploads_path else f"url:{url}"
        found = self._by_key.get(key)
        if found is None:
            found = MediaRef(len(self.refs), kind, uploads_path, url)
            self.refs.append(found)
            self._by_key[key] = found
        elif kind == "image":
            found.kind = "image"
        return found

    def get(self, placeholder: str) -> MediaRef | None:
        number = placeholder.removeprefix("wp-media:")
        return self.refs[int(number)] if number.isdigit() and int(number) < len(self.refs) else None

    def bring_in(self, content_root: Path, sources: Sources, write: bool) -> None:
        """Fetch, check and (when `write`) save every registered file; each ref gets `local` or a
        `problem`. Files are fetched a few at a time, and named in registration order, so the result is
        the same on every run."""
        with ThreadPoolExecutor(WORKERS) as pool:
            for ref, outcome in zip(
                self.refs, pool.map(lambda r: obtain(r, sources), self.refs), strict=True
            ):
                if isinstance(outcome, Unavailable):
                    ref.problem, ref.fix = outcome.problem, outcome.fix
                    continue
                try:
                    place(ref, outcome, content_root, write)
                except ImageRejected as rejected:
                    ref.local = None
                    ref.problem, ref.fix = rejected.what, rejected.fix


@dataclass(frozen=True)
class Unavailable:
    problem: str
    fix: str


def obtain(ref: MediaRef, sources: Sources) -> bytes | Unavailable:
    """The file's bytes from the uploads copy or the old site; Unavailable with the reason otherwise."""
    if ref.uploads_path is not None:
        if sources.uploads is not None:
            found = read_upload(sources.uploads, ref.uploads_path)
            if found is not None or sources.media_from is None:
                return (
                    found
                    if found is not None
                    else Unavailable(
                        f"`{ref.uploads_path}` is not in the uploads folder {sources.uploads}",
                        "copy the whole wp-content/uploads folder of the old site and give it with --uploads",
                    )
                )
        if sources.media_from is not None:
            url = f"{sources.media_from.rstrip('/')}/{quote(ref.uploads_path)}"
            return fetched(sources.fetcher, url)
        return Unavailable(
            f"`{ref.uploads_path}` was not brought in: no --uploads folder or --media-from address was given",
            "run the import again with --uploads (a copy of wp-content/uploads) or --media-from "
            "(the old site's uploads address)",
        )
    host = (urlsplit(ref.url).hostname or "").lower()
    if not sources.fetcher.may_fetch(ref.url):
        hint = (
            f"if {host} was an earlier address of this site, add --old-host {host}; otherwise "
            if "/wp-content/uploads/" in ref.url or MS_FILES.match(urlsplit(ref.url).path)
            else ""
        )
        return Unavailable(
            f"{ref.url} is on another site ({host}), which the import does not fetch from unless allowed",
            f"{hint}download it (if you may publish it) into content/images/ and use its path, or allow the "
            f"site with --allow-host {host}",
        )
    return fetched(sources.fetcher, ref.url)


def fetched(fetcher: Fetcher, url: str) -> bytes | Unavailable:
    try:
        return fetcher.get(url)
    except FetchError as error:
        return Unavailable(str(error), "check the address, or copy the file into content/ by hand")


def read_upload(folder: Path, uploads_path: str) -> bytes | None:
    """The file at `uploads_path` inside `folder`, never outside it (a symbolic link out is refused)."""
    root = folder.resolve()
    candidate = (root / uploads_path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    try:
        return candidate.read_bytes()
    except OSError:
        return None


def target_folder(ref: MediaRef) -> str:
    base = IMAGE_FOLDER if ref.kind == "image" else FILE_FOLDER
    if ref.uploads_path is not None:
        parts = ref.uploads_path.split("/")
    else:
        parts = urlsplit(ref.url)
        host = (parts.hostname or "unknown").lower()
        parts = [ELSEWHERE, host, *[p for p in parts.path.split("/") if p and p not in (".", "..")]]
    return "/".join([base, *(safe_name(p) for p in parts)])


def checked_image(ref: MediaRef, data: bytes) -> tuple[bytes, str]:
    """The image's bytes and the suffix its content calls for (BMP and TIFF saved again as PNG)."""
    if data.lstrip()[:5] in (b"<?xml", b"<svg ") or data.lstrip().startswith(b"<svg"):
        return data, ".svg"
    try:
        image = Image.open(io.BytesIO(data))
        found = image.format or ""
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageRejected(
            f"`{ref.label}` is not an image ({error})",
            "the old site's file is damaged or is something else under an image's name",
        ) from error
    if found in CONVERTED_FORMATS:
        output = io.BytesIO()
        with damage_reported(ref.label):
            image.save(output, "PNG")
        ref.notes.append(f"`{ref.label}` is a {found} image, which browsers do not all show: saved as PNG")
        return output.getvalue(), ".png"
    if found not in FORMAT_SUFFIXES:
        raise ImageRejected(
            f"`{ref.label}` is a {found or 'unknown'} image, which this site does not publish",
            "save it again as JPEG or PNG and add it by hand",
        )
    return data, FORMAT_SUFFIXES[found]


def checked_file(ref: MediaRef, data: bytes, suffix: str) -> None:
    if suffix in TEXT_SUFFIXES:
        if b"\x00" in data[:4096]:
            raise ImageRejected(f"`{ref.label}` is not a text file", "check the file on the old site")
        return
    signatures = FILE_SIGNATURES.get(suffix)
    if signatures is None:
        raise ImageRejected(
            f"`{ref.label}` is a kind of file this site does not publish (`{suffix or 'no suffix'}`)",
            "publish documents as PDF, or add the file by hand if it is safe",
        )
    if not any(data[offset : offset + len(magic)] == magic for offset, magic in signatures):
        raise ImageRejected(
            f"`{ref.label}` does not hold what its name says (`{suffix}`)",
            "the old site's file is damaged or is something else under that name",
        )


def place(ref: MediaRef, data: bytes, content_root: Path, write: bool) -> None:
    """Check `data` as the build will, then give it a place under content/ that no other file holds
    (written when `write`)."""
    planned = PurePosixPath(target_folder(ref))
    suffix = planned.suffix.lower()
    if ref.kind == "image":
        original = data
        data, found = checked_image(ref, data)
        if suffix not in (found, ".jpeg" if found == ".jpg" else found):
            if suffix and data is original:
                ref.notes.append(f"`{ref.label}` is really a {found[1:].upper()} file: saved as `{found}`")
            suffix = found
        verify_as_build(f"{planned.with_suffix(suffix)}", data)
    else:
        checked_file(ref, data, suffix)
    base = planned.with_suffix("") if planned.suffix else planned
    for candidate in free_names(base, suffix):
        target = content_root / candidate
        if target.is_file() and target.read_bytes() != data:
            continue
        if write and not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        ref.local = candidate
        return


def free_names(base: PurePosixPath, suffix: str) -> Iterator[str]:
    yield f"{base}{suffix}"
    number = 2
    while True:
        yield f"{base}-{number}{suffix}"
        number += 1


def verify_as_build(relative: str, data: bytes) -> None:
    """The build's own checks of an image (`images.process`): its kind, size, animation, SVG safety,
    and a whole decoding, which finds a file cut short."""
    if relative.endswith(".svg"):
        svg_size(relative, safe_svg(relative, data))
        return
    with damage_reported(relative):
        raster_source(relative, data, PurePosixPath(relative).suffix, MAX_PIXELS)
        decoded(relative, data, MAX_PIXELS)
