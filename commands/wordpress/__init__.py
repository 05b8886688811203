"""`invoke import-wordpress`: bring a WordPress site (its "Tools → Export" file) into content/.

See `importer.py` for the steps; README, "Moving from WordPress", for how to use it.
"""

import sys
import time
from collections import Counter
from pathlib import Path

from invoke import Exit

from .importer import Importer, ImportStopped, Options
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
    actions = Counter(doc.outcome for doc in result.docs)
    print(
        f"{len(result.scan.items)} items in {options.export.name}: {published} published, {drafts} drafts, "
        f"{len(result.skipped)} not imported ({result.seconds:.1f} s).",
        flush=True,
    )
    if actions:
        print("Files: " + ", ".join(f"{count} {action}" for action, count in sorted(actions.items())) + ".")
    print(f"Report: {shown}", flush=True)
    if result.stopped:
        print(result.stopped, file=sys.stderr)
        raise Exit(code=1)


__all__ = ["Options", "Path", "run"]
