"""related: related articles and the previous/next article in the same category, for each article page.

Related articles share topics with the article (more shared topics first), then its category; newer before
older, and the slug breaks any remaining tie, so the choice never depends on file-system order.
"""

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from itertools import chain, islice

from pelican import signals
from pelican.generators import ArticlesGenerator

import site_core
from site_core import current_build

logger = logging.getLogger(__name__)

STATE = "related"


@dataclass(frozen=True)
class RelatedOptions:
    """The RELATED setting."""

    max_related: int = 3


def _newest_first(article) -> tuple:
    return (-article.date.timestamp(), article.slug)


class RelatedIndex:
    """Articles by topic and by category, each list in newest-first order, for fast related lookups.

    Comparing every article with every other is quadratic (minutes at 5,000 articles); counting shared
    topics over the articles of the same topics only is not.
    """

    def __init__(self, articles) -> None:
        self.ordered = sorted(articles, key=_newest_first)
        self.rank = {id(article): rank for rank, article in enumerate(self.ordered)}
        self.category_of = [article.category.slug for article in self.ordered]
        self.by_topic: dict[str, list[int]] = {}
        self.by_category: dict[str, list[int]] = {}
        for rank, article in enumerate(self.ordered):
            for tag in getattr(article, "tags", []):
                self.by_topic.setdefault(tag.slug, []).append(rank)
            self.by_category.setdefault(article.category.slug, []).append(rank)
        self.topic_sets = {slug: set(ranks) for slug, ranks in self.by_topic.items()}

    def related(self, article, limit: int) -> list:
        """Most shared topics first, then same category, then newest (then slug): the best `limit`.

        Taken level by level of shared topics, most first, each level's ranks in order: the few it takes
        are found without ordering every article that shares a topic by a composite key (a Python call
        for each, millions at 5,000 articles).
        """
        own = self.rank[id(article)]
        category = article.category.slug
        topics = [tag.slug for tag in getattr(article, "tags", [])]
        if topics:
            # Usually enough articles share every topic: then the best are among them alone.
            sharing_all = set.intersection(*(self.topic_sets[slug] for slug in topics))
            sharing_all.discard(own)
            if len(sharing_all) >= limit:
                return self._articles(self._category_first(sorted(sharing_all), category, limit))
        shared = Counter(chain.from_iterable(self.by_topic[slug] for slug in topics))
        shared.pop(own, None)
        chosen: list[int] = []
        for level in sorted(set(shared.values()), reverse=True):
            if len(chosen) >= limit:
                break
            at_level = sorted(rank for rank, count in shared.items() if count == level)
            chosen += self._category_first(at_level, category, limit - len(chosen))
        for rank in self.by_category[category]:
            if len(chosen) >= limit:
                break
            if rank != own and rank not in shared:
                chosen.append(rank)
        return self._articles(chosen)

    def _category_first(self, ranks: list[int], category: str, limit: int) -> list[int]:
        """The first `limit` of `ranks` (in order), those in `category` before the rest."""
        chosen: list[int] = []
        for in_category in (True, False):
            chosen += islice(
                (rank for rank in ranks if (self.category_of[rank] == category) is in_category),
                limit - len(chosen),
            )
        return chosen

    def _articles(self, ranks: list[int]) -> list:
        return [self.ordered[rank] for rank in ranks]


def category_neighbours(articles) -> dict:
    """For each article, the (older, newer) article in its category, either of which may be None."""
    by_category: dict = {}
    for article in articles:
        by_category.setdefault(article.category.slug, []).append(article)
    neighbours = {}
    for members in by_category.values():
        ordered = sorted(members, key=_newest_first)
        for index, article in enumerate(ordered):
            newer = ordered[index - 1] if index > 0 else None
            older = ordered[index + 1] if index + 1 < len(ordered) else None
            neighbours[id(article)] = (older, newer)
    return neighbours


def choose(articles, limit: int) -> dict[str, tuple[list[str], str | None, str | None]]:
    """For each article (by source path): its related articles, and its older and newer in its category."""
    neighbours = category_neighbours(articles)
    index = RelatedIndex(articles)

    def path_of(article) -> str | None:
        return article.source_path if article is not None else None

    return {
        article.source_path: (
            [related.source_path for related in index.related(article, limit)],
            *(path_of(other) for other in neighbours[id(article)]),
        )
        for article in articles
    }


def shape(articles, limit: int) -> bytes:
    """Everything the choice depends on; an edit to an article's text leaves it unchanged."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(str(limit).encode())
    for article in sorted(articles, key=lambda a: a.source_path):
        tags = ",".join(tag.slug for tag in getattr(article, "tags", []))
        fields = (article.source_path, article.slug, article.date.isoformat(), article.category.slug, tags)
        hasher.update("\0".join(fields).encode("utf-8", "surrogatepass") + b"\1")
    return hasher.digest()


def attach(generators) -> None:
    for generator in generators:
        if not isinstance(generator, ArticlesGenerator):
            continue
        build = current_build(generator.settings)
        limit = build.options("RELATED", RelatedOptions).max_related
        # The choice depends only on dates, categories and topics: the last good build's choice is
        # reused while they are unchanged.
        digest = shape(generator.articles, limit)
        kept = build.stored(STATE)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == digest:
            choices = kept[1]
        else:
            choices = choose(generator.articles, limit)
        build.store(STATE, (digest, choices))
        by_path = {article.source_path: article for article in generator.articles}
        for article in generator.articles:
            related, older, newer = choices[article.source_path]
            article.related = [by_path[path] for path in related]
            article.older_in_category = by_path.get(older) if older else None
            article.newer_in_category = by_path.get(newer) if newer else None


def choose_again(articles: list, moved: list, limit: int) -> list:
    """After a move, the related articles and neighbours chosen again for the `articles` (those listed now)
    whose choice the move can change, as `attach` would choose them; returns those articles. They are the
    ones that share a topic or the category with an article of `moved` (as it is now: it may be chosen,
    or become a neighbour), and the ones whose related articles or neighbours hold a moved article or one
    no longer listed (it may have to go). For any other article, the articles that share its topics or
    category are what they were, so its choice is too."""
    listed = {id(article) for article in articles}
    moved_ids = {id(article) for article in moved}
    topics = {tag.slug for article in moved for tag in getattr(article, "tags", None) or ()}
    categories = {article.category.slug for article in moved if getattr(article, "category", None)}

    def shows_a_moved_one(article) -> bool:
        shown = {id(other) for other in getattr(article, "related", ())}
        shown |= {id(getattr(article, side, None)) for side in ("older_in_category", "newer_in_category")}
        shown.discard(id(None))
        return bool(shown & moved_ids or shown - listed)

    affected = [
        article
        for article in articles
        if id(article) in moved_ids
        or article.category.slug in categories
        or any(tag.slug in topics for tag in getattr(article, "tags", None) or ())
        or shows_a_moved_one(article)
    ]
    index = RelatedIndex(articles)
    neighbours = category_neighbours(articles)
    for article in affected:
        article.related = index.related(article, limit)
        article.older_in_category, article.newer_in_category = neighbours[id(article)]
    return affected


def attach_moved(generators, contents) -> None:
    """site_core's `contents_moved`: chosen again for the articles the move can change (`choose_again`)."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            limit = current_build(generator.settings).options("RELATED", RelatedOptions).max_related
            choose_again(generator.articles, contents, limit)


def register() -> None:
    site_core.connect()
    signals.all_generators_finalized.connect(attach)
    site_core.contents_moved.connect(attach_moved)
