"""Bad input stops the plain Pelican command with clear messages and leaves the last good output alone."""

import json
import re
import shutil

import pytest
from lxml import html

import pelicanconf
from conftest import run_invoke, run_pelican, tree_digest

GOOD = "---\ntitle: A good article\ndate: 2025-05-01\ncategory: News\n---\nSome text.\n"
BAD_FILES = {
    "broken-yaml.md": (b"---\ntitle: [unclosed\ndate: 2025-01-01\ncategory: News\n---\nx\n", 2),
    "unterminated.md": (b"---\ntitle: Never closed\ndate: 2025-01-01\n", 1),
    "empty.md": (b"", 1),
    "latin1.md": (b"---\ntitle: Caf\xe9\ndate: 2025-01-01\ncategory: News\n---\nx\n", 2),
    "wrong-type.md": (b"---\ntitle: T\ndate: 2025-01-01\ncategory: News\ntopics: {a: b}\n---\nx\n", 5),
    "impossible-date.md": (b"---\ntitle: T\ndate: 2025-02-29\ncategory: News\n---\nx\n", 3),
    "typo.md": (b"---\ntitle: T\ndate: 2025-01-01\ncategroy: News\n---\nx\n", 4),
    "escaping-slug.md": (b"---\ntitle: T\ndate: 2025-01-01\ncategory: News\nslug: ../../../etc\n---\nx\n", 5),
    "escaping-alias.md": (
        b"---\ntitle: T\ndate: 2025-01-01\ncategory: News\naliases:\n  - /../../etc/x\n---\n",
        6,
    ),
    # A sensitive topic (FRONT_MATTER's sensitive_topics) without a content note: at the `topics:` line.
    "no-content-note.md": (
        b"---\ntitle: T\ndate: 2025-01-01\ncategory: News\ntopics: [Domestic abuse]\n---\nx\n",
        5,
    ),
    "Upper-Case-Extension.MD": (GOOD.encode(), 1),
    "notes.txt": (b"An author's notes that would otherwise vanish.\n", 1),
}


@pytest.fixture
def built(project, published_site):
    """The project copy with a good publish build already in its output folder: the session's own build of
    the same sources, copied (a publish build is byte-identical wherever it is made)."""
    output = project / "output"
    shutil.copytree(published_site, output, symlinks=True)
    return project, output, tree_digest(output)


def assert_clean_failure(result, expected: list[str]) -> None:
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "Traceback" not in text
    for line in expected:
        assert re.search(rf"^{re.escape(line)} .+ — .+$", text, re.MULTILINE), text


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_fails_the_build_and_keeps_the_output(built, name):
    project, output, before = built
    raw, line = BAD_FILES[name]
    (project / "content" / "articles" / name).write_bytes(raw)
    result = run_pelican(project, "publishconf.py", output)
    assert_clean_failure(result, [f"content/articles/{name}:{line}:"])
    assert tree_digest(output) == before


def test_all_problems_of_all_files_come_in_one_run(built):
    project, output, before = built
    for name, (raw, _) in BAD_FILES.items():
        (project / "content" / "articles" / name).write_bytes(raw)
    result = run_pelican(project, "publishconf.py", output)
    assert_clean_failure(result, [f"content/articles/{n}:{line}:" for n, (_, line) in BAD_FILES.items()])
    assert f"{len(BAD_FILES)} files" in result.stderr
    assert tree_digest(output) == before


