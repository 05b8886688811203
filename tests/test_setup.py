"""Setting up: `dev.py` installs only the extras a task needs, and the editor's bundle comes from its own
package tarball, checked against the lock file, without the dependencies it was built with."""

import base64
import hashlib
import io
import json
import re
import shlex
import stat
import tarfile
from types import SimpleNamespace

import pytest
from invoke import Exit

import dev
from commands import node_tools


@pytest.mark.parametrize(
    ("arguments", "extras"),
    [
        (["serve"], set()),
        (["serve", "--port", "8090"], set()),
        ([], set()),
        (["build"], set()),
        (["import-wordpress", "export.xml"], set()),
        (["test", "-p", "feeds"], {"test"}),
        (["deploy", "--target", "dir"], {"deploy"}),
    ],
)
def test_a_task_installs_only_the_extras_it_needs(arguments, extras):
    assert dev.task_extras(arguments) == extras


def test_the_environment_is_reused_only_when_it_holds_what_the_task_needs(tmp_path, monkeypatch):
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".installed-from")
    assert dev.installed_extras() is None
    dev.STAMP.write_text(f"{dev.environment_stamp()} extras=test\n")
    assert dev.installed_extras() == {"test"}
    dev.STAMP.write_text(f"{dev.environment_stamp()} extras=\n")
    assert dev.installed_extras() == set()
    dev.STAMP.write_text("0123 python3.11 extras=test\n")
    assert dev.installed_extras() is None, "another pyproject.toml: set up again"


EDITOR_PACKAGE = {
    "package/package.json": b'{"name": "decap-cms", "version": "3.16.3"}',
    "package/dist/decap-cms.js": b"window.CMS = {};",
    "package/src/index.js": b"import everything from 'six hundred packages';",
}


def editor_tarball(files: dict[str, bytes]) -> bytes:
    """A small stand-in of the editor's package: its bundle and the build sources the site never uses."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture(params=[{}], ids=["the package"])
def fake_npm(tmp_path, monkeypatch, request):
    """An `npm` whose `pack` writes the stand-in tarball (with `request.param`'s files added), and a lock
    file pinning it."""
    data = editor_tarball({**EDITOR_PACKAGE, **request.param})
    tarball = tmp_path / "decap-cms-3.16.3.tgz"
    tarball.write_bytes(data)
    npm = tmp_path / "npm"
    # `npm pack decap-cms@3.16.3 --pack-destination FOLDER …`: the tarball lands in FOLDER.
    npm.write_text(f'#!/bin/sh\ncp "{tarball}" "$4"\n')
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    lock = tmp_path / "editor-lock.json"
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    lock.write_text(
        json.dumps({"packages": {"node_modules/decap-cms": {"version": "3.16.3", "integrity": integrity}}})
    )
    monkeypatch.setattr(node_tools, "EDITOR_LOCK", lock)
    monkeypatch.setattr(node_tools, "MODULES", tmp_path / "node_modules")
    return npm


def test_the_editor_bundle_is_unpacked_alone_from_a_tarball_the_lock_file_vouches_for(fake_npm, tmp_path):
    node_tools.unpack_editor(str(fake_npm))
    unpacked = tmp_path / "node_modules" / "decap-cms"
    assert sorted(p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()) == [
        "dist/decap-cms.js",
        "package.json",
    ]


@pytest.mark.parametrize("fake_npm", [{"package/dist/../../../escape.txt": b"outside"}], indirect=True)
def test_a_tarball_with_a_path_out_of_its_folder_is_refused(fake_npm, tmp_path):
    with pytest.raises(Exit, match="holds a file it may not"):
        node_tools.unpack_editor(str(fake_npm))
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "node_modules" / "decap-cms").exists()


def test_a_tarball_that_is_not_the_one_locked_is_refused(fake_npm, tmp_path):
    lock = json.loads(node_tools.EDITOR_LOCK.read_text())
    lock["packages"]["node_modules/decap-cms"]["integrity"] = "sha512-" + base64.b64encode(b"x" * 64).decode()
    node_tools.EDITOR_LOCK.write_text(json.dumps(lock))
    with pytest.raises(Exit, match=r"does not match package-lock\.json's integrity"):
        node_tools.unpack_editor(str(fake_npm))
    assert not (tmp_path / "node_modules" / "decap-cms").exists()


def test_serve_installs_the_local_backend_alone_and_the_editor_and_checkers_are_pinned_apart():
    packages = {
        name: json.loads((dev.ROOT / name / "package.json").read_text())
        for name in (".", "plugins/editor", "tests/checkers")
    }
    assert packages["."]["dependencies"] == {"decap-server": "3.11.3"}
    assert set(packages["."]) <= {"name", "private", "description", "engines", "dependencies"}
    assert packages["plugins/editor"]["dependencies"] == {"decap-cms": "3.16.3"}
    checkers = packages["tests/checkers"]["devDependencies"]
    assert set(checkers) == {"lighthouse", "axe-core", "pa11y", "vnu-jar", "@mdn/mdn-http-observatory"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in checkers.values()), "pinned exactly"
    assert {package["engines"]["node"] for package in packages.values()} == {">=20.19"}
    lock = json.loads((dev.ROOT / "package-lock.json").read_text())
    assert "node_modules/decap-cms" not in lock["packages"], "the editor's build dependencies stay out"
    assert "node_modules/lighthouse" not in lock["packages"]
    assert node_tools.editor_entry()["integrity"].startswith("sha512-")


def test_the_checkers_are_installed_without_any_browser_download(tmp_path, monkeypatch):
    """`invoke test` installs the checkers with npm ci, without install scripts and with Puppeteer (pa11y's)
    told not to fetch a Chrome of its own: the tests run the machine's Chromium."""
    checkers = tmp_path / "checkers"
    checkers.mkdir()
    (checkers / "package-lock.json").write_text("{}\n")
    monkeypatch.setattr(node_tools, "CHECKERS", checkers)
    # The local backend and the editor count as installed: only the checkers' lock file is new.
    monkeypatch.setattr(node_tools, "up_to_date", lambda stamp, lock: lock != checkers / "package-lock.json")
    monkeypatch.setattr(node_tools.shutil, "which", lambda name: f"/usr/bin/{name}")
    runs = []

    def run(command, **options):
        runs.append((shlex.split(command), options))
        (checkers / "node_modules").mkdir()
        return SimpleNamespace(exited=0)

    node_tools.install(SimpleNamespace(run=run), for_tests=True)
    [(command, options)] = runs
    assert command[:4] == ["/usr/bin/npm", "ci", "--prefix", str(checkers)]
    assert "--ignore-scripts" in command
    assert options["env"]["PUPPETEER_SKIP_DOWNLOAD"] == "1"
    assert (checkers / "node_modules" / node_tools.STAMP_NAME).read_text() == node_tools.digest_of(
        checkers / "package-lock.json"
    )
