"""A very large article and ten thousand tiny ones build, within a bounded amount of memory."""

import resource

import pytest
from lxml import html

from conftest import run_pelican

PEAK_MEMORY_LIMIT_MB = 1536


@pytest.mark.longest
def test_a_5mb_article_and_10000_tiny_ones_build(project):
    articles = project / "content" / "articles"
    paragraph = (
        "Practitioners described how supervision and peer support shaped their work with children. " * 8
    )
    body = "\n\n".join([paragraph] * (5_000_000 // len(paragraph)))
    (articles / "very-long-report.md").write_text(
        f"---\ntitle: A very long report\ndate: 2025-06-01\ncategory: Research\n---\n{body}\n",
        encoding="utf-8",
    )
    categories = ["News", "Features", "Research", "Guidance", "Interviews", "Opinion"]
    for number in range(10_000):
        (articles / f"tiny-{number:05d}.md").write_text(
            f"---\ntitle: Tiny {number}\ndate: {2015 + number % 10}-01-{1 + number % 28:02d}\n"
            f"category: {categories[number % 6]}\n---\nShort note {number}.\n",
            encoding="utf-8",
        )
    output = project / "output"
    # The development settings: the publish steps (minify, search index, precompress) are measured at this
    # scale by `invoke bench`; here it is the reading, rendering and checking that must hold up.
    result = run_pelican(project, "pelicanconf.py", output)
    assert result.returncode == 0, result.stderr[-3000:]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < PEAK_MEMORY_LIMIT_MB, f"peak memory {peak_mb:.0f} MB"
    page = html.fromstring((output / "articles" / "very-long-report" / "index.html").read_bytes())
    assert len(page.xpath("//div[@class='article-body']/p")) == 5_000_000 // len(paragraph)
    assert (output / "articles" / "tiny-09999" / "index.html").is_file()
