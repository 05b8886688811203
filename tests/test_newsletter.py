"""The e-mail digest on the published sample site (conftest's `published_site`, built with the sample ledger
and a mailing-list service from tests/sample_content.py): the archive, the Subscribe page, the policy."""

from urllib.parse import urlsplit

import feedparser
from lxml import html

from conftest import PUBLISH_SITEURL, ROOT, read_headers_file
from sample_content import DELETED_ADDRESS, SAMPLE_DIGEST, read_articles, sample_digests

DIGESTS = sample_digests(ROOT / "content")
BY_SLUG = {article.slug: article for article in read_articles(ROOT / "content")}


def parse(path):
    return html.fromstring(path.read_bytes())


def story_links(page) -> list[str]:
    return page.xpath("//main//article[contains(@class, 'card')]//*[contains(@class, 'card-title')]/a/@href")


def public_address(address: str) -> str | None:
    """Where the sample site has the article a ledger address names now, or None."""
    for article in BY_SLUG.values():
        aliases = [alias.lstrip("/") for alias in article.meta.get("aliases", [])]
        if article.is_public and (address == f"articles/{article.slug}/" or address in aliases):
            return f"/articles/{article.slug}/"
    return None


def test_each_sent_digest_has_its_page_with_the_stories_the_site_still_has(published_site):
    sent = [digest for digest in DIGESTS if digest.state == "sent"]
    assert len(sent) == 2
    assert DIGESTS[-1].state == "sending"
    for digest in sent:
        page = parse(published_site / "newsletter" / str(digest.number) / "index.html")
        expected = [public_address(address) for address in digest.articles]
        assert story_links(page) == [link for link in expected if link], digest.number
        assert page.findtext(".//h1") == digest.subject
    second = parse(published_site / "newsletter/2/index.html")
    assert None in [public_address(address) for address in DIGESTS[1].articles], "one is not public"
    assert DELETED_ADDRESS not in (published_site / "newsletter/2/index.html").read_text(encoding="utf-8")
    assert "2 more are no longer on the site" in second.text_content()
    assert not (published_site / "newsletter" / str(DIGESTS[-1].number)).exists()


def test_the_index_and_the_subscribe_page_list_the_digests_newest_first(published_site):
    index = parse(published_site / "newsletter/index.html")
    assert index.xpath("//ul[@class='digest-index']//h2/a/@href") == ["/newsletter/2/", "/newsletter/1/"]
    subscribe = parse(published_site / "subscribe/index.html")
    assert subscribe.xpath("//ul[contains(@class, 'digest-index')]//a/@href") == [
        "/newsletter/2/",
        "/newsletter/1/",
    ]
    assert "/newsletter/" in subscribe.xpath("//main//a/@href")


def test_the_digests_feed_parses_cleanly(published_site):
    feed = feedparser.parse((published_site / "newsletter/atom.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert [entry.id for entry in feed.entries] == [
        f"{PUBLISH_SITEURL}/newsletter/2/",
        f"{PUBLISH_SITEURL}/newsletter/1/",
    ]


def test_the_sign_up_form_posts_to_the_service_the_policy_allows_and_nowhere_else(published_site):
    form = parse(published_site / "subscribe/index.html").xpath("//form[@class='digest-signup']")[0]
    assert form.get("action") == SAMPLE_DIGEST["subscribe_form"]
    assert form.xpath(".//input[@type='hidden'][@name='l']/@value") == [SAMPLE_DIGEST["service_list_uuid"]]
    policy = dict(read_headers_file(published_site))["Content-Security-Policy"]
    allowed = next(part.split()[1:] for part in policy.split(";") if part.split()[0] == "form-action")
    assert allowed == ["'self'", "https://lists.children-first.example"]
    for path in published_site.rglob("*.html"):
        for action in parse(path).xpath("//form/@action"):
            parts = urlsplit(action)
            assert not parts.netloc or f"{parts.scheme}://{parts.netloc}" in allowed, (path, action)


def test_the_privacy_notice_says_what_the_digest_keeps_where(published_site):
    page = parse(published_site / "privacy/index.html")
    section = page.xpath("//h2[@id='email-digest']")
    assert section, "the Subscribe page links to /privacy/#email-digest"
    text = " ".join(page.xpath("//main")[0].text_content().split())
    for said in (
        "has no sign-up form, nothing is collected",
        "This website never receives or stores your address",
        "the record of your consent",
        "double opt-in",
        "one-click unsubscribe link",
        "no tracking pixels",
        "not rewritten to count clicks",
    ):
        assert said in text, said
