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


def test_dir_copies_only_changes_and_deletes_only_when_asked(site, tmp_path):
    host = tmp_path / "host"
    dry = deploy.deploy_dir(site, host, delete=False, dry_run=True)
    assert not host.exists()
    assert sorted(dry.uploads) == sorted(files_under(site))
    first = deploy.deploy_dir(site, host, delete=False, dry_run=False)
    assert files_under(host) == files_under(site)
    assert len(first.uploads) == len(files_under(site))
    (host / "index.html").write_text("changed on the host")
    (host / "old-page.html").write_text("published by hand long ago")
    second = deploy.deploy_dir(site, host, delete=False, dry_run=False)
    assert second.uploads == ["index.html"]
    assert second.extra == ["old-page.html"]
    assert (host / "old-page.html").exists()
    assert "kept (not in the build; --delete removes it) old-page.html" in second.describe(False, False)
    third = deploy.deploy_dir(site, host, delete=True, dry_run=False)
    assert third.uploads == []
    assert not (host / "old-page.html").exists()
    assert files_under(host) == files_under(site)


@pytest.fixture
def rsync():
    if shutil.which("rsync") is None:
        if os.environ.get("CI"):
            pytest.fail("rsync is missing: .ci/run installs it")
        pytest.skip("rsync is not installed here")


@pytest.mark.usefixtures("rsync")
def test_rsync_sends_the_site_and_keeps_extra_files_without_delete(site, tmp_path):
    host = tmp_path / "host"
    host.mkdir()
    (host / "old-page.html").write_text("published by hand")
    said = deploy.deploy_rsync(site, str(host), delete=False, dry_run=True)
    assert "index.html" in said
    assert not (host / "index.html").exists()
    said = deploy.deploy_rsync(site, str(host), delete=False, dry_run=False)
    assert "index.html" in said
    assert {k: v for k, v in files_under(host).items() if k != "old-page.html"} == files_under(site)
    assert (host / "old-page.html").exists()
    deploy.deploy_rsync(site, str(host), delete=True, dry_run=False)
    assert files_under(host) == files_under(site)


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
    plan = deploy.deploy_gh_pages(site, work, options, delete=False, dry_run=True, message="Publish")
    assert "index.html" in plan.uploads
    assert git("branch", "--list", "gh-pages", cwd=bare) == ""
    deploy.deploy_gh_pages(site, work, options, delete=False, dry_run=False, message="Publish")
    assert published_files(bare) == set(files_under(site)) | {".nojekyll", "CNAME"}
    assert git("show", "gh-pages:CNAME", cwd=bare).strip() == "news.children-first.example"
    assert git("show", "gh-pages:index.html", cwd=bare).encode() == (site / "index.html").read_bytes()


def test_gh_pages_keeps_files_it_did_not_make_unless_told(site, repository, tmp_path):
    work, bare = repository
    deploy.deploy_gh_pages(site, work, deploy.DEFAULTS, delete=False, dry_run=False, message="First")
    other = tmp_path / "other"
    git("clone", "--quiet", "--branch", "gh-pages", str(bare), str(other), cwd=tmp_path)
    (other / "google-verification.html").write_text("verification")
    git("add", "google-verification.html", cwd=other)
    git("commit", "--quiet", "-m", "verify", cwd=other)
    git("push", "--quiet", "origin", "gh-pages", cwd=other)
    again = deploy.deploy_gh_pages(site, work, deploy.DEFAULTS, delete=False, dry_run=False, message="Again")
    assert again.extra == ["google-verification.html"]
    assert again.uploads == []
    assert "google-verification.html" in published_files(bare)
    deploy.deploy_gh_pages(site, work, deploy.DEFAULTS, delete=True, dry_run=False, message="Clean")
    assert "google-verification.html" not in published_files(bare)


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        yield client


def test_s3_uploads_with_types_and_cache_policy_then_only_changes(site, s3):
    options = deploy.DEFAULTS
    dry = deploy.deploy_s3(site, options, "site", delete=False, dry_run=True, client=s3)
    assert "index.html" in dry.uploads
    assert s3.list_objects_v2(Bucket="site").get("KeyCount") == 0
    deploy.deploy_s3(site, options, "site", delete=False, dry_run=False, client=s3)
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
    again = deploy.deploy_s3(site, options, "site", delete=False, dry_run=False, client=s3)
    assert again.uploads == []
    s3.put_object(Bucket="site", Key="legacy/page.html", Body=b"old")
    kept = deploy.deploy_s3(site, options, "site", delete=False, dry_run=False, client=s3)
    assert kept.extra == ["legacy/page.html"]
    assert s3.head_object(Bucket="site", Key="legacy/page.html")
    deploy.deploy_s3(site, options, "site", delete=True, dry_run=False, client=s3)
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="site")["Contents"]}
    assert "legacy/page.html" not in keys


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
    assert files_under(host) == files_under(project / "public")


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
    result, seconds = invoke_deploy(project, "--target", "dir")
    assert result.returncode == 1
    assert "deploy: give --dest FOLDER or DEPLOY['dir']" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "public").exists()
    assert not list(project.glob(".pelican-*"))
    assert seconds < 10, f"took {seconds:.1f} s: it must fail before building"


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
