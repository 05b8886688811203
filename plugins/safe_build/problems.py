"""Problems found in the site's sources, collected over a whole build and reported together."""

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one source file: where it is, what is wrong, and how to put it right."""

    path: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.message} — {self.fix}"


class BuildFailed(SystemExit):
    """Stops the build after the problems have been printed.

    A SystemExit rather than an Exception, because Pelican logs any Exception with its traceback,
    and an author needs the list of problems, not a stack of Python frames.
    """

    def __init__(self) -> None:
        super().__init__(1)


class ContentRejected(ValueError):
    """Raised by a reader for a file it has already reported problems for, so Pelican skips it."""


def display_path(path: str | os.PathLike) -> str:
    """The path relative to the working directory when it lies below it, so messages stay short."""
    # abspath, not resolve: a symbolic link must be named as itself, not as the file it leads to.
    absolute = Path(os.path.abspath(path))  # noqa: PTH100
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


class ProblemLog:
    """Every problem reported during one build, kept in order and without repeats."""

    def __init__(self) -> None:
        self._problems: dict[Problem, None] = {}

    def add(self, problem: Problem) -> None:
        self._problems.setdefault(problem, None)

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    def clear(self) -> None:
        self._problems.clear()

    def paths(self) -> set[str]:
        return {Path(os.path.abspath(p.path)).as_posix() for p in self._problems}  # noqa: PTH100

    def sorted(self) -> list[Problem]:
        return sorted(self._problems)

    def __len__(self) -> int:
        return len(self._problems)


def print_report(problems: list[Problem], outcome: str, stream=None) -> None:
    """Print every problem on its own line, then a one-line summary of what happened to the build."""
    stream = stream or sys.stderr
    files = len({p.path for p in problems})
    for problem in problems:
        print(problem, file=stream)
    noun = "problem" if len(problems) == 1 else "problems"
    where = "file" if files == 1 else "files"
    print(f"\n{len(problems)} {noun} in {files} {where}. {outcome}", file=stream, flush=True)


def print_warnings(warnings: list[Problem], stream=None) -> None:
    """Each warning as `path:line: warning: what — fix`, on standard error."""
    stream = stream or sys.stderr
    for warning in warnings:
        print(
            f"{display_path(warning.path)}:{warning.line}: warning: {warning.message} — {warning.fix}",
            file=stream,
        )
    if warnings:
        print(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}.", file=stream, flush=True)
