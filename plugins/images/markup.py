"""The HTML a page shows an image with.

A photograph becomes a `<picture>`: a `<source>` in the modern format (AVIF or WebP) and an `<img>` in the
fallback (JPEG, or PNG when it is see-through), each offering every width with `sizes` matching the
theme's column, so a phone downloads a copy its screen can use. `width` and `height` give the image's
shape before it loads, so nothing moves. The lead image is fetched first; every other one only as it
nears the screen.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from site_core.markup import START_TAG, tag_attributes

from .process import EXTENSIONS, MIME_TYPES, Plan, SourceImage

# Written as the alt text, marks an image that only decorates: it is published with an empty alt.
DECORATIVE = "decorative"
STATIC_MARKER = "{static}/"
# An <img> keeps these of what the author wrote; the plugin writes the rest.
KEPT_ATTRIBUTES = ("title", "id", "lang", "dir")
THUMBNAIL_WIDTH = 480
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class FoundImage:
    """One `<img>` of a body: where its tag is, what it loads and what it says."""

    start: int
    end: int
    attributes: dict

    @property
    def src(self) -> str:
        return self.attributes.get("src") or ""

    @property
    def alt(self) -> str | None:
        return self.attributes.get("alt")


def find_images(body: str) -> list[FoundImage]:
    return [
        FoundImage(match.start(), match.end(), tag_attributes(match.group(0)))
        for match in START_TAG.finditer(body)
        if match.group(1) == "img"
    ]


def content_path(src: str, folders: tuple[str, ...]) -> str | None:
    """The file under content/ an address names: written as a path (which the reader turns into
    `{static}/…`) or from the site root into an image folder (`/images/chart.png`); None for any other."""
    if src.startswith(STATIC_MARKER):
        return unquote(urlsplit(src[len(STATIC_MARKER) :]).path) or None
    path = unquote(urlsplit(src).path) if src.startswith("/") and not src.startswith("//") else ""
    if path.lstrip("/").partition("/")[0] in folders:
        return path.lstrip("/")
    return None


def on_another_site(src: str) -> bool:
    r"""Whether an address leaves this site: it has a scheme (`https:`, `mailto:`) or a host (`//cdn…`,
    or `\\cdn…`, which browsers read alike)."""
    address = src.strip()
    return bool(SCHEME.match(address)) or address.replace("\\", "/").startswith("//")


def shown_alt(alt: str | None) -> str | None:
    """The alt text to publish: "" for a decorative image, None when the author gave none."""
    if alt is None or not alt.strip():
        return None
    return "" if alt.strip().lower() == DECORATIVE else alt.strip()


def attributes_html(attributes: dict) -> str:
    return "".join(
        f" {name}" if value is True else f' {name}="{html.escape(str(value))}"'
        for name, value in attributes.items()
        if value is not None and value is not False
    )


def loading(lead: bool) -> dict:
    """The lead image is fetched at once and first; any other only as it nears the screen."""
    if lead:
        return {"fetchpriority": "high", "decoding": "async"}
    return {"loading": "lazy", "decoding": "async"}


def address(root: str, name: str) -> str:
    """A published file's address from the site root, encoded: a space or comma in a file name would
    otherwise split a `srcset`."""
    return f"{root}/{quote(name)}"


def srcset(root: str, plan: Plan, image_format: str) -> str:
    return ", ".join(f"{address(root, plan.name(width, image_format))} {width}w" for width in plan.widths)


def picture_html(
    plan: Plan, alt: str, root: str, sizes: str, *, lead: bool, extra: dict | None = None
) -> str:
    """A `<picture>` offering every width of `plan` in its two formats."""
    widest = plan.widths[-1]
    modern = MIME_TYPES[plan.name(widest, plan.modern).rsplit(".", 1)[1]]
    source = attributes_html({"type": modern, "srcset": srcset(root, plan, plan.modern), "sizes": sizes})
    image = attributes_html(
        {
            "src": address(root, plan.name(widest, plan.fallback)),
            "srcset": srcset(root, plan, plan.fallback),
            "sizes": sizes,
            "width": widest,
            "height": plan.height_at(widest),
            "alt": alt,
            **(extra or {}),
            **loading(lead),
        }
    )
    return f"<picture><source{source}><img{image}></picture>"


def svg_html(source: SourceImage, alt: str, root: str, *, lead: bool, extra: dict | None = None) -> str:
    """An SVG scales to any width: one file, with its shape."""
    image = attributes_html(
        {
            "src": address(root, source.path),
            "width": source.width,
            "height": source.height,
            "alt": alt,
            **(extra or {}),
            **loading(lead),
        }
    )
    return f"<img{image}>"


def card_image(plan: Plan, focus: tuple[int, int], root: str) -> dict:
    """What a listing needs to show a lead image's card crop: the theme writes the `<picture>`, with the
    `sizes` of wherever it puts the card (a lead story is wider than a row of a list)."""
    widths = plan.card_offered()
    widest = widths[-1]

    def card_srcset(image_format: str) -> str:
        return ", ".join(
            f"{address(root, plan.card_name(focus, width, image_format))} {width}w" for width in widths
        )

    # One copy for what cannot choose among widths (the hub's filtered list, search results): a list
    # row's width on a sharp screen.
    one = next((width for width in widths if width >= THUMBNAIL_WIDTH), widest)
    return {
        "src": address(root, plan.card_name(focus, widest, plan.fallback)),
        "srcset": card_srcset(plan.fallback),
        "modern_srcset": card_srcset(plan.modern),
        "modern_type": MIME_TYPES[EXTENSIONS[plan.modern]],
        "width": widest,
        "height": plan.card_height_at(widest),
        "thumbnail": {
            "src": address(root, plan.card_name(focus, one, plan.fallback)),
            "modern_src": address(root, plan.card_name(focus, one, plan.modern)),
            "modern_type": MIME_TYPES[EXTENSIONS[plan.modern]],
            "width": one,
            "height": plan.card_height_at(one),
        },
    }


def svg_card_image(source: SourceImage, root: str) -> dict:
    """An SVG scales to any card: the one file, with its shape (the theme's card crops it to fit)."""
    shape = {"src": address(root, source.path), "width": source.width, "height": source.height}
    return {**shape, "thumbnail": shape}


def kept_attributes(found: FoundImage) -> dict:
    return {name: found.attributes[name] for name in KEPT_ATTRIBUTES if found.attributes.get(name)}
