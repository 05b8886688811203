"""site_core: what the site's plugins share, installed as a package so no plugin depends on another.

- problems and reporting (`Problem`, `BuildFailed`, each problem logged as `path:line: what — fix`);
- settings (`parse_options`: one dict setting per plugin, parsed once per build into a frozen dataclass,
  problems naming the settings file and line);
- site paths and facts (`site_root`, `absolute_url`, `language_tag`, `search_folder`, `staging_path`,
  `alias_save_as`);
- every article and page of a generator (`all_contents`), those the build writes (`published_contents`),
  and their URLs worked out once per build; whether one is an author's draft (`is_draft`);
- the content model as data (`ContentModel`, `ModelField`, `Requirement`), for plugins that show it to
  people;
- the cache store and cached reads, and work spread over forked processes;
- the build's own signals and the per-build state (`current_build`);
- `_headers`, written once per build from the rules each plugin declares (`Build.declare_headers`).

A plugin's `register()` calls `connect()` first: the core's receivers then run before the plugin's own,
whichever plugins the site lists and in whatever order.
"""

from pelican import signals

from .build import (
    BUILD_KEY,
    Build,
    Memory,
    after_publish,
    attach,
    before_publish,
    begin,
    build_failed,
    content_patched,
    contents_moved,
    current_build,
    finishing,
    page_rendered,
    pages_moved,
    pages_patched,
    pages_written,
    publish,
    publish_output,
    stop_on_problems,
)
from .contents import (
    all_contents,
    fix_addresses,
    fix_moved_addresses,
    forget_memoized,
    is_draft,
    published_contents,
)
from .dates import long_date
from .headers import HEADERS_FILE, HeaderRule, HeaderRules
from .model import KINDS, ContentModel, ModelField, Requirement
from .paths import (
    absolute_url,
    alias_save_as,
    build_time,
    language_tag,
    search_folder,
    site_root,
    staging_path,
)
from .problems import BuildFailed, ContentRejected, LineError, Problem, display_path
from .settings import config_problem, locate_setting, merge_options, parse_options

__all__ = [
    "BUILD_KEY",
    "HEADERS_FILE",
    "KINDS",
    "Build",
    "BuildFailed",
    "ContentModel",
    "ContentRejected",
    "HeaderRule",
    "HeaderRules",
    "LineError",
    "Memory",
    "ModelField",
    "Problem",
    "Requirement",
    "absolute_url",
    "after_publish",
    "alias_save_as",
    "all_contents",
    "before_publish",
    "build_failed",
    "build_time",
    "config_problem",
    "connect",
    "content_patched",
    "contents_moved",
    "current_build",
    "display_path",
    "finishing",
    "forget_memoized",
    "is_draft",
    "language_tag",
    "locate_setting",
    "long_date",
    "merge_options",
    "page_rendered",
    "pages_moved",
    "pages_patched",
    "pages_written",
    "parse_options",
    "publish_output",
    "published_contents",
    "search_folder",
    "site_root",
    "staging_path",
]


def connect() -> None:
    """Connect the core's receivers (blinker keeps one connection per receiver, so calling it again from
    each plugin changes nothing)."""
    signals.initialized.connect(attach)
    signals.get_generators.connect(begin)
    signals.all_generators_finalized.connect(fix_addresses)
    contents_moved.connect(fix_moved_addresses)
    signals.get_writer.connect(stop_on_problems)
    signals.finalized.connect(publish)
