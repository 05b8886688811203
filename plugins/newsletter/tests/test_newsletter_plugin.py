"""The newsletter plugin in real (in-process) builds: the digest archive from a ledger the test writes, and
the Subscribe page's sign-up form from the DIGEST setting."""

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html

from conftest import PUBLISH_SITEURL, ROOT, THEME_PLUGINS, write_content
from site_core import BuildFailed
from site_core.digest import SENDING, SENT, DigestRecord, Ledger, write_ledger

PLUGINS = [*THEME_PLUGINS, "newsletter", "sitemap"]
VALIDATOR = ROOT.parent / "shared" / "bin" / "validate-feeds"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ENABLED = {"sender_address": "digest@children-first.example"}
LISTMONK = {
    **ENABLED,
    "service": "listmonk",
    "service_url": "https://lists.example.org",
    "subscribe_form": "https://lists.example.org/subscription/form",
    "service_list_uuid": "6a3f1e2c-6b0b-4c55-9a7e-0f1f2e3d4c5b",
}
BUTTONDOWN = {
    **ENABLED,
    "service": "buttondown",
    "subscribe_form": "https://buttondown.com/api/emails/embed-subscribe/childrenfirst",
}
# An article with a content note, and one that was published and sent, then turned back into a draft.
WITH_NOTE = {
    "articles/2026-11-20-abuse-review.md": (
        "---\ntitle: Lessons from a serious case review\ndate: 2026-11-20\ncategory: Research\n"
        "content_note: This article discusses the death of a child.\n"
        "summary: A review sets out what agencies missed.\n---\n\nThe review found missed chances.\n"
    ),
    "articles/2026-11-25-withdrawn.md": (
        "---\ntitle: A withdrawn story\ndate: 2026-11-25\ncategory: News\nstatus: draft\n---\n\nWithdrawn.\n"
    ),
}


def record(number: int, day: str, articles: list[str], state: str = SENT, **extra) -> DigestRecord:
    return DigestRecord(
        number=number,
        date=day,
        subject=f"Children First: the week to {day}",
        articles=articles,
        state=state,
        **extra,
    )


# Digest 1: two stories. Digest 2: a story by its old address (an alias), one since deleted, one sent and
# then made a draft, and one with a content note. Digest 3 is still being sent: not published.
DIGESTS = [
    record(1, "2026-11-16", ["articles/supervision/", "articles/council-referrals/"]),
    record(
        2,
        "2026-11-23",
        [
            "articles/abuse-review/",
            "news/kinship-carers/",
            "articles/deleted-story/",
            "articles/withdrawn/",
        ],
    ),
    record(3, "2026-11-30", ["articles/supervision/"], state=SENDING, delivered=["a1b2"]),
]


def project_with_ledger(tmp_path: Path, digests=DIGESTS, files=WITH_NOTE) -> Path:
    """The small site's content, with the ledger in the project folder (the content folder's parent)."""
    write_ledger(tmp_path / "newsletter" / "ledger.json", Ledger(baseline=[], digests=list(digests)))
    return write_content(tmp_path / "content", files)


def parse(path: Path):
    return html.fromstring(path.read_bytes())


def story_links(page) -> list[str]:
    return page.xpath("//main//article[contains(@class, 'card')]//*[contains(@class, 'card-title')]/a/@href")


