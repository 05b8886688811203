"""The redirects plugin in a real (in-process) build: each alias is a page that sends readers on, and a line
of `_redirects`."""

import pytest
from lxml import html

from conftest import PUBLISH_SITEURL, SMALL_SITE, THEME_PLUGINS, write_content

PLUGINS = [*THEME_PLUGINS, "redirects"]
TARGET = "articles/kinship-carers/"


def head_of(page):
    document = html.fromstring(page.read_bytes())
    return {
        "refresh": document.xpath("//meta[@http-equiv='refresh']/@content"),
        "canonical": document.xpath("//link[@rel='canonical']/@href"),
        "robots": document.xpath("//meta[@name='robots']/@content"),
        "links": [a.get("href") for a in document.xpath("//main//a | //article//a")],
    }


@pytest.mark.parametrize("alias", ["news/kinship-carers/index.html", "features/kinship-2026.html"])
def test_an_alias_page_sends_readers_and_search_engines_on(pelican_run, alias):
    site = pelican_run(PLUGINS)
    head = head_of(site / alias)
    assert head["refresh"] == [f"0; url=/{TARGET}"]
    assert head["canonical"] == [f"{PUBLISH_SITEURL}/{TARGET}"]
    assert head["robots"] == ["noindex"]
    assert f"/{TARGET}" in head["links"], "a plain link for browsers that do not follow the refresh"
    assert (site / TARGET / "index.html").is_file()


def test_redirects_file_has_a_301_per_alias(pelican_run):
    site = pelican_run(PLUGINS)
    assert sorted((site / "_redirects").read_text(encoding="utf-8").splitlines()) == [
        f"/features/kinship-2026.html /{TARGET} 301",
        f"/news/kinship-carers/ /{TARGET} 301",
    ]


def test_a_site_in_a_sub_folder_redirects_within_it(pelican_run):
    site = pelican_run(PLUGINS, SITEURL="https://example.org/children-first")
    assert sorted((site / "_redirects").read_text().splitlines()) == [
        f"/children-first/features/kinship-2026.html /children-first/{TARGET} 301",
        f"/children-first/news/kinship-carers/ /children-first/{TARGET} 301",
    ]
    head = head_of(site / "news/kinship-carers/index.html")
    assert head["refresh"] == [f"0; url=/children-first/{TARGET}"]
    assert head["canonical"] == [f"https://example.org/children-first/{TARGET}"]


def test_a_page_can_have_aliases_too(pelican_run, tmp_path):
    about = SMALL_SITE["pages/about.md"].replace("summary:", "aliases: [/who-we-are/]\nsummary:")
    site = pelican_run(PLUGINS, write_content(tmp_path / "content", {"pages/about.md": about}))
    assert head_of(site / "who-we-are/index.html")["refresh"] == ["0; url=/about/"]
    assert "/who-we-are/ /about/ 301" in (site / "_redirects").read_text().splitlines()


def test_without_aliases_there_is_an_empty_redirects_file_and_no_alias_pages(pelican_run, tmp_path):
    plain = SMALL_SITE["articles/2026-06-10-kinship-carers.md"].replace(
        "aliases: [/news/kinship-carers/, /features/kinship-2026.html]\n", ""
    )
    site = pelican_run(
        PLUGINS, write_content(tmp_path / "content", {"articles/2026-06-10-kinship-carers.md": plain})
    )
    assert (site / "_redirects").read_text() == ""
    assert not (site / "news").exists()
