"""Decap CMS's `config.yml`, made from the content model, so the editor offers exactly what a build accepts.

Every key of the schema becomes a field of the form: its kind picks the widget, its rule's pattern and hint
come with it, and it is required exactly when the schema requires it. The categories and topics are the
site's own (FRONT_MATTER), so adding a topic in `pelicanconf.py` adds it to the editor on the next build.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from site_core import ContentModel, ModelField

# The git hosts whose Decap backends support the editorial workflow, with where their API answers by
# default (Gitea has no default: give `api_root`).
BACKEND_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4", "gitea": None}
# Avatars of the signed-in editor, shown in the editor's header.
BACKEND_IMAGES = {"github": ("https://avatars.githubusercontent.com",), "gitlab": ("https://gitlab.com",)}
PUBLISH_MODES = ("editorial_workflow", "simple")
# How the editor writes dates: a local time without a zone, which the schema reads as the site's time.
DATE_FORMAT = "YYYY-MM-DDTHH:mm"
COLLECTIONS = {
    "article": {
        "name": "articles",
        "label": "Articles",
        "label_singular": "Article",
        "folder": "content/articles",
        # The README's file names: the date first, then the slug, which becomes the address.
        "slug": "{{year}}-{{month}}-{{day}}-{{slug}}",
        "summary": "{{title}} ({{category}}, {{date}})",
        "sortable_fields": ["date", "title", "category"],
        "body_hint": "The article in Markdown. Headings start at ## (the title is the only # heading).",
    },
    "page": {
        "name": "pages",
        "label": "Pages",
        "label_singular": "Page",
        "folder": "content/pages",
        "slug": "{{slug}}",
        "summary": "{{title}}",
        "sortable_fields": ["title"],
        "body_hint": "The page in Markdown. Headings start at ##.",
    },
}


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
    if spec.kind in ("text", "long_text"):
        made["widget"] = "string" if spec.kind == "text" else "text"
        if pattern:
            made["pattern"] = pattern
    elif spec.kind == "date":
        made.update(widget="datetime", format=DATE_FORMAT, date_format="D MMMM YYYY", time_format="HH:mm")
    elif spec.kind in ("choice", "choices"):
        made.update(widget="select", options=list(spec.options), multiple=spec.kind == "choices")
    elif spec.kind == "text_list":
        item = {"label": spec.label, "name": "item", "widget": "string"}
        if pattern:
            item["pattern"] = pattern
        made.update(widget="list", field=item)
    elif spec.kind == "records":
        made.update(widget="list", fields=[widget(item) for item in spec.item_fields])
    elif spec.kind == "flag":
        made.update(widget="boolean", default=False)
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
        "format": "yaml-frontmatter",
        "fields": [*(widget(spec) for spec in fields), body],
    }


def decap_config(model: ContentModel, options: EditorOptions, site_url: str) -> dict:
    """The whole `config.yml`: the backend (the local one while developing), media, and one collection per
    kind of document."""
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
            "site_url": site_url or "/",
            "locale": "en",
            "media_folder": options.media_folder,
            # The image fields' rule: a path from content/, e.g. images/photo.jpg.
            "public_folder": options.media_folder.removeprefix("content/"),
            "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
            "collections": [collection(kind, fields) for kind, fields in model.documents.items()],
        }
    )
    return config
