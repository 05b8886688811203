"""Find internal links and images in the built site that lead nowhere."""

import os
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


def target_of(files: set[str], path: str) -> str | None:
    """The output file (relative, POSIX) a site path reaches, as a static host would serve it."""
    relative = path.lstrip("/")
    candidates = (
        [f"{relative}index.html"]
        if relative.endswith("/") or not relative
        else [relative, f"{relative}/index.html"]
    )
    return next((c for c in candidates if c in files), None)


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
    """Problems for broken internal links in `output` (the staging folder that becomes `final_output`).

    Every file name is listed once and each distinct URL resolved once, so checking 10,000 pages costs
    seconds, not a file-system call per link.
    """
    files = {
        (Path(folder) / name).relative_to(output).as_posix()
        for folder, _, names in os.walk(output)
        for name in names
    }
    resolved: dict[str, str | None] = {}
    ids: dict[str, set[str]] = {}

    def ids_of(relative: str) -> set[str]:
        if relative not in ids:
            ids[relative] = set(ID.findall((output / relative).read_text(encoding="utf-8", errors="replace")))
        return ids[relative]

    problems = []
    for relative in sorted(f for f in files if f.endswith(".html")):
        text = (output / relative).read_text(encoding="utf-8", errors="replace")
        ids.setdefault(relative, set(ID.findall(text)))
        source, from_content = sources.get(relative, (str(final_output / relative), False))
        for url in dict.fromkeys(LINK.findall(text)):
            try:
                parts = urlsplit(url.replace("&amp;", "&"))
                path = site_path(url.replace("&amp;", "&"), siteurl)
            except ValueError:  # not a URL at all, e.g. an unclosed [ in the host
                parts, path = urlsplit(""), url
            if path is None:
                continue
            if path == "":
                target = relative
            else:
                if path not in resolved:
                    resolved[path] = target_of(files, path)
                target = resolved[path]
            if target is None:
                problem = f"the link `{url}` on {relative} leads to a page or file that does not exist"
            elif (
                parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in ids_of(target)
            ):
                problem = (
                    f"the link `{url}` on {relative} points at `#{parts.fragment}`, which is not on that page"
                )
            else:
                continue
            line = line_of(Path(source), parts.path or url) if from_content else 1
            fix = (
                "correct the link, or add the page or file it should reach"
                if from_content
                else "this link comes from the theme: correct the template that writes it"
            )
            problems.append(Problem(source, line, problem, fix))
    return problems
