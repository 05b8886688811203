"""Find internal links and images in the built site that lead nowhere."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from safe_build import Problem

# The theme and nh3 both write attributes in double quotes, so a pattern is enough (and fast at 10,000 pages).
LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
ID = re.compile(r'\sid="([^"]*)"')
SKIPPED_SCHEMES = {"mailto", "tel", "data", "javascript"}


def site_path(url: str, siteurl: str) -> str | None:
    """The path inside the site a URL points at, or None for another site."""
    parts = urlsplit(url)
    if parts.scheme in SKIPPED_SCHEMES:
        return None
    site = urlsplit(siteurl)
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return None
    root = site.path.rstrip("/")
    path = unquote(parts.path)
    if not path:
        return ""
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return path


def target_file(output: Path, path: str) -> Path:
    target = output / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def line_of(source: Path, needle: str) -> int:
    try:
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            if needle in line:
                return number
    except OSError:
        pass
    return 1


def broken_links(
    output: Path, siteurl: str, sources: dict[str, tuple[str, bool]], final_output: Path
) -> list[Problem]:
    """Problems for broken internal links in `output` (the staging folder that becomes `final_output`)."""
    problems = []
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(ID.findall(page.read_text(encoding="utf-8", errors="replace")))
        return ids[page]

    for page in sorted(output.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        relative = page.relative_to(output)
        source, from_content = sources.get(str(page.resolve()), (str(final_output / relative), False))
        for url in dict.fromkeys(LINK.findall(text)):
            path = site_path(url.replace("&amp;", "&"), siteurl)
            if path is None:
                continue
            fragment = urlsplit(url).fragment
            target = page if path == "" else target_file(output, path)
            where = f"on {relative.as_posix()}"
            if not target.is_file():
                problem = f"the link `{url}` {where} leads to a page or file that does not exist"
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
                problem = f"the link `{url}` {where} points at `#{fragment}`, which is not on that page"
            else:
                continue
            needle = urlsplit(url).path or url
            line = line_of(Path(source), needle) if from_content else 1
            fix = (
                "correct the link, or add the page or file it should reach"
                if from_content
                else "this link comes from the theme: correct the template that writes it"
            )
            problems.append(Problem(source, line, problem, fix))
    return problems
