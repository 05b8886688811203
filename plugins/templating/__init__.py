"""templating: the Jinja filters, globals and theme options every template of the theme relies on.

British dates without the system locale (so a build is the same on every machine), the site's root
path for host-independent links, absolute URLs for canonical links and feeds, and THEME_OPTIONS
(banner, navigation, social links, helplines, share links) checked before they reach a template.
"""

import logging
from collections import Counter
from datetime import datetime

from pelican import signals
from pelican.generators import ArticlesGenerator

import site_core
from site_core import absolute_url, build_time, current_build, long_date, site_root

from .options import load_options, share_links, shown_banner

logger = logging.getLogger(__name__)

STATE = "templating"
# Values the theme reads that other plugins provide (feeds, hub, newsletter); a name in the context hides
# its default.
OPTIONAL_CONTEXT = {
    "SITE_FEEDS": (),
    "GROUP_FEEDS": (),
    "HUB_FACETS": {"categories": (), "topics": (), "years": ()},
    "HUB_FACET_LINKS": {"categories": (), "topics": (), "years": ()},
    "HUB_FILTER_INDEX": "",
    "BANNER": None,
    # the newsletter plugin: the digest archive and the sign-up form
    "NEWSLETTER": None,
    "DIGEST_SIGNUP": None,
}


def iso_datetime(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def site_link(url: str, settings: dict) -> str:
    """A link from the settings: site paths (`/contact/`) gain the site root, other URLs stay as they are."""
    return f"{site_root(settings)}{url}" if url.startswith("/") and not url.startswith("//") else url


def opening_paragraph(body: str) -> tuple[str, str]:
    """(the body's first paragraph, the rest) when the body starts with one; ("", body) otherwise."""
    start = body.lstrip()
    end = start.find("</p>")
    if not start.startswith("<p") or end < 0:
        return "", body
    return start[: end + len("</p>")], start[end + len("</p>") :]


def theme_options(settings: dict) -> dict:
    """THEME_OPTIONS checked once per build; its problems are reported once."""
    build = current_build(settings)
    checked = build.state(STATE, dict)
    if "options" not in checked:
        checked["options"], problems = load_options(settings)
        build.problems.extend(problems)
    return checked["options"]


def add_helpers(generator) -> None:
    settings = generator.settings
    options = theme_options(settings)
    generator.env.filters.update(
        long_date=long_date,
        iso_datetime=iso_datetime,
        opening_paragraph=opening_paragraph,
        absolute_url=lambda path: absolute_url(settings, path),
        site_link=lambda url: site_link(url, settings),
        share_links=lambda content: share_links(
            absolute_url(settings, content.url), content.title, options["share_networks"]
        ),
    )
    generator.env.globals.update(SITE_ROOT=site_root(settings), theme_options=options)
    # What other plugins add to the context, empty when the site runs without them: the theme still builds.
    for name, empty in OPTIONAL_CONTEXT.items():
        generator.env.globals.setdefault(name, empty)


def add_site_summary(generators) -> None:
    """Site-wide facts the theme shows on many pages, as small values of their own.

    The copyright year (the newest article's, never the clock's), the featured article, the article
    count, each category's count, and which categories have articles. A page that shows only these is not
    re-rendered when an article's text changes, as it would be if it read the whole `articles` or
    `categories` list (see incremental).
    """
    articles = [a for g in generators if isinstance(g, ArticlesGenerator) for a in g.articles]
    context = generators[0].context
    newest = max((a.date for a in articles), default=None)
    context["COPYRIGHT_YEAR"] = newest.year if newest else None
    context["FEATURED_ARTICLE"] = next((a for a in articles if getattr(a, "featured", False)), None)
    context["ARTICLE_COUNT"] = len(articles)
    counts = Counter(a.category for a in articles)
    context["CATEGORY_COUNTS"] = sorted(counts.items(), key=lambda item: item[0].name)
    # The same categories without their counts, for pages that link to them (see CATEGORY_SLUGS).
    context["CATEGORY_LINKS"] = tuple(category for category, _count in context["CATEGORY_COUNTS"])
    # The navigation needs only which categories have articles: a new article does not change it.
    context["CATEGORY_SLUGS"] = tuple(sorted(category.slug for category in counts))
    # The announcement as this build shows it (none once its `until` day is over): a value of the context,
    # so the pages that show it are made again the day it ends.
    settings = generators[0].settings
    context["BANNER"] = shown_banner(theme_options(settings)["banner"], settings, build_time())


def summarise_moved(generators, contents) -> None:
    """site_core's `contents_moved`: the site-wide facts as the articles are now listed."""
    add_site_summary(generators)


def register() -> None:
    site_core.connect()
    signals.generator_init.connect(add_helpers)
    signals.all_generators_finalized.connect(add_site_summary)
    site_core.contents_moved.connect(summarise_moved)
