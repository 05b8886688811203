"""What the WordPress import makes of a post's text: blocks, shortcodes, images and their alt text, links
and old addresses. Conversion rules are checked on the Markdown written; the whole chain on a built site."""

import html
import re

import pytest
from lxml import html as lxml_html

from conftest import serving
from wordpress_import import (
    build,
    build_warnings,
    export_of,
    front_matter_and_body,
    import_wordpress,
    imported_files,
)
from wordpress_media import stand_in_uploads
from wxr_builder import attachment, page, post

UPLOADS = "https://old.example.org/wp-content/uploads"


def body_of(project, name: str) -> str:
    return front_matter_and_body(imported_files(project)[f"content/articles/{name}"])[1]


def imported(project, tmp_path, *items, arguments=()):
    export = export_of(*items).write(tmp_path / "export.xml")
    uploads = tmp_path / "uploads"
    stand_in_uploads(export, uploads)
    result = import_wordpress(
        project, export, "--default-category", "News", "--uploads", str(uploads), *arguments
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "imports" / "export.report.md"


BLOCKS = """<!-- wp:heading -->
<h2 class="wp-block-heading" id="first-part">First part</h2>
<!-- /wp:heading -->
<!-- wp:paragraph {"dropCap":true} -->
<p class="has-drop-cap">A paragraph with <strong>bold</strong> and <em>italic</em> words.</p>
<!-- /wp:paragraph -->
<!-- wp:list -->
<ul><!-- wp:list-item --><li>One</li><!-- /wp:list-item -->
<!-- wp:list-item --><li>Two</li><!-- /wp:list-item --></ul>
<!-- /wp:list -->
<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph --><p>Children first.</p><!-- /wp:paragraph -->
<cite>A judge</cite></blockquote>
<!-- /wp:quote -->
<!-- wp:pullquote -->
<figure class="wp-block-pullquote"><blockquote><p>Listen to them.</p><cite>A carer</cite></blockquote>
</figure>
<!-- /wp:pullquote -->
<!-- wp:code -->
<pre class="wp-block-code"><code>if (a &lt; b) { return `x`; }</code></pre>
<!-- /wp:code -->
<!-- wp:preformatted -->
<pre class="wp-block-preformatted">Line one<br>Line two</pre>
<!-- /wp:preformatted -->
<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->
<!-- wp:table -->
<figure class="wp-block-table"><table><thead><tr><th>Year</th><th>Referrals</th></tr></thead>
<tbody><tr><td>2024</td><td>650,000</td></tr></tbody><tfoot><tr><td>All</td><td>650,000</td></tr></tfoot>
</table><figcaption class="wp-element-caption">Referrals by year</figcaption></figure>
<!-- /wp:table -->
<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column -->
<div class="wp-block-column"><!-- wp:paragraph --><p>Left column.</p><!-- /wp:paragraph --></div>
<!-- /wp:column --><!-- wp:column -->
<div class="wp-block-column"><!-- wp:paragraph --><p>Right column.</p><!-- /wp:paragraph --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->
<!-- wp:buttons -->
<div class="wp-block-buttons"><!-- wp:button -->
<div class="wp-block-button">
<a class="wp-block-button__link wp-element-button" href="https://www.gov.uk/">Read the guidance</a></div>
<!-- /wp:button --></div>
<!-- /wp:buttons -->
<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc123","type":"video","providerNameSlug":"youtube"} -->
<figure class="wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=abc123
</div><figcaption>A talk on kinship care</figcaption></figure>
<!-- /wp:embed -->
<!-- wp:latest-posts {"postsToShow":3} /-->
<!-- wp:more -->
<!--more-->
<!-- /wp:more -->
<!-- wp:details -->
<details class="wp-block-details"><summary>More detail</summary>
<!-- wp:paragraph --><p>Hidden text.</p><!-- /wp:paragraph --></details>
<!-- /wp:details -->
<!-- wp:verse -->
<pre class="wp-block-verse">Two roads diverged
in a yellow wood</pre>
<!-- /wp:verse -->"""


def test_core_blocks_become_markdown_with_no_block_comment_left(project, tmp_path):
    report = imported(project, tmp_path, post(1, "Blocks", BLOCKS, name="blocks"))
    body = body_of(project, "2024-06-03-blocks.md")
    assert "<!-- wp:" not in body
    assert "wp-block" not in body, "no WordPress class names"
    assert "## First part {#first-part}" in body
    assert "A paragraph with **bold** and *italic* words." in body
    assert "-   One\n-   Two" in body
    assert "> Children first.\n>\n> — A judge" in body
    assert "> Listen to them.\n>\n> — A carer" in body
    assert "```\nif (a < b) { return `x`; }\n```" in body
    assert "```\nLine one\nLine two\n```" in body
    assert "\n---\n" in body
    assert "<caption>Referrals by year</caption>" in body
    assert body.index("<td>All</td>") > body.index("<td>2024</td>"), "the footer row comes last"
    assert "Left column.\n\nRight column." in body
    assert "[Read the guidance](https://www.gov.uk/)" in body
    assert (
        "[Watch on YouTube: https://www.youtube.com/watch?v=abc123](https://www.youtube.com/watch?v=abc123)"
        in body
    )
    assert "A talk on kinship care" in body
    assert "<details><summary>More detail</summary>" in body
    assert "Two roads diverged  \nin a yellow wood" in body
    text = report.read_text(encoding="utf-8")
    assert "an embedded YouTube item became a link to it" in text
    assert "the `latest-posts` block was left out" in text


def test_the_text_before_more_is_the_summary_and_is_flagged(project, tmp_path):
    content = "<p>The opening that WordPress showed in lists.</p>\n<!--more-->\n<p>The rest of the story.</p>"
    report = imported(project, tmp_path, post(1, "Teaser", content, name="teaser"))
    text = imported_files(project)["content/articles/2024-06-03-teaser.md"]
    assert "summary: The opening that WordPress showed in lists." in text
    assert "<!--" not in text
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("summary:"))
    assert f"content/articles/2024-06-03-teaser.md:{line}" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("shortcode", "expected"),
    [
        (
            '[caption id="attachment_7" align="alignleft" width="300"]<img class="wp-image-7" '
            f'src="{UPLOADS}/2024/06/court.jpg" alt="The family court building" /> '
            "The court in May[/caption]",
            '<figure><img alt="The family court building" src="images/wordpress/2024/06/court.jpg">'
            "<figcaption>The court in May</figcaption></figure>",
        ),
        (
            "[embed]https://vimeo.com/123[/embed]",
            "[Watch on Vimeo: https://vimeo.com/123](https://vimeo.com/123)",
        ),
        (f'[audio mp3="{UPLOADS}/2024/06/talk.mp3"]', "[Listen: talk.mp3](files/wordpress/2024/06/talk.mp3)"),
        (f'[video src="{UPLOADS}/2024/06/clip.mp4"]', "[Watch: clip.mp4](files/wordpress/2024/06/clip.mp4)"),
        ("[[gallery]] is how you write a gallery.", "\\[gallery\\] is how you write a gallery."),
        (
            "Text with [sic] and [ssh server] in brackets.",
            "Text with \\[sic\\] and \\[ssh server\\] in brackets.",
        ),
    ],
)
def test_known_shortcodes_are_converted_and_bracketed_text_stays(project, tmp_path, shortcode, expected):
    imported(
        project,
        tmp_path,
        attachment(7, f"{UPLOADS}/2024/06/court.jpg", alt="The family court building"),
        post(1, "Shortcode", f"<p>Before.</p>\n\n{shortcode}\n\nAfter.", name="shortcode"),
    )
    body = body_of(project, "2024-06-03-shortcode.md")
    assert expected in body
    for name in ("caption", "embed", "audio", "video"):
        assert f"[{name}" not in body


