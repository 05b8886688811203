"""The cache folder: what each source file read to, what each output file was rendered from, and the values
plugins keep from one good build to the next.

Everything here is a cache: deleting the folder only makes the next build a cold one. Entries are written
to a temporary name and renamed, so an interrupted build never leaves a half-written entry behind.
"""

import hashlib
import logging
import os
import pickle
import shutil
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

# Bumped when the layout of cached entries changes, so an old cache is ignored rather than misread.
FORMAT = 1


def digest(*parts: bytes) -> bytes:
    """A short digest of several byte strings, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.digest()


def stream_atomically(path: Path, write) -> None:
    """`write(stream)` into a temporary file beside `path`, renamed over it only once complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink()
        raise


def replace_text(path: Path, text: str) -> None:
    replace_bytes(path, text.encode("utf-8"))


def replace_bytes(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a reader sees the old file or the new one, never a part of it. The
    new file has the usual permissions (mkstemp's would let no web server read it)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load_pickle(path: Path):
    """The pickled value at `path`, or None when it is missing or unreadable (a cache miss, not an error)."""
    try:
        with path.open("rb") as stream:
            stored_format, value = pickle.load(stream)
    except FileNotFoundError:
        return None
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
    ) as error:
        logger.debug("ignoring unreadable cache entry %s: %s", path, error)
        return None
    return value if stored_format == FORMAT else None


def dump_pickle(path: Path, value) -> None:
    """Pickled straight into the file: the bytes of a large state (tens of MB at 10,000 articles) are never
    all in memory at once."""
    stream_atomically(
        path, lambda stream: pickle.dump((FORMAT, value), stream, protocol=pickle.HIGHEST_PROTOCOL)
    )


class ContentCache:
    """Reader results by key (a digest of the source bytes, its path and the site token), one file each."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str):
        value = load_pickle(self._path(key))
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value) -> None:
        dump_pickle(self._path(key), value)
        self.used.add(key)

    def prune(self) -> int:
        """Remove entries this build did not use (old versions of edited files, deleted files)."""
        removed = 0
        if not self.folder.is_dir():
            return removed
        for shard in self.folder.iterdir():
            if not shard.is_dir():
                continue
            for entry in shard.iterdir():
                if entry.name not in self.used:
                    entry.unlink(missing_ok=True)
                    removed += 1
        return removed


def remove_other_namespaces(root: Path, keep: set[str]) -> None:
    """Caches made with other settings or code are never read again once a build has replaced them."""
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.is_dir() and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
