"""`invoke bench`: every run in order, then the table; the same corpus for all three generators."""

import json
import shutil
import subprocess

from invoke import Exit

from bench import BENCH, PYTHON, ROOT
from bench.corpus import corpus as make_corpus
from bench.edit_loop import environment, hugo_binary, measure_hugo, measure_ours, print_edit_loop
from bench.images import measure_images, print_images
from bench.measure import differing_files, pages_written, timed
from bench.peers import peers_bin
from bench.sites import our_header, write_articles, write_hugo, write_ours, write_vanilla

EDIT = "\nOne more sentence for the benchmark.\n"


def run(count: int) -> None:
    """Time our build against vanilla Pelican and Hugo on one generated corpus, in one run."""
    corpus = make_corpus(count)
    peers = peers_bin()
    ours, vanilla, hugo = BENCH / "ours", BENCH / "vanilla", BENCH / "hugo"
    write_ours(ours, corpus)
    write_vanilla(vanilla, corpus)
    write_hugo(hugo, corpus)
    env = environment()
    rows = []
    seconds, memory = timed(
        [str(peers / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"], vanilla, env
    )
    rows.append(("vanilla Pelican 4.12, cold", seconds, pages_written(vanilla / "output"), memory))
    seconds, memory = timed([str(peers / "hugo"), "--quiet", "-d", "output"], hugo, env)
    rows.append(("Hugo, cold", seconds, pages_written(hugo / "output"), memory))
    # Pelican's own content cache, for the rebuild after an edit: one run fills it, the next uses it.
    cached = [
        str(peers / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output-cached", "-q",
        "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true", "CHECK_MODIFIED_METHOD=\"md5\"",
    ]  # fmt: skip
    timed(cached, vanilla, env)
    edited = vanilla / "content" / f"{corpus[count // 2]['slug']}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + EDIT)
    seconds, memory = timed(cached, vanilla, env)
    rows.append(
        ("vanilla Pelican, its cache, one edit", seconds, pages_written(vanilla / "output-cached"), memory)
    )
    ours_command = [PYTHON, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours (pelicanconf), cold", seconds, pages_written(ours / "output"), memory))
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours, rebuild with no change", seconds, pages_written(ours / "output"), memory))
    edited = ours / "content" / "articles" / f"{corpus[count // 2]['slug']}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + EDIT)
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours, rebuild after one edit", seconds, pages_written(ours / "output"), memory))
    # The newest article of the corpus, as a new article usually is: it heads every listing it is in.
    new = {
        **corpus[-1],
        "slug": "bench-new-article",
        "title": "A new benchmark article",
        "date": "2025-12-30T09:00",
    }
    write_articles(ours / "content" / "articles", [new], our_header)
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours, rebuild after a new article", seconds, pages_written(ours / "output"), memory))
    clean = [PYTHON, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output-clean", "-q"]
    shutil.rmtree(ours / ".pelican-cache-output-clean", ignore_errors=True)
    timed(clean, ours, env)
    differing = differing_files(ours / "output", ours / "output-clean")
    publish = [PYTHON, "-m", "pelican", "content", "-s", "publishconf.py", "-o", "public", "-q"]
    seconds, memory = timed(publish, ours, env)
    rows.append(("ours (publishconf, with search), cold", seconds, pages_written(ours / "public"), memory))
    # The search step on its own, over the published output: its time and its own peak memory.
    index = (
        "import sys; sys.path.insert(0, 'plugins'); from pathlib import Path; "
        "from pelican.settings import read_settings; from search import build_index, indexed_glob; "
        "glob = indexed_glob(read_settings('publishconf.py')); "
        "sys.exit(0 if build_index(Path('public'), 'pagefind', glob=glob)[0] else 1)"
    )
    search_seconds, search_memory = timed([PYTHON, "-c", index], ours, env)
    print_report(count, rows, differing, search_seconds, search_memory)
    print_phases(cold_build_phases(ours, env))
    print_images(measure_images())
    slug = corpus[count // 2]["slug"]
    edit_loop = [
        measure_ours(ours, slug),
        measure_hugo(hugo, hugo_binary(peers), slug),
    ]
    print_edit_loop(edit_loop, count)
    if differing:
        raise Exit("benchmark: an incremental rebuild differs from a clean build", 1)


def print_report(
    count: int,
    rows: list[tuple[str, float, int, int]],
    differing: list[str],
    search_seconds: float,
    search_memory: int,
) -> None:
    """The table (each build against vanilla Pelican and Hugo), whether rebuilds matched, the search step."""
    pelican_seconds, hugo_seconds = rows[0][1], rows[1][1]
    print(f"\n{count} articles of about 560 words, this machine, one run\n")
    print(f"{'build':40} {'seconds':>8} {'× Pelican':>10} {'× Hugo':>8} {'pages':>7} {'peak MB':>8}")
    for name, seconds, pages, memory in rows:
        print(
            f"{name:40} {seconds:8.2f} {seconds / pelican_seconds:10.2f} {seconds / hugo_seconds:8.2f} "
            f"{pages:7d} {memory:8d}"
        )
    if differing:
        print(f"\nThe rebuilt output DIFFERS from a clean build in {len(differing)} files: {differing[:5]}")
    else:
        print("\nThe rebuilt output is byte-identical to a clean build of the same content.")
    print(
        f"The search index (Pagefind) alone takes {search_seconds:.2f} s "
        f"({search_seconds / rows[-1][1]:.0%} of the publish build) and {search_memory} MB; "
        "the publish row's peak memory is Pagefind's process."
    )


def cold_build_phases(site, env: dict) -> list[tuple[str, float]]:
    """One more cold development build, in a process that marks when each phase ends (bench/phases.py)."""
    output = "output-phases"
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "phases.py"), output],
        cwd=site, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    shutil.rmtree(site / output, ignore_errors=True)
    shutil.rmtree(site / f".pelican-cache-{output}", ignore_errors=True)
    if result.returncode != 0:
        raise Exit(f"benchmark: the measured cold build failed:\n{result.stderr[-2000:]}", 1)
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_phases(phases: list[tuple[str, float]]) -> None:
    total = sum(seconds for _, seconds in phases)
    print(f"\nWhere a cold development build's {total:.1f} s go (one more cold build, marked by signals):\n")
    for phase, seconds in phases:
        print(f"  {phase:68} {seconds:6.2f} s {seconds / total:5.0%}")
