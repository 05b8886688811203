"""The core's own rules: settings located where they were set, options parsed once, work forked in order."""

import dataclasses
import os
import time

import pytest

from site_core import Build, Problem, alias_save_as, current_build, locate_setting, parse_options
from site_core.workers import WorkerFailed, fork_map, fork_share


@dataclasses.dataclass(frozen=True)
class ExampleOptions:
    enabled: bool = True
    limit: int = 3
    names: dict = dataclasses.field(default_factory=dict)


@pytest.fixture
def site(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text('SITENAME = "x"\n\nEXAMPLE = {\n    "limit": 5,\n}\n')
    (tmp_path / "publishconf.py").write_text(
        'from pelicanconf import *  # noqa\n\nEXAMPLE = {\n    "enabld": False,\n}\n'
    )
    return tmp_path


def test_a_setting_is_found_in_the_file_that_assigns_it(site, monkeypatch):
    settings = {"PATH": str(site / "content")}
    monkeypatch.setattr("sys.argv", ["pelican", "content", "-s", str(site / "publishconf.py")])
    assert locate_setting(settings, "EXAMPLE", "enabld") == (str(site / "publishconf.py"), 4)
    assert locate_setting(settings, "SITENAME") == (str(site / "pelicanconf.py"), 1)
    monkeypatch.setattr("sys.argv", ["pelican", "content", "-s", str(site / "pelicanconf.py")])
    assert locate_setting(settings, "EXAMPLE", "limit") == (str(site / "pelicanconf.py"), 4)


def test_options_are_frozen_and_problems_name_the_key(site, monkeypatch):
    monkeypatch.setattr("sys.argv", ["pelican"])
    settings = {
        "PATH": str(site / "content"),
        "EXAMPLE": {"limit": "five", "enabld": False, "names": {"a": 1}},
    }
    options, problems = parse_options(settings, "EXAMPLE", ExampleOptions)
    assert options.limit == 3
    assert options.enabled is True
    assert options.names["a"] == 1
    with pytest.raises(TypeError):
        options.names["b"] = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.limit = 4
    assert sorted(p.message for p in problems) == [
        "EXAMPLE `limit` must be a int, not 'five'",
        "EXAMPLE has an unknown key `enabld`",
    ]
    assert {p.fix for p in problems} >= {"did you mean `enabled`?"}
    assert all(p.path == str(site / "pelicanconf.py") for p in problems)


def test_a_build_parses_options_once_and_starts_clean_when_reset(site):
    settings = {"PATH": str(site / "content"), "EXAMPLE": {"enabld": False}}
    build = current_build(settings)
    assert current_build(settings) is build
    assert build.options("EXAMPLE", ExampleOptions) is build.options("EXAMPLE", ExampleOptions)
    assert len(build.problems) == 1
    build.state("plugin", list).append("kept for this build")
    build.warn(Problem("a.md", 1, "w", "f"))
    build.reset()
    assert len(build.problems) == 0
    assert len(build.warnings) == 0
    assert build.state("plugin", list) == []
    assert build.stored("anything") is None


def test_builds_of_different_settings_are_separate():
    first, second = {"PATH": "a"}, {"PATH": "b"}
    current_build(first).report(Problem("a.md", 1, "m", "f"))
    assert isinstance(current_build(second), Build)
    assert len(current_build(second).problems) == 0


def test_fork_map_keeps_order_and_uses_other_processes():
    results = fork_map(lambda n: (n * n, os.getpid()), list(range(23)), 3)
    assert [square for square, _ in results] == [n * n for n in range(23)]
    assert {pid for _, pid in results} - {os.getpid()}


@pytest.mark.parametrize("workers", [2, 3])
def test_fork_map_gives_each_process_its_stretch(workers):
    """Items placed near each other are computed by one process, each process as many (places bunched
    towards one end still split evenly); an item with no place (None) is dealt out in turn; results keep
    the items' order."""
    items = [*range(12), None, None]
    results = fork_map(
        lambda item: (item, os.getpid()), items, workers, lambda item: None if item is None else item**3
    )
    assert [item for item, _ in results] == items
    by_process: dict[int, list] = {}
    for item, pid in results:
        if item is not None:
            by_process.setdefault(pid, []).append(item)
    stretches = sorted(by_process.values())
    assert len(stretches) == workers
    assert stretches == [
        list(range(12))[share * 12 // workers : (share + 1) * 12 // workers] for share in range(workers)
    ]


def test_a_share_started_and_abandoned_leaves_no_process():
    """fork_share: the work goes on while this process does something else; abandoned (its build failed),
    the process is stopped and reaped even while it waits to send more than a pipe holds."""
    finished = fork_share(lambda n: n * 2, [1, 2, 3])
    assert finished.outcome() == [2, 4, 6]
    waiting = fork_share(lambda n: "x" * 1_000_000, [1, 2])
    deadline = time.monotonic() + 10
    while not waiting.done() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert waiting.done()
    waiting.abandon()
    with pytest.raises(ChildProcessError):
        os.waitpid(waiting.pid, os.WNOHANG)


def test_fork_map_reports_a_worker_failure():
    def fails_on_seven(n):
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(WorkerFailed, match="seven"):
        fork_map(fails_on_seven, list(range(10)), 2)


@pytest.mark.parametrize(
    ("alias", "save_as"),
    [
        ("/news/kinship-carers/", "news/kinship-carers/index.html"),
        ("/features/kinship-2026.html", "features/kinship-2026.html"),
        ("/news/kinship-carers", "news/kinship-carers/index.html"),
        ("/", "index.html"),
        ("/2020/01/caf%C3%A9/", "2020/01/café/index.html"),
        ("/old%20name.html", "old name.html"),
    ],
)
def test_an_alias_is_saved_where_a_host_looks_for_it(alias, save_as):
    assert alias_save_as(alias) == save_as


def test_the_ledger_names_a_source_file_from_the_content_folder_however_it_is_reached(tmp_path):
    """ledger_source: a file under the content folder as given, or under the real folder a link leads to;
    nothing for a file elsewhere or a relative path."""
    from site_core.digest import ledger_source

    real = tmp_path / "real-content"
    (real / "articles").mkdir(parents=True)
    linked = tmp_path / "content"
    linked.symlink_to(real)
    assert ledger_source(linked / "articles" / "a.md", linked) == "articles/a.md"
    assert ledger_source(real / "articles" / "a.md", linked) == "articles/a.md"
    assert ledger_source(tmp_path / "elsewhere" / "a.md", linked) is None
    assert ledger_source("articles/a.md", linked) is None
    assert ledger_source(None, linked) is None
