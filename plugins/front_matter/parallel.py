"""Reading on every core: files the read cache does not hold are converted by a pool of processes first.

Pelican reads files one at a time. Before it starts, the article and page files missing from the
incremental read cache are validated and converted in worker processes, which put their results in the
cache; Pelican's own reads then find them there. A file with problems is left for Pelican's read, which
reports them as usual. Only where processes can be forked (Linux), and only when enough files changed
to pay for starting the workers.
"""

import contextlib
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from incremental import reads
from safe_build import ContentRejected

from .reader import FrontMatterReader, document_kind

logger = logging.getLogger(__name__)

# Below this many files to convert, starting the workers costs more than it saves.
MINIMUM_FILES = 200
CHUNK = 50

_worker_reader: FrontMatterReader | None = None


def source_files(settings: dict) -> list[Path]:
    root = Path(settings["PATH"])
    folders = [*settings.get("ARTICLE_PATHS", [""]), *settings.get("PAGE_PATHS", [])]
    found = set()
    for folder in folders:
        for extension in FrontMatterReader.file_extensions:
            found.update(path for path in (root / folder).rglob(f"*.{extension}") if path.is_file())
    return sorted(found)


def _read_in_worker(path: Path) -> None:
    assert _worker_reader is not None
    # A rejected file is left to Pelican's own read, which reports its problems.
    with contextlib.suppress(ContentRejected):
        _worker_reader.cached_read(path)


def warm_read_cache(settings: dict) -> int:
    """Convert the files missing from the read cache in parallel; returns how many were missing."""
    global _worker_reader
    if reads.cache is None or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    missing = [
        path for path in source_files(settings) if not reads.holds(path, document_kind(path, settings))
    ]
    workers = reads.workers
    if len(missing) < MINIMUM_FILES or workers < 2:
        return len(missing)
    _worker_reader = FrontMatterReader(settings)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for _ in pool.map(_read_in_worker, missing, chunksize=CHUNK):
                pass
    finally:
        _worker_reader = None
    logger.info("front_matter: converted %d files on %d processes", len(missing), workers)
    return len(missing)
