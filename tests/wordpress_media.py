"""Media for WordPress import tests: the uploads an export refers to, stand-ins for them, a local server.

An "uploads path" is a path relative to a site's `wp-content/uploads` folder, such as `2008/06/canola2.jpg`.
"""

import contextlib
import hashlib
import html
import http.server
import io
import re
import struct
import threading
import wave
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree
from PIL import Image, ImageDraw

STAND_IN_SIZE = (64, 48)

# Pillow's format name and the media type, by lower-case suffix.
IMAGE_FORMATS = {
    ".jpg": ("JPEG", "image/jpeg"),
    ".jpeg": ("JPEG", "image/jpeg"),
    ".jpe": ("JPEG", "image/jpeg"),
    ".png": ("PNG", "image/png"),
    ".gif": ("GIF", "image/gif"),
    ".webp": ("WEBP", "image/webp"),
    ".avif": ("AVIF", "image/avif"),
    ".bmp": ("BMP", "image/bmp"),
    ".tif": ("TIFF", "image/tiff"),
    ".tiff": ("TIFF", "image/tiff"),
    ".ico": ("ICO", "image/vnd.microsoft.icon"),
}

# Characters that end an address in HTML, shortcodes, JSON and PHP-serialised values. WordPress strips all of
# them from uploaded file names (sanitize_file_name), so none can be part of an uploads path. `=` splits
# `src=https://…` in unquoted attributes; whatever follows a `?` is dropped anyway.
ADDRESS_DELIMITERS = re.compile(r"[\s\"'<>()\[\]{}\\,|^`=*]+")
ADDRESS_START = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
UPLOADS_FOLDER = re.compile(r"/wp-content/uploads/|/wp-content/blogs\.dir/\d+/files/")
WORDPRESS_COM_FILES = re.compile(r"[a-z0-9-]+\.files\.wordpress\.com", re.IGNORECASE)
# Multisite's ms-files.php serves `/files/…` at the root of a sub-domain site or under a sub-folder site's
# one-segment prefix (`/blogname/files/…`); deeper `/files/` folders are someone else's.
MULTISITE_FILES = re.compile(r"^(?:/[^/]+)?/files/")
RESIZED_NAME = re.compile(r"-(\d+)x(\d+)\.[^./]+$")
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def uploads_relative_path(address: str) -> str | None:
    """The uploads path `address` points at, or None when it points anywhere else.

    `address` may be a full URL, protocol-relative (`//host/…`), a root-relative path (`/files/…`) or a
    server path (`/home/site/wp-content/uploads/…`). The query and fragment are dropped and percent-escapes
    decoded; a result containing `..`, a control character or no file suffix is refused."""
    address = re.split(r"[?#]", address.strip(), maxsplit=1)[0]
    if start := ADDRESS_START.search(address):
        host, _, path = address[start.end() :].partition("/")
        path = "/" + path
    elif host_match := WORDPRESS_COM_FILES.match(address):
        host, path = host_match.group(), address[host_match.end() :]
    else:
        host, path = "", "/" + address.lstrip("/")
    if folder := UPLOADS_FOLDER.search(path):
        relative = path[folder.end() :]
    elif WORDPRESS_COM_FILES.fullmatch(host.rsplit("@", 1)[-1].split(":", 1)[0]):
        relative = path
    elif multisite := MULTISITE_FILES.match(path):
        relative = path[multisite.end() :]
    else:
        return None
    relative = unquote(relative).strip("/")
    name = relative.rpartition("/")[2]
    if (
        not relative
        or ".." in relative
        or any(ord(character) < 32 for character in relative)
        or not Path(name).suffix.strip(".")
    ):
        return None
    return relative


def addresses_in(text: str) -> Iterator[str]:
    """Every address-like piece of `text`: HTML attributes and `srcset` entries, shortcode attributes, block
    and Elementor JSON (with `\\/` and `\\uXXXX` escapes), PHP-serialised values and plain text."""
    text = JSON_ESCAPE.sub(lambda escape: chr(int(escape[1], 16)), text.replace("\\/", "/"))
    for token in ADDRESS_DELIMITERS.split(html.unescape(text)):
        token = token.rstrip(".;:!")
        if "/" not in token:
            continue
        if start := ADDRESS_START.search(token):
            token = token[start.start() :]
        yield token


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _attached_file_path(value: str) -> str | None:
    value = value.strip()
    if "//" in value or UPLOADS_FOLDER.search(value):
        return uploads_relative_path(value)
    relative = value.lstrip("/")
    return relative if relative and ".." not in relative else None


