"""The images plugin in a real (in-process) build: what a page offers, what is published, what is refused."""

import io
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree, html
from PIL import ExifTags, Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from conftest import PUBLISH_SITEURL, THEME_PLUGINS, tree_digest, write_content
from images.markup import on_another_site
from images.process import modern_format
from site_core import BuildFailed

PLUGINS = [*THEME_PLUGINS, "images"]
ROOT_PATH = urlsplit(PUBLISH_SITEURL).path.rstrip("/")
GPS_IFD = 0x8825
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"}


def picture(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size, (30, 80, 150, 255) if mode == "RGBA" else (30, 80, 150))
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 29):
        draw.line([(step, 0), (size[0] - step, size[1])], fill=(step % 255, 190, 80), width=4)
    return image


def with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Pixel 8a"
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 53.0, 21.0)
    return exif


ARTICLE = """---
title: Kinship carers at home
date: 2026-05-01
category: Features
image: images/kitchen.jpg
image_alt: A kitchen table with two mugs and an open book
image_focus: 50% 20%
---

The carers spoke to us at home.

![A reading corner with a beanbag](images/corner.png "Reading corner")

![decorative](images/divider.svg)

<img src="images/kitchen.jpg" alt="The same kitchen, shown again in the text">

[The full chart](images/chart.png)

![Referrals by year, written from the site root](/images/chart.png)

![Not an image of the site](/images/../secret.jpg)
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 20"><rect width="600" height="20"/></svg>'


@pytest.fixture
def content(tmp_path) -> Path:
    folder = write_content(tmp_path / "content", {"articles/2026-05-01-kinship-home.md": ARTICLE})
    images = folder / "images"
    images.mkdir()
    picture((1200, 900)).save(images / "kitchen.jpg", quality=92, exif=with_gps(), comment=b"at home")
    notes = PngInfo()
    notes.add_text("Author", "A foster carer")
    picture((700, 500), "RGBA").save(images / "corner.png", pnginfo=notes)
    picture((300, 200)).save(images / "chart.png")
    (images / "divider.svg").write_text(SVG)
    picture((500, 500)).save(images / "unused.jpg", exif=with_gps())
    return folder


@pytest.fixture
def site(pelican_run, content) -> Path:
    return pelican_run(PLUGINS, content)


def article_page(site: Path):
    return html.fromstring((site / "articles" / "kinship-home" / "index.html").read_bytes())


def published(site: Path, address: str) -> Path:
    return site / unquote(urlsplit(address).path).removeprefix(ROOT_PATH).lstrip("/")


def candidates(srcset: str) -> list[tuple[str, int]]:
    found = []
    for candidate in srcset.split(","):
        address, descriptor = candidate.split()
        found.append((address, int(descriptor.removesuffix("w"))))
    return found


def test_the_lead_image_is_a_picture_fetched_first(site):
    page = article_page(site)
    (lead,) = page.xpath("//figure[@class='lead-image']/picture")
    (source,) = lead.xpath("source")
    image = lead.find(".//img")
    assert source.get("type") == {"AVIF": "image/avif", "WEBP": "image/webp"}[modern_format("auto")]
    assert source.get("sizes") == image.get("sizes")
    assert "42rem" in image.get("sizes")
    assert image.get("alt") == "A kitchen table with two mugs and an open book"
    assert image.get("fetchpriority") == "high"
    assert image.get("loading") is None
    assert [width for _, width in candidates(source.get("srcset"))] == [480, 800, 1200]
    assert [width for _, width in candidates(image.get("srcset"))] == [480, 800, 1200]
    assert (image.get("width"), image.get("height")) == ("1200", "900")


def test_every_offered_file_has_the_width_it_claims_and_the_page_its_shape(site):
    page = article_page(site)
    images = page.xpath("//picture//img")
    assert len(images) == 4
    for image in images:
        ratio = int(image.get("width")) / int(image.get("height"))
        for element in (image, *image.getparent().xpath("source")):
            for address, width in candidates(element.get("srcset")):
                with Image.open(published(site, address)) as made:
                    assert made.width == width
                    assert abs(made.width / made.height - ratio) < 0.01
        with Image.open(published(site, image.get("src"))) as fallback:
            assert fallback.format in {"JPEG", "PNG"}


def test_images_in_the_text_load_lazily_and_keep_what_the_author_wrote(site):
    page = article_page(site)
    corner = page.xpath("//img[@alt='A reading corner with a beanbag']")[0]
    assert corner.get("loading") == "lazy"
    assert corner.get("decoding") == "async"
    assert corner.get("title") == "Reading corner"
    assert corner.get("src").endswith(".png"), "a see-through image falls back to PNG"
    (divider,) = page.xpath("//img[contains(@src, 'divider.svg')]")
    assert divider.get("alt") == ""
    assert (divider.get("width"), divider.get("height")) == ("600", "20")


def test_no_published_image_carries_metadata_or_is_an_original(site, content):
    originals = {path.read_bytes() for path in (content / "images").iterdir()}
    files = [path for path in site.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES]
    assert len(files) > 10
    for path in files:
        data = path.read_bytes()
        assert data not in originals, f"{path} is an original"
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info), path
        for marker in (b"Exif", b"GPS", b"Pixel 8a", b"at home", b"A foster carer"):
            assert marker not in data, (path, marker)


def test_unused_images_are_not_published_and_linked_ones_are(site):
    assert not (site / "images" / "unused.jpg").exists()
    assert not list(site.rglob("unused*"))
    with Image.open(site / "images" / "chart.png") as chart:
        assert chart.size == (300, 200)


def test_the_social_card_is_1200_by_630(site):
    page = article_page(site)
    address = page.xpath("//meta[@property='og:image']/@content")[0]
    assert address.startswith(PUBLISH_SITEURL)
    with Image.open(published(site, address)) as card:
        assert card.size == (1200, 630)
        assert card.format == "JPEG"
    assert page.xpath("//meta[@property='og:image:width']/@content") == ["1200"]


def test_an_unchanged_image_is_not_encoded_again(pelican_run, content, tmp_path):
    output, cache = tmp_path / "site", tmp_path / "image-cache"
    options = {"IMAGES": {"cache_path": str(cache)}}
    pelican_run(PLUGINS, content, output=output, **options)
    made = {path: path.stat().st_mtime_ns for path in cache.rglob("*") if path.is_file()}
    assert len(made) > 10
    pelican_run(PLUGINS, content, output=output, **options)
    assert {path: path.stat().st_mtime_ns for path in cache.rglob("*") if path.is_file()} == made
    picture((1200, 900), "RGB").rotate(90).save(content / "images" / "kitchen.jpg")
    pelican_run(PLUGINS, content, output=output, **options)
    assert {path for path in cache.rglob("*") if path.is_file()} - set(made), (
        "a changed image is encoded again"
    )
    assert len(list(cache.iterdir())) == 5, "the old entry stays for other copies of the site"
    assert len(list((output / "media").iterdir())) == 3, "the old variants are no longer published"


def test_cache_entries_nobody_used_for_a_month_are_removed(pelican_run, content, tmp_path):
    cache = tmp_path / "image-cache"
    stale, fresh = cache / "0123456789abcdef", cache / "fedcba9876543210"
    for entry in (stale, fresh):
        entry.mkdir(parents=True)
        (entry / "published").write_bytes(b"old")
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))
    pelican_run(PLUGINS, content, IMAGES={"cache_path": str(cache)})
    assert not stale.exists()
    assert fresh.exists()


def bad_image(kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "truncated":
        picture((800, 600)).save(buffer, "JPEG", quality=95)
        return buffer.getvalue()[: len(buffer.getvalue()) // 2]
    if kind == "png named jpg":
        picture((80, 60)).save(buffer, "PNG")
        return buffer.getvalue()
    if kind == "too many pixels":
        Image.new("L", (8000, 7000)).save(buffer, "PNG")
        return buffer.getvalue()
    if kind == "svg with script":
        return b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><script>alert(1)</script></svg>'
    return b"\x00\x01 not an image at all"


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        ("truncated", "photo.jpg", "is damaged"),
        ("png named jpg", "photo.jpg", "is a PNG file, not what its name ends in"),
        ("too many pixels", "photo.png", "has more than 50,000,000 pixels"),
        ("svg with script", "photo.svg", "contains a <script> element"),
        ("garbage", "photo.jpg", "is damaged or not an image"),
    ],
)
def test_a_bad_image_stops_the_build_at_the_line_that_uses_it(
    pelican_run, content, tmp_path, capsys, kind, name, message
):
    output = pelican_run(PLUGINS, content, output=tmp_path / "site")
    before = tree_digest(output)
    (content / "images" / name).write_bytes(bad_image(kind))
    (content / "articles" / "2026-06-01-bad.md").write_text(
        f"---\ntitle: Bad\ndate: 2026-06-01\ncategory: News\nimage: images/{name}\nimage_alt: A photo\n"
        f"---\n\nText.\n\nMore text.\n\n![The same photo]({'images/' + name})\n"
    )
    with pytest.raises(BuildFailed):
        pelican_run(PLUGINS, content, output=output)
    text = capsys.readouterr().err
    assert re.search(
        rf"articles/2026-06-01-bad\.md:5: the (image|SVG) `images/{re.escape(name)}` .*{re.escape(message)}",
        text,
    )
    assert re.search(
        rf"articles/2026-06-01-bad\.md:13: the (image|SVG) `images/{re.escape(name)}` .*{re.escape(message)}",
        text,
    )
    assert tree_digest(output) == before


def test_every_image_needs_alt_text(pelican_run, content, capsys):
    (content / "articles" / "2026-06-02-no-alt.md").write_text(
        "---\ntitle: No alt\ndate: 2026-06-02\ncategory: News\n---\n\nFirst.\n\n![](images/chart.png)\n\n"
        '<img src="images/kitchen.jpg">\n'
    )
    with pytest.raises(BuildFailed, match="2 problems in 1 file"):
        pelican_run(PLUGINS, content)
    text = capsys.readouterr().err
    assert "2026-06-02-no-alt.md:9: the image `chart.png` has no alt text" in text
    assert "2026-06-02-no-alt.md:11: the image `kitchen.jpg` has no alt text" in text


def test_originals_are_published_only_when_a_setting_says_so(pelican_run, content):
    site = pelican_run(PLUGINS, content, IMAGES={"publish_originals": True})
    assert (site / "images" / "kitchen.jpg").read_bytes() == (content / "images" / "kitchen.jpg").read_bytes()
    page = article_page(site)
    assert page.xpath("//figure[contains(@class, 'lead-image')]//img/@srcset"), "still responsive"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("widths", [480, "800"]),
        ("modern_format", "jpeg-xl"),
        ("folders", ["../private"]),
        ("social_size", [1200]),
    ],
)
def test_a_wrong_setting_is_reported_at_its_line(pelican_run, content, capsys, key, value):
    with pytest.raises(BuildFailed):
        pelican_run(PLUGINS, content, IMAGES={key: value})
    assert f"IMAGES['{key}'] is {value!r} — make it" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("src", "elsewhere"),
    [
        ("https://old-site.example/x.jpg", True),
        ("HTTP://old-site.example/x.jpg", True),
        (" //cdn.example/x.png", True),
        ("\\\\cdn.example/x.png", True),
        ("/\\cdn.example/x.png", True),
        ("mailto:someone@example.org", True),
        ("images/x.jpg", False),
        ("/images/x.jpg", False),
        ("{static}/images/x.jpg", False),
        ("../images/x.jpg", False),
    ],
)
def test_an_address_with_a_scheme_or_a_host_is_on_another_site(src, elsewhere):
    assert on_another_site(src) is elsewhere


ARTICLE_HEADER = "date: 2026-06-03\ncategory: News\n"
MARKDOWN_ELSEWHERE = "![A chart of referrals](https://old-site.example/wp-content/uploads/2019/05/chart.jpg)"
HTML_ELSEWHERE = (
    '<img src="https://old-site.example/wp-content/uploads/chart.png" alt="A chart of referrals">'
)


@pytest.mark.parametrize(
    ("name", "header", "text", "src"),
    [
        (
            "articles/2026-06-03-old-post.md",
            ARTICLE_HEADER,
            MARKDOWN_ELSEWHERE,
            "https://old-site.example/wp-content/uploads/2019/05/chart.jpg",
        ),
        (
            "articles/2026-06-03-old-post.md",
            ARTICLE_HEADER,
            "![A chart of referrals](//cdn.example/chart.jpg)",
            "//cdn.example/chart.jpg",
        ),
        (
            "articles/2026-06-03-old-post.md",
            ARTICLE_HEADER,
            HTML_ELSEWHERE,
            "https://old-site.example/wp-content/uploads/chart.png",
        ),
        (
            "articles/2026-06-03-old-post.md",
            ARTICLE_HEADER + "status: draft\n",
            MARKDOWN_ELSEWHERE,
            "https://old-site.example/wp-content/uploads/2019/05/chart.jpg",
        ),
        ("pages/history.md", "", HTML_ELSEWHERE, "https://old-site.example/wp-content/uploads/chart.png"),
    ],
    ids=["markdown", "no-scheme", "raw-html", "draft", "page"],
)
def test_an_image_on_another_site_is_refused_at_its_line(
    pelican_run, tmp_path, capsys, name, header, text, src
):
    source = f"---\ntitle: Our history\n{header}---\n\nFirst paragraph.\n\n{text}\n"
    content = write_content(tmp_path / "content", {name: source})
    with pytest.raises(BuildFailed, match="1 problem in 1 file"):
        pelican_run(PLUGINS, content)
    line = source.splitlines().index(text) + 1
    file_name = PurePosixPath(urlsplit(src).path).name
    assert (
        f"{name}:{line}: the image `{src}` is on another site — download it into content/images/ and write "
        f"its path, e.g. `images/{file_name}` (this site loads nothing from other sites"
    ) in capsys.readouterr().err


def test_a_srcset_in_raw_html_is_removed_so_no_copy_loads_from_another_site(pelican_run, content, capsys):
    (content / "articles" / "2026-06-04-srcset.md").write_text(
        "---\ntitle: Referrals by year\ndate: 2026-06-04\ncategory: News\n---\n\n"
        '<img src="images/chart.png" srcset="https://cdn.example/chart-2x.png 2x" alt="Referrals by year">\n'
    )
    site = pelican_run(PLUGINS, content)
    page = html.fromstring((site / "articles" / "srcset" / "index.html").read_bytes())
    addresses = page.xpath("//div[@class='article-body']//img/@src | //div[@class='article-body']//@srcset")
    assert addresses
    assert not [address for address in addresses if "cdn.example" in address]
    assert (
        "2026-06-04-srcset.md:7: warning: removed the `srcset` attribute of <img>" in capsys.readouterr().err
    )


ARTICLE_START = "---\ntitle: Imported from the old site\ndate: {date}\ncategory: News\n"
# Files whose images still lack alt text, as an import leaves them: where each lives, its header after
# the required keys, its text, and what a build says of each image once the file is published.
WITHOUT_ALT = {
    "lead image": (
        "articles/2026-06-05-imported.md",
        ARTICLE_START + "image: images/kitchen.jpg\n",
        "First.\n",
        [("image: images/kitchen.jpg", "`image` has no `image_alt`")],
    ),
    "text": (
        "articles/2026-06-05-imported.md",
        ARTICLE_START,
        'First.\n\n![](images/chart.png)\n\n<img src="images/kitchen.jpg" alt=" ">\n',
        [
            ("![](images/chart.png)", "the image `chart.png` has no alt text"),
            ('<img src="images/kitchen.jpg"', "the image `kitchen.jpg` has no alt text"),
        ],
    ),
    "page": (
        "pages/imported.md",
        "---\ntitle: Imported from the old site\n",
        "First.\n\n![](images/chart.png)\n",
        [("![](images/chart.png)", "the image `chart.png` has no alt text")],
    ),
}


def without_alt(kind: str, status: str = "", date: str = "2026-06-05") -> tuple[str, str]:
    name, header, text, _ = WITHOUT_ALT[kind]
    return name, f"{header.format(date=date)}{status}---\n\n{text}"


def assert_no_alt_refused(capsys, kind: str, source: str) -> None:
    """The usual problem for each image without alt text, at the line that uses it."""
    name, _, _, refusals = WITHOUT_ALT[kind]
    said = capsys.readouterr().err
    for needle, what in refusals:
        line = next(n for n, text in enumerate(source.splitlines(), 1) if needle in text)
        assert f"{name}:{line}: {what} — " in said, said


@pytest.mark.parametrize("kind", sorted(WITHOUT_ALT))
def test_a_draft_may_wait_for_its_alt_text_until_it_is_published(
    pelican_run, content, tmp_path, capsys, kind
):
    name, draft = without_alt(kind, "status: draft\n")
    (content / name).parent.mkdir(parents=True, exist_ok=True)
    (content / name).write_text(draft)
    site = pelican_run(PLUGINS, content, output=tmp_path / "site")
    assert not (site / "imported").exists()
    assert not (site / "articles" / "imported").exists()
    for status in ("", "status: published\n"):
        _, published = without_alt(kind, status)
        (content / name).write_text(published)
        with pytest.raises(BuildFailed):
            pelican_run(PLUGINS, content, output=tmp_path / "site")
        assert_no_alt_refused(capsys, kind, published)


@pytest.mark.parametrize("kind", ["lead image", "text"])
def test_a_scheduled_article_needs_its_alt_text_now(pelican_run, content, capsys, kind):
    """A later build publishes it with no one looking."""
    name, scheduled = without_alt(kind, date="2027-02-01")
    (content / name).write_text(scheduled)
    with pytest.raises(BuildFailed):
        pelican_run(PLUGINS, content)
    assert_no_alt_refused(capsys, kind, scheduled)


def test_a_drafts_images_are_checked_in_every_other_way(pelican_run, content, capsys):
    (content / "images" / "damaged.jpg").write_bytes(bad_image("truncated"))
    (content / "articles" / "2026-06-06-imported.md").write_text(
        "---\ntitle: Imported\ndate: 2026-06-06\ncategory: News\nstatus: draft\nimage: images/damaged.jpg\n"
        "---\n\nFirst.\n\n![](images/damaged.jpg)\n"
    )
    with pytest.raises(BuildFailed, match="2 problems in 1 file"):
        pelican_run(PLUGINS, content)
    said = capsys.readouterr().err
    assert "2026-06-06-imported.md:6: the image `images/damaged.jpg` is damaged" in said
    assert "2026-06-06-imported.md:11: the image `images/damaged.jpg` is damaged" in said


# A draft, a draft page and a scheduled article (dated after BUILD_MOMENT), each with images no published
# article or page uses, and each sharing `kitchen.jpg` with the published article (the scheduled one as its
# lead image, cropped around another point).
EMBARGOED = {
    "articles/2026-11-30-unfinished.md": (
        "---\ntitle: An unfinished draft\ndate: 2026-11-30\ncategory: News\nstatus: draft\n"
        "image: images/embargoed-lead.jpg\nimage_alt: A family court waiting room before the hearing\n"
        "image_focus: 30% 70%\n---\n\nNot yet.\n\n![A judge's empty chair](images/embargoed-text.png)\n\n"
        "[The embargoed chart](images/embargoed-chart.png)\n\n"
        "![The same kitchen, from the door](images/kitchen.jpg)\n"
    ),
    "pages/policy.md": (
        "---\ntitle: Our new policy\nstatus: draft\n---\n\nComing soon.\n\n"
        '<img src="/images/embargoed-page.jpg" alt="The newsroom at night">\n'
    ),
    "articles/2027-01-15-care-review.md": (
        "---\ntitle: What the care review changed\ndate: 2027-01-15T09:00\ncategory: Research\n"
        "image: images/kitchen.jpg\nimage_alt: A kitchen table, seen from the window\nimage_focus: 10% 90%\n"
        "---\n\nScheduled.\n\n![A review panel at work](images/scheduled-text.jpg)\n\n"
        "![decorative](images/scheduled-divider.svg)\n"
    ),
}
DRAFT_ONLY = ("embargoed-lead", "embargoed-text", "embargoed-chart", "embargoed-page")
SCHEDULED_ONLY = ("scheduled-text", "scheduled-divider")
# The scheduled article's crop of the shared photo: its social card.
SCHEDULED_CARD = "kitchen-social-10-90"
AFTER_SCHEDULE = datetime(2027, 2, 1, 12, tzinfo=UTC)


@pytest.fixture
def embargoed(content) -> Path:
    for name, text in EMBARGOED.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    images = content / "images"
    picture((1000, 750)).save(images / "embargoed-lead.jpg", quality=90)
    picture((640, 480), "RGBA").save(images / "embargoed-text.png")
    picture((300, 200)).save(images / "embargoed-chart.png")
    picture((900, 600)).save(images / "embargoed-page.jpg", quality=90)
    picture((820, 500)).save(images / "scheduled-text.jpg", quality=90)
    (images / "scheduled-divider.svg").write_text(SVG.replace("600", "640"))
    return content


def files_named(folder: Path, stem: str) -> list[str]:
    """Every file below `folder` made of the image `stem`: at its own path, its variants, its cards."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob(f"{stem}*") if path.is_file())


