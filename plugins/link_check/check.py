"""Find internal links and images in the built site that lead nowhere."""

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from site_core import Problem
from site_core.workers import all_cores, fork_map

# A real parser, not a pattern: a minified page leaves attributes unquoted, and markup quoted as text or
# code (`&lt;img src=x>`) must never read as a link. Lexbor parses as the HTML standard (and so a browser)
# does, recovery included, in half the time libxml2 took (0.38 against 0.9 ms for a listing page).
# <base href> is not a link: it changes what the others resolve against.
_ADDRESS_ATTRIBUTES = {"href": None, "src": None, "action": "form", "poster": "video", "data": "object"}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_UNRESOLVED = object()
_SRCSET_URL = re.compile(r"[\s,]*(\S+)")


def srcset_urls(value: str) -> list[str]:
    """The addresses of a `srcset`, split as the HTML standard does (a comma may sit inside an address)."""
    urls, position = [], 0
    while match := _SRCSET_URL.match(value, position):
        url, position = match.group(1), match.end()
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            # The descriptors (`2x`, `640w`) run to the next comma outside parentheses.
            depth = 0
            while position < len(value) and (value[position] != "," or depth > 0):
                depth += {"(": 1, ")": -1}.get(value[position], 0)
                position += 1
        urls.append(url)
    return urls


@dataclass(frozen=True)
class Parsed:
    """What one page holds: its ids, its `<base href>` (or ""), and its addresses as written, each once."""

    ids: frozenset[str]
    base: str
    links: tuple[str, ...]


