"""What the project takes from npm, and only what each task needs.

`serve` needs the browser editor's bundle and its local backend; the tests also need their checkers (the
Nu Html Checker, the Observatory scanner, axe-core, Lighthouse). `package.json` says which is which:
`dependencies` is the local backend (decap-server), `devDependencies` the tests' checkers, and
`optionalDependencies` the editor (decap-cms), whose published bundle (`dist/`) is all the site copies
into /admin/. Its 600-odd dependencies are for building that bundle from source, so the editor is taken
from its package tarball alone: fetched by npm, its integrity checked against package-lock.json, and
unpacked into node_modules/decap-cms/.
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
STAMP = MODULES / ".children-first-installed"
EDITOR = "decap-cms"
# What of the editor's package the site uses: its bundle, and what says what it is.
EDITOR_FILES = ("package/package.json", "package/LICENSE", "package/README.md")
EDITOR_FOLDER = "package/dist/"
PRELOAD = MODULES / "@mdn" / "mdn-http-observatory" / "conf" / "hsts-preload.json"
NPM_QUIET = ["--ignore-scripts", "--no-audit", "--no-fund"]


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def installed() -> set[str]:
    """The kinds of tools installed from this very lock file ("serve", "test")."""
    if not STAMP.is_file():
        return set()
    digest, _, kinds = STAMP.read_text().partition(" ")
    return set(kinds.split(",")) if digest == lock_digest() else set()


def install(c, for_tests: bool) -> None:
    """`npm ci` for what the task needs (the tests' checkers only `for_tests`), then the editor's bundle;
    nothing when it is there already from this lock file."""
    npm = shutil.which("npm")
    if not LOCK.is_file():  # a copy of the sources without the npm side (the tests' project copies)
        return
    if npm is None:
        print(
            "npm is not installed: /admin/ (the browser editor) is left out of builds, and the tests that "
            "need npm's checkers are skipped."
        )
        return
    wanted = {"serve", "test"} if for_tests else {"serve"}
    have = installed()
    if wanted <= have:
        return
    kinds = wanted | have
    # --ignore-scripts: install scripts would download things (Java for vnu-jar, the HSTS preload list for
    # the Observatory); the machine's Java is used and the scan runs without the preload list.
    omit = ["--omit=optional"] + ([] if "test" in kinds else ["--omit=dev"])
    succeed(c.run(shlex.join([npm, "ci", *omit, *NPM_QUIET]), warn=True))
    unpack_editor(npm)
    if PRELOAD.parent.is_dir() and not PRELOAD.is_file():
        PRELOAD.write_text("{}\n")
    STAMP.write_text(f"{lock_digest()} {','.join(sorted(kinds))}")


def editor_entry() -> dict:
    entry = json.loads(LOCK.read_text(encoding="utf-8"))["packages"].get(f"node_modules/{EDITOR}")
    if not entry or "integrity" not in entry:
        raise Exit(f"package-lock.json has no pinned {EDITOR}: run `npm install` once to pin it", code=1)
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
        archive.extractall(target, members=members, filter="data")
