"""Content notes: an article on a sensitive topic (FRONT_MATTER's `sensitive_topics`) warns readers first.

The build refuses a published or scheduled article on such a topic without a `content_note` (a draft may
wait), at the line of its `topics:`; the note is shown before the teaser wherever a listing shows one
(the theme's cards and the hub filter's), and first in the article's feed entries, as text.
"""

import json
import re

import feedparser
import pytest
from lxml import html

from conftest import ROOT, THEME_PLUGINS, run_pelican, serving, tree_digest, write_content
from sample_content import read_articles

# A note that looks like markup: it must reach every reader as these characters.
NOTE = "This article discusses <b>domestic abuse</b> & coercive control, and links to Women's Aid."
SHOWN = f"Content note: {NOTE}"
TITLE = "Courts hear more cases involving domestic abuse"
SUMMARY = "Family courts heard more cases in which a parent had been abused, the figures show."
WITH_NOTE = {
    # The newest article: the home page's lead story, which shows its teaser.
    "articles/2026-11-28-courts-domestic-abuse.md": (
        f"---\ntitle: {TITLE}\ndate: 2026-11-28T09:00\ncategory: News\n"
        f"topics: [Domestic abuse, Family justice]\nsummary: {SUMMARY}\n"
        f"content_note: {json.dumps(NOTE)}\n---\n\nThe number of cases rose again.\n"
    ),
}
DOMESTIC_ABUSE_FIX = (
    'the topic "Domestic abuse" needs a content note — add `content_note: "This article discusses '
    'domestic abuse."` (one plain sentence warning readers what the article covers)'
)


def missing_note(date: str, status: str = "") -> str:
    """An article on a sensitive topic without a note: its `topics:` is on line 5."""
    return (
        f"---\ntitle: Refuges are full\ndate: {date}\ncategory: News\ntopics: [Policy, domestic-abuse]\n"
        f"{status}---\n\nRefuges turned families away.\n"
    )


@pytest.fixture
def built(pelican_run, tmp_path):
    """A small site with one article on a sensitive topic, its note written to look like markup."""
    return pelican_run(THEME_PLUGINS, write_content(tmp_path / "content", WITH_NOTE))


def cards_of(page, title: str) -> list:
    return [
        card
        for card in page.xpath("//article[contains(concat(' ', @class, ' '), ' card ')]")
        if card.xpath("string(.//*[@class='card-title'])").strip() == title
    ]


@pytest.mark.parametrize(
    "listing",
    [
        "index.html",
        "category/news/index.html",
        "topic/domestic-abuse/index.html",
        "knowledge-resources/index.html",
        "knowledge-resources/topic/domestic-abuse/index.html",
        "knowledge-resources/2026/index.html",
    ],
)
def test_a_listing_shows_the_note_before_the_teaser_as_text(built, listing):
    page = html.fromstring((built / listing).read_bytes())
    cards = cards_of(page, TITLE)
    assert cards, listing
    for card in cards:
        [teaser] = card.xpath(".//p[@class='teaser']")
        note = teaser.getprevious()
        assert note.get("class") == "card-note"
        assert " ".join(note.text_content().split()) == SHOWN
        # The label is the only element: the note's <b> is text.
        assert [child.tag for child in note] == ["strong"]
        assert note[0].text == "Content note:"
        assert teaser.text_content().strip() == SUMMARY


def test_a_card_without_a_note_has_none(built):
    page = html.fromstring((built / "knowledge-resources" / "index.html").read_bytes())
    [card] = cards_of(page, "Council referrals rise again")
    assert card.xpath(".//*[@class='card-note']") == []


def plain(detail) -> str:
    """A feedparser text construct as a reader shows it: HTML parsed, text as it is."""
    if detail.type == "text/html":
        return html.fragment_fromstring(detail.value, create_parent="div").text_content()
    return detail.value


def first_paragraph(fragment: str):
    return html.fragment_fromstring(fragment, create_parent="div").find("p")


