"""The map from the old site's categories and tags to this site's categories and topics.

The first run writes it: every WordPress category and tag the imported posts use, with how many posts use
it and a suggestion, and no choice made. People decide (`category:` for each category, `topics:` for any
term); the import reads their choices from then on and imports nothing while a category has no target.
"""

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from front_matter.config import Vocabulary
from site_core import LineError

from .wxr import Term

NO_CATEGORY = "(no category)"
KINDS = {"category": "categories", "post_tag": "tags"}
TERM_KEYS = {"category", "topics"}
# Words WordPress sites often name a category with, and the category of this site each most likely means.
CATEGORY_HINTS = {
    "news": "News", "updates": "News", "announcements": "News", "press": "News", "events": "News",
    "uncategorized": "News", "uncategorised": "News", "general": "News", "blog": "Opinion",
    "opinion": "Opinion", "comment": "Opinion", "views": "Opinion", "editorial": "Opinion",
    "feature": "Features", "features": "Features", "stories": "Features", "story": "Features",
    "research": "Research", "reports": "Research", "report": "Research", "studies": "Research",
    "data": "Research", "guide": "Guidance", "guides": "Guidance", "guidance": "Guidance",
    "how-to": "Guidance", "resources": "Guidance", "advice": "Guidance", "tips": "Guidance",
    "interview": "Interviews", "interviews": "Interviews", "q-a": "Interviews", "qa": "Interviews",
    "podcast": "Interviews", "profiles": "Interviews",
}  # fmt: skip


# Two words share a stem when their first letters agree ("foster care" and "Fostering").
STEM = 6
WORD = re.compile(r"[a-z]+")


class MapError(LineError):
    """A problem in the map file, at its line."""


@dataclass
class TermUse:
    """A WordPress category or tag as the imported posts use it."""

    kind: str  # "category" or "post_tag"
    slug: str
    name: str
    posts: int = 0


@dataclass
class Choice:
    category: str | None = None
    topics: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class TermMap:
    """People's choices, by (kind, slug)."""

    choices: dict[tuple[str, str], Choice] = field(default_factory=dict)

    def category_for(self, slug: str) -> str | None:
        found = self.choices.get(("category", slug))
        return found.category if found else None

    def topics_for(self, kind: str, slug: str) -> list[str]:
        found = self.choices.get((kind, slug))
        return list(found.topics) if found else []


def suggestion(name: str, slug: str, vocabulary: Vocabulary) -> str | None:
    """The site's name that `name` most likely means, or None."""
    for text in (name, slug):
        found = vocabulary.canonical(text)
        if found:
            return found
    close = difflib.get_close_matches(name.casefold(), [n.casefold() for n in vocabulary.names()], 1, 0.75)
    if close:
        return next(n for n in vocabulary.names() if n.casefold() == close[0])
    for word in (slug, *slug.split("-"), name.casefold()):
        hinted = CATEGORY_HINTS.get(word)
        if hinted and vocabulary.canonical(hinted):
            return vocabulary.canonical(hinted)
    # Every long word of the candidate must be in the name: one shared word is too weak a reason
    # ("DeFi exploits" is not "Child sexual abuse and exploitation").
    stems = word_stems(name)
    for candidate in vocabulary.names():
        wanted = word_stems(candidate)
        if wanted and wanted <= stems:
            return candidate
    return None


def word_stems(text: str) -> set[str]:
    return {word[:STEM] for word in WORD.findall(text.casefold()) if len(word) >= STEM}


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def map_text(
    uses: list[TermUse], current: TermMap, categories: Vocabulary, topics: Vocabulary, export_name: str
) -> str:
    """The map file: every term the posts use, each with its count, a suggestion and the choice so far."""
    lines = [
        f"# How {export_name}'s WordPress categories and tags become this site's categories and topics.",
        "# Give every category a `category:`, one of: " + ", ".join(categories.names()) + ".",
        "# Any category or tag may also give `topics:`, from: " + ", ".join(topics.names()) + ".",
        "# A tag without topics is left out of the articles. A suggestion is only a suggestion: nothing is",
        "# imported until every category has a target. Then run the import again with --map this-file.",
    ]
    for kind, title in KINDS.items():
        chosen = [use for use in uses if use.kind == kind]
        if not chosen:
            continue
        lines += ["", f"{title}:"]
        for use in sorted(chosen, key=lambda u: (-u.posts, u.slug)):
            choice = current.choices.get((kind, use.slug), Choice())
            plural = "post" if use.posts == 1 else "posts"
            lines.append(f"  {quoted(use.slug)}:  # {quoted(use.name)}, {use.posts} {plural}")
            if kind == "category":
                hint = suggestion(use.name, use.slug, categories)
                value = quoted(choice.category) if choice.category else ""
                note = f"  # suggestion: {hint}" if hint and not choice.category else ""
                lines.append(f"    category: {value}{note}".rstrip())
            hint_topic = suggestion(use.name, use.slug, topics)
            value = "[" + ", ".join(quoted(t) for t in choice.topics) + "]"
            note = f"  # suggestion: [{hint_topic}]" if hint_topic and not choice.topics else ""
            lines.append(f"    topics: {value}{note}")
    return "\n".join(lines) + "\n"


