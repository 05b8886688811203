"""Images read, checked and encoded with Pillow: every published file is made from the pixels alone.

`inspect` reads what a page needs to know of an image without decoding it (its size as shown, whether it
is see-through) and refuses what must never be published: a file that is not the image its name says, one
over the pixel limit, an SVG that could run script or fetch from elsewhere. `encode` decodes it whole (a
truncated file fails here), turns it upright as its EXIF orientation says, converts its colours to sRGB
and writes each variant from a fresh image that carries nothing but pixels: no EXIF (GPS position, camera,
serial number, dates), XMP, IPTC, comments or colour profile.
"""

import contextlib
import hashlib
import io
import re
import struct
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

# What Pillow calls the format of each kind of file an author may add (phones write MPO for JPEG).
SUFFIX_FORMATS = {
    ".jpg": {"JPEG", "MPO"},
    ".jpeg": {"JPEG", "MPO"},
    ".png": {"PNG"},
    ".gif": {"GIF"},
    ".webp": {"WEBP"},
    ".avif": {"AVIF"},
}
SVG_SUFFIX = ".svg"
IMAGE_SUFFIXES = frozenset({*SUFFIX_FORMATS, SVG_SUFFIX})
ROTATED_ORIENTATIONS = {5, 6, 7, 8}
ALPHA_MODES = {"RGBA", "LA", "PA", "La", "RGBa"}
ORIENTATION_TAG = 0x0112
EXTENSIONS = {"AVIF": "avif", "WEBP": "webp", "JPEG": "jpg", "PNG": "png"}
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
# Quality for each encoder: AVIF and WebP at what looks like JPEG's 80 for photographs.
QUALITY = {"AVIF": 52, "WEBP": 74, "JPEG": 80}
# libavif's speed: 9 encodes ten times faster than its default (6) for files about 15 % larger.
AVIF_SPEED = 9
SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(ValueError):
    """What is wrong with an image file (`what`) and how to put it right (`fix`)."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix


@dataclass(frozen=True)
class SourceImage:
    """An image file under content/ as a page shows it: `path` from content/, the digest of its bytes, its
    kind ("raster" or "svg"), its size upright, and whether any of it is see-through."""

    path: str
    digest: str
    kind: str
    width: int
    height: int
    alpha: bool = False


@dataclass(frozen=True)
class Plan:
    """What to make of one image: the widths offered, the two formats, the folder the variants go to, and
    its crops as a lead image: for each focal point (in per cent) of an article that leads with it, a social
    card of `social_size` and the listings' card picture (`card_ratio`) in `card_widths`."""

    source: SourceImage
    widths: tuple[int, ...]
    modern: str
    fallback: str
    folder: str
    social: tuple[tuple[int, int], ...] = ()
    social_size: tuple[int, int] = (1200, 630)
    card_widths: tuple[int, ...] = ()
    card_ratio: tuple[int, int] = (3, 2)

    @property
    def key(self) -> str:
        """The last part of `folder`: the digest of the image's bytes and the settings."""
        return PurePosixPath(self.folder).name

    @property
    def stem(self) -> str:
        return PurePosixPath(self.source.path).stem

    def name(self, width: int, image_format: str) -> str:
        return f"{self.folder}/{self.stem}-{width}.{EXTENSIONS[image_format]}"

    def social_name(self, focus: tuple[int, int]) -> str:
        return f"{self.folder}/{self.stem}-social-{focus[0]}-{focus[1]}.jpg"

    def card_name(self, focus: tuple[int, int], width: int, image_format: str) -> str:
        return f"{self.folder}/{self.stem}-card-{focus[0]}-{focus[1]}-{width}.{EXTENSIONS[image_format]}"

    def height_at(self, width: int) -> int:
        return max(1, round(self.source.height * width / self.source.width))

    def card_crop(self) -> tuple[int, int]:
        """The largest part of the image in `card_ratio`'s shape: what every card width is made from."""
        ratio_width, ratio_height = self.card_ratio
        width = min(self.source.width, self.source.height * ratio_width // ratio_height)
        return max(1, width), max(1, round(width * ratio_height / ratio_width))

    def card_offered(self) -> tuple[int, ...]:
        """The card widths the crop can fill (its own width when narrower than the widest)."""
        return offered_widths(self.card_crop()[0], self.card_widths) if self.card_widths else ()

    def card_height_at(self, width: int) -> int:
        ratio_width, ratio_height = self.card_ratio
        return max(1, round(width * ratio_height / ratio_width))

    def social_dimensions(self) -> tuple[int, int]:
        """The social card's size: `social_size`, or the largest crop of that shape the image holds."""
        target_width, target_height = self.social_size
        scale = min(1.0, self.source.width / target_width, self.source.height / target_height)
        return max(1, round(target_width * scale)), max(1, round(target_height * scale))


def modern_format(choice: str) -> str:
    """AVIF where this Pillow can write it (or WebP when asked for), otherwise WebP."""
    if choice == "webp" or not features.check("avif"):
        return "WEBP"
    return "AVIF"


def offered_widths(source_width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The configured widths the image can fill, and its own width when it is narrower than the widest:
    never wider than the image itself."""
    fitting = {width for width in widths if width <= source_width}
    if source_width < max(widths):
        fitting.add(source_width)
    return tuple(sorted(fitting))


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def inspect(root: Path, relative: str, max_pixels: int) -> SourceImage:
    """The image at `root/relative`, read far enough to know its size; ImageRejected when it cannot be
    published."""
    path = root / relative
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise ImageRejected(
            f"the image `{relative}` does not exist under content/",
            "check the spelling, or add the file to content/images/",
        ) from error
    except OSError as error:
        raise ImageRejected(
            f"the image `{relative}` cannot be read ({error.strerror or error})",
            "check that the file exists under content/ and can be read",
        ) from error
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix == SVG_SUFFIX:
        width, height = svg_size(relative, safe_svg(relative, data))
        return SourceImage(relative, file_digest(data), "svg", width, height)
    with damage_reported(relative):
        return raster_source(relative, data, suffix, max_pixels)


def raster_source(relative: str, data: bytes, suffix: str, max_pixels: int) -> SourceImage:
    image = open_image(relative, data, max_pixels)
    found = image.format or "unknown"
    if found not in SUFFIX_FORMATS.get(suffix, set()):
        right = next((s for s, formats in SUFFIX_FORMATS.items() if found in formats), None)
        raise ImageRejected(
            f"the image `{relative}` is a {found} file, not what its name ends in (`{suffix}`)",
            f"rename it to end in `{right}`" if right else "save it again as JPEG or PNG",
        )
    if getattr(image, "is_animated", False):
        raise ImageRejected(
            f"the image `{relative}` is animated",
            "use a still image (an animation distracts and cannot be paused); link to a video instead",
        )
    width, height = image.size
    if image.getexif().get(ORIENTATION_TAG) in ROTATED_ORIENTATIONS:
        width, height = height, width
    return SourceImage(relative, file_digest(data), "raster", width, height, has_alpha(image))


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ALPHA_MODES or "transparency" in image.info


# What Pillow's decoders and encoders raise on a damaged file (each format's decoder its own).
DECODER_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    RuntimeError,
    struct.error,
    zlib.error,
)


@contextlib.contextmanager
def damage_reported(relative: str):
    """Whatever a decoder raises on a damaged file becomes the author's problem, never a traceback."""
    try:
        yield
    except ImageRejected:
        raise
    except DECODER_ERRORS as error:
        raise ImageRejected(
            f"the image `{relative}` is damaged: {error}",
            "the file is incomplete or corrupt; export it again from the original, as JPEG or PNG",
        ) from error


def open_image(relative: str, data: bytes, max_pixels: int) -> Image.Image:
    """Pillow's image of `data`, its header read; refused above `max_pixels` before any decoding."""
    over = ImageRejected(
        f"the image `{relative}` has more than {max_pixels:,} pixels",
        "make it smaller (4,000 × 3,000 is plenty for any page) or raise IMAGES['max_megapixels']",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise over from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageRejected(
            f"the image `{relative}` is damaged or not an image ({error})",
            "export it again from the original, as JPEG or PNG",
        ) from error
    if image.width * image.height > max_pixels:
        raise over
    return image


def decoded(relative: str, data: bytes, max_pixels: int) -> Image.Image:
    """The whole image, upright and in sRGB, as a fresh image holding nothing but its pixels."""
    image = open_image(relative, data, max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image.load()
        upright = ImageOps.exif_transpose(image)
    upright = in_srgb(upright, image.info.get("icc_profile"))
    mode = "RGBA" if has_alpha(upright) else "RGB"
    pixels = upright.convert(mode)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    return clean


def in_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    """The image converted from its embedded colour profile to sRGB (a phone's Display P3 photo keeps its
    colours once the profile is dropped); unchanged when it has none or the profile cannot be used."""
    if not profile or image.mode not in {"RGB", "RGBA"}:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def encoded(image: Image.Image, image_format: str) -> bytes:
    """One variant's bytes: the same pixels always give the same bytes (no time, no metadata)."""
    output = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(output, "JPEG", quality=QUALITY["JPEG"], optimize=True, progressive=True)
    elif image_format == "PNG":
        image.save(output, "PNG")
    elif image_format == "WEBP":
        image.save(output, "WEBP", quality=QUALITY["WEBP"], method=5)
    else:
        image.save(output, "AVIF", quality=QUALITY["AVIF"], speed=AVIF_SPEED, max_threads=1)
    return output.getvalue()


def encode(root: Path, plan: Plan, max_pixels: int) -> dict[str, bytes]:
    """Every file `plan` asks for, by output name, and under "" the file published at the image's own path
    (the widest fallback; for an SVG, the SVG without what it need not carry)."""
    data = (root / plan.source.path).read_bytes()
    if plan.source.kind == "svg":
        return {"": cleaned_svg(plan.source.path, data)}
    with damage_reported(plan.source.path):
        return variants(plan, decoded(plan.source.path, data, max_pixels))


def variants(plan: Plan, image: Image.Image) -> dict[str, bytes]:
    made: dict[str, bytes] = {}
    resized = image
    # Widest first, each narrower one from the last: a phone photo is reduced from 4,000 pixels once.
    for width in reversed(plan.widths):
        if width != resized.width:
            resized = resized.resize(
                (width, plan.height_at(width)), Image.Resampling.LANCZOS, reducing_gap=3.0
            )
        for image_format in (plan.modern, plan.fallback):
            made[plan.name(width, image_format)] = encoded(resized, image_format)
    made[""] = made[plan.name(plan.widths[-1], plan.fallback)]
    for focus in plan.social:
        card = ImageOps.fit(
            image.convert("RGB"),
            plan.social_dimensions(),
            Image.Resampling.LANCZOS,
            centering=(focus[0] / 100, focus[1] / 100),
        )
        made[plan.social_name(focus)] = encoded(card, "JPEG")
        made.update(card_variants(plan, image, focus))
    return made


def card_variants(plan: Plan, image: Image.Image, focus: tuple[int, int]) -> dict[str, bytes]:
    """The listings' picture of a lead image: cropped to `card_ratio` around `focus`, in every card width."""
    made: dict[str, bytes] = {}
    resized = ImageOps.fit(
        image, plan.card_crop(), Image.Resampling.LANCZOS, centering=(focus[0] / 100, focus[1] / 100)
    )
    for width in reversed(plan.card_offered()):
        if width != resized.width:
            resized = resized.resize(
                (width, plan.card_height_at(width)), Image.Resampling.LANCZOS, reducing_gap=3.0
            )
        for image_format in (plan.modern, plan.fallback):
            made[plan.card_name(focus, width, image_format)] = encoded(resized, image_format)
    return made


SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
# Elements that run script, embed other documents or carry authoring metadata.
SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
SVG_DROPPED = {"metadata"}
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)
SVG_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


def svg_parser() -> etree.XMLParser:
    """A parser that never fetches anything or expands entities (no billion laughs, no local files)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(name) -> str:
    return etree.QName(name).localname if isinstance(name, str) else ""


def safe_svg(relative: str, data: bytes) -> etree._Element:
    """The SVG's root element; ImageRejected when it could run script or load anything from elsewhere."""

    def refuse(what: str) -> ImageRejected:
        return ImageRejected(
            f"the SVG `{relative}` {what}",
            "export it again as plain SVG without scripts, event handlers or links to other files "
            "(or as PNG)",
        )

    try:
        root = etree.fromstring(data, svg_parser())
    except etree.XMLSyntaxError as error:
        raise ImageRejected(
            f"the SVG `{relative}` is not well-formed XML ({error})", "export it again from the original"
        ) from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise refuse("is not an SVG image (its root element is not <svg>)")
    if root.getroottree().docinfo.internalDTD is not None:
        raise refuse("declares a DOCTYPE with entities")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag)
        if name in SVG_FORBIDDEN:
            raise refuse(f"contains a <{name}> element")
        if name == "style" and EXTERNAL_URL.search(element.text or ""):
            raise refuse("has a style that loads another file")
        for attribute, value in element.attrib.items():
            local = _local(attribute).lower()
            if local.startswith("on"):
                raise refuse(f"has an event handler (`{local}` on <{name}>)")
            if local == "href" and not value.strip().startswith("#"):
                raise refuse(f"links to `{value.strip()[:60]}` (only links inside it, `#…`, are allowed)")
            if local == "style" and EXTERNAL_URL.search(value):
                raise refuse(f"has a style on <{name}> that loads another file")
            if "javascript:" in value.replace(" ", "").lower():
                raise refuse(f"has a `javascript:` address on <{name}>")
    return root


def svg_size(relative: str, root: etree._Element) -> tuple[int, int]:
    """The SVG's width and height in pixels: its `width` and `height`, else its viewBox."""
    width, height = (SVG_LENGTH.match(root.get(key) or "") for key in ("width", "height"))
    if width and height:
        return max(1, round(float(width.group(1)))), max(1, round(float(height.group(1))))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        box_width, box_height = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        box_width = box_height = 0.0
    if box_width <= 0 or box_height <= 0:
        raise ImageRejected(
            f"the SVG `{relative}` has no size (no `width` and `height` in pixels, and no viewBox)",
            'give its <svg> element a viewBox, e.g. viewBox="0 0 800 400"',
        )
    return max(1, round(box_width)), max(1, round(box_height))


def cleaned_svg(relative: str, data: bytes) -> bytes:
    """The SVG without comments, processing instructions, <metadata> or editors' own elements and
    attributes (Inkscape's, Illustrator's): what it shows, and nothing about who made it or where."""
    root = safe_svg(relative, data)
    for node in list(root.iter()):
        parent = node.getparent()
        if parent is None:
            continue
        if not isinstance(node.tag, str) or _local(node.tag) in SVG_DROPPED or _foreign(node.tag):
            tail = node.tail
            parent.remove(node)
            if tail and tail.strip():
                parent.text = (parent.text or "") + tail
    for element in root.iter():
        if isinstance(element.tag, str):
            for attribute in [a for a in element.attrib if _foreign(a)]:
                del element.attrib[attribute]
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=False)


def _foreign(name: str) -> bool:
    """A name in a namespace other than SVG's and XLink's (xml:lang and xml:space stay)."""
    namespace = etree.QName(name).namespace
    return namespace not in {None, SVG_NAMESPACE, XLINK_NAMESPACE, "http://www.w3.org/XML/1998/namespace"}