def test_a_gallery_shows_each_image_with_its_own_alt_text_and_caption(project, tmp_path):
    imported(
        project,
        tmp_path,
        attachment(21, f"{UPLOADS}/2024/06/one.jpg", alt="A kitchen table", parent=1, caption="At home"),
        attachment(22, f"{UPLOADS}/2024/06/two.png", alt="A garden gate", parent=1),
        post(1, "Gallery", '<p>Pictures:</p>\n\n[gallery ids="22,21"]', name="gallery"),
    )
    body = body_of(project, "2024-06-03-gallery.md")
    assert body.index("A garden gate") < body.index("A kitchen table"), "in the gallery's own order"
    assert "![A garden gate](images/wordpress/2024/06/two.png)" in body
    assert '<img alt="A kitchen table" src="images/wordpress/2024/06/one.jpg"><figcaption>At home' in body


def test_an_unknown_shortcode_makes_a_draft_and_the_report_names_it_and_its_line(project, tmp_path):
    report = imported(
        project,
        tmp_path,
        post(1, "Form", '<p>Write to us.</p>\n\n[contact-form-7 id="91" title="Contact"]', name="form"),
    )
    text = imported_files(project)["content/articles/2024-06-03-form.md"]
    assert "status: draft" in text
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "contact-form-7" in t)
    assert (
        f"content/articles/2024-06-03-form.md:{line}`: the shortcode `[contact-form-7]` was made by a "
        "WordPress "
        "plugin" in report.read_text(encoding="utf-8")
    )


