"""Build aside, then swap: the output folder is replaced whole, keeping what OUTPUT_RETENTION names."""

from pathlib import Path

from safe_build.output import prepare_staging, swap_into_place
from site_core import Problem, staging_path
from site_core.problems import ProblemLog, configure_logging, log_problems


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_staging_is_a_fresh_sibling_of_the_output(tmp_path):
    output = tmp_path / "site"
    write(staging_path(output) / "stale.html", "left by a crashed build")
    staging = prepare_staging(output)
    assert staging.parent == tmp_path
    assert list(staging.iterdir()) == []


def test_swap_replaces_everything_but_retained_names(tmp_path):
    output = tmp_path / "site"
    write(output / "old-article" / "index.html", "removed article")
    write(output / ".git" / "HEAD", "ref: refs/heads/gh-pages")
    write(output / "CNAME", "old.example")
    staging = prepare_staging(output)
    write(staging / "index.html", "new home")
    write(staging / "CNAME", "new.example")
    swap_into_place(staging, output, [".git", "CNAME"])
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()) == [
        ".git/HEAD",
        "CNAME",
        "index.html",
    ]
    assert (output / "CNAME").read_text() == "new.example"
    assert not staging.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_swap_creates_a_missing_output(tmp_path):
    output = tmp_path / "first" / "site"
    staging = prepare_staging(output)
    write(staging / "index.html", "home")
    swap_into_place(staging, output, [])
    assert (output / "index.html").read_text() == "home"


def test_report_lists_problems_sorted_without_repeats(tmp_path, capsys):
    log = ProblemLog()
    later = Problem(str(tmp_path / "b.md"), 2, "late", "fix b")
    log.extend([later, Problem(str(tmp_path / "a.md"), 9, "early", "fix a"), later])
    configure_logging()
    log_problems(log.sorted(), "Nothing was written.")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith("a.md:9: early — fix a")
    assert lines[1].endswith("b.md:2: late — fix b")
    assert lines[-1] == "2 problems in 2 files. Nothing was written."
