"""The benchmark corpus written as three sites: ours, vanilla Pelican's and Hugo's."""

import json
import shutil
from pathlib import Path

from bench import ROOT


def write_articles(folder: Path, articles: list[dict], header) -> None:
    """Each article as `folder/{slug}.md`: `header(article)` in the generator's own format, then the body."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in articles:
        (folder / f"{article['slug']}.md").write_text(
            f"{header(article)}{article['body']}\n", encoding="utf-8"
        )


def fresh_folder(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def write_ours(folder: Path, articles: list[dict]) -> None:
    fresh_folder(folder)
    # With the commands and tasks, so `invoke serve` runs there too (the edit loop).
    for name in ("theme", "plugins", "content", "commands"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy2(ROOT / name, folder / name)
    write_articles(folder / "content" / "articles", articles, our_header)


def our_header(article: dict) -> str:
    """An article's front matter in our format."""
    note = f'content_note: "{article["content_note"]}"\n' if article.get("content_note") else ""
    return (
        f'---\ntitle: "{article["title"]}"\ndate: {article["date"]}\ncategory: {article["category"]}\n'
        f"topics: [{', '.join(article['topics'])}]\n{note}---\n"
    )


def write_vanilla(folder: Path, articles: list[dict]) -> None:
    """The same articles in Pelican's own Markdown metadata format, for Pelican with its default theme."""
    fresh_folder(folder)
    (folder / "pelicanconf.py").write_text(
        'SITENAME = "Bench"\nPATH = "content"\nTIMEZONE = "Europe/London"\n'
    )
    write_articles(
        folder / "content",
        articles,
        lambda a: (
            f"Title: {a['title']}\nDate: {a['date'].replace('T', ' ')}\n"
            f"Category: {a['category']}\nTags: {', '.join(a['topics'])}\n\n"
        ),
    )


def write_hugo(folder: Path, articles: list[dict]) -> None:
    """The same articles for Hugo, with minimal list and single templates."""
    fresh_folder(folder)
    (folder / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "Bench"\n'
        '[taxonomies]\ncategory = "categories"\ntag = "tags"\n'
    )
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>{{ .Title }}</title></head>'
        '<body>{{ block "main" . }}{{ end }}</body></html>'
    )
    (layouts / "single.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}')
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
        '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p>{{ end }}{{ end }}'
    )
    write_articles(folder / "content" / "articles", articles, hugo_header)


def hugo_header(article: dict) -> str:
    """An article's front matter for Hugo."""
    return (
        f'---\ntitle: "{article["title"]}"\ndate: {article["date"]}:00Z\n'
        f'categories: ["{article["category"]}"]\ntags: {json.dumps(article["topics"])}\n---\n'
    )
