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
