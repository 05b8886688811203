"""A YAML slip is reported at the line that made it, with the fix for it, whatever else the header holds."""

from pathlib import Path

import pytest

from front_matter.config import load_config
from front_matter.schema import Context, read_document
from front_matter.slips import find_slip

SETTINGS = {
    "TIMEZONE": "Europe/London",
    "FRONT_MATTER": {
        "categories": {"News": "news", "Research": "research", "Features": "features", "Opinion": "opinion"},
        "topics": {"Fostering": "fostering", "Children in care": "children-in-care"},
    },
}
SLIP = "{slip}"
# Real headers, with quoted values (double and single quotes, quotes and apostrophes inside them, quoted
# lists and sources) before the slip, after it, or both.
HEADERS = {
    "first line, quoted values after": [
        SLIP,
        "date: 2026-03-05",
        "category: News",
        'summary: "Carers describe the first weeks: what helped, and what did not."',
        "key_points:",
        '  - "Referrals rose by a fifth"',
        "  - 'Most came from schools'",
    ],
    "between quoted values, quoted sources after": [
        'title: "Kinship carers: a new survey"',
        "date: 2026-03-05T09:30",
        "category: Research",
        SLIP,
        'topics: ["Children in care", Fostering]',
        "sources:",
        '  - title: "The 2026 survey"',
        '    url: "https://example.org/survey"',
        "  - title: 'Press release'",
        "    url: https://example.org/press",
    ],
    "last line, after a title with quotes in it": [
        "title: 'The \"hidden\" carers'",
        "date: 2026-03-05",
        "category: Features",
        "authors: [\"Priya Shah\", 'Tom Reed']",
        'content_note: "Describes neglect."',
        SLIP,
    ],
    "before apostrophes written right": [
        'title: "Why councils can\'t keep social workers"',
        "date: 2026-03-05",
        "category: Opinion",
        SLIP,
        "summary: 'Children''s services lose one in six staff a year.'",
        "key_points:",
        "  - 'Pay is not the main reason'",
        '  - "Caseloads are: too high"',
        'image_alt: "A social worker\'s desk"',
    ],
}
# (the lines of the slip, which of them is the slip, what the author is told, the fix)
SLIPS = {
    "unclosed double quote in a title": (
        ['title: "Court days: a record year'],
        0,
        'the text opened with `"` on this line is never closed',
        'end it with `"` on the same line: `title: "Court days: a record year"` '
        '(write \\" for a quote inside it)',
    ),
    "unclosed double quote in a summary": (
        ['summary: "Carers describe the first weeks'],
        0,
        'the text opened with `"` on this line is never closed',
        'end it with `"` on the same line: `summary: "Carers describe the first weeks"` '
        '(write \\" for a quote inside it)',
    ),
    "unclosed single quote": (
        ["summary: 'Carers describe the first weeks"],
        0,
        "the text opened with `'` on this line is never closed",
        "end it with `'` on the same line: `summary: 'Carers describe the first weeks'` (write '' for an "
        "apostrophe inside it); if the `'` is an apostrophe, put the whole value in double quotes: "
        '`summary: "\'Carers describe the first weeks"`',
    ),
    "unclosed quote in a key point": (
        ["key_points:", '  - "Referrals rose by a fifth', '  - "Schools made most of them"'],
        1,
        'the text opened with `"` on this line is never closed',
        'end it with `"` on the same line: `- "Referrals rose by a fifth"` (write \\" for a quote inside it)',
    ),
    "unclosed quote in a source's title": (
        ["sources:", '  - title: "Annual report', '    url: "https://example.org/report"'],
        1,
        'the text opened with `"` on this line is never closed',
        'end it with `"` on the same line: `- title: "Annual report"` (write \\" for a quote inside it)',
    ),
    "apostrophe inside single quotes": (
        ["summary: 'Children's services saw more referrals'"],
        0,
        "the apostrophe in `Children's` ends the text opened with `'`",
        'write it in double quotes: `summary: "Children\'s services saw more referrals"`, or double the '
        "apostrophe: `summary: 'Children''s services saw more referrals'`",
    ),
    "apostrophe inside single quotes, never closed": (
        ["summary: 'Carers say it's hard"],
        0,
        "the apostrophe in `it's` ends the text opened with `'`",
        'write it in double quotes: `summary: "Carers say it\'s hard"`, or double the apostrophe: '
        "`summary: 'Carers say it''s hard'`",
    ),
    "apostrophe inside a single-quoted key point": (
        ["key_points:", "  - 'Carers can't get support'", '  - "Councils: stretched"'],
        1,
        "the apostrophe in `can't` ends the text opened with `'`",
        'write it in double quotes: `- "Carers can\'t get support"`, or double the apostrophe: '
        "`- 'Carers can''t get support'`",
    ),
    "double quote inside double quotes": (
        ['title: "The "hidden" carers"'],
        0,
        'the `"` in `"hidden"` ends the text opened with `"`',
        'write \\" for a quote inside it: `title: "The \\"hidden\\" carers"`, or put the whole value in '
        "single quotes: `title: 'The \"hidden\" carers'`",
    ),
    "quoted words, then more": (
        ['title: "Court days": a record year'],
        0,
        'the text in quotes, `"Court days"`, is followed by more text',
        'write \\" for a quote inside it: `title: "\\"Court days\\": a record year"`, or put the whole value '
        "in single quotes: `title: '\"Court days\": a record year'`",
    ),
    "colon in an unquoted title": (
        ["title: Court days: a record year"],
        0,
        "the colon after `Court days` makes YAML read it as another key",
        'put the whole value in double quotes: `title: "Court days: a record year"`',
    ),
    "colon in a source's title": (
        ["sources:", "  - title: Court days: a record year", '    url: "https://example.org/report"'],
        1,
        "the colon after `Court days` makes YAML read it as another key",
        'put the whole value in double quotes: `- title: "Court days: a record year"`',
    ),
    "tab indenting a list item": (
        ["key_points:", '\t- "Referrals rose by a fifth"'],
        1,
        "a tab is used for indentation",
        "indent with spaces: YAML does not allow tabs",
    ),
    "tab indenting a source's url": (
        ["sources:", '  - title: "Annual report"', '  \t url: "https://example.org/report"'],
        2,
        "a tab is used for indentation",
        "indent with spaces: YAML does not allow tabs",
    ),
    "unclosed bracket": (
        ['topics: [Fostering, "Children in care"'],
        0,
        "the `[` opened on this line is never closed",
        'end it on the same line: `topics: [Fostering, "Children in care"]`',
    ),
    "no space after a colon": (
        ["summary:Plain words"],
        0,
        "there is no space after the colon in `summary:Plain words`",
        "put a space after it: `summary: Plain words`",
    ),
    "list item after a value": (
        ["topics: Fostering", "- Children in care"],
        1,
        "a list item (`- …`) follows `topics:`, which already has a value",
        "leave `topics:` empty after its colon and put every item under it, or write the list on one line: "
        "`topics: [Fostering, Children in care]`",
    ),
}