ALTS = [
    'A "quoted" carer',
    "It's 50% & rising <fast>",
    "Two [bracketed] *stars* and _underscores_ \\ back",
    "Ōkārito café — naïve",
]


def test_every_alt_text_is_kept_verbatim_and_none_is_invented(project, tmp_path):
    images = "".join(
        f'<p><img src="{UPLOADS}/2024/06/photo-{n}.jpg" alt="{html.escape(alt)}"></p>'
        for n, alt in enumerate(ALTS)
    )
    titled = (
        f'[caption id="attachment_30"]<img class="wp-image-30" src="{UPLOADS}/2024/06/untitled.jpg"> '
        "A caption is not an alt[/caption]"
    )
    imported(
        project,
        tmp_path,
        attachment(30, f"{UPLOADS}/2024/06/untitled.jpg", alt=None, title="Attachment title"),
        post(1, "Alts", images, name="alts"),
        post(2, "No alt", f"<p>Text.</p>{titled}", name="no-alt"),
    )
    built = build(project, tmp_path / "site")
    assert built.returncode == 0, built.stdout + built.stderr
    page_html = lxml_html.fromstring((tmp_path / "site/articles/alts/index.html").read_bytes())
    assert [img.get("alt") for img in page_html.xpath("//div[@class='article-body']//img")] == ALTS
    draft = imported_files(project)["content/articles/2024-06-03-no-alt.md"]
    assert "status: draft" in draft
    assert '<img alt="" src=' not in draft
    assert re.search(r"<img src=\"images/wordpress/2024/06/untitled.jpg\"/?>", draft), "no alt is invented"
    for invented in ("Attachment title", "untitled"):
        assert f'alt="{invented}' not in draft


def test_a_file_name_as_alt_text_makes_a_draft_but_is_kept(project, tmp_path):
    report = imported(
        project,
        tmp_path,
        post(1, "Camera", f'<p><img src="{UPLOADS}/2024/06/IMG_4032.jpg" alt="IMG_4032"></p>', name="camera"),
    )
    text = imported_files(project)["content/articles/2024-06-03-camera.md"]
    assert "status: draft" in text
    assert "![IMG\\_4032](images/wordpress/2024/06/IMG_4032.jpg)" in text
    assert "alt text `IMG_4032` is its file name" in report.read_text(encoding="utf-8")


def test_every_image_a_person_must_describe_is_listed_at_its_own_line(project, tmp_path):
    """The report names each image without a description where it is in the file, even the same picture
    shown twice or a picture whose path is also the featured image's, so a person can go line by line."""
    body = (
        f'<p><img src="{UPLOADS}/2024/06/court.jpg" alt="The family court building"></p>'
        "<p>Between the pictures.</p>"
        f'<p><img src="{UPLOADS}/2024/06/court.jpg" alt=""></p>'
        "<p>More text.</p>"
        f'<p><img src="{UPLOADS}/2024/06/court.jpg"></p>'
        f'<p><img src="{UPLOADS}/2024/06/IMG_4032.jpg" alt="IMG_4032"></p>'
    )
    report = imported(
        project,
        tmp_path,
        attachment(7, f"{UPLOADS}/2024/06/court.jpg", alt=None),
        post(1, "Court pictures", body, name="court-pictures", meta=[("_thumbnail_id", "7")]),
    ).read_text(encoding="utf-8")
    name = "content/articles/2024-06-03-court-pictures.md"
    lines = imported_files(project)[name].split("\n")
    listed = re.findall(
        rf"^- `{re.escape(name)}:(\d+)`: (an image[^—]*|its featured image[^—]*) —", report, re.M
    )
    undescribed = [
        number
        for number, line in enumerate(lines, 1)
        if "court.jpg" in line and "The family court building" not in line and not line.startswith("image:")
    ]
    assert sorted(int(n) for n, what in listed if what.startswith("an image has no alt")) == undescribed
    assert len(undescribed) == 2
    [file_named] = [int(n) for n, what in listed if "is its file name" in what]
    assert "IMG\\_4032" in lines[file_named - 1]
    [featured] = [int(n) for n, what in listed if what.startswith("its featured image")]
    assert lines[featured - 1].startswith("image: ")


