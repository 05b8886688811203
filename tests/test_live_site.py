"""The dev server's site in memory: after any sequence of saves, the output it wrote in place is
byte-identical to a clean `pelican content -s pelicanconf.py` of the same sources.

A Hypothesis state machine saves like an author (edits the body at the start or the end, retitles,
recategorises, changes topics, adds, deletes, turns a draft into an article and back, breaks the front
matter and fixes it, edits a page) and the dev server applies each save, in place where only text changed.
"""

import json
import os
import queue
import re
import string
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from lxml import html

from conftest import (
    BUILD_EPOCH,
    copy_project,
    restore_signals,
    run_pelican,
    snapshot_signals,
    tree_digest,
)

CATEGORIES = ["News", "Features", "Research", "Guidance", "Interviews", "Opinion"]
TOPICS = ["Safeguarding", "Fostering", "Adoption", "Care leavers", "Family justice", "Mental health"]
WORDS = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=30).map(str.strip).filter(bool)
PICK = st.integers(min_value=0, max_value=10_000)
# The theme's banner links to this article: deleting it (or making it a draft) rightly fails the build.
LINKED_FROM_THEME = "2024-01-22-willispalmer-remote-assessment-service.md"


def set_front_matter(text: str, key: str, value: str | None) -> str:
    """The file with front-matter `key` set to the YAML `value` (or removed, for None)."""
    _, front, body = text.split("---\n", 2)
    lines = [line for line in front.splitlines() if not line.startswith(f"{key}:")]
    if value is not None:
        lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def differing_files(first: Path, second: Path) -> list[str]:
    one, other = tree_digest(first), tree_digest(second)
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))


