"""A rebuild after a change is byte-identical to a clean build of the same sources, and does less work.

Each case builds the project, changes one thing, rebuilds into the same output (with the cache the first
build left beside it), then builds the changed project into a fresh folder with no cache, and compares
every file of the two outputs.
"""

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html

from conftest import run_pelican, tree_digest

EPOCH = {"SOURCE_DATE_EPOCH": "1893456000"}
STATS = re.compile(
    r"incremental: (\d+) pages rendered, (\d+) unchanged\s+pages kept, (\d+) files read afresh"
)
ARTICLE = "content/articles/2026-01-20-kinship-care-feature.md"


def build(project: Path, output: Path):
    result = run_pelican(project, "pelicanconf.py", output, "--verbose", environment=EPOCH)
    return result, " ".join((result.stdout + result.stderr).split())


def stats(log: str) -> tuple[int, int, int]:
    found = STATS.search(log)
    assert found, f"no incremental summary in the log:\n{log[-3000:]}"
    rendered, kept, read = (int(n) for n in found.groups())
    return rendered, kept, read


def edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_body(project: Path) -> str:
    path = project / ARTICLE
    path.write_text(
        path.read_text(encoding="utf-8") + "\nA sentence about zephyrine outcomes.\n", encoding="utf-8"
    )
    return "zephyrine"


