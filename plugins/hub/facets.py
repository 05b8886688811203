"""The Knowledge & Resources facets: which category, topic and year pages exist, and what each lists."""

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FacetLink:
    """What a template shows of a facet: no article list, so a page that links every facet is not
    re-rendered each time an article in one of them is edited (see the incremental plugin). Without its
    count (None), it does not change when an article is added to the facet or leaves it either."""

    kind: str
    name: str
    slug: str
    url: str
    count: int | None


@dataclass(frozen=True)
class FacetMenu:
    categories: tuple[FacetLink, ...]
    topics: tuple[FacetLink, ...]
    years: tuple[FacetLink, ...]


@dataclass
class FacetValue:
    """One page of the hub narrowed to a category, a topic or a year, with the articles it lists."""

    kind: str
    name: str
    slug: str
    url: str
    save_as: str
    articles: list = field(default_factory=list)
    feeds: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.articles)

    def link(self, counted: bool = True) -> FacetLink:
        return FacetLink(self.kind, self.name, self.slug, self.url, self.count if counted else None)


@dataclass
class Facets:
    categories: list[FacetValue]
    topics: list[FacetValue]
    years: list[FacetValue]

    def all(self) -> list[FacetValue]:
        return [*self.categories, *self.topics, *self.years]

    def menu(self, counted: bool = True) -> FacetMenu:
        return FacetMenu(
            *(
                tuple(value.link(counted) for value in values)
                for values in (self.categories, self.topics, self.years)
            )
        )


def newest_first(articles) -> list:
    return sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug))


def build_facets(articles, hub_url: str) -> Facets:
    """Every category, topic and year that has at least one article: a facet never leads to nothing."""
    hub_url = hub_url.rstrip("/")
    groups: dict[tuple[str, str], FacetValue] = {}

    def add(kind: str, name: str, slug: str, article) -> None:
        key = (kind, slug)
        if key not in groups:
            url = f"{hub_url}/{slug}/" if kind == "year" else f"{hub_url}/{kind}/{slug}/"
            groups[key] = FacetValue(kind, name, slug, url, f"{url}index.html")
        groups[key].articles.append(article)

    for article in articles:
        add("category", article.category.name, article.category.slug, article)
        for topic in getattr(article, "tags", []):
            add("topic", topic.name, topic.slug, article)
        add("year", str(article.date.year), str(article.date.year), article)
    for value in groups.values():
        value.articles = newest_first(value.articles)

    def of_kind(kind: str, key) -> list[FacetValue]:
        return sorted((v for v in groups.values() if v.kind == kind), key=key)

    return Facets(
        categories=of_kind("category", lambda v: v.name.casefold()),
        topics=of_kind("topic", lambda v: v.name.casefold()),
        years=of_kind("year", lambda v: -int(v.slug)),
    )


def filter_entry(article, site_root: str) -> str:
    """One article as the in-page filters (hub, search) read it: only what a card shows, as JSON."""
    entry = {
        "title": article.title,
        "url": f"{site_root}/{article.url}",
        "date": article.date.isoformat(timespec="seconds"),
        "year": str(article.date.year),
        "category": {
            "name": article.category.name,
            "slug": article.category.slug,
            "url": f"{site_root}/{article.category.url}",
        },
        "topics": [{"name": t.name, "slug": t.slug, "url": f"{site_root}/{t.url}"} for t in article.tags],
        "teaser": article.teaser,
        "teaser_cut": bool(getattr(article, "teaser_cut", False)),
    }
    note = getattr(article, "content_note", None)
    if note:
        # Plain text, shown before the teaser as the page's own cards show it (never as HTML).
        entry["content_note"] = note
    thumbnail = (getattr(article, "card_image", None) or {}).get("thumbnail")
    if thumbnail:
        entry["image"] = thumbnail
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def filter_index(entries) -> str:
    """Every article's entry (see `filter_entry`), newest first, as one JSON array."""
    return "[" + ",".join(entries) + "]"
