"""`invoke deploy --target dir|rsync|gh-pages|s3`: build the published site and put it on a host.

Every target first works out a plan against what the host already has: files to upload (new or changed),
files unchanged, and files on the host that this build did not produce. A deploy leaves a manifest on the
host (`.children-first-deploy.json`: every file it published), so the next one knows which of those files
an earlier deploy of this site wrote: those it deletes (an old search-index file, a deleted article), at most
`--max-deletes` of them (default 256) unless told more. Files no deploy of this site wrote (a verification
file, another project's pages) are never deleted: the plan lists them and says how to remove one on
purpose. `--dry-run` prints the plan and changes nothing. A deploy refuses an output folder that is not a
complete publish build (a build still in progress, or one made with the development settings).

The DEPLOY setting (in publishconf.py) names the destinations. The command checks its arguments and the
DEPLOY keys before it builds anything, so a mistake stops it at once; the keys are:
`dir` (a folder), `rsync` (`user@host:/path`), `s3_bucket`, `s3_region`, `s3_endpoint_url` (for
S3-compatible hosts), `gh_pages_remote` (default `origin`), `gh_pages_branch` (default `gh-pages`) and
`cname` (a custom domain for GitHub Pages).
"""

import contextlib
import hashlib
import io
import json
import mimetypes
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit

from commands.project import PUBLISH_OUTPUT, ROOT, build
from site_core import merge_options
from site_core.paths import STAGING_PREFIX

DEFAULTS = {
    "dir": None,
    "rsync": None,
    "s3_bucket": None,
    "s3_region": None,
    "s3_endpoint_url": None,
    "gh_pages_remote": "origin",
    "gh_pages_branch": "gh-pages",
    "cname": None,
}
# Files every complete publish build has.
REQUIRED = ("index.html", "404.html", "sitemap.xml", "_headers", "robots.txt")
# Host configuration and precompressed copies mean nothing to S3, which serves each object as stored.
NOT_FOR_S3 = (".gz", ".br")
S3_SKIPPED_NAMES = {"_headers", "_redirects"}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
HOUR = "public, max-age=3600"


class DeployError(Exception):
    """A deploy that must not go ahead; the message says why and what to do."""


# Left on the host by each deploy: the files it published, so the next deploy may delete those (and only
# those) that its build no longer has.
MANIFEST = ".children-first-deploy.json"
DEFAULT_MAX_DELETES = 256


@dataclass
class Plan:
    """What a deploy does: uploads, files already the same, files an earlier deploy of this site published
    that the build no longer has (deleted), and files no deploy of this site wrote (never deleted)."""

    uploads: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def describe(self, dry_run: bool, how_to_remove: str = "delete it on the host") -> str:
        uploaded, deleted = ("would upload", "would delete") if dry_run else ("uploaded", "deleted")
        lines = [f"{uploaded} {name}" for name in self.uploads]
        lines += [f"{deleted} {name} (published by an earlier deploy of this site)" for name in self.stale]
        lines += [f"kept {name} (no deploy of this site wrote it)" for name in self.foreign]
        lines.append(
            f"{len(self.uploads)} {uploaded}, {len(self.unchanged)} unchanged, {len(self.stale)} {deleted}, "
            f"{len(self.foreign)} kept"
        )
        if self.foreign:
            lines.append(
                f"The {len(self.foreign)} kept file(s) were not put there by a deploy of this site, so no "
                f"deploy deletes them. To remove one on purpose, {how_to_remove}."
            )
        return "\n".join(lines)


def manifest_bytes(files) -> bytes:
    return json.dumps({"files": sorted(files)}, indent=1).encode("utf-8")


def published_before(data: bytes | None) -> set[str]:
    """The files the manifest on the host lists; none when there is none (or it is unreadable: then no file
    counts as this site's, and nothing is deleted)."""
    if not data:
        return set()
    try:
        listed = json.loads(data).get("files", [])
    except (ValueError, AttributeError):
        return set()
    return {name for name in listed if isinstance(name, str)}


def check_deletions(plan: Plan, max_deletes: int) -> None:
    """Stop before changing anything when a deploy would delete more than `max_deletes` files."""
    if len(plan.stale) > max_deletes:
        raise DeployError(
            f"this deploy would delete {len(plan.stale)} files an earlier deploy published, more than "
            f"--max-deletes {max_deletes}; nothing was changed. Look at the plan with --dry-run, then run "
            f"again with --max-deletes {len(plan.stale)} if it is right"
        )


