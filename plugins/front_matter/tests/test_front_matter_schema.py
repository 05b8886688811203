"""Every front-matter rule, with a file that keeps it and a file that breaks it."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from front_matter.config import load_config
from front_matter.schema import Context, read_document, validate
from front_matter.source import SourceError, decode, parse

VALID = {
    "title": "Councils report a rise in referrals",
    "date": "2026-03-05",
    "category": "News",
}
SETTINGS = {
    "PATH": "content",
    "TIMEZONE": "Europe/London",
    "FRONT_MATTER": {
        "categories": {"News": "news", "Research": "research"},
        "topics": {"Fostering": "fostering", "Education and SEND": "education-and-send"},
    },
}


@pytest.fixture
def context(tmp_path: Path) -> Context:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "not-an-image.jpg").write_bytes(b"x")
    config, problems = load_config({**SETTINGS, "PATH": str(tmp_path)})
    assert problems == []
    return Context(config, tmp_path, ("images",))


def front_matter(extra: str = "", **overrides: str) -> str:
    keys = {**VALID, **overrides}
    lines = [f"{key}: {value}" for key, value in keys.items() if value is not None]
    return "---\n" + "\n".join(lines) + ("\n" + extra if extra else "") + "\n---\nThe body.\n"


def check(text: str, context: Context, kind: str = "article", name: str = "2026-03-05-referrals.md"):
    return validate(parse(text), Path(name), kind, context)


def messages(document) -> list[str]:
    return [f"{p.line}: {p.message} — {p.fix}" for p in document.problems]


def test_minimal_article_is_valid(context):
    document = check(front_matter(), context)
    assert document.problems == []
    assert document.values["title"] == VALID["title"]
    assert document.values["date"] == datetime(2026, 3, 5, tzinfo=ZoneInfo("Europe/London"))
    assert document.values["category"] == "News"
    assert document.values["slug"] == "referrals"


@pytest.mark.parametrize(
    ("extra", "key", "expected"),
    [
        ("topics: [fostering, Education and SEND]", "topics", ["Fostering", "Education and SEND"]),
        (
            "topics:\n  - education-and-send\n  - Fostering\n  - fostering",
            "topics",
            ["Education and SEND", "Fostering"],
        ),
        ("authors: [Priya Shah, Tom Reed]", "authors", ["Priya Shah", "Tom Reed"]),
        ("author: Priya Shah", "author", "Priya Shah"),
        ('summary: "Plain words: a standfirst."', "summary", "Plain words: a standfirst."),
        (
            "modified: 2026-03-06T10:15",
            "modified",
            datetime(2026, 3, 6, 10, 15, tzinfo=ZoneInfo("Europe/London")),
        ),
        ("slug: council-referrals-2026", "slug", "council-referrals-2026"),
        ("status: draft", "status", "draft"),
        ("status: published", "status", "published"),
        ("image: images/photo.jpg\nimage_alt: A social worker at a desk", "image", "images/photo.jpg"),
        ("status: draft\nimage: images/photo.jpg", "image", "images/photo.jpg"),
        ("featured: true", "featured", True),
        ("featured: false", "featured", False),
        ("content_note: Describes neglect.", "content_note", "Describes neglect."),
        ("key_points:\n  - First point\n  - Second point", "key_points", ["First point", "Second point"]),
        (
            "sources:\n  - title: The report\n    url: https://example.org/r",
            "sources",
            [{"title": "The report", "url": "https://example.org/r"}],
        ),
    ],
)
def test_optional_keys_accept_good_values(context, extra, key, expected):
    document = check(front_matter(extra), context)
    assert messages(document) == []
    assert document.values[key] == expected


@pytest.mark.parametrize(
    ("date_text", "expected"),
    [
        ("2026-07-15", datetime(2026, 7, 15, 0, 0, tzinfo=ZoneInfo("Europe/London"))),
        ("2026-07-15T09:30", datetime(2026, 7, 15, 9, 30, tzinfo=ZoneInfo("Europe/London"))),
        ("2026-07-15 09:30:10", datetime(2026, 7, 15, 9, 30, 10, tzinfo=ZoneInfo("Europe/London"))),
        ("2026-07-15T08:30:00Z", datetime(2026, 7, 15, 9, 30, tzinfo=ZoneInfo("Europe/London"))),
        ("'2026-07-15T09:30:00+02:00'", datetime(2026, 7, 15, 8, 30, tzinfo=ZoneInfo("Europe/London"))),
    ],
)
def test_dates_without_a_zone_are_uk_time(context, date_text, expected):
    document = check(front_matter(date=date_text), context)
    assert document.problems == []
    assert document.values["date"] == expected
    assert document.values["date"].utcoffset() is not None


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (front_matter(title=None), 1, "required key `title` is missing"),
        (front_matter(date=None), 1, "required key `date` is missing"),
        (front_matter(category=None), 1, "required key `category` is missing"),
        (front_matter(title='""'), 2, "`title` must be text, but it is empty"),
        (front_matter(title="[a, b]"), 2, "`title` must be text, but it is a list"),
        (front_matter(date="2026-02-30"), 3, "is not a real date"),
        (front_matter(date="5 March 2026"), 3, "`date` `5 March 2026` is not a date written year-month-day"),
        (front_matter(category="Newz"), 4, "did you mean `News`?"),
        (front_matter("categroy: News"), 5, "unknown key `categroy` — did you mean `category`?"),
        (front_matter("colour: red"), 5, "unknown key `colour` — remove it"),
        (front_matter("topics: {a: b}"), 5, "`topics` must be a list, but it is a set of `key: value` pairs"),
        (front_matter("topics: Fostering"), 5, "`topics` must be a list"),
        (
            front_matter("topics:\n  - Fostering\n  - Fosterign"),
            7,
            "topic `Fosterign` is not one of the site's topics — did you mean `Fostering`?",
        ),
        (front_matter("authors: Priya Shah"), 5, "`authors` must be a list"),
        (front_matter("authors:\n  - Priya\n  - [x]"), 7, "each item of `authors` must be text"),
        (front_matter("author: Priya\nauthors: [Tom]"), 5, "both `author` and `authors` are given"),
        (front_matter("summary: {a: 1}"), 5, "`summary` must be text"),
        (front_matter("modified: 2026-03-04"), 5, "`modified` (2026-03-04 00:00) is before `date`"),
        (front_matter("modified: yesterday"), 5, "is not a date written year-month-day"),
        (front_matter("slug: Bad Slug"), 5, "use `slug: bad-slug`"),
        (front_matter("slug: ../../etc"), 5, "may only use lower-case letters"),
        (front_matter("status: live"), 5, "use `status: published` or `status: draft`"),
        (front_matter("image: images/photo.jpg"), 5, "`image` has no `image_alt`"),
        (front_matter("status: published\nimage: images/photo.jpg"), 6, "`image` has no `image_alt`"),
        (front_matter("image: images/photo.jpg", date="2030-01-01"), 5, "`image` has no `image_alt`"),
        (front_matter("image_alt: A photo"), 5, "`image_alt` is given without an `image`"),
        (front_matter("image: images/missing.jpg\nimage_alt: x"), 5, "does not exist under content/"),
        (front_matter("image: ../secret.jpg\nimage_alt: x"), 5, "is not inside content/images/"),
        (front_matter("image: articles/not-an-image.jpg\nimage_alt: x"), 5, "is not inside content/images/"),
        (front_matter("image: images/notes.txt\nimage_alt: x"), 5, "is not an image file"),
        (front_matter("featured: maybe"), 5, "`featured` must be true or false"),
        (front_matter("content_note: [a]"), 5, "`content_note` must be text"),
        (front_matter("key_points: first"), 5, "`key_points` must be a list"),
        (front_matter("sources:\n  - https://example.org"), 6, "each source must have a title and a url"),
        (front_matter("sources:\n  - title: x"), 6, "a source has no `url`"),
        (front_matter("sources:\n  - title: x\n    url: javascript:alert(1)"), 6, "is not a web address"),
        (
            front_matter("sources:\n  - title: x\n    url: https://e.org\n    note: y"),
            8,
            "unknown key `note`",
        ),
        (front_matter("title: Again"), 5, "`title` is given twice"),
        (front_matter(title='"bell\\a"'), 2, "invisible control character U+0007"),
    ],
)
def test_bad_values_are_reported_on_their_line(context, text, line, fragment):
    found = messages(check(text, context))
    assert any(m.startswith(f"{line}: ") and fragment in m for m in found), found


@pytest.mark.parametrize(
    "alias",
    [
        "/news/2019/old-title/",
        "/features/kinship-2026.html",
        "/2020/01/caf%C3%A9/",
        "/a%2Fb/",
        "/old%20name/",
    ],
)
def test_an_alias_may_be_written_with_percent_escapes(context, alias):
    document = check(front_matter(f"aliases: ['{alias}']"), context)
    assert messages(document) == []
    assert document.values["aliases"] == [alias]


@pytest.mark.parametrize(
    ("alias", "what"),
    [
        ("/../../etc/x", "is not a path on this site"),
        ("https://old.example/x/", "is not a path on this site"),
        ("/100%/", "is not a path on this site"),
        ("/caf%E9/", "its %-escapes decoded as a web host decodes them, is not a path on this site"),
        ("/%2E%2E/%2e%2e/etc/x", "its %-escapes decoded"),
        ("/a/%2E/b/", "its %-escapes decoded"),
        ("/a%2F%2Fb/", "its %-escapes decoded"),
        ("/a%5Cb/", "its %-escapes decoded"),
        ("/a%00b/", "its %-escapes decoded"),
        ("/a%0Ab/", "its %-escapes decoded"),
        ("/a%C2%85b/", "its %-escapes decoded"),
    ],
)
def test_an_alias_that_is_no_path_here_once_decoded_is_refused(context, alias, what):
    found = messages(check(front_matter(f"aliases:\n  - '/fine/'\n  - '{alias}'"), context))
    assert len(found) == 1, found
    assert found[0].startswith(f"7: the alias `{alias}`")
    assert what in found[0]


def test_every_problem_in_a_file_is_reported_at_once(context):
    text = front_matter("categroy: News\nstatus: live", title='""', date="2026-13-01")
    found = messages(check(text, context))
    assert len(found) == 4, found


@pytest.mark.parametrize(
    ("name", "slug_or_problem"),
    [
        ("2026-03-05-council-referrals.md", "council-referrals"),
        ("council-referrals.md", "council-referrals"),
        ("Council Referrals.md", "rename it to `council-referrals.md`"),
    ],
)
def test_default_slug_is_the_file_name_without_its_date(context, name, slug_or_problem):
    document = check(front_matter(), context, name=name)
    if document.problems:
        assert slug_or_problem in messages(document)[0]
    else:
        assert document.values["slug"] == slug_or_problem


def test_pages_take_only_title_slug_summary_status_and_aliases(context):
    good = check("---\ntitle: About us\nsummary: Who we are.\n---\nText\n", context, "page", "about.md")
    assert good.problems == []
    assert good.values["slug"] == "about"
    bad = check("---\ntitle: About us\ndate: 2026-01-01\n---\nText\n", context, "page", "about.md")
    assert messages(bad) == [
        "3: unknown key `date` — remove it; the keys a page takes are: title, slug, summary, status, aliases"
    ]


@pytest.mark.parametrize(
    ("status", "problem"), [("draft", None), ("published", None), ("hidden", "3: `status`")]
)
def test_a_page_may_be_a_draft(context, status, problem):
    document = check(f"---\ntitle: Our plans\nstatus: {status}\n---\nText\n", context, "page", "plans.md")
    if problem is None:
        assert document.problems == []
        assert document.values["status"] == status
    else:
        assert messages(document) == [f"{problem} is `{status}` — use `status: published` or `status: draft`"]


@pytest.mark.parametrize(
    ("raw", "line", "fragment"),
    [
        (b"", 1, "the file is empty"),
        (b"   \n\n", 1, "the file is empty"),
        (b"title: x\n", 1, "does not begin with a header"),
        (b"---\ntitle: x\n", 1, "is never closed"),
        (b"---\n---\nbody", 1, "the header is empty"),
        (b"---\ntitle: [unclosed\ndate: 2026-01-01\n---\n", 2, "the `[` opened on this line is never closed"),
        (b"---\ntitle: Plain words: with a colon\n---\n", 2, "the colon after `Plain words`"),
        (b"---\ntitle: bell\x07\n---\n", 2, "invisible control character U+0007"),
        (b"---\ntitle: x\n  bad: indent\n---\n", 3, "`bad:` is indented further than `title:` above it"),
        (b"---\n- a\n- b\n---\n", 2, "the header is not a list of `key: value` lines"),
        (b"---\ntitle: caf\xe9\n---\n", 2, "is not valid UTF-8"),
    ],
)
def test_unreadable_files_are_clear_errors(tmp_path, context, raw, line, fragment):
    path = tmp_path / "articles" / "broken.md"
    path.write_bytes(raw)
    document = read_document(path, "article", context)
    assert [(p.line, fragment in p.message) for p in document.problems] == [(line, True)]


def test_byte_order_mark_and_windows_line_endings_are_accepted(context):
    text = decode(b"\xef\xbb\xbf---\r\ntitle: T\r\ndate: 2026-01-01\r\ncategory: News\r\n---\r\nBody\r\n")
    document = check(text, context)
    assert document.problems == []
    assert document.body == "Body\n"


def test_source_error_carries_line_and_fix():
    with pytest.raises(SourceError) as caught:
        parse("---\ntitle: x")
    assert caught.value.line == 1
    assert "add a line '---'" in caught.value.fix


def test_unknown_setting_keys_are_reported():
    _, problems = load_config({**SETTINGS, "FRONT_MATTER": {**SETTINGS["FRONT_MATTER"], "categorys": {}}})
    assert [p.message for p in problems] == ["FRONT_MATTER has an unknown key `categorys`"]
    assert problems[0].fix == "did you mean `categories`?"


def test_vocabulary_slugs_must_be_valid_and_unique():
    topics = {"Fostering": "fostering", "Foster care": "fostering", "Bad": "Not A Slug"}
    _, problems = load_config({**SETTINGS, "FRONT_MATTER": {**SETTINGS["FRONT_MATTER"], "topics": topics}})
    assert sorted(p.message for p in problems) == [
        "the topics list gives `Bad` the slug `Not A Slug`",
        "the topics list gives `Foster care` and `Fostering` the same slug, `fostering`",
    ]


def test_a_colon_in_a_title_gets_a_precise_fix():
    with pytest.raises(SourceError) as caught:
        parse('---\ntitle: Court days: a "record" year\ndate: 2026-01-01\n---\n')
    assert caught.value.line == 2
    assert caught.value.message == "the colon after `Court days` makes YAML read it as another key"
    assert (
        caught.value.fix == 'put the whole value in double quotes: `title: "Court days: a \\"record\\" year"`'
    )


@pytest.mark.parametrize(
    ("summary", "what"),
    [
        ("A <b>bold</b> claim.", "an HTML tag: `<b>`"),
        ("Councils report **more** referrals.", "Markdown bold (`**…**`): `**more**`"),
        ("Councils report *more* referrals.", "Markdown italics (`*…*`): `*more*`"),
        ("Read [the report](https://example.org/r).", "a Markdown link"),
        ("Fees &amp; charges.", "an HTML entity (`&…;`): `&amp;`"),
    ],
)
def test_markup_in_a_summary_is_a_problem_at_its_line(context, summary, what):
    document = check(front_matter(summary=f'"{summary}"'), context)
    (problem,) = document.problems
    assert problem.line == 5
    assert f"`summary` is plain text, but it contains {what}" in problem.message
    assert "without markup" in problem.fix


@pytest.mark.parametrize(
    "summary",
    [
        "Children's services: 5 * 3 teams, a 1-in-5 rise, snake_case_names and C++ code.",
        "Why 'looked-after' children (and their carers) need more than a <10 minute visit.",
        "An asterisk* on its own, and a_b_c.",
    ],
)
def test_plain_summaries_are_accepted(context, summary):
    assert check(front_matter(summary=f'"{summary}"'), context).problems == []


@pytest.mark.parametrize(
    ("yaml_lines", "line", "message", "fix"),
    [
        (
            "topics: [Safeguarding, Education and SEND\nsummary: One line.",
            5,
            "the `[` opened on this line is never closed",
            "end it on the same line: `topics: [Safeguarding, Education and SEND]`",
        ),
        (
            'summary: "Carers describe the first weeks\nkey_points: [One]',
            5,
            'the text opened with `"` on this line is never closed',
            'end it with `"` on the same line',
        ),
        ("key_points:\n\t- One", 6, "a tab is used for indentation", "indent with spaces"),
        (
            "summary:Plain words",
            5,
            "there is no space after the colon in `summary:Plain words`",
            "`summary: Plain words`",
        ),
        (
            "topics: Fostering\n  - Adoption",
            6,
            "a list item (`- …`) follows `topics:`, which already has a value",
            "`topics: [Fostering, Adoption]`",
        ),
        (
            "topics: Fostering\n- Adoption\n- Care leavers",
            6,
            "a list item (`- …`) follows `topics:`, which already has a value",
            "`topics: [Fostering, Adoption, Care leavers]`",
        ),
    ],
)
def test_common_yaml_slips_are_explained_where_they_were_made(
    tmp_path, context, yaml_lines, line, message, fix
):
    path = tmp_path / "articles" / "slip.md"
    path.write_text(f"---\ntitle: T\ndate: 2026-01-01\ncategory: News\n{yaml_lines}\n---\nText.\n")
    (problem,) = read_document(path, "article", context).problems
    assert (problem.line, problem.message) == (line, message)
    assert fix in problem.fix


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            front_matter(category=None),
            "1: the required key `category` is missing — add a line `category: News`, with one of: News, "
            "Research",
        ),
        (
            front_matter(category="Newz"),
            "4: `category` `Newz` is not one of the site's categories — did you mean `News`? use one of: "
            "News, Research (or add it to the categories list in pelicanconf.py)",
        ),
        (
            front_matter("topics: [Fostering, Kinship]"),
            "5: topic `Kinship` is not one of the site's topics — use one of: Fostering, Education and SEND "
            "(or add it to the topics list in pelicanconf.py)",
        ),
        (
            front_matter("key_points:\n  - Referrals: up a fifth\n  - Schools made most"),
            "6: each item of `key_points` must be text, but the colon after `Referrals` makes YAML read it "
            'as a key and a value — put the whole text in double quotes: `"Referrals: up a fifth"`',
        ),
        (
            front_matter(date="5 March 2026"),
            "3: `date` `5 March 2026` is not a date written year-month-day — write it as `date: 2026-11-24` "
            "or `date: 2026-11-24T09:30`",
        ),
    ],
)
def test_messages_speak_an_authors_language(context, text, expected):
    assert messages(check(text, context)) == [expected]


# Content notes: an article on a sensitive topic warns readers first.
SENSITIVE = {
    **SETTINGS["FRONT_MATTER"],
    "topics": {
        **SETTINGS["FRONT_MATTER"]["topics"],
        "Domestic abuse": "domestic-abuse",
        "Self-harm": "self-harm",
    },
    "sensitive_topics": ["Domestic abuse", "self-harm"],
}


@pytest.fixture
def sensitive(tmp_path: Path) -> Context:
    config, problems = load_config({**SETTINGS, "PATH": str(tmp_path), "FRONT_MATTER": SENSITIVE})
    assert problems == []
    return Context(config, tmp_path, ("images",))


def test_sensitive_topics_are_read_by_name_or_slug_as_the_topics_names(sensitive):
    assert sensitive.config.sensitive_topics == ("Domestic abuse", "Self-harm")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "topics: [Fostering, domestic-abuse]",
            '5: the topic "Domestic abuse" needs a content note — add `content_note: "This article discusses '
            'domestic abuse."` (one plain sentence warning readers what the article covers)',
        ),
        (
            "summary: Two topics.\ntopics:\n  - Self-harm\n  - Domestic abuse",
            '6: the topics "Self-harm" and "Domestic abuse" need a content note — add `content_note: "This '
            'article discusses self-harm and domestic abuse."` (one plain sentence warning readers what the '
            "article covers)",
        ),
        # A scheduled article goes live with no one looking: its note is needed now, as its alt text is.
        (
            "date: 2099-01-01\ntopics: [Domestic abuse]",
            '5: the topic "Domestic abuse" needs a content note — add `content_note: "This article discusses '
            'domestic abuse."` (one plain sentence warning readers what the article covers)',
        ),
        ("status: published\ntopics: [Domestic abuse]", "6: the topic"),
    ],
)
def test_a_sensitive_topic_without_a_content_note_is_a_problem_at_the_topics_line(sensitive, extra, expected):
    text = front_matter(extra, **({"date": None} if extra.startswith("date:") else {}))
    (problem,) = messages(check(text, sensitive))
    assert problem.startswith(expected)


@pytest.mark.parametrize(
    "extra",
    [
        "topics: [Domestic abuse]\ncontent_note: This article discusses domestic abuse and coercive control.",
        # A draft may wait for its note: it is not published.
        "topics: [Domestic abuse]\nstatus: draft",
        "topics: [Fostering]",
        "",
    ],
)
def test_a_content_note_or_a_draft_or_no_sensitive_topic_is_fine(sensitive, extra):
    assert messages(check(front_matter(extra), sensitive)) == []


def test_without_sensitive_topics_no_article_needs_a_note(context):
    assert context.config.sensitive_topics == ()
    assert messages(check(front_matter("topics: [Fostering]"), context)) == []


@pytest.mark.parametrize(
    ("sensitive_topics", "message", "fix"),
    [
        (
            ["Domestic abuse", "Domestic abus"],
            "FRONT_MATTER `sensitive_topics` names `Domestic abus`, which is not one of the site's topics",
            "did you mean `Domestic abuse`? use a name from `topics`",
        ),
        (
            ["Gambling"],
            "FRONT_MATTER `sensitive_topics` names `Gambling`, which is not one of the site's topics",
            "use a name from `topics` (Fostering, Education and SEND, Domestic abuse, Self-harm), or add it",
        ),
        (
            "Domestic abuse",
            "FRONT_MATTER `sensitive_topics` must be a list of topics, not 'Domestic abuse'",
            'write it as "sensitive_topics": ["Domestic abuse", ...]',
        ),
    ],
)
def test_a_sensitive_topic_that_is_not_a_topic_is_a_settings_problem(sensitive_topics, message, fix):
    settings = {**SETTINGS, "FRONT_MATTER": {**SENSITIVE, "sensitive_topics": sensitive_topics}}
    _, problems = load_config(settings)
    assert [p.message for p in problems] == [message]
    assert problems[0].fix.startswith(fix)
