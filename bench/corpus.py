"""A deterministic corpus of ~560-word articles, using the site's own categories and topics."""

import random

from bench import ROOT

WORDS = [
    "children",
    "social",
    "care",
    "foster",
    "carers",
    "family",
    "court",
    "practitioners",
    "safeguarding",
    "assessment",
    "support",
    "local",
    "authority",
    "placement",
    "report",
    "survey",
    "training",
    "supervision",
    "guidance",
    "evidence",
    "research",
    "young",
    "people",
    "school",
    "health",
    "services",
    "policy",
    "councils",
    "referrals",
    "workforce",
    "confidence",
    "specialist",
    "review",
    "outcomes",
    "adoption",
    "kinship",
    "education",
    "tribunal",
    "housing",
    "leaving",
    "care",
    "mental",
    "wellbeing",
    "partnership",
    "multi",
    "agency",
]


def corpus(count: int) -> list[dict]:
    """`count` articles, the same on every run: slug, title, date, category, two topics and the body (and a
    content note, for an article on a sensitive topic)."""
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    categories = list(settings["FRONT_MATTER"]["categories"])
    topics = list(settings["FRONT_MATTER"]["topics"])
    # An article on one of these must carry a content note, as the site's own would.
    sensitive = settings["FRONT_MATTER"].get("sensitive_topics", [])
    chooser = random.Random(2026)
    articles = []
    for number in range(count):
        paragraphs = [" ".join(chooser.choice(WORDS) for _ in range(80)).capitalize() + "." for _ in range(7)]
        article = {
            "slug": f"bench-article-{number:05d}",
            "title": f"Benchmark article {number} on {chooser.choice(WORDS)}",
            "date": f"{2018 + number % 8}-{1 + number % 12:02d}-{1 + number % 28:02d}T09:00",
            "category": categories[number % len(categories)],
            "topics": chooser.sample(topics, k=2),
            "body": "\n\n".join(paragraphs),
        }
        noted = [topic for topic in article["topics"] if topic in sensitive]
        if noted:
            article["content_note"] = f"This article discusses {noted[0].lower()}."
        articles.append(article)
    return articles