@pytest.mark.parametrize(
    "feed", ["rss.xml", "atom.xml", "topic/domestic-abuse.rss.xml", "category/news.atom.xml"]
)
def test_a_feed_entry_starts_with_the_note(built, feed):
    parsed = feedparser.parse((built / "feeds" / feed).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    [entry] = [entry for entry in parsed.entries if entry.title == TITLE]
    note = first_paragraph(entry.content[0].value)
    assert " ".join(note.text_content().split()) == SHOWN
    assert [child.tag for child in note] == ["strong"]
    assert "The number of cases rose again." in plain(entry.content[0])
    assert plain(entry.summary_detail) == f"{SHOWN} {SUMMARY}"
    [other] = [entry for entry in parsed.entries if entry.title != TITLE][:1] or [None]
    if other is not None:
        assert "Content note" not in plain(other.summary_detail)


def test_a_json_feed_item_starts_with_the_note(built):
    items = json.loads((built / "feeds" / "feed.json").read_text(encoding="utf-8"))["items"]
    [item] = [item for item in items if item["title"] == TITLE]
    note = first_paragraph(item["content_html"])
    assert note.text_content() == SHOWN
    assert [child.tag for child in note] == ["strong"]
    assert item["summary"] == f"{SHOWN} {SUMMARY}"


def test_the_hub_index_carries_the_note_as_text(built):
    entries = json.loads((built / "knowledge-resources" / "articles.json").read_text(encoding="utf-8"))
    [entry] = [entry for entry in entries if entry["title"] == TITLE]
    assert entry["content_note"] == NOTE
    assert all("content_note" not in other for other in entries if other is not entry)


def test_the_hub_filter_shows_the_note_before_the_teaser_as_text(built, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with serving(built) as address:
            page = context.new_page()
            page.goto(f"{address}/knowledge-resources/?topic=domestic-abuse")
            page.get_by_role("status").filter(has_text=re.compile(r"\d")).first.wait_for()
            card = page.locator("[data-hub-results] .card").filter(has_text=TITLE)
            note = card.locator(".card-note")
            assert note.text_content() == SHOWN
            assert note.locator("b").count() == 0
            assert note.locator("strong").text_content() == "Content note:"
            assert note.evaluate("(note) => note.nextElementSibling.className") == "teaser"
            # The same look as the page's own cards.
            look = "(n) => ['fontSize', 'borderLeft', 'paddingLeft'].map(p => getComputedStyle(n)[p])"
            filtered = note.evaluate(look)
            page.goto(f"{address}/knowledge-resources/topic/domestic-abuse/")
            assert page.locator(".card-note").first.evaluate(look) == filtered
    finally:
        context.close()


def test_a_draft_may_wait_for_its_note(pelican_run, tmp_path):
    draft = missing_note("2026-10-02", "status: draft\n")
    output = pelican_run(
        THEME_PLUGINS, write_content(tmp_path / "content", {"articles/2026-10-02-refuges.md": draft})
    )
    assert (output / "index.html").is_file()
    assert not (output / "articles" / "refuges").exists()


def test_an_article_without_its_note_stops_the_build_at_its_topics_line(project):
    """Published or scheduled: both refused, in one run, with the fix; the draft is not; the site that was
    there stays as it was."""
    output = project / "output"
    first = run_pelican(project, "publishconf.py", output)
    assert first.returncode == 0, first.stdout + first.stderr
    before = tree_digest(output)
    articles = project / "content" / "articles"
    (articles / "2026-10-02-refuges.md").write_text(missing_note("2026-10-02"), encoding="utf-8")
    # Scheduled after the build moment: it goes live with no one looking, so it needs its note now.
    (articles / "2027-06-01-refuges-later.md").write_text(missing_note("2027-06-01"), encoding="utf-8")
    (articles / "2026-10-03-refuges-draft.md").write_text(
        missing_note("2026-10-03", "status: draft\n"), encoding="utf-8"
    )
    result = run_pelican(project, "publishconf.py", output)
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if "needs a content note" in line]
    assert lines == [
        f"content/articles/2026-10-02-refuges.md:5: {DOMESTIC_ABUSE_FIX}",
        f"content/articles/2027-06-01-refuges-later.md:5: {DOMESTIC_ABUSE_FIX}",
    ]
    assert tree_digest(output) == before


def test_a_sensitive_topic_that_is_not_a_topic_is_a_settings_problem_at_its_line(project):
    settings = project / "pelicanconf.py"
    text = settings.read_text(encoding="utf-8")
    assert text.count('        "Self-harm and suicide",\n    ],') == 1
    settings.write_text(
        text.replace('        "Self-harm and suicide",\n    ],', '        "Self-harm and suicde",\n    ],'),
        encoding="utf-8",
    )
    line = settings.read_text(encoding="utf-8").splitlines().index('        "Self-harm and suicde",') + 1
    result = run_pelican(project, "pelicanconf.py", project / "output")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"pelicanconf.py:{line}: FRONT_MATTER `sensitive_topics` names `Self-harm and suicde`, which is not "
        "one of the site's topics — did you mean `Self-harm and suicide`?"
    ) in result.stderr


def test_the_search_pages_filters_show_the_note_before_the_teaser(site_url, browser):
    """With filters and no words, the search page lists articles from articles.json: each with its note
    first, as text, as the site's own cards show it."""
    expected = {
        a.meta["title"]: (a.meta["content_note"], " ".join(a.meta["summary"].split()))
        for a in read_articles(ROOT / "content")
        if a.is_public and "Harmful sexual behaviour" in a.meta.get("topics", [])
    }
    assert len(expected) >= 2
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/search/?topic=Harmful+sexual+behaviour")
        page.get_by_role("status").filter(has_text=re.compile(r"\d")).first.wait_for()
        results = page.locator(".search-result")
        assert results.count() == len(expected)
        for result in results.all():
            written, summary = expected[result.locator("h2").text_content()]
            note = result.locator(".card-note")
            assert note.text_content() == f"Content note: {written}"
            assert note.evaluate("(note) => note.nextElementSibling.textContent") == summary
    finally:
        context.close()
