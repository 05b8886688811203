"""The templating plugin in a real (in-process) build: British dates, links from the settings within the
site's folder, the copyright year of the newest article, and THEME_OPTIONS checked before use."""

import locale
from datetime import UTC, date, datetime

import pytest
from lxml import html

import pelicanconf
from conftest import THEME_PLUGINS
from site_core import BuildFailed
from templating.options import shown_banner


def page(site, path: str):
    return html.fromstring((site / path).read_bytes())


def installed(name: str) -> bool:
    saved = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, name)
    except locale.Error:
        return False
    locale.setlocale(locale.LC_TIME, saved)
    return True


# The C locale, and whichever of these other-language locales the machine has (Debian: locales-all).
LOCALES = ["C.UTF-8", *(name for name in ("fr_FR.UTF-8", "de_DE.UTF-8", "cy_GB.UTF-8") if installed(name))]


@pytest.mark.parametrize("name", LOCALES)
def test_dates_are_british_whatever_the_locale(pelican_run, name):
    site = pelican_run(THEME_PLUGINS, LOCALE=[name])
    article = page(site, "articles/supervision/index.html")
    assert [(t.get("datetime"), t.text) for t in article.xpath("//dl//time")] == [
        ("2026-11-24T00:00:00+00:00", "24 November 2026")
    ]
    updated = page(site, "articles/kinship-carers/index.html")
    assert [t.text for t in updated.xpath("//dl//time")] == ["10 June 2026", "1 July 2026"]
    listing = page(site, "index.html")
    assert "24 November 2026" in [t.text for t in listing.xpath("//time")]


def test_links_from_the_settings_stay_inside_a_sub_folder_site(pelican_run):
    options = {
        **pelicanconf.THEME_OPTIONS,
        "navigation": [
            {"text": "Contact", "url": "/contact/"},
            {"text": "Elsewhere", "url": "https://other.example/page/"},
            {"text": "Protocol-relative", "url": "//cdn.example/x/"},
        ],
    }
    site = pelican_run(THEME_PLUGINS, SITEURL="https://example.org/children-first", THEME_OPTIONS=options)
    home = page(site, "index.html")
    navigation = {a.text_content().strip(): a.get("href") for a in home.xpath("//nav//a")}
    assert navigation["Contact"] == "/children-first/contact/"
    assert navigation["Elsewhere"] == "https://other.example/page/"
    assert navigation["Protocol-relative"] == "//cdn.example/x/"
    banner = {a.text_content(): a.get("href") for a in home.xpath("//ul[@class='banner-links']//a")}
    assert banner["Contact Us"] == "/children-first/contact/"
    assert home.xpath("//link[@rel='canonical']/@href") == ["https://example.org/children-first/"]


def test_the_copyright_year_is_the_newest_articles_not_the_clocks(pelican_run):
    site = pelican_run(THEME_PLUGINS, epoch=datetime(2031, 6, 1, tzinfo=UTC))
    footer = page(site, "about/index.html").xpath("//footer")[0].text_content()
    assert "© 2027 WillisPalmer" in footer  # the scheduled article of January 2027 is out by then
    assert "2031" not in footer


def test_a_banner_without_a_title_stops_the_build_and_says_so(pelican_run, tmp_path, capsys, caplog):
    options = {**pelicanconf.THEME_OPTIONS, "banner": {"text": "No title"}}
    output = tmp_path / "site"
    with pytest.raises(BuildFailed, match="1 problem in 1 file"):
        pelican_run(THEME_PLUGINS, THEME_OPTIONS=options, output=output)
    said = capsys.readouterr().err + caplog.text
    assert "THEME_OPTIONS `banner` needs at least a `title`" in said
    assert not output.exists(), "a failed build writes nothing"


def test_an_unknown_share_network_is_reported(pelican_run, capsys, caplog):
    options = {**pelicanconf.THEME_OPTIONS, "share_networks": ["email", "myspace"]}
    with pytest.raises(BuildFailed):
        pelican_run(THEME_PLUGINS, THEME_OPTIONS=options)
    assert "myspace" in capsys.readouterr().err + caplog.text


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        ("2027-03-31T12:00:00+00:00", True),
        # 23:30 UTC on 31 March is already 1 April in London (BST): the banner's last day is over.
        ("2027-03-31T23:30:00+00:00", False),
        ("2027-04-02T09:00:00+00:00", False),
    ],
)
def test_the_banner_is_shown_through_its_until_day_in_the_sites_time_zone(now, shown):
    banner = {"title": "Office closed", "until": date(2027, 3, 31)}
    result = shown_banner(banner, {"TIMEZONE": "Europe/London"}, datetime.fromisoformat(now))
    assert (result is banner) == shown


def test_a_banner_end_that_is_not_a_date_is_reported(pelican_run):
    with pytest.raises(BuildFailed):
        pelican_run(THEME_PLUGINS, THEME_OPTIONS={"banner": {"title": "Closed", "until": "next Tuesday"}})
