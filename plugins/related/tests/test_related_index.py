"""The fast related-articles index agrees with the plain definition on random sites."""

import random
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from related import RelatedIndex, category_neighbours, choose_again

START = datetime(2024, 1, 1, tzinfo=ZoneInfo("Europe/London"))


def random_site(seed: int, size: int) -> list:
    chooser = random.Random(seed)
    return [
        SimpleNamespace(
            slug=f"article-{number}",
            # few distinct dates, so ties on date are common and the slug must break them
            date=START + timedelta(days=chooser.randrange(10)),
            category=SimpleNamespace(slug=chooser.choice("abc")),
            tags=[SimpleNamespace(slug=t) for t in chooser.sample("tuvwxyz", k=chooser.randrange(4))],
        )
        for number in range(size)
    ]


def by_definition(article, articles, limit):
    topics = {t.slug for t in article.tags}

    def key(other):
        shared = len(topics & {t.slug for t in other.tags})
        return (-shared, other.category.slug != article.category.slug, -other.date.timestamp(), other.slug)

    candidates = [
        o
        for o in articles
        if o is not article
        and (topics & {t.slug for t in o.tags} or o.category.slug == article.category.slug)
    ]
    return sorted(candidates, key=key)[:limit]


@pytest.mark.parametrize("seed", range(5))
def test_index_matches_the_definition(seed):
    articles = random_site(seed, 120)
    index = RelatedIndex(articles)
    for article in articles:
        assert [a.slug for a in index.related(article, 3)] == [
            a.slug for a in by_definition(article, articles, 3)
        ]


def test_neighbours_stay_in_the_category_in_date_order():
    articles = random_site(9, 40)
    neighbours = category_neighbours(articles)
    for article in articles:
        older, newer = neighbours[id(article)]
        for other in (older, newer):
            assert other is None or other.category.slug == article.category.slug
        if older:
            assert (older.date, older.slug) != (article.date, article.slug)


def chosen(articles) -> dict:
    return {
        article.slug: (
            [other.slug for other in article.related],
            getattr(article.older_in_category, "slug", None),
            getattr(article.newer_in_category, "slug", None),
        )
        for article in articles
    }


def choose_all(articles, limit: int) -> None:
    index = RelatedIndex(articles)
    neighbours = category_neighbours(articles)
    for article in articles:
        article.related = index.related(article, limit)
        article.older_in_category, article.newer_in_category = neighbours[id(article)]


def random_topics(chooser) -> list:
    return [SimpleNamespace(slug=t) for t in chooser.sample("tuvwxyz", k=chooser.randrange(4))]


@pytest.mark.parametrize("seed", range(30))
def test_choosing_again_after_a_move_gives_what_choosing_all_gives(seed):
    """Articles recategorised, given other topics or dates, added, removed (deleted or made drafts), a few
    at once: every article ends with the choice a fresh one would give it, though only some are chosen
    again."""
    chooser = random.Random(seed)
    articles = random_site(seed, 80)
    choose_all(articles, 3)
    moved = []
    for number in range(chooser.randrange(1, 4)):
        kind = chooser.choice(["category", "topics", "date", "new", "gone"])
        if kind == "new":
            [article] = random_site(1000 + seed * 10 + number, 1)
            article.slug = f"new-{number}"
            articles.append(article)
        else:
            article = chooser.choice(articles)
            if kind == "gone":
                articles.remove(article)
            elif kind == "category":
                article.category = SimpleNamespace(slug=chooser.choice("abcd"))
            elif kind == "topics":
                article.tags = random_topics(chooser)
            else:
                article.date = START + timedelta(days=chooser.randrange(12))
        if kind != "gone" or chooser.random() < 0.5:  # a deleted article is not among the moved; a draft is
            moved.append(article)
    choose_again(articles, moved, 3)
    incremental = chosen(articles)
    choose_all(articles, 3)
    fresh = chosen(articles)
    differing = [
        (slug, incremental[slug], choice) for slug, choice in fresh.items() if incremental[slug] != choice
    ]
    assert differing == []


def test_choosing_again_leaves_articles_a_move_cannot_change():
    articles = random_site(3, 200)
    for article in articles:
        article.category = SimpleNamespace(slug="a" if article.slug.endswith(("0", "1")) else "b")
        article.tags = [] if article.category.slug == "a" else article.tags
    choose_all(articles, 3)
    moved = next(a for a in articles if a.category.slug == "a")
    moved.date = START + timedelta(days=20)
    affected = choose_again(articles, [moved], 3)
    assert {a.category.slug for a in affected} == {"a"}
    assert len(affected) == sum(1 for a in articles if a.category.slug == "a")
