"""The WordPress import test helpers themselves: built and hostile exports, stand-in uploads, the server."""

import io
import re
import struct
import tracemalloc
import urllib.error
import urllib.request
import wave

import pytest
from lxml import etree
from PIL import Image, UnidentifiedImageError

from conftest import ROOT
from wordpress_media import (
    IMAGE_FORMATS,
    media_server,
    not_an_image,
    ogg_crc32,
    referenced_uploads,
    stand_in_file,
    stand_in_size,
    stand_in_uploads,
    uploads_relative_path,
)
from wxr_builder import (
    ZERO_DATE,
    Author,
    Comment,
    Export,
    Term,
    attachment,
    entity_bomb,
    external_entity,
    page,
    post,
    write_big_export,
)

SHARED_EXPORTS = sorted((ROOT.parent / "shared" / "wp").glob("*.xml"))
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
TRICKY_CONTENT = (
    '<!-- wp:image {"id":7,"sizeSlug":"large"} -->\n'
    '<figure class="wp-block-image"><img src="https://example.org/wp-content/uploads/2024/06/a.jpg" alt=""/>'
    "</figure>\n<!-- /wp:image -->\n"
    '[caption id="attachment_7" align="alignleft"]A caption[/caption]\n'
    "<pre>if (a[b[0]]>c) { return; }</pre> and a second ]]> for luck"
)

needs_shared_exports = pytest.mark.skipif(
    not SHARED_EXPORTS, reason="../shared/wp/ (the real WordPress exports) is not beside this checkout"
)


def namespaces(scheme: str, version: str = "1.2") -> dict[str, str]:
    return {
        "wp": f"{scheme}://wordpress.org/export/{version}/",
        "excerpt": f"{scheme}://wordpress.org/export/{version}/excerpt/",
        "content": CONTENT.strip("{}"),
        "dc": "http://purl.org/dc/elements/1.1/",
    }


def sample_export(scheme: str = "http", version: str = "1.2") -> Export:
    return Export(
        "https://example.org",
        title="Children & Families",
        namespace_scheme=scheme,
        wxr_version=version,
        authors=[Author("editor", "Eleanor Marsh", "eleanor@example.org", "Eleanor", "Marsh")],
        terms=[
            Term("category", "news", "News"),
            Term("category", "local-news", "Local news", parent="news"),
            Term("post_tag", "fostering", "Fostering"),
        ],
        items=[
            post(
                10,
                "Kinship care ]]> explained",
                TRICKY_CONTENT,
                excerpt="Short <em>summary</em>",
                name="kinship-care",
                creator="editor",
                date_local="2024-03-05 10:15:00",
                date_gmt="2024-03-05 10:15:00",
                sticky=True,
                categories=[("category", "local-news", "Local news"), ("post_tag", "fostering", "Fostering")],
                meta=[("_thumbnail_id", "11"), ("_wp_old_slug", "kinship")],
                comments=[
                    Comment("Sam", "sam@example.org", "192.0.2.7", "Thanks ]]> a lot", "2024-03-06 08:00:00")
                ],
            ),
            attachment(11, "https://example.org/wp-content/uploads/2024/06/a.jpg", alt="A carer", parent=10),
            page(12, "Draft page", "<p>Not yet</p>", status="draft", date_gmt=ZERO_DATE, password="secret"),
        ],
    )


def items_by_id(root: etree._Element, ns: dict[str, str]) -> dict[int, etree._Element]:
    return {int(item.findtext("wp:post_id", namespaces=ns)): item for item in root.iter("item")}


