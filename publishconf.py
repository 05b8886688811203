"""Production settings: `pelican content -s publishconf.py -o DIR` (or `invoke publish`)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402, F403

SITEURL = os.environ.get("SITEURL", "https://children-first.example").rstrip("/")
FEED_DOMAIN = SITEURL
OUTPUT_PATH = "public"
