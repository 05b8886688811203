"""Whatever an author's editor saves, reading it gives a page or our clear problems, never a crash."""

from datetime import UTC, datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from front_matter.config import load_config
from front_matter.reader import FrontMatterReader, pelican_metadata
from front_matter.schema import Context, read_document
from front_matter.slips import find_slip
from front_matter.source import SourceError, parse
from site_core import ContentRejected

SETTINGS = {
    "PATH": "content",
    "TIMEZONE": "Europe/London",
    "FRONT_MATTER": {"categories": {"News": "news"}, "topics": {"Fostering": "fostering"}},
}
VALID = (
    "---\ntitle: A valid article\ndate: 2026-03-05T09:30\ncategory: News\ntopics: [Fostering]\n"
    "authors: [Priya Shah]\nsummary: A summary.\nkey_points:\n  - One\nsources:\n"
    "  - title: Report\n    url: https://example.org/r\n---\n"
    "Some *Markdown* with a [link](/contact/) and <b>raw HTML</b>.\n\n> A quote\n\n- a list\n"
)
TOKENS = [
    "\x00",
    "\x07",
    "\x1b",
    "\u202e",
    "\ufeff",
    "\r",
    "\r\n",
    "\t",
    "---",
    ":",
    "- ",
    "[",
    "{",
    "&",
    "<",
    ">",
    "\u00a0",
    "é",
    "😀",
    "&amp;",
    "<script>",
    "javascript:",
    "{{",
    "%",
    "\n",
    "'",
    '"',
]
ODD_TEXT = st.lists(
    st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), st.sampled_from(TOKENS)), max_size=60
).map("".join)


@st.composite
def mutated_article(draw) -> bytes:
    text = VALID
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "nest", "huge"]))
        if kind == "insert":
            text = text[:position] + draw(ODD_TEXT) + text[position:]
        elif kind == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)) :]
        elif kind == "duplicate":
            lines = text.split("\n")
            line = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])
        elif kind == "nest":
            depth = draw(st.integers(50, 3000))
            text = (
                text[:position]
                + draw(
                    st.sampled_from(
                        ["[" * depth, "{a: " * depth, "> " * depth, "<div>" * depth, "  - " * depth]
                    )
                )
                + text[position:]
            )
        else:
            text = text[:position] + "x" * draw(st.integers(10_000, 200_000)) + text[position:]
    encoded = text.encode("utf-8")
    if draw(st.booleans()):
        encoded = encoded.replace(b"\n", b"\r\n")
    if draw(st.booleans()):
        encoded = b"\xef\xbb\xbf" + encoded
    return encoded


def read_all_the_way(tmp_path: Path, raw: bytes) -> None:
    """Everything the reader does with a file, asserting the outcome is a page or clear problems."""
    config, problems = load_config({**SETTINGS, "PATH": str(tmp_path)})
    assert problems == []
    path = tmp_path / "articles" / "fuzzed.md"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    document = read_document(path, "article", Context(config, tmp_path, ("images",)))
    for problem in document.problems:
        assert isinstance(problem.line, int)
        assert problem.line >= 1
        assert problem.message
        assert problem.fix
    if not document.problems:
        try:
            read = FrontMatterReader({**SETTINGS, "PATH": str(tmp_path)}).read_afresh(path, "article")
        except ContentRejected:
            return  # too deeply nested to convert: the reader has reported a problem
        metadata = pelican_metadata(read, config, SETTINGS, datetime(2030, 1, 1, tzinfo=UTC))
        assert metadata["title"]
        assert "<script" not in read.body_html.lower()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.binary(max_size=2000))
def test_random_bytes_never_crash_the_reader(tmp_path, raw):
    read_all_the_way(tmp_path, raw)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mutated_article())
def test_mutated_articles_never_crash_the_reader(tmp_path, raw):
    read_all_the_way(tmp_path, raw)


WORDS = st.lists(
    st.sampled_from([*"ab :#'\",-é", "Court", "days", "it's", '"best"', "x"]), min_size=1, max_size=10
).map("".join)
VALUES = st.recursive(
    WORDS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["title", "url"]), inner),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    header=st.dictionaries(
        st.sampled_from(["title", "summary", "key_points", "sources"]), VALUES, min_size=1
    ),
    style=st.sampled_from([None, '"', "'"]),
    flow=st.sampled_from([False, None]),
)
def test_a_header_yaml_writes_holds_no_slip(header, style, flow):
    """The slip reader is stricter than YAML only where an author's header would be wrong, never where a
    header YAML itself writes is right: quotes, apostrophes, colons and `#` in every style."""
    text = yaml.safe_dump(header, default_style=style, default_flow_style=flow, allow_unicode=True, width=40)
    assume(not text.startswith("{"))  # the whole header on one line in braces: no header an author writes
    assert find_slip(text.rstrip("\n").split("\n")) is None, text


@st.composite
def quoted_header(draw) -> list[str]:
    """A header of one-line quoted values (and a quoted key_points list), with `date:` among them."""
    lines = []
    for key in draw(st.permutations(["title", "summary", "content_note", "image_alt"]))[
        : draw(st.integers(1, 4))
    ]:
        dumped = yaml.safe_dump(draw(WORDS).strip() or "x", default_style=draw(st.sampled_from(QUOTE_MARKS)))
        lines.append(f"{key}: {dumped.strip()}")
    lines.insert(draw(st.integers(0, len(lines))), "date: 2026-03-05")
    if draw(st.booleans()):
        lines.append("key_points:")
        for _ in range(draw(st.integers(1, 3))):
            dumped = yaml.safe_dump(
                draw(WORDS).strip() or "x", default_style=draw(st.sampled_from(QUOTE_MARKS))
            )
            lines.append(f"  - {dumped.strip()}")
    return [line for line in lines if "\n" not in line]


QUOTE_MARKS = ['"', "'"]


@settings(max_examples=300, deadline=None)
@given(lines=quoted_header(), data=st.data())
def test_a_quote_left_open_or_closed_early_is_reported_at_its_line(lines, data):
    """Drop the closing quote of any value, or put a bare quote inside one: wherever YAML gives up, the
    author is told about that line."""
    quoted = [index for index, line in enumerate(lines) if line.endswith(tuple(QUOTE_MARKS))]
    assume(quoted)
    index = data.draw(st.sampled_from(quoted))
    line = lines[index]
    quote = line[-1]
    if data.draw(st.booleans()):
        lines[index] = line[:-1]
    else:
        at = data.draw(st.integers(line.index(quote) + 1, len(line) - 1))
        assume(line[at - 1] not in (quote, "\\") and line[at] != quote)
        assume(not line[at:].lstrip(" ").startswith("#"))  # `"text" # note` is a comment after the text
        lines[index] = line[:at] + quote + line[at:]
    text = "---\n" + "\n".join(lines) + "\n---\nText.\n"
    try:
        parse(text)
    except SourceError as error:
        caught = error
    else:
        return  # still YAML, and no key swallowed: e.g. an open quote closed by the next line's
    assert caught.line == index + 2, (text, caught.line, caught.message)
    assert "opened with" in caught.message or "is followed by more text" in caught.message, caught.message
