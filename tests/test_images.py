"""The sample site's photographs as published, and in Chromium: what a phone downloads, nothing shifts."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from axe_playwright_python.sync_playwright import Axe
from lxml import html
from PIL import Image

from conftest import PUBLISH_SITEURL, ROOT, run_pelican
from sample_content import read_articles

WITH_PHOTO = [a for a in read_articles(ROOT / "content") if a.is_public and "image" in a.meta]
GPS_PHOTO = "images/foster-carer-kitchen-table.jpg"
PHONE_BUDGET = 150 * 1024
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"}


def output_file(site: Path, address: str) -> Path:
    path = unquote(urlsplit(address).path).removeprefix(urlsplit(PUBLISH_SITEURL).path.rstrip("/"))
    return site / path.lstrip("/")


def test_the_sample_photo_carries_a_gps_position_and_nothing_published_does(published_site):
    with Image.open(ROOT / "content" / GPS_PHOTO) as original:
        assert original.getexif().get_ifd(0x8825), (
            "the sample must carry GPS data for this test to mean anything"
        )
    originals = {path.read_bytes() for path in (ROOT / "content" / "images").iterdir()}
    published = [path for path in published_site.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES]
    assert len(published) >= 40
    for path in published:
        data = path.read_bytes()
        assert data not in originals, f"{path} is published exactly as it was added"
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(image.info), path
        for marker in (b"Exif\x00", b"GPS", b"Pixel 8a", b"PX8A-0042", b"xmpmeta", b"foster home"):
            assert marker not in data, (path, marker)


@pytest.mark.parametrize("article", WITH_PHOTO, ids=lambda a: a.slug)
def test_each_lead_image_is_offered_at_several_widths_with_its_shape(published_site, article):
    page = html.fromstring((published_site / "articles" / article.slug / "index.html").read_bytes())
    (image,) = page.xpath("//figure[contains(@class, 'lead-image')]//img")
    width, height = int(image.get("width")), int(image.get("height"))
    assert image.get("fetchpriority") == "high"
    if image.get("src").endswith(".svg"):
        return
    with Image.open(output_file(published_site, image.get("src"))) as fallback:
        assert abs(fallback.width / fallback.height - width / height) < 0.01
    assert image.get("sizes")
    offered = [candidate.split() for candidate in image.get("srcset").split(",")]
    assert len(offered) >= 2
    for address, descriptor in offered:
        with Image.open(output_file(published_site, address)) as variant:
            assert f"{variant.width}w" == descriptor
    card = page.xpath("//meta[@property='og:image']/@content")[0]
    with Image.open(output_file(published_site, card)) as social:
        assert social.size == (1200, 630) or max(social.size) < 1200


def test_the_portrait_photo_is_published_upright(published_site):
    article = next(a for a in WITH_PHOTO if "portrait" in a.meta["image"])
    page = html.fromstring((published_site / "articles" / article.slug / "index.html").read_bytes())
    (image,) = page.xpath("//figure[contains(@class, 'lead-image')]//img")
    assert int(image.get("height")) > int(image.get("width"))
    with Image.open(output_file(published_site, image.get("src"))) as upright:
        top = upright.crop((0, 0, upright.width, upright.height // 10)).convert("RGB").resize((1, 1))
        red, _green, blue = top.getpixel((0, 0))
        assert blue > red, "the sky is at the top"


def test_feeds_enclose_the_published_lead_image_with_its_size(published_site):
    feed = feedparser.parse((published_site / "feeds" / "atom.xml").read_bytes())
    enclosed = [link for entry in feed.entries for link in entry.links if link.get("rel") == "enclosure"]
    assert enclosed
    for link in enclosed:
        assert int(link["length"]) == output_file(published_site, link["href"]).stat().st_size
        assert link["type"] in {"image/jpeg", "image/png", "image/svg+xml"}


def photo_article_path() -> str:
    article = next(a for a in WITH_PHOTO if a.meta["image"] == GPS_PHOTO)
    return f"/articles/{article.slug}/"


LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const entry of list.getEntries()) total += entry.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 1500);
})"""


@pytest.mark.parametrize("width", [1280, 375])
def test_nothing_shifts_while_the_lead_image_loads(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    # Images arrive late, as on a slow phone: the page is laid out long before any of them.
    page.route("**/*.{avif,jpg,png,webp}", lambda route: (page.wait_for_timeout(400), route.continue_()))
    page.goto(site_url + photo_article_path())
    page.wait_for_load_state("load")
    assert page.evaluate(LAYOUT_SHIFT) == 0
    context.close()


def test_a_phone_downloads_at_most_150_kb_for_the_lead_image(browser, site_url):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(site_url + photo_article_path())
    page.wait_for_load_state("networkidle")
    chosen = page.locator("figure.lead-image img").evaluate("image => image.currentSrc")
    assert "/media/" in chosen
    assert chosen.endswith((".avif", ".webp"))
    assert sizes[chosen] <= PHONE_BUDGET, f"{chosen}: {sizes[chosen]} bytes"
    images = {url: size for url, size in sizes.items() if "/media/" in url or "/images/" in url}
    assert sum(images.values()) <= PHONE_BUDGET, images
    context.close()


def test_axe_finds_nothing_on_an_article_with_photos(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + photo_article_path())
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]})
    assert results.response["violations"] == [], results.generate_report()
    context.close()


def test_a_publish_build_publishes_no_image_of_a_draft_or_a_scheduled_article(project, tmp_path):
    """The publish settings (fingerprints, minified pages, precompressed files, the search index): the
    images only a draft and a scheduled article use are nowhere in the output, not even compressed or
    named, while the photo one of them shares with a published article is published as before."""
    images = project / "content" / "images"
    Image.new("RGB", (1400, 900), (90, 30, 30)).save(images / "embargoed-minister.jpg", quality=90)
    Image.new("RGB", (800, 800), (30, 30, 90)).save(images / "embargoed-panel.png")
    rows = "".join(f'<rect x="0" y="{y}" width="600" height="8" fill="#{y:03d}"/>' for y in range(0, 200, 10))
    (images / "embargoed-diagram.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200">{rows}</svg>', encoding="utf-8"
    )
    articles = project / "content" / "articles"
    (articles / "2026-11-28-minister-visit.md").write_text(
        '---\ntitle: "A minister visits a children\'s home"\ndate: 2026-11-28T09:00\ncategory: News\n'
        "status: draft\nimage: images/embargoed-minister.jpg\nimage_alt: A minister talking with staff\n"
        "---\n\nEmbargoed until the visit.\n\n"
        "![A diagram of the new service](images/embargoed-diagram.svg)\n",
        encoding="utf-8",
    )
    (articles / "2027-06-01-panel-report.md").write_text(
        '---\ntitle: "The panel reports"\ndate: 2027-06-01T09:00\ncategory: Research\n'
        "image: images/training-room.jpg\nimage_alt: A training room before the panel met\n"
        "image_focus: 5% 95%\n---\n\nThe panel's report.\n\n"
        "![The panel at work](images/embargoed-panel.png)\n",
        encoding="utf-8",
    )
    output = tmp_path / "public"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (output / "articles" / "minister-visit").exists()
    assert not (output / "articles" / "panel-report").exists()
    assert not [p for p in output.rglob("*") if "embargoed-" in p.name or "social-5-95" in p.name]
    for path in output.rglob("*"):
        if path.suffix in {".html", ".xml", ".json", ".txt", ".css", ".js", ""} and path.is_file():
            assert b"embargoed-" not in path.read_bytes(), path
    assert (output / "images" / "training-room.jpg").is_file()
    assert list(output.rglob("training-room-*.jpg"))