def referenced_uploads(export_path: Path | str) -> set[str]:
    """Every uploads path the export refers to, on any host.

    Attachments' `_wp_attached_file`, `wp:attachment_url` and `guid` (the address first uploaded, before
    WordPress made a `-scaled` copy); every address pointing into an uploads folder in any item's
    `content:encoded`, `excerpt:encoded` and postmeta values; the channel's `<image>` (the site icon).
    Comments are not read."""
    paths: set[str] = set()

    def read(text: str | None) -> None:
        paths.update(filter(None, map(uploads_relative_path, addresses_in(text or ""))))

    # No huge_tree: it would lift libxml2's guard against entity bombs.
    parser_options = {"resolve_entities": False, "no_network": True, "load_dtd": False}
    elements = etree.iterparse(str(export_path), events=("end",), tag=("item", "image"), **parser_options)
    for _, item in elements:
        for child in item:
            name = _local_name(child)
            if name in {"encoded", "attachment_url", "guid", "url"}:
                read(child.text)
            elif name == "postmeta":
                meta = {_local_name(part): part.text or "" for part in child}
                if meta.get("meta_key") != "_wp_attached_file":
                    read(meta.get("meta_value"))
                elif attached := _attached_file_path(meta.get("meta_value", "")):
                    paths.add(attached)
        item.clear()
    return paths


def _fingerprint(path: str) -> bytes:
    return hashlib.sha256(path.encode()).digest()


def stand_in_size(path: str) -> tuple[int, int]:
    """64×48, or for a resized copy `name-WxH.ext` that shape scaled down to fit 64 pixels (never up)."""
    if resized := RESIZED_NAME.search(path):
        width, height = int(resized[1]), int(resized[2])
        if width and height:
            scale = min(1.0, max(STAND_IN_SIZE) / max(width, height))
            return max(1, round(width * scale)), max(1, round(height * scale))
    return STAND_IN_SIZE