@pytest.mark.parametrize(("scheme", "version"), [("http", "1.2"), ("https", "1.2"), ("http", "1.1")])
def test_a_built_export_parses_with_lxml_and_keeps_every_field(scheme, version):
    ns = namespaces(scheme, version)
    root = etree.fromstring(sample_export(scheme, version).to_xml())
    assert root.tag == "rss"
    assert root.nsmap["wp"] == ns["wp"]
    assert root.nsmap["excerpt"] == ns["excerpt"]
    channel = root.find("channel")
    assert channel.findtext("title") == "Children & Families"
    assert channel.findtext("wp:wxr_version", namespaces=ns) == version
    assert channel.findtext("wp:base_site_url", namespaces=ns) == "https://example.org"
    assert channel.findtext("wp:author/wp:author_display_name", namespaces=ns) == "Eleanor Marsh"
    assert [c.findtext("wp:category_parent", namespaces=ns) for c in channel.findall("wp:category", ns)] == [
        "",
        "news",
    ]
    assert channel.findtext("wp:tag/wp:tag_slug", namespaces=ns) == "fostering"

    items = items_by_id(root, ns)
    assert sorted(items) == [10, 11, 12]
    article, image, draft = items[10], items[11], items[12]
    assert article.findtext("title") == "Kinship care ]]> explained"
    assert article.findtext(f"{CONTENT}encoded") == TRICKY_CONTENT
    assert article.findtext("excerpt:encoded", namespaces=ns) == "Short <em>summary</em>"
    assert article.findtext("dc:creator", namespaces=ns) == "editor"
    assert article.findtext("pubDate") == "Tue, 05 Mar 2024 10:15:00 +0000"
    assert article.findtext("wp:is_sticky", namespaces=ns) == "1"
    assert [(c.get("domain"), c.get("nicename"), c.text) for c in article.findall("category")] == [
        ("category", "local-news", "Local news"),
        ("post_tag", "fostering", "Fostering"),
    ]
    meta = [
        (m.findtext("wp:meta_key", namespaces=ns), m.findtext("wp:meta_value", namespaces=ns))
        for m in article.findall("wp:postmeta", ns)
    ]
    assert meta == [("_thumbnail_id", "11"), ("_wp_old_slug", "kinship")]
    assert article.findtext("wp:comment/wp:comment_content", namespaces=ns) == "Thanks ]]> a lot"
    assert article.findtext("wp:comment/wp:comment_author_IP", namespaces=ns) == "192.0.2.7"

    assert (image.findtext("wp:post_type", namespaces=ns), image.findtext("wp:status", namespaces=ns)) == (
        "attachment",
        "inherit",
    )
    assert image.findtext("wp:post_parent", namespaces=ns) == "10"
    assert image.findtext("wp:attachment_url", namespaces=ns).endswith("/2024/06/a.jpg")
    image_meta = {
        m.findtext("wp:meta_key", namespaces=ns): m.findtext("wp:meta_value", namespaces=ns)
        for m in image.findall("wp:postmeta", ns)
    }
    assert image_meta == {"_wp_attached_file": "2024/06/a.jpg", "_wp_attachment_image_alt": "A carer"}

    assert (draft.findtext("wp:post_type", namespaces=ns), draft.findtext("wp:status", namespaces=ns)) == (
        "page",
        "draft",
    )
    assert draft.findtext("wp:post_date_gmt", namespaces=ns) == ZERO_DATE
    assert draft.findtext("pubDate") == ""
    assert draft.findtext("wp:post_password", namespaces=ns) == "secret"


def test_links_and_guids_default_as_wordpress_writes_them():
    export = Export(
        "https://example.org/",
        items=[
            post(1, "Dated", name="dated", date_local="2023-11-30 23:30:00", date_gmt="2023-12-01 00:30:00"),
            page(2, "About", name="about"),
            page(3, "Team", name="team", parent=2),
            post(4, "Untitled draft", status="draft"),
            post(5, "Moved", name="moved", link="https://old.example.org/moved.html"),
            attachment(6, "https://example.org/wp-content/uploads/2023/11/b.png"),
        ],
    )
    ns = namespaces("http")
    items = items_by_id(etree.fromstring(export.to_xml()), ns)
    links = {post_id: item.findtext("link") for post_id, item in items.items()}
    assert links == {
        1: "https://example.org/2023/11/dated/",
        2: "https://example.org/about/",
        3: "https://example.org/about/team/",
        4: "https://example.org/?p=4",
        5: "https://old.example.org/moved.html",
        6: "https://example.org/?attachment_id=6",
    }
    assert items[1].findtext("guid") == "https://example.org/?p=1"
    assert items[6].findtext("guid") == "https://example.org/wp-content/uploads/2023/11/b.png"
    assert items[1].findtext("pubDate") == "Fri, 01 Dec 2023 00:30:00 +0000"


