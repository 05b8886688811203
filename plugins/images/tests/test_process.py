"""Reading, refusing and encoding images: every file read back with Pillow."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, ImageDraw

from images.process import (
    ImageRejected,
    Plan,
    cleaned_svg,
    encode,
    inspect,
    modern_format,
    offered_widths,
)

GPS_IFD = 0x8825
MAX_PIXELS = 50_000_000


def photo(size=(1000, 750), mode="RGB") -> Image.Image:
    """A picture with detail in it (a flat colour would compress to nothing)."""
    image = Image.new(mode, size, (40, 90, 160, 255) if mode == "RGBA" else (40, 90, 160))
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 37):
        draw.line([(step, 0), (size[0] - step, size[1])], fill=(step % 255, 200, 90), width=5)
    draw.ellipse([size[0] // 4, 0, size[0] // 2, size[1] // 3], fill=(230, 200, 40))
    return image


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Pixel"
    exif[ExifTags.Base.Model] = "Pixel 8a"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 53.0, 21.12)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 54.0, 15.12)
    return exif


@pytest.fixture
def content(tmp_path):
    (tmp_path / "images").mkdir()
    return tmp_path


def save(content, name: str, image: Image.Image, **options) -> str:
    image.save(content / "images" / name, **options)
    return f"images/{name}"


def plan_for(content, relative: str, widths=(240, 480, 800), social=((50, 50),)) -> Plan:
    source = inspect(content, relative, MAX_PIXELS)
    return Plan(
        source,
        offered_widths(source.width, widths),
        modern_format("auto"),
        "PNG" if source.alpha else "JPEG",
        "media/key",
        social if source.kind == "raster" else (),
    )


def with_iptc(path, text: bytes) -> None:
    """An IPTC record (Photoshop's APP13 segment, as news agencies' software writes it) put in a JPEG."""
    record = b"8BIM\x04\x04\x00\x00" + len(text).to_bytes(4, "big") + text
    segment = b"Photoshop 3.0\x00" + record
    data = path.read_bytes()
    path.write_bytes(data[:2] + b"\xff\xed" + (len(segment) + 2).to_bytes(2, "big") + segment + data[2:])


def assert_no_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), image.getexif()
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Author"} & set(image.info)
    for marker in (
        b"Exif",
        b"GPS",
        b"Pixel 8a",
        b"xmpmeta",
        b"adobe:ns:meta",
        b"Taken at",
        b"Sandringham",
        b"ICC",
    ):
        assert marker not in data, marker


def test_a_phone_photo_loses_every_piece_of_metadata(content):
    relative = save(
        content,
        "phone.jpg",
        photo(),
        exif=phone_exif(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">creator</x:xmpmeta>',
        comment=b"Taken at a foster home",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        quality=90,
    )
    with_iptc(content / relative, b"IPTC: Sandringham Road refuge")
    original = Image.open(content / relative)
    assert original.getexif().get_ifd(GPS_IFD), "the test photo must carry a GPS position"
    assert "icc_profile" in original.info
    assert b"Sandringham" in (content / relative).read_bytes()
    made = encode(content, plan_for(content, relative), MAX_PIXELS)
    assert len(made) == 3 * 2 + 1 + 1
    for data in made.values():
        assert_no_metadata(data)


def test_widths_are_offered_up_to_the_original_never_beyond(content):
    plan = plan_for(content, save(content, "small.jpg", photo((600, 420))))
    assert plan.widths == (240, 480, 600)
    made = encode(content, plan, MAX_PIXELS)
    for width in plan.widths:
        for kind in (plan.modern, plan.fallback):
            image = Image.open(io.BytesIO(made[plan.name(width, kind)]))
            assert image.size == (width, plan.height_at(width))
    assert Image.open(io.BytesIO(made[""])).size == (600, 420)


def test_the_orientation_is_applied_to_the_pixels(content):
    upright = photo((900, 1200))
    upright.paste((255, 0, 0), (0, 0, 900, 100))  # red along the top
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # as a phone stores a portrait photo
    relative = save(content, "portrait.jpg", stored, exif=phone_exif(orientation=6), quality=95)
    plan = plan_for(content, relative, widths=(400,))
    assert (plan.source.width, plan.source.height) == (900, 1200)
    made = Image.open(io.BytesIO(encode(content, plan, MAX_PIXELS)[plan.name(400, "JPEG")])).convert("RGB")
    assert made.size == (400, plan.height_at(400))
    assert made.height > made.width
    red, green, blue = made.getpixel((200, 10))
    assert (red > 200, green < 60, blue < 60) == (True, True, True), "the red band must be on top"


def test_a_see_through_image_falls_back_to_png_and_keeps_its_alpha(content):
    relative = save(content, "cut-out.png", photo((900, 600), "RGBA"))
    image = Image.open(content / relative)
    image.putpixel((0, 0), (0, 0, 0, 0))
    image.save(content / relative)
    plan = plan_for(content, relative)
    assert plan.fallback == "PNG"
    made = Image.open(io.BytesIO(encode(content, plan, MAX_PIXELS)[plan.name(240, "PNG")]))
    assert made.mode == "RGBA"


def test_the_social_card_is_1200_by_630_around_the_focal_point(content):
    image = photo((1600, 1600))
    image.paste((255, 0, 0), (0, 0, 1600, 400))  # a red band across the top quarter
    relative = save(content, "square.jpg", image, quality=95)
    plan = plan_for(content, relative, widths=(400,), social=((50, 0), (50, 100)))
    made = encode(content, plan, MAX_PIXELS)
    top = Image.open(io.BytesIO(made[plan.social_name((50, 0))])).convert("RGB")
    bottom = Image.open(io.BytesIO(made[plan.social_name((50, 100))])).convert("RGB")
    assert top.size == bottom.size == (1200, 630)
    assert top.getpixel((600, 20))[0] > 200
    assert bottom.getpixel((600, 20))[0] < 200


def test_the_same_image_gives_the_same_bytes(content):
    plan = plan_for(content, save(content, "again.jpg", photo()))
    assert encode(content, plan, MAX_PIXELS) == encode(content, plan, MAX_PIXELS)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("truncated.jpg", "truncated", "is damaged"),
        ("not-a-photo.jpg", b"just some text, not a picture", "is damaged or not an image"),
        ("really-png.jpg", "png", "is a PNG file, not what its name ends in (`.jpg`)"),
        ("huge.png", "huge", "has more than 1,000,000 pixels"),
    ],
)
def test_bad_files_are_refused_with_what_is_wrong(content, name, data, expected):
    if data == "truncated":
        whole = io.BytesIO()
        photo().save(whole, "JPEG", quality=90)
        data = whole.getvalue()[: len(whole.getvalue()) // 2]
    elif data == "png":
        buffer = io.BytesIO()
        photo((300, 200)).save(buffer, "PNG")
        data = buffer.getvalue()
    elif data == "huge":
        buffer = io.BytesIO()
        Image.new("L", (1100, 1000)).save(buffer, "PNG")
        data = buffer.getvalue()
    (content / "images" / name).write_bytes(data)
    relative = f"images/{name}"
    with pytest.raises(ImageRejected) as refused:
        encode(content, plan_for(content, relative, widths=(200,)), 1_000_000)
    assert expected in refused.value.what
    assert refused.value.fix


@pytest.mark.parametrize(
    ("svg", "expected"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" viewBox="0 0 1 1"/>', "event handler"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'viewBox="0 0 1 1"><image xlink:href="https://tracker.example/pixel.png"/></svg>',
            "links to `https://tracker.example/pixel.png`",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><style>@import url(https://x.example/a.css);'
            "</style></svg>",
            "style that loads another file",
        ),
        (
            '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', "has no size"),
        ("<html><body>not svg</body></html>", "not an SVG image"),
        ("<svg", "not well-formed"),
    ],
)
def test_unsafe_svgs_are_refused(content, svg, expected):
    (content / "images" / "drawing.svg").write_text(svg)
    with pytest.raises(ImageRejected) as refused:
        inspect(content, "images/drawing.svg", MAX_PIXELS)
    assert expected in refused.value.what


def test_an_svg_keeps_its_drawing_and_loses_its_metadata(content):
    (content / "images" / "chart.svg").write_text(
        '<?xml version="1.0"?>\n<!-- made by Jane at home -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="300" height="150" '
        'inkscape:version="1.3"><metadata>Jane Smith, Colchester</metadata>'
        '<title>Referrals by year</title><rect width="300" height="150" fill="#123"/></svg>'
    )
    source = inspect(content, "images/chart.svg", MAX_PIXELS)
    assert (source.width, source.height) == (300, 150)
    cleaned = cleaned_svg("images/chart.svg", (content / "images/chart.svg").read_bytes()).decode()
    assert "<rect" in cleaned
    assert "<title>Referrals by year</title>" in cleaned
    for gone in ("Jane", "inkscape", "metadata", "<!--"):
        assert gone not in cleaned


SEEDS = {}
for _format, _suffix in (
    ("JPEG", ".jpg"),
    ("PNG", ".png"),
    ("WEBP", ".webp"),
    ("GIF", ".gif"),
    ("AVIF", ".avif"),
):
    _buffer = io.BytesIO()
    photo((120, 80)).save(_buffer, _format)
    SEEDS[_suffix] = _buffer.getvalue()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from(sorted(SEEDS)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255), st.booleans()), min_size=1, max_size=6),
)
def test_a_damaged_file_is_refused_never_a_crash(content, suffix, edits):
    data = bytearray(SEEDS[suffix])
    for where, value, cut in edits:
        position = min(int(where * len(data)), len(data) - 1)
        if cut:
            del data[position:]
        else:
            data[position] = value
        if not data:
            data = bytearray(b"?")
    (content / "images" / f"damaged{suffix}").write_bytes(bytes(data))
    refused = refusal(content, f"images/damaged{suffix}")
    if refused is not None:
        assert refused.what.startswith("the image `images/damaged")
        assert refused.fix


def refusal(content, relative: str) -> ImageRejected | None:
    """Why the image is refused, or None when it could be read and encoded; anything else propagates."""
    try:
        encode(content, plan_for(content, relative, widths=(60,)), MAX_PIXELS)
    except ImageRejected as refused:
        return refused
    return None
