"""`invoke deploy --target dir|rsync|gh-pages|s3`: build the published site and put it on a host.

Every target first works out a plan against what the host already has: files to upload (new or changed),
files unchanged, and files on the host that the build did not produce. Those are deleted only with
`--delete`; `--dry-run` prints the plan and changes nothing. A deploy refuses an output folder that is not
a complete publish build (a build still in progress, or one made with the development settings).

The DEPLOY setting (in publishconf.py) names the destinations. The command checks its arguments and the
DEPLOY keys before it builds anything, so a mistake stops it at once; the keys are:
`dir` (a folder), `rsync` (`user@host:/path`), `s3_bucket`, `s3_region`, `s3_endpoint_url` (for
S3-compatible hosts), `gh_pages_remote` (default `origin`), `gh_pages_branch` (default `gh-pages`) and
`cname` (a custom domain for GitHub Pages).
"""

import contextlib
import hashlib
import io
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


@dataclass
class Plan:
    uploads: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def describe(self, delete: bool, dry_run: bool) -> str:
        verb = "would upload" if dry_run else "uploaded"
        lines = [f"{verb} {name}" for name in self.uploads]
        gone = "would delete" if dry_run else "deleted"
        lines += [
            f"{gone if delete else 'kept (not in the build; --delete removes it)'} {name}"
            for name in self.extra
        ]
        lines.append(
            f"{len(self.uploads)} {verb}, {len(self.unchanged)} unchanged, "
            f"{len(self.extra) if delete else 0} {gone}"
            + ("" if delete or not self.extra else f", {len(self.extra)} left on the host")
        )
        return "\n".join(lines)


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


def plan_against(files: dict[str, Path], existing: dict[str, bytes | str], same) -> Plan:
    """Compare the build with what the host has; `same(path, what_the_host_has)` decides unchanged."""
    plan = Plan()
    for name, path in files.items():
        if name in existing and same(path, existing[name]):
            plan.unchanged.append(name)
        else:
            plan.uploads.append(name)
    plan.extra = sorted(set(existing) - set(files))
    return plan


def _same_bytes(path: Path, other: Path) -> bool:
    return path.stat().st_size == other.stat().st_size and path.read_bytes() == other.read_bytes()


def deploy_dir(output: Path, destination: Path, delete: bool, dry_run: bool) -> Plan:
    """Copy to a folder (any host that serves one)."""
    files = build_files(output)
    existing = build_files(destination) if destination.is_dir() else {}
    plan = plan_against(files, existing, _same_bytes)
    if not dry_run:
        for name in plan.uploads:
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(files[name], target)
        if delete:
            for name in plan.extra:
                (destination / name).unlink()
    return plan


def deploy_rsync(output: Path, destination: str, delete: bool, dry_run: bool) -> str:
    """rsync to `user@host:/path` (or a local path); rsync itself lists what it sent."""
    if shutil.which("rsync") is None:
        raise DeployError("rsync is not installed: install it (apt-get install rsync) or use another target")
    command = ["rsync", "--recursive", "--links", "--times", "--checksum", "--itemize-changes"]
    command += ["--delete"] if delete else []
    command += ["--dry-run"] if dry_run else []
    result = subprocess.run(
        [*command, f"{output}/", destination], capture_output=True, text=True, check=False
    )
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
    output: Path, repository: Path, options: dict, delete: bool, dry_run: bool, message: str
) -> Plan:
    """Commit the build to the gh-pages branch with ghp-import and push it, with .nojekyll and CNAME."""
    from ghp_import import GhpError, ghp_import

    remote, branch = options["gh_pages_remote"], options["gh_pages_branch"]
    with tempfile.TemporaryDirectory() as scratch:
        current = Path(scratch) / "current"
        current.mkdir()
        existing = published_tree(repository, remote, branch, current)
        files = build_files(output)
        extras = {".nojekyll"} | ({"CNAME"} if options["cname"] else set())
        plan = plan_against(files, {k: v for k, v in existing.items() if k not in extras}, _same_bytes)
        if dry_run:
            return plan
        # Without --delete the new commit keeps every file already published that the build did not make.
        source = output
        if not delete and plan.extra:
            source = Path(scratch) / "merged"
            shutil.copytree(current, source)
            shutil.copytree(output, source, dirs_exist_ok=True)
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
    if name.endswith((".html", ".xml", ".json", ".txt", ".xsl")) or "." not in name.rsplit("/", 1)[-1]:
        return REVALIDATE
    return HOUR


def content_type(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".xsl"):
        guessed = "application/xslt+xml"
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


def deploy_s3(output: Path, options: dict, bucket: str, delete: bool, dry_run: bool, client=None) -> Plan:
    """Sync to an S3 bucket: only changed objects are uploaded, each with its type and cache policy."""
    import boto3

    client = client or boto3.client(
        "s3", region_name=options["s3_region"], endpoint_url=options["s3_endpoint_url"]
    )
    existing: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            existing[item["Key"]] = item["ETag"].strip('"')
    files = s3_files(output)
    plan = plan_against(files, existing, lambda path, etag: md5_of(path) == etag)
    if not dry_run:
        for name in plan.uploads:
            client.put_object(
                Bucket=bucket,
                Key=name,
                Body=files[name].read_bytes(),
                ContentType=content_type(name),
                CacheControl=cache_control(name),
            )
        if delete:
            for start in range(0, len(plan.extra), 1000):
                chunk = plan.extra[start : start + 1000]
                client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in chunk]})
    return plan


def fail(message: str):
    raise Exit(f"deploy: {message}", 1)


def run(c, target: str, dest: str | None, dry_run: bool, delete: bool, no_build: bool) -> None:
    """`invoke deploy`: check the arguments and DEPLOY first, then build, then put public/ on the host."""
    from pelican.settings import read_settings

    if target not in TARGETS:
        fail(f"unknown target {target!r}: use dir, rsync, gh-pages or s3")
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
            print(deploy_dir(PUBLISH_OUTPUT, Path(destination), delete, dry_run).describe(delete, dry_run))
        elif target == "rsync":
            print(deploy_rsync(PUBLISH_OUTPUT, destination, delete, dry_run), end="")
        elif target == "gh-pages":
            message = f"Publish {datetime.now(ZoneInfo(settings['TIMEZONE'])):%d %B %Y %H:%M}"
            plan = deploy_gh_pages(PUBLISH_OUTPUT, ROOT, options, delete, dry_run, message)
            print(plan.describe(delete, dry_run))
        else:
            plan = deploy_s3(PUBLISH_OUTPUT, options, destination, delete, dry_run)
            print(plan.describe(delete, dry_run))
    except DeployError as error:
        raise Exit(f"deploy: {error}", 1) from None
