"""Each article's and page's URL is worked out once per build, once its status is final; and which
are published."""

import copy
from datetime import UTC, datetime, timedelta

import pytest
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.settings import DEFAULT_CONFIG

from site_core import all_contents, fix_addresses, published_contents

SETTINGS = {
    **copy.deepcopy(DEFAULT_CONFIG),
    "ARTICLE_URL": "articles/{slug}/",
    "ARTICLE_SAVE_AS": "articles/{slug}/index.html",
    "DRAFT_URL": "drafts/{slug}/",
    "DRAFT_SAVE_AS": "drafts/{slug}/index.html",
    "PAGE_URL": "{slug}/",
    "PAGE_SAVE_AS": "{slug}/index.html",
    "WITH_FUTURE_DATES": False,
}


def article(slug: str, date: datetime) -> Article:
    return Article(
        "<p>Text.</p>",
        metadata={"title": slug.title(), "slug": slug, "date": date},
        settings=SETTINGS,
        source_path=f"/site/content/articles/{slug}.md",
    )


@pytest.fixture
def generators():
    """A finished build's generators, holding a published article, a future-dated one and a page."""
    articles = ArticlesGenerator.__new__(ArticlesGenerator)
    articles.articles = [article("today", datetime(2026, 3, 5, 9, 30, tzinfo=UTC))]
    articles.drafts = [article("tomorrow", datetime.now(UTC) + timedelta(days=1))]
    articles.translations = articles.drafts_translations = []
    articles.hidden_articles = articles.hidden_translations = []
    pages = PagesGenerator.__new__(PagesGenerator)
    pages.pages = [
        Page("<p>About.</p>", metadata={"title": "About", "slug": "about"}, settings=SETTINGS,
             source_path="/site/content/pages/about.md")
    ]  # fmt: skip
    pages.translations = pages.hidden_pages = pages.hidden_translations = []
    pages.draft_pages = pages.draft_translations = []
    return [articles, pages]


def test_every_article_and_page_keeps_the_address_its_settings_give(generators):
    fix_addresses(generators)
    published, future, page = (content for generator in generators for content in all_contents(generator))
    assert (published.url, published.save_as) == ("articles/today/", "articles/today/index.html")
    assert vars(published)["override_url"] == "articles/today/"
    assert (page.url, page.save_as) == ("about/", "about/index.html")
    assert vars(page)["override_url"] == "about/"
    # A fixed file name would let a clashing page replace another without a word.
    assert not any(hasattr(content, "override_save_as") for content in (published, future, page))
    # Pelican made the future-dated article a draft after it was made: it keeps a draft's address.
    assert future.status == "draft"
    assert (future.url, future.save_as) == ("drafts/tomorrow/", "drafts/tomorrow/index.html")


def test_the_contents_a_build_publishes_leave_out_drafts_and_scheduled_articles(generators):
    # As the site's settings have it: DRAFT_SAVE_AS = "" (Pelican writes no draft).
    generators[0].drafts[0].override_save_as = ""
    published = [content.slug for generator in generators for content in published_contents(generator)]
    assert published == ["today", "about"]


def test_drafts_are_published_only_where_the_build_writes_them(generators):
    """The dev server's preview writes drafts and scheduled articles (DRAFT_SAVE_AS set): their images
    must be there too."""
    published = [content.slug for generator in generators for content in published_contents(generator)]
    assert published == ["today", "tomorrow", "about"]
