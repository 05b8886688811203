"""Cached reads: a source file whose bytes, path and read token are unchanged is not parsed again.

The cache is off until a plugin (incremental) opens it for a build; then a reader's `read` finds each
file's result by its bytes and keeps new results. What a result is belongs to the reader: the cache asks
only for its `source_digest` and, optionally, `required_files` (other files it was checked against, which
must still exist for the result to stand).
"""

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .store import ContentCache, digest

Result = TypeVar("Result")


def source_bytes(path: Path) -> tuple[bytes | None, str]:
    """A file's bytes and their SHA-256 (None and "" when it cannot be read: the reader reports that).

    Read once for both the cache key and the parse, so the two always agree."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None, ""
    return raw, hashlib.sha256(raw).hexdigest()


class ReadCache:
    def __init__(self) -> None:
        self.cache: ContentCache | None = None
        self.token = b""
        self.misses = 0
        # How many processes may convert files at once.
        self.workers = 1

    def enable(self, cache: ContentCache, token: bytes, workers: int = 1) -> None:
        self.cache, self.token, self.misses, self.workers = cache, token, 0, workers

    def _key(self, path: Path, kind: str, source_digest: str) -> str:
        return digest(self.token, kind.encode(), str(path).encode(), source_digest.encode()).hex()

    def holds(self, path: Path, kind: str) -> bool:
        """Whether the cache has a read of this file as it is now."""
        if self.cache is None:
            return False
        source_digest = source_bytes(path)[1]
        return bool(source_digest) and self.cache.has(self._key(path, kind, source_digest))

    def read(self, path: Path, kind: str, source_digest: str, produce: Callable[[], Result]) -> Result:
        """The cached result for this exact file, or `produce()` (which may raise: nothing is cached then)."""
        if self.cache is None or not source_digest:
            return produce()
        key = self._key(path, kind, source_digest)
        found = self.cache.get(key)
        if found is not None and all(Path(name).is_file() for name in getattr(found, "required_files", ())):
            return found
        self.misses += 1
        result = produce()
        if getattr(result, "source_digest", None) == source_digest:
            self.cache.put(key, result)
        return result
