"""Decap CMS's `config.yml`, made from the content model, so the editor offers exactly what a build accepts.

Every key of the schema becomes a field of the form: its kind picks the widget, its rule's pattern and hint
come with it, and it is required exactly when the schema requires it. The categories and topics are the
site's own (FRONT_MATTER), so adding a topic in `pelicanconf.py` adds it to the editor on the next build.
"""

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from site_core import ContentModel, ModelField, Requirement, site_root

# The git hosts whose Decap backends support the editorial workflow, with where their API answers by
# default (Gitea has no default: give `api_root`).
BACKEND_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4", "gitea": None}
# Avatars of the signed-in editor, shown in the editor's header.
BACKEND_IMAGES = {"github": ("https://avatars.githubusercontent.com",), "gitlab": ("https://gitlab.com",)}
PUBLISH_MODES = ("editorial_workflow", "simple")
# Dates in the form: shown and typed the British way (`date_format`, `time_format`), whatever language the
# browser speaks; written as the schema reads them (`format`: ISO 8601, a local time without a zone, the
# site's time). Decap 3.16's own datetime widget is the browser's date input, which shows the browser's
# order (mm/dd/yyyy in a US-English browser) and reads `date_format` only as the form to write; the site's
# editor.js puts its own `datetime` widget in its place, which reads these options as Decap 2's did.
DATE_FORMAT = "YYYY-MM-DDTHH:mm"
DATE_SHOWN = {"date_format": "DD/MM/YYYY", "time_format": "HH:mm"}
# How files are read and written (files/frontmatter.js): a saved file keeps every line whose value did not
# change, as its author wrote it, and has no key the author left empty.
FILE_FORMAT = "frontmatter-as-written"
# Keys the schema accepts in files written by hand that the form leaves out, each for the key that says
# the same and that the form offers: one field for the byline, a list of names.
HAND_WRITTEN_ONLY = {"author": "authors"}
COLLECTIONS = {
    "article": {
        "name": "articles",
        "label": "Articles",
        "label_singular": "Article",
        "folder": "content/articles",
        # The README's file names: the date first, then the slug, which becomes the address.
        "slug": "{{year}}-{{month}}-{{day}}-{{slug}}",
        "summary": "{{title}} ({{category}}, {{date | date('DD/MM/YYYY')}})",
        # Newest first, as the site lists them.
        "sortable_fields": [{"field": "date", "default_sort": "desc"}, "title", "category"],
        "body_hint": "The article in Markdown. Headings start at ## (the title is the only # heading).",
    },
    "page": {
        "name": "pages",
        "label": "Pages",
        "label_singular": "Page",
        "folder": "content/pages",
        "slug": "{{slug}}",
        "summary": "{{title}}",
        "sortable_fields": [{"field": "title", "default_sort": "asc"}],
        "body_hint": "The page in Markdown. Headings start at ##.",
    },
}


@dataclass(frozen=True)
class Site:
    """What the editor shows of the site: its name, its address and its logo (an address, or "")."""

    name: str
    url: str = ""
    logo: str = ""

    @classmethod
    def of(cls, settings: dict) -> "Site":
        return cls(settings.get("SITENAME") or "Site", settings.get("SITEURL") or "", logo_address(settings))


# The site's logo, beside the content, and where a build publishes it unless EXTRA_PATH_METADATA moves it.
LOGO = "extra/logo.png"


def logo_address(settings: dict) -> str:
    """Where the site publishes content/extra/logo.png, from the site's root; "" without one."""
    content = Path(settings.get("PATH") or "content")
    published = any(Path(LOGO).is_relative_to(folder) for folder in settings.get("STATIC_PATHS", ()))
    if not published or not (content / LOGO).is_file():
        return ""
    path = settings.get("EXTRA_PATH_METADATA", {}).get(LOGO, {}).get("path", LOGO)
    return f"{site_root(settings)}/{path}"


