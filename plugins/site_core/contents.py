"""Every article and page a build made, and their addresses worked out once."""

from pelican.generators import ArticlesGenerator, PagesGenerator


def all_contents(generator) -> list:
    """Every article or page `generator` holds: listed, translated, hidden and draft."""
    if isinstance(generator, ArticlesGenerator):
        return [
            *generator.articles,
            *generator.translations,
            *generator.drafts,
            *generator.drafts_translations,
            *generator.hidden_articles,
            *generator.hidden_translations,
        ]
    if isinstance(generator, PagesGenerator):
        return [
            *generator.pages,
            *generator.translations,
            *generator.hidden_pages,
            *generator.hidden_translations,
            *generator.draft_pages,
            *generator.draft_translations,
        ]
    return []


def fix_addresses(generators) -> None:
    """Pelican's `all_generators_finalized`: each article's and page's URL and file name, worked out once.

    Pelican works them out from the settings' patterns on every read (`url` and `save_as` are properties),
    about twenty times an article in a build (cards, related lists, feeds, the sitemap, the link check): a
    tenth of a cold build. `override_url` and `override_save_as` are Pelican's own way to fix them (what
    the `url` and `save_as` metadata set). Only now is an article's status final (Pelican makes a
    future-dated one a draft, with a draft's address, after it is made), and nothing changes them after.
    """
    for generator in generators:
        for content in all_contents(generator):
            content.override_url = content.url
            content.override_save_as = content.save_as
