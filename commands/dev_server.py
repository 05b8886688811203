"""`invoke serve`: the site built once and kept in one long-running process, rebuilt in place on every save.

Pelican stays the engine: the process loads the settings, the plugins and the theme once, and each save runs
Pelican's build again in the same process. What makes that quick:

- the theme's templates are compiled once (Jinja's bytecode, kept in memory, checked against the source);
- every article and page Pelican made is kept in memory, by its file and that file's modification time
  (Pelican's own content cache, kept in memory instead of a file): a save reads only the files it changed;
- the build writes into the output folder itself (no staging folder to lay out), and the incremental plugin
  renders only the pages whose inputs changed, each replacing its file whole, and removes the pages the
  build no longer makes;
- the search index is refreshed in the background after each good build, so it never delays a page.

A change to plugin code or the settings restarts the process (the code must be imported afresh); a change
to the theme or the content rebuilds in it. The browser reloads through the server itself (server-sent
events from `/__serve/events`, with a script the server adds to each page it serves); a save that does not
build shows its problems instead of the page until the next good save. The browser editor (/admin/) saves
through its local backend, which this command starts beside the server.
"""

import contextlib
import errno
import gc
import html
import http.server
import logging
import mimetypes
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from invoke import Exit
from jinja2.bccache import Bucket, BytecodeCache

from commands import editor_backend
from commands.live_site import LiveSite
from commands.project import OUTPUT, ROOT
from incremental.writer import STATE as INCREMENTAL_STATE

WATCHED = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py")
# What only a new process picks up: code and settings are imported once.
RESTART_ON = ("plugins", "pelicanconf.py", "publishconf.py")
EVENTS = "/__serve/events"
RELOAD_SCRIPT = "/__serve/reload.js"
RELOAD_TAG = f'<script src="{RELOAD_SCRIPT}" defer></script>'.encode()
NO_RELOAD = b'data-live-reload="off"'
# The first message tells a page which build it shows; a later, different one means a new build.
RELOAD_JS = b"""const source = new EventSource("/__serve/events");
let shown = null;
source.onmessage = (event) => {
  if (shown === null) shown = event.data;
  else if (event.data !== shown) location.reload();
};
"""
logger = logging.getLogger(__name__)
# Drafts and scheduled articles previewed at their own address, with a notice and `noindex`, and listed at
# /drafts/: only here, never in a build from pelicanconf.py or publishconf.py.
DRAFT_PREVIEW = {
    "DRAFT_URL": "drafts/{slug}/",
    "DRAFT_SAVE_AS": "drafts/{slug}/index.html",
    "DRAFT_PAGE_URL": "drafts/pages/{slug}/",
    "DRAFT_PAGE_SAVE_AS": "drafts/pages/{slug}/index.html",
    "DRAFTS_URL": "drafts/",
    "DRAFTS_SAVE_AS": "drafts/index.html",
}


def preview_settings(settings: dict) -> dict:
    """The settings that preview drafts, over `settings`."""
    return {**DRAFT_PREVIEW, "DIRECT_TEMPLATES": [*settings.get("DIRECT_TEMPLATES", []), "drafts"]}


