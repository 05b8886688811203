"""front_matter: Markdown articles and pages with validated YAML front matter.

Replaces Pelican's Markdown reader. Every key is checked against the content model in `schema.py`;
problems go to the build (site_core), which reports them all together and stops the build. Bodies are
converted once, with Pelican's MARKDOWN setting over the site's defaults, and sanitised with nh3.
"""

import logging

from pelican import signals
from pelican.readers import MarkdownReader

import site_core
from site_core import current_build

from .config import load_config
from .parallel import warm_read_cache
from .reader import FrontMatterReader
from .schema import content_model
from .site_checks import moved_problems, save_path_problem, site_problems

logger = logging.getLogger(__name__)


STATE = "front_matter"


def add_reader(readers) -> None:
    """Runs for each generator's readers; the configuration is checked and the cache warmed once a build."""
    for extension, reader in list(readers.reader_classes.items()):
        if extension in FrontMatterReader.file_extensions:
            readers.reader_classes[extension] = FrontMatterReader
        elif reader is MarkdownReader:
            # Pelican's own Markdown reader would read other spellings (.mkd, .mdown) past the schema, and
            # adds to the MARKDOWN setting when it starts; such a file is reported as not read instead.
            readers.reader_classes[extension] = None
    build = current_build(readers.settings)
    prepared = build.state(STATE, dict)
    if prepared.get("checked"):
        return
    prepared["checked"] = True
    config, problems = load_config(readers.settings)
    build.problems.extend(problems)
    if not problems:
        build.content_model = content_model(config)
        warm_read_cache(readers.settings)


def check_site(generators) -> None:
    settings = generators[0].settings
    current_build(settings).problems.extend(site_problems(generators, settings))


def check_moved(generators, contents) -> None:
    """site_core's `contents_moved`: the site-wide rules that a move can break."""
    current_build(generators[0].settings).problems.extend(moved_problems(generators, contents))


def check_save_path(content) -> None:
    problem = save_path_problem(content)
    if problem:
        current_build(content.settings).report(problem)


def register() -> None:
    site_core.connect()
    signals.content_object_init.connect(check_save_path)
    signals.readers_init.connect(add_reader)
    signals.all_generators_finalized.connect(check_site)
    site_core.contents_moved.connect(check_moved)
