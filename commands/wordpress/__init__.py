"""`invoke import-wordpress`: bring a WordPress site (its "Tools → Export" file) into content/.

See `importer.py` for the steps; README, "Moving from WordPress", for how to use it.
"""

import sys
import time
from pathlib import Path

from invoke import Exit

from .importer import ImportStopped, Importer, Options
from .report import write_report


def run(options: Options) -> None:
    """Run the import, write the report, print what happened; Exit with status 1 when it stopped."""
    started = time.perf_counter()
    try:
        result = Importer(options).run()
    except ImportStopped as stopped:
        raise Exit(stopped.message, code=stopped.code) from None
    result.seconds = time.perf_counter() - started
    report = write_report(result, options.project)
    published = sum(1 for d in result.docs if d.published)
    drafts = len(result.docs) - published
    shown = report.relative_to(options.project) if report.is_relative_to(options.project) else report
    print(
        f"{len(result.scan.items)} items in {options.export.name}: {published} published, {drafts} drafts, "
        f"{len(result.skipped)} not imported ({result.seconds:.1f} s). Report: {shown}",
        flush=True,
    )
    if result.stopped:
        print(result.stopped, file=sys.stderr)
        raise Exit(code=1)


__all__ = ["Options", "Path", "run"]
