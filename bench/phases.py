"""Where a cold build's time goes: `python bench/phases.py OUTPUT` in a site folder runs one cold
`pelican content -s pelicanconf.py -o OUTPUT` in this process and prints, as JSON, the seconds between the
signals that separate its phases. `invoke bench` runs it on our site and prints the table.

Each mark is a receiver connected before the plugins register, so it runs first when its signal is sent:
the phase it closes is measured up to the moment the next one begins.
"""

import json
import os
import shutil
import sys
import time
from pathlib import Path

# (signal, the phase that ends when it is sent); None for the core's own signals (site_core).
PHASES = (
    ("pelican", "get_generators", "settings, plugins and theme loaded"),
    ("pelican", "article_generator_preread", "files validated and converted (on every core)"),
    ("pelican", "article_generator_finalized", "Pelican's articles made from the converted files"),
    ("pelican", "all_generators_finalized", "Pelican's pages and static files"),
    ("pelican", "finalized", "plugins' site-wide steps, then Pelican's writer loop over every page"),
    ("site_core", "before_publish", "changed pages rendered (on every core)"),
    ("site_core", "finishing", "checks before publishing (links, sitemap, headers)"),
)
END = "the output put in place, the cache saved"


def measure(output: str) -> list[tuple[str, float]]:
    """Run the cold build; (phase, seconds) in order, ending with the time after the last signal."""
    sys.path[:0] = [str(Path.cwd()), str(Path.cwd() / "plugins")]
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(f".pelican-cache-{Path(output).name}", ignore_errors=True)
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    import site_core

    started = time.perf_counter()
    reached: dict[str, float] = {}

    def mark(name: str):
        def receiver(*_args, **_keywords) -> None:
            reached.setdefault(name, time.perf_counter() - started)

        return receiver

    receivers = []  # blinker holds receivers weakly
    for source, name, _phase in PHASES:
        receiver = mark(name)
        receivers.append(receiver)
        getattr(signals if source == "pelican" else site_core, name).connect(receiver)
    pelican = Pelican(read_settings("pelicanconf.py", override={"OUTPUT_PATH": output}))
    pelican.run()
    total = time.perf_counter() - started
    missed = [name for _source, name, _phase in PHASES if name not in reached]
    if missed:
        raise SystemExit(f"phases: the build never sent {', '.join(missed)}; the marks need updating")
    phases, since = [], 0.0
    for _source, name, phase in PHASES:
        phases.append((phase, reached[name] - since))
        since = reached[name]
    phases.append((END, total - since))
    return phases


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1893456000")
    print(json.dumps(measure(sys.argv[1])))