# Headers with quoted values above and below one slip each, and the exact line the build must print for it.
SLIPPED_HEADERS = {
    "unclosed-title.md": (
        '---\ntitle: "Councils report a rise in referrals\ndate: 2025-05-01\ncategory: News\n'
        'summary: "Referrals rose: schools made most of them."\nkey_points:\n  - "A fifth more"\n'
        "  - 'Most from schools'\n---\nText.\n",
        'content/articles/unclosed-title.md:2: the text opened with `"` on this line is never closed — end '
        'it with `"` on the same line: `title: "Councils report a rise in referrals"` (write \\" for a quote '
        "inside it)",
    ),
    "apostrophe.md": (
        '---\ntitle: "Carers: a survey"\ndate: 2025-05-01\ncategory: Research\n'
        "summary: 'Children's services are stretched'\nkey_points:\n  - \"One in six leave\"\n---\nText.\n",
        "content/articles/apostrophe.md:5: the apostrophe in `Children's` ends the text opened with `'` — "
        'write it in double quotes: `summary: "Children\'s services are stretched"`, or double the '
        "apostrophe: `summary: 'Children''s services are stretched'`",
    ),
    "colon-in-title.md": (
        "---\ntitle: Court days: a record year\ndate: 2025-05-01\ncategory: News\nsources:\n"
        '  - title: "Court statistics"\n    url: "https://example.org/courts"\n---\nText.\n',
        "content/articles/colon-in-title.md:2: the colon after `Court days` makes YAML read it as another "
        'key — put the whole value in double quotes: `title: "Court days: a record year"`',
    ),
    "tab.md": (
        '---\ntitle: "Kinship care"\ndate: 2025-05-01\ncategory: Features\nkey_points:\n'
        '\t- "Grandparents step in"\nsummary: "Who cares: the family."\n---\nText.\n',
        "content/articles/tab.md:6: a tab is used for indentation — indent with spaces: YAML does not allow "
        "tabs",
    ),
    "no-category.md": (
        '---\ntitle: "Referrals: the numbers"\ndate: 2025-05-01\n---\nText.\n',
        "content/articles/no-category.md:1: the required key `category` is missing — add a line "
        "`category: News`, with one of: News, Features, Research, Guidance, Interviews, Opinion",
    ),
    "unknown-topic.md": (
        '---\ntitle: "Kinship"\ndate: 2025-05-01\ncategory: News\ntopics: ["Kinship care"]\n---\nText.\n',
        "content/articles/unknown-topic.md:5: topic `Kinship care` is not one of the site's topics — use one "
        "of: Safeguarding, Child sexual abuse and exploitation, Harmful sexual behaviour, Fostering, "
        "Adoption, Children in care, Care leavers, Family justice, Mental health, Self-harm and suicide, "
        "Domestic abuse, Education and SEND, Youth justice, Workforce, Policy, COVID-19 (or add it to the "
        "topics list in pelicanconf.py)",
    ),
}


def test_slips_in_a_header_are_printed_at_their_line_with_their_fix(built):
    """A real build of headers a newcomer might write: each slip at the line that made it, in words, with
    the fix; and the site that was there before stays as it was."""
    project, output, before = built
    for name, (text, _) in SLIPPED_HEADERS.items():
        (project / "content" / "articles" / name).write_text(text, encoding="utf-8")
    result = run_pelican(project, "publishconf.py", output)
    assert_clean_failure(result, [])
    printed = result.stderr.splitlines()
    for _, expected in SLIPPED_HEADERS.values():
        assert expected in printed, result.stderr
    count = len(SLIPPED_HEADERS)
    assert f"{count} problems in {count} files. Nothing was written" in result.stderr
    assert tree_digest(output) == before


SAME_SLUG = GOOD.replace("---\nSome", "slug: same-slug\n---\nSome")


@pytest.mark.parametrize(
    ("files", "where", "says"),
    [
        (
            {"articles/first.md": SAME_SLUG, "articles/second.md": SAME_SLUG},
            "content/articles/second.md:5:",
            "already used by content/articles/first.md",
        ),
        (
            {"pages/clash.md": "---\ntitle: Clash\nslug: knowledge-resources\n---\nx\n"},
            "content/pages/clash.md:3:",
            "already taken by the hub page",
        ),
        (
            {"articles/moved.md": GOOD.replace("---\nSome", "aliases: [/knowledge-resources/]\n---\nSome")},
            "content/articles/moved.md:5:",
            "the alias `/knowledge-resources/` would replace the hub page",
        ),
        (
            {
                "articles/first.md": SAME_SLUG.replace("same-slug", "first"),
                "articles/moved.md": GOOD.replace("---\nSome", "aliases: [/articles/first/]\n---\nSome"),
            },
            "content/articles/moved.md:5:",
            "the alias `/articles/first/` would replace content/articles/first.md",
        ),
        (
            {"pages/theme.md": "---\ntitle: Our theme\nslug: theme\n---\nx\n"},
            "content/pages/theme.md:3:",
            "inside /theme/, which the site uses for its own files",
        ),
    ],
)
def test_clashing_addresses_are_refused(built, files, where, says):
    project, output, before = built
    for name, text in files.items():
        (project / "content" / name).write_text(text)
    result = run_pelican(project, "publishconf.py", output)
    assert_clean_failure(result, [where])
    assert says in result.stderr
    assert tree_digest(output) == before