TARGETS = ("dir", "rsync", "gh-pages", "s3")
# Where each target's destination comes from when --dest is not given, and what to say when neither is.
DESTINATIONS = {
    "dir": ("dir", "give --dest FOLDER or DEPLOY['dir']"),
    "rsync": ("rsync", "give --dest user@host:/path or DEPLOY['rsync']"),
    "s3": ("s3_bucket", "give --dest BUCKET or DEPLOY['s3_bucket']"),
}


def deploy_settings(settings: dict) -> dict:
    return merge_options(settings, "DEPLOY", DEFAULTS)[0]


def settings_problems(settings: dict, settings_file: Path) -> list[str]:
    """Unknown or mistyped DEPLOY keys, as `file:line: what is wrong — how to fix it`."""
    return [str(problem) for problem in merge_options(settings, "DEPLOY", DEFAULTS, settings_file)[1]]


def build_files(output: Path) -> dict[str, Path]:
    return {p.relative_to(output).as_posix(): p for p in sorted(output.rglob("*")) if p.is_file()}


def check_complete(output: Path, siteurl: str) -> None:
    """Refuse anything but a finished publish build."""
    output = output.resolve()
    if not output.is_dir():
        raise DeployError(f"{output} does not exist: run `python3 dev.py publish` first")
    if (output.parent / f"{STAGING_PREFIX}{output.name}").exists():
        raise DeployError(
            f"a build of {output} is still running or was interrupted: run the publish build again"
        )
    missing = [name for name in REQUIRED if not (output / name).is_file()]
    if missing:
        raise DeployError(
            f"{output} is not a complete build (no {', '.join(missing)}): run the publish build"
        )
    home = (output / "index.html").read_text(encoding="utf-8", errors="replace")
    if siteurl and f"{siteurl.rstrip('/')}/" not in home:
        raise DeployError(
            f"{output}/index.html was not built for {siteurl}: it is a development build; "
            "run `python3 dev.py publish` (with SITEURL set) before deploying"
        )


def plan_against(files: dict[str, Path], existing: dict, same, before: set[str]) -> Plan:
    """Compare the build with what the host has; `same(path, what_the_host_has)` decides unchanged and
    `before` is what the manifest says earlier deploys published."""
    plan = Plan()
    for name, path in files.items():
        if name in existing and same(path, existing[name]):
            plan.unchanged.append(name)
        else:
            plan.uploads.append(name)
    plan.stale, plan.foreign = left_behind(files, existing, before)
    return plan


def left_behind(files, existing, before: set[str]) -> tuple[list[str], list[str]]:
    """The host's files the build does not have: (those an earlier deploy published, all the others)."""
    gone = set(existing) - set(files) - {MANIFEST}
    return sorted(gone & before), sorted(gone - before)


def _same_bytes(path: Path, other: Path) -> bool:
    return path.stat().st_size == other.stat().st_size and path.read_bytes() == other.read_bytes()


