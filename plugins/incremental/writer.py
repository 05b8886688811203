"""A Pelican writer that renders a page only when something it was rendered from has changed.

While a template renders, every top-level name it looks up is recorded (Jinja resolves each name through
the context, including in included templates and `pass_context` filters). The page's fingerprint is the
site token, the template, the output name and the fingerprint of each of those names' values. Next build,
the same names are fingerprinted again from the new context: if nothing changed, the template would take
the same path through the same values and write the same bytes, so the previous file is linked into the
new output instead of rendering it. A rendered page whose bytes did not change is linked too, so files
keep their identity and modification time for link checking and deploys.
"""

import contextlib
import io
import logging
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from jinja2.runtime import Context
from pelican.writers import Writer

from .fingerprint import Fingerprinter, Unfingerprintable, digest
from .store import OutputRecord

logger = logging.getLogger(__name__)

_recording: list[set[str]] = []


class RecordingContext(Context):
    """A Jinja context that notes every name a template looks up."""

    def resolve_or_missing(self, key: str):
        if _recording:
            _recording[-1].add(key)
        return super().resolve_or_missing(key)


@contextlib.contextmanager
def recorded_names():
    names: set[str] = set()
    _recording.append(names)
    try:
        yield names
    finally:
        _recording.pop()


_MISSING = b"missing"
# Below this many pages to render, forking the workers costs more than it saves.
MINIMUM_PARALLEL = 200


class Outputs:
    """What this build wrote, against what the previous build recorded for the same output folder."""

    def __init__(
        self, fingerprinter: Fingerprinter, previous: dict, previous_output: Path, workers: int = 1
    ) -> None:
        self.fingerprinter = fingerprinter
        self.previous: dict[str, OutputRecord] = previous
        self.previous_output = previous_output
        self.workers = workers
        self.records: dict[str, OutputRecord] = {}
        self._pending: dict[str, tuple[str, bytes | None, tuple[str, ...]]] = {}
        self._reused: set[str] = set()
        # Pages to render once Pelican's writer loop is over, on `workers` processes: name -> (template,
        # the context Pelican gave it, the file Pelican wrote empty in its place).
        self._deferred: dict[str, list] = {}
        self.rendered = 0
        self.reused = 0

    def fingerprint(self, template: str, name: str, names, localcontext: dict) -> bytes | None:
        try:
            parts = [
                part
                for key in sorted(names)
                for part in (
                    key.encode(),
                    self.fingerprinter.of(localcontext[key]) if key in localcontext else _MISSING,
                )
            ]
        except Unfingerprintable as error:
            logger.debug("%s is always rendered: %s", name, error)
            return None
        return digest(self.fingerprinter.site_token, template.encode(), name.encode(), *parts)

    def _still_there(self, name: str, record: OutputRecord) -> bool:
        try:
            found = (self.previous_output / name).stat()
        except OSError:
            return False
        return (found.st_size, found.st_mtime_ns, found.st_ino) == (
            record.size,
            record.mtime_ns,
            record.inode,
        )

    def render(self, template, localcontext: dict) -> str:
        name = localcontext["output_file"]
        record = self.previous.get(name)
        if (
            record is not None
            and record.template == template.name
            and self.fingerprint(template.name, name, record.names, localcontext) == record.fingerprint
            and self._still_there(name, record)
        ):
            self._reused.add(name)
            self._pending[name] = (record.template, record.fingerprint, record.names)
            return ""
        if self.workers > 1:
            self._deferred[name] = [template, localcontext, None]
            self._pending[name] = (template.name, None, ())
            return ""
        text, self._pending[name] = self.render_now(template, name, localcontext)
        return text

    def render_now(self, template, name: str, localcontext: dict) -> tuple[str, tuple]:
        """The page, and how it was made (template, fingerprint, the names it read)."""
        template.environment.context_class = RecordingContext
        with recorded_names() as names:
            text = template.render(localcontext)
        made = (
            template.name,
            self.fingerprint(template.name, name, names, localcontext),
            tuple(sorted(names)),
        )
        return text, made

    def render_deferred(self) -> None:
        """Render the pages put off during Pelican's writer loop: in parallel when there are enough."""
        global _rendering
        names = list(self._deferred)
        if not names:
            return
        parallel = len(names) >= MINIMUM_PARALLEL and "fork" in multiprocessing.get_all_start_methods()
        if parallel:
            _rendering = self
            try:
                context = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
                    made = list(pool.map(_render_deferred_page, names, chunksize=64))
            finally:
                _rendering = None
        else:
            made = [self.write_deferred(name) for name in names]
        for name, how in zip(names, made, strict=True):
            path = self._deferred.pop(name)[2]
            self._pending[name] = how
            self.settle(path, name)

    def write_deferred(self, name: str) -> tuple:
        template, localcontext, path = self._deferred[name]
        text, made = self.render_now(template, name, localcontext)
        path.unlink()
        with path.open("w", encoding="utf-8") as stream:
            stream.write(text)
        return made

    def expects(self, name: str) -> bool:
        return name in self._pending

    def is_kept(self, name: str) -> bool:
        return name in self._reused

    def settle(self, path: Path, name: str) -> None:
        """After Pelican has written `path`: link the previous file in its place when it is the same."""
        if name in self._deferred:
            self._deferred[name][2] = path  # Pelican wrote it empty; the page comes in render_deferred
            return
        template, fingerprint, names = self._pending.pop(name)
        previous = self.previous_output / name
        if name in self._reused:
            self._reused.discard(name)
            path.unlink(missing_ok=True)
            link_or_copy(previous, path)
            self.reused += 1
        else:
            self.rendered += 1
            if same_bytes(previous, path):
                path.unlink()
                link_or_copy(previous, path)
        found = path.stat()
        if fingerprint is not None:
            self.records[name] = OutputRecord(
                template, fingerprint, names, found.st_size, found.st_mtime_ns, found.st_ino
            )


