"""`invoke import-wordpress`: the map, what is and is not imported, personal data, front matter, re-runs.

Each test writes a small export of its own (tests/wxr_builder.py) and imports it into a copy of the
project, as an author would; the content rules are in test_wordpress_content.py, the eight real exports
in test_wordpress_shared.py.
"""

import re

import pytest
import yaml
from lxml import html as lxml_html

from conftest import tree_digest
from wordpress_import import (
    build,
    build_warnings,
    export_of,
    front_matter_and_body,
    import_wordpress,
    imported_files,
)
from wordpress_media import media_server, stand_in_uploads
from wxr_builder import ZERO_DATE, Author, Comment, Item, attachment, page, post

NEWS = ("category", "news-updates", "News & Updates")
RESEARCH = ("category", "research-reports", "Research reports")
FOSTER_TAG = ("post_tag", "foster-care", "foster care")
# Shares one long word with a sensitive topic ("Child sexual abuse and exploitation") and means nothing of it.
EXPLOITS_TAG = ("post_tag", "defi-exploits", "DeFi exploits")
GARDEN = "https://old.example.org/wp-content/uploads/2024/06/garden.jpg"


@pytest.fixture
def small_export(tmp_path):
    return export_of(
        post(
            10,
            'Kinship carers: "what next?" & more',
            "<p>Kinship carers raise children when parents cannot.</p>",
            name="kinship-carers",
            categories=[NEWS, FOSTER_TAG],
            excerpt="Carers explain what help they need.",
        ),
        post(
            11,
            "Research round-up",
            "<p>Findings from three studies.</p>",
            name="round-up",
            categories=[RESEARCH, EXPLOITS_TAG],
        ),
    ).write(tmp_path / "export.xml")


def write_map(project, export, choices: dict[str, str], topics: dict[str, list[str]] | None = None):
    """Fill in the map the first run wrote: a category for each WordPress category slug, topics for terms."""
    path = project / "imports" / f"{export.stem}.map.yml"
    text = path.read_text(encoding="utf-8")
    for slug, category in choices.items():
        text = re.sub(rf'("{slug}":[^\n]*\n    category:)[^\n]*', rf'\1 "{category}"', text)
    for slug, names in (topics or {}).items():
        text = re.sub(
            rf'("{slug}":[^\n]*\n(?:    category:[^\n]*\n)?    topics:)[^\n]*', rf"\1 {names}", text
        )
    path.write_text(text, encoding="utf-8")
    return path


def test_the_first_run_writes_the_map_and_a_dry_run_report_and_imports_nothing(project, small_export):
    before = tree_digest(project / "content")
    result = import_wordpress(project, small_export)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "2 WordPress categories have no category of this site yet" in result.stderr
    assert "--default-category" in result.stderr
    assert tree_digest(project / "content") == before, (
        "nothing is imported before every category has a target"
    )
    mapping = (project / "imports" / "export.map.yml").read_text(encoding="utf-8")
    parsed = yaml.safe_load(mapping)
    assert parsed["categories"] == {
        "news-updates": {"category": None, "topics": []},
        "research-reports": {"category": None, "topics": []},
    }
    assert parsed["tags"] == {"foster-care": {"topics": []}, "defi-exploits": {"topics": []}}
    assert '"News & Updates", 1 post' in mapping
    assert "suggestion: News" in mapping
    assert "suggestion: Research" in mapping
    assert "suggestion: [Fostering]" in mapping
    unsuggested = r'"defi-exploits":[^\n]*\n    topics: \[\]\n'
    assert re.search(unsuggested, mapping), "no topic is guessed from one shared word"
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    assert "Dry run: nothing was written to content/" in report
    assert "| **all items in the export** | **2** |" in report


def test_with_a_complete_map_the_import_follows_it(project, small_export):
    import_wordpress(project, small_export)
    write_map(
        project,
        small_export,
        {"news-updates": "News", "research-reports": "Research"},
        {"foster-care": "[Fostering]"},
    )
    result = import_wordpress(project, small_export)
    assert result.returncode == 0, result.stderr
    files = imported_files(project)
    assert sorted(files) == [
        "content/articles/2024-06-03-kinship-carers.md",
        "content/articles/2024-06-03-round-up.md",
    ]
    kinship = yaml.safe_load(front_matter_and_body(files["content/articles/2024-06-03-kinship-carers.md"])[0])
    assert kinship["category"] == "News"
    assert kinship["topics"] == ["Fostering"]
    assert kinship["title"] == 'Kinship carers: "what next?" & more'
    assert kinship["summary"] == "Carers explain what help they need."
    research = yaml.safe_load(front_matter_and_body(files["content/articles/2024-06-03-round-up.md"])[0])
    assert research["category"] == "Research"
    assert "topics" not in research


