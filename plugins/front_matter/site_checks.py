"""Checks across files: unique slugs and URLs, and nothing written outside the output folder."""

import fnmatch
import os
from pathlib import Path, PurePosixPath

from pelican.contents import Article
from pelican.generators import ArticlesGenerator, PagesGenerator

from site_core import Problem, alias_save_as, display_path, search_folder

# Folders the site fills with its own files (and the search index's): a page there would mix with them.
RESERVED_FOLDERS = {
    "articles",
    "author",
    "category",
    "drafts",
    "extra",
    "feeds",
    "images",
    "page",
    "theme",
    "topic",
}


def _line(content, key: str) -> int:
    return getattr(content, "front_matter_lines", {}).get(key, 1)


def _contents(generators) -> tuple[list, list]:
    """(every article including drafts and scheduled ones, every published page and output path)."""
    articles, published = [], []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            articles += generator.articles + generator.drafts + generator.hidden_articles
            published += generator.articles
        elif isinstance(generator, PagesGenerator):
            published += generator.pages + generator.hidden_pages
    return sorted(articles, key=lambda a: a.source_path), sorted(published, key=lambda c: c.source_path)


def reserved_outputs(generators, settings: dict) -> dict[str, str]:
    """Output paths the site itself writes, with what writes them, so no article or page takes one."""
    reserved = {}
    for template in settings.get("DIRECT_TEMPLATES", []):
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        if save_as:
            reserved[save_as] = f"the {template} page"
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            for kind, items in (
                ("category", generator.categories),
                ("topic", generator.tags),
                ("author", generator.authors),
            ):
                for wrapper in dict(items):
                    reserved[wrapper.save_as] = f"the {kind} page for {wrapper.name}"
    for key, value in settings.items():
        if key.endswith(("FEED_ATOM", "FEED_RSS")) and isinstance(value, str) and "{" not in value:
            reserved[value] = f"the feed {value}"
    return reserved


def escapes_output(save_as: str) -> bool:
    path = PurePosixPath(save_as.replace(os.sep, "/"))
    return path.is_absolute() or ".." in path.parts


def save_path_problem(content) -> Problem | None:
    """Checked as each article or page is made, before Pelican would quietly skip it."""
    save_as = getattr(content, "save_as", "")
    if save_as and escapes_output(save_as):
        return Problem(
            content.source_path,
            _line(content, "slug"),
            f"it would be written to `{save_as}`, outside the output folder",
            "check the *_SAVE_AS settings in pelicanconf.py; they must stay inside the output",
        )
    return None


def unread_files(generators, settings: dict) -> list[Path]:
    """Files in the article and page folders that no reader took: an author's work that would vanish."""
    content_root = Path(settings["PATH"])
    # Pelican records every source file it tried, read or failed, relative to the content folder.
    tried = generators[0].context.get("generated_content", {}) if generators else {}
    read = {Path(path).as_posix() for path in tried}
    ignored = settings.get("IGNORE_FILES", [])
    unread = []
    for folder in (*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", [])):
        for path in sorted((content_root / folder).rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(content_root).parts)
            skipped = hidden or any(fnmatch.fnmatch(path.name, pattern) for pattern in ignored)
            if path.relative_to(content_root).as_posix() not in read and not skipped and path.is_file():
                unread.append(path)
    return unread


def outside_links(content_root: Path) -> list[tuple[Path, Path]]:
    """Symbolic links in the content folder that lead out of it, with where they lead."""
    root = content_root.resolve()
    found = []
    for folder, subfolders, names in os.walk(content_root):
        for name in sorted([*subfolders, *names]):
            path = Path(folder) / name
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                found.append((path, path.resolve()))
    return sorted(found)


def site_problems(generators, settings: dict) -> list[Problem]:
    problems = [
        Problem(
            str(path),
            1,
            f"this is a link to {target}, outside the content folder",
            "copy the file into content/ instead of linking to it; the build reads nothing from outside",
        )
        for path, target in outside_links(Path(settings["PATH"]))
    ]
    problems += [
        Problem(
            str(path),
            1,
            "this file is not read: articles and pages must be Markdown files ending in .md",
            "rename it to end in .md, or move pictures to content/images/",
        )
        for path in unread_files(generators, settings)
    ]
    articles, published = _contents(generators)
    clashes = slug_problems(articles)
    problems += clashes
    clashing = {problem.path for problem in clashes}
    outputs = {os.path.normpath(path): what for path, what in reserved_outputs(generators, settings).items()}
    for content in published:
        if content.source_path in clashing:
            continue
        save_as = content.save_as
        top_folder = PurePosixPath(save_as).parts[0] if save_as else ""
        if not isinstance(content, Article) and top_folder in {*RESERVED_FOLDERS, search_folder(settings)}:
            problems.append(
                Problem(
                    content.source_path,
                    _line(content, "slug"),
                    f"its URL /{content.url} is inside /{top_folder}/, which the site uses for its own files",
                    "choose another `slug:` for this page",
                )
            )
            continue
        other = _claim(outputs, save_as, content.source_path)
        if other:
            problems.append(
                Problem(
                    content.source_path,
                    _line(content, "slug"),
                    f"its URL /{content.url} is already taken by {other}",
                    "choose another `slug:` for this file",
                )
            )
    for content in published:
        for alias in getattr(content, "aliases", None) or []:
            owner = f"the alias `{alias}` of {display_path(content.source_path)}"
            other = _claim(outputs, alias_save_as(alias), owner)
            if other:
                problems.append(
                    Problem(
                        content.source_path,
                        _line(content, "aliases"),
                        f"the alias `{alias}` would replace {other}",
                        "remove the alias, or correct it to the old address the article really had",
                    )
                )
    return problems


def slug_problems(articles, among: set[str] | None = None) -> list[Problem]:
    """An article whose slug another article (earlier in `articles`) already has; only those whose file
    is in `among`, when given."""
    slugs: dict[str, str] = {}
    problems = []
    for article in articles:
        other = slugs.setdefault(article.slug, article.source_path)
        if other != article.source_path and (among is None or article.source_path in among):
            problems.append(
                Problem(
                    article.source_path,
                    _line(article, "slug"),
                    f"the slug `{article.slug}` is already used by {display_path(other)}",
                    "give one of them a different `slug:` (or rename the file)",
                )
            )
    return problems


def moved_problems(generators, contents) -> list[Problem]:
    """After a save that moved `contents` (the dev server, without a build): a slug they share with
    another article. (Their addresses are not new: a save that changes one is a build.)"""
    articles, _published = _contents(generators)
    return slug_problems(articles, {content.source_path for content in contents})


def _claim(outputs: dict[str, str], save_as: str, owner: str) -> str | None:
    """Record that `owner` writes `save_as`; if something already does, what (for a message)."""
    other = outputs.setdefault(os.path.normpath(save_as), owner)
    if other == owner:
        return None
    return display_path(other) if Path(other).is_absolute() else other
