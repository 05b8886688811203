"""Two publish builds of the same commit are byte-identical, wherever, whenever and in whatever locale."""

from datetime import UTC, datetime

from lxml import html

from conftest import copy_project, run_pelican, tree_digest
from sample_content import read_articles


def build(project, output, **environment):
    result = run_pelican(project, "publishconf.py", output, environment=environment)
    assert result.returncode == 0, result.stderr
    return tree_digest(output)


def test_builds_are_byte_identical_across_folders_zones_and_locales(tmp_path):
    """Every file, the search bundle included: the site gives Pagefind no filters, whose index Pagefind
    writes in a different order on every run (its issue #638), so its whole output is stable."""
    first = copy_project(tmp_path / "first-checkout")
    second = copy_project(tmp_path / "elsewhere" / "second-checkout")
    one = build(first, first / "public", TZ="Europe/London", LC_ALL="C.UTF-8")
    two = build(second, tmp_path / "out", TZ="Pacific/Auckland", LC_ALL="C", LANG="C")
    assert len(one) > 100
    bundle = [path for path in one if path.startswith("pagefind/")]
    assert {"pagefind/pagefind-entry.json", "pagefind/result-urls.json"} <= set(bundle)
    assert any(path.startswith("pagefind/fragment/") for path in bundle)
    assert not [path for path in bundle if path.startswith("pagefind/filter/")]
    assert one == two


def test_source_date_epoch_is_the_build_date(tmp_path):
    """Scheduling asks "is it published yet?" of SOURCE_DATE_EPOCH when it is set, not of the clock."""
    project = copy_project(tmp_path / "project")
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    build(project, project / "public", SOURCE_DATE_EPOCH=str(int(moment.timestamp())))
    articles = read_articles(project / "content")
    for article in articles:
        exists = (project / "public" / "articles" / article.slug / "index.html").is_file()
        published = article.meta.get("status", "published") == "published"
        assert exists == (published and article.date <= moment), article.slug
    home = html.fromstring((project / "public" / "index.html").read_bytes())
    assert "© 2024 WillisPalmer" in home.text_content()