def assert_every_image_is_published(site: Path, page_address: str) -> None:
    """Each picture, source, link to an image and social card of the page is a file of the site."""
    page = html.fromstring((site / page_address / "index.html").read_bytes())
    body = "//div[@class='article-body']"
    addresses = [
        *page.xpath("//main//img/@src | //meta[@property='og:image']/@content"),
        *(address for srcset in page.xpath("//main//@srcset") for address, _ in candidates(srcset)),
        *(href for href in page.xpath(f"{body}//a/@href") if "/images/" in href),
    ]
    assert addresses
    for address in addresses:
        if ".." not in address:  # a path out of the image folders is the author's own business
            assert published(site, address).is_file(), address


def test_images_only_drafts_and_scheduled_articles_use_are_not_published(pelican_run, embargoed, tmp_path):
    cache = tmp_path / "image-cache"
    site = pelican_run(PLUGINS, embargoed, IMAGES={"cache_path": str(cache)})
    assert not (site / "articles" / "unfinished").exists()
    assert not (site / "articles" / "care-review").exists()
    for stem in (*DRAFT_ONLY, *SCHEDULED_ONLY, SCHEDULED_CARD):
        assert files_named(site, stem) == [], f"{stem} is published before its article"
    for text_file in (p for p in site.rglob("*") if p.suffix in {".html", ".xml", ".json", ".txt"}):
        said = text_file.read_text(encoding="utf-8")
        assert not [stem for stem in (*DRAFT_ONLY, *SCHEDULED_ONLY) if stem in said], text_file
    # Checked and encoded all the same: the build that publishes them finds them made.
    for stem in ("embargoed-lead", "embargoed-text", "embargoed-chart", "embargoed-page", "scheduled-text"):
        assert files_named(cache, stem), f"{stem} was not encoded into the cache"
    assert files_named(cache, SCHEDULED_CARD)
    # The photo the published article shares with them is published once, as before.
    with Image.open(site / "images" / "kitchen.jpg") as kitchen:
        assert kitchen.size == (1200, 900)
    assert files_named(site, "kitchen-social-50-20")
    assert_every_image_is_published(site, "articles/kinship-home")