def test_each_sent_digest_has_a_page_with_its_stories_in_the_ledgers_order(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    first = parse(site / "newsletter/1/index.html")
    assert story_links(first) == ["/articles/supervision/", "/articles/council-referrals/"]
    assert first.findtext(".//h1") == "Children First: the week to 2026-11-16"
    assert first.findtext(".//title") == "Children First digest, 16 November 2026"
    card = first.xpath("//main//article[contains(@class, 'card')]")[0]
    assert card.xpath(".//time/text()") == ["24 November 2026"]
    assert card.xpath(".//p[@class='meta']/a/text()") == ["Guidance"]
    assert "Good supervision helps" in card.findtext(".//p[@class='teaser']")
    assert card.xpath(".//a[contains(@class, 'read-more')]")[0].text_content().startswith("Read Full Story")
    assert not (site / "newsletter/3").exists(), "a digest still being sent is not published"


def test_every_link_of_the_archive_leads_to_a_page_of_the_site(pelican_run, tmp_path):
    """The small site has no contact or privacy page, so the theme's own links are left to the link check
    of the full site's build; every link the archive adds must resolve."""
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    for name in ("newsletter/index.html", "newsletter/1/index.html", "newsletter/2/index.html"):
        links = parse(site / name).xpath("//main//a/@href")
        assert links
        for link in links:
            path = link.split("#")[0].lstrip("/")
            target = site / path / "index.html" if path.endswith("/") or not path else site / path
            assert target.is_file(), (name, link)


def test_an_old_address_finds_the_moved_article_and_a_gone_one_is_left_out(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    second = parse(site / "newsletter/2/index.html")
    assert story_links(second) == ["/articles/abuse-review/", "/articles/kinship-carers/"]
    everything = (site / "newsletter/2/index.html").read_text(encoding="utf-8")
    assert "deleted-story" not in everything
    assert "withdrawn" not in everything.lower()
    assert "2 more are no longer on the site" in second.text_content()


def test_a_stories_content_note_comes_before_its_teaser(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    card = parse(site / "newsletter/2/index.html").xpath("//main//article[contains(@class, 'card')]")[0]
    texts = [" ".join(p.text_content().split()) for p in card.iter("p")]
    note = next(i for i, text in enumerate(texts) if "the death of a child" in text)
    teaser = next(i for i, text in enumerate(texts) if "what agencies missed" in text)
    assert note < teaser
    assert texts[note].startswith("Content note:")


def test_a_re_slugged_article_without_an_alias_is_found_by_its_source_file(pelican_run, tmp_path):
    moved = record(
        1,
        "2026-11-16",
        ["articles/referrals-rise/", "articles/gone/"],
        sources=["articles/2026-03-05-council-referrals.md", "articles/2026-01-01-gone.md"],
    )
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path, [moved]), DIGEST=ENABLED)
    assert story_links(parse(site / "newsletter/1/index.html")) == ["/articles/council-referrals/"]


def test_the_index_lists_every_sent_digest_newest_first(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    index = parse(site / "newsletter/index.html")
    items = index.xpath("//ul[@class='digest-index']/li")
    assert [item.xpath(".//h2/a/@href")[0] for item in items] == ["/newsletter/2/", "/newsletter/1/"]
    assert [item.xpath(".//time/@datetime")[0] for item in items] == ["2026-11-23", "2026-11-16"]
    assert [" ".join(item.findtext(".//h2/a").split()) for item in items] == [
        "Children First: the week to 2026-11-23",
        "Children First: the week to 2026-11-16",
    ]
    assert ["2 stories" in item.text_content() for item in items] == [True, True]


def test_archive_pages_advertise_the_feed_have_breadcrumbs_and_are_in_the_sitemap(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    feed = f"{PUBLISH_SITEURL}/newsletter/atom.xml"
    for name in ("newsletter/index.html", "newsletter/1/index.html", "newsletter/2/index.html"):
        page = parse(site / name)
        assert page.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href").count(feed) == 1
        crumbs = page.xpath("//nav[@class='breadcrumbs']//a/@href")
        assert crumbs[:3] == ["/", "/subscribe/", "/newsletter/"][: len(crumbs[:3])]
        assert page.xpath("//nav[@class='breadcrumbs']//a[@aria-current='page']/@href") == [
            "/" + name.removesuffix("index.html")
        ]
        assert page.xpath("//link[@rel='canonical']/@href") == [
            f"{PUBLISH_SITEURL}/{name.removesuffix('index.html')}"
        ]
    locations = etree.parse(str(site / "sitemap.xml")).xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    for path in ("newsletter/", "newsletter/1/", "newsletter/2/"):
        assert f"{PUBLISH_SITEURL}/{path}" in locations
    assert f"{PUBLISH_SITEURL}/newsletter/3/" not in locations


def test_the_feed_has_an_entry_per_sent_digest_whose_id_is_its_page(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    feed = feedparser.parse((site / "newsletter/atom.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Children First: email digests"
    assert [entry.id for entry in feed.entries] == [
        f"{PUBLISH_SITEURL}/newsletter/2/",
        f"{PUBLISH_SITEURL}/newsletter/1/",
    ]
    assert [entry.link for entry in feed.entries] == [entry.id for entry in feed.entries]
    assert feed.entries[0].title == "Children First: the week to 2026-11-23"
    assert feed.entries[0].published.startswith("2026-11-23T00:00:00")
    content = html.fromstring(feed.entries[1].content[0].value)
    assert content.xpath("//a/@href") == [
        f"{PUBLISH_SITEURL}/articles/supervision/",
        f"{PUBLISH_SITEURL}/articles/council-referrals/",
    ]
    again = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    assert (again / "newsletter/atom.xml").read_bytes() == (site / "newsletter/atom.xml").read_bytes()


def test_the_w3c_feed_validator_finds_nothing_in_the_digests_feed(pelican_run, tmp_path):
    if not VALIDATOR.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{VALIDATOR} is missing in CI")
        pytest.skip("../shared/bin/validate-feeds is not beside this checkout")
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    only = tmp_path / "only-the-digests" / "newsletter"
    only.mkdir(parents=True)
    (only / "atom.xml").write_bytes((site / "newsletter/atom.xml").read_bytes())
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), str(only.parent), PUBLISH_SITEURL],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 valid, 0 with errors or warnings" in result.stdout


def test_without_a_ledger_there_is_no_archive_and_no_link_to_one(pelican_run):
    site = pelican_run(PLUGINS, DIGEST=ENABLED)
    assert not (site / "newsletter").exists()
    subscribe = parse(site / "subscribe/index.html")
    assert not subscribe.xpath("//*[@id='email-digest']")
    everything = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "/newsletter/" not in everything


def test_a_ledger_with_no_sent_digest_adds_nothing(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path, [DIGESTS[2]]), DIGEST=ENABLED)
    assert not (site / "newsletter").exists()
    assert not parse(site / "subscribe/index.html").xpath("//*[@id='email-digest']")


def test_the_ledger_is_found_where_the_setting_says(pelican_run, tmp_path):
    content = project_with_ledger(tmp_path)
    (tmp_path / "newsletter" / "ledger.json").rename(tmp_path / "digests.json")
    site = pelican_run(PLUGINS, content, DIGEST={**ENABLED, "ledger": "digests.json"})
    assert (site / "newsletter/1/index.html").is_file()


def test_a_broken_ledger_stops_the_build_naming_it(pelican_run, tmp_path, capsys):
    content = write_content(tmp_path / "content")
    (tmp_path / "newsletter").mkdir()
    (tmp_path / "newsletter" / "ledger.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BuildFailed):
        pelican_run(PLUGINS, content, DIGEST=ENABLED)
    said = capsys.readouterr().err
    assert "newsletter/ledger.json:1: the digest ledger cannot be read" in said


def test_the_subscribe_page_lists_the_latest_digests(pelican_run, tmp_path):
    site = pelican_run(PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED)
    page = parse(site / "subscribe/index.html")
    assert page.xpath("//*[@id='email-digest']")
    listed = page.xpath("//ul[contains(@class, 'digest-index')]//a/@href")
    assert listed == ["/newsletter/2/", "/newsletter/1/"]
    assert "/newsletter/" in page.xpath("//main//a/@href")
    assert not page.xpath("//main//form[contains(@class, 'digest-signup')]"), "no service is configured"


def signup_form(site: Path):
    page = parse(site / "subscribe/index.html")
    forms = page.xpath("//main//form[contains(@class, 'digest-signup')]")
    return page, (forms[0] if forms else None)


def test_no_sign_up_form_until_the_service_and_its_form_are_set(pelican_run):
    for digest in (
        ENABLED,
        {**ENABLED, "service": "listmonk"},
        {**LISTMONK, "subscribe_form": ""},
        {**LISTMONK, "sender_address": ""},
    ):
        _, form = signup_form(pelican_run(PLUGINS, DIGEST=digest))
        assert form is None, digest


def test_the_listmonk_form_posts_its_fields_straight_to_the_service(pelican_run):
    page, form = signup_form(pelican_run(PLUGINS, DIGEST=LISTMONK))
    assert form.get("method") == "post"
    assert form.get("action") == "https://lists.example.org/subscription/form"
    email = form.xpath(".//input[@name='email']")[0]
    assert email.get("type") == "email"
    assert email.get("autocomplete") == "email"
    assert email.get("required") is not None
    label = form.xpath(f".//label[@for='{email.get('id')}']")
    assert [one.text_content().strip() for one in label] == ["Email address"]
    hidden = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    assert hidden == {"nonce": "", "l": LISTMONK["service_list_uuid"]}
    assert form.xpath(".//button[@type='submit']")
    said = " ".join(page.xpath("//main")[0].text_content().split())
    for promise in (
        "This website keeps nothing",
        "straight to listmonk (lists.example.org)",
        "the record of your consent",
        "when you confirmed it",
        "confirm that you want the digest",
        "unsubscribe link",
        "no tracking pixels",
    ):
        assert promise in said, promise


def test_the_buttondown_form_is_its_embed_subscribe_form(pelican_run):
    _, form = signup_form(pelican_run(PLUGINS, DIGEST=BUTTONDOWN))
    assert form.get("action") == "https://buttondown.com/api/emails/embed-subscribe/childrenfirst"
    assert form.xpath(".//input[@type='email']/@name") == ["email"]
    assert {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")} == {"embed": "1"}


@pytest.mark.parametrize(
    ("digest", "message"),
    [
        ({**LISTMONK, "service_list_uuid": ""}, "listmonk's subscription form needs the list's UUID"),
        (
            {**LISTMONK, "subscribe_form": "http://lists.example.org/subscription/form"},
            "DIGEST `subscribe_form` is 'http://lists.example.org/subscription/form', not an https://",
        ),
        ({**BUTTONDOWN, "service": "mailchimp"}, "DIGEST `service` is 'mailchimp'"),
        ({**LISTMONK, "service_list_uuid": 7}, "DIGEST `service_list_uuid` must be a str"),
    ],
)
def test_a_sign_up_form_that_cannot_work_stops_the_build(pelican_run, capsys, digest, message):
    with pytest.raises(BuildFailed):
        pelican_run(PLUGINS, DIGEST=digest)
    assert message in capsys.readouterr().err


def test_the_archive_keeps_to_a_site_in_a_sub_folder(pelican_run, tmp_path):
    site = pelican_run(
        PLUGINS, project_with_ledger(tmp_path), DIGEST=ENABLED, SITEURL="https://example.org/children-first"
    )
    index = parse(site / "newsletter/index.html")
    assert index.xpath("//ul[@class='digest-index']//h2/a/@href")[0] == "/children-first/newsletter/2/"
    feed = feedparser.parse((site / "newsletter/atom.xml").read_bytes())
    assert feed.entries[0].id == "https://example.org/children-first/newsletter/2/"
