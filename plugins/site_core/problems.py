"""Problems found in the site's sources, collected over a whole build and reported together.

Every problem and warning is logged on the `site_core.report` logger, one `path:line: what — fix` line
each, so Pelican's `-q` and `-v` apply to them as to every other message. That logger writes plain lines
of its own rather than through Pelican's column layout, which would wrap an author's long line and put a
clock and a level in front of the path an editor jumps to.
"""

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
report_logger = logging.getLogger("site_core.report")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one source file: where it is, what is wrong, and how to put it right."""

    path: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.message} — {self.fix}"

    def as_warning(self) -> str:
        return f"{display_path(self.path)}:{self.line}: warning: {self.message} — {self.fix}"


class LineError(ValueError):
    """Something wrong at a line of a file a person can open (a source, an export, a map): what is wrong
    and how to put it right, for a `path:line: what — fix` message."""

    def __init__(self, line: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.fix = fix


class BuildFailed(Exception):
    """The build stopped because of the problems already reported; the message sums them up.

    An ordinary exception, so Pelican's own handlers see it: `pelican` exits with status 1 and
    `pelican -r` reports it and waits for the next save. The `site_core` log filter keeps Pelican from
    printing a traceback for it, since every problem has been reported as a line of its own.
    """


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


def summary(problems: list[Problem], outcome: str) -> str:
    """`3 problems in 2 files. <outcome>`"""
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    where = "file" if files == 1 else "files"
    return f"{len(problems)} {noun} in {files} {where}. {outcome}"


def log_problems(problems: list[Problem], outcome: str) -> str:
    """Log every problem on its own line, then the summary, which is returned for the exception."""
    for problem in problems:
        report_logger.error("%s", problem)
    message = summary(problems, outcome)
    report_logger.error("\n%s", message)
    return message


def log_warnings(warnings: list[Problem]) -> None:
    for warning in warnings:
        report_logger.warning("%s", warning.as_warning())
    if warnings:
        report_logger.warning("%d warning%s.", len(warnings), "s" if len(warnings) != 1 else "")


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time, so a test capturing it sees the lines."""

    def emit(self, record: logging.LogRecord) -> None:
        # Not setStream, which flushes the stream it replaces: that one may be closed by now.
        self.stream = sys.stderr
        super().emit(record)


class _NoTracebackForBuildFailed(logging.Filter):
    """Pelican logs an exception that ends a build with its traceback; a BuildFailed needs only its
    message, since each problem has been reported already, and not even that when the report printed its
    summary (`pelican -q` hides the report, and then this line is the one that says the build failed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None and record.args and isinstance(record.args, tuple):
            error = next((arg for arg in record.args if isinstance(arg, BuildFailed)), None)
        if isinstance(error, BuildFailed):
            if report_logger.isEnabledFor(logging.ERROR):
                return False
            record.msg, record.args = "%s", (str(error),)
            record.exc_info, record.exc_text = None, None
        return True


class _SkipRejectedFiles(logging.Filter):
    """Drops Pelican's "Could not process" line for a file a reader rejected: its problems are reported."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Pelican logs it inside the `except` that caught the reader's exception.
        return not (record.msg == "Could not process %s" and isinstance(sys.exc_info()[1], ContentRejected))


def configure_logging() -> None:
    """Idempotent: the report logger's plain handler, and the filters on Pelican's own loggers."""
    if not any(isinstance(h, _CurrentStderr) for h in report_logger.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        report_logger.addHandler(handler)
        report_logger.propagate = False
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, _NoTracebackForBuildFailed) for f in pelican_logger.filters):
        pelican_logger.addFilter(_NoTracebackForBuildFailed())
    generators_logger = logging.getLogger("pelican.generators")
    if not any(isinstance(f, _SkipRejectedFiles) for f in generators_logger.filters):
        generators_logger.addFilter(_SkipRejectedFiles())
