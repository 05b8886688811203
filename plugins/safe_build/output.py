"""Build into a staging folder beside the output folder, then swap it in only when the build is good.

A failed build therefore never leaves a half-written or emptied site behind: the previous output
stays exactly as it was.
"""

import logging
import shutil
from pathlib import Path

from site_core import staging_path
from site_core.paths import STAGING_PREFIX

logger = logging.getLogger(__name__)


def prepare_staging(output_path: str | Path) -> Path:
    """An empty staging folder on the same file system as the output, so the swap is two renames."""
    staging = staging_path(output_path)
    remove_tree(staging)
    staging.mkdir(parents=True)
    return staging


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def swap_into_place(staging: Path, output_path: str | Path, retained: list[str]) -> None:
    """Replace the output folder by the staging folder, keeping the names listed in `retained`.

    `retained` is Pelican's OUTPUT_RETENTION (for example a `.git` folder that a deploy keeps in the
    output), which must survive a rebuild just as it does with Pelican's own output cleaning.
    """
    output = Path(output_path).resolve()
    if output.exists():
        for name in retained:
            kept = output / name
            if kept.exists() and not (staging / name).exists():
                kept.rename(staging / name)
        retired = output.parent / f"{STAGING_PREFIX}{output.name}.old"
        remove_tree(retired)
        output.rename(retired)
        staging.rename(output)
        remove_tree(retired)
    else:
        staging.rename(output)
    logger.debug("Swapped the new build into %s", output)
