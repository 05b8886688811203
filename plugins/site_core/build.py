"""The per-build state every plugin reaches, and the steps of a build that the core drives.

A `Build` is made when Pelican starts (`initialized`) and reset at the start of every run, so an
autoreloading Pelican or a long-running dev server begins each build clean. It lives in the settings under
`BUILD_KEY`: every signal's sender leads to the settings (Pelican, generators, readers, content, and the
context Pelican copies from the settings), so `current_build(x.settings)` finds it from anywhere.

At the end of a build the core sends its own signals, in this order:

- `pages_written` (Pelican): the writer's loop is over; pages it put off are completed here.
- `before_publish` (Pelican): every file is written; checks and index steps work over `pelican.output_path`.
  A receiver that starts a separate program (the search index) may leave it running while the receivers
  after it run (`Build.alongside`); the core waits for it once they have all run.
  Then the core writes `_headers` from the header rules plugins declared (`Build.declare_headers`, up to
  here; see headers.py), whichever plugins there are and in whatever order they ran.
- `finishing` (Pelican): every check passed; last touches that add files but change no page.
- `publish_output` (Pelican): the output is complete; staging (safe_build) swaps it into place here.
- `after_publish` (Pelican): the output is in place; caches record what it was made from.

A build with problems stops at the first step after they were found, reports them all and raises
`BuildFailed`; `build_failed` (Pelican) lets staging discard what was written.

Outside a build, the dev server sends `content_patched` to each generator of its last build, with
`contents`, once it has changed those articles and pages in place (their text only, never where they
are listed) and re-rendered the pages that show them: a generator that writes files of its own (feeds,
indexes) rewrites the ones that show them. Then it sends `pages_patched` once, with the Pelican object and
`pages` (each page it rewrote, with the content file it was written from, or None): a check over the output
(link_check) reports what it finds in them to the build, which fails as any build does.

When a save moves articles (see commands/moves.py), the dev server changes the articles generator's lists
and sends `contents_moved` with the build's generators and `contents` (the articles moved or new): each
plugin that keeps state made from where articles are listed brings it up to date, as its
`all_generators_finalized` receiver would, and reports problems to the build. Once the pages are
rendered it sends `pages_moved` with the Pelican object and `pages` (every page of the site, by file
name, with the context it is rendered with): a file made from every page (the sitemap) is written again.

While it renders a move's pages, in the worker process that rendered each, the dev server sends
`page_rendered` with the page's file name and `text`: what a receiver returns (picklable, and small: the
page's links, not its text) comes back with the page and reaches `pages_patched` as `inspected` (by page,
then by receiver), so a check need not read and parse again the pages that were just in memory.
"""

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from blinker import signal

from .headers import HeaderRules
from .model import ContentModel
from .problems import BuildFailed, Problem, ProblemLog, configure_logging, log_problems, log_warnings
from .reads import ReadCache
from .settings import parse_options

logger = logging.getLogger(__name__)

BUILD_KEY = "SITE_CORE_BUILD"
State = TypeVar("State")
Options = TypeVar("Options")

pages_written = signal("site_core.pages_written")
before_publish = signal("site_core.before_publish")
finishing = signal("site_core.finishing")
publish_output = signal("site_core.publish_output")
after_publish = signal("site_core.after_publish")
build_failed = signal("site_core.build_failed")
content_patched = signal("site_core.content_patched")
pages_patched = signal("site_core.pages_patched")
contents_moved = signal("site_core.contents_moved")
pages_moved = signal("site_core.pages_moved")
page_rendered = signal("site_core.page_rendered")


class Memory:
    """Where values kept from the last good build come from; without a cache, nothing is remembered."""

    def load(self, name: str):
        return None

    def keep(self, name: str, value) -> None:
        """Keep `value` for the next build; saved only if this build is published."""


