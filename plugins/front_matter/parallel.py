"""Reading on every core: files the read cache does not hold are converted by forked processes first.

Pelican reads files one at a time. Before it starts, the article and page files missing from the read
cache are validated and converted in worker processes, which put their results in the cache; Pelican's
own reads then find them there. A file with problems is left for Pelican's read, which reports them as
usual. Only where processes can be forked (Linux), and only when enough files changed to pay for starting
the workers.
"""

import contextlib
import logging
from pathlib import Path

from site_core import ContentRejected, current_build
from site_core.workers import can_fork, fork_map

from .reader import FrontMatterReader, document_kind

logger = logging.getLogger(__name__)

# Below this many files to convert, starting the workers costs more than it saves.
MINIMUM_FILES = 200


def source_files(settings: dict) -> list[Path]:
    root = Path(settings["PATH"])
    folders = [*settings.get("ARTICLE_PATHS", [""]), *settings.get("PAGE_PATHS", [])]
    found = set()
    for folder in folders:
        for extension in FrontMatterReader.file_extensions:
            found.update(path for path in (root / folder).rglob(f"*.{extension}") if path.is_file())
    return sorted(found)


def warm_read_cache(settings: dict) -> int:
    """Convert the files missing from the read cache in parallel; returns how many were missing."""
    reads = current_build(settings).reads
    if reads.cache is None or not can_fork():
        return 0
    missing = [
        path for path in source_files(settings) if not reads.holds(path, document_kind(path, settings))
    ]
    if len(missing) < MINIMUM_FILES or reads.workers < 2:
        return len(missing)
    reader = FrontMatterReader(settings)

    def read_into_cache(path: Path) -> None:
        # A rejected file is left to Pelican's own read, which reports its problems.
        with contextlib.suppress(ContentRejected):
            reader.cached_read(path)

    fork_map(read_into_cache, missing, reads.workers)
    logger.info("front_matter: converted %d files on %d processes", len(missing), reads.workers)
    return len(missing)
