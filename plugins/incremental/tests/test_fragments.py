"""Pure macros (the theme's article card) are rendered once per build for the same arguments, and every page
that uses one records what the card read, as if it had rendered it itself."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from jinja2 import DictLoader, Environment
from pelican.contents import Article
from pelican.paginator import Paginator
from pelican.settings import DEFAULT_CONFIG

from incremental.writer import Fragments, RecordingContext, page_places, render_recording

SETTINGS = {**DEFAULT_CONFIG, "ARTICLE_URL": "articles/{slug}/"}
TEMPLATES = {
    "cards.html": (
        "{% macro card(article, heading='h2') %}{{ made(article) }}"
        "<{{ heading }}>{{ article.title }}</{{ heading }}>{% endmacro %}"
        "{% macro cards(articles) %}{% for article in articles %}{{ card(article) }}{% endfor %}"
        "{% endmacro %}"
    ),
    "listing.html": "{% from 'cards.html' import cards %}{{ cards(articles) }}",
    "featured.html": "{% from 'cards.html' import card %}{{ card(featured, 'h3') }}{{ card(featured) }}",
}


def article(slug: str) -> Article:
    return Article(
        "<p>Text.</p>",
        metadata={
            "title": slug.title(),
            "slug": slug,
            "date": datetime(2026, 3, 5, 9, 30, tzinfo=ZoneInfo("Europe/London")),
        },
        settings=SETTINGS,
        source_path=f"/site/content/articles/{slug}.md",
    )


@pytest.fixture
def environment():
    made: list[str] = []
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    env.context_class = RecordingContext
    env.fragments = Fragments({"card"})
    env.globals["made"] = lambda content: made.append(content.slug) or ""
    env.made = made
    return env


def test_a_card_is_rendered_once_for_every_page_that_shows_it(environment):
    first, second = article("first"), article("second")
    listing = environment.get_template("listing.html")
    page_one, _, _ = render_recording(listing, {"articles": [first, second]})
    page_two, _, _ = render_recording(listing, {"articles": [second, first]})
    assert environment.made == ["first", "second"]
    assert page_one == "<h2>First</h2><h2>Second</h2>"
    assert page_two == "<h2>Second</h2><h2>First</h2>"


def test_every_page_records_what_its_cards_read_whichever_page_made_them(environment):
    first = article("first")
    listing = environment.get_template("listing.html")
    _, names_made, reads_made = render_recording(listing, {"articles": [first]})
    _, names_reused, reads_reused = render_recording(listing, {"articles": [first]})
    assert environment.made == ["first"]
    assert (first.source_path, "title") in reads_made
    assert reads_reused == reads_made
    assert names_reused == names_made


def test_other_arguments_make_another_card(environment):
    featured = article("featured")
    page, _, _ = render_recording(environment.get_template("featured.html"), {"featured": featured})
    assert page == "<h3>Featured</h3><h2>Featured</h2>"
    assert environment.made == ["featured", "featured"]


def test_a_forgotten_article_is_rendered_again_with_its_new_text(environment):
    first = article("first")
    listing = environment.get_template("listing.html")
    render_recording(listing, {"articles": [first]})
    first.title = "Retitled"
    environment.fragments.forget([first])
    page, _, _ = render_recording(listing, {"articles": [first]})
    assert page == "<h2>Retitled</h2>"
    assert environment.made == ["first", "first"]


def test_a_macro_given_a_list_or_not_named_pure_is_rendered_every_time(environment):
    environment.fragments = Fragments({"cards"})
    first = article("first")
    listing = environment.get_template("listing.html")
    render_recording(listing, {"articles": [first]})
    render_recording(listing, {"articles": [first]})
    assert environment.made == ["first", "first"]


def test_an_attribute_an_article_lacks_is_read_by_its_name_and_a_property_as_anything():
    """A card that asks every article for its `content_note` depends on that name only (most articles have
    none); `summary` is a property of Pelican's, computed from the article, so it may read anything."""
    from incremental.writer import ANYTHING, _attribute_read

    plain = article("plain")
    assert _attribute_read(plain, "content_note") == (plain.source_path, "content_note")
    assert _attribute_read(plain, "title") == (plain.source_path, "title")
    assert _attribute_read(plain, "summary") == (plain.source_path, ANYTHING)
    assert _attribute_read(plain, 0) == (plain.source_path, ANYTHING)


def dated(slug: str, day: int) -> Article:
    made = article(slug)
    made.date = datetime(2026, 3, day, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    return made


def test_pages_are_placed_by_the_articles_they_show_not_their_number():
    """The newest articles' pages come first whichever listing they are in: page 1 of an archive of the
    oldest articles stands with the last pages of the home page, where its cards are also shown."""
    articles = [dated(f"a{day:02}", day) for day in range(28, 0, -1)]  # newest first
    home = Paginator("index.html", "index.html", articles, SETTINGS, per_page=7)
    oldest = Paginator("2026/index.html", "2026/", articles[21:], SETTINGS, per_page=7)
    contexts = {
        **{f"page/{n}/index.html": {"articles_page": home.page(n)} for n in range(1, 5)},
        "archive/index.html": {"articles_page": oldest.page(1)},
        "articles/a28/index.html": {"article": articles[0]},
        "articles/a01/index.html": {"article": articles[-1]},
        "about/index.html": {"page_name": "about"},
    }
    places = page_places(contexts)
    assert "about/index.html" not in places
    assert places["page/1/index.html"] < places["page/2/index.html"] < places["page/4/index.html"]
    assert places["archive/index.html"] == places["page/4/index.html"]
    assert places["articles/a28/index.html"] == 0
    assert places["articles/a01/index.html"] == 27 / 28
