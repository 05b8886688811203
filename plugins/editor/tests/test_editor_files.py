"""The editor's own scripts, run by Node as the browser runs them: files/frontmatter.js reads and writes a
file as its author wrote it, with nothing the author left empty; files/dates.js shows dates day first and
writes them as the schema reads them. (tests/test_editor.py drives the same scripts in the editor.)"""

import datetime
import difflib
import json
import os
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT
from editor.decap import DATE_FORMAT, DATE_SHOWN, HAND_WRITTEN_ONLY
from front_matter.schema import FIELDS, ISO_DATE

FILES = ROOT / "plugins" / "editor" / "files"
SAMPLES = sorted([*(ROOT / "content" / "articles").glob("*.md"), *(ROOT / "content" / "pages").glob("*.md")])
# The form's keys in the form's order, as Decap gives them to the format.
ORDER = [name for name in FIELDS["article"] if name not in HAND_WRITTEN_ONLY] + ["body"]
# The date fields' options, as config.yml gives them.
DATE_FIELD = {"format": DATE_FORMAT, **DATE_SHOWN}


# What the editor does with a file, in JavaScript. Decap's save: the format writes the file, then Decap
# ends it with a line break if it has none. An edit: open a file, change what `changes` says, save.
PRELUDE = f"""
const FrontMatter = require({json.dumps(str(FILES / "frontmatter.js"))});
const BritishDates = require({json.dumps(str(FILES / "dates.js"))});
const ORDER = {json.dumps(ORDER)};
const SHORTHANDS = {json.dumps(HAND_WRITTEN_ONLY)};
const open = text => FrontMatter.fromFile(text, SHORTHANDS);
const save = (data, original) => {{
    const text = FrontMatter.toFile(data, ORDER, original, SHORTHANDS);
    return text.endsWith("\\n") ? text : text + "\\n";
}};
const edit = (original, changes) => save(Object.assign(open(original), changes), original);
const shown = value => BritishDates.shown(value, {json.dumps(DATE_FIELD)});
const stored = text => BritishDates.stored(text, {json.dumps(DATE_FIELD)});
"""


