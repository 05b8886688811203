"""The redirects plugin in a real (in-process) build: each alias is a page that sends readers on, and a line
of `_redirects`."""

from urllib.request import urlopen

import pytest
from lxml import html

from conftest import PUBLISH_SITEURL, SMALL_SITE, THEME_PLUGINS, serving, write_content
from site_core import BuildFailed

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


def with_aliases(aliases: str) -> dict[str, str]:
    name = "articles/2026-06-10-kinship-carers.md"
    return {name: SMALL_SITE[name].replace("[/news/kinship-carers/, /features/kinship-2026.html]", aliases)}


def test_an_alias_with_percent_escapes_is_served_where_a_host_decodes_it(pelican_run, tmp_path):
    content = write_content(tmp_path / "content", with_aliases("[/2020/01/caf%C3%A9/]"))
    site = pelican_run(PLUGINS, content)
    assert (site / "_redirects").read_text(encoding="utf-8").splitlines() == [
        f"/2020/01/caf%C3%A9/ /{TARGET} 301"
    ]
    with serving(site) as address, urlopen(f"{address}/2020/01/caf%C3%A9/") as response:
        assert response.status == 200
        page = html.fromstring(response.read())
    assert page.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url=/{TARGET}"]
    assert page.xpath("//link[@rel='canonical']/@href") == [f"{PUBLISH_SITEURL}/{TARGET}"]


def test_an_alias_that_decodes_to_another_page_would_replace_it(pelican_run, tmp_path, capsys):
    content = write_content(tmp_path / "content", with_aliases("[/abou%74/]"))
    with pytest.raises(BuildFailed):
        pelican_run(PLUGINS, content)
    said = capsys.readouterr().err
    assert "2026-06-10-kinship-carers.md:8: the alias `/abou%74/` would replace " in said
    assert "pages/about.md — remove the alias" in said