@pytest.fixture
def context(tmp_path: Path) -> Context:
    config, problems = load_config({**SETTINGS, "PATH": str(tmp_path)})
    assert problems == []
    return Context(config, tmp_path, ("images",))


def problems_of(tmp_path: Path, context: Context, yaml_lines: list[str]) -> list[str]:
    path = tmp_path / "slip.md"
    path.write_text("---\n" + "\n".join(yaml_lines) + "\n---\nThe text.\n", encoding="utf-8")
    return [f"{p.line}: {p.message} — {p.fix}" for p in read_document(path, "article", context).problems]


@pytest.mark.parametrize("header", sorted(HEADERS))
@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_a_slip_is_reported_at_its_line_with_its_fix(tmp_path, context, header, slip):
    lines, offset, message, fix = SLIPS[slip]
    template = HEADERS[header]
    at = template.index(SLIP)
    yaml_lines = [*template[:at], *lines, *template[at + 1 :]]
    # The file's line: the `---` is line 1, so the YAML's first line is line 2.
    assert problems_of(tmp_path, context, yaml_lines) == [f"{at + offset + 2}: {message} — {fix}"]


def test_an_unclosed_title_is_found_above_the_quoted_key_points_where_yaml_gave_up(tmp_path, context):
    """The issue's own case: PyYAML stops at the first quoted key point, eleven lines below the slip."""
    header = [
        'title: "Councils report a rise in referrals after lockdown',
        "date: 2026-11-24T09:30",
        "category: News",
        "topics: [Fostering]",
        "authors: [Priya Shah]",
        "summary: Children's services saw hundreds more referrals a day once schools reopened.",
        "image_alt: decorative",
        "featured: true",
        "content_note: Discusses neglect.",
        "aliases: [/news/2026/referrals/]",
        "key_points:",
        '  - "Referrals rose by a fifth"',
        "  - Schools made most of them",
    ]
    assert problems_of(tmp_path, context, header) == [
        '2: the text opened with `"` on this line is never closed — end it with `"` on the same line: '
        '`title: "Councils report a rise in referrals after lockdown"` (write \\" for a quote inside it)'
    ]


