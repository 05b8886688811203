"""The browser editor's local backend: decap-server, so /admin/ saves straight into content/ while
`invoke serve` runs (the dev server then rebuilds the page, as for a save in a text editor)."""

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from commands.project import ROOT
from editor.decap import EditorOptions
from site_core import parse_options

SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
STARTUP_SECONDS = 30


def start(settings: dict, repository: Path = ROOT, environment: dict | None = None) -> subprocess.Popen | str:
    """decap-server on the port the editor expects, listening on this machine only, stopped when this
    process ends (in git mode with EDITOR['local_workflow']: a branch per entry, as on the live site);
    or why it did not start, in words. `environment` adds to this process's own."""
    options = parse_options(settings, "EDITOR", EditorOptions)[0]
    if "editor" not in settings.get("PLUGINS", []) or not options.local:
        return "the editor is not part of development builds (EDITOR['local'])"
    node = shutil.which("node")
    if node is None or not SERVER.is_file():
        return "the editor's local backend is not installed: install Node.js and run `npm ci`"
    address = urlsplit(options.local_backend_url)
    host, port = address.hostname or "localhost", address.port or 80
    if listening(host, port):
        return f"port {port} is in use (EDITOR['local_backend_url'] chooses another)"
    variables = {
        **os.environ,
        **(environment or {}),
        "MODE": "git" if options.local_workflow else "fs",
        "PORT": str(port),
        "BIND_HOST": host,
        "GIT_REPO_DIRECTORY": str(repository),
        "LOG_LEVEL": "warn",
    }
    log_descriptor, log_name = tempfile.mkstemp(prefix="children-first-editor-backend-", suffix=".log")
    with os.fdopen(log_descriptor, "w") as log:
        process = subprocess.Popen([node, str(SERVER)], env=variables, cwd=repository, stdout=log, stderr=log)
    atexit.register(process.terminate)
    deadline = time.monotonic() + STARTUP_SECONDS
    # It is ready once it listens; it stops at once when (git mode) the folder is not a git repository.
    while process.poll() is None and time.monotonic() < deadline:
        if listening(host, port):
            return process
        time.sleep(0.1)
    process.terminate()
    said = Path(log_name).read_text(encoding="utf-8", errors="replace")
    reason = next((line.strip() for line in said.splitlines() if line.startswith(("Error:", "error:"))), "")
    return f"its local backend stopped at start ({reason or 'see ' + log_name})"


def listening(host: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) == 0
