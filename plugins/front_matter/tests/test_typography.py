"""smarty's patterns tried only on the text that has their quote, dashes or dots: the same HTML as
Python-Markdown's own smarty gives, for tricky typography and every article and page of the sample site."""

from pathlib import Path

import markdown
import pytest

from front_matter.render import SMARTY_NEEDS, markdown_converter, markdown_options

ROOT = Path(__file__).resolve().parents[3]
TRICKY = [
    "'Tis the season; the '90s; rock 'n' roll.",
    "\"'Quoted' words,\" she said -- then --- nothing... or....",
    "He said, \"'Quoted' words in a larger quote.\"",
    "A child's 'safe' place -- \"the room\" --- isn't it?",
    "'\"Mixed\"' and \"'mixed'\" at the start",
    "Dots... four.... two.. and a dash-- or --dash or ---em--- or ----",
    "`code with 'quotes' -- and ...` and *emphasis with 'quotes'* and [a 'link'](/x/ \"its 'title'\")",
    "> A quote: 'single', \"double\"\n\n- a list's item -- with dashes\n- 'another'...",
    "| a 'cell' | \"b\" |\n|---|---|\n| c -- d | e... |",
    "<abbr title=\"it's\">'HTML'</abbr> and &quot;entities&quot; and &#39;more&#39;",
    "No typography at all here, only words and full stops.",
]


def sample_bodies() -> list[str]:
    bodies = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            bodies.append(text.split("---\n", 2)[2])
    return bodies


@pytest.mark.parametrize("text", [*TRICKY, *sample_bodies()], ids=lambda t: t[:30])
def test_narrowed_typography_gives_smartys_own_html(text):
    plain = markdown.Markdown(**markdown_options({}))
    assert markdown_converter({}).convert(text) == plain.convert(text)


def test_every_smarty_pattern_is_narrowed():
    """An upgrade of Python-Markdown that changes one of smarty's patterns fails here (the pattern would
    otherwise be tried on all text again, silently slower)."""
    converter = markdown_converter({})
    processor = converter.treeprocessors["smarty"]
    patterns = [pattern.compiled_re.pattern for pattern in processor.inlinePatterns]
    assert len(patterns) == 18
    assert [pattern for pattern in patterns if pattern not in SMARTY_NEEDS] == []
