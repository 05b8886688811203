"""The benchmark's breakdown of a cold build (bench/phases.py): every phase is marked by a signal the build
really sends, in order, and the phases add up to the build."""

import json
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, fixed_environment


def test_a_cold_build_is_split_into_its_phases_in_order(project: Path):
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "phases.py"), "output-phases"],
        cwd=project, env=fixed_environment(), capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[-3000:]
    phases = json.loads(result.stdout.strip().splitlines()[-1])
    names = [name for name, _seconds in phases]
    assert names[1] == "files validated and converted (on every core)"
    assert names[-1] == "the output put in place, the cache saved"
    assert len(set(names)) == len(names) == 8
    assert all(seconds >= 0 for _name, seconds in phases)
    assert 0 < sum(seconds for _name, seconds in phases) < elapsed
    assert (project / "output-phases" / "index.html").is_file()


def test_the_image_benchmark_times_each_image_and_what_a_phone_gets(tmp_path: Path):
    from PIL import Image

    from bench.images import measure_images

    folder = tmp_path / "images"
    folder.mkdir()
    Image.effect_noise((2000, 1500), 60).convert("RGB").save(folder / "noisy.jpg", quality=95)
    (folder / "notes.txt").write_text("not an image")
    (cost,) = measure_images(folder)
    assert cost.name == "noisy.jpg"
    assert cost.megapixels == 3.0
    assert cost.seconds > 0
    assert cost.files == 4 * 2 + 1 + 1
    assert 0 < cost.phone_bytes < cost.original_bytes
