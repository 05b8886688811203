"""The incremental build's rules for what a page depends on, checked on plain values (no build).

A page is reused when the fingerprints of the values its template read are unchanged, so these rules decide
both correctness (a change must change a fingerprint) and speed (an irrelevant change must not)."""

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup
from pelican.contents import Article
from pelican.paginator import Paginator
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category

from incremental.fingerprint import Fingerprinter, Unfingerprintable, code_token, digest
from incremental.writer import Outputs

SITE_TOKEN = b"site token"
SETTINGS = {**copy.deepcopy(DEFAULT_CONFIG), "ARTICLE_URL": "articles/{slug}/"}
LONDON = ZoneInfo("Europe/London")


def fingerprint(value, **options) -> bytes:
    """A fresh fingerprinter each time, as each build has (it remembers values by identity)."""
    return Fingerprinter(SITE_TOKEN).of(value, **options)


def article(slug: str, *, title: str | None = None, digest_of_source: str = "d1", status: str = "published"):
    made = Article(
        "<p>Text.</p>",
        metadata={
            "title": title or slug.title(),
            "slug": slug,
            "date": datetime(2026, 3, 5, 9, 30, tzinfo=LONDON),
            "category": Category("News", SETTINGS),
            "status": status,
        },
        settings=SETTINGS,
        source_path=f"/site/content/articles/{slug}.md",
    )
    made.source_digest = digest_of_source
    return made


# Plain values


@pytest.mark.parametrize(
    "value",
    [
        "text",
        42,
        None,
        {"a": [1, 2.5, "x"], "b": (True, None)},
        {"when": datetime(2026, 11, 24, tzinfo=LONDON)},
        frozenset({"x", "y"}),
    ],
)
def test_equal_values_have_equal_fingerprints(value):
    assert fingerprint(value) == fingerprint(copy.deepcopy(value))


def test_text_and_markup_differ_because_they_render_differently():
    assert fingerprint("<b>x</b>") != fingerprint(Markup("<b>x</b>"))
    assert fingerprint(Markup("x")) == fingerprint(Markup("x"))


def test_dict_order_is_irrelevant_but_list_order_and_kind_are_not():
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})
    assert fingerprint([1, 2]) != fingerprint([2, 1])
    assert fingerprint([1, 2]) != fingerprint((1, 2))
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
    assert fingerprint(1) != fingerprint("1")
    assert fingerprint(1) != fingerprint(True)


# Articles


def test_an_article_of_its_own_page_counts_everything_plugins_gave_it():
    one, two = article("one"), article("one")
    assert fingerprint(one) == fingerprint(two)
    two.related_articles = [article("other")]
    assert fingerprint(one) != fingerprint(two)


def test_an_article_reached_through_another_counts_only_its_source():
    """Related articles show their own fields, which come from their source file: not their own related."""
    main, related = article("main"), article("related")
    main.related_articles = [related]
    before = fingerprint(main)

    related.related_articles = [article("third")]  # attached by a plugin: not shown on main's page
    related.title = "A different title, as the same source would never give"
    assert fingerprint(main) == before

    for change in (
        {"source_path": "/site/content/articles/moved.md"},
        {"source_digest": "d2"},  # the file's bytes changed
        {"status": "draft"},  # the clock or the author unpublished it
        {"image_sources": (("images/photo.jpg", "e7"),)},  # a photo it shows was replaced
    ):
        changed = article("main")
        changed.related_articles = [article("related")]
        for name, value in change.items():
            setattr(changed.related_articles[0], name, value)
        assert fingerprint(changed) != before, change


def test_a_listing_of_articles_is_fingerprinted_per_article():
    listing = [article("a"), article("b")]
    assert fingerprint({"articles": listing}) == fingerprint({"articles": [article("a"), article("b")]})
    assert fingerprint({"articles": listing}) != fingerprint({"articles": [article("a"), article("c")]})
    edited = [article("a"), article("b", digest_of_source="d2")]
    assert fingerprint({"articles": listing}) != fingerprint({"articles": edited})


def test_an_article_fingerprinted_as_a_part_ignores_what_plugins_attached():
    plain, attached = article("one"), article("one")
    attached.related_articles = [article("other")]
    assert fingerprint(plain, whole=False) == fingerprint(attached, whole=False)
    assert fingerprint(plain, whole=False) != fingerprint(article("one", digest_of_source="d2"), whole=False)


# Paginators


def paginator(items: list, per_page: int = 2, name: str = "index", url: str = "") -> Paginator:
    return Paginator(name, url, items, SETTINGS, per_page=per_page)


