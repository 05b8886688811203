"""`invoke import-wordpress`: bring a WordPress site (its "Tools → Export" file) into content/.

See `importer.py` for the steps; README, "Moving from WordPress", for how to use it.
"""

import time
from collections import Counter

from invoke import Exit

from .convert import NEEDS
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
    shown = report.relative_to(options.project) if report.is_relative_to(options.project) else report
    if result.stopped:
        raise Exit(f"Nothing was imported. {result.stopped}\nThe plan is in {shown}.", code=1)
    published = sum(1 for d in result.docs if d.published)
    waiting = sum(1 for d in result.docs if not d.published or any(n.kind == NEEDS for n in d.notes))
    state = "to publish" if options.dry_run else "published"
    print(
        f"{len(result.scan.items)} items in {options.export.name}: {published} {state}, "
        f"{len(result.docs) - published} drafts, {len(result.skipped)} not imported "
        f"({result.seconds:.1f} s).",
        flush=True,
    )
    actions = Counter(doc.outcome for doc in result.docs)
    print("Files: " + ", ".join(f"{count} {action}" for action, count in sorted(actions.items())) + ".")
    needs = f" ({waiting} items need a person: drafts first)" if waiting else ""
    print(f"Report: {shown}{needs}", flush=True)


__all__ = ["Options", "run"]
