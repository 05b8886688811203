"""related: related articles and the previous/next article in the same category, for each article page.

Related articles share topics with the article (more shared topics first), then its category; newer before
older, and the slug breaks any remaining tie, so the choice never depends on file-system order.
"""

import logging

from pelican import signals
from pelican.generators import ArticlesGenerator
from safe_build import plugin_settings, report

logger = logging.getLogger(__name__)

# The RELATED setting.
DEFAULTS = {"max_related": 3}


def _newest_first(article) -> tuple:
    return (-article.date.timestamp(), article.slug)


def related_articles(article, candidates, limit: int) -> list:
    """Up to `limit` other articles sharing topics or the category, best match first."""
    topics = {tag.slug for tag in getattr(article, "tags", [])}
    scored = []
    for other in candidates:
        if other is article:
            continue
        shared = len(topics & {tag.slug for tag in getattr(other, "tags", [])})
        same_category = other.category == article.category
        if shared or same_category:
            scored.append(((-shared, -int(same_category), *_newest_first(other)), other))
    return [other for _, other in sorted(scored, key=lambda pair: pair[0])[:limit]]


def category_neighbours(articles) -> dict:
    """For each article, the (older, newer) article in its category, either of which may be None."""
    by_category: dict = {}
    for article in articles:
        by_category.setdefault(article.category, []).append(article)
    neighbours = {}
    for members in by_category.values():
        ordered = sorted(members, key=_newest_first)
        for index, article in enumerate(ordered):
            newer = ordered[index - 1] if index > 0 else None
            older = ordered[index + 1] if index + 1 < len(ordered) else None
            neighbours[id(article)] = (older, newer)
    return neighbours


def attach(generators) -> None:
    for generator in generators:
        if not isinstance(generator, ArticlesGenerator):
            continue
        config, problems = plugin_settings(generator.settings, "RELATED", DEFAULTS)
        for problem in problems:
            report(problem)
        neighbours = category_neighbours(generator.articles)
        for article in generator.articles:
            article.related = related_articles(article, generator.articles, config["max_related"])
            article.older_in_category, article.newer_in_category = neighbours[id(article)]


def register() -> None:
    signals.all_generators_finalized.connect(attach)
