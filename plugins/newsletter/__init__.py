"""newsletter: the archive of the e-mail digests the site has sent, and the Subscribe page's sign-up form.

The digest ledger (`DIGEST["ledger"]`, from the project's folder; written by `dev.py digest`, see
site_core/digest.py) says which digests were sent and which articles each carried. For every sent digest
this plugin writes a page, `/newsletter/<number>/`, listing those articles as the site has them now (an
article re-slugged since is found by its aliases or its file; one deleted or made a draft again is left
out), an index of every digest, newest first, at `/newsletter/`, and an Atom feed of the digests,
`/newsletter/atom.xml`. Without a ledger, or before the first digest is sent, it writes nothing and no page
links to the archive.

Pages find it in the context: `NEWSLETTER` (the archive, or None) and `DIGEST_SIGNUP` (the sign-up form:
set only when the digest is on, `DIGEST["service"]` names the mailing-list service and
`DIGEST["subscribe_form"]` its public form, which the form posts to directly).
"""

import logging
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import site_core
from site_core import current_build, language_tag, site_root
from site_core.digest import DigestOptions
from site_core.store import replace_bytes

from .archive import FeedConfig, build_archive, feed_bytes, ledger_path, load_sent, signup_form

logger = logging.getLogger(__name__)


def feeds_stylesheet(settings: dict) -> str:
    """The feeds plugin's CSS for a feed opened in a browser, as an address on the host; "" without it."""
    plugins = [getattr(p, "__name__", str(p)).rpartition(".")[2] for p in settings.get("PLUGINS") or []]
    stylesheet = (settings.get("FEEDS") or {}).get("stylesheet", "feeds/feed.css")
    if "feeds" not in plugins or not str(stylesheet).endswith(".css"):
        return ""
    return f"{site_root(settings)}/{str(stylesheet).lstrip('/')}"


class NewsletterGenerator(Generator):
    def generate_context(self) -> None:
        build = current_build(self.settings)
        options = build.options("DIGEST", DigestOptions)
        records, ledger_problems = load_sent(self.settings, options)
        self.archive, archive_problems = build_archive(
            records,
            self.context.get("articles", []),
            Path(self.settings["PATH"]),
            ledger_path(self.settings, options),
            self.settings["SITENAME"],
        )
        self.form, form_problems = signup_form(self.settings, options)
        build.problems.extend([*ledger_problems, *archive_problems, *form_problems])
        self.feed_config = FeedConfig(
            siteurl=self.settings["SITEURL"],
            sitename=self.settings["SITENAME"],
            language=language_tag(self.settings),
            publisher=self.settings.get("ORGANISATION", {}).get("name") or self.settings["SITENAME"],
            timezone=self.settings.get("TIMEZONE") or "UTC",
            subscribe=f"{site_root(self.settings)}/{self.settings.get('SUBSCRIBE_URL') or 'subscribe/'}",
            stylesheet=feeds_stylesheet(self.settings),
        )
        self.context["NEWSLETTER"] = self.archive
        self.context["DIGEST_SIGNUP"] = self.form

    def generate_output(self, writer) -> None:
        feed = Path(self.output_path) / "newsletter" / "atom.xml"
        if self.archive is None:
            # A build written into the output folder itself (the dev server) after the ledger went.
            feed.unlink(missing_ok=True)
            return
        index = self.get_template("newsletter")
        page = self.get_template("newsletter_digest")
        everything = [article for digest in self.archive.digests for article in digest.articles]
        # `articles`: what the page shows, which dates it in the sitemap.
        writer.write_file(
            self.archive.save_as, index, self.context, url=self.archive.url, articles=everything
        )
        digests = self.archive.digests
        for position, digest in enumerate(digests):
            writer.write_file(
                digest.save_as,
                page,
                self.context,
                url=digest.url,
                digest=digest,
                newer=digests[position - 1] if position > 0 else None,
                older=digests[position + 1] if position + 1 < len(digests) else None,
                articles=list(digest.articles),
            )
        self.write_feed()
        logger.info("newsletter: %d digests in the archive", len(digests))

    def write_feed(self) -> None:
        target = Path(self.output_path) / self.archive.feed.path
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_bytes(target, feed_bytes(self.archive, self.feed_config))


def rewrite_patched(generator, contents) -> None:
    """site_core's `content_patched`: the feed again if it shows any of `contents` (a title, a teaser)."""
    if isinstance(generator, NewsletterGenerator) and generator.archive is not None:
        patched = {id(content) for content in contents}
        shown = {id(article) for digest in generator.archive.digests for article in digest.articles}
        if patched & shown:
            generator.write_feed()


def get_generators(pelican) -> type:
    return NewsletterGenerator


def register() -> None:
    site_core.connect()
    signals.get_generators.connect(get_generators)
    site_core.content_patched.connect(rewrite_patched)
