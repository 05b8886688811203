"""Whatever an author's editor saves, reading it gives a page or our clear problems, never a crash."""

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from front_matter.config import load_config
from front_matter.reader import FrontMatterReader, pelican_metadata
from front_matter.schema import Context, read_document
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