def test_save_path_outside_the_output_is_refused(built):
    project, output, before = built
    result = run_pelican(project, "publishconf.py", output, "-e", 'ARTICLE_SAVE_AS="../../{slug}.html"')
    text = result.stdout + result.stderr
    assert result.returncode == 1
    assert "outside the output folder" in text
    assert "Traceback" not in text
    assert tree_digest(output) == before
    assert not list(project.parent.glob("*.html"))


@pytest.mark.parametrize(
    ("settings_file", "old", "new", "advice"),
    [
        (
            "pelicanconf.py",
            '    "default_author":',
            '    "categorys": {},\n    "default_author":',
            "categories",
        ),
        ("publishconf.py", '{"minify": True,', '{"minfy": True,', "minify"),
    ],
)
def test_unknown_setting_key_is_reported_in_the_file_that_set_it(built, settings_file, old, new, advice):
    project, output, before = built
    path = project / settings_file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    typo = new.split(":")[0].strip()
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if typo in text)
    result = run_pelican(project, "publishconf.py", output)
    assert_clean_failure(result, [f"{settings_file}:{line}:"])
    assert f"did you mean `{advice}`?" in result.stderr
    assert tree_digest(output) == before


def test_raw_html_comes_out_inert(project):
    hostile = GOOD + (
        '\n<script>alert("x")</script><img src="/favicon.svg" onerror="alert(1)" alt="decorative">'
        '<a href="javascript:alert(1)">click</a> <a href=" JaVaScRiPt:alert(1)">again</a>'
        '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>'
        '<form action="https://evil.example/"><input name="p"></form>'
        '<svg onload="alert(1)"><script>alert(2)</script></svg>\n'
    )
    (project / "content" / "articles" / "hostile.md").write_text(hostile)
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    body = html.fromstring((output / "articles" / "hostile" / "index.html").read_bytes())
    article = body.xpath("//div[@class='article-body']")[0]
    assert not article.xpath(".//script | .//iframe | .//style | .//form | .//input | .//svg")
    assert not [a for a in article.xpath(".//@*") if a.attrname.lower().startswith("on")]
    assert not [u for u in article.xpath(".//@href | .//@src") if "javascript" in u.lower()]
    assert "click" in article.text_content()


def test_a_good_edit_after_a_failure_builds_again(built):
    project, output, _ = built
    bad = project / "content" / "articles" / "typo.md"
    bad.write_bytes(BAD_FILES["typo.md"][0])
    assert run_pelican(project, "publishconf.py", output).returncode == 1
    bad.write_text(GOOD)
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    assert (output / "articles" / "typo" / "index.html").is_file()
    assert not list(project.glob(".pelican-build-*"))


def test_invoke_check_validates_without_writing(project):
    (project / "content" / "articles" / "typo.md").write_bytes(BAD_FILES["typo.md"][0])
    result = run_invoke(project, "check")
    assert_clean_failure(result, ["content/articles/typo.md:4:"])
    assert not (project / "output").exists()
    (project / "content" / "articles" / "typo.md").unlink()
    result = run_invoke(project, "check")
    assert result.returncode == 0, result.stderr
    assert "All content is valid." in result.stdout
    assert not (project / "output").exists()


def test_invoke_new_writes_a_valid_draft(project):
    result = run_invoke(
        project,
        "new",
        "Kinship carers: a new survey",
        "--category",
        "Research",
        "--topics",
        "fostering, children in care",
    )
    assert result.returncode == 0, result.stderr
    written, preview = result.stdout.strip().splitlines()
    path = project / written
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-kinship-carers-a-new-survey\.md", path.name)
    assert "http://localhost:8000/drafts/kinship-carers-a-new-survey/" in preview
    text = path.read_text()
    assert 'topics: ["Fostering", "Children in care"]' in text
    check = run_invoke(project, "check")
    assert check.returncode == 0, check.stderr