def node(function: str, *calls: list) -> list:
    """`function` (JavaScript, with PRELUDE's names) applied to each call's arguments."""
    program = shutil.which("node")
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Node.js for the editor's scripts")
        pytest.skip("needs Node.js (the editor's scripts)")
    script = (
        PRELUDE + "const calls = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        f"process.stdout.write(JSON.stringify(calls.map(call => ({function})(...call))));"
    )
    result = subprocess.run(
        [program, "-e", script], input=json.dumps(calls), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def header_of(text: str) -> dict:
    """The header as the build's YAML reader (PyYAML) reads it, dates as their text."""
    loaded = yaml.safe_load(text.split("---\n")[1])
    return {key: str(value) if isinstance(value, datetime.date) else value for key, value in loaded.items()}


def test_every_sample_file_saved_without_a_change_is_the_same_file():
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    saved = node("edit", *([text, {}] for text in texts))
    pairs = zip(SAMPLES, texts, saved, strict=True)
    assert [path.name for path, before, after in pairs if before != after] == []
    assert len(SAMPLES) >= 20


def test_the_editor_reads_each_sample_header_as_the_build_does():
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    read = node("open", *([text] for text in texts))
    for path, text, data in zip(SAMPLES, texts, read, strict=True):
        body = data.pop("body", "")
        assert data == header_of(text), path.name
        assert body.strip(), path.name
        assert text.endswith(body), path.name


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(the lines taken out, the lines put in)."""
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))[2:]
    return [line[1:] for line in diff if line[0] == "-"], [line[1:] for line in diff if line[0] == "+"]


def test_a_change_rewrites_only_the_lines_of_what_changed():
    article = ROOT / "content" / "articles" / "2026-01-20-kinship-care-feature.md"
    before = article.read_text(encoding="utf-8")
    changes = {
        "title": "Kinship care: the families holding children's lives together, a year on",
        "topics": ["Children in care", "Fostering"],
        "modified": "",
        "featured": True,
    }
    (after,) = node("edit", [before, changes])
    assert changed_lines(before, after) == (
        [
            'title: "Kinship care: the families holding children\'s lives together"',
            "modified: 2026-02-03",
            "topics: [Children in care, Fostering, Family justice]",
        ],
        [
            'title: "Kinship care: the families holding children\'s lives together, a year on"',
            "topics: [Children in care, Fostering]",
            "featured: true",
        ],
    )
    # The new key goes after the key before it in the form (image_focus), the rest keep their places.
    assert after.split("---\n")[1].splitlines()[-1] == "featured: true"
    assert after.split("---\n", 2)[2] == before.split("---\n", 2)[2]


def test_a_new_article_has_only_the_keys_its_author_filled():
    """What Decap hands the format for a new article: every field, filled or not."""
    data = {
        "title": "Kinship carers gain a voice in court",
        "date": "2026-11-30T09:30",
        "category": "News",
        "topics": ["Fostering", "Family justice"],
        "authors": [],
        "summary": "",
        "modified": None,
        "slug": " ",
        "image": "",
        "featured": False,
        "key_points": [""],
        "aliases": [],
        "sources": [{"title": "", "url": ""}, {"title": "The report", "url": "https://example.org/report"}],
        "body": "Grandparents and aunts who care for children now have a right to be heard.",
    }
    (saved,) = node("save", [data, ""])
    assert saved == (
        "---\n"
        "title: Kinship carers gain a voice in court\n"
        "date: 2026-11-30T09:30\n"
        "category: News\n"
        "topics: [Fostering, Family justice]\n"
        "sources:\n"
        "  - title: The report\n"
        "    url: https://example.org/report\n"
        "---\n"
        "\n"
        "Grandparents and aunts who care for children now have a right to be heard.\n"
    )


TRICKY = [
    "Yes",
    "no",
    "On",
    "null",
    "~",
    "12",
    "1:30",
    "3.5",
    "0x1F",
    ".inf",
    "Kinship care: a review",
    "# not a comment",
    "- not a list",
    "A title #with a hash",
    "[in brackets]",
    "O'Brien's view",
    'The "best" interests',
    "Trailing space ",
    "Ends with a colon:",
    "@handle",
    "100% of councils",
    "Café, crèche & naïve ✓",
]


def test_text_is_quoted_where_yaml_would_misread_it_and_plain_elsewhere():
    long = "x" * 100
    data = [{"title": text, "topics": [text], "key_points": [text, long], "body": "Text."} for text in TRICKY]
    saved = node("save", *([item, ""] for item in data))
    for text, written in zip(TRICKY, saved, strict=True):
        assert header_of(written) == {"title": text, "topics": [text], "key_points": [text, long]}
    plain = dict(zip(TRICKY, saved, strict=True))
    assert "title: 100% of councils\n" in plain["100% of councils"]
    assert "topics: [O'Brien's view]\n" in plain["O'Brien's view"]
    assert 'title: "Kinship care: a review"\n' in plain["Kinship care: a review"]
    assert 'title: "Yes"\n' in plain["Yes"]
    # A list too long for one line is one item a line.
    assert "key_points:\n  - 100% of councils\n  - xxx" in plain["100% of councils"]


def test_a_hand_written_author_is_shown_in_the_list_and_kept_until_the_list_changes():
    before = "---\ntitle: A note\ndate: 2026-11-20\nauthor: Jane Smith\ncategory: News\n---\n\nThe text.\n"
    (data,) = node("open", [before])
    assert data["authors"] == ["Jane Smith"]
    assert "author" not in data
    unchanged, two, none = node(
        "edit",
        [before, {}],
        [before, {"authors": ["Jane Smith", "Tom Gallagher"]}],
        [before, {"authors": []}],
    )
    assert unchanged == before
    assert two == before.replace("author: Jane Smith", "authors: [Jane Smith, Tom Gallagher]")
    assert none == before.replace("author: Jane Smith\n", "")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-11-30T09:30", "30/11/2026 09:30"),
        ("2024-01-22", "22/01/2024"),
        ("2026-01-20T10:00:30+01:00", "20/01/2026 10:00:30 +01:00"),
        ("not a date", "not a date"),
        ("", ""),
    ],
)
def test_a_date_in_the_file_is_shown_day_first_and_written_back_as_it_was(stored, shown):
    ((on_screen, back),) = node("(value) => [shown(value), stored(shown(value))]", [stored])
    assert on_screen == shown
    assert back == (stored if stored != "not a date" else None)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("30/11/2026 09:30", "2026-11-30T09:30"),
        ("1/2/2026 9:30", "2026-02-01T09:30"),
        ("30/11/2026", "2026-11-30"),
        ("  30/11/2026, 09:30 ", "2026-11-30T09:30"),
        ("31/02/2026", None),
        ("30/11/2026 24:00", None),
        ("11/30/2026", None),
        ("2026-11-30", None),
        ("", ""),
    ],
)
def test_a_date_typed_day_first_is_written_as_the_schema_reads_it(typed, written):
    (result,) = node("stored", [typed])
    assert result == written
    if written:
        assert ISO_DATE.fullmatch(written)