def test_an_embargoed_image_leaves_no_trace_in_the_output(pelican_run, embargoed, tmp_path):
    """The site is exactly the site without the draft and the scheduled article's images."""
    with_them = pelican_run(PLUGINS, embargoed, output=tmp_path / "with")
    for name in EMBARGOED:
        (embargoed / name).write_text(
            re.sub(r"^image(_alt|_focus)?: .*\n|^!?\[.*\n|^<img .*\n", "", EMBARGOED[name], flags=re.M),
            encoding="utf-8",
        )
    without_them = pelican_run(PLUGINS, embargoed, output=tmp_path / "without")
    assert tree_digest(with_them) == tree_digest(without_them)


def test_publishing_a_draft_or_reaching_a_scheduled_date_publishes_its_images(
    pelican_run, embargoed, tmp_path
):
    output = tmp_path / "site"
    draft = embargoed / "articles" / "2026-11-30-unfinished.md"
    pelican_run(PLUGINS, embargoed, output=output)
    assert files_named(output, "embargoed-lead") == []

    draft.write_text(EMBARGOED["articles/2026-11-30-unfinished.md"].replace("status: draft\n", ""))
    pelican_run(PLUGINS, embargoed, output=output)
    for stem in ("embargoed-lead", "embargoed-text", "embargoed-chart"):
        assert files_named(output, stem), f"{stem} is not published with its article"
    assert files_named(output, "embargoed-lead-social-30-70")
    assert_every_image_is_published(output, "articles/unfinished")
    with Image.open(output / "images" / "embargoed-chart.png") as chart:
        assert chart.size == (300, 200), "the linked image is published at its path"
    for stem in ("embargoed-page", *SCHEDULED_ONLY, SCHEDULED_CARD):
        assert files_named(output, stem) == [], stem

    pelican_run(PLUGINS, embargoed, output=output, epoch=AFTER_SCHEDULE)
    for stem in ("scheduled-text", "scheduled-divider", SCHEDULED_CARD):
        assert files_named(output, stem), f"{stem} is not published once its date has passed"
    assert_every_image_is_published(output, "articles/care-review")
    assert files_named(output, "embargoed-page") == []

    draft.write_text(EMBARGOED["articles/2026-11-30-unfinished.md"])
    pelican_run(PLUGINS, embargoed, output=output, epoch=AFTER_SCHEDULE)
    for stem in ("embargoed-lead", "embargoed-text", "embargoed-chart"):
        assert files_named(output, stem) == [], f"{stem} is still published after its article became a draft"
    assert files_named(output, "scheduled-text")