class Build:
    """Everything one build has found and made that plugins share, reset at the start of each build."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        self.reset()

    def reset(self) -> None:
        self.problems = ProblemLog()
        self.warnings = ProblemLog()
        self.reads = ReadCache()
        self.memory = Memory()
        self._options: dict[str, object] = {}
        self._plugin_state: dict[str, object] = {}
        # Described by front_matter when it starts reading; None when the site does not use it.
        self.content_model: ContentModel | None = None
        # What each plugin wants in `_headers`, written by the core once the checks have run.
        self.headers = HeaderRules()
        # Steps started in `before_publish` and still running, each with what waits for it.
        self._alongside: list[Callable[[], None]] = []

    def report(self, problem: Problem) -> None:
        """A problem that stops the build."""
        self.problems.add(problem)

    def warn(self, problem: Problem) -> None:
        """Something the build put right by itself but the author should know about; it does not stop it."""
        self.warnings.add(problem)

    def options(self, name: str, schema: type[Options]) -> Options:
        """The `name` setting parsed once per build into `schema`; its problems are reported once."""
        if name not in self._options:
            parsed, problems = parse_options(self.settings, name, schema)
            self.problems.extend(problems)
            self._options[name] = parsed
        return self._options[name]

    def state(self, name: str, factory: Callable[[], State]) -> State:
        """A plugin's own state for this build, made by `factory` on first use."""
        if name not in self._plugin_state:
            self._plugin_state[name] = factory()
        return self._plugin_state[name]

    def existing_state(self, name: str):
        """A plugin's state for this build if it made one, else None (made nothing for it)."""
        return self._plugin_state.get(name)

    def alongside(self, finish: Callable[[], None]) -> None:
        """A step a `before_publish` receiver started and left running (a separate program, which keeps
        a core of its own busy), so the receivers after it run meanwhile. The core calls `finish` once
        they have all run, before any problem is judged: it waits for the step, puts its files in place
        and reports its problems. The step must not write where the other receivers read."""
        self._alongside.append(finish)

    def finish_alongside(self) -> None:
        """Wait for every step left running in `before_publish`, in the order they were started."""
        while self._alongside:
            self._alongside.pop(0)()

    def declare_headers(
        self, pattern: str, headers: dict[str, str], *, by: str, setting: str, note: str = ""
    ) -> None:
        """Headers the plugin `by` (configured by `setting`) wants for the paths `pattern` matches, in
        `_headers`; `note` is written above the rule as comment lines. Declare them by the end of
        `before_publish`."""
        self.headers.declare(pattern, headers, by=by, setting=setting, note=note)

    def write_headers(self, output_path) -> None:
        """`_headers` from every rule declared, or the problems that keep it from being written."""
        problems = self.headers.problems(self.settings)
        if problems:
            self.problems.extend(problems)
            self.headers.seal()
        else:
            self.headers.write(Path(output_path))

    def stored(self, name: str):
        """What a plugin kept under `name` in the last good build with the same settings and code, or None."""
        return self.memory.load(name)

    def store(self, name: str, value) -> None:
        self.memory.keep(name, value)

    def fail_if_problems(self, pelican, outcome: str) -> None:
        if not self.problems:
            return
        problems = self.problems.sorted()
        self.problems.clear()
        build_failed.send(pelican)
        log_warnings(self.warnings.sorted())
        raise BuildFailed(log_problems(problems, outcome))


def current_build(settings: dict) -> Build:
    """The build these settings (or a context copied from them) belong to; made on first use outside a
    Pelican run, e.g. when a reader is used on its own."""
    build = settings.get(BUILD_KEY)
    if not isinstance(build, Build):
        build = Build(settings)
        settings[BUILD_KEY] = build
    return build


def attach(pelican) -> None:
    """When Pelican starts: a build for its settings, before any run copies them into its context."""
    configure_logging()
    current_build(pelican.settings)


def begin(pelican) -> None:
    """At the start of every run (the first receiver of `get_generators`)."""
    configure_logging()
    current_build(pelican.settings).reset()


def stop_on_problems(pelican) -> None:
    """Once all content is read, just before Pelican starts writing."""
    current_build(pelican.settings).fail_if_problems(
        pelican, "Nothing was written: the previous output is unchanged."
    )


def publish(pelican) -> None:
    """Once Pelican has written everything: the checks, then the swap, then what follows it."""
    build = current_build(pelican.settings)
    pages_written.send(pelican)
    try:
        before_publish.send(pelican)
    finally:
        build.finish_alongside()
    build.write_headers(pelican.output_path)
    build.fail_if_problems(pelican, "The new build was discarded: the previous output is unchanged.")
    finishing.send(pelican)
    publish_output.send(pelican)
    after_publish.send(pelican)
    log_warnings(build.warnings.sorted())
