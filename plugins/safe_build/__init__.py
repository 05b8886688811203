"""safe_build: a build is written aside and swapped in whole, so a failed build never touches good output.

Every file goes to a staging folder beside the output folder (see `output.py`). When the core has run every
check over it without a problem, the staging folder replaces the output folder in two renames, keeping what
OUTPUT_RETENTION names; when the build fails, the staging folder is removed and the output is as it was.

The SAFE_BUILD setting: `check_only` (default False) reads and validates everything, then stops before
writing anything: that is `invoke check`. `in_place` (default False) writes into the output folder itself,
as the dev server does (the incremental plugin then replaces each page whole, and a failed build shows its
problems in the browser instead of the site).
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from pelican import signals

import site_core
from site_core import current_build
from site_core.problems import log_warnings

from .output import prepare_staging, remove_tree, swap_into_place

logger = logging.getLogger(__name__)
report_logger = logging.getLogger("site_core.report")


@dataclass(frozen=True)
class SafeBuildOptions:
    check_only: bool = False
    in_place: bool = False


class ContentIsValid(SystemExit):
    """Ends `invoke check` once every file has been read without a problem: nothing is written."""

    def __init__(self) -> None:
        super().__init__(0)


def _options(settings: dict) -> SafeBuildOptions:
    return current_build(settings).options("SAFE_BUILD", SafeBuildOptions)


def start_build(pelican) -> None:
    """Runs at the start of every build: Pelican hands `output_path` to every generator and the writer."""
    options = _options(pelican.settings)
    if options.check_only:
        pelican.delete_outputdir = False
    elif not options.in_place:
        pelican.output_path = str(prepare_staging(pelican.settings["OUTPUT_PATH"]))


def stop_when_checked(pelican) -> None:
    """In check-only mode, once everything is read: the core's receiver, which runs first, has already
    stopped the build if anything is wrong."""
    if _options(pelican.settings).check_only:
        log_warnings(current_build(pelican.settings).warnings.sorted())
        if report_logger.isEnabledFor(logging.WARNING):
            print("All content is valid.", flush=True)
        raise ContentIsValid


def discard(pelican) -> None:
    staging = Path(pelican.output_path)
    if staging != Path(pelican.settings["OUTPUT_PATH"]) and not _options(pelican.settings).check_only:
        remove_tree(staging)
    pelican.output_path = pelican.settings["OUTPUT_PATH"]


def swap(pelican) -> None:
    staging = Path(pelican.output_path)
    if staging == Path(pelican.settings["OUTPUT_PATH"]):
        return
    swap_into_place(staging, pelican.settings["OUTPUT_PATH"], pelican.settings["OUTPUT_RETENTION"])
    pelican.output_path = pelican.settings["OUTPUT_PATH"]


def register() -> None:
    site_core.connect()
    signals.get_generators.connect(start_build)
    signals.get_writer.connect(stop_when_checked)
    site_core.build_failed.connect(discard)
    site_core.publish_output.connect(swap)