def test_terms_and_authors_are_defined_from_the_items_unless_given():
    items = [post(1, "A", creator="sam", categories=[("category", "news", "News"), ("post_tag", "x", "X")])]
    ns = namespaces("http")
    derived = etree.fromstring(Export("https://example.org", items=items).to_xml()).find("channel")
    assert derived.findtext("wp:author/wp:author_login", namespaces=ns) == "sam"
    assert derived.findtext("wp:category/wp:category_nicename", namespaces=ns) == "news"
    assert derived.findtext("wp:tag/wp:tag_slug", namespaces=ns) == "x"
    bare = etree.fromstring(Export("https://example.org", items=items, authors=[], terms=[]).to_xml())
    assert bare.find("channel/wp:author", ns) is None
    assert bare.find("channel/wp:category", ns) is None


def test_an_attachment_without_alt_text_has_no_alt_meta_and_its_file_comes_from_the_url(tmp_path):
    image = attachment(3, "https://site.files.wordpress.com/2008/06/c%20d.jpg?w=300", alt=None)
    assert image.meta == [("_wp_attached_file", "2008/06/c d.jpg")]
    written = Export("https://example.org", items=[image]).write(tmp_path / "export.xml")
    item = etree.parse(str(written)).find("channel/item")
    assert (item.findtext("title"), item.findtext("{*}post_name")) == ("c d", "c-d")


def test_the_entity_bomb_declares_ten_levels_of_entities_each_ten_times_the_one_before():
    bomb = entity_bomb()
    subset = re.search(rb"<!DOCTYPE rss \[(.*?)\]>", bomb, re.DOTALL)
    assert subset, "the DOCTYPE must come before <rss>"
    assert bomb.index(b"<!DOCTYPE") < bomb.index(b"<rss")
    entities = {entity.name: entity.content for entity in etree.DTD(io.BytesIO(subset[1])).iterentities()}
    assert entities["lol"] == "lol"
    for level in range(1, 10):
        previous = "lol" if level == 1 else f"lol{level - 1}"
        assert entities[f"lol{level}"] == f"&{previous};" * 10
    assert b"<content:encoded>&lol9;</content:encoded>" in bomb
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        etree.fromstring(bomb)
    defused = bomb.replace(subset[0], b"").replace(b"&lol9;", b"")
    assert len(list(etree.fromstring(defused).iter("item"))) == 1


def test_the_external_entity_reads_the_named_file_into_a_posts_content(tmp_path):
    secret = tmp_path / "wp-config.php"
    secret.write_text("DB_PASSWORD = 'hunter2'")
    document = external_entity(secret)
    assert f'<!ENTITY stolen SYSTEM "{secret.resolve().as_uri()}">'.encode() in document
    careless = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
    content = etree.fromstring(document, careless).findtext(f".//item/{CONTENT}encoded")
    assert content == "DB_PASSWORD = 'hunter2'"


def test_a_big_export_is_streamed_to_about_the_size_asked_and_parses_item_by_item(tmp_path):
    target = tmp_path / "big.xml"
    tracemalloc.start()
    try:
        written_posts = write_big_export(target, megabytes=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = target.stat().st_size
    assert abs(size - 5_000_000) <= 500_000, size
    assert peak < 1_000_000, f"writing 5 MB held {peak} bytes at once: it must stream"
    ns = namespaces("http")
    counted = comments = 0
    for _, item in etree.iterparse(str(target), tag="item"):
        assert item.findtext("wp:post_type", namespaces=ns) == "post"
        assert len(item.findtext(f"{CONTENT}encoded")) > 3000
        comments += len(item.findall("wp:comment", ns))
        counted += 1
        item.clear()
    assert counted == written_posts > 100
    assert comments == 2 * counted


def test_a_big_export_with_a_post_count_spreads_the_size_over_them(tmp_path):
    target = tmp_path / "big.xml"
    assert write_big_export(target, megabytes=2, posts=50) == 50
    assert abs(target.stat().st_size - 2_000_000) <= 200_000
    assert sum(1 for _ in etree.iterparse(str(target), tag="item")) == 50


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://example.org/wp-content/uploads/2024/06/a.jpg", "2024/06/a.jpg"),
        ("https://x.files.wordpress.com/2008/06/a.jpg?w=300", "2008/06/a.jpg"),
        ("//cdn.example.net/blog/wp-content/uploads/2020/01/b%20c.png#top", "2020/01/b c.png"),
        ("http://example.org/wp-content/blogs.dir/3/files/2011/02/d.gif", "2011/02/d.gif"),
        ("http://labs.example.org/files/2009/01/e.jpg", "2009/01/e.jpg"),
        ("/files/2009/01/f.jpg", "2009/01/f.jpg"),
        ("http://example.org/blogname/files/2009/01/g.jpg", "2009/01/g.jpg"),
        ("/home/site/public_html/wp-content/uploads/2010/h.pdf", "2010/h.pdf"),
        ("https://example.org/wp-content/uploads/sites/2/2021/i.mp3", "sites/2/2021/i.mp3"),
        ("https://example.org/wp-content/uploads/2024/../../wp-config.php", None),
        ("https://example.org/wp-content/uploads/%2e%2e/secret.txt", None),
        ("https://example.org/wp-content/uploads/2024/06/", None),
        ("https://example.org/deep/folder/files/j.html", None),
        ("https://example.org/2024/06/a-post/", None),
        ("https://upload.wikimedia.org/wikipedia/commons/a.jpg", None),
    ],
)
def test_uploads_relative_path(address, expected):
    assert uploads_relative_path(address) == expected