def retitle(project: Path) -> str:
    path = project / ARTICLE
    retitled = "title: Quillfeather report on kinship care"
    text = re.sub(r"^title: .*$", retitled, path.read_text("utf-8"), count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    return "Quillfeather"


def recategorise(project: Path) -> str:
    text = (project / ARTICLE).read_text(encoding="utf-8")
    current = re.search(r"^category: (.+)$", text, re.MULTILINE).group(1).strip()
    other = "Research" if current != "Research" else "News"
    edit(project, ARTICLE, f"category: {current}", f"category: {other}")
    return other


def add_article(project: Path) -> str:
    (project / "content/articles/brand-new-article.md").write_text(
        "---\ntitle: Marrowby council opens a new family hub\ndate: 2026-11-20T09:00\ncategory: News\n"
        "topics: [Fostering]\n---\nThe Marrowby hub opens its doors to families this week.\n",
        encoding="utf-8",
    )
    return "Marrowby"


def delete_article(project: Path) -> str:
    title = re.search(r'^title: "?(.+?)"?$', (project / ARTICLE).read_text(encoding="utf-8"), re.MULTILINE)
    (project / ARTICLE).unlink()
    return title.group(1)


def replace_photo(project: Path) -> str:
    """A lead photo replaced under the same name: its article's page and every card that shows its crop
    (home, category, topic, author, hub) point at the new copies."""
    from PIL import Image

    Image.new("RGB", (900, 600), (200, 40, 40)).save(project / "content/images/training-room.jpg", quality=90)
    return "How to run a case clinic"


def change_setting(project: Path) -> str:
    edit(project, "pelicanconf.py", 'SITENAME = "Children First"', 'SITENAME = "Children First Weekly"')
    return "Children First Weekly"


def change_template(project: Path) -> str:
    edit(
        project, "theme/templates/article.html", "{% block content %}", "{% block content %}<p>Vellichor</p>"
    )
    return "Vellichor"


def change_plugin_code(project: Path) -> str:
    edit(
        project,
        "plugins/templating/__init__.py",
        "long_date=long_date,",
        'long_date=lambda moment: long_date(moment) + " (Gloaming)",',
    )
    return "Gloaming"


@pytest.fixture
def warm(project: Path) -> Path:
    """The project with a first build, and its cache, in `project/output`."""
    result, log = build(project, project / "output")
    assert result.returncode == 0, log
    return project


def visible_text(output: Path) -> str:
    return " ".join(
        html.fromstring(path.read_bytes()).text_content() for path in sorted(output.rglob("*.html"))
    )


@pytest.mark.parametrize(
    ("change", "most_rendered", "most_read"),
    [
        (edit_body, 30, 1),
        (retitle, None, 1),
        (recategorise, None, 1),
        (add_article, None, 1),
        (delete_article, None, 0),
        (replace_photo, None, 0),
        (change_setting, None, None),
        (change_template, None, 0),
        (change_plugin_code, None, None),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_rebuild_is_the_same_as_a_clean_build(
    warm: Path, tmp_path: Path, change: Callable[[Path], str], most_rendered, most_read
):
    marker = change(warm)
    result, log = build(warm, warm / "output")
    assert result.returncode == 0, log
    rendered, kept, read = stats(log)
    clean = tmp_path / "clean" / "output"
    result, clean_log = build(warm, clean)
    assert result.returncode == 0, clean_log
    assert tree_digest(warm / "output") == tree_digest(clean)
    shown = marker in visible_text(clean)
    assert shown != (change is delete_article), f"{marker!r} should {'not ' * (change is delete_article)}show"
    if most_rendered is not None:
        assert rendered <= most_rendered, f"{rendered} pages rendered for a one-article edit"
        assert kept > 50
    if most_read is not None:
        assert read == most_read


def test_an_unchanged_rebuild_renders_and_reads_nothing(warm: Path):
    before = tree_digest(warm / "output")
    result, log = build(warm, warm / "output")
    assert result.returncode == 0, log
    rendered, kept, read = stats(log)
    assert (rendered, read) == (0, 0)
    assert kept > 50
    assert tree_digest(warm / "output") == before


def test_a_cached_article_still_fails_when_its_image_is_gone(warm: Path):
    with_image = next(
        path
        for path in (warm / "content/articles").glob("*.md")
        if "\nimage: " in path.read_text(encoding="utf-8")
    )
    image = re.search(r"^image: (.+)$", with_image.read_text(encoding="utf-8"), re.MULTILINE).group(1).strip()
    (warm / "content" / image).unlink()
    before = tree_digest(warm / "output")
    result, log = build(warm, warm / "output")
    assert result.returncode == 1
    assert f"{with_image.name}" in log
    assert "does not exist" in log
    assert tree_digest(warm / "output") == before


def test_a_cached_article_still_fails_when_a_file_its_body_shows_is_gone(project: Path):
    (project / "content/images/chart.svg").write_bytes(
        (project / "content/images/case-clinic-illustration.svg").read_bytes()
    )
    (project / "content/articles/chart.md").write_text(
        "---\ntitle: Chart\ndate: 2025-05-01\ncategory: News\n---\nIntro.\n\n![Chart](images/chart.svg)\n"
    )
    assert build(project, project / "output")[0].returncode == 0
    (project / "content/images/chart.svg").unlink()
    result, log = build(project, project / "output")
    assert result.returncode == 1
    assert "content/articles/chart.md:8: the image `images/chart.svg` names no file under content/" in log


def test_a_cached_article_repeats_its_sanitiser_warnings(project: Path):
    (project / "content/articles/with-script.md").write_text(
        "---\ntitle: An article with a script\ndate: 2026-01-05T09:00\ncategory: News\n---\n"
        "Text before.\n\n<script>alert(1)</script>\n",
        encoding="utf-8",
    )
    for _ in range(2):
        result, log = build(project, project / "output")
        assert result.returncode == 0, log
        assert "with-script.md:8: warning: removed the <script> element" in log


def test_a_failed_rebuild_keeps_the_cache_consistent(warm: Path, tmp_path: Path):
    """A broken edit leaves the output and cache as they were; fixing it gives the clean build again."""
    original = (warm / ARTICLE).read_text(encoding="utf-8")
    (warm / ARTICLE).write_text(
        original.replace("\ncategory: ", "\ncategory: Nonsense\nold_category: "), "utf-8"
    )
    result, log = build(warm, warm / "output")
    assert result.returncode == 1, log
    (warm / ARTICLE).write_text(original + "\nA fixed sentence.\n", encoding="utf-8")
    result, log = build(warm, warm / "output")
    assert result.returncode == 0, log
    clean = tmp_path / "clean" / "output"
    assert build(warm, clean)[0].returncode == 0
    assert tree_digest(warm / "output") == tree_digest(clean)


def test_switching_the_cache_off_builds_everything(warm: Path):
    with (warm / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nINCREMENTAL = {"enabled": False}\n')
    shutil.rmtree(warm / "output")
    result, log = build(warm, warm / "output")
    assert result.returncode == 0, log
    assert not STATS.search(log)
    assert (warm / "output" / "index.html").is_file()


def test_pages_rendered_on_several_processes_equal_pages_rendered_in_order(project: Path, tmp_path: Path):
    """Enough articles that changed pages are rendered by a pool of processes, some of them while Pelican's
    writer loop still runs: the same bytes as one process rendering each page in the loop."""
    for number in range(500):
        (project / f"content/articles/many-{number:03d}.md").write_text(
            f"---\ntitle: Article number {number}\ndate: 2025-{1 + number % 12:02d}-{1 + number % 28:02d}\n"
            f"category: {('News', 'Research', 'Guidance')[number % 3]}\ntopics: [Fostering]\n---\n"
            f"Text of article {number}, with a [link](/contact/).\n",
            encoding="utf-8",
        )
    parallel, log = build(project, tmp_path / "parallel" / "output")
    assert parallel.returncode == 0, log
    early = re.search(r"incremental: (\d+) pages rendered while Pelican's writer loop ran", log)
    assert early, log[-3000:]
    assert int(early.group(1)) >= 400
    in_order = run_pelican(
        project, "pelicanconf.py", tmp_path / "in-order" / "output", "-e", 'INCREMENTAL={"workers": 1}',
        environment=EPOCH,
    )  # fmt: skip
    assert in_order.returncode == 0, in_order.stderr
    assert tree_digest(tmp_path / "parallel" / "output") == tree_digest(tmp_path / "in-order" / "output")


def test_a_broken_link_on_a_page_rendered_by_another_process_fails_the_build(project: Path, tmp_path: Path):
    """Pages rendered by worker processes are link-checked from what those processes read of them: a
    broken link in one of 300 articles still fails the build, at its file and line."""
    for number in range(300):
        link = "/no-such-page/" if number == 123 else "/contact/"
        (project / f"content/articles/many-{number:03d}.md").write_text(
            f"---\ntitle: Article number {number}\ndate: 2025-{1 + number % 12:02d}-{1 + number % 28:02d}\n"
            f"category: News\ntopics: [Fostering]\n---\nText of article {number}.\n\nSee [this]({link}).\n",
            encoding="utf-8",
        )
    result, log = build(project, tmp_path / "output")
    assert result.returncode != 0
    assert "many-123.md:9: the link `/no-such-page/`" in log, log[-3000:]
    assert "Traceback" not in log


def test_cards_made_once_equal_cards_made_on_every_page(project: Path, tmp_path: Path):
    """The theme's card is a pure macro (pelicanconf.py): made once per build and reused, every page is
    byte for byte what rendering every card on every page makes."""
    reused, log = build(project, tmp_path / "reused" / "output")
    assert reused.returncode == 0, log
    every_time = run_pelican(
        project, "pelicanconf.py", tmp_path / "every-time" / "output",
        "-e", 'INCREMENTAL={"pure_macros": []}', environment=EPOCH,
    )  # fmt: skip
    assert every_time.returncode == 0, every_time.stderr
    assert tree_digest(tmp_path / "reused" / "output") == tree_digest(tmp_path / "every-time" / "output")
