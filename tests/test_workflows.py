"""The publishing workflow cannot be turned against the site: zizmor finds nothing, every action is pinned."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
PINNED = re.compile(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$")
ZIZMOR = Path(sys.executable).with_name("zizmor")


def zizmor_findings(folder: Path) -> list[dict]:
    # --offline: the audits that ask GitHub (known-vulnerable actions, impostor commits) need the network.
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_zizmor_finds_nothing_in_the_workflows_or_dependabot():
    findings = zizmor_findings(GITHUB)
    assert findings == [], "\n".join(f"{f['ident']}: {f['desc']}" for f in findings)


def test_zizmor_reports_what_the_workflows_used_to_do(tmp_path):
    """The check can fail: the three kinds of problem the workflow had before it was fixed are found."""
    workflow = tmp_path / ".github" / "workflows" / "publish.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "name: Publish\non: push\n"
        "permissions:\n  contents: read\n  pages: write\n  id-token: write\n"
        "jobs:\n"
        "  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/upload-pages-artifact@v3\n        with:\n          path: public\n"
        "  deploy:\n    needs: build\n    runs-on: ubuntu-latest\n"
        "    environment:\n      name: github-pages\n    steps:\n"
        "      - uses: actions/deploy-pages@v4\n",
        encoding="utf-8",
    )
    idents = [finding["ident"] for finding in zizmor_findings(tmp_path)]
    assert set(idents) == {"artipacked", "excessive-permissions", "unpinned-uses"}
    assert idents.count("unpinned-uses") == 3


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_each_action_is_pinned_to_a_commit_with_its_version_beside_it(workflow):
    """A reader (and Dependabot) sees which release a commit is, so an update is a reviewable change."""
    uses = [line.strip() for line in workflow.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert uses
    assert [line for line in uses if not PINNED.search(line)] == []


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_permissions_are_granted_per_job(workflow):
    definition = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert definition.get("permissions") == {}
    for name, job in definition["jobs"].items():
        assert "permissions" in job, f"job {name} states no permissions, so it inherits the workflow's"


PUBLISH = GITHUB / "workflows" / "publish.yml"
DIGEST_SECRETS = {"DIGEST_SERVICE_TOKEN", "DIGEST_SMTP_PASSWORD", "DIGEST_DKIM_KEY"}


def publish_workflow() -> dict:
    definition = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    definition["on"] = definition.pop(True, None) or definition.get("on")
    return definition


def steps_running(job: dict, command: str) -> list[dict]:
    return [step for step in job["steps"] if command in step.get("run", "")]


def task_options(name: str) -> set[str]:
    """The command-line options of a task of tasks.py, as `dev.py NAME --option` takes them."""
    import inspect

    import tasks

    parameters = list(inspect.signature(getattr(tasks, name).body).parameters)[1:]  # after invoke's context
    return {f"--{parameter.replace('_', '-')}" for parameter in parameters}


def needs_of(jobs: dict, name: str) -> set[str]:
    """Every job `name` waits for, directly or through another."""
    direct = jobs[name].get("needs", [])
    direct = [direct] if isinstance(direct, str) else direct
    return set(direct).union(*(needs_of(jobs, need) for need in direct))


def test_the_digest_is_sent_on_monday_mornings_in_london_whatever_the_season():
    """GitHub's cron is UTC: a run at 06:00 and at 07:00 UTC on Mondays covers 07:00 in London in summer and
    in winter; the command itself sends only in the hour DIGEST's `schedule` names."""
    crons = [entry["cron"] for entry in publish_workflow()["on"]["schedule"]]
    assert "0 6 * * 1" in crons
    assert "0 7 * * 1" in crons
    assert "0 5 * * *" in crons, "the daily publish for scheduled articles stays"


def test_the_digest_job_sends_after_the_publish_and_commits_only_the_ledger():
    jobs = publish_workflow()["jobs"]
    digest = jobs["digest"]
    assert "deploy" in digest["needs"], "the articles a digest links to are live first"
    assert "schedule" in digest["if"]
    assert digest["concurrency"] == {"group": "digest", "cancel-in-progress": False}
    [send] = steps_running(digest, "dev.py digest")
    assert send["run"].split()[:4] == ["python3", "dev.py", "digest", "--send"]
    assert "--scheduled" in send["run"]
    assert "--settings publishconf.py" in send["run"]
    secrets = {name for name, value in send["env"].items() if "secrets." in str(value)}
    assert secrets == DIGEST_SECRETS
    assert {f"secrets.{name}" for name in DIGEST_SECRETS} == {
        value.strip("${} ") for name, value in send["env"].items() if name in DIGEST_SECRETS
    }
    [commit] = steps_running(digest, "git commit")
    assert 'git config user.name "Children First digest"' in commit["run"]
    assert 'git add -- "$ledger"' in commit["run"]
    assert "ledger=newsletter/ledger.json" in commit["run"]
    assert commit["if"] == "always()", "a send that stopped half-way still records who has the digest"


def test_only_the_digest_job_may_write_to_the_repository():
    for name, job in publish_workflow()["jobs"].items():
        writes = {scope for scope, access in job["permissions"].items() if access == "write"}
        if name == "digest":
            assert writes == {"contents"}
        else:
            assert "contents" not in writes, name


def test_after_a_digest_the_site_is_published_again_with_its_page():
    jobs = publish_workflow()["jobs"]
    republish = jobs["republish"]
    assert "digest" in republish["needs"]
    assert "needs.digest.outputs.commit" in republish["if"]
    checkout = republish["steps"][0]
    assert checkout["with"]["ref"] == "${{ needs.digest.outputs.commit }}"
    assert steps_running(republish, "python3 dev.py publish")
    uploads = [step for step in republish["steps"] if "upload-pages-artifact" in step.get("uses", "")]
    name = uploads[0]["with"]["name"]
    assert name != "github-pages", "one artifact name per run: the first publish's is taken"
    [deployment] = jobs["redeploy"]["steps"]
    assert deployment["with"]["artifact_name"] == name
    assert jobs["redeploy"]["needs"] == "republish"


def test_a_pull_request_only_previews_the_digest():
    definition = publish_workflow()
    assert "pull_request" in definition["on"]
    jobs = definition["jobs"]
    for name in ("deploy", "digest", "republish", "redeploy"):
        assert "build" in needs_of(jobs, name), f"{name} waits for the build, which a pull request skips"
    assert jobs["build"]["if"] == "github.event_name != 'pull_request'"
    preview = jobs["digest-preview"]
    assert preview["if"] == "github.event_name == 'pull_request'"
    [run] = steps_running(preview, "dev.py digest")
    assert run["run"] == "python3 dev.py digest --preview digest-preview"
    assert "secrets." not in PUBLISH.read_text(encoding="utf-8").split("digest-preview:")[1]
    uploads = [step for step in preview["steps"] if "upload-artifact" in step.get("uses", "")]
    assert uploads[0]["with"]["path"] == "digest-preview"
    assert "pull_request" in str(definition["concurrency"]["group"]), "a preview never queues a publish"


def test_the_workflow_uses_only_options_the_digest_task_has():
    options = task_options("digest")
    used = set(re.findall(r"run: python3 dev\.py digest ([^\n]+)", PUBLISH.read_text(encoding="utf-8")))
    flags = {word for line in used for word in line.split() if word.startswith("--")}
    assert flags
    assert flags <= options, flags - options