def test_referenced_uploads_finds_every_kind_of_reference(tmp_path):
    content = (
        '<img src="https://example.org/wp-content/uploads/2024/01/src.jpg?resize=300%2C200" '
        'srcset="https://example.org/wp-content/uploads/2024/01/src-300x200.jpg 300w, '
        'https://example.org/wp-content/uploads/2024/01/src-1024x683.jpg 1024w">'
        '<a href="http://old.example.org/wp-content/uploads/2019/report.pdf">Report</a>.\n'
        '[audio mp3="https://example.org/wp-content/uploads/2024/01/talk.mp3"][/audio]\n'
        '<!-- wp:video {"url":"https:\\/\\/example.org\\/wp-content\\/uploads\\/2024\\/01\\/clip.mp4"} -->\n'
        "See https://site.files.wordpress.com/2008/06/plain-text.gif.\n"
        '<a href="https://example.org/wp-content/uploads/../../wp-config.php">escape</a>'
        '<a href="https://example.org/2024/01/not-an-upload/">a post</a>'
        '<img src="https://images.example.net/photo.jpg">'
    )
    elementor = (
        '[{"settings":{"image":{"url":'
        '"https:\\/\\/example.org\\/wp-content\\/uploads\\/2024\\/02\\/hero.webp"}}}]'
    )
    export = Export(
        "https://example.org",
        items=[
            post(1, "All kinds", content, excerpt='<img src="/wp-content/uploads/2024/01/excerpt.png">'),
            page(2, "Built with Elementor", meta=[("_elementor_data", elementor)]),
            attachment(
                3, "https://example.org/wp-content/uploads/2024/01/src.jpg", attached_file="2024/01/src.jpg"
            ),
            attachment(4, "https://elsewhere.example/odd.png", attached_file="2023/12/odd.png"),
        ],
    )
    assert referenced_uploads(export.write(tmp_path / "export.xml")) == {
        "2024/01/src.jpg",
        "2024/01/src-300x200.jpg",
        "2024/01/src-1024x683.jpg",
        "2019/report.pdf",
        "2024/01/talk.mp3",
        "2024/01/clip.mp4",
        "2008/06/plain-text.gif",
        "2024/01/excerpt.png",
        "2024/02/hero.webp",
        "2023/12/odd.png",
    }


def test_stand_in_images_take_the_shape_of_a_resized_name():
    assert stand_in_size("2024/01/a.jpg") == (64, 48)
    assert stand_in_size("2024/01/a-300x150.jpg") == (64, 32)
    assert stand_in_size("2024/01/a-150x300.jpg") == (32, 64)
    assert stand_in_size("2024/01/icon-32x32.png") == (32, 32)
    _, data = stand_in_file("2013/03/image-alignment-580x300.JPG")
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (64, 33))


@pytest.mark.parametrize("suffix", sorted(IMAGE_FORMATS))
def test_every_image_suffix_gives_an_image_of_its_own_format(suffix):
    media_type, data = stand_in_file(f"2024/01/picture{suffix.upper()}")
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, media_type) == IMAGE_FORMATS[suffix]


