"""Project tasks: `invoke --list` (or `python3 dev.py --list`) shows them all.

This file only declares the tasks and their options; each one calls into `commands/` (the command-line
features: deploy, new, check-links, serve, clean, test) or `bench/` (the speed benchmark). The Pelican
plugins, which run inside every build, are in `plugins/`.
"""

import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
# The commands import plugin modules (front_matter, link_check, search) by their own names.
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from commands import project  # noqa: E402


@task
def build(c):
    """Build the development site into output/."""
    project.build(c, "pelicanconf.py", project.OUTPUT)


@task
def publish(c):
    """Build the production site into public/ with publishconf.py."""
    project.build(c, "publishconf.py", project.PUBLISH_OUTPUT)


@task(
    help={
        "target": "dir, rsync, gh-pages or s3",
        "dest": "where to: a folder (dir), user@host:/path (rsync) or a bucket (s3); default from DEPLOY",
        "dry_run": "print what would be uploaded or deleted, change nothing",
        "max_deletes": "delete at most this many files an earlier deploy published (default 256)",
        "no_build": "deploy public/ as it is, without running the publish build first",
    }
)
def deploy(c, target, dest=None, dry_run=False, max_deletes=256, no_build=False):
    """Build the production site and put it on a host; prints every file it uploads.

    The target, the destination and the DEPLOY setting are checked before anything is built.
    """
    from commands import deploy as deploying

    deploying.run(c, target, dest, dry_run, int(max_deletes), no_build)


@task
def clean(c):
    """Remove built output and caches."""
    from commands.housekeeping import clean as remove_outputs

    remove_outputs()


@task
def check(c):
    """Validate every article and page without building; same messages as a build."""
    project.build(c, "pelicanconf.py", project.OUTPUT, "-e", 'SAFE_BUILD={"check_only": true}')


@task
def search_index(c):
    """Build the search index over the development build in output/ (publish builds always do)."""
    project.search_index()


@task(help={"timeout": "seconds to wait for each site (default 10)"})
def check_links(c, timeout=10.0):
    """Check the external links of the last build in output/ (never part of a build)."""
    from commands import external_links

    external_links.run(float(timeout))


@task(
    help={
        "port": "port to serve on (default 8000)",
        "bind": "address to listen on (default localhost; 0.0.0.0 for every interface, or this machine's "
        "address to let a phone on the same network in)",
    }
)
def serve(c, port=8000, bind="localhost"):
    """Build, serve on http://localhost:8000 and rebuild with live reload when anything changes; the
    browser editor at /admin/ saves through its local backend."""
    from commands import node_tools
    from commands.dev_server import serve as serve_with_live_reload

    node_tools.install(c, for_tests=False)
    serve_with_live_reload(int(port), bind)


@task(
    help={
        "pattern": "only the tests whose name matches (pytest -k), nothing else first",
        "fast": "lint, then only the fast tests (no pelican command, browser or dev server; about a minute)",
    }
)
def test(c, pattern="", fast=False):  # noqa: PT028 - an invoke task, not a pytest test
    """Lint with ruff, then run the whole test suite (or only what --fast or -p chooses)."""
    from commands.housekeeping import test as run_tests

    run_tests(c, pattern, fast)


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
    from commands import new_article

    new_article.run(title, category, topics, author)


@task(
    help={
        "export": "the WordPress export file (Tools → Export → All content)",
        "map": "the map of categories and tags (default imports/EXPORT.map.yml, written by the first run)",
        "default_category": "for a trial: send every category with no target in the map to this category",
        "uploads": "a local copy of the old site's wp-content/uploads folder",
        "media_from": "the address of the old site's uploads folder, to fetch media from",
        "allow_host": "also fetch images from this other site (repeatable)",
        "old_host": "an earlier address of the same site, e.g. www.old-name.org (repeatable)",
        "dry_run": "show the plan in the report; write nothing into content/",
        "force": "replace imported files even if they were edited since",
        "report": "where to write the report (default imports/EXPORT.report.md)",
    },
    iterable=["allow_host", "old_host"],
)
def import_wordpress(
    c,
    export,
    map=None,
    default_category=None,
    uploads=None,
    media_from=None,
    allow_host=None,
    old_host=None,
    dry_run=False,
    force=False,
    report=None,
):
    """Bring a WordPress site into content/: posts and pages, their images, old addresses as redirects."""
    from commands.wordpress import Options, run

    here = Path.cwd()
    run(
        Options(
            export=(here / export).resolve(),
            project=ROOT,
            map_path=(here / map).resolve() if map else None,
            default_category=default_category,
            uploads=(here / uploads).resolve() if uploads else None,
            media_from=media_from,
            allow_hosts=tuple(allow_host or ()),
            old_hosts=tuple(old_host or ()),
            dry_run=dry_run,
            force=force,
            report_path=(here / report).resolve() if report else None,
        )
    )


@task(
    help={
        "preview": "write the next digest into this folder (.eml, .html, .txt) without sending it",
        "send": "send the next digest to the subscribers and record it in the ledger",
        "test": "send the next digest, marked [TEST], to this address only; nothing is recorded",
        "settings": "the settings file, as `pelican -s` (default publishconf.py)",
        "scheduled": "with --send: send only in the hour DIGEST's `schedule` names (for the workflow)",
    }
)
def digest(c, preview=None, send=False, test="", settings="publishconf.py", scheduled=False):
    """The weekly e-mail digest of the articles no digest has carried yet (see README, "E-mail digest")."""
    from commands.digest import Request, run

    here = Path.cwd()
    run(
        Request(
            settings_file=(here / settings).resolve(),
            preview=(here / preview).resolve() if preview else None,
            send=send,
            test=test,
            scheduled=scheduled,
        )
    )


@task(
    help={
        "articles": "how many articles in the generated corpus (default 5000)",
        "images_only": "only the cold cost of each sample image (a few seconds)",
    }
)
def bench(c, articles=5000, images_only=False):
    """Time our build against vanilla Pelican and Hugo on one generated corpus, in one run."""
    if images_only:
        from bench.images import measure_images, print_images

        print_images(measure_images())
        return
    from bench.run import run as run_benchmark

    run_benchmark(int(articles))