def parse_page(data: bytes | str) -> Parsed:
    """The ids, `<base href>` and addresses of an HTML page (bytes are UTF-8), as a browser reads them:
    entities decoded, each `srcset` split, the addresses in the order they appear (those of `srcset`s
    last), each once."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if not text.strip():
        return Parsed(frozenset(), "", ())
    ids, addresses, srcsets, bases = [], [], [], []
    for node in LexborHTMLParser(text).root.traverse():
        attributes = node.attributes
        if not attributes:
            continue
        for name, value in attributes.items():
            value = value or ""
            if name == "id":
                ids.append(value)
            elif name == "srcset":
                srcsets.extend(srcset_urls(value))
            elif name == "href" and node.tag == "base":
                bases.append(value)
            elif name in _ADDRESS_ATTRIBUTES and _ADDRESS_ATTRIBUTES[name] in (None, node.tag):
                addresses.append(value)
    # Interned: most links repeat on every page, and the stored state then holds each once.
    return Parsed(
        frozenset(map(sys.intern, ids)),
        bases[0].strip() if bases else "",
        tuple(map(sys.intern, dict.fromkeys(a.strip() for a in addresses + srcsets))),
    )


def page_links(path: Path) -> list[str]:
    """Every address on a built page, as a browser reads it (entities decoded, srcset split)."""
    return list(parse_page(path.read_bytes()).links)


def page_url(relative: str, siteurl: str) -> str:
    """The address a static host serves an output file at: `articles/x/index.html` is `…/articles/x/`."""
    folder, _, name = relative.rpartition("/")
    if name == "index.html":
        relative = f"{folder}/" if folder else ""
    return f"{siteurl.rstrip('/')}/{relative}"


def document_url(page: str, base: str = "") -> str:
    """What the addresses on the page at `page` resolve against: that, or its `<base href=base>`."""
    return urljoin(page, base) if base else page


def resolve(url: str, page: str, base: str = "") -> str:
    """The absolute address a browser fetches for `url` on the page at `page` with `<base href=base>`."""
    return urljoin(document_url(page, base), url)


SKIPPED_SCHEMES = {"mailto", "tel", "data", "javascript"}


def site_path(url: str, siteurl: str) -> str | None:
    """The path inside the site an absolute URL points at (`/` is the site's root), or None for another
    site: another host, a scheme a browser does not fetch, or a path beside the site's root on its host."""
    parts = urlsplit(url)
    site = urlsplit(siteurl)
    if parts.scheme in SKIPPED_SCHEMES or (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return None
    return path_inside(unquote(parts.path), site.path)


def path_inside(path: str, site_root: str) -> str | None:
    """`path` (decoded, on the site's host) as a path inside the site whose root is at `site_root`, or None
    beside it."""
    root = site_root.rstrip("/")
    path = path or "/"
    if path == root:
        return "/"
    if root:
        return path[len(root) :] if path.startswith(root + "/") else None
    return path


# A path-absolute address a browser takes as it is: no scheme or host, no dot segments or empty ones
# (which `urljoin` rewrites), no parameters. Most of a page's addresses are these, and they need no join.
_PLAIN_PATH = re.compile(r"/(?![/.])(?:[A-Za-z0-9._~%!$&'()*+,=:@-]|/(?![/.]))*(?:\?[^#\s]*)?(?:#\S*)?")


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
    base: str
    links: tuple[str, ...]


@dataclass(frozen=True)
class LinkState:
    """What one check saw: every file of the site, and the links and ids of each page."""

    files: frozenset[str]
    pages: dict[str, PageLinks]


def site_files(output: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under `output` (relative, POSIX) with its identity. Names are cut from the scanned
    paths as text: a `Path` for each of 10,000 files took most of the walk."""
    found = {}
    root = os.fspath(output).rstrip(os.sep) + os.sep
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    stat = entry.stat()
                    relative = entry.path[len(root) :].replace(os.sep, "/")
                    found[relative] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return found


def interned(page: PageLinks) -> PageLinks:
    """The page with its strings interned: most links repeat on every page, and the kept state then holds
    each once (a page read in another process arrives with copies of its own)."""
    return PageLinks(
        page.identity,
        frozenset(map(sys.intern, page.ids)),
        sys.intern(page.base),
        tuple(map(sys.intern, page.links)),
    )


def read_page(path: Path, identity: tuple[int, int, int]) -> PageLinks:
    parsed = parse_page(path.read_bytes())
    return PageLinks(identity, parsed.ids, parsed.base, parsed.links)


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
    every link worked), a page whose file is the same is not read again, and when no file was removed and
    no changed page lost an id, only the changed pages are checked: every link on the others reached a
    file and an id that are still there.
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
            changed.append(relative)
    read = fork_map(
        lambda relative: read_page(output / relative, found[relative]), changed, all_cores(changed)
    )
    pages.update((relative, interned(page)) for relative, page in zip(changed, read, strict=True))
    pages = dict(sorted(pages.items()))
    targets_kept = (
        previous is not None
        and previous.files <= files
        and all(previous.pages[r].ids <= pages[r].ids for r in changed if r in previous.pages)
    )
    checked = changed if targets_kept else list(pages)
    return _problems(checked, pages, files, siteurl, sources, final_output), LinkState(files, pages)


def broken_links_on(
    output: Path,
    siteurl: str,
    names: list[str],
    sources: dict[str, tuple[str, bool]],
    parsed: dict[str, Parsed] | None = None,
) -> list[Problem]:
    """Problems for broken internal links on the pages `names` alone (rewritten in place by the dev
    server), against every file in `output`; a fragment is checked on a target among `names`. A page in
    `parsed` (read as it was rendered) is not read again; the others are read on every core."""
    found = site_files(output)
    parsed = parsed or {}
    present = [name for name in names if name in found and name not in parsed]
    read = fork_map(lambda name: read_page(output / name, found[name]), present, all_cores(present))
    pages = dict(zip(present, read, strict=True))
    for name in names:
        if name in parsed and name in found:
            page = parsed[name]
            pages[name] = PageLinks(found[name], page.ids, page.base, page.links)
    checked = [name for name in names if name in pages]
    return _problems(checked, pages, frozenset(found), siteurl, sources, output)


def _resolved(url: str, relative: str, base: str, here: str, siteurl: str, files, shared: dict, own: dict):
    """Where `url` on the page `relative` (at `here`, with its <base> or "") leads (see `leads_to`),
    worked out once per address: most are the theme's, the same from every page without a <base>
    (kept in `shared` by address); a relative one, or any on a page with a <base>, depends on the page it
    is on (kept in `own` by page and address)."""
    if url.startswith("#") and not base:
        # A place on the page itself (every page's skip link): nothing to resolve.
        return url, url[1:], relative
    if base or _is_relative(url):
        key = (here, url)
        if key not in own:
            own[key] = leads_to(url, here, siteurl, files)
        return own[key]
    if url not in shared:
        shared[url] = leads_to(url, here, siteurl, files)
    return shared[url]


def _problems(checked, pages, files, siteurl, sources, final_output) -> list[Problem]:
    shared: dict = {}
    own: dict = {}
    problems = []
    for relative in checked:
        source, from_content = sources.get(relative, (str(final_output / relative), False))
        page = pages[relative]
        here = document_url(page_url(relative, siteurl), page.base)
        for url in page.links:
            outcome = shared.get(url, _UNRESOLVED) if not page.base else _UNRESOLVED
            if outcome is _UNRESOLVED:
                outcome = _resolved(url, relative, page.base, here, siteurl, files, shared, own)
            if outcome is None:
                continue
            path, fragment, target = outcome
            if target is None:
                # A relative link says where it leads: the author wrote something else.
                reached = f"`{path}`, " if _is_relative(url) and path != url else ""
                problem = (
                    f"the link `{url}` on {relative} leads to {reached}a page or file that does not exist"
                )
            elif fragment and target in pages and unquote(fragment) not in pages[target].ids:
                problem = f"the link `{url}` on {relative} points at `#{fragment}`, which is not on that page"
            else:
                continue
            line = line_of(Path(source), _written(url)) if from_content else 1
            fix = (
                "correct the link, or add the page or file it should reach"
                if from_content
                else "this link comes from the theme: correct the template that writes it"
            )
            problems.append(Problem(source, line, problem, fix))
    return problems


def leads_to(url: str, here: str, siteurl: str, files) -> tuple[str, str, str | None] | None:
    """(site path, fragment, output file or None) for an address on a page at `here`; None for another
    site's. The addresses most pages hold are told without joining them to the page's: a plain path on
    the site's host, a link to another host or a scheme a browser does not fetch (a share link, `tel:`)."""
    site = urlsplit(siteurl)
    plain = _plain_path_on_site(url, here, site)
    if plain is not None:
        address, _, fragment = plain.partition("#")
        path = path_inside(unquote(address.partition("?")[0]), site.path)
        return None if path is None else (path, fragment, target_of(files, path))
    scheme = _SCHEME.match(url)
    if scheme and "[" not in url and "]" not in url:
        name = scheme.group()[:-1].lower()
        if name in SKIPPED_SCHEMES:
            return None
        parts = urlsplit(url)
        if url[scheme.end() : scheme.end() + 2] == "//" and parts.netloc and parts[:2] != site[:2]:
            return None
    return leads_to_joined(url, here, siteurl, files)


def _plain_path_on_site(url: str, here: str, site) -> str | None:
    """The path (with query and fragment) `url` names on the site's host when it needs no joining: a
    plain path, alone or after the site's own scheme and host; None otherwise."""
    if urlsplit(here)[:2] != site[:2]:
        return None
    origin = f"{site.scheme}://{site.netloc}" if site.netloc else ""
    path = url[len(origin) :] if origin and url.startswith(origin + "/") else url
    return path if _PLAIN_PATH.fullmatch(path) else None


def leads_to_joined(url: str, here: str, siteurl: str, files) -> tuple[str, str, str | None] | None:
    """`leads_to` for any address: joined to the page's as a browser does."""
    try:
        absolute = urljoin(here, url)
        fragment = urlsplit(absolute).fragment
        path = site_path(absolute, siteurl)
    except ValueError:  # not a URL at all, e.g. an unclosed [ in the host
        return url, "", None
    return None if path is None else (path, fragment, target_of(files, path))


def _is_relative(url: str) -> bool:
    return not url.startswith("/") and not _SCHEME.match(url)


def _written(url: str) -> str:
    """The part of a link to look for in its source: its path, as the author wrote it."""
    try:
        return urlsplit(url).path or url
    except ValueError:
        return url
