"""The FRONT_MATTER setting: the site's vocabulary (categories, topics) and the content model's knobs."""

import difflib
import json
import re
from dataclasses import dataclass

from site_core import Problem, config_problem, merge_options

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

DEFAULTS = {
    # name shown to readers -> slug used in URLs (/category/{slug}/); the site sets its own
    "categories": {},
    # name shown to readers -> slug used in URLs (/topic/{slug}/); authors may write either
    "topics": {},
    # byline when an article names no author
    "default_author": "Children First",
    # length of the automatic teaser when an article has no summary
    "teaser_words": 50,
    # words read per minute, for the reading time shown on articles
    "reading_words_per_minute": 200,
    # hosts whose https iframes (video players, say) may stay in article HTML; none by default, so no
    # page loads anything from another site
    "iframe_hosts": [],
    # topics (names or slugs from `topics`) whose articles must carry a `content_note` once published
    "sensitive_topics": [],
}


@dataclass(frozen=True)
class Vocabulary:
    """Names and slugs of one controlled list, looked up by either, case-insensitively."""

    slugs: dict[str, str]

    def canonical(self, written: str) -> str | None:
        wanted = written.strip().casefold()
        for name, slug in self.slugs.items():
            if wanted in (name.casefold(), slug):
                return name
        return None

    def names(self) -> list[str]:
        return list(self.slugs)


@dataclass(frozen=True)
class ContentConfig:
    categories: Vocabulary
    topics: Vocabulary
    default_author: str
    teaser_words: int
    timezone: str
    reading_words_per_minute: int
    iframe_hosts: tuple[str, ...] = ()
    # Canonical topic names: an article with one of them needs a content note unless it is a draft.
    sensitive_topics: tuple[str, ...] = ()


def load_config(settings: dict) -> tuple[ContentConfig, list[Problem]]:
    merged, problems = merge_options(settings, "FRONT_MATTER", DEFAULTS)
    for key in ("categories", "topics"):
        if not isinstance(merged[key], dict):
            problems.append(
                config_problem(
                    settings,
                    "FRONT_MATTER",
                    key,
                    f"the {key} list must give each name its slug",
                    f'write it as "{key}": {{"Name": "name-slug", ...}}',
                )
            )
            merged[key] = DEFAULTS[key]
    problems += _vocabulary_problems(settings, merged)
    topics = Vocabulary(dict(merged["topics"]))
    sensitive, sensitive_problems = _sensitive_topics(settings, merged["sensitive_topics"], topics)
    problems += sensitive_problems
    config = ContentConfig(
        categories=Vocabulary(dict(merged["categories"])),
        topics=topics,
        default_author=merged["default_author"],
        teaser_words=merged["teaser_words"],
        # Dates written without a zone are in the site's zone, Pelican's TIMEZONE.
        timezone=settings.get("TIMEZONE") or "UTC",
        reading_words_per_minute=merged["reading_words_per_minute"],
        iframe_hosts=tuple(merged["iframe_hosts"]),
        sensitive_topics=sensitive,
    )
    return config, problems


def _sensitive_topics(settings: dict, given, topics: Vocabulary) -> tuple[tuple[str, ...], list[Problem]]:
    """The `sensitive_topics` setting as canonical topic names; each entry that is not a topic is a problem
    at its line (found by the entry as written, in double quotes)."""
    if not isinstance(given, list | tuple) or not all(isinstance(entry, str) for entry in given):
        return (), [
            config_problem(
                settings,
                "FRONT_MATTER",
                "sensitive_topics",
                f"FRONT_MATTER `sensitive_topics` must be a list of topics, not {given!r}",
                'write it as "sensitive_topics": ["Domestic abuse", ...], with names from `topics`',
            )
        ]
    names: list[str] = []
    problems = []
    for entry in given:
        name = topics.canonical(entry)
        if name is None:
            close = difflib.get_close_matches(entry, topics.names(), n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`? " if close else ""
            problems.append(
                config_problem(
                    settings,
                    "FRONT_MATTER",
                    json.dumps(entry, ensure_ascii=False),
                    f"FRONT_MATTER `sensitive_topics` names `{entry}`, which is not one of the site's topics",
                    f"{hint}use a name from `topics` ({', '.join(topics.names())}), or add it to `topics` "
                    "with its slug first",
                )
            )
        elif name not in names:
            names.append(name)
    return tuple(names), problems


def _vocabulary_problems(settings: dict, merged: dict) -> list[Problem]:
    problems = []
    for key in ("categories", "topics"):
        seen: dict[str, str] = {}
        for name, slug in merged[key].items():
            if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
                problems.append(
                    config_problem(
                        settings,
                        "FRONT_MATTER",
                        str(name),
                        f"the {key} list gives `{name}` the slug `{slug}`",
                        "use lower-case letters, digits and single hyphens",
                    )
                )
            elif slug in seen:
                problems.append(
                    config_problem(
                        settings,
                        "FRONT_MATTER",
                        str(name),
                        f"the {key} list gives `{name}` and `{seen[slug]}` the same slug, `{slug}`",
                        "give each its own slug",
                    )
                )
            seen.setdefault(slug, name)
    return problems
