"""Production settings: `pelican content -s publishconf.py -o DIR` (or `invoke publish`)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://children-first.example").rstrip("/")
OUTPUT_PATH = "public"
OUTPUT_RETENTION = [".git", ".nojekyll", "CNAME"]
SEARCH = {"index": True}
OPTIMISE = {"minify": True, "fingerprint": True, "compress": True}
# /admin/ only when EDITOR names a backend: the live site has no local backend.
EDITOR = {**EDITOR, "local": False}  # noqa: F405