class Site:
    """The site in this process: Pelican with its plugins loaded once, articles and pages kept in memory."""

    def __init__(self, root: Path, output: Path, address: str = "", drafts: bool = False) -> None:
        from pelican import Pelican, signals
        from pelican.log import console
        from pelican.settings import read_settings

        # Every absolute address the build writes (feeds, canonical links, the Subscribe page) names the
        # server it is served from, whatever port or address it listens on.
        overrides = {"OUTPUT_PATH": str(output), **({"SITEURL": address} if address else {})}
        settings = read_settings(str(root / "pelicanconf.py"), override=overrides)
        settings.update(
            # Written into the output folder itself; every page replaces its file whole.
            SAFE_BUILD={**settings.get("SAFE_BUILD", {}), "in_place": True},
            # Pelican's content cache, kept in memory by `keep_in_memory`, checked by modification time.
            CACHE_CONTENT=True,
            LOAD_CONTENT_CACHE=False,
            CONTENT_CACHING_LAYER="generator",
            CHECK_MODIFIED_METHOD="mtime",
            INCREMENTAL={**settings.get("INCREMENTAL", {}), "prune": False},
            **(preview_settings(settings) if drafts else {}),
        )
        console.quiet = True  # Pelican's own "Done: Processed …" after every save; ours is one line
        self.output = output
        self.kept: dict[str, dict] = {}
        self.compiled = CompiledTemplates()
        signals.generator_init.connect(self.compile_once)
        # Sent once a generator's own cache is set up (generator_init comes before it).
        signals.article_generator_init.connect(self.keep_in_memory)
        signals.page_generator_init.connect(self.keep_in_memory)
        self.generators: list = []
        signals.all_generators_finalized.connect(self.hold_generators)
        self.live = LiveSite()
        # After a build, the making of its listings' cards, taken up between saves until a move or a
        # build (`idle_steps`); a text edit leaves it where it was.
        self.warming: Iterator[int] | None = None
        self.pelican = Pelican(settings)
        self.generation = 0
        self.failure = ""
        self.problems: list[str] = []
        self.last_good = ""
        self.unsettled: set[Path] = set()
        self.built = threading.Condition()

    def next_generation(self, shown: int | None, timeout: float) -> int:
        """The build's number once it is not `shown` (or after `timeout` seconds)."""
        with self.built:
            self.built.wait_for(lambda: self.generation != shown, timeout=timeout)
            return self.generation

    def compile_once(self, generator) -> None:
        generator.env.bytecode_cache = self.compiled

    def keep_in_memory(self, generator) -> None:
        """Each new article or page generator starts from what the previous build read, and never saves it
        to disk."""
        from site_core.internals import hold_cache

        hold_cache(generator, self.kept.setdefault(type(generator).__name__, {}))

    def save(self, changed: set[Path]) -> str:
        """Apply saved files; those of a save that did not build are applied again with the next one (the
        save that fixes a bad file may not be the file that changed the site)."""
        self.unsettled |= changed
        line = self.build(sorted(self.unsettled))
        if not self.failure:
            self.unsettled.clear()
        return line

    def build(self, changed: list[Path] | None = None) -> str:
        """Apply the files `changed` since the last good build (None: build everything); returns the line
        the terminal shows. A save that changes only text is applied in place, so is one that moves
        articles (after their first screen), and anything else is a build."""
        from site_core import BuildFailed

        started = time.perf_counter()
        captured = CapturedReport()
        report_logger = logging.getLogger("site_core.report")
        report_logger.addHandler(captured)
        try:
            reads: dict = {}  # each saved file is read once, whichever way the save is applied
            with collection_paused():
                patched = self.live.patch(self.pelican, changed, reads) if changed else None
            if patched is not None:
                outcome = f"{plural(patched.pages, 'page')} rewritten in place"
            else:
                # A move keeps the cards its processes made; a build has its own to make.
                self.warming = None
                with collection_paused():
                    first = self.live.preview(self.pelican, changed, reads) if changed else None
                if first is not None:
                    self.announce()  # the browser shows the first pages while the rest is made
                with collection_paused():
                    moved = self.live.move(self.pelican, changed, reads) if changed else None
                if moved is not None:
                    outcome = f"{plural(moved.pages, 'page')} rewritten, {moved.removed} removed, in place"
                else:
                    outcome = self.build_all()
                if first is not None:
                    shown = plural(first.pages, "page")
                    outcome = f"first {shown} shown in {first.seconds:.2f} s, then {outcome}"
        except BuildFailed as failure:
            self.warming = None
            self.live.undo_preview()
            self.problems = list(dict.fromkeys(line for line in captured.lines if PROBLEM_LINE.match(line)))
            self.failure = "\n".join([*self.problems, str(failure)])
            outcome = f"did not build: {plural(len(self.problems), 'problem')}; {SHOWN}"
        except Exception as error:
            # A broken template or plugin must not stop the server. It is not the author's text (that is a
            # BuildFailed): said where it happened, and the next save is a whole build, so nothing
            # half-applied is kept.
            self.warming = None
            self.live.undo_preview()
            self.live.forget()
            where = traceback.extract_tb(error.__traceback__)[-1]
            self.failure = f"{where.filename}:{where.lineno}: {type(error).__name__}: {error}"
            self.problems = [self.failure]
            outcome = f"did not build: {self.failure}; {SHOWN}"
        else:
            self.failure = ""
            self.problems = []
            self.last_good = time.strftime("%H:%M:%S")
        finally:
            report_logger.removeHandler(captured)
        self.announce()
        return f"{outcome} in {time.perf_counter() - started:.2f} s"

    def announce(self) -> None:
        """A new build's pages are served: open pages reload."""
        with self.built:
            self.generation += 1
            self.built.notify_all()

    def build_all(self) -> str:
        """Pelican's whole build in this process; on success the live site keeps what it made."""
        from site_core import current_build

        self.live.record_written()
        self.live.forget()
        gc.unfreeze()  # what the last build held can go (see `idle_steps`)
        self.pelican.run()
        build = current_build(self.pelican.settings)
        outputs = build.existing_state(INCREMENTAL_STATE)
        self.live.keep(self.generators, outputs, self.output, build.memory)
        self.warming = self.live.warm_cards()
        return "all pages written" if outputs is None else f"{plural(outputs.rendered, 'page')} written"

    def hold_generators(self, generators) -> None:
        self.generators = generators


