"""safe_build: collect every content problem of a build, report them together, and never touch good output.

Other plugins call `report()` for each problem they find, and connect to `before_publish` for checks
over the finished output. A build with problems stops before anything is written, prints each problem
as `path:line: what is wrong — how to fix it`, exits with status 1, and leaves the output folder as it
was. A good build is written to a staging folder and swapped in whole.
"""

import logging
from pathlib import Path

from blinker import signal
from pelican import signals

from .output import prepare_staging, remove_tree, swap_into_place
from .problems import (
    BuildFailed,
    ContentRejected,
    Problem,
    ProblemLog,
    display_path,
    print_report,
    print_warnings,
)
from .settings import config_problem, plugin_settings

__all__ = [
    "BuildFailed",
    "ContentRejected",
    "Problem",
    "after_publish",
    "before_publish",
    "config_problem",
    "display_path",
    "finishing",
    "plugin_settings",
    "register",
    "report",
    "warn",
]

logger = logging.getLogger(__name__)

# Sent with the Pelican object once every file is written to the staging folder and before it is
# swapped in; receivers inspect `pelican.output_path` and `report()` what is wrong.
before_publish = signal("safe_build.before_publish")
# Sent once every check has passed, just before the swap: last touches that add files but change no page
# (precompressed copies), so they see the final bytes.
finishing = signal("safe_build.finishing")
# Sent with the Pelican object once the new output is in place (caches record what it was made from).
after_publish = signal("safe_build.after_publish")

# The SAFE_BUILD setting. `check_only` reads and validates everything, then stops before writing:
# that is `invoke check`.
DEFAULTS = {"check_only": False}

problem_log = ProblemLog()
warning_log = ProblemLog()


def report(problem: Problem) -> None:
    """A problem that stops the build."""
    problem_log.add(problem)


def warn(problem: Problem) -> None:
    """Something the build put right by itself but the author should know about; it does not stop it."""
    warning_log.add(problem)


class SkipRejectedFiles(logging.Filter):
    """Drops Pelican's own "Could not process" line for files whose problems we have reported."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Could not process %s" and record.args:
            # Pelican names the file relative to the content folder.
            named = "/" + Path(str(record.args[0])).as_posix()
            return not any(path.endswith(named) for path in problem_log.paths())
        return True


rejected_files_filter = SkipRejectedFiles()


def _check_only(pelican) -> bool:
    return bool(plugin_settings(pelican.settings, "SAFE_BUILD", DEFAULTS)[0]["check_only"])


def start_build(pelican) -> None:
    """Runs at the start of every build (also each rebuild of an autoreloading Pelican)."""
    problem_log.clear()
    warning_log.clear()
    problem_log.extend(plugin_settings(pelican.settings, "SAFE_BUILD", DEFAULTS)[1])
    logging.getLogger("pelican.generators").addFilter(rejected_files_filter)
    if _check_only(pelican):
        pelican.delete_outputdir = False
    else:
        # Pelican hands this path to every generator and the writer: all output goes to staging.
        pelican.output_path = str(prepare_staging(pelican.settings["OUTPUT_PATH"]))


def stop_on_problems(pelican) -> None:
    """Runs once all content is read, just before Pelican starts writing."""
    if problem_log:
        _fail(pelican, "Nothing was written: the previous output is unchanged.")
    if _check_only(pelican):
        print_warnings(warning_log.sorted())
        print("All content is valid.", flush=True)
        raise SystemExit(0)


def publish(pelican) -> None:
    before_publish.send(pelican)
    if problem_log:
        _fail(pelican, "The new build was discarded: the previous output is unchanged.")
    finishing.send(pelican)
    swap_into_place(
        Path(pelican.output_path), pelican.settings["OUTPUT_PATH"], pelican.settings["OUTPUT_RETENTION"]
    )
    pelican.output_path = pelican.settings["OUTPUT_PATH"]
    after_publish.send(pelican)
    print_warnings(warning_log.sorted())


def _fail(pelican, outcome: str) -> None:
    problems = problem_log.sorted()
    problem_log.clear()
    if not _check_only(pelican):
        remove_tree(Path(pelican.output_path))
        pelican.output_path = pelican.settings["OUTPUT_PATH"]
    print_warnings(warning_log.sorted())
    print_report(problems, outcome)
    raise BuildFailed


def register() -> None:
    signals.get_generators.connect(start_build)
    signals.get_writer.connect(stop_on_problems)
    signals.finalized.connect(publish)
