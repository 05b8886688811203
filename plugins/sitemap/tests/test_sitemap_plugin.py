"""The sitemap plugin in a real (in-process) build: every page listed once, with a reproducible lastmod."""

from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import PUBLISH_SITEURL, THEME_PLUGINS

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def site(pelican_run) -> Path:
    return pelican_run([*THEME_PLUGINS, "redirects", "sitemap"])


def sitemap_entries(site: Path) -> dict[str, datetime]:
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    entries = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = datetime.fromisoformat(url.findtext("s:lastmod", namespaces=NS))
    return entries


def address(site: Path, page: Path) -> str:
    return f"{PUBLISH_SITEURL}/{page.relative_to(site).as_posix().removesuffix('index.html')}"


def is_redirect(page: Path) -> bool:
    return bool(html.fromstring(page.read_bytes()).xpath("//meta[@http-equiv='refresh']"))


def test_every_page_is_listed_and_no_404_or_redirect(site):
    entries = sitemap_entries(site)
    pages = sorted(site.rglob("*.html"))
    redirects = {address(site, p) for p in pages if is_redirect(p)}
    assert redirects == {
        f"{PUBLISH_SITEURL}/news/kinship-carers/",
        f"{PUBLISH_SITEURL}/features/kinship-2026.html",
    }
    assert set(entries) == {address(site, p) for p in pages if p.name != "404.html"} - redirects
    assert f"{PUBLISH_SITEURL}/404.html" not in entries
    assert f"{PUBLISH_SITEURL}/articles/unfinished/" not in entries  # a draft has no page at all
    assert f"{PUBLISH_SITEURL}/articles/care-review/" not in entries  # scheduled after the build moment
    assert f"{PUBLISH_SITEURL}/about/" in entries


def test_an_article_carries_its_own_date_or_modified(site):
    entries = sitemap_entries(site)
    assert entries[f"{PUBLISH_SITEURL}/articles/council-referrals/"] == datetime.fromisoformat(
        "2026-03-05T09:30:00+00:00"
    )
    # modified wins over date; British Summer Time in July
    assert entries[f"{PUBLISH_SITEURL}/articles/kinship-carers/"] == datetime.fromisoformat(
        "2026-07-01T08:00:00+01:00"
    )


def test_a_listing_carries_the_newest_date_among_its_articles(site):
    entries = sitemap_entries(site)
    newest = datetime.fromisoformat("2026-11-24T00:00:00+00:00")
    assert entries[f"{PUBLISH_SITEURL}/"] == newest
    assert entries[f"{PUBLISH_SITEURL}/category/news/"] == datetime.fromisoformat("2026-03-05T09:30:00+00:00")
    assert entries[f"{PUBLISH_SITEURL}/category/features/"] == datetime.fromisoformat(
        "2026-07-01T08:00:00+01:00"
    )
    assert entries[f"{PUBLISH_SITEURL}/topic/workforce/"] == newest
    # Nothing is newer than the newest article: not the build's clock, whatever page it is.
    assert max(entries.values()) == newest


def test_two_builds_write_the_same_sitemap(pelican_run, site):
    again = pelican_run([*THEME_PLUGINS, "redirects", "sitemap"])
    assert (again / "sitemap.xml").read_bytes() == (site / "sitemap.xml").read_bytes()


def test_without_the_plugin_there_is_no_sitemap(pelican_run, site):
    """Signals are global: the previous build's receivers must not leak into the next one."""
    assert (site / "sitemap.xml").is_file()
    assert not (pelican_run(THEME_PLUGINS) / "sitemap.xml").exists()


def test_a_scheduled_article_is_listed_once_the_build_moment_passes_its_date(pelican_run):
    site = pelican_run([*THEME_PLUGINS, "sitemap"], epoch=datetime.fromisoformat("2027-02-01T00:00+00:00"))
    entries = sitemap_entries(site)
    published = datetime.fromisoformat("2027-01-15T09:00:00+00:00")
    assert entries[f"{PUBLISH_SITEURL}/articles/care-review/"] == published
    assert entries[f"{PUBLISH_SITEURL}/"] == published
