#!/usr/bin/env python3
"""Set up the project on first use, then hand the command over to invoke.

    python3 dev.py serve   # build the site and serve it with live reload on http://localhost:8000
    python3 dev.py test    # run the whole test suite

Any other invoke task works the same way (`python3 dev.py --list` shows them all). The virtual
environment lives in `.venv/` and is rebuilt whenever `pyproject.toml` or the Python version changes,
so pulling new dependencies needs no extra step. Only the standard library is used here because
nothing else is installed yet when this runs.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} python{sys.version_info.major}.{sys.version_info.minor}\n"


def ensure_environment() -> None:
    stamp = wanted_stamp()
    if STAMP.is_file() and STAMP.read_text() == stamp:
        return
    print(f"Setting up {VENV.relative_to(ROOT)}/ (first run, or pyproject.toml changed)…", flush=True)
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except (OSError, subprocess.CalledProcessError) as error:
            sys.exit(
                f"dev.py: could not create a virtual environment in {VENV}: {error}\n"
                "On Debian or Ubuntu install the venv module first: sudo apt-get install python3-venv"
            )
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # Editable: the core package (plugins/site_core) is used from the work tree, never from a stale copy.
    install = subprocess.run(
        [*pip, "install", "--upgrade", "--editable", f"{ROOT}[test]"], cwd=ROOT, check=False
    )
    if install.returncode != 0:
        sys.exit("dev.py: installing the project's dependencies failed (see pip's message above).")
    STAMP.write_text(stamp)


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must explain itself on an old Python
        sys.exit(f"dev.py: Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    ensure_environment()
    invoke = BIN / ("invoke.exe" if os.name == "nt" else "invoke")
    command = [str(invoke), *(sys.argv[1:] or ["--list"])]
    os.chdir(ROOT)
    if os.name == "nt":
        sys.exit(subprocess.run(command, check=False).returncode)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