def test_a_paginator_is_fingerprinted_by_its_shape_not_its_items():
    five = [article(slug) for slug in "abcde"]
    other_five = [article(slug, digest_of_source="d9") for slug in "vwxyz"]
    assert fingerprint(paginator(five)) == fingerprint(paginator(other_five))
    assert fingerprint(paginator(five[:3])) != fingerprint(paginator(five[:4]))  # same pages, new count
    assert fingerprint(paginator(five)) != fingerprint(paginator(five, per_page=3))
    assert fingerprint(paginator(five)) != fingerprint(paginator(five, name="category"))
    assert fingerprint(paginator(five)) != fingerprint(paginator(five, url="category/news/"))


# What cannot be fingerprinted


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


class Slotted:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 1


@pytest.mark.parametrize(
    "value",
    [object(), Slotted(), {"deep": [object()]}, nested(30)],
    ids=["object", "slots", "nested", "too-deep"],
)
def test_an_unknown_kind_of_value_is_unfingerprintable(value):
    with pytest.raises(Unfingerprintable):
        fingerprint(value)


def test_plain_objects_are_fingerprinted_by_their_attributes():
    class Box:
        def __init__(self, value) -> None:
            self.value = value

    assert fingerprint(Box(1)) == fingerprint(Box(1))
    assert fingerprint(Box(1)) != fingerprint(Box(2))


# digest and code_token


def test_digest_length_prefixes_each_part():
    assert digest(b"ab", b"c") != digest(b"a", b"bc")
    assert digest(b"abc") != digest(b"ab", b"c")
    assert digest(b"", b"x") != digest(b"x")
    assert digest(b"a", b"b") == digest(b"a", b"b")
    assert len(digest(b"a")) == 16


def test_code_token_follows_every_file_of_the_folders(tmp_path):
    theme, plugins = tmp_path / "theme", tmp_path / "plugins"
    (theme / "templates").mkdir(parents=True)
    (plugins / "p" / "__pycache__").mkdir(parents=True)
    (theme / "templates" / "base.html").write_text("<html>")
    (plugins / "p" / "__init__.py").write_text("x = 1\n")
    first = code_token([theme, plugins])
    assert code_token([theme, plugins]) == first

    (plugins / "p" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"compiled")
    assert code_token([theme, plugins]) == first, "compiled bytecode is not code that changed"

    (theme / "templates" / "base.html").write_text("<html lang=en>")
    changed = code_token([theme, plugins])
    assert changed != first

    (theme / "templates" / "new.html").write_text("")
    added = code_token([theme, plugins])
    assert added not in (first, changed)

    (theme / "templates" / "new.html").rename(theme / "templates" / "renamed.html")
    assert code_token([theme, plugins]) not in (first, changed, added)


# A page's fingerprint over the names its template read


def page_fingerprint(context: dict, names=("articles", "title"), template="index.html", name="index.html"):
    outputs = Outputs(Fingerprinter(SITE_TOKEN), previous={}, previous_output=None)
    return outputs.fingerprint(template, name, names, context)


def test_a_page_depends_on_exactly_the_names_it_read():
    context = {"title": "Home", "articles": [article("a")], "unread": 1}
    first = page_fingerprint(context)
    assert first is not None
    assert page_fingerprint({**context, "articles": [article("a")]}) == first
    assert page_fingerprint({**context, "unread": 2}) == first
    assert page_fingerprint({**context, "new_unread_name": "x"}) == first
    assert page_fingerprint({**context, "title": "Welcome"}) != first
    assert page_fingerprint({**context, "articles": [article("a"), article("b")]}) != first
    without = {k: v for k, v in context.items() if k != "title"}
    assert page_fingerprint(without) != first, "a name that went missing is a change"


def test_a_page_fingerprint_covers_its_template_output_and_site():
    context = {"title": "Home", "articles": []}
    first = page_fingerprint(context)
    assert page_fingerprint(context, template="hub.html") != first
    assert page_fingerprint(context, name="page/2/index.html") != first
    other_site = Outputs(Fingerprinter(b"other token"), previous={}, previous_output=None)
    assert other_site.fingerprint("index.html", "index.html", ("articles", "title"), context) != first


def test_a_page_that_read_an_unfingerprintable_value_has_no_fingerprint():
    assert page_fingerprint({"title": object(), "articles": []}) is None
    assert page_fingerprint({"title": "Home", "articles": [], "odd": object()}) is not None