def test_a_wrong_target_in_the_map_is_named_at_its_line_and_nothing_is_imported(project, small_export):
    import_wordpress(project, small_export)
    path = write_map(project, small_export, {"news-updates": "Newz", "research-reports": "Research"})
    before = tree_digest(project / "content")
    result = import_wordpress(project, small_export)
    assert result.returncode == 1
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"Newz"' in text)
    assert f"export.map.yml:{line}: `Newz` is not one of this site's categories — did you mean `News`?" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert tree_digest(project / "content") == before


def test_a_trial_import_sends_unmapped_categories_to_the_default_and_says_so(project, small_export):
    result = import_wordpress(project, small_export, "--default-category", "Features")
    assert result.returncode == 0, result.stderr
    for text in imported_files(project).values():
        assert "category: Features" in text
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    assert "Sent to the category Features by --default-category" in report
    assert "`news-updates` (1)" in report


def test_an_unknown_default_category_is_refused(project, small_export):
    result = import_wordpress(project, small_export, "--default-category", "Blog")
    assert result.returncode == 1
    assert "--default-category `Blog` is not one of this site's categories" in result.stderr


PERSONAL = [
    "ada.lovelace@example.net",
    "203.0.113.77",
    "s3cret-pass",
    "Ada Lovelace",
    "priya@old.example.org",
]


def everything_but_content_export(tmp_path):
    """One real post among every kind of item that is not content, several holding personal data."""
    submission = (
        "Name: Ada Lovelace\nEmail: ada.lovelace@example.net\nIP: 203.0.113.77\nMessage: please call me"
    )
    return export_of(
        post(
            1,
            "A real post",
            "<p>Councils publish their kinship offer.</p>",
            name="real-post",
            comments=[
                Comment(
                    "Ada Lovelace",
                    "ada.lovelace@example.net",
                    "203.0.113.77",
                    "Great post",
                    "2024-06-04 10:00:00",
                )
            ],
        ),
        post(2, "Locked story", "<p>Only for members.</p>", name="locked", password="s3cret-pass"),
        post(3, "Private note", "<p>Internal.</p>", name="private-note", status="private"),
        post(4, "Binned", "<p>Gone.</p>", name="binned", status="trash"),
        post(5, "Auto", "", status="auto-draft"),
        Item(6, "Revision of 1", "<p>Old text</p>", post_type="revision", status="inherit", parent=1),
        Item(7, "Ada Lovelace - 2024-06-05", submission, post_type="feedback", status="publish"),
        Item(8, "Contact form 1", "[text* your-name] [email* your-email]", post_type="wpcf7_contact_form"),
        Item(9, "Home", "", post_type="nav_menu_item"),
        Item(12, "Navigation", "<!-- wp:navigation-link /-->", post_type="wp_navigation"),
        page(13, "About us (copy)", "<p>Draft copy</p>", name="about-copy", status="dp-rewrite-republish"),
        Item(14, "Plugin thing", "", post_type="um_directory"),
        attachment(15, f"{'https://old.example.org'}/wp-content/uploads/2024/06/photo.jpg", alt="A photo"),
    ).write(tmp_path / "export.xml")


def test_only_posts_and_pages_are_imported_and_every_item_is_counted(project, tmp_path):
    export = everything_but_content_export(tmp_path)
    result = import_wordpress(project, export, "--default-category", "News")
    assert result.returncode == 0, result.stderr
    files = imported_files(project)
    assert sorted(files) == [
        "content/articles/2024-06-03-locked.md",
        "content/articles/2024-06-03-private-note.md",
        "content/articles/2024-06-03-real-post.md",
    ]
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (.+?) \| \**(\d+)\** \|$", report, re.MULTILINE))
    assert rows.pop("**all items in the export**") == "13"
    assert sum(int(n) for n in rows.values()) == 13, rows
    assert rows["imported and published"] == "1"
    assert rows["imported as drafts (a person must look first; listed below)"] == "2"
    assert rows["not imported: forms and form submissions (personal data: never imported)"] == "2"
    assert rows["not imported: in the bin (trash)"] == "1"
    assert rows["not imported: revisions"] == "1"
    assert rows["not imported: Duplicate Post copies (rewrite and republish)"] == "1"
    assert "it was protected by a password in WordPress (the password is not kept)" in report
    assert "it was private in WordPress" in report


