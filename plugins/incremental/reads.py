"""Cached reads: a source file whose bytes, path and site token are unchanged is not parsed again."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fingerprint import digest
from .store import ContentCache


@dataclass(frozen=True)
class ReadResult:
    """Everything a reader learnt from one file that depends on nothing but the file and the site token.

    `required_files` are other files the file was checked against (its image): the cached read stands
    only while they exist.
    """

    kind: str
    source_digest: str
    values: dict[str, Any]
    lines: dict[str, int]
    body_html: str
    teaser: str
    word_count: int
    warnings: tuple = ()
    required_files: tuple[str, ...] = ()


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

    def disable(self) -> None:
        self.cache, self.token, self.misses, self.workers = None, b"", 0, 1

    def _key(self, path: Path, kind: str, source_digest: str) -> str:
        return digest(self.token, kind.encode(), str(path).encode(), source_digest.encode()).hex()

    def holds(self, path: Path, kind: str) -> bool:
        """Whether the cache has a read of this file as it is now."""
        if self.cache is None:
            return False
        source_digest = source_bytes(path)[1]
        return bool(source_digest) and self.cache.has(self._key(path, kind, source_digest))

    def read(
        self, path: Path, kind: str, source_digest: str, produce: Callable[[], ReadResult]
    ) -> ReadResult:
        """The cached result for this exact file, or `produce()` (which may raise: nothing is cached then)."""
        if self.cache is None or not source_digest:
            return produce()
        key = self._key(path, kind, source_digest)
        found = self.cache.get(key)
        if isinstance(found, ReadResult) and all(Path(name).is_file() for name in found.required_files):
            return found
        self.misses += 1
        result = produce()
        if result.source_digest == source_digest:
            self.cache.put(key, result)
        return result
