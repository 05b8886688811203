"""Inline patterns (Markdown's own and smarty's) tried only on the text that has what they start from: the
same HTML as Python-Markdown gives, for tricky text and every article and page of the sample site."""

from pathlib import Path

import markdown
import pytest

from front_matter.render import INLINE_NEEDS, SMARTY_NEEDS, markdown_converter, markdown_options

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
    "*em* _em_ **strong** __strong__ ***both*** snake_case_word 2*3*4 a * b _ c",
    "[link](/a/) [ref][r] [r] ![img](/i.png) ![ref img][r] ![r] [^1] \\[not a link\\] \\*not em\\*\n\n"
    '[r]: /r/ "R"\n[^1]: A note with *em* and a [link](/b/).',
    "<https://example.org/a?b=1&c=2> <someone@example.org> <span>html</span> &amp; &copy; &#8212; & alone",
    "Line one  \nline two\\\nthree `code *not em*` ``double `tick` code`` and \\`escaped\\`",
    "[*em in link* and `code` and 'quote'](/x/) **[link in strong](/y/)** _emph [link](/z/) end_",
]
# Each with one thing to find alone, so that a pattern not tried on it shows.
ALONE = [
    "_underscored_ only",
    "__strong underscores__ only",
    "*starred* only",
    "a `code` span only",
    "an \\*escaped star only",
    "a [link](/a/) only",
    "an ![image](/i.png) only",
    "a footnote[^n] only\n\n[^n]: The note.",
    "<https://example.org/> only",
    "<someone@example.org> only",
    "<span>inline html</span> only",
    "an &amp; entity only",
    "a line break  \nonly",
    "'single' only",
    '"double" only',
    "en -- dash only",
    "em --- dash only",
    "dots... only",
    "the '90s only",
]


def sample_bodies() -> list[str]:
    bodies = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            bodies.append(text.split("---\n", 2)[2])
    return bodies


@pytest.mark.parametrize("text", [*TRICKY, *ALONE, *sample_bodies()], ids=lambda t: t[:30])
def test_narrowed_typography_gives_smartys_own_html(text):
    plain = markdown.Markdown(**markdown_options({}))
    assert markdown_converter({}).convert(text) == plain.convert(text)


def test_every_inline_pattern_is_narrowed():
    """An upgrade of Python-Markdown that changes or adds an inline pattern fails here (it would otherwise
    be tried on all text again, silently slower)."""
    converter = markdown_converter({})
    processor = converter.treeprocessors["smarty"]
    patterns = [pattern.compiled_re.pattern for pattern in processor.inlinePatterns]
    assert len(patterns) == 18
    assert [pattern for pattern in patterns if pattern not in SMARTY_NEEDS] == []
    inline = converter.inlinePatterns
    assert len(inline) == len(INLINE_NEEDS)
    assert all(name in inline for name in INLINE_NEEDS)
