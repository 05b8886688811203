"""The maintainer's loop: `invoke test --fast` runs only tests marked fast, and no test writes outside its
temporary folders (the image cache included)."""

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SLOW_MODULES
from images import ImagesOptions, cache_folder


def collected(*options: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_fast_tier_leaves_out_every_slow_test():
    fast = collected("-m", "not slow")
    everything = collected()
    assert 0 < len(fast) < len(everything)
    for node in fast:
        module = Path(node.split("::", 1)[0]).stem
        assert module not in SLOW_MODULES, node
    # A test that copies the project and runs the pelican command is slow wherever it is.
    assert any(node.startswith("tests/test_wordpress_import.py::") for node in everything)
    assert not any(node.startswith("tests/test_wordpress_import.py::") for node in fast)


def test_the_image_cache_is_the_test_sessions_own(tmp_path_factory):
    folder = cache_folder({"PATH": str(tmp_path_factory.mktemp("content"))}, ImagesOptions())
    assert folder.is_relative_to(tmp_path_factory.getbasetemp().parent)
    assert not folder.is_relative_to(Path.home() / ".cache")
