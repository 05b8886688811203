"""editor: /admin/, a git-backed editor in the browser (Decap CMS), built from the site's content model.

The editor's own files come from npm (package.json pins decap-cms) and are linked into the output, so
/admin/ loads nothing from another site. Its `config.yml` is made each build from the content model
front_matter describes (site_core.ContentModel), so the form asks for exactly what a build accepts.

Development builds (EDITOR["local"]) always have /admin/, saving through `invoke serve`'s local backend;
publish builds have it only when EDITOR["backend"] names the git host. /admin/ gets its own
Content-Security-Policy, declared to the core for `_headers` (site_core/headers.py): the editor needs
'unsafe-eval' (it compiles its settings' schema) and inline styles, which the rest of the site never allows.
"""

import logging
import os
import shutil
from pathlib import Path

import yaml
from lxml import html
from pelican import signals

import site_core
from site_core import Problem, config_problem, current_build, site_root

from .decap import (
    EditorOptions,
    Site,
    UnknownKind,
    api_origins,
    decap_config,
    html_text,
    image_origins,
    option_problems,
    origin,
    shorthands_attribute,
)

logger = logging.getLogger(__name__)

FILES = Path(__file__).parent / "files"
STATE = "editor"
# The editor's build, its code-split chunks and WebAssembly, and its licence notice; not its source maps.
PACKAGE_FILES = ("*.decap-cms.js", "decap-cms.js", "decap-cms.js.LICENSE.txt", "*.wasm")
# Written above the editor's rule in `_headers`.
POLICY_NOTE = (
    "The browser editor (Decap CMS) needs 'unsafe-eval' (it compiles its settings' schema) and inline\n"
    "styles (its interface is styled from script); this rule allows them on its pages only.\n"
    "Cloudflare Pages joins both rules' policies: add `! Content-Security-Policy` below the path."
)


def editor_options(settings: dict) -> EditorOptions:
    return current_build(settings).options("EDITOR", EditorOptions)


def wanted(options: EditorOptions) -> bool:
    return options.local or bool(options.backend)


def package_folder(settings: dict, options: EditorOptions) -> Path:
    return Path(settings["PATH"]).resolve().parent / options.package


def check(generators) -> None:
    """Before anything is written: the setting, the content model and the editor's files."""
    settings = generators[0].settings
    build = current_build(settings)
    options = editor_options(settings)
    if not wanted(options):
        return
    for key, message, fix in option_problems(options):
        build.report(config_problem(settings, "EDITOR", key, message, fix))
    if build.content_model is None:
        build.report(
            config_problem(
                settings,
                "EDITOR",
                "EDITOR",
                "the editor needs the content model, which the front_matter plugin describes",
                'add "front_matter" to PLUGINS, or remove EDITOR',
            )
        )
        return
    try:
        config = decap_config(build.content_model, options, Site.of(settings))
    except UnknownKind as error:
        build.report(
            Problem("plugins/editor/decap.py", 1, str(error), "give the kind a widget in editor/decap.py")
        )
        return
    package = package_folder(settings, options)
    if not (package / "decap-cms.js").is_file():
        missing = Problem(
            str(package),
            1,
            "the editor (npm decap-cms) is not installed, so /admin/ is left out",
            "run `python3 dev.py serve` (or `invoke test`): it unpacks the editor from npm when npm exists",
        )
        # A live site with a backend would publish without its editor; while developing, the site is fine.
        (build.warn if options.local and not options.backend else build.report)(missing)
        return
    build.state(STATE, dict)["config"] = config
    build.declare_headers(
        f"{site_root(settings)}/{options.folder}/*",
        admin_headers(options),
        by="editor",
        setting="EDITOR",
        note=POLICY_NOTE,
    )


def write_editor(pelican) -> None:
    """Once the site's checks have passed: /admin/ (its rule in `_headers` was declared in `check`)."""
    settings = pelican.settings
    config = current_build(settings).state(STATE, dict).get("config")
    if config is None:
        return
    options = editor_options(settings)
    output = Path(pelican.output_path)
    folder = output / options.folder
    folder.mkdir(parents=True, exist_ok=True)
    package = package_folder(settings, options)
    linked = [
        link_or_copy(path, folder / path.name) for pattern in PACKAGE_FILES for path in package.glob(pattern)
    ]
    (folder / "config.yml").write_text(
        "# Made by the editor plugin from the content model on every build: change FRONT_MATTER or the\n"
        "# schema, not this file.\n" + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    # The site's own scripts and styles for the editor, and the YAML reader they use (js-yaml, MIT).
    for path in FILES.iterdir():
        if path.name != "index.html":
            shutil.copyfile(path, folder / path.name)
    page = (FILES / "index.html").read_text(encoding="utf-8")
    (folder / "index.html").write_text(
        page.format(
            sitename=html_text(settings.get("SITENAME", "Site")),
            site_root=site_root(settings),
            stylesheet=site_stylesheet(output),
            shorthands=shorthands_attribute(),
        ),
        encoding="utf-8",
    )
    logger.info("editor: /%s/ with %d files of Decap CMS", options.folder, len(linked))


def link_or_copy(source: Path, target: Path) -> Path:
    """A hard link (instant, no space) where the output shares the project's disk, else a copy."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return target


def site_stylesheet(output: Path) -> str:
    """The stylesheet the home page links to (after fingerprinting, its final name), for the preview."""
    home = output / "index.html"
    if not home.is_file():
        return ""
    links = html.fromstring(home.read_bytes()).xpath("//link[@rel='stylesheet']/@href")
    return links[0] if links else ""


def admin_policy(options: EditorOptions) -> str:
    """The Content-Security-Policy of /admin/: the site's own files, the git host's API, nothing else."""
    # blob: Decap keeps a local backup of an unsaved entry, its images read back from blob: addresses.
    connect = ["'self'", "blob:", *api_origins(options.backend)]
    if options.local:
        connect.append(origin(options.local_backend_url))
    directives = {
        "default-src": ["'none'"],
        # Decap compiles its settings' schema (ajv) with `new Function`, and React injects styles.
        "script-src": ["'self'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *image_origins(options.backend)],
        "font-src": ["'self'"],
        "connect-src": connect,
        # The preview pane is a frame of the editor's own page.
        "frame-src": ["'self'"],
        "form-action": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def admin_headers(options: EditorOptions) -> dict[str, str]:
    """The headers of the editor's folder. The core writes this rule after the site's `/*` rule, and
    Netlify applies the last matching rule's value of a header, so this policy replaces the site's for
    /admin/ only (README: Cloudflare Pages needs one more line)."""
    return {"Content-Security-Policy": admin_policy(options), "X-Robots-Tag": "noindex"}


def register() -> None:
    site_core.connect()
    signals.all_generators_finalized.connect(check)
    site_core.finishing.connect(write_editor)
