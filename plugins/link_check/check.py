"""Find internal links and images in the built site that lead nowhere."""

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from site_core import Problem

# A pattern is enough (and fast at 10,000 pages): the theme and nh3 write attributes in double quotes, and a
# minified publish build leaves them unquoted where HTML allows it.
_VALUE = r"""=(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
LINK = re.compile(r"\s(?:href|src)" + _VALUE)
ID = re.compile(r"\sid" + _VALUE)


def attribute_values(pattern: re.Pattern, text: str) -> list[str]:
    return [quoted or single or bare for quoted, single, bare in pattern.findall(text)]


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


@dataclass(frozen=True)
class PageLinks:
    """The links and ids of one built page, and which file (inode, size, mtime) they were read from."""

    identity: tuple[int, int, int]
    ids: frozenset[str]
    links: tuple[str, ...]


@dataclass(frozen=True)
class LinkState:
    """What one check saw: every file of the site, and the links and ids of each page."""

    files: frozenset[str]
    pages: dict[str, PageLinks]


def site_files(output: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under `output` (relative, POSIX) with its identity."""
    found = {}
    folders = [output]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                else:
                    stat = entry.stat()
                    relative = Path(entry.path).relative_to(output).as_posix()
                    found[relative] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return found


def read_page(path: Path, identity: tuple[int, int, int]) -> PageLinks:
    text = path.read_text(encoding="utf-8", errors="replace")
    # Interned: most links repeat on every page, and the stored state then holds each once.
    return PageLinks(
        identity,
        frozenset(map(sys.intern, attribute_values(ID, text))),
        tuple(map(sys.intern, dict.fromkeys(attribute_values(LINK, text)))),
    )


def broken_links(
    output: Path,
    siteurl: str,
    sources: dict[str, tuple[str, bool]],
    final_output: Path,
    previous: LinkState | None = None,
) -> tuple[list[Problem], LinkState]:
    """Problems for broken internal links in `output` (the staging folder that becomes `final_output`).

    Every file name is listed once and each distinct URL resolved once, so checking 10,000 pages costs
    seconds, not a file-system call per link. With `previous` (the state of the last good build, where
    every link worked), a page whose file is the same is not read again, and when no file was added or
    removed and no changed page lost or gained an id, only the changed pages are checked.
    """
    found = site_files(output)
    files = frozenset(found)
    pages: dict[str, PageLinks] = {}
    changed = []
    for relative in sorted(f for f in files if f.endswith(".html")):
        kept = previous.pages.get(relative) if previous is not None else None
        if kept is not None and kept.identity == found[relative]:
            pages[relative] = kept
        else:
            pages[relative] = read_page(output / relative, found[relative])
            changed.append(relative)
    same_targets = (
        previous is not None
        and previous.files == files
        and all(pages[r].ids == previous.pages[r].ids for r in changed if r in previous.pages)
    )
    checked = changed if same_targets else list(pages)
    return _problems(checked, pages, files, siteurl, sources, final_output), LinkState(files, pages)


def _problems(checked, pages, files, siteurl, sources, final_output) -> list[Problem]:
    resolved: dict[str, str | None] = {}
    problems = []
    for relative in checked:
        source, from_content = sources.get(relative, (str(final_output / relative), False))
        for url in pages[relative].links:
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
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
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
