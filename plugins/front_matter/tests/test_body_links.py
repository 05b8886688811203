"""A body's relative paths to files under content/, linked the way Pelican links a static file."""

from pathlib import Path

import pytest

from front_matter.body_links import Missing, content_file, link_to_content, relative_path
from front_matter.render import Sanitiser, markdown_to_html


@pytest.fixture
def content(tmp_path: Path) -> Path:
    # x.txt lies outside content/: no path may reach it.
    for name in (
        "content/images/photo.jpg",
        "content/files/report.pdf",
        "content/articles/other.md",
        "x.txt",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    return tmp_path / "content"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("images/photo.jpg", "images/photo.jpg"),
        ("../images/my%20photo.jpg?v=2#top", "../images/my photo.jpg"),
        ("/images/photo.jpg", None),
        ("https://example.org/a.png", None),
        ("mailto:a@example.org", None),
        ("#notes", None),
        ("?page=2", None),
        ("{static}/images/photo.jpg", None),
        ("", None),
    ],
)
def test_relative_path(address, expected):
    assert relative_path(address) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("images/photo.jpg", "images/photo.jpg"),
        ("../images/photo.jpg", "images/photo.jpg"),
        ("other.md", "articles/other.md"),
        ("images", None),
        ("images/none.jpg", None),
        ("../../x.txt", None),
        (f"{'[' * 300}/contact", None),
    ],
)
def test_content_file_is_found_from_content_or_beside_the_source(content, path, expected):
    assert content_file(path, content, content / "articles") == expected


def body(content: Path, text: str) -> tuple[str, list[str], list[Missing]]:
    html, _ = markdown_to_html(text, Sanitiser())
    return link_to_content(html, content / "articles" / "x.md", content)


def test_paths_to_files_become_pelican_links(content):
    html, linked, missing = body(
        content,
        "![A](images/photo.jpg) [report](../files/report.pdf#page=2) [other](other.md) "
        '<img alt="a > b" src="images/photo.jpg?w=1&amp;h=2">',
    )
    assert 'src="{static}/images/photo.jpg"' in html
    assert 'href="{static}/files/report.pdf#page=2"' in html
    assert 'href="{filename}/articles/other.md"' in html
    assert 'src="{static}/images/photo.jpg?w=1&amp;h=2"' in html
    assert linked == ["images/photo.jpg", "files/report.pdf", "articles/other.md"]
    assert missing == []


def test_quoted_markup_and_other_addresses_are_left_alone(content):
    markdown = (
        "`<img src=images/photo.jpg>` [home](/) [contact](../../contact/) [mail](mailto:a@example.org)\n\n"
        '```html\n<img src="images/photo.jpg">\n```\n'
    )
    html, linked, missing = body(content, markdown)
    assert html == markdown_to_html(markdown, Sanitiser())[0]
    assert (linked, missing) == ([], [])


def test_a_path_to_no_file_is_missing_unless_it_may_be_a_page(content):
    _, linked, missing = body(content, "![M](images/none.png) [r](files/none.pdf) [p](../nowhere/)")
    assert linked == []
    assert missing == [Missing("src", "images/none.png"), Missing("href", "files/none.pdf")]