UNCLOSED_TITLE = (
    '2: the text opened with `"` on this line is never closed — end it with `"` on the same line: '
    '`title: "Court days"` (write \\" for a quote inside it)'
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ['title: "Court days', "date: 2026-03-05", "category: News", 'summary: "ends here"'],
            UNCLOSED_TITLE,
        ),
        (['title: "Court days', "date: 2026-03-05", "category: News", 'summary: ends here"'], UNCLOSED_TITLE),
        (
            ["topics: [Fostering,", "date: 2026-03-05", "category: News]", 'title: "T"'],
            "2: the `[` opened on this line is never closed — end it on the same line: "
            "`topics: [Fostering,]`",
        ),
    ],
)
def test_a_value_yaml_lets_run_on_over_the_keys_below_is_reported_where_it_opened(
    tmp_path, context, header, expected
):
    """YAML itself reads the last two (its continuation rules are looser than its own specification), the
    title or the topics swallowing the keys below; the author is told about the line that opened them."""
    assert problems_of(tmp_path, context, header) == [expected]


@pytest.mark.parametrize(
    "header",
    [
        [
            'title: "Carers describe the first weeks:',
            '  what helped, and what did not"',
            "date: 2026-03-05",
            "category: News",
        ],
        ["title: T", "date: 2026-03-05", "category: News", "topics: [Fostering,", "  Children in care]"],
        [
            "title: T",
            "date: 2026-03-05",
            "category: News",
            "summary: >",
            '  A "quoted" word: here',
            "  again",
        ],
        ["title: T", "date: 2026-03-05", "category: News", "summary: One line", "  and the next, indented"],
    ],
)
def test_values_that_go_on_over_indented_lines_are_fine(tmp_path, context, header):
    assert problems_of(tmp_path, context, header) == []


@pytest.mark.parametrize(
    ("yaml_lines", "line", "message"),
    [
        (
            ["title: T", "sources:", "  - title: Report", "   url: https://example.org/r"],
            5,
            "the header cannot be read from this line on",
        ),
        (["title: T", "key_points:", "  - One", " - Two"], 5, "the header cannot be read from this line on"),
        (
            ["title: T", "Some stray words", "date: 2026-03-05"],
            3,
            "`Some stray words` is not a `key: value` line",
        ),
        (
            ["title: T", "date: 2026-03-05", "  category: News"],
            4,
            "`category:` is indented further than `date:`",
        ),
        (["title: >50 children"], 2, "a value cannot begin with `>` unless it is in quotes"),
        (["title: T", "topics: - Fostering"], 3, "a list cannot begin on the same line as `topics:`"),
        (["title: T", "topics: [Fostering}"], 3, "the `}` on this line cannot close the `[` before it"),
        (["title: T", "topics: [Fostering] and more"], 3, "there is more after the `]`"),
        (["title: a\tb", "date: ["], 2, "a tab is used as a space in this line"),
    ],
)
def test_other_slips_are_said_in_words_at_their_line(tmp_path, context, yaml_lines, line, message):
    (problem,) = problems_of(tmp_path, context, yaml_lines)
    assert problem.startswith(f"{line}: {message}"), problem


JARGON = ("YAML node", "scalar", "mapping", "FRONT_MATTER", "<block", "token", "front matter", "stream")


def test_no_message_uses_the_parsers_words(tmp_path, context):
    broken = [
        ["title: T", "sources:", "  - title: Report", "   url: https://example.org/r"],
        [" title: T", "date: 2026-03-05"],
        ["title: T", "key_points:", "  - One", " - Two"],
        ["title: T", "a: &x 1", "b: *y"],
        ["title: T", "? a", "b"],
        *(
            [*template[: template.index(SLIP)], *lines, *template[template.index(SLIP) + 1 :]]
            for template in HEADERS.values()
            for lines, *_ in SLIPS.values()
        ),
    ]
    for yaml_lines in broken:
        for problem in problems_of(tmp_path, context, yaml_lines):
            assert not any(word in problem for word in JARGON), problem


def test_a_header_with_no_slip_has_none_to_find():
    lines = [*HEADERS["between quoted values, quoted sources after"]]
    lines[lines.index(SLIP)] = "summary: 'Children''s services: \"stretched\"' # a comment"
    assert find_slip(lines) is None