def test_the_skeletons_example_update_date_keeps_its_own_rule(project):
    """Uncommented as it is, the example `modified` date is after the article's `date`."""
    result = run_invoke(project, "new", "A survey of carers", "--category", "Research")
    assert result.returncode == 0, result.stderr
    path = project / result.stdout.splitlines()[0]
    text = re.sub(r"^# (modified: \S+).*$", r"\1", path.read_text(), flags=re.MULTILINE)
    assert "\nmodified: " in text
    path.write_text(text)
    check = run_invoke(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_invoke_new_refuses_an_unknown_category(project):
    result = run_invoke(project, "new", "Title", "--category", "Newz")
    assert result.returncode == 1
    assert "did you mean `News`?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((project / "content" / "articles").glob("*-title.md"))


@pytest.mark.parametrize(
    "report",
    [
        "build.report(problem)",
        # a step left running (as the search index is) reports when the core waits for it
        "build.alongside(lambda: build.report(problem))",
    ],
)
def test_a_check_over_the_written_output_can_discard_the_build(built, report):
    """A `before_publish` check that finds a problem throws the staged build away, not the old site."""
    project, output, before = built
    plugin = project / "plugins" / "finds_a_problem"
    plugin.mkdir()
    (plugin / "__init__.py").write_text(
        "from pathlib import Path\n"
        "import site_core\n"
        "def inspect(pelican):\n"
        "    assert (Path(pelican.output_path) / 'index.html').is_file()\n"
        "    problem = site_core.Problem('content/pages/about.md', 1, 'a check of the output failed', 'x')\n"
        "    build = site_core.current_build(pelican.settings)\n"
        f"    {report}\n"
        "def register():\n"
        "    site_core.connect()\n"
        "    site_core.before_publish.connect(inspect)\n"
    )
    plugins = json.dumps([*pelicanconf.PLUGINS, "finds_a_problem"])
    result = run_pelican(project, "publishconf.py", output, "-e", f"PLUGINS={plugins}")
    assert_clean_failure(result, ["content/pages/about.md:1:"])
    assert "The new build was discarded" in result.stderr
    assert tree_digest(output) == before
    assert not list(project.glob(".pelican-build-*"))


@pytest.mark.parametrize("kind", ["article", "image", "folder"])
def test_links_out_of_the_content_folder_are_refused(built, tmp_path, kind):
    project, output, before = built
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "notes.md").write_text(GOOD)
    (secret / "photo.png").write_bytes(b"\x89PNG")
    link = {
        "article": (project / "content" / "articles" / "leak.md", secret / "notes.md"),
        "image": (project / "content" / "images" / "leak.png", secret / "photo.png"),
        "folder": (project / "content" / "images" / "elsewhere", secret),
    }[kind]
    link[0].symlink_to(link[1])
    result = run_pelican(project, "publishconf.py", output)
    assert_clean_failure(result, [f"content/{link[0].relative_to(project / 'content').as_posix()}:1:"])
    assert "outside the content folder" in result.stderr
    assert tree_digest(output) == before


def test_removed_markup_is_reported_as_a_warning_with_its_line(project):
    body = 'Intro.\n\nText <script>alert(1)</script> and <a href="javascript:x()" onclick="y()">bad</a>.\n'
    (project / "content" / "articles" / "raw.md").write_text(GOOD.replace("Some text.\n", body))
    result = run_pelican(project, "publishconf.py", project / "output")
    assert result.returncode == 0, result.stderr
    for fragment in (
        "removed the <script> element",
        "removed the `onclick` attribute of <a>",
        "removed the link `javascript:x()` on <a>",
    ):
        assert re.search(
            rf"^content/articles/raw\.md:8: warning: {re.escape(fragment)} — ", result.stderr, re.M
        )
    assert "3 warnings." in result.stderr


def test_iframes_only_from_configured_hosts(project):
    with (project / "pelicanconf.py").open("a") as settings:
        settings.write('\nFRONT_MATTER["iframe_hosts"] = ["www.youtube-nocookie.com"]\n')
    body = (
        '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Video"></iframe>\n\n'
        '<iframe src="https://tracker.example/embed" title="Other"></iframe>\n'
    )
    (project / "content" / "articles" / "video.md").write_text(GOOD.replace("Some text.\n", body))
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    page = html.fromstring((output / "articles" / "video" / "index.html").read_bytes())
    assert page.xpath("//iframe/@src") == ["https://www.youtube-nocookie.com/embed/abc"]
    assert "removed the iframe from `https://tracker.example/embed`" in result.stderr
    headers = (output / "_headers").read_text()
    assert "frame-src https://www.youtube-nocookie.com" in headers