def test_files_whose_names_clash_never_overwrite_each_other(project, tmp_path):
    existing = project / "content/images/wordpress/2024/06/court.jpg"
    existing.parent.mkdir(parents=True)
    existing.write_bytes((project / "content/images/family-court-building.jpg").read_bytes())
    imported(
        project,
        tmp_path,
        post(1, "Court", f'<p><img src="{UPLOADS}/2024/06/court.jpg" alt="A court"></p>', name="court"),
    )
    assert existing.read_bytes() == (project / "content/images/family-court-building.jpg").read_bytes()
    assert "![A court](images/wordpress/2024/06/court-2.jpg)" in body_of(project, "2024-06-03-court.md")
    assert (project / "content/images/wordpress/2024/06/court-2.jpg").is_file()


def test_an_image_on_another_site_is_listed_and_not_fetched(project, tmp_path):
    report = imported(
        project,
        tmp_path,
        post(
            1,
            "Elsewhere",
            '<p><img src="https://images.example.com/a.jpg" alt="A chart"></p>'
            # A multisite network's uploads (ms-files) under the blog's earlier name.
            '<p><img src="http://techblog.example.org/files/2007/05/prefs.png" alt="Preferences"></p>',
            name="elsewhere",
        ),
    )
    text = imported_files(project)["content/articles/2024-06-03-elsewhere.md"]
    assert "status: draft" in text
    assert "images.example.com" not in front_matter_and_body(text)[1].replace(
        "Image not imported: https://images.example.com/a.jpg", ""
    )
    said = report.read_text(encoding="utf-8")
    assert "--allow-host images.example.com" in said
    assert "--old-host images.example.com" not in said
    earlier = "techblog.example.org"
    assert f"if {earlier} was an earlier address of this site, add --old-host {earlier}" in said


def test_links_between_posts_follow_them_and_old_addresses_redirect(project, tmp_path):
    imported(
        project,
        tmp_path,
        post(
            1,
            "First",
            '<h2>Background</h2><p>See <a href="https://old.example.org/2024/06/second/">the second</a>, '
            '<a href="/?p=2#detail">its detail</a>, <a href="https://old.example.org/?p=3">a draft</a> and '
            '<a href="https://old.example.org/category/news/">all news</a>.</p>',
            name="first",
            meta=[("_wp_old_slug", "first-draft-title")],
        ),
        post(
            2,
            "Second",
            '<h2 id="detail">Detail</h2><p>Back to <a href="../first/#background">the first</a>.</p>',
            name="second",
        ),
        post(3, "Unfinished", "<p>Not ready.</p>", name="unfinished", status="draft"),
        page(4, "About", "<p>About us.</p>", name="about-us"),
    )
    first = body_of(project, "2024-06-03-first.md")
    assert "[the second](articles/2024-06-03-second.md)" in first
    assert "[its detail](articles/2024-06-03-second.md#detail)" in first
    assert "a draft" in first
    assert "?p=3" not in first, "a link to a draft is taken out until it is published"
    assert "[all news](https://old.example.org/category/news/)" in first
    assert "[the first](articles/2024-06-03-first.md#background)" in body_of(project, "2024-06-03-second.md")
    site = tmp_path / "site"
    built = build(project, site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert build_warnings(built) == []
    with serving(site) as url:
        import urllib.request

        for old, new in [
            ("/2024/06/first/", "/articles/first/"),
            ("/2024/06/first-draft-title/", "/articles/first/"),
            ("/2024/06/second/", "/articles/second/"),
        ]:
            with urllib.request.urlopen(url + old) as response:
                page_html = lxml_html.fromstring(response.read())
            assert page_html.xpath("//link[@rel='canonical']/@href")[0].endswith(new), old
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    assert "| `/?p=1` | `/articles/first/` |" in report
    assert "| `/?page_id=4` | `/about-us/` |" in report
    nginx = (project / "imports" / "export.nginx.conf").read_text(encoding="utf-8")
    assert 'if ($arg_p = "2") { return 301 /articles/second/; }' in nginx
    apache = (project / "imports" / "export.htaccess").read_text(encoding="utf-8")
    assert "RewriteCond %{QUERY_STRING} (^|&)page_id=4(&|$)" in apache


def test_without_an_excerpt_the_summary_is_the_first_paragraph_of_prose_and_is_flagged(project, tmp_path):
    content = (
        "<h2>Contents</h2><ul><li>A list item that is long enough to be a sentence of twelve words.</li></ul>"
        "<p>Short line.</p>"
        "<p>Councils must publish what support kinship carers can ask for. The offer has to be easy to find, "
        "and reviewed every year with carers themselves.</p>"
    )
    report = imported(project, tmp_path, post(1, "Kinship offer", content, name="kinship-offer"))
    text = imported_files(project)["content/articles/2024-06-03-kinship-offer.md"]
    assert "summary: Councils must publish what support kinship carers can ask for." in text
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("summary:"))
    assert f"- `content/articles/2024-06-03-kinship-offer.md:{line}` (post 1)" in report.read_text()


