"""Pages placed by Pelican's writer loop are rendered by another process while the loop goes on; a build
that never collects them (an error later in the loop) leaves no process behind."""

import gc
import os
import time
from pathlib import Path

import pytest

from incremental.fingerprint import Fingerprinter
from incremental.writer import EARLY_BATCH, Outputs


def placed_outputs(tmp_path: Path, pages: int) -> Outputs:
    """Outputs with `pages` deferred pages placed as Pelican's writer loop places them, each rendered (in
    whatever process) to a megabyte of text, more than a pipe holds."""
    outputs = Outputs(Fingerprinter(b"token"), {}, tmp_path, workers=2)
    outputs.write_deferred = lambda name: ("x" * 1_000_000, name)
    for number in range(pages):
        name = f"page-{number}.html"
        outputs._deferred[name] = [None, {}, None]
        outputs._pending[name] = ("t", None, (), frozenset())
        outputs.settle(tmp_path / name, name)
    return outputs


def test_a_process_starts_once_enough_pages_are_placed(tmp_path: Path):
    assert not placed_outputs(tmp_path, EARLY_BATCH - 1)._early
    outputs = placed_outputs(tmp_path, EARLY_BATCH)
    ((batch, share),) = outputs._early
    assert batch == [f"page-{number}.html" for number in range(EARLY_BATCH)]
    assert [name for _text, name in share.outcome()] == batch


def test_a_dropped_build_stops_the_processes_rendering_for_it(tmp_path: Path):
    outputs = placed_outputs(tmp_path, EARLY_BATCH)
    ((_batch, share),) = outputs._early
    deadline = time.monotonic() + 20
    while not share.done() and time.monotonic() < deadline:
        time.sleep(0.01)
    del outputs
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(share.pid, os.WNOHANG)
