"""`invoke check-links`: external links in the built site that no longer answer. Never part of the build."""

import re
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from invoke import Exit

from commands.project import OUTPUT, ROOT, require_build
from link_check.check import page_links

USER_AGENT = "Children First link checker (+https://github.com/)"


def external_links(output: Path, siteurl: str) -> dict[str, list[str]]:
    """Each http(s) link to another site, with the pages that carry it."""
    own = urlsplit(siteurl).netloc
    found: dict[str, list[str]] = defaultdict(list)
    for page in sorted(output.rglob("*.html")):
        # The same parser as the build's own link check: escaped markup in text is never a link.
        for url in page_links(page):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc != own:
                found[url].append(page.relative_to(output).as_posix())
    return dict(found)


def status_of(url: str, timeout: float) -> str | None:
    """None when the link answers; otherwise what went wrong."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return f"HTTP {error.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            return re.sub(r"\s+", " ", str(getattr(error, "reason", error)))
    return None


def broken_external_links(
    output: Path, siteurl: str, timeout: float = 10.0
) -> list[tuple[str, str, list[str]]]:
    """(url, what went wrong, pages) for every external link that does not answer."""
    links = external_links(output, siteurl)
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = dict(zip(links, pool.map(lambda url: status_of(url, timeout), links), strict=True))
    return [(url, outcome, links[url]) for url, outcome in sorted(outcomes.items()) if outcome]


def run(timeout: float) -> None:
    """`invoke check-links`: print each broken external link with up to three pages that carry it."""
    from pelican.settings import read_settings

    require_build()
    siteurl = read_settings(str(ROOT / "pelicanconf.py"))["SITEURL"]
    broken = broken_external_links(OUTPUT, siteurl, timeout)
    for url, problem, pages in broken:
        print(f"{url}: {problem} — on {', '.join(pages[:3])}{' …' if len(pages) > 3 else ''}")
    print(f"{len(broken)} broken external link{'s' if len(broken) != 1 else ''}.")
    if broken:
        raise Exit(code=1)
