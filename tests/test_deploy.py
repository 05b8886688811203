"""Each deploy target against a local stand-in: a folder, rsync to a folder, a bare Git repository, moto."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from commands import deploy
from conftest import PUBLISH_SITEURL, ROOT, fixed_environment, run_invoke, run_pelican

FINGERPRINTED_CSS = "theme/css/site.{}.css"


@pytest.fixture
def site(published_site: Path, tmp_path: Path) -> Path:
    """A private copy of the published sample site, as `public/` would hold it."""
    copy = tmp_path / "public"
    shutil.copytree(published_site, copy)
    return copy


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_complete_publish_build_is_accepted(site):
    deploy.check_complete(site, PUBLISH_SITEURL)


def test_a_development_build_is_refused(tmp_path):
    output = tmp_path / "output"
    assert run_pelican(ROOT, "pelicanconf.py", output).returncode == 0
    with pytest.raises(deploy.DeployError, match="development build"):
        deploy.check_complete(output, PUBLISH_SITEURL)


def test_an_interrupted_or_missing_build_is_refused(site, tmp_path):
    with pytest.raises(deploy.DeployError, match="does not exist"):
        deploy.check_complete(tmp_path / "nothing", PUBLISH_SITEURL)
    (site.parent / ".pelican-build-public").mkdir()
    with pytest.raises(deploy.DeployError, match="interrupted"):
        deploy.check_complete(site, PUBLISH_SITEURL)
    (site.parent / ".pelican-build-public").rmdir()
    (site / "sitemap.xml").unlink()
    with pytest.raises(deploy.DeployError, match=r"sitemap\.xml"):
        deploy.check_complete(site, PUBLISH_SITEURL)


def test_dir_copies_only_changes(site, tmp_path):
    host = tmp_path / "host"
    dry = deploy.deploy_dir(site, host, dry_run=True)
    assert not host.exists()
    assert sorted(dry.uploads) == sorted(files_under(site))
    first = deploy.deploy_dir(site, host, dry_run=False)
    assert {k: v for k, v in files_under(host).items() if k != deploy.MANIFEST} == files_under(site)
    assert len(first.uploads) == len(files_under(site))
    (host / "index.html").write_text("changed on the host")
    second = deploy.deploy_dir(site, host, dry_run=False)
    assert second.uploads == ["index.html"]
    assert (host / "index.html").read_bytes() == (site / "index.html").read_bytes()


@pytest.fixture
def rsync():
    if shutil.which("rsync") is None:
        if os.environ.get("CI"):
            pytest.fail("rsync is missing: .ci/run installs it")
        pytest.skip("rsync is not installed here")


def git(*arguments: str, cwd: Path) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    result = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def repository(tmp_path: Path) -> tuple[Path, Path]:
    """A project repository whose `origin` is a local bare repository."""
    bare = tmp_path / "remote.git"
    git("init", "--bare", "--quiet", str(bare), cwd=tmp_path)
    work = tmp_path / "project"
    work.mkdir()
    git("init", "--quiet", cwd=work)
    git("config", "user.name", "Test", cwd=work)
    git("config", "user.email", "test@example.org", cwd=work)
    git("remote", "add", "origin", str(bare), cwd=work)
    return work, bare


def published_files(bare: Path) -> set[str]:
    return set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare).split())


def test_gh_pages_commits_the_site_with_nojekyll_and_cname(site, repository):
    work, bare = repository
    options = {**deploy.DEFAULTS, "cname": "news.children-first.example"}
    plan = deploy.deploy_gh_pages(site, work, options, dry_run=True, message="Publish")
    assert "index.html" in plan.uploads
    assert git("branch", "--list", "gh-pages", cwd=bare) == ""
    deploy.deploy_gh_pages(site, work, options, dry_run=False, message="Publish")
    assert published_files(bare) == set(files_under(site)) | {".nojekyll", "CNAME", deploy.MANIFEST}
    assert git("show", "gh-pages:CNAME", cwd=bare).strip() == "news.children-first.example"
    assert git("show", "gh-pages:index.html", cwd=bare).encode() == (site / "index.html").read_bytes()


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        yield client


def test_s3_uploads_with_types_and_cache_policy_then_only_changes(site, s3):
    options = deploy.DEFAULTS
    dry = deploy.deploy_s3(site, options, "site", dry_run=True, client=s3)
    assert "index.html" in dry.uploads
    assert s3.list_objects_v2(Bucket="site").get("KeyCount") == 0
    deploy.deploy_s3(site, options, "site", dry_run=False, client=s3)
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="site")["Contents"]}
    assert "index.html" in keys
    assert not any(key.endswith((".gz", ".br")) for key in keys)
    assert "_headers" not in keys
    page = s3.head_object(Bucket="site", Key="index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == deploy.REVALIDATE
    css = next(key for key in keys if key.startswith("theme/css/site.") and key.count(".") == 2)
    assert s3.head_object(Bucket="site", Key=css)["CacheControl"] == deploy.IMMUTABLE
    assert s3.head_object(Bucket="site", Key=css)["ContentType"] == "text/css; charset=utf-8"
    again = deploy.deploy_s3(site, options, "site", dry_run=False, client=s3)
    assert again.uploads == []


class Host:
    """One deploy target and its local stand-in: deploy to it, see what it holds, put a file there by hand."""

    def __init__(self, name: str, tmp_path: Path, request) -> None:
        self.name = name
        if name == "dir":
            self.folder = tmp_path / "host"
        elif name == "rsync":
            request.getfixturevalue("rsync")
            self.folder = tmp_path / "host"
            self.folder.mkdir()
        elif name == "gh-pages":
            self.work, self.bare = request.getfixturevalue("repository")
            self.tmp_path = tmp_path
        else:
            self.client = request.getfixturevalue("s3")

    def deploy(self, site: Path, dry_run: bool = False, max_deletes: int = deploy.DEFAULT_MAX_DELETES):
        if self.name == "dir":
            return deploy.deploy_dir(site, self.folder, dry_run, max_deletes)
        if self.name == "rsync":
            return deploy.deploy_rsync(site, str(self.folder), dry_run, max_deletes)
        if self.name == "gh-pages":
            return deploy.deploy_gh_pages(site, self.work, deploy.DEFAULTS, dry_run, "Publish", max_deletes)
        return deploy.deploy_s3(
            site, deploy.DEFAULTS, "site", dry_run, client=self.client, max_deletes=max_deletes
        )

    def files(self) -> set[str]:
        if self.name in {"dir", "rsync"}:
            return set(files_under(self.folder)) if self.folder.exists() else set()
        if self.name == "gh-pages":
            branches = git("branch", "--list", "gh-pages", cwd=self.bare)
            return published_files(self.bare) - {".nojekyll"} if branches else set()
        return {item["Key"] for item in self.client.list_objects_v2(Bucket="site").get("Contents", [])}

    def put(self, name: str, data: bytes) -> None:
        """A file someone else put on the host (a search console's verification file, say)."""
        if self.name in {"dir", "rsync"}:
            (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(data)
        elif self.name == "gh-pages":
            other = self.tmp_path / f"other-{len(list(self.tmp_path.iterdir()))}"
            git("clone", "--quiet", str(self.bare), str(other), cwd=self.tmp_path)
            branch = "gh-pages" if "gh-pages" in git("branch", "-r", cwd=other) else None
            if branch:
                git("checkout", "--quiet", "gh-pages", cwd=other)
            else:
                git("checkout", "--quiet", "--orphan", "gh-pages", cwd=other)
            (other / name).parent.mkdir(parents=True, exist_ok=True)
            (other / name).write_bytes(data)
            git("add", name, cwd=other)
            git(
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.org",
                "commit",
                "--quiet",
                "-m",
                "by hand",
                cwd=other,
            )
            git("push", "--quiet", "origin", "gh-pages", cwd=other)
        else:
            self.client.put_object(Bucket="site", Key=name, Body=data)


TARGET_NAMES = ["dir", "rsync", "gh-pages", "s3"]


@pytest.fixture(params=TARGET_NAMES)
def host(request, tmp_path):
    return Host(request.param, tmp_path, request)


def deployable(site: Path, host: Host) -> set[str]:
    """What the host should hold of `site` (S3 leaves out precompressed copies and host configuration)."""
    names = set(files_under(site))
    if host.name == "s3":
        names = {n for n in names if not n.endswith(deploy.NOT_FOR_S3) and n not in deploy.S3_SKIPPED_NAMES}
    return names


def test_a_deploy_never_deletes_files_it_did_not_write(site, host):
    host.put("google1234.html", b"google-site-verification")
    host.put("old-project/index.html", b"another project's page")
    first = host.deploy(site)
    assert first.foreign == ["google1234.html", "old-project/index.html"]
    assert "no deploy of this site wrote it" in first.describe(False)
    assert "To remove one on purpose" in first.describe(False)
    assert host.files() >= deployable(site, host) | {
        "google1234.html",
        "old-project/index.html",
        deploy.MANIFEST,
    }


def test_a_redeploy_removes_what_an_earlier_deploy_published_and_the_build_no_longer_has(site, host):
    host.put("google1234.html", b"google-site-verification")
    host.deploy(site)
    gone = sorted(name for name in deployable(site, host) if name.startswith("pagefind/"))[:3]
    assert gone, "the sample site has a search index"
    for name in gone:
        (site / name).unlink()
    (site / "pagefind" / "new-index-file.pf_meta").write_bytes(b"new")
    dry = host.deploy(site, dry_run=True)
    assert dry.stale == gone
    assert all(
        f"would delete {name} (published by an earlier deploy of this site)" in dry.describe(True)
        for name in gone
    )
    assert set(gone) <= host.files(), "a dry run changes nothing"
    plan = host.deploy(site)
    assert plan.stale == gone
    assert "pagefind/new-index-file.pf_meta" in plan.uploads
    assert plan.foreign == ["google1234.html"]
    files = host.files()
    assert not set(gone) & files
    assert "google1234.html" in files
    assert files - {"google1234.html", deploy.MANIFEST} == deployable(site, host)


def test_deletions_are_capped(site, host):
    host.deploy(site)
    pages = sorted(name for name in deployable(site, host) if name.startswith("articles/"))[:3]
    for name in pages:
        (site / name).unlink()
    before = host.files()
    with pytest.raises(deploy.DeployError, match=r"would delete 3 files .* more than --max-deletes 2"):
        host.deploy(site, max_deletes=2)
    assert host.files() == before
    assert host.deploy(site, max_deletes=3).stale == pages


def test_invoke_deploy_builds_then_copies_and_reports(project, tmp_path):
    host = tmp_path / "host"
    command = [sys.executable, "-m", "invoke", "deploy", "--target", "dir", "--dest", str(host)]
    environment = fixed_environment(SITEURL=PUBLISH_SITEURL)
    dry = subprocess.run(
        [*command, "--dry-run"], cwd=project, capture_output=True, text=True, env=environment
    )
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "would upload index.html" in dry.stdout
    assert not host.exists()
    real = subprocess.run(command, cwd=project, capture_output=True, text=True, env=environment)
    assert real.returncode == 0, real.stdout + real.stderr
    assert "uploaded index.html" in real.stdout
    published = files_under(host)
    assert deploy.MANIFEST in published
    assert {k: v for k, v in published.items() if k != deploy.MANIFEST} == files_under(project / "public")


def test_invoke_deploy_stops_when_the_build_fails(project, tmp_path):
    (project / "content/articles/broken.md").write_text("---\ntitle: [unclosed\n---\n")
    host = tmp_path / "host"
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "deploy", "--target", "dir", "--dest", str(host)],
        cwd=project,
        capture_output=True,
        text=True,
        env=fixed_environment(SITEURL=PUBLISH_SITEURL),
    )
    assert result.returncode != 0
    assert "broken.md" in result.stdout + result.stderr
    assert not host.exists()