# Set in the parent just before the workers are forked, so they find the deferred pages in memory.
_rendering: "Outputs | None" = None


def _render_deferred_page(name: str) -> tuple:
    assert _rendering is not None
    return _rendering.write_deferred(name)


def link_or_copy(previous: Path, path: Path) -> None:
    """A hard link to the previous file (same bytes, same modification time), or a copy where the file
    system has no hard links."""
    try:
        os.link(previous, path)
    except OSError:
        shutil.copy2(previous, path)


def same_bytes(previous: Path, current: Path) -> bool:
    try:
        if previous.stat().st_size != current.stat().st_size:
            return False
        return previous.read_bytes() == current.read_bytes()
    except OSError:
        return False


class _RecordedTemplate:
    def __init__(self, template, outputs: Outputs) -> None:
        self._template = template
        self._outputs = outputs

    def render(self, localcontext: dict) -> str:
        return self._outputs.render(self._template, localcontext)

    def __getattr__(self, attribute: str):
        return getattr(self._template, attribute)


class _SettledFile:
    """Pelican's open output file (or, for a kept page, nothing to write); on close, the output is settled
    against the previous build."""

    def __init__(self, stream, path: Path, name: str, outputs: Outputs) -> None:
        self._stream, self._path, self._name, self._outputs = stream, path, name, outputs

    def __enter__(self):
        return self._stream.__enter__() if self._stream is not None else io.StringIO()

    def __exit__(self, *exc_info):
        result = self._stream.__exit__(*exc_info) if self._stream is not None else None
        if exc_info[0] is None:
            self._outputs.settle(self._path, self._name)
        return result


class IncrementalWriter(Writer):
    """Pelican's writer, rendering through `outputs` (set by the plugin for each build)."""

    outputs: Outputs | None = None

    def write_file(self, name, template, context, *args, **kwargs):
        if self.outputs is not None:
            template = _RecordedTemplate(template, self.outputs)
        return super().write_file(name, template, context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        prefix = str(self.output_path).rstrip(os.sep) + os.sep
        if self.outputs is None or not filename.startswith(prefix):
            return super()._open_w(filename, encoding, override)
        name = filename[len(prefix) :].replace(os.sep, "/")
        if not self.outputs.expects(name):
            return super()._open_w(filename, encoding, override)
        path = Path(filename)
        if self.outputs.is_kept(name) and filename not in self._written_files | self._overridden_files:
            # Pelican's bookkeeping for a first write, without creating a file the link replaces.
            if override:
                self._overridden_files.add(filename)
            self._written_files.add(filename)
            return _SettledFile(None, path, name, self.outputs)
        stream = super()._open_w(filename, encoding, override)
        if stream.name != filename:  # Pelican skips a second write of a file it was told to keep
            return stream
        return _SettledFile(stream, path, name, self.outputs)
