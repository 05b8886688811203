"""redirects: the old addresses of a moved article or page keep working.

Each path in an article's or page's `aliases` (front matter, e.g. `/news/2019/old-title/`) becomes a small
page at that address that sends readers and search engines on: a meta refresh, a canonical link to the new
address, `noindex`, and a plain link for anyone whose browser does not follow the refresh; the page is
saved under the alias's decoded name (`/caf%C3%A9/` in `café/`), where hosts look. Every alias is also a
line of `_redirects`, as written, which Netlify and Cloudflare Pages answer with a real 301. An alias that
would overwrite any other output of the site stops the build (front_matter's site checks).
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import site_core
from site_core import alias_save_as, site_root

logger = logging.getLogger(__name__)

REDIRECTS_FILE = "_redirects"


@dataclass(frozen=True)
class Redirect:
    alias: str
    save_as: str
    target: object


def redirects_of(contents) -> list[Redirect]:
    return [
        Redirect(alias, alias_save_as(alias), content)
        for content in contents
        for alias in getattr(content, "aliases", None) or []
    ]


def redirects_file(redirects: list[Redirect], site_root: str) -> str:
    """Netlify / Cloudflare Pages `_redirects`: `old new 301`, one per line."""
    return "".join(f"{site_root}{r.alias} {site_root}/{r.target.url} 301\n" for r in redirects)


class RedirectsGenerator(Generator):
    def generate_context(self) -> None:
        published = [*self.context.get("articles", []), *self.context.get("pages", [])]
        self.redirects = redirects_of(published)

    def generate_output(self, writer) -> None:
        template = self.get_template("redirect")
        for redirect in self.redirects:
            writer.write_file(
                redirect.save_as,
                template,
                self.context,
                redirect_target=redirect.target,
            )
        (Path(self.output_path) / REDIRECTS_FILE).write_text(
            redirects_file(self.redirects, site_root(self.settings)), encoding="utf-8"
        )
        logger.info("redirects: %d old addresses", len(self.redirects))


def get_generators(pelican) -> type:
    return RedirectsGenerator


def register() -> None:
    site_core.connect()
    signals.get_generators.connect(get_generators)
