"""What the project takes from npm, and only what each task needs.

Three package files, each with its lock file, say what is for what:

- `package.json` (the project's root): what `invoke serve` runs, the browser editor's local backend
  (decap-server);
- `plugins/editor/package.json`: the browser editor itself (decap-cms). The site copies only its published
  bundle (`dist/`) into /admin/; the 600-odd packages it was built from are never installed. The bundle is
  taken from the package's tarball, fetched by npm, checked against the integrity this lock file pins, and
  unpacked into node_modules/decap-cms/;
- `tests/checkers/package.json`: the tests' own checkers (the Nu Html Checker, the Observatory scanner,
  axe-core, pa11y, Lighthouse), installed by `invoke test` only.

Each is installed once per lock file: a stamp beside what was installed records the lock's digest.
"""

import base64
import hashlib
import io
import json
import shlex
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from invoke import Exit

from commands.project import ROOT, succeed

LOCK = ROOT / "package-lock.json"
MODULES = ROOT / "node_modules"
EDITOR_LOCK = ROOT / "plugins" / "editor" / "package-lock.json"
CHECKERS = ROOT / "tests" / "checkers"
EDITOR = "decap-cms"
# What of the editor's package the site uses: its bundle, and what says what it is.
EDITOR_FILES = ("package/package.json", "package/LICENSE", "package/README.md")
EDITOR_FOLDER = "package/dist/"
STAMP_NAME = ".children-first-installed"
NPM_QUIET = ["--ignore-scripts", "--no-audit", "--no-fund"]
# Puppeteer (under pa11y) downloads a Chrome of its own when installed unless told not to: told here, besides
# --ignore-scripts, so no npm run of the checkers ever fetches it. pa11y runs the machine's Chromium.
CHECKERS_ENVIRONMENT = {"PUPPETEER_SKIP_DOWNLOAD": "1"}


def digest_of(lock: Path) -> str:
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def up_to_date(stamp: Path, lock: Path) -> bool:
    return stamp.is_file() and stamp.read_text().strip() == digest_of(lock)


def install(c, for_tests: bool) -> None:
    """What the task needs from npm (the tests' checkers only `for_tests`), each part only when its lock
    file changed since it was installed."""
    npm = shutil.which("npm")
    if not LOCK.is_file():  # a copy of the sources without the npm side (the tests' project copies)
        return
    if npm is None:
        print(
            "npm is not installed: /admin/ (the browser editor) is left out of builds, and the tests that "
            "need npm's checkers are skipped."
        )
        return
    # --ignore-scripts: install scripts would download things (Java for vnu-jar, the HSTS preload list for
    # the Observatory, a Chrome for pa11y's Puppeteer); the machine's Java and Chromium are used and the scan
    # runs without the preload list.
    backend_stamp = MODULES / STAMP_NAME
    if not up_to_date(backend_stamp, LOCK):
        succeed(c.run(shlex.join([npm, "ci", *NPM_QUIET]), warn=True))
        backend_stamp.write_text(digest_of(LOCK))
    editor_stamp = MODULES / EDITOR / STAMP_NAME
    if not up_to_date(editor_stamp, EDITOR_LOCK):
        unpack_editor(npm)
        editor_stamp.write_text(digest_of(EDITOR_LOCK))
    checkers_stamp = CHECKERS / "node_modules" / STAMP_NAME
    if for_tests and not up_to_date(checkers_stamp, CHECKERS / "package-lock.json"):
        command = shlex.join([npm, "ci", "--prefix", str(CHECKERS), *NPM_QUIET])
        succeed(c.run(command, warn=True, env=CHECKERS_ENVIRONMENT))
        preload = CHECKERS / "node_modules" / "@mdn" / "mdn-http-observatory" / "conf" / "hsts-preload.json"
        if preload.parent.is_dir() and not preload.is_file():
            preload.write_text("{}\n")
        checkers_stamp.write_text(digest_of(CHECKERS / "package-lock.json"))


def editor_entry() -> dict:
    entry = json.loads(EDITOR_LOCK.read_text(encoding="utf-8"))["packages"].get(f"node_modules/{EDITOR}")
    if not entry or "integrity" not in entry:
        raise Exit(
            f"{EDITOR_LOCK} pins no {EDITOR}: run `npm install --package-lock-only` in its folder", code=1
        )
    return entry


def integrity_of(data: bytes, algorithm: str) -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def unpack_editor(npm: str) -> None:
    """The editor's bundle from its package tarball, checked against the lock file's integrity."""
    entry = editor_entry()
    expected = entry["integrity"]
    with tempfile.TemporaryDirectory() as folder:
        packed = subprocess.run(
            [npm, "pack", f"{EDITOR}@{entry['version']}", "--pack-destination", folder, "--json", "--silent"],
            capture_output=True,
            text=True,
            check=False,
            cwd=folder,
        )
        tarballs = sorted(Path(folder).glob("*.tgz"))
        if packed.returncode != 0 or not tarballs:
            raise Exit(f"npm could not fetch {EDITOR} {entry['version']}: {packed.stderr.strip()}", code=1)
        data = tarballs[0].read_bytes()
    algorithm = expected.split("-", 1)[0]
    if integrity_of(data, algorithm) != expected:
        raise Exit(
            f"the {EDITOR} package npm fetched does not match package-lock.json's integrity: not unpacked",
            code=1,
        )
    target = MODULES / EDITOR
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = [
            member
            for member in archive.getmembers()
            if member.name.startswith(EDITOR_FOLDER) or member.name in EDITOR_FILES
        ]
        for member in members:
            member.name = member.name.removeprefix("package/")
        try:
            archive.extractall(target, members=members, filter="data")
        except tarfile.FilterError as error:
            shutil.rmtree(target, ignore_errors=True)
            raise Exit(
                f"the {EDITOR} package holds a file it may not ({error}): not unpacked", code=1
            ) from None
