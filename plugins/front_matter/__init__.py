"""front_matter: Markdown articles and pages with validated YAML front matter.

Replaces Pelican's Markdown reader. Every key is checked against the content model in `schema.py`;
problems go to `safe_build`, which reports them all together and stops the build. Bodies are
converted once and sanitised with nh3.
"""

import logging

from pelican import signals

from incremental import reads
from safe_build import report

from .config import load_config
from .parallel import warm_read_cache
from .reader import FrontMatterReader
from .site_checks import save_path_problem, site_problems

logger = logging.getLogger(__name__)


_warmed_cache = None


def add_reader(readers) -> None:
    """Runs for each generator's readers; the configuration is checked and the cache warmed once a build."""
    global _warmed_cache
    for extension in FrontMatterReader.file_extensions:
        readers.reader_classes[extension] = FrontMatterReader
    if reads.cache is not None and reads.cache is _warmed_cache:
        return
    problems = load_config(readers.settings)[1]
    for problem in problems:
        report(problem)
    if not problems:
        warm_read_cache(readers.settings)
    _warmed_cache = reads.cache


def check_site(generators) -> None:
    settings = generators[0].settings
    for problem in site_problems(generators, settings):
        report(problem)


def check_save_path(content) -> None:
    problem = save_path_problem(content)
    if problem:
        report(problem)


def register() -> None:
    signals.content_object_init.connect(check_save_path)
    signals.readers_init.connect(add_reader)
    signals.all_generators_finalized.connect(check_site)
