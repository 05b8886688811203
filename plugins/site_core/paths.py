"""Where things are and what the site says of itself: the site's root path, its language tag, the search
index folder, staging folders, alias pages."""

import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The SEARCH setting's default folder, inside the output, for Pagefind's index.
DEFAULT_SEARCH_FOLDER = "pagefind"
STAGING_PREFIX = ".pelican-build-"


def site_root(settings: dict) -> str:
    """The path part of SITEURL (`""` or `/sub/folder`), prefixed to every internal link."""
    return urlsplit(settings.get("SITEURL") or "").path.rstrip("/")


def absolute_url(settings: dict, path: str) -> str:
    """`path` (a page's `url`, or a path from the site root) as a full address on SITEURL."""
    return f"{(settings.get('SITEURL') or '').rstrip('/')}/{path.lstrip('/')}"


def language_tag(settings: dict) -> str:
    """`en-GB` however DEFAULT_LANG is written (Pelican lower-cases it)."""
    language, _, region = str(settings.get("DEFAULT_LANG") or "en-GB").partition("-")
    return f"{language.lower()}-{region.upper()}" if region else language.lower()


def search_folder(settings: dict) -> str:
    """The folder of the output that holds the search index (SEARCH's `output_subdir`)."""
    search = settings.get("SEARCH")
    folder = search.get("output_subdir") if isinstance(search, dict) else None
    return folder if isinstance(folder, str) and folder else DEFAULT_SEARCH_FOLDER


def staging_path(output_path: str | Path) -> Path:
    """The folder a build is written to before it replaces `output_path`: beside it, on the same disk."""
    output = Path(output_path).resolve()
    return output.parent / f"{STAGING_PREFIX}{output.name}"


def alias_save_as(alias: str) -> str:
    """The output file an old address (an `aliases` entry) is served from by a static host. Every host
    (Netlify, nginx, S3, Python's http.server) decodes a request's %-escapes before it looks for the file,
    so `/2020/01/caf%C3%A9/` is served from `2020/01/café/index.html`."""
    relative = unquote(alias).lstrip("/")
    if not relative or relative.endswith("/"):
        return f"{relative}index.html"
    if relative.endswith((".html", ".htm")):
        return relative
    return f"{relative}/index.html"


def build_time() -> datetime:
    """Now, or the moment SOURCE_DATE_EPOCH names, so a rebuild of old sources is reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)