@pytest.mark.longest
def test_any_sequence_of_saves_leaves_the_output_of_a_clean_build(tmp_path, monkeypatch):
    from commands.dev_server import Site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    runs = iter(range(1_000))

    class Saves(RuleBasedStateMachine):
        @initialize()
        def serve(self) -> None:
            self.signals = snapshot_signals()
            self.project = copy_project(tmp_path / f"run-{next(runs)}")
            self.site = Site(self.project, self.project / "output")
            self.site.build()
            assert not self.site.failure, self.site.failure
            self.broken: tuple[Path, str] | None = None
            self.added = 0

        def articles(self) -> list[Path]:
            return sorted((self.project / "content" / "articles").glob("*.md"))

        def pick(self, index: int, folder: str = "articles", *, unlinked: bool = False) -> Path:
            # A broken file is changed only by fixing it.
            files = [
                path
                for path in sorted((self.project / "content" / folder).glob("*.md"))
                if not (unlinked and path.name == LINKED_FROM_THEME)
                and not (self.broken and path == self.broken[0])
            ]
            return files[index % len(files)]

        def save(self, path: Path, text: str | None) -> None:
            if text is None:
                path.unlink()
            else:
                path.write_text(text, encoding="utf-8")
            line = self.site.save({path})
            assert bool(self.site.failure) == (self.broken is not None), line

        def change(self, path: Path, edit) -> None:
            self.save(path, edit(path.read_text(encoding="utf-8")))

        @rule(index=PICK, words=WORDS, at_start=st.booleans())
        def edit_body(self, index, words, at_start):
            def edit(text):
                _, front, body = text.split("---\n", 2)
                body = f"\n{words}.\n{body}" if at_start else f"{body}\n{words}.\n"
                return f"---\n{front}---\n{body}"

            self.change(self.pick(index), edit)

        @rule(index=PICK, words=WORDS)
        def retitle(self, index, words):
            self.change(self.pick(index), lambda text: set_front_matter(text, "title", json.dumps(words)))

        @rule(index=PICK, category=st.sampled_from(CATEGORIES))
        def recategorise(self, index, category):
            self.change(self.pick(index), lambda text: set_front_matter(text, "category", category))

        @rule(index=PICK, topics=st.lists(st.sampled_from(TOPICS), max_size=3, unique=True))
        def change_topics(self, index, topics):
            value = f"[{', '.join(topics)}]" if topics else None
            self.change(self.pick(index), lambda text: set_front_matter(text, "topics", value))

        @rule(index=PICK, words=WORDS, day=st.integers(min_value=1, max_value=28))
        def add_article(self, index, words, day):
            self.added += 1
            path = self.project / "content" / "articles" / f"2026-02-{day:02d}-added-{self.added}.md"
            category = CATEGORIES[index % len(CATEGORIES)]
            front = f"title: {json.dumps(words)}\ndate: 2026-02-{day:02d}T09:00\ncategory: {category}\n"
            self.save(path, f"---\n{front}---\n{words} opens this article.\n")

        @precondition(lambda self: len(self.articles()) > 3)
        @rule(index=PICK)
        def delete_article(self, index):
            path = self.pick(index, unlinked=True)
            if self.broken and self.broken[0] == path:
                self.broken = None
            self.save(path, None)

        @rule(index=PICK)
        def draft_or_publish(self, index):
            path = self.pick(index, unlinked=True)
            drafted = re.search(r"^status: draft$", path.read_text(encoding="utf-8"), re.MULTILINE)
            value = None if drafted else "draft"
            self.change(path, lambda text: set_front_matter(text, "status", value))

        @precondition(lambda self: self.broken is None)
        @rule(index=PICK)
        def break_front_matter(self, index):
            path = self.pick(index)
            good = path.read_text(encoding="utf-8")
            self.broken = (path, good)
            self.save(path, re.sub(r"^category: ", "category: [", good, count=1, flags=re.MULTILINE))

        @precondition(lambda self: self.broken is not None)
        @rule()
        def fix_front_matter(self):
            path, good = self.broken
            self.broken = None
            self.save(path, good)

        @rule(index=PICK, words=WORDS)
        def edit_page(self, index, words):
            self.change(self.pick(index, "pages"), lambda text: f"{text}\n{words}.\n")

        @invariant()
        def the_last_good_pages_are_served(self):
            assert (self.project / "output" / "index.html").is_file()

        def teardown(self):
            try:
                if self.broken is not None:
                    self.fix_front_matter()
                clean = self.project.parent / f"{self.project.name}-clean"
                result = run_pelican(self.project, "pelicanconf.py", clean)
                assert result.returncode == 0, result.stderr
                assert differing_files(self.project / "output", clean) == []
            finally:
                restore_signals(self.signals)

    Saves.TestCase.settings = settings(
        # STATE_MACHINE_EXAMPLES=40 for a longer hunt than the suite's
        max_examples=int(os.environ.get("STATE_MACHINE_EXAMPLES", "10")),
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    Saves.TestCase().runTest()


@pytest.fixture
def live(tmp_path, monkeypatch):
    """The dev server's site, built once in this process, and the project it serves."""
    from commands.dev_server import Site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    before = snapshot_signals()
    project = copy_project(tmp_path / "project")
    site = Site(project, project / "output")
    site.build()
    assert not site.failure, site.failure
    try:
        yield site, project
    finally:
        restore_signals(before)


def modification_times(output: Path) -> dict[str, int]:
    return {p.relative_to(output).as_posix(): p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}


def test_a_text_edit_rewrites_only_the_pages_that_show_what_changed(live):
    site, project = live
    output = project / "output"
    article = project / "content" / "articles" / "2025-06-19-youth-justice-diversion.md"
    before = modification_times(output)
    article.write_text(article.read_text(encoding="utf-8") + "\nA closing line, saved.\n", encoding="utf-8")
    line = site.save({article})
    assert re.fullmatch(r"1 page rewritten in place in [0-9.]+ s", line), line
    changed = {name for name, moment in modification_times(output).items() if before.get(name) != moment}
    assert "articles/youth-justice-diversion/index.html" in changed
    assert not any(name.endswith(".html") and "youth-justice-diversion" not in name for name in changed)
    assert "A closing line, saved." in (output / "articles/youth-justice-diversion/index.html").read_text()

    text = article.read_text(encoding="utf-8")
    article.write_text(set_front_matter(text, "title", '"Diverting children from court"'), encoding="utf-8")
    line = site.save({article})
    assert "in place" in line, line
    for listing in ("index.html", "category/features/index.html", "knowledge-resources/index.html"):
        page = (output / listing).read_text(encoding="utf-8")
        if "articles/youth-justice-diversion/" in page:
            assert "Diverting children from court" in page, listing
    unrelated = output / "articles/kinship-care-feature/index.html"
    assert "Diverting children from court" not in unrelated.read_text(encoding="utf-8")


# A published article with a lead image, and a draft without one.
PUBLISHED = "2025-06-19-youth-justice-diversion.md"
DRAFT = "2026-11-12-virtual-school-heads-wider-role.md"


@pytest.mark.parametrize(
    ("name", "edits"),
    [
        (PUBLISHED, {"category": "Research"}),
        (PUBLISHED, {"topics": "[Youth justice, Policy, Fostering]"}),
        (PUBLISHED, {"date": "2019-02-03"}),
        (DRAFT, {"status": None}),
        (DRAFT, {"category": "Research"}),
    ],
)
def test_a_move_is_applied_in_place_as_a_clean_build_would_write_it(live, name, edits):
    """A save that changes where an article is listed is applied without a build: the pages rendered
    again and removed leave the output byte-identical to a clean build of the same sources."""
    site, project = live
    article = project / "content" / "articles" / name
    text = article.read_text(encoding="utf-8")
    for key, value in edits.items():
        text = set_front_matter(text, key, value)
    article.write_text(text)
    line = site.save({article})
    assert re.fullmatch(
        r"(first [0-9]+ pages? shown in [0-9.]+ s, then )?"
        r"[0-9]+ pages? rewritten, [0-9]+ removed, in place in [0-9.]+ s",
        line,
    ), line
    clean = project.parent / "clean"
    result = run_pelican(project, "pelicanconf.py", clean)
    assert result.returncode == 0, result.stderr
    assert differing_files(project / "output", clean) == []
    article.write_text(article.read_text(encoding="utf-8") + "\nA line after the move.\n", encoding="utf-8")
    line = site.save({article})
    assert "in place" in line, "after a move, a text edit is applied in place again"


def test_moves_with_drafts_previewed_leave_what_a_fresh_server_writes(tmp_path, monkeypatch):
    """With drafts previewed (as `invoke serve` runs), a new draft, the draft published, a new article,
    a category change and a deletion, each applied in place, leave the output byte-identical to a fresh
    server's first build of the same sources."""
    from commands.dev_server import Site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    before = snapshot_signals()
    try:
        project = copy_project(tmp_path / "project")
        site = Site(project, project / "output", drafts=True)
        site.build()
        folder = project / "content" / "articles"
        draft = folder / "2026-01-05-new-draft.md"
        story = folder / "2026-01-06-new-story.md"
        moved = folder / PUBLISHED
        header = 'title: "A draft"\ndate: 2026-01-05T09:00\ncategory: News\n'
        saves = [
            (draft, f"---\n{header}status: draft\n---\nDraft.\n"),
            (draft, f"---\n{header}---\nDraft.\n"),
            (story, '---\ntitle: "A story"\ndate: 2026-01-06T09:00\ncategory: Research\n---\nStory.\n'),
            (moved, set_front_matter(moved.read_text(encoding="utf-8"), "category", "Research")),
            (draft, None),
        ]
        for path, text in saves:
            if text is None:
                path.unlink()
            else:
                path.write_text(text, encoding="utf-8")
            line = site.save({path})
            assert "in place" in line, line
        restore_signals(before)  # the fresh server alone, with nothing kept from the first
        fresh = Site(project, tmp_path / "fresh", drafts=True)
        fresh.build()
        assert differing_files(project / "output", tmp_path / "fresh") == []
    finally:
        restore_signals(before)


def test_a_build_after_moves_removes_the_pages_only_a_move_made(live):
    """A new article's page, written by a move, is removed by a later build that does not make it (the
    article made a draft in a save that is a build: another article given a new address): the build
    knows every page moves wrote. (Found by the state machine above.)"""
    site, project = live
    output = project / "output"
    folder = project / "content" / "articles"
    story = folder / "2026-02-07-a-new-story.md"
    story.write_text('---\ntitle: "A new story"\ndate: 2026-02-07T09:00\ncategory: News\n---\nStory.\n')
    assert "in place" in site.save({story})
    assert (output / "articles/a-new-story/index.html").is_file()
    story.write_text(set_front_matter(story.read_text(encoding="utf-8"), "status", "draft"))
    readdressed = folder / PUBLISHED
    text = readdressed.read_text(encoding="utf-8")
    readdressed.write_text(set_front_matter(text, "slug", "diversion-moved"))
    line = site.save({story, readdressed})
    assert not site.failure, site.failure
    assert "in place" not in line, line
    assert not (output / "articles/a-new-story/index.html").exists()
    clean = project.parent / "clean"
    result = run_pelican(project, "pelicanconf.py", clean)
    assert result.returncode == 0, result.stderr
    assert differing_files(output, clean) == []


def test_a_move_with_a_new_address_is_a_build(live):
    site, project = live
    article = project / "content" / "articles" / "2025-06-19-youth-justice-diversion.md"
    text = set_front_matter(article.read_text(encoding="utf-8"), "category", "Opinion")
    article.write_text(set_front_matter(text, "slug", "diversion-moved"))
    line = site.save({article})
    assert "in place" not in line, line
    page = (project / "output" / "category/opinion/index.html").read_text(encoding="utf-8")
    assert "articles/diversion-moved/" in page


def test_a_text_edit_with_a_broken_link_is_reported_until_it_is_fixed(live):
    site, project = live
    article = project / "content" / "articles" / "2025-06-19-youth-justice-diversion.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good + "\nSee [the old guidance](/no-such-guidance/).\n", encoding="utf-8")
    line = site.save({article})
    assert line.startswith("did not build"), line
    lines = len(good.splitlines()) + 2
    assert f"2025-06-19-youth-justice-diversion.md:{lines}: the link `/no-such-guidance/`" in site.failure
    article.write_text(good + "\nSee [our guidance](/knowledge-resources/).\n", encoding="utf-8")
    line = site.save({article})
    assert "in place" in line, line
    assert site.failure == ""


def test_a_file_saved_unchanged_rewrites_nothing(live):
    site, project = live
    article = project / "content" / "articles" / "2025-06-19-youth-justice-diversion.md"
    article.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    line = site.save({article})
    assert re.fullmatch(r"0 pages rewritten in place in [0-9.]+ s", line), line


def test_a_broken_template_is_shown_and_the_server_keeps_serving(live):
    site, project = live
    template = project / "theme" / "templates" / "article.html"
    good = template.read_text(encoding="utf-8")
    broken = good.replace("{% block content %}", "{% block content %}{{ article.title|no_such }}", 1)
    template.write_text(broken, encoding="utf-8")
    line = site.save({template})
    assert line.startswith("did not build"), line
    assert "no_such" in site.failure
    template.write_text(good, encoding="utf-8")
    line = site.save({template})
    assert site.failure == "", line


def test_a_new_article_is_on_the_first_screen_before_the_build(live, monkeypatch):
    """Before the build a new article needs, its page and the first page of the home page, its category
    and the hub already show it, and open pages are told to reload; the build then leaves every page as
    a clean build would (the state machine above checks that)."""
    site, project = live
    output = project / "output"
    title = "Kinship carers gain a new helpline"
    seen_before_build: dict[str, bool] = {}
    generation = site.generation
    build_all = site.build_all

    def look_then_build() -> str:
        seen_before_build["reloaded"] = site.generation > generation
        for name in (
            "articles/kinship-helpline/index.html",
            "index.html",
            "category/news/index.html",
            "knowledge-resources/index.html",
        ):
            page = output / name
            seen_before_build[name] = page.is_file() and title in page.read_text(encoding="utf-8")
        return build_all()

    monkeypatch.setattr(site, "build_all", look_then_build)
    article = project / "content" / "articles" / "2026-11-30-kinship-helpline.md"
    # With an old address (a redirect page to publish), the save is a build (see commands/moves.py).
    article.write_text(
        f'---\ntitle: "{title}"\ndate: 2026-11-30T09:00\ncategory: News\ntopics: [Fostering]\n'
        "aliases: [/news/kinship-helpline/]\n---\nA helpline for kinship carers opens in December.\n",
        encoding="utf-8",
    )
    line = site.save({article})
    assert re.fullmatch(r"first 4 pages shown in [0-9.]+ s, then [0-9]+ pages written in [0-9.]+ s", line)
    assert all(seen_before_build.values()), seen_before_build
    home = html.fromstring((output / "index.html").read_bytes())
    # The featured story stays the lead; the newest story heads the top stories beside it.
    top = home.xpath("//section[@class='top-stories']//h3[@class='card-title']/a/@href")
    assert top[0] == "/articles/kinship-helpline/"


def test_a_first_screen_is_taken_back_when_its_build_fails(live):
    """A new article that takes another's slug: its first screen (written over the other's page) shows at
    once, the build then fails on the clash before writing anything, and every file the first screen
    wrote holds again what the last good build left."""
    site, project = live
    output = project / "output"
    before = {
        name: (output / name).read_bytes()
        for name in ("articles/youth-justice-diversion/index.html", "index.html", "category/news/index.html")
    }
    article = project / "content" / "articles" / "2026-11-30-same-slug.md"
    article.write_text(
        '---\ntitle: "A story that takes an address"\ndate: 2026-11-30T09:00\ncategory: News\n'
        "slug: youth-justice-diversion\n---\nA story.\n",
        encoding="utf-8",
    )
    line = site.save({article})
    assert line.startswith("did not build"), line
    assert "the slug `youth-justice-diversion` is already used" in site.failure
    assert {name: (output / name).read_bytes() for name in before} == before


def test_a_replaced_photo_is_shown_after_its_save(live):
    """The server keeps the articles it read; a photo replaced under the same name is still made again,
    and the pages that show it point at the new copies."""
    from PIL import Image

    site, project = live
    photo = project / "content" / "images" / "training-room.jpg"
    page = project / "output" / "articles" / "case-clinics-peer-learning" / "index.html"
    before = re.findall(r"/media/([0-9a-f]{16})/training-room-", page.read_text(encoding="utf-8"))
    assert before
    Image.new("RGB", (900, 600), (200, 40, 40)).save(photo, quality=90)
    line = site.save({photo})
    assert not site.failure, site.failure
    assert "written" in line, line
    after = set(re.findall(r"/media/([0-9a-f]{16})/training-room-", page.read_text(encoding="utf-8")))
    assert after
    assert not after & set(before)
    (key,) = after
    with Image.open(project / "output" / "media" / key / "training-room-900.jpg") as made:
        assert made.size == (900, 600)
    assert not (project / "output" / "media" / before[0]).exists()


def files_named(folder: Path, stem: str) -> list[str]:
    """Every file below `folder` made of the image `stem`: at its own path, its variants, its cards."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob(f"{stem}*") if path.is_file())


def test_a_drafts_images_are_published_with_it_and_withdrawn_with_it(live, tmp_path):
    """The server keeps the articles it read between builds: an article turned into a draft takes its
    images off the site (not those another published article shares), publishing it brings them back,
    and a new draft's new photo stays off the site until it is published. The output is then what a
    clean build makes."""
    from PIL import Image

    site, project = live
    output = project / "output"
    articles = project / "content" / "articles"

    def status(path: Path, value: str | None) -> None:
        path.write_text(set_front_matter(path.read_text(encoding="utf-8"), "status", value), encoding="utf-8")
        line = site.save({path})
        assert not site.failure, site.failure
        assert "in place" not in line, line

    court = articles / "2024-03-12-family-court-sitting-days-record.md"
    assert files_named(output, "family-court-building")
    status(court, "draft")
    assert files_named(output, "family-court-building") == []
    assert not (output / "articles" / "family-court-sitting-days-record").exists()
    status(court, None)
    assert files_named(output, "family-court-building")
    page = html.fromstring((output / "articles/family-court-sitting-days-record/index.html").read_bytes())
    offered = page.xpath("//figure[@class='lead-image']//@srcset | //meta[@property='og:image']/@content")
    addresses = [candidate.split()[0] for value in offered for candidate in value.split(",")]
    assert len(addresses) > 3
    for address in addresses:
        assert (output / unquote(urlsplit(address).path).lstrip("/")).is_file(), address

    clinics = articles / "2026-03-10-case-clinics-peer-learning.md"
    status(clinics, "draft")
    assert files_named(output, "case-clinic-illustration") == []
    assert files_named(output, "training-room"), "the photo a published article shares stays published"

    photo = project / "content" / "images" / "embargoed-visit.jpg"
    Image.new("RGB", (900, 600), (40, 120, 60)).save(photo, quality=90)
    embargoed = articles / "2026-11-28-embargoed-visit.md"
    embargoed.write_text(
        '---\ntitle: "A minister visits a children\'s home"\ndate: 2026-11-28T09:00\ncategory: News\n'
        "status: draft\nimage: images/embargoed-visit.jpg\nimage_alt: A minister talking with staff\n---\n\n"
        "Embargoed until the visit.\n",
        encoding="utf-8",
    )
    line = site.save({photo, embargoed})
    assert not site.failure, site.failure
    assert files_named(output, "embargoed-visit") == [], line
    status(embargoed, None)
    assert files_named(output, "embargoed-visit")
    assert (output / "images" / "embargoed-visit.jpg").is_file()

    clean = tmp_path / "clean"
    result = run_pelican(project, "pelicanconf.py", clean)
    assert result.returncode == 0, result.stderr
    assert differing_files(output, clean) == []


def test_cards_made_between_saves_are_every_card_the_listings_show(live):
    """After a build the idle server makes, a few pages a step, the card of every article a listing page
    shows (a build made them in its render processes, so they are not here); a move after it is applied
    as a clean build would write it."""
    site, project = live
    environments = [g.env for g in site.generators if getattr(getattr(g, "env", None), "fragments", None)]
    for environment in environments:
        environment.fragments.made.clear()
    listings = [
        recipe.localcontext["articles_page"].object_list
        for recipe in site.live.recipes.values()
        if getattr(recipe.localcontext.get("articles_page"), "object_list", None)
    ]
    steps = list(site.live.warm_cards(pages_per_step=4, fruitless=len(listings)))
    assert steps == sorted(steps)
    assert steps[-1] == len(listings)
    assert steps[:-1] == list(range(4, len(listings) + 1, 4))
    carded = {
        id(content)
        for environment in environments
        for fragment in environment.fragments.made.values()
        for content in fragment.contents
    }
    assert {id(article) for shown in listings for article in shown} <= carded
    # Every card made: a template's pages after the first that makes none are passed over.
    assert list(site.live.warm_cards(pages_per_step=4, fruitless=1))[-1] < len(listings)

    story = project / "content" / "articles" / "2026-02-07-a-new-story.md"
    story.write_text('---\ntitle: "A new story"\ndate: 2026-02-07T09:00\ncategory: News\n---\nStory.\n')
    assert "in place" in site.save({story})
    clean = project.parent / "clean"
    result = run_pelican(project, "pelicanconf.py", clean)
    assert result.returncode == 0, result.stderr
    assert differing_files(project / "output", clean) == []


def test_the_server_works_between_saves_and_stops_when_one_comes():
    """`next_save` takes idle steps one at a time while no save waits, and returns a save (with those saved
    meanwhile) as soon as one comes, leaving the remaining steps undone."""
    from commands.dev_server import next_save

    saves: queue.Queue = queue.Queue()
    taken: list[int] = []

    def idle():
        for step in range(10):
            taken.append(step)
            if step == 2:
                saves.put({Path("a.md")})
                saves.put({Path("b.md")})
            yield

    work = idle()
    assert next_save(saves, work) == {Path("a.md"), Path("b.md")}
    assert taken == [0, 1, 2]
    saves.put({Path("c.md")})
    assert next_save(saves, work) == {Path("c.md")}
    assert taken == [0, 1, 2]
    finished = iter(())
    saves.put({Path("d.md")})
    assert next_save(saves, finished) == {Path("d.md")}


def process_state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def settled_state(pid: int, wanted) -> str:
    """The process's state once `wanted(state)` holds, or after 5 s (a signal takes effect when the
    kernel next schedules the process)."""
    deadline = time.monotonic() + 5
    while not wanted(state := process_state(pid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return state


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_the_search_refresh_is_held_while_a_save_is_applied_and_ended_with_the_server():
    from commands.dev_server import SearchIndexer

    indexer = SearchIndexer()
    busy = "import time\nwhile True: time.sleep(0.01)"
    indexer.running = subprocess.Popen([sys.executable, "-c", busy], start_new_session=True)
    try:
        pid = indexer.running.pid
        assert process_state(pid) != "T"
        with indexer.held():
            assert settled_state(pid, lambda state: state == "T") == "T"
        assert settled_state(pid, lambda state: state != "T") != "T"
        indexer.stop()
        assert indexer.running.wait(timeout=10) != 0
    finally:
        indexer.running.kill()
        indexer.running.wait()
