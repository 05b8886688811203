"""Pages the dev server writes between builds, noted for the next build (see `note_pages_written_outside`)."""

import logging
from pathlib import Path

from incremental import WRITTEN_OUTSIDE, SiteMemory, note_pages_written_outside, pages_written_outside
from incremental.writer import NEVER_REUSED
from site_core import Memory


def test_noted_pages_are_read_back_as_never_reused(tmp_path: Path):
    memory = SiteMemory(tmp_path)
    note_pages_written_outside(memory, {"articles/new/index.html", "page/502/index.html"})
    note_pages_written_outside(memory, {'articles/a "quoted"\nname/index.html'})
    assert pages_written_outside(tmp_path) == {
        "articles/new/index.html": NEVER_REUSED,
        "page/502/index.html": NEVER_REUSED,
        'articles/a "quoted"\nname/index.html': NEVER_REUSED,
    }
    assert NEVER_REUSED.template == ""  # no template has this name: the record is never reused


def test_without_a_cache_nothing_is_noted(tmp_path: Path):
    note_pages_written_outside(Memory(), {"articles/new/index.html"})
    assert not list(tmp_path.iterdir())
    assert pages_written_outside(tmp_path) == {}


def test_a_line_cut_short_is_warned_about_and_the_rest_kept(tmp_path: Path, caplog):
    (tmp_path / WRITTEN_OUTSIDE).write_text('"articles/kept/index.html"\n"articles/cut', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="incremental"):
        assert pages_written_outside(tmp_path) == {"articles/kept/index.html": NEVER_REUSED}
    assert "line 2 of" in caplog.text
