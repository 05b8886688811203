"""Work spread over processes forked from the build, which already holds everything the work reads.

A forked child sees the parent's memory as it was at the fork, so the work can be any function or bound
method over the build's objects (templates, content) without pickling them or parking them in a global.
Each child takes every n-th item and sends back its results, pickled, through a pipe.
"""

import contextlib
import os
import pickle
import select
import signal
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerFailed(RuntimeError):
    """A worker process raised; the message carries its traceback."""


# Below this many items, forking costs more than the work it shares out.
MINIMUM_SHARED = 200


def can_fork() -> bool:
    return hasattr(os, "fork")


def all_cores(items: Sequence, minimum: int = MINIMUM_SHARED) -> int:
    """How many processes `fork_map` should use for `items`: every core, unless there are fewer than
    `minimum` (too little work to share)."""
    return (os.cpu_count() or 1) if len(items) >= minimum and can_fork() else 1


def fork_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int,
    share_of: Callable[[Item], float | None] | None = None,
) -> list[Result]:
    """`[function(item) for item in items]`, computed on `workers` forked processes, in order (see
    `start_map`)."""
    return start_map(function, items, workers, share_of)()


def start_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int,
    share_of: Callable[[Item], float | None] | None = None,
) -> Callable[[], list[Result]]:
    """`fork_map` started: the work goes on in the forked processes while this one does something else,
    and the function returned waits for the results, in order. Each process takes every n-th item; with
    `share_of` (an item's place, any number, or None), the items placed are ordered by place and each
    process takes an equal stretch of them, so items that need the same work (pages showing the same
    articles' cards) meet in one process and it is done once. Unplaced items are dealt out in turn. On one
    worker, the items are computed when the results are asked for."""
    workers = max(1, min(workers, len(items)))
    if workers == 1 or not can_fork():
        return lambda: [function(item) for item in items]
    places = [share_of(item) for item in items] if share_of is not None else [None] * len(items)
    placed = sorted((place, index) for index, place in enumerate(places) if place is not None)
    shares: list[list[int]] = [[] for _ in range(workers)]
    for position, (_place, index) in enumerate(placed):
        shares[position * workers // len(placed)].append(index)
    for position, index in enumerate(index for index, place in enumerate(places) if place is None):
        shares[position % workers].append(index)
    for share in shares:
        share.sort()  # each process takes its items in the order given (the first on screen first)
    running = [fork_share(function, [items[index] for index in indices]) for indices in shares]

    def results() -> list[Result]:
        collected = all_outcomes(running)
        ordered: list = [None] * len(items)
        for indices, values in zip(shares, collected, strict=True):
            for index, value in zip(indices, values, strict=True):
                ordered[index] = value
        return ordered

    return results


@dataclass
class Share:
    """Items being computed by one forked process (`fork_share`)."""

    pid: int
    reading: int
    # Once its results are read (or it is abandoned), the process is reaped and its pipe closed.
    finished: bool = False

    def done(self) -> bool:
        """Whether the process has finished computing (it is sending its results, or has sent them)."""
        return self.finished or bool(select.select([self.reading], [], [], 0)[0])

    def abandon(self) -> None:
        """Stop the process and let it go without its results (the build it worked for failed)."""
        if self.finished:
            return
        self.finished = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.reading)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def outcome(self) -> "list | WorkerFailed":
        """The results, in order, once the process has sent them all (and is reaped), or its failure."""
        self.finished = True
        return _collect(self.pid, self.reading)


def all_outcomes(shares: list[Share]) -> list[list]:
    """Each share's results, every process reaped first; the first failure raised after."""
    collected = [share.outcome() for share in shares]
    failures = [values for values in collected if isinstance(values, WorkerFailed)]
    if failures:
        raise failures[0]
    return collected


def fork_share(function: Callable[[Item], Result], items: Sequence[Item]) -> Share:
    """`[function(item) for item in items]`, started in a forked process while this one goes on."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        _run_share(function, items, writing)
    os.close(writing)
    return Share(pid, reading)


def _run_share(function, items, writing: int) -> None:
    """In the child: compute, send, and leave without running the parent's exit handlers."""
    code = 0
    try:
        try:
            payload = pickle.dumps([function(item) for item in items], protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            payload = pickle.dumps(WorkerFailed(traceback.format_exc()))
            code = 1
        with os.fdopen(writing, "wb") as stream:
            stream.write(payload)
    finally:
        os._exit(code)


def _collect(pid: int, reading: int):
    with os.fdopen(reading, "rb") as stream:
        data = stream.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data)
    except (pickle.UnpicklingError, EOFError) as error:
        return WorkerFailed(f"a worker process ended without a result ({error})")