def test_other_media_are_minimal_but_valid_files():
    kind, pdf = stand_in_file("a/b.pdf")
    assert kind == "application/pdf"
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    assert pdf[start:].startswith(b"xref\n")
    for number in (1, 2, 3):
        offset = int(re.search(rb"xref\n0 4\n(?:\d{10} \d{5} [fn] \n){%d}(\d{10})" % number, pdf)[1])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)

    kind, mp3 = stand_in_file("a/b.MP3")
    assert kind == "audio/mpeg"
    assert mp3.startswith(b"ID3\x03")
    tag_size = sum(byte << (7 * (3 - place)) for place, byte in enumerate(mp3[6:10]))
    assert mp3[10 + tag_size : 10 + tag_size + 2] == b"\xff\xfb"

    for name, brand in (("b.mp4", b"isom"), ("b.m4a", b"M4A "), ("b.mov", b"qt  ")):
        data = stand_in_file(name)[1]
        assert data[4:12] == b"ftyp" + brand
        assert struct.unpack(">I", data[:4])[0] + 8 == len(data)

    ogg = stand_in_file("b.ogg")[1]
    assert ogg.startswith(b"OggS")
    assert b"\x01vorbis" in ogg
    assert struct.unpack("<I", ogg[22:26])[0] == ogg_crc32(ogg[:22] + bytes(4) + ogg[26:])

    with wave.open(io.BytesIO(stand_in_file("b.wav")[1])) as audio:
        assert audio.getnframes() == 800

    webm = stand_in_file("b.webm")[1]
    assert webm.startswith(b"\x1a\x45\xdf\xa3")
    assert b"webm" in webm

    kind, other = stand_in_file("b.html")
    assert kind == "text/plain"
    assert other


def attachment_path(item: etree._Element) -> str | None:
    """An attachment's own uploads path: its `_wp_attached_file`, else the one its URL points at."""
    if item.findtext("{*}post_type") != "attachment":
        return None
    attached = item.findtext("{*}postmeta[{*}meta_key='_wp_attached_file']/{*}meta_value")
    return attached or uploads_relative_path(item.findtext("{*}attachment_url") or "")


@needs_shared_exports
def test_stand_in_uploads_covers_every_shared_export_with_valid_repeatable_files(tmp_path):
    assert len(SHARED_EXPORTS) == 8
    attachments = 0
    every_image: dict[bytes, str] = {}
    for export_path in SHARED_EXPORTS:
        first, second = tmp_path / export_path.stem / "1", tmp_path / export_path.stem / "2"
        written = stand_in_uploads(export_path, first)
        assert stand_in_uploads(export_path, second) == written
        assert written.keys() == referenced_uploads(export_path)

        own_paths = {attachment_path(item) for item in etree.parse(str(export_path)).iter("item")} - {None}
        assert own_paths <= written.keys(), export_path.name
        attachments += len(own_paths)

        for path, kind in written.items():
            data = (first / path).read_bytes()
            assert data == (second / path).read_bytes(), path
            assert data, path
            if path.lower().endswith(tuple(IMAGE_FORMATS)):
                assert kind.startswith("image/"), path
                with Image.open(first / path) as image:
                    image.verify()
                assert every_image.setdefault(data, path) == path, f"{path} looks like {every_image[data]}"
    assert attachments > 200
    assert len(every_image) > 250


def test_not_an_image_is_text_under_an_image_name(tmp_path):
    written = not_an_image(tmp_path, "2024/01/photo.jpg")
    assert written == tmp_path / "2024/01/photo.jpg"
    assert written.read_bytes().startswith(b"<!DOCTYPE html>")
    with pytest.raises(UnidentifiedImageError):
        Image.open(written)


def test_the_media_server_serves_the_folder_and_records_each_request(tmp_path):
    (tmp_path / "2024" / "01").mkdir(parents=True)
    (tmp_path / "2024" / "01" / "a b.jpg").write_bytes(b"picture")
    with media_server(tmp_path) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{base_url}/2024/01/a%20b.jpg?w=300", timeout=5) as response:
            assert response.read() == b"picture"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base_url}/2024/01/missing.png", timeout=5)
        missing.value.close()
        assert missing.value.code == 404
    assert base_url.requested_paths == ["/2024/01/a%20b.jpg?w=300", "/2024/01/missing.png"]
    assert base_url.fetched_uploads == ["2024/01/a b.jpg", "2024/01/missing.png"]