def invoke_deploy(project: Path, *options: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = run_invoke(project, "deploy", *options, environment={"SITEURL": PUBLISH_SITEURL}, timeout=120)
    return result, time.monotonic() - started


def test_invoke_deploy_without_a_destination_fails_at_once_without_building(project):
    result, _ = invoke_deploy(project, "--target", "dir")
    assert result.returncode == 1
    assert "deploy: give --dest FOLDER or DEPLOY['dir']" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "public").exists()
    assert not list(project.glob(".pelican-*"))


def test_invoke_deploy_refuses_an_unknown_target_before_building(project):
    result, _ = invoke_deploy(project, "--target", "ftp", "--dest", "somewhere")
    assert result.returncode == 1
    assert "deploy: unknown target 'ftp': use dir, rsync, gh-pages or s3" in result.stderr
    assert not (project / "public").exists()


def test_unknown_deploy_key_is_reported_before_building(project, tmp_path):
    with (project / "publishconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nDEPLOY = {"bukcet": "x"}\n')
    line = (project / "publishconf.py").read_text().splitlines().index('DEPLOY = {"bukcet": "x"}') + 1
    result, _ = invoke_deploy(project, "--target", "dir", "--dest", str(tmp_path / "host"))
    assert result.returncode == 1
    assert f"publishconf.py:{line}: DEPLOY has an unknown key `bukcet` — did you mean `s3_bucket`?" in (
        result.stderr
    )
    assert not (project / "public").exists()
    assert not (tmp_path / "host").exists()


def test_a_publish_build_does_not_check_deploy_settings(project):
    """DEPLOY belongs to the deploy command: a publish build with a mistyped key still builds."""
    with (project / "publishconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nDEPLOY = {"bukcet": "x"}\n')
    result = run_pelican(project, "publishconf.py", project / "public")
    assert result.returncode == 0, result.stdout + result.stderr