def test_originals_are_published_only_for_published_articles(pelican_run, embargoed):
    site = pelican_run(PLUGINS, embargoed, IMAGES={"publish_originals": True})
    kitchen = (embargoed / "images" / "kitchen.jpg").read_bytes()
    assert (site / "images" / "kitchen.jpg").read_bytes() == kitchen
    for stem in (*DRAFT_ONLY, *SCHEDULED_ONLY, SCHEDULED_CARD, "unused"):
        assert files_named(site, stem) == [], stem
    feed = etree.fromstring((site / "feeds" / "atom.xml").read_bytes())
    links = feed.xpath("//atom:link[@rel='enclosure']", namespaces={"atom": "http://www.w3.org/2005/Atom"})
    enclosed = [(link.get("type"), link.get("length")) for link in links]
    assert enclosed == [("image/jpeg", str(len(kitchen)))], "the enclosure is the original, as published"


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("2026-06-06-imported.md", "date: 2026-06-06\nstatus: draft\n"),
        ("2027-02-01-scheduled.md", "date: 2027-02-01\n"),
    ],
    ids=["draft", "scheduled"],
)
def test_a_damaged_image_in_a_draft_or_a_scheduled_article_stops_the_build(
    pelican_run, content, capsys, name, header
):
    (content / "images" / "damaged.jpg").write_bytes(bad_image("truncated"))
    source = (
        f"---\ntitle: Not yet\n{header}category: News\nimage: images/damaged.jpg\nimage_alt: A photo\n"
        "---\n\nFirst.\n\n![A photo](images/damaged.jpg)\n"
    )
    (content / "articles" / name).write_text(source)
    with pytest.raises(BuildFailed, match="2 problems in 1 file"):
        pelican_run(PLUGINS, content)
    said = capsys.readouterr().err
    lines = source.splitlines()
    for needle in ("image: ", "![A photo]"):
        line = next(n for n, text in enumerate(lines, 1) if text.startswith(needle))
        assert f"{name}:{line}: the image `images/damaged.jpg` is damaged" in said