def stand_in_image(path: str, image_format: str) -> bytes:
    """A small picture whose colours and shapes come from `path`, so two files never look alike."""
    fingerprint = _fingerprint(path)
    width, height = stand_in_size(path)
    image = Image.new("RGB", (width, height), tuple(fingerprint[0:3]))
    draw = ImageDraw.Draw(image)
    left, top = fingerprint[6] % max(1, width // 2), fingerprint[7] % max(1, height // 2)
    draw.rectangle((left, top, left + width // 2, top + height // 2), fill=tuple(fingerprint[3:6]))
    draw.ellipse((width // 4, height // 4, width - 1, height - 1), outline=tuple(fingerprint[8:11]), width=2)
    if image_format == "GIF":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    document = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    cross_reference = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        cross_reference,
    )
    return bytes(document)


def minimal_mp3() -> bytes:
    """An ID3v2.3 tag and three silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono)."""
    title = b"\x00Stand-in"
    frame = b"TIT2" + struct.pack(">IH", len(title), 0) + title
    tag = b"ID3\x03\x00\x00" + bytes((len(frame) >> 21 & 127, len(frame) >> 14 & 127, len(frame) >> 7 & 127))
    tag += bytes((len(frame) & 127,)) + frame
    # All-zero side information means no audio data: a decoder plays silence.
    audio_frame = b"\xff\xfb\x90\xc0" + bytes(144 * 128_000 // 44_100 - 4)
    return tag + audio_frame * 3


def minimal_iso_media(major_brand: bytes, compatible: bytes) -> bytes:
    """An ISO base media file (MP4, M4A, QuickTime): its `ftyp` box, then an empty `free` box."""
    body = major_brand + struct.pack(">I", 0) + compatible
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + struct.pack(">I", 8) + b"free"


def ogg_crc32(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = (crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1
        crc &= 0xFFFFFFFF
    return crc


def minimal_ogg() -> bytes:
    """One Ogg page (beginning of stream) holding a Vorbis identification header: mono, 44.1 kHz."""
    identification = b"\x01vorbis" + struct.pack("<IBIiii", 0, 1, 44_100, 0, 0, 0) + b"\xb8\x01"
    page = b"OggS\x00\x02" + struct.pack("<qIII", 0, 1, 0, 0) + bytes((1, len(identification)))
    page += identification
    return page[:22] + struct.pack("<I", ogg_crc32(page)) + page[26:]


def minimal_wav() -> bytes:
    """A tenth of a second of silence: 8 kHz, 8-bit, mono."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(1)
        audio.setframerate(8000)
        audio.writeframes(b"\x80" * 800)
    return buffer.getvalue()


def _ebml_element(element_id: bytes, body: bytes) -> bytes:
    return element_id + bytes((0x80 | len(body),)) + body


def minimal_webm() -> bytes:
    """An EBML header naming the `webm` document type, then an empty Segment."""
    header = b"".join(
        (
            _ebml_element(b"\x42\x86", b"\x01"),
            _ebml_element(b"\x42\xf7", b"\x01"),
            _ebml_element(b"\x42\xf2", b"\x04"),
            _ebml_element(b"\x42\xf3", b"\x08"),
            _ebml_element(b"\x42\x82", b"webm"),
            _ebml_element(b"\x42\x87", b"\x02"),
            _ebml_element(b"\x42\x85", b"\x02"),
        )
    )
    return _ebml_element(b"\x1a\x45\xdf\xa3", header) + _ebml_element(b"\x18\x53\x80\x67", b"")


def minimal_svg(path: str) -> bytes:
    colour = _fingerprint(path)[:3].hex()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48" viewBox="0 0 64 48">'
        f'<rect width="64" height="48" fill="#{colour}"/></svg>\n'
    ).encode()


# Built once: the same bytes serve every file of the kind.
OTHER_MEDIA = {
    ".pdf": ("application/pdf", minimal_pdf()),
    ".mp3": ("audio/mpeg", minimal_mp3()),
    ".mp4": ("video/mp4", minimal_iso_media(b"isom", b"isomiso2mp41")),
    ".m4v": ("video/mp4", minimal_iso_media(b"M4V ", b"M4V mp42isom")),
    ".m4a": ("audio/mp4", minimal_iso_media(b"M4A ", b"M4A mp42isom")),
    ".mov": ("video/quicktime", minimal_iso_media(b"qt  ", b"qt  ")),
    ".ogg": ("audio/ogg", minimal_ogg()),
    ".oga": ("audio/ogg", minimal_ogg()),
    ".ogv": ("video/ogg", minimal_ogg()),
    ".wav": ("audio/wav", minimal_wav()),
    ".webm": ("video/webm", minimal_webm()),
}


def stand_in_file(path: str) -> tuple[str, bytes]:
    """The media type and bytes of a small valid file for uploads path `path`, chosen by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_FORMATS:
        image_format, media_type = IMAGE_FORMATS[suffix]
        return media_type, stand_in_image(path, image_format)
    if suffix in OTHER_MEDIA:
        return OTHER_MEDIA[suffix]
    if suffix == ".svg":
        return "image/svg+xml", minimal_svg(path)
    return "text/plain", f"Stand-in for the upload {path}\n".encode()


def stand_in_uploads(export_path: Path | str, folder: Path | str) -> dict[str, str]:
    """Write a small valid file at `folder`/path for every uploads path the export refers to.

    Returns {uploads path: media type of what was written}. The same export always gives the same bytes."""
    folder = Path(folder)
    written = {}
    for path in sorted(referenced_uploads(export_path)):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        media_type, data = stand_in_file(path)
        target.write_bytes(data)
        written[path] = media_type
    return written


def not_an_image(folder: Path | str, path: str) -> Path:
    """Write an HTML error page under an image's name, as a misconfigured server or CDN hands one out."""
    target = Path(folder) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(
        b"<!DOCTYPE html>\n<title>Not Found</title>\n<p>The requested file was not found.</p>\n"
    )
    return target


class ServedFolder(str):
    """The base URL of a folder served over HTTP (no trailing slash), and what was asked of it.

    `requested_paths` holds each request's target as sent (`/2008/06/a.jpg?w=300`), in order of arrival;
    `fetched_uploads` the same as uploads paths (query dropped, escapes decoded)."""

    requested_paths: list[str]

    @property
    def fetched_uploads(self) -> list[str]:
        return [unquote(urlsplit(target).path).lstrip("/") for target in self.requested_paths]


class _RecordingHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *arguments, record, lock, **keywords):
        self._record = record
        self._lock = lock
        super().__init__(*arguments, **keywords)

    def send_head(self):
        with self._lock:
            self._record.append(self.path)
        return super().send_head()

    def log_message(self, format, *arguments):
        pass


@contextlib.contextmanager
def media_server(folder: Path | str) -> Iterator[ServedFolder]:
    """Serve `folder` on 127.0.0.1 at a free port for the length of the `with` block.

    Yields its base URL (a ServedFolder), which records every requested path. Missing files answer 404."""
    requested_paths: list[str] = []
    handler = partial(_RecordingHandler, directory=str(folder), record=requested_paths, lock=threading.Lock())
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        base_url = ServedFolder(f"http://127.0.0.1:{server.server_address[1]}")
        base_url.requested_paths = requested_paths
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield base_url
        finally:
            server.shutdown()
            thread.join()