@contextlib.contextmanager
def collection_paused():
    """Python's cycle collector held off while a save is applied in place (and in the processes forked
    meanwhile): its passes over the site held in memory took 0.2-0.5 s of a 2.5 s move at 5,000 articles.
    What the save leaves in cycles is collected once the server has said the save is done
    (`idle_steps`); a whole build runs with the collector on, as Pelican's always does."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def idle_steps(site: Site) -> Iterator[None]:
    """What the server does between saves, one step at a time, and stops doing when a save comes: the
    pages moves wrote are recorded for the next build, the cycles the save left are collected and, after a
    build, the cards of its listings are made (a move's processes then find them made)."""
    site.live.record_written()
    gc.collect()
    # What survived is the site held for the saves to come: frozen, no later collection walks it (the
    # next one took 0.01 s instead of 0.1-0.2 s). A build lets it go (`Site.build_all`).
    gc.freeze()
    yield
    if site.warming is not None:
        for _pages in site.warming:
            yield
        site.warming = None


def next_save(saves: queue.Queue, idle: Iterator[None]) -> set[Path]:
    """The files of the next save, with those saved while it was awaited; until one comes, `idle`'s steps."""
    working = True
    while True:
        try:
            changed = saves.get(block=not working)
        except queue.Empty:
            working = next(idle, _DONE) is not _DONE
            continue
        while not saves.empty():  # saves made during the last one are applied together
            changed |= saves.get_nowait()
        return changed


_DONE = object()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept for the next build (Jinja checks each against its source)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class CapturedReport(logging.Handler):
    """The problem lines of one build, for the page the browser shows instead of the site."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.lines.append(record.getMessage().strip())


class SearchIndexer:
    """One background refresh of the search index at a time; a build during one asks for another after.
    Each runs as `invoke search-index`, in a process of its own at the lowest priority, and is held
    stopped while a save is applied (`held`): it never slows a save (running beside one, even niced, it
    held a move at 5,000 articles back by 0.2-0.3 s)."""

    def __init__(self) -> None:
        self.wanted = threading.Event()
        self.lock = threading.Lock()
        self.running: subprocess.Popen | None = None
        threading.Thread(target=self._run, daemon=True).start()

    def request(self) -> None:
        self.wanted.set()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            with self.lock:
                # Its own process group: Pagefind, its child, is stopped and let go on with it.
                self.running = subprocess.Popen(
                    [sys.executable, "-m", "invoke", "search-index"],
                    cwd=ROOT,
                    stdout=sys.stderr,
                    preexec_fn=lowest_priority,
                    start_new_session=True,
                )
            self.running.wait()
            with self.lock:
                self.running = None

    def stop(self) -> None:
        """The refresh under way, if any, ended with the server (in a session of its own, it would not
        get the terminal's Ctrl+C)."""
        with self.lock:
            if self.running is not None:
                signal_group(self.running, signal.SIGCONT)
                signal_group(self.running, signal.SIGTERM)

    @contextlib.contextmanager
    def held(self):
        """The refresh under way, if any, stopped while the block runs, then let go on."""
        with self.lock:
            process = self.running
            if process is not None:
                signal_group(process, signal.SIGSTOP)
        try:
            yield
        finally:
            if process is not None:
                signal_group(process, signal.SIGCONT)


def signal_group(process: subprocess.Popen, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has ended meanwhile: nothing to stop or let go on
        os.killpg(process.pid, number)


def lowest_priority() -> None:
    os.nice(19)


def handler_for(site: Site):
    class Handler(http.server.BaseHTTPRequestHandler):
        """The built folder as a static host serves it, plus the reload events and script."""

        protocol_version = "HTTP/1.1"

        head_only = False

        def do_HEAD(self) -> None:
            """As GET, without the body (a link checker's or a monitor's question)."""
            self.head_only = True
            try:
                self.answer()
            finally:
                self.head_only = False  # the connection may carry a GET next

        def do_GET(self) -> None:
            self.answer()

        def answer(self) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == EVENTS and not self.head_only:
                self.send_events()
            elif path == RELOAD_SCRIPT:
                self.send(200, "text/javascript; charset=utf-8", RELOAD_JS)
            else:
                self.send_file(path)

        def send_file(self, path: str) -> None:
            root = site.output.resolve()
            target = (root / path.lstrip("/")).resolve()
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            status = 200
            if not target.is_relative_to(root) or not target.is_file():
                status, target = 404, root / "404.html"
            try:
                body = target.read_bytes()
            except OSError:
                self.send(404, "text/plain; charset=utf-8", b"Not found")
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            # A page that opts out (the browser editor) is served as built: a reload would throw away
            # what its author is typing, and a failed build must not hide the editor that can fix it.
            live = kind == "text/html" and NO_RELOAD not in body[:200]
            if site.failure and live and LAST_GOOD not in self.path:
                page = problems_page(site.problems, site.last_good, f"{path}?{LAST_GOOD}")
                self.send(500, "text/html; charset=utf-8", with_reload(page.encode()))
                return
            if live:
                body = with_reload(body)
            text = kind.startswith("text/") or kind.endswith(("javascript", "json", "xml"))
            self.send(status, kind + ("; charset=utf-8" if text else ""), body)

        def send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not self.head_only:
                self.wfile.write(body)

        def send_events(self) -> None:
            """Server-sent events: the build's number now, and again after every build, until the page
            goes away."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            shown = None
            with contextlib.suppress(OSError):
                while True:
                    current = site.next_generation(shown, timeout=15)
                    # A comment line every 15 s notices a closed page.
                    message = f"data: {current}\n\n" if current != shown else ": still here\n\n"
                    self.wfile.write(message.encode())
                    self.wfile.flush()
                    shown = current

        def log_message(self, format, *args) -> None:
            pass

    return Handler


def with_reload(page: bytes) -> bytes:
    """The page with the reload script before `</body>` (or at the end, for a page without one)."""
    at = page.rfind(b"</body>")
    return page + RELOAD_TAG if at < 0 else page[:at] + RELOAD_TAG + page[at:]


def bind(site: Site, port: int, host: str = "localhost") -> http.server.ThreadingHTTPServer:
    """The server on its port, before anything is built: a busy port is said at once, in one line."""
    http.server.ThreadingHTTPServer.daemon_threads = True
    try:
        return http.server.ThreadingHTTPServer((host, port), handler_for(site))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            message = f"serve: port {port} is in use; try another: invoke serve --port {port + 1}"
            raise Exit(message, 1) from None
        raise Exit(f"serve: cannot listen on {host} port {port}: {error.strerror}", 1) from None


def restart() -> None:
    """Start this command afresh in this process: plugin code and settings are imported once."""
    print("Plugin code or settings changed: restarting the server.", flush=True)
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def watch_in_background(paths: list[Path]) -> "queue.Queue[set[Path]]":
    """Changed files, a set per batch, from a watcher that is running before the first build starts: a save
    made while the site is being built, or the moment it is first served, is not missed."""
    from watchfiles import watch

    batches: queue.Queue[set[Path]] = queue.Queue()

    def watching() -> None:
        for changes in watch(*paths, debounce=50, step=20):
            batches.put({Path(path) for _, path in changes})

    threading.Thread(target=watching, daemon=True).start()
    return batches


def site_address(host: str, port: int) -> str:
    """The address readers use for a server listening on `host`: `localhost` for this machine or every
    interface (the address others use is the machine's, which only the person knows: `--bind` it)."""
    shown = "localhost" if host in ("", "0.0.0.0", "::", "127.0.0.1", "::1", "localhost") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"


def serve(port: int, host: str = "localhost") -> None:
    address = site_address(host, int(port))
    site = Site(ROOT, OUTPUT, address, drafts=True)
    server = bind(site, int(port), host)
    batches = watch_in_background([ROOT / name for name in WATCHED if (ROOT / name).exists()])
    # Problems are on the terminal already (the build logs them); the line says what happened.
    print(f"First build: {site.build()}", flush=True)
    indexer = SearchIndexer()
    if not site.failure:
        indexer.request()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"Serving on {address}/ — save and the browser reloads. Ctrl+C stops.",
        flush=True,
    )
    backend = editor_backend.start(site.pelican.settings)
    if isinstance(backend, str):
        print(f"Editor: not available — {backend}.", flush=True)
    else:
        print(f"Editor: {address}/admin/ saves into content/.", flush=True)
    print(f"Drafts: {address}/drafts/ (previews, never published).", flush=True)
    idle = idle_steps(site)
    try:
        while True:
            changed = next_save(batches, idle)
            paths = sorted(changed)
            if any(path.relative_to(ROOT).parts[0] in RESTART_ON for path in paths):
                indexer.stop()
                restart()
            named = ", ".join(path.relative_to(ROOT).as_posix() for path in paths[:3])
            more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
            with indexer.held():
                line = site.save(changed)
            print(f"{named}{more}: {line}", flush=True)
            if not site.failure:
                indexer.request()
            idle = idle_steps(site)
    except KeyboardInterrupt:
        indexer.stop()


# What the terminal says, and the problems page too, of a save that did not build.
SHOWN = (
    "the browser shows these problems on every page until a save builds; the site is as the last good "
    "save left it"
)
PROBLEM_LINE = re.compile(r"^(?P<where>[^\s:][^:]*:\d+): (?P<what>.*?)(?: — (?P<fix>.*))?$")
# A page asked for with this query is served as the last good save left it, problems or not.
LAST_GOOD = "last-good-save"


def as_code(text: str) -> str:
    """A message's words as HTML, what it quotes in backticks (`category: News`) as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def problems_page(problems: list[str], last_good: str, this_page_as_it_was: str) -> str:
    """The page the browser shows while the last save does not build: in the site's own look, each problem
    once (file and line, what is wrong, what to do), and the way back to the pages as they were."""
    items = []
    for line in problems:
        found = PROBLEM_LINE.match(line)
        if found is None:
            items.append(f"<li>{html.escape(line)}</li>")
            continue
        fix = f" <strong>{as_code(found['fix'])}</strong>" if found["fix"] else ""
        where = html.escape(found["where"])
        items.append(f"<li><code>{where}</code> {as_code(found['what'])}.{fix}</li>")
    when = f" at {last_good}" if last_good else ""
    count = plural(len(problems), "problem")
    return PROBLEMS_PAGE.format(
        count=count, items="\n".join(items), when=when, this_page=html.escape(this_page_as_it_was)
    )


PROBLEMS_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>The last save did not build</title>
<link rel="stylesheet" href="/theme/css/site.css"></head>
<body><main id="main" class="wrap"><article class="page problems-page">
<h1>The last save did not build</h1>
<div class="content-note" role="alert"><p>{count}. Fix what is listed below and save again: this page
reloads by itself and shows the site as soon as a save builds.</p></div>
<ol class="problems">
{items}
</ol>
<p>Nothing on the site changed: every page is as the last good save{when} left it. See
<a href="{this_page}">this page as it was</a>.</p>
</article></main></body></html>
"""
