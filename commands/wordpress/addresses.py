"""Old addresses: every permalink and earlier slug of an imported item becomes an alias of its new page,
unless another page holds the address; WordPress's `?p=ID` addresses become rules for the web server."""

import re
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from front_matter.site_checks import RESERVED_FOLDERS
from site_core import search_folder

from .convert import CHANGED, NEEDS, Note

# First folders of addresses the site writes itself (besides those its settings name).
EXTRA_RESERVED = {"media", "files", "admin", "pagefind", "search", "knowledge-resources", "subscribe"}


class Addresses:
    """Where imported items live on this site, and which old addresses can lead to them."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings

    def reserved_page_slugs(self) -> set[str]:
        """Slugs no imported page may take: the site's own folders and pages."""
        reserved = set(RESERVED_FOLDERS) | EXTRA_RESERVED | {search_folder(self.settings)}
        for template in self.settings.get("DIRECT_TEMPLATES", []):
            save_as = self.settings.get(f"{template.upper()}_SAVE_AS") or ""
            if save_as:
                reserved.add(PurePosixPath(save_as).parts[0].removesuffix(".html"))
        return reserved

    def url_of(self, doc) -> str:
        pattern = self.settings["ARTICLE_URL"] if doc.kind == "article" else self.settings["PAGE_URL"]
        return "/" + pattern.format(slug=doc.slug).lstrip("/")

    def set_aliases(self, docs: list, existing, site) -> None:
        """Every permalink and earlier slug of an imported item becomes an alias, unless the address is
        already another page's (said in the report)."""
        # What this import wrote before is this import's own: only other files' addresses are taken.
        own = {d.path for d in docs}
        urls: dict[str, object] = {self.url_of(d).lower(): d for d in docs}
        for table, pattern in ((existing.articles, "ARTICLE_URL"), (existing.pages, "PAGE_URL")):
            for slug, found in table.items():
                if found.path not in own:
                    urls.setdefault("/" + self.settings[pattern].format(slug=slug).lower().lstrip("/"), found)
        claimed: dict[str, object] = {a: p for a, p in existing.aliases.items() if p not in own}
        reserved = self.reserved_page_slugs() | {"category", "topic", "author", "feeds", "page"}
        for doc in docs:
            wanted = []
            link = doc.item.link
            parts = urlsplit(link)
            if parts.path and not parts.query and (not parts.hostname or site.is_site_host(parts.hostname)):
                wanted.append(alias_form(parts.path))
                for old in doc.item.meta.get("_wp_old_slug", []):
                    old_path = old_slug_path(parts.path, doc.item.name, old.strip())
                    if old_path:
                        wanted.append(alias_form(old_path))
                    elif old.strip():
                        doc.notes.append(
                            Note(
                                CHANGED, f"its earlier slug `{old.strip()}` has no address of its own to keep"
                            )
                        )
            own = self.url_of(doc).lower()
            for alias in dict.fromkeys(wanted):
                lowered = alias.lower()
                if lowered == own or lowered == own.rstrip("/"):
                    continue
                first = lowered.strip("/").split("/")[0]
                owner = urls.get(lowered) or claimed.get(lowered)
                if owner is not None and owner is not doc:
                    doc.notes.append(
                        Note(
                            NEEDS,
                            f"its old address {alias} is now another page's, so it cannot redirect here",
                            "decide which page the old address should lead to",
                            needle="aliases:" if doc.aliases else "title:",
                        )
                    )
                    continue
                if lowered in ("", "/") or first in reserved:
                    doc.notes.append(
                        Note(
                            NEEDS,
                            f"its old address {alias} is inside /{first}/, which this site uses for its own "
                            "pages",
                            "no redirect was made; link to the new address where the old one was used",
                            needle="title:",
                        )
                    )
                    continue
                claimed[lowered] = doc
                doc.aliases.append(alias)

    def query_rules(self, docs: list) -> list[tuple[str, str]]:
        """`/?p=ID` and `/?page_id=ID` (WordPress's plain addresses) of each published item, and where
        each now is: no static file can answer a query string, so these are rules for the web server."""
        rules = []
        for doc in docs:
            if not doc.published:
                continue
            key = "p" if doc.kind == "article" else "page_id"
            rules.append((f"/?{key}={doc.item.post_id}", self.url_of(doc)))
        return sorted(set(rules), key=lambda r: (r[0].split("=")[0], int(r[0].split("=")[1])))


def wxr_name(name: str) -> str:
    """A WordPress slug as text (`caf%c3%a9` is `café`)."""
    return unquote(name or "")


def alias_form(path: str) -> str:
    """An old address as an alias: from the site root, one slash between parts, URL-safe (`%`-escaped
    where it was not)."""
    return quote(re.sub("/+", "/", f"/{path}"), safe="/-._~%")


def old_slug_path(path: str, slug: str, old: str) -> str | None:
    """The address a post had under an earlier slug: its permalink with the slug replaced."""
    if not old or not slug:
        return None
    segments = path.split("/")
    lowered = [s.lower() for s in segments]
    for candidate in (slug.lower(), quote(wxr_name(slug)).lower()):
        if candidate in lowered:
            index = len(lowered) - 1 - lowered[::-1].index(candidate)
            segments[index] = old
            return "/".join(segments)
    return None