def wordmark(name: str) -> str:
    """The site's name as a picture (an SVG `data:` address), for a site without a logo: the sign-in page
    then shows the site's name rather than Decap's logo."""
    # About 34 pixels a letter at this size: wide enough for the whole name.
    width = max(300, 36 * len(name) + 40)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="120" viewBox="0 0 {width} 120">'
        f'<text x="{width // 2}" y="78" text-anchor="middle" font-family="system-ui, sans-serif" '
        f'font-size="56" font-weight="700" fill="#1c3d5a">{escape(name)}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def html_text(text: str) -> str:
    """`text` as it goes into the editor's page, in an element or an attribute."""
    return escape(text, {'"': "&quot;"})


def shorthands_attribute() -> str:
    """HAND_WRITTEN_ONLY for the editor's page (files/editor.js reads it): a file's `author: Jane Smith`
    is shown in the form's list of authors, and written back as it was while that list is unchanged."""
    return html_text(json.dumps(HAND_WRITTEN_ONLY))


# Texts that some documents must have (a key's `required_when`): Decap's own widgets under another name,
# with the check files/editor.js adds to them (Decap's `required` is all or nothing).
CONDITIONAL_WIDGETS = {"text": "conditional_string", "long_text": "conditional_text"}


def requirement_options(requirement: Requirement) -> dict:
    """A key's `required_when` as its field in `config.yml` gives it to files/editor.js: the field to look
    at, each value that asks for the key with what to tell the author, and the exception (a draft)."""
    options: dict = {"field": requirement.when, "values": dict(requirement.messages)}
    if requirement.unless:
        options["unless"] = dict([requirement.unless])
    return options


class UnknownKind(ValueError):
    """A key of the content model that no widget can show: the editor would drop it, so it is refused."""


@dataclass(frozen=True)
class EditorOptions:
    """The EDITOR setting.

    `local`: development builds serve /admin/ against `invoke serve`'s local backend (decap-server).
    `backend`: Decap's backend for the live site, e.g. {"name": "github", "repo": "owner/site",
    "branch": "main", "base_url": "https://oauth.example.org"}; publish builds have /admin/ only with one.
    """

    local: bool = False
    # The local backend in git mode: saves go to a branch per entry and move through the editorial
    # workflow, as on the live site, instead of straight into content/.
    local_workflow: bool = False
    backend: dict = field(default_factory=dict)
    publish_mode: str = "editorial_workflow"
    local_backend_url: str = "http://localhost:8081/api/v1"
    folder: str = "admin"
    # Where npm installs the editor (decap-cms's dist folder), from the project's folder.
    package: str = "node_modules/decap-cms/dist"
    media_folder: str = "content/images"


def option_problems(options: EditorOptions) -> list[tuple[str, str, str]]:
    """(key, what is wrong, how to fix it) for each problem of the EDITOR setting."""
    problems = []
    if options.publish_mode not in PUBLISH_MODES:
        problems.append(
            (
                "publish_mode",
                f"EDITOR['publish_mode'] is {options.publish_mode!r}",
                'use "editorial_workflow" (draft, in review, ready) or "simple" (saves publish at once)',
            )
        )
    backend = options.backend
    if not backend:
        return problems
    name = backend.get("name")
    if name not in BACKEND_API:
        return [
            *problems,
            ("name", f"EDITOR['backend']['name'] is {name!r}", 'use "github", "gitlab" or "gitea"'),
        ]
    repo = backend.get("repo")
    if not isinstance(repo, str) or repo.count("/") < 1:
        problems.append(("repo", f"EDITOR['backend']['repo'] is {repo!r}", 'give "owner/repository"'))
    if BACKEND_API[name] is None and not backend.get("api_root"):
        problems.append(
            (
                "name",
                "a Gitea backend needs its `api_root`",
                'add "api_root": "https://gitea.example.org/api/v1"',
            )
        )
    return problems


def api_origins(backend: dict) -> list[str]:
    """The sites the editor talks to for a backend: its API and its sign-in server."""
    addresses = [backend.get("api_root") or BACKEND_API.get(backend.get("name", "")), backend.get("base_url")]
    return sorted({origin(address) for address in addresses if address})


def image_origins(backend: dict) -> list[str]:
    return sorted({*BACKEND_IMAGES.get(backend.get("name", ""), ()), *api_origins(backend)})


