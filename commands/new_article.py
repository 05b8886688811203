"""`invoke new`: write an article skeleton that already passes every front-matter rule.

The rules are the front_matter plugin's own (its schema, reader context and topic spellings), so a
skeleton this writes is checked exactly as a build would check it.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit
from pelican.settings import read_settings

from commands.dev_server import DRAFT_PREVIEW
from commands.project import ROOT
from front_matter.config import load_config
from front_matter.reader import validation_context
from front_matter.schema import ARTICLE_FIELDS, default_slug, slugify, validate
from front_matter.source import parse


class SkeletonError(ValueError):
    """The title, category or topics given to `invoke new` break a rule; the message says which."""


def skeleton_text(title: str, category: str, topics: list[str], author: str, when: datetime) -> str:
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {when:%Y-%m-%dT%H:%M}",
        f"category: {json.dumps(category, ensure_ascii=False)}",
    ]
    if topics:
        lines.append(f"topics: [{', '.join(json.dumps(t, ensure_ascii=False) for t in topics)}]")
    if author:
        lines.append(f"authors: [{json.dumps(author, ensure_ascii=False)}]")
    lines.append("status: draft")
    # `author` is only the one-name spelling of `authors`, so it is not offered as well.
    written = {"title", "date", "category", "status", "author"}
    written |= {"topics"} if topics else set()
    written |= {"authors"} if author else set()
    # An example date that keeps the rule beside it: an update comes after the article's own date.
    examples = {"modified": f"{when + timedelta(days=1):%Y-%m-%d}"}
    lines += [
        f"# {field.name}: {examples.get(field.name, field.example)}  ({field.description})"
        for field in ARTICLE_FIELDS
        if field.name not in written
    ]
    lines += [
        "---",
        "",
        "Write the article here in Markdown. Remove `status: draft` when it is ready to publish.",
        "",
    ]
    return "\n".join(lines)


def write_skeleton(
    root: Path, title: str, category: str, topics: str, author: str, when: datetime | None = None
) -> Path:
    """The skeleton, dated `when` (default: now in the site's TIMEZONE), written into the article folder."""
    settings = read_settings(str(root / "pelicanconf.py"), override={"PATH": str(root / "content")})
    when = when or datetime.now(ZoneInfo(settings["TIMEZONE"]))
    config, config_problems = load_config(settings)
    topic_list = [t.strip() for t in topics.split(",") if t.strip()]
    slug = slugify(title)
    if not slug:
        raise SkeletonError(f"the title {title!r} has no letters or digits to make a file name from")
    folder = Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0]
    path = folder / f"{when:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise SkeletonError(f"{path} already exists; choose another title or edit that file")
    text = skeleton_text(title, category, [config.topics.canonical(t) or t for t in topic_list], author, when)
    document = validate(parse(text), path, "article", validation_context(settings, config))
    problems = config_problems + document.problems
    if problems:
        raise SkeletonError("\n".join(f"{p.message} — {p.fix}" for p in problems))
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(title: str, category: str, topics: str, author: str) -> None:
    """`invoke new`: write the skeleton dated now (the site's time) and print its path."""
    try:
        path = write_skeleton(ROOT, title, category, topics, author)
    except SkeletonError as error:
        raise Exit(str(error), code=1) from None
    print(path.relative_to(ROOT))
    slug = default_slug(path)
    print(
        f"Preview it at http://localhost:8000/{DRAFT_PREVIEW['DRAFT_URL'].format(slug=slug)} while "
        "`python3 dev.py serve` runs (drafts are never published)."
    )