def test_no_personal_data_is_written_anywhere(project, tmp_path):
    export = everything_but_content_export(tmp_path)
    assert import_wordpress(project, export, "--default-category", "News").returncode == 0
    # Everything in the project after the import: what it wrote, and everything else it could have.
    texts = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    assert any(path.parent.name == "imports" for path in texts)
    for path, data in texts.items():
        for value in PERSONAL:
            assert value.encode() not in data, f"{value} written into {path}"


def test_the_authors_name_is_written_never_their_address(project, tmp_path):
    export = export_of(
        post(1, "By Priya", "<p>Text.</p>", name="by-priya", creator="priya"),
        post(2, "By an address", "<p>Text.</p>", name="by-address", creator="editor"),
        authors=[
            Author("priya", "Priya Shah", "priya@old.example.org"),
            Author("editor", "editor@old.example.org", "editor@old.example.org"),
        ],
    ).write(tmp_path / "export.xml")
    import_wordpress(project, export, "--default-category", "News")
    files = imported_files(project)
    assert "authors: [Priya Shah]" in files["content/articles/2024-06-03-by-priya.md"]
    assert "authors:" not in files["content/articles/2024-06-03-by-address.md"]
    for text in files.values():
        assert "@old.example.org" not in text


def test_statuses_and_dates(project, tmp_path):
    export = export_of(
        post(
            1,
            "Published",
            "<p>A.</p>",
            name="published",
            date_local="2024-06-30 10:30:00",
            date_gmt="2024-06-30 09:30:00",
        ),
        post(
            2,
            "Scheduled",
            "<p>B.</p>",
            name="scheduled",
            status="future",
            date_local="2027-01-05 09:00:00",
            date_gmt="2027-01-05 09:00:00",
        ),
        post(3, "Pending review", "<p>C.</p>", name="pending", status="pending"),
        post(
            4,
            "Draft without a date",
            "<p>D.</p>",
            name="undated",
            status="draft",
            date_local="2024-07-01 08:00:00",
            date_gmt=ZERO_DATE,
        ),
        page(5, "Draft page", "<p>E.</p>", name="draft-page", status="draft"),
        post(6, "Sticky", "<p>F.</p>", name="sticky", sticky=True),
    ).write(tmp_path / "export.xml")
    result = import_wordpress(project, export, "--default-category", "News")
    assert result.returncode == 0, result.stderr
    values = {
        path.rsplit("/", 1)[1]: yaml.safe_load(front_matter_and_body(text)[0])
        for path, text in imported_files(project).items()
    }
    assert values["2024-06-30-published.md"]["date"] == "2024-06-30T09:30:00+00:00"
    assert "status" not in values["2024-06-30-published.md"]
    assert values["2027-01-05-scheduled.md"]["date"] == "2027-01-05T09:00:00+00:00"
    assert "status" not in values["2027-01-05-scheduled.md"], "a scheduled post stays scheduled, not a draft"
    assert values["2024-06-03-pending.md"]["status"] == "draft"
    # No UTC date: the site's offset is learnt from its post nearest in time (+01:00, British Summer Time).
    assert values["2024-07-01-undated.md"]["date"] == "2024-07-01T07:00:00+00:00"
    assert values["draft-page.md"]["status"] == "draft"
    assert values["2024-06-03-sticky.md"]["featured"] is True


def test_the_imported_site_builds_and_shows_what_it_should(project, tmp_path):
    export = export_of(
        post(1, "Published", "<p>Alpha text.</p>", name="published", categories=[NEWS]),
        post(
            2,
            "Scheduled",
            "<p>Beta.</p>",
            name="scheduled",
            status="future",
            date_local="2027-01-05 09:00:00",
        ),
        post(3, "Pending", "<p>Gamma.</p>", name="pending", status="pending"),
        page(5, "Draft page", "<p>Delta.</p>", name="draft-page", status="draft"),
        page(6, "Our work", "<p>Epsilon.</p>", name="our-work"),
    ).write(tmp_path / "export.xml")
    import_wordpress(project, export, "--default-category", "News")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert build_warnings(result) == []
    site = tmp_path / "site"
    assert (site / "articles/published/index.html").is_file()
    assert (site / "our-work/index.html").is_file()
    for hidden in ("articles/scheduled", "articles/pending", "draft-page"):
        assert not (site / hidden).exists()
    page_html = lxml_html.fromstring((site / "articles/published/index.html").read_bytes())
    assert page_html.xpath("//h1")[0].text_content().strip() == "Published"
    assert "Alpha text." in page_html.text_content()