def deploy_dir(
    output: Path, destination: Path, dry_run: bool, max_deletes: int = DEFAULT_MAX_DELETES
) -> Plan:
    """Copy to a folder (any host that serves one)."""
    files = build_files(output)
    existing = build_files(destination) if destination.is_dir() else {}
    manifest = destination / MANIFEST
    plan = plan_against(files, existing, _same_bytes, published_before(_read(manifest)))
    if dry_run:
        return plan
    check_deletions(plan, max_deletes)
    for name in plan.uploads:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(files[name], target)
    for name in plan.stale:
        (destination / name).unlink(missing_ok=True)
    remove_empty_folders(destination, plan.stale)
    manifest.write_bytes(manifest_bytes(files))
    return plan


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def remove_empty_folders(root: Path, deleted: list[str]) -> None:
    """The folders the deleted files leave empty (an old article's), deepest first."""
    folders = {parent for name in deleted for parent in (root / name).parents if parent != root}
    for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
        if folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def rsync_listing(destination: str) -> dict[str, str]:
    """The files under `destination` (`user@host:/path` or a folder), by name, as rsync lists them."""
    result = subprocess.run(
        ["rsync", "--list-only", "--recursive", f"{destination.rstrip('/')}/"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        return {}
    files = {}
    for line in result.stdout.splitlines():
        fields = line.split(None, 4)
        if len(fields) == 5 and line.startswith("-"):
            files[fields[4]] = fields[1]
    return files


def deploy_rsync(
    output: Path, destination: str, dry_run: bool, max_deletes: int = DEFAULT_MAX_DELETES
) -> Plan:
    """rsync to `user@host:/path` (or a local path): changed files sent by rsync, then the stale ones
    deleted by name, then the manifest."""
    if shutil.which("rsync") is None:
        raise DeployError("rsync is not installed: install it (apt-get install rsync) or use another target")
    target = f"{destination.rstrip('/')}/"
    files = build_files(output)
    existing = rsync_listing(destination)
    with tempfile.TemporaryDirectory() as scratch:
        fetched = Path(scratch) / MANIFEST
        if MANIFEST in existing:
            _rsync([f"{target}{MANIFEST}", str(fetched)])
        sent = _rsync(
            [
                "--recursive",
                "--links",
                "--times",
                "--checksum",
                "--itemize-changes",
                "--dry-run",
                f"{output}/",
                target,
            ]
        )
        uploads = [line[12:] for line in sent.splitlines() if line[:2] in {"<f", ">f"}]
        plan = Plan(uploads, sorted(set(files) - set(uploads)))
        plan.stale, plan.foreign = left_behind(files, existing, published_before(_read(fetched)))
        if dry_run:
            return plan
        check_deletions(plan, max_deletes)
        _rsync(["--recursive", "--links", "--times", "--checksum", f"{output}/", target])
        if plan.stale:
            empty = Path(scratch) / "empty"
            for name in plan.stale:
                (empty / name).parent.mkdir(parents=True, exist_ok=True)
            listed = Path(scratch) / "stale"
            listed.write_text("\n".join(plan.stale) + "\n", encoding="utf-8")
            _rsync(["--recursive", "--delete-missing-args", f"--files-from={listed}", f"{empty}/", target])
        manifest = Path(scratch) / "manifest" / MANIFEST
        manifest.parent.mkdir()
        manifest.write_bytes(manifest_bytes(files))
        _rsync([str(manifest), target])
    return plan


def _rsync(arguments: list[str]) -> str:
    result = subprocess.run(["rsync", *arguments], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DeployError(f"rsync failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def _git(*arguments: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, check=False)
    if check and result.returncode != 0:
        raise DeployError(
            f"git {' '.join(arguments)} failed: {result.stderr.decode(errors='replace').strip()}"
        )
    return result


def published_tree(repository: Path, remote: str, branch: str, into: Path) -> dict[str, Path]:
    """The files on the remote's gh-pages branch now (none when the branch does not exist yet)."""
    if _git("fetch", remote, branch, cwd=repository, check=False).returncode != 0:
        return {}
    archive = _git("archive", "--format=tar", "FETCH_HEAD", cwd=repository).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return build_files(into)


def deploy_gh_pages(
    output: Path,
    repository: Path,
    options: dict,
    dry_run: bool,
    message: str,
    max_deletes: int = DEFAULT_MAX_DELETES,
) -> Plan:
    """Commit the build to the gh-pages branch with ghp-import and push it, with .nojekyll and CNAME: the
    new commit keeps every file already there except those an earlier deploy published and the build no
    longer has."""
    from ghp_import import GhpError, ghp_import

    remote, branch = options["gh_pages_remote"], options["gh_pages_branch"]
    with tempfile.TemporaryDirectory() as scratch:
        current = Path(scratch) / "current"
        current.mkdir()
        existing = published_tree(repository, remote, branch, current)
        files = build_files(output)
        extras = {".nojekyll"} | ({"CNAME"} if options["cname"] else set())
        plan = plan_against(
            files,
            {k: v for k, v in existing.items() if k not in extras},
            _same_bytes,
            published_before(_read(current / MANIFEST)),
        )
        if dry_run:
            return plan
        check_deletions(plan, max_deletes)
        source = Path(scratch) / "merged"
        shutil.copytree(current, source)
        for name in plan.stale:
            (source / name).unlink()
        shutil.copytree(output, source, dirs_exist_ok=True)
        (source / MANIFEST).write_bytes(manifest_bytes(files))
        try:
            # ghp-import works on the repository of the current directory.
            with contextlib.chdir(repository):
                ghp_import(
                    str(source),
                    remote=remote,
                    branch=branch,
                    push=True,
                    nojekyll=True,
                    cname=options["cname"],
                    mesg=message,
                )
        except GhpError as error:
            raise DeployError(f"ghp-import failed: {error}") from error
        except subprocess.CalledProcessError as error:
            raise DeployError(f"pushing {branch} to {remote} failed: {error}") from error
    return plan


def cache_control(name: str) -> str:
    """Fingerprinted theme files never change; pages and feeds must be checked every time."""
    parts = name.rsplit(".", 2)
    fingerprinted = name.startswith("theme/") and len(parts) == 3 and len(parts[1]) == 10
    if fingerprinted:
        return IMMUTABLE
    if name.endswith((".html", ".xml", ".json", ".txt")) or "." not in name.rsplit("/", 1)[-1]:
        return REVALIDATE
    return HOUR


def content_type(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in {
        "application/javascript",
        "application/json",
        "image/svg+xml",
    }:
        guessed += "; charset=utf-8"
    return guessed


def s3_files(output: Path) -> dict[str, Path]:
    return {
        name: path
        for name, path in build_files(output).items()
        if not name.endswith(NOT_FOR_S3) and name not in S3_SKIPPED_NAMES
    }


def md5_of(path: Path) -> str:
    """What S3 reports as the ETag of an object uploaded in one part."""
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def deploy_s3(
    output: Path,
    options: dict,
    bucket: str,
    dry_run: bool,
    client=None,
    max_deletes: int = DEFAULT_MAX_DELETES,
) -> Plan:
    """Sync to an S3 bucket: only changed objects are uploaded, each with its type and cache policy."""
    import boto3
    from botocore.exceptions import ClientError

    client = client or boto3.client(
        "s3", region_name=options["s3_region"], endpoint_url=options["s3_endpoint_url"]
    )
    existing: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            existing[item["Key"]] = item["ETag"].strip('"')
    manifest = None
    if MANIFEST in existing:
        with contextlib.suppress(ClientError):
            manifest = client.get_object(Bucket=bucket, Key=MANIFEST)["Body"].read()
    files = s3_files(output)
    plan = plan_against(files, existing, lambda path, etag: md5_of(path) == etag, published_before(manifest))
    if dry_run:
        return plan
    check_deletions(plan, max_deletes)
    for name in plan.uploads:
        client.put_object(
            Bucket=bucket,
            Key=name,
            Body=files[name].read_bytes(),
            ContentType=content_type(name),
            CacheControl=cache_control(name),
        )
    for start in range(0, len(plan.stale), 1000):
        chunk = plan.stale[start : start + 1000]
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in chunk]})
    client.put_object(
        Bucket=bucket,
        Key=MANIFEST,
        Body=manifest_bytes(files),
        ContentType="application/json",
        CacheControl=REVALIDATE,
    )
    return plan


def fail(message: str):
    raise Exit(f"deploy: {message}", 1)


# How to remove a kept file on purpose, on each target.
REMOVING = {
    "dir": "delete it from the folder ({dest})",
    "rsync": "delete it on the host (for example: ssh to it and rm the file under {dest})",
    "gh-pages": "delete it from the gh-pages branch (git rm, commit, push)",
    "s3": "delete the object (aws s3 rm s3://{dest}/NAME)",
}


def run(c, target: str, dest: str | None, dry_run: bool, max_deletes: int, no_build: bool) -> None:
    """`invoke deploy`: check the arguments and DEPLOY first, then build, then put public/ on the host."""
    from pelican.settings import read_settings

    if target not in TARGETS:
        fail(f"unknown target {target!r}: use dir, rsync, gh-pages or s3")
    if max_deletes < 0:
        fail(f"--max-deletes must be 0 or more, not {max_deletes}")
    settings_file = ROOT / "publishconf.py"
    settings = read_settings(str(settings_file))
    problems = settings_problems(settings, settings_file)
    if problems:
        fail("\n".join(["the DEPLOY setting has problems; nothing was built or deployed:", *problems]))
    options = deploy_settings(settings)
    destination = None
    if target in DESTINATIONS:
        key, missing = DESTINATIONS[target]
        destination = dest or options[key] or fail(missing)
    if not no_build:
        build(c, "publishconf.py", PUBLISH_OUTPUT)
    try:
        check_complete(PUBLISH_OUTPUT, settings["SITEURL"])
        if target == "dir":
            plan = deploy_dir(PUBLISH_OUTPUT, Path(destination), dry_run, max_deletes)
        elif target == "rsync":
            plan = deploy_rsync(PUBLISH_OUTPUT, destination, dry_run, max_deletes)
        elif target == "gh-pages":
            message = f"Publish {datetime.now(ZoneInfo(settings['TIMEZONE'])):%d %B %Y %H:%M}"
            plan = deploy_gh_pages(PUBLISH_OUTPUT, ROOT, options, dry_run, message, max_deletes)
        else:
            plan = deploy_s3(PUBLISH_OUTPUT, options, destination, dry_run, max_deletes=max_deletes)
        print(plan.describe(dry_run, REMOVING[target].format(dest=destination)))
    except DeployError as error:
        raise Exit(f"deploy: {error}", 1) from None
