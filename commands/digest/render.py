"""The digest as an e-mail's two parts: HTML that survives mail clients, and plain text.

The templates are the theme's (`theme/templates/email/`). Mail clients drop `<style>` blocks or parts of
them, so every rule is inlined into `style` attributes by css-inline; only `@media` rules (phones, dark
mode) stay in the `<style>` block, where clients that understand them read them. One unsubscribe address
goes into both parts as a placeholder, filled in per subscriber (SMTP) or by the service's own tag: two
subscribers' messages differ in that address only. No tracking: no pixel, every link is the article's own.
"""

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from site_core import long_date

from .stories import Story

UNSUBSCRIBE = "https://unsubscribe.invalid/digest-subscriber"
THUMBNAIL_WIDTH = 160
INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Letter:
    """The digest for every subscriber, with UNSUBSCRIBE where each one's own address goes."""

    subject: str
    html: str
    text: str

    def for_subscriber(self, unsubscribe_url: str) -> tuple[str, str]:
        """The HTML and text parts for the subscriber whose unsubscribe address is `unsubscribe_url`."""
        return (
            self.html.replace(html.escape(UNSUBSCRIBE), html.escape(unsubscribe_url)),
            self.text.replace(UNSUBSCRIBE, unsubscribe_url),
        )


def environment(theme: Path) -> Environment:
    templates = Environment(
        loader=FileSystemLoader(theme / "templates" / "email"),
        autoescape=lambda name: bool(name and name.endswith(".html")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.filters["long_date"] = long_date
    return templates


def shown_address(url: str) -> str:
    """An address as a person reads it: host and path, without the scheme."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


def render_letter(
    theme: Path,
    *,
    subject: str,
    site: str,
    site_url: str,
    archive_url: str,
    heading: str,
    stories: list[Story],
    sender_name: str,
    postal_address: tuple[str, ...],
    lang: str = "en-GB",
) -> Letter:
    count = len(stories)
    values = {
        "subject": subject,
        "site": site,
        "heading": heading,
        "intro": f"{count} new {'story' if count == 1 else 'stories'} from {site} since the last digest.",
        "preheader": " · ".join(story.title for story in stories[:3]),
        "stories": stories,
        "thumbnail_width": THUMBNAIL_WIDTH,
        "site_url": site_url,
        "site_url_shown": shown_address(site_url),
        "archive_url": archive_url,
        "archive_url_shown": shown_address(archive_url),
        "unsubscribe": UNSUBSCRIBE,
        "sender_name": sender_name,
        "postal_address": postal_address,
        "lang": lang,
    }
    templates = environment(theme)
    page = templates.get_template("digest.html").render(values)
    text = templates.get_template("digest.txt").render(values)
    return Letter(subject=subject, html=INLINER.inline(page), text=text)
