#!/usr/bin/env python3
"""Set up the project on first use, then hand the command over to invoke.

    python3 dev.py serve   # build the site and serve it with live reload on http://localhost:8000
    python3 dev.py test    # run the whole test suite

Any other invoke task works the same way (`python3 dev.py --list` shows them all). The virtual
environment lives in `.venv/` and holds what the task needs: building and serving the site needs only the
project's own dependencies; `test` adds the test tools and `deploy` the deploy targets' (pyproject.toml's
extras). It is brought up to date whenever `pyproject.toml`, the Python version or the task's extras
change, so pulling new dependencies needs no extra step. Only the standard library is used here because
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


# pyproject.toml's extras each task needs besides the project's own dependencies.
TASK_EXTRAS = {"test": {"test"}, "deploy": {"deploy"}, "digest": {"digest"}}


def task_extras(arguments: list[str]) -> set[str]:
    task = next((argument for argument in arguments if not argument.startswith("-")), "")
    return TASK_EXTRAS.get(task, set())


def environment_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} python{sys.version_info.major}.{sys.version_info.minor}"


def installed_extras() -> set[str] | None:
    """The extras installed from this pyproject.toml and Python; None when the environment is stale."""
    if not STAMP.is_file():
        return None
    recorded, _, extras = STAMP.read_text().strip().partition(" extras=")
    return set(filter(None, extras.split(","))) if recorded == environment_stamp() else None


def ensure_environment(extras: set[str]) -> None:
    have = installed_extras()
    if have is not None and extras <= have:
        return
    extras = extras | (have or set())
    print(
        f"Setting up {VENV.relative_to(ROOT)}/ (first run, pyproject.toml changed, or a task's tools)…",
        flush=True,
    )
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
    target = f"{ROOT}[{','.join(sorted(extras))}]" if extras else str(ROOT)
    install = subprocess.run([*pip, "install", "--upgrade", "--editable", target], cwd=ROOT, check=False)
    if install.returncode != 0:
        sys.exit("dev.py: installing the project's dependencies failed (see pip's message above).")
    STAMP.write_text(f"{environment_stamp()} extras={','.join(sorted(extras))}\n")


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must explain itself on an old Python
        sys.exit(f"dev.py: Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    ensure_environment(task_extras(sys.argv[1:]))
    invoke = BIN / ("invoke.exe" if os.name == "nt" else "invoke")
    command = [str(invoke), *(sys.argv[1:] or ["--list"])]
    os.chdir(ROOT)
    if os.name == "nt":
        sys.exit(subprocess.run(command, check=False).returncode)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
