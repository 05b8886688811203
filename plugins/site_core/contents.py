"""Every article and page a build made, and their URLs worked out once."""

from pelican.generators import ArticlesGenerator, PagesGenerator

from .internals import memoized_table

MEMOIZED_METHODS = ("get_content", "get_summary")


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


def published_contents(generator) -> list:
    """The articles and pages of `generator` that the build writes: published, translated and hidden; a
    draft or a scheduled article (Pelican makes the status of both "draft") only where the build writes
    drafts (the dev server's preview), never in a build from the site's settings."""
    if isinstance(generator, ArticlesGenerator):
        written = [
            *generator.articles,
            *generator.translations,
            *generator.hidden_articles,
            *generator.hidden_translations,
        ]
        drafts = [*generator.drafts, *generator.drafts_translations]
    elif isinstance(generator, PagesGenerator):
        written = [
            *generator.pages,
            *generator.translations,
            *generator.hidden_pages,
            *generator.hidden_translations,
        ]
        drafts = [*generator.draft_pages, *generator.draft_translations]
    else:
        return []
    return written + [draft for draft in drafts if getattr(draft, "save_as", "")]


def is_draft(content) -> bool:
    """Whether its author marked it `status: draft`: no build publishes it until a person changes that.
    Pelican calls a scheduled article (dated in the future) a draft too, but a later build publishes it
    with no one looking, so it is held to everything a published one is."""
    return getattr(content, "status", None) == "draft" and not getattr(content, "scheduled", False)


def fix_addresses(generators) -> None:
    """Pelican's `all_generators_finalized`: each article's and page's URL, worked out once.

    Pelican works it out from the settings' patterns on every read (`url` is a property), about twenty
    times an article in a build (cards, related lists, feeds, the sitemap, the link check): a tenth of a
    cold build. `override_url` is Pelican's own way to fix it (what the `url` metadata sets). Only now is
    an article's status final (Pelican makes a future-dated one a draft, with a draft's address, after it is
    made), and nothing changes it after. The file name is left alone: Pelican lets a page with a fixed file
    name (`override_save_as`) silently replace another page written to the same file, and a clash must
    stay an error.
    """
    for generator in generators:
        for content in all_contents(generator):
            content.override_url = content.url


def forget_memoized(content) -> None:
    """Pelican keeps each content's HTML and summary, once made, in one table per method for all of them
    (`pelican.utils.memoized`, keyed by the object): after its `_content` changes they must be made again."""
    for method in MEMOIZED_METHODS:
        memo = memoized_table(type(content), method)
        for key in [key for key in memo if key and key[0] is content]:
            del memo[key]


def fix_moved_addresses(generators, contents) -> None:
    """The core's `contents_moved`: the URLs of the articles moved (a new one's, a published draft's)."""
    for content in contents:
        vars(content).pop("override_url", None)
        content.override_url = content.url