def origin(address: str) -> str:
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}"


def widget(spec: ModelField) -> dict:
    """The Decap field for one key of the content model."""
    made: dict = {"label": spec.label, "name": spec.name, "hint": spec.hint}
    if not spec.required:
        made["required"] = False
    pattern = [spec.pattern, f"Write {spec.pattern_hint}."] if spec.pattern else None
    if spec.required_when and spec.kind not in CONDITIONAL_WIDGETS:
        raise UnknownKind(
            f"the front-matter key `{spec.name}` is of the kind `{spec.kind}`, which has no widget that "
            "is required only sometimes"
        )
    if spec.kind in ("text", "long_text"):
        made["widget"] = "string" if spec.kind == "text" else "text"
        if pattern:
            made["pattern"] = pattern
        if spec.required_when:
            made.update(
                widget=CONDITIONAL_WIDGETS[spec.kind], required_when=requirement_options(spec.required_when)
            )
    elif spec.kind == "date":
        # The schema's description says how a file writes the date; the form takes it day first.
        typed = (
            f"Type it day first, {DATE_SHOWN['date_format']} {DATE_SHOWN['time_format']}; the time if wanted."
        )
        made.update(widget="datetime", format=DATE_FORMAT, hint=f"{spec.hint} {typed}", **DATE_SHOWN)
    elif spec.kind in ("choice", "choices"):
        made.update(widget="select", options=list(spec.options), multiple=spec.kind == "choices")
    elif spec.kind == "text_list":
        item = {"label": spec.label, "name": "item", "widget": "string"}
        if pattern:
            item["pattern"] = pattern
        # Open, so each item (an author's name, a key point) shows in its box rather than a folded title.
        made.update(widget="list", field=item, collapsed=False)
    elif spec.kind == "records":
        made.update(widget="list", fields=[widget(item) for item in spec.item_fields])
    elif spec.kind == "flag":
        # No `default`: Decap would write `featured: false` into every file saved.
        made["widget"] = "boolean"
    elif spec.kind == "image":
        made.update(widget="image", choose_url=False)
    else:
        raise UnknownKind(
            f"the front-matter key `{spec.name}` is of the kind `{spec.kind}`, which has no widget"
        )
    return made


def collection(kind: str, fields: tuple[ModelField, ...]) -> dict:
    described = COLLECTIONS[kind]
    body = {"label": "Text", "name": "body", "widget": "markdown", "hint": described["body_hint"]}
    return {
        **{key: value for key, value in described.items() if key != "body_hint"},
        "create": True,
        "extension": "md",
        "format": FILE_FORMAT,
        "fields": [*(widget(spec) for spec in fields if spec.name not in HAND_WRITTEN_ONLY), body],
    }


def decap_config(model: ContentModel, options: EditorOptions, site: Site) -> dict:
    """The whole `config.yml`: the site's name and logo, the backend (the local one while developing),
    media, and one collection per kind of document."""
    config: dict = {}
    local = options.local
    if options.backend:
        config["backend"] = dict(options.backend)
        if not local:
            # decap-server's file-system mode saves straight to the files, without the workflow.
            config["publish_mode"] = options.publish_mode
    else:
        # Only the local backend: Decap still asks for a backend, and `proxy` is the one decap-server is.
        config["backend"] = {"name": "proxy", "proxy_url": options.local_backend_url, "branch": "main"}
    if local:
        config["local_backend"] = {"url": options.local_backend_url}
        if options.local_workflow:
            config["publish_mode"] = options.publish_mode
    config.update(
        {
            # "Go back to site" on the sign-in page, the site's address in the header.
            "site_url": site.url or "/",
            "display_url": site.url or "/",
            # The sign-in page and the header show the site's logo, or its name: never Decap's logo.
            "logo": {"src": site.logo or wordmark(site.name), "show_in_header": True},
            "locale": "en",
            "media_folder": options.media_folder,
            # The image fields' rule: a path from content/, e.g. images/photo.jpg.
            "public_folder": options.media_folder.removeprefix("content/"),
            "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
            "collections": [collection(kind, fields) for kind, fields in model.documents.items()],
        }
    )
    return config