def test_a_second_run_changes_nothing_and_an_edited_file_is_kept(project, small_export):
    first = import_wordpress(project, small_export, "--default-category", "News")
    assert first.returncode == 0, first.stderr
    after_first = tree_digest(project)
    second = import_wordpress(project, small_export, "--default-category", "News")
    assert second.returncode == 0, second.stderr
    assert tree_digest(project) == after_first, "a second run over the same export changes no byte"
    assert "Files: 2 unchanged." in second.stdout
    edited = project / "content/articles/2024-06-03-kinship-carers.md"
    edited.write_text(edited.read_text().replace("Kinship carers raise", "Kinship carers, we learnt, raise"))
    mine = edited.read_bytes()
    third = import_wordpress(project, small_export, "--default-category", "Research")
    assert third.returncode == 0, third.stderr
    assert edited.read_bytes() == mine, "a file edited after import is never overwritten"
    assert "category: Research" in (project / "content/articles/2024-06-03-round-up.md").read_text()
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    assert "1 kept: edited since the last import (--force replaces it)" in report
    forced = import_wordpress(project, small_export, "--default-category", "Research", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "category: Research" in edited.read_text()


def test_a_dry_run_writes_nothing_into_content(project, small_export):
    before = tree_digest(project / "content")
    result = import_wordpress(project, small_export, "--default-category", "News", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert tree_digest(project / "content") == before
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    assert "Dry run" in report
    assert "2 would be written" in report


def test_the_output_is_the_same_in_two_fresh_copies(project, small_export, tmp_path):
    from conftest import copy_project

    other = copy_project(tmp_path / "other")
    for copy in (project, other):
        assert import_wordpress(copy, small_export, "--default-category", "News").returncode == 0
    assert tree_digest(project / "content") == tree_digest(other / "content")
    assert tree_digest(project / "imports") == tree_digest(other / "imports")


def test_an_existing_article_with_the_same_name_is_never_overwritten(project, tmp_path):
    existing = project / "content/articles/2024-06-03-kinship-carers.md"
    existing.write_text(
        "---\ntitle: Our own story\ndate: 2024-06-03\ncategory: News\n---\n\nWritten here, not imported.\n",
        encoding="utf-8",
    )
    mine = existing.read_bytes()
    export = export_of(post(10, "Kinship carers", "<p>Imported text.</p>", name="kinship-carers")).write(
        tmp_path / "export.xml"
    )
    result = import_wordpress(project, export, "--default-category", "News")
    assert result.returncode == 0, result.stderr
    assert existing.read_bytes() == mine
    files = imported_files(project)
    assert list(files) == ["content/articles/2024-06-03-kinship-carers-2.md"]
    assert "aliases: [/2024/06/kinship-carers/]" in files["content/articles/2024-06-03-kinship-carers-2.md"]


def test_media_are_fetched_from_the_old_site_only(project, tmp_path):
    uploads = tmp_path / "uploads"
    export = export_of(
        attachment(20, GARDEN, alt="A walled garden"),
        post(
            1,
            "Garden",
            f'<p><img src="{GARDEN}" alt="A walled garden" class="wp-image-20"></p>',
            name="garden",
            meta=[("_thumbnail_id", "20")],
        ),
    ).write(tmp_path / "export.xml")
    stand_in_uploads(export, uploads)
    with media_server(uploads) as served:
        result = import_wordpress(project, export, "--default-category", "News", "--media-from", served)
    assert result.returncode == 0, result.stderr
    assert served.fetched_uploads == ["2024/06/garden.jpg"], "each file fetched once, from the old site"
    assert (project / "content/images/wordpress/2024/06/garden.jpg").read_bytes() == (
        uploads / "2024/06/garden.jpg"
    ).read_bytes()
    text = imported_files(project)["content/articles/2024-06-03-garden.md"]
    assert "image: images/wordpress/2024/06/garden.jpg" in text
    assert "image_alt: A walled garden" in text
    assert "![A walled garden](images/wordpress/2024/06/garden.jpg)" in text
    assert "status: draft" not in text


def test_without_media_the_article_waits_as_a_draft_and_the_report_says_why(project, tmp_path):
    export = export_of(
        post(
            1,
            "Garden",
            f'<p>Before.</p><p><img src="{GARDEN}" alt="A walled garden"></p>',
            name="garden",
        ),
    ).write(tmp_path / "export.xml")
    result = import_wordpress(project, export, "--default-category", "News")
    assert result.returncode == 0, result.stderr
    text = imported_files(project)["content/articles/2024-06-03-garden.md"]
    assert "status: draft" in text
    assert "old.example.org" not in text.split("---\n", 2)[2], "no address of the old host in the text"
    line = next(
        n for n, t in enumerate(text.splitlines(), 1) if "Image not imported: 2024/06/garden.jpg" in t
    )
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    assert f"content/articles/2024-06-03-garden.md:{line}`: an image could not be brought in" in report
    assert "--uploads" in report
    assert "--media-from" in report
    built = build(project, tmp_path / "site")
    assert built.returncode == 0, built.stdout + built.stderr


def test_an_article_on_a_sensitive_topic_waits_as_a_draft_for_its_content_note(project, tmp_path):
    """WordPress has no content note, and the site asks one of an article on a sensitive topic: the
    article is a draft, and the report says what to write at its `topics:` line."""
    export = export_of(
        post(
            1,
            "Refuges are full",
            "<p>Refuges turned families away.</p>",
            name="refuges",
            categories=[NEWS, ("post_tag", "domestic-violence", "domestic violence")],
        ),
    ).write(tmp_path / "export.xml")
    import_wordpress(project, export)
    write_map(project, export, {"news-updates": "News"}, {"domestic-violence": "[Domestic abuse]"})
    result = import_wordpress(project, export)
    assert result.returncode == 0, result.stderr
    text = imported_files(project)["content/articles/2024-06-03-refuges.md"]
    assert "status: draft" in text
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("topics:"))
    report = (project / "imports" / "export.report.md").read_text(encoding="utf-8")
    assert (
        f'content/articles/2024-06-03-refuges.md:{line}`: the topic "Domestic abuse" needs a content note — '
        'add `content_note: "This article discusses domestic abuse."`'
    ) in report
    built = build(project, tmp_path / "site")
    assert built.returncode == 0, built.stdout + built.stderr


def test_items_sharing_a_post_id_each_get_their_own_file_on_every_run(project, tmp_path):
    # Pelican's own fixture has such items: ids are not unique in every export.
    export = export_of(
        post(176, "Caption on image", "<p>One.</p>", name="caption-on-image"),
        post(176, "Complete draft", "<p>Two.</p>", name="", status="draft"),
    ).write(tmp_path / "export.xml")
    for _ in range(2):
        result = import_wordpress(project, export, "--default-category", "News")
        assert result.returncode == 0, result.stderr
        files = imported_files(project)
        assert sorted(files) == [
            "content/articles/2024-06-03-caption-on-image.md",
            "content/articles/2024-06-03-complete-draft.md",
        ]
    assert "(https://old.example.org, post 176)" in files["content/articles/2024-06-03-caption-on-image.md"]
    assert "(https://old.example.org, post 176-2)" in files["content/articles/2024-06-03-complete-draft.md"]


def test_an_imported_file_saved_by_the_browser_editor_is_kept_and_never_imported_twice(project, small_export):
    assert import_wordpress(project, small_export, "--default-category", "News").returncode == 0
    path = project / "content/articles/2024-06-03-kinship-carers.md"
    # The browser editor writes the front matter afresh: the origin line (a YAML comment) is gone.
    lines = path.read_text(encoding="utf-8").split("\n")
    saved = "\n".join([lines[0], *lines[2:]]).replace("raise children", "bring up children")
    path.write_text(saved, encoding="utf-8")
    result = import_wordpress(project, small_export, "--default-category", "News")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == saved
    assert sorted(p.name for p in (project / "content/articles").glob("2024-06-03-kinship*")) == [
        "2024-06-03-kinship-carers.md"
    ]
    report = (project / "imports/export.report.md").read_text(encoding="utf-8")
    assert "1 kept: edited since the last import, its origin line gone (--force replaces it)" in report
