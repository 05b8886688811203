"""What the benchmark measures: wall time and peak memory of a command, pages written, files that differ."""

import subprocess
import time
from pathlib import Path

from invoke import Exit

from bench import PYTHON


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """(wall seconds, peak resident memory in MB) of one command, which must succeed."""
    probe = (
        "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-c", probe, *command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise Exit(
            f"benchmark step failed: {' '.join(command)}\n{result.stdout[-2000:]}{result.stderr[-2000:]}", 1
        )
    return seconds, int(result.stderr.strip().splitlines()[-1]) // 1024


def differing_files(first: Path, second: Path) -> list[str]:
    """Files (relative) that are missing from one folder or have different bytes in the two."""

    def listing(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    one, other = listing(first), listing(second)
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))


def pages_written(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))
