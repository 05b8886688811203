"""The fast related-articles index agrees with the plain definition on random sites."""

import random
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from related import RelatedIndex, category_neighbours

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