def read_map(path: Path, categories: Vocabulary, topics: Vocabulary) -> tuple[TermMap, list[MapError]]:
    """People's choices in the map file, and every problem in it (at its line)."""
    errors: list[MapError] = []
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return TermMap(), [MapError(1, f"the map cannot be read ({error})", "check the file name")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(error, "problem", None) or "it is not valid YAML"
        return TermMap(), [
            MapError(
                line,
                f"the map is not valid YAML: {reason}",
                "compare it with the map the "
                "first run wrote; names with `:` or `#` must stay in double quotes",
            )
        ]
    result = TermMap()
    if root is None:
        return result, errors
    if not isinstance(root, MappingNode):
        return result, [
            MapError(
                1,
                "the map must be `categories:` and `tags:` sections",
                "start again from the map the first run wrote (delete this file and run the import)",
            )
        ]
    kinds = {title: kind for kind, title in KINDS.items()}
    for key_node, section in root.value:
        key = key_node.value
        if key not in kinds:
            errors.append(
                MapError(
                    key_node.start_mark.line + 1,
                    f"unknown section `{key}`",
                    "the map has only `categories:` and `tags:`",
                )
            )
            continue
        if section.tag.endswith(":null"):
            continue
        if not isinstance(section, MappingNode):
            errors.append(
                MapError(
                    section.start_mark.line + 1,
                    f"`{key}` must list terms by their slug",
                    "keep the shape the first run wrote",
                )
            )
            continue
        for slug_node, entry in section.value:
            kind = kinds[key]
            choice = read_choice(kind, slug_node, entry, categories, topics, errors)
            result.choices[(kind, str(slug_node.value))] = choice
    return result, errors


def read_choice(kind, slug_node, entry, categories: Vocabulary, topics: Vocabulary, errors) -> Choice:
    choice = Choice(line=slug_node.start_mark.line + 1)
    if entry.tag.endswith(":null"):
        return choice
    if not isinstance(entry, MappingNode):
        errors.append(
            MapError(
                choice.line,
                f"`{slug_node.value}` must have `category:` and `topics:` below it",
                "keep the shape the first run wrote",
            )
        )
        return choice
    for field_node, value in entry.value:
        name, line = field_node.value, field_node.start_mark.line + 1
        if name not in TERM_KEYS or (name == "category" and kind != "category"):
            allowed = "`category:` and `topics:`" if kind == "category" else "`topics:`"
            errors.append(MapError(line, f"unknown key `{name}` under `{slug_node.value}`", f"use {allowed}"))
        elif name == "category":
            text = (
                value.value.strip()
                if isinstance(value, ScalarNode) and not value.tag.endswith(":null")
                else ""
            )
            if text:
                choice.category = vocabulary_name(text, categories, "category", "categories", line, errors)
        else:
            items = value.value if isinstance(value, SequenceNode) else None
            if items is None and not value.tag.endswith(":null"):
                errors.append(
                    MapError(
                        line,
                        f"`topics` of `{slug_node.value}` must be a list",
                        "write it as `topics: [Fostering, Adoption]` or `topics: []`",
                    )
                )
                continue
            for item in items or []:
                text = item.value.strip() if isinstance(item, ScalarNode) else ""
                found = vocabulary_name(text, topics, "topic", "topics", item.start_mark.line + 1, errors)
                if found and found not in choice.topics:
                    choice.topics.append(found)
    return choice


def vocabulary_name(
    text: str, vocabulary: Vocabulary, what: str, plural: str, line: int, errors
) -> str | None:
    found = vocabulary.canonical(text)
    if found is None:
        close = difflib.get_close_matches(text, vocabulary.names(), 1, 0.6)
        hint = f"did you mean `{close[0]}`? " if close else ""
        errors.append(
            MapError(
                line,
                f"`{text}` is not one of this site's {plural}",
                f"{hint}use one of: {', '.join(vocabulary.names())} "
                f"(or add it to the {plural} list in pelicanconf.py)",
            )
        )
    return found


def term_uses(posts) -> list[TermUse]:
    """Every category and tag the given items use, with its count (posts without a category count as
    `(no category)`)."""
    found: dict[tuple[str, str], TermUse] = {}
    for item in posts:
        kinds_seen = set()
        for term in item.terms:
            if term.kind in KINDS:
                use = found.setdefault((term.kind, term.slug), TermUse(term.kind, term.slug, term.name))
                use.posts += 1
                kinds_seen.add(term.kind)
        if item.post_type == "post" and "category" not in kinds_seen:
            use = found.setdefault(("category", NO_CATEGORY), TermUse("category", NO_CATEGORY, NO_CATEGORY))
            use.posts += 1
    return list(found.values())


def post_categories(terms: tuple[Term, ...]) -> list[str]:
    slugs = [t.slug for t in terms if t.kind == "category"]
    return slugs or [NO_CATEGORY]
