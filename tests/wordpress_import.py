"""Running the WordPress import in tests: on a copy of the project, as an author would type it."""

import re
from pathlib import Path

from conftest import run_invoke, run_pelican
from wxr_builder import Author, Export, Term

SITE = "https://old.example.org"
MARKER = re.compile(r"^# Imported from WordPress \(")


def import_arguments(export: Path, *arguments: str) -> list[str]:
    """The invoke command line of an import, as an author types it."""
    return ["import-wordpress", str(export), *arguments]


def import_wordpress(project: Path, export: Path, *arguments: str):
    """`invoke import-wordpress EXPORT ARGUMENTS` in `project`."""
    return run_invoke(project, *import_arguments(export, *arguments))


def imported_files(project: Path) -> dict[str, str]:
    """Every file under content/ the import wrote, by its path from the project, with its text."""
    found = {}
    for path in sorted((project / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n", 2)
        if len(lines) > 1 and MARKER.match(lines[1]):
            found[path.relative_to(project).as_posix()] = text
    return found


def front_matter_and_body(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def export_of(*items, authors=None, terms=None, site: str = SITE) -> Export:
    authors = authors if authors is not None else [Author("admin", "Priya Shah", "priya@old.example.org")]
    return Export(site, title="Old Children's News", items=list(items), authors=authors, terms=terms)


def build(project: Path, output: Path):
    """The imported site built with the plain Pelican command; the result and its output."""
    result = run_pelican(project, "pelicanconf.py", output)
    return result


def build_warnings(result) -> list[str]:
    """The build's warning and problem lines, leaving out the editor's (npm is not installed in a copy)."""
    lines = (result.stdout + result.stderr).splitlines()
    return [
        line
        for line in lines
        if (": warning: " in line or re.search(r"\.md:\d+: ", line)) and "decap-cms" not in line
    ]


__all__ = ["Term"]
