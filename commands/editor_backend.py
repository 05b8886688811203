"""The browser editor's local backend: decap-server, so /admin/ saves straight into content/ while
`invoke serve` runs (the dev server then rebuilds the page, as for a save in a text editor)."""

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from commands.project import ROOT

SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
DEFAULT_URL = "http://localhost:8081/api/v1"
STARTUP_SECONDS = 4


def editor_options(settings: dict) -> dict:
    return settings.get("EDITOR") or {}


def local_backend_url(settings: dict) -> str | None:
    """Where the editor of a development build looks for its local backend; None when it has none."""
    editor = editor_options(settings)
    if "editor" not in settings.get("PLUGINS", []) or not editor.get("local"):
        return None
    return str(editor.get("local_backend_url") or DEFAULT_URL)


def start(settings: dict, repository: Path = ROOT) -> subprocess.Popen | str:
    """decap-server on the port the editor expects, listening on this machine only, stopped when this
    process ends (in git mode with EDITOR['local_workflow']: a branch per entry, as on the live site);
    or why it did not start, in words."""
    url = local_backend_url(settings)
    if url is None:
        return "the editor is not part of development builds (EDITOR['local'])"
    node = shutil.which("node")
    if node is None or not SERVER.is_file():
        return "the editor's local backend is not installed: install Node.js and run `npm ci`"
    address = urlsplit(url)
    environment = {
        **os.environ,
        "MODE": "git" if editor_options(settings).get("local_workflow") else "fs",
        "PORT": str(address.port or 80),
        "BIND_HOST": address.hostname or "localhost",
        "GIT_REPO_DIRECTORY": str(repository),
        "LOG_LEVEL": "warn",
    }
    log = Path(tempfile.gettempdir()) / "children-first-editor-backend.log"
    with log.open("w", encoding="utf-8") as stream:
        process = subprocess.Popen(
            [node, str(SERVER)], env=environment, cwd=repository, stdout=stream, stderr=stream
        )
    try:
        # It stops at once when it cannot listen (the port is taken) or the folder is not a git repository.
        process.wait(timeout=STARTUP_SECONDS)
    except subprocess.TimeoutExpired:
        atexit.register(process.terminate)
        return process
    said = log.read_text(encoding="utf-8", errors="replace")
    reason = next((line.strip() for line in said.splitlines() if line.startswith(("Error:", "error:"))), "")
    return f"its local backend stopped at start ({reason or 'see ' + str(log)})"
