"""Broken internal links fail the build with the article's file and line; good and external links pass."""

import pytest

from conftest import run_pelican, tree_digest

ARTICLE = "---\ntitle: Links\ndate: 2025-05-01\ncategory: News\n---\nIntro.\n\n{body}\n"


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ("See [the report](/articles/no-such-article/).", 8, "`/articles/no-such-article/`"),
        ("![Chart](/images/missing-chart.png)", 8, "`/images/missing-chart.png`"),
        ("Read [the note](/contact/#no-such-heading).", 8, "points at `#no-such-heading`"),
        ("Fine line.\n\nBroken [here](/knowledge-resources/category/not-a-category/).", 10, "not-a-category"),
    ],
)
def test_broken_internal_link_fails_the_build(project, body, line, says):
    output = project / "output"
    assert run_pelican(project, "publishconf.py", output).returncode == 0
    before = tree_digest(output)
    (project / "content" / "articles" / "links.md").write_text(ARTICLE.format(body=body))
    result = run_pelican(project, "publishconf.py", output)
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
