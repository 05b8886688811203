"""structured_data: JSON-LD `NewsArticle` for article pages, safe to embed in a <script> element.

Search engines and link previews read it; nothing executes it.
"""

import json
import logging

from markupsafe import Markup
from pelican import signals

import site_core
from site_core import absolute_url, language_tag

logger = logging.getLogger(__name__)


def news_article(article, settings: dict) -> dict:
    organisation = settings.get("ORGANISATION", {}).get("name") or settings.get("SITENAME")
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.teaser,
        "url": absolute_url(settings, article.url),
        "mainEntityOfPage": absolute_url(settings, article.url),
        "datePublished": article.date.isoformat(timespec="seconds"),
        "dateModified": getattr(article, "modified", article.date).isoformat(timespec="seconds"),
        "inLanguage": language_tag(settings),
        "articleSection": article.category.name,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute_url(settings, author.url)}
            for author in article.authors
        ],
        "publisher": {"@type": "Organization", "name": organisation, "url": absolute_url(settings, "")},
        "isPartOf": {"@type": "WebSite", "name": settings.get("SITENAME"), "url": absolute_url(settings, "")},
    }
    if getattr(article, "tags", None):
        data["keywords"] = [tag.name for tag in article.tags]
    if getattr(article, "image", None):
        data["image"] = [absolute_url(settings, article.image)]
    return data


def script_safe_json(data: dict) -> Markup:
    """JSON that cannot close its <script> element or open a comment, whatever the article says."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def add_filter(generator) -> None:
    settings = generator.settings
    generator.env.filters["news_article_json_ld"] = lambda article: script_safe_json(
        news_article(article, settings)
    )


def register() -> None:
    site_core.connect()
    signals.generator_init.connect(add_filter)