def test_documents_and_recordings_are_published_beside_the_article_that_links_to_them(project, tmp_path):
    content = (
        '<!-- wp:file {"id":40} --><div class="wp-block-file">'
        f'<a href="{UPLOADS}/2024/06/annual-report.pdf">Annual report 2024</a>'
        f'<a href="{UPLOADS}/2024/06/annual-report.pdf" class="wp-block-file__button" download>Download</a>'
        "</div><!-- /wp:file -->\n\n"
        f'[audio mp3="{UPLOADS}/2024/06/interview.mp3"]'
    )
    imported(project, tmp_path, post(1, "Report", content, name="report"))
    body = body_of(project, "2024-06-03-report.md")
    assert "[Download: Annual report 2024](files/wordpress/2024/06/annual-report.pdf)" in body
    assert "[Listen: interview.mp3](files/wordpress/2024/06/interview.mp3)" in body
    site = tmp_path / "site"
    built = build(project, site)
    assert built.returncode == 0, built.stdout + built.stderr
    page_html = lxml_html.fromstring((site / "articles/report/index.html").read_bytes())
    links = {a.text_content(): a.get("href") for a in page_html.xpath("//main//a")}
    for text, name in (
        ("Download: Annual report 2024", "annual-report.pdf"),
        ("Listen: interview.mp3", "interview.mp3"),
    ):
        address = links[text]
        assert address.endswith(f"/files/wordpress/2024/06/{name}")
        assert (site / address.split("/", 3)[3]).read_bytes()[:4] in (b"%PDF", b"ID3\x03", b"ID3\x04")


HOSTILE_TITLE = '</title><script>alert(1)</script> "Quoted": # not a comment - & more'


def test_hostile_text_comes_in_as_text_and_nothing_in_it_runs(project, tmp_path):
    content = (
        '<p onclick="steal()" style="color:red">Before <a href="javascript:alert(2)">a trap</a>.</p>'
        "<script>alert(3)</script><style>body{display:none}</style>"
        '<p><img src="x" onerror="alert(4)"> and <iframe src="https://evil.example/"></iframe></p>'
        "<form action='https://evil.example/'><input name='card'></form>"
        "<p>A line with &lt;script&gt;alert(5)&lt;/script&gt; written as text.</p>"
    )
    report = imported(project, tmp_path, post(1, HOSTILE_TITLE, content, name="hostile"))
    text = imported_files(project)["content/articles/2024-06-03-hostile.md"]
    assert "status: draft" in text, "a form cannot work here: a person decides what replaces it"
    listed = report.read_text(encoding="utf-8")
    for removed in (
        "a script was removed",
        "a style sheet was removed",
        "a form was removed",
        "`javascript:` link",
    ):
        assert removed in listed
    published = text.replace("status: draft\n", "")
    (project / "content/articles/2024-06-03-hostile.md").write_text(published, encoding="utf-8")
    site = tmp_path / "site"
    built = build(project, site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert build_warnings(built) == []
    page_html = lxml_html.fromstring((site / "articles/hostile/index.html").read_bytes())
    assert page_html.xpath("//h1")[0].text_content().strip() == HOSTILE_TITLE
    main = page_html.xpath("//main")[0]
    assert main.xpath(".//script | .//style | .//iframe | .//form") == []
    assert not [a for a in main.iter() if any(name.startswith("on") for name in a.attrib)]
    assert "<script>alert(5)</script>" in main.text_content()
