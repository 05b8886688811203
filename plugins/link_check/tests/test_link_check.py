"""Broken internal links fail the build with the article's file and line; good and external links pass.

Development builds (quicker) wherever minifying plays no part: the check runs in every build."""

from urllib.parse import urljoin

import pytest
from lxml import etree, html

from conftest import PUBLISH_SITEURL, run_pelican, tree_digest

ARTICLE = "---\ntitle: Links\ndate: 2025-05-01\ncategory: News\n---\nIntro.\n\n{body}\n"


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ("See [the report](/articles/no-such-article/).", 8, "`/articles/no-such-article/`"),
        ("![Chart](/images/missing-chart.png)", 8, "images/missing-chart.png` does not exist"),
        ("Read [the note](/contact/#no-such-heading).", 8, "points at `#no-such-heading`"),
        ("Fine line.\n\nBroken [here](/knowledge-resources/category/not-a-category/).", 10, "not-a-category"),
    ],
)
def test_broken_internal_link_fails_the_build(project, body, line, says):
    output = project / "output"
    assert run_pelican(project, "pelicanconf.py", output).returncode == 0
    before = tree_digest(output)
    (project / "content" / "articles" / "links.md").write_text(ARTICLE.format(body=body))
    result = run_pelican(project, "pelicanconf.py", output)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"content/articles/links.md:{line}: " in result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(output) == before


def test_good_and_external_links_pass(project):
    body = (
        "[Contact](/contact/), [hub](/knowledge-resources/), [feed](/feeds/rss.xml), "
        "[a heading](/articles/links/#a-heading), [elsewhere](https://www.example.org/missing), "
        "[mail](mailto:a@example.org)\n\n## A heading\n\nText."
    )
    (project / "content" / "articles" / "links.md").write_text(ARTICLE.format(body=body))
    result = run_pelican(project, "publishconf.py", project / "output")
    assert result.returncode == 0, result.stderr


def test_an_address_that_is_not_a_url_is_dropped_with_a_warning(project):
    (project / "content" / "articles" / "links.md").write_text(
        ARTICLE.format(body="A [garbled](https://[oops/x).")
    )
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    assert "content/articles/links.md:8: warning: removed the link `https://[oops/x`" in result.stderr
    assert "https://[oops" not in (output / "articles" / "links" / "index.html").read_text()


QUOTED = (
    "---\ntitle: Quoting markup\ndate: 2025-05-01\ncategory: News\n"
    "summary: 'Why quoted markup shows as text, not as an image or a link.'\n---\n"
    "Write `<img src=y>` inline, or a block:\n\n```html\n<img src=x>\n<a href=nowhere>here</a>\n```\n"
)


def test_markup_quoted_as_text_is_not_a_link_in_a_minified_build(project):
    (project / "content" / "articles" / "quoting.md").write_text(QUOTED)
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    page = (output / "articles" / "quoting" / "index.html").read_text(encoding="utf-8")
    # Minified, so an address a pattern would take for a link is written just as in the issue.
    assert "&lt;img src=x>" in page
    assert html.fromstring(page).xpath("//pre//text()")[0].startswith("<img src=x>\n<a href=nowhere>")


SVG = "images/case-clinic-illustration.svg"


@pytest.mark.parametrize(
    ("body", "file"),
    [
        ("![Chart](images/case-clinic-illustration.svg)", SVG),
        ("![Chart](../images/case-clinic-illustration.svg)", SVG),
        ('<img src="images/case-clinic-illustration.svg" alt="Chart">', SVG),
        # Published at /logo.png (EXTRA_PATH_METADATA), not where it sits under content/.
        ("![Chart](extra/logo.png)", "extra/logo.png"),
    ],
)
def test_an_image_written_from_content_reaches_its_file(project, body, file):
    (project / "content" / "articles" / "links.md").write_text(ARTICLE.format(body=body))
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    page_url = f"{PUBLISH_SITEURL}/articles/links/"
    [src] = html.parse(output / "articles" / "links" / "index.html").xpath("//main//img[@alt='Chart']/@src")
    fetched = urljoin(page_url, src)
    assert fetched.startswith(PUBLISH_SITEURL + "/")
    served = output / fetched.removeprefix(PUBLISH_SITEURL + "/")
    if file.endswith(".svg"):
        # Published without comments or metadata (the images plugin): the same drawing.
        drawn, original = (etree.parse(path).getroot() for path in (served, project / "content" / file))
        assert [(e.tag, dict(e.attrib)) for e in drawn.iter()] == [
            (e.tag, dict(e.attrib)) for e in original.iter()
        ]
    else:
        assert served.read_bytes() == (project / "content" / file).read_bytes()


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ("![x](images/missing.png)", 8, "the image `images/missing.png` names no file under content/"),
        ("Fine.\n\nThe [report](files/report.pdf).", 10, "the link `files/report.pdf` names no file"),
        ("<img src='../images/missing.png' alt=''>", 8, "the image `../images/missing.png`"),
    ],
)
def test_a_relative_path_to_no_file_fails_at_its_line(project, body, line, says):
    (project / "content" / "articles" / "links.md").write_text(ARTICLE.format(body=body))
    result = run_pelican(project, "pelicanconf.py", project / "output")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"content/articles/links.md:{line}: {says}" in result.stderr
    assert "Traceback" not in result.stderr


PAGE = "---\ntitle: Help\nsummary: Where to find help.\n---\nIntro.\n\nAsk [us]({link}).\n"


@pytest.mark.parametrize(
    ("link", "fails"),
    [("../contact/", False), ("../contact/#main", False), ("contact/", True), ("../contact/#nowhere", True)],
)
def test_a_relative_link_is_resolved_against_its_page(project, link, fails):
    (project / "content" / "pages" / "help.md").write_text(PAGE.format(link=link))
    result = run_pelican(project, "pelicanconf.py", project / "output")
    assert result.returncode == int(fails), result.stderr
    if fails:
        assert "content/pages/help.md:7: the link " in result.stderr
        assert "leads to `/help/contact/`" in result.stderr or "`#nowhere`" in result.stderr


def test_a_link_to_a_draft_page_is_broken_until_the_page_is_published(project):
    (project / "content" / "pages" / "help.md").write_text(PAGE.format(link="/editorial-policy/"))
    draft = project / "content" / "pages" / "editorial-policy.md"
    assert "status: draft\n" in draft.read_text()
    result = run_pelican(project, "pelicanconf.py", project / "output")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "content/pages/help.md:7: the link `/editorial-policy/` on help/index.html leads to a page or file "
        "that does not exist"
    ) in result.stderr
    draft.write_text(draft.read_text().replace("status: draft\n", ""))
    result = run_pelican(project, "pelicanconf.py", project / "output")
    assert result.returncode == 0, result.stderr
    assert (project / "output" / "editorial-policy" / "index.html").is_file()
