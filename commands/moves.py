"""A save that moves articles, applied to the site in memory without a build.

A move is a save of articles that changes where they are listed: a new article, a deletion, a change of
category, topics, authors, date or status (a draft published, an article taken back). Pelican's build
would read, list and write the whole site again; here the site the last build left in memory is changed
as the build would change it, and only the pages whose inputs changed are rendered:

1. The saved files are read as their generator reads them, and the held articles take the new values
   (a new article joins, a deleted one leaves).
2. The articles generator's lists (`articles`, `dates`, categories, topics, authors) are made again from
   its articles as Pelican makes them (`site_core.internals.list_articles`), and the core's
   `contents_moved` lets each plugin bring its own state up to date (related articles, site facts, the
   hub's facets, the feeds, the checks).
3. Pelican's own generators are asked for their listing pages again through a writer that records each
   page (its name, template and the context Pelican gives it) instead of rendering it
   (`site_core.internals.PageRecorder`): how a listing is paged and what context its template gets is
   Pelican's own code, never a copy.
4. Each page is compared with its last build's record: a page is rendered again when a name its
   template looked up now holds a different value (compared by identity and shape, see `same`), or when
   it read an attribute that changed on any article (related articles, neighbours, the moved article's
   category). New pages are rendered, pages no longer made are removed.
5. `pages_moved` lets the sitemap write itself from every page (while the pages render), and
   `pages_patched` lets the link check check the pages rendered.

Anything this does not cover is a build: a page or a file that is not an article, a new address or alias,
images, links between files, translations, relative URLs.
"""

import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from incremental.writer import (
    ANYTHING,
    MINIMUM_PARALLEL,
    Recipe,
    exported_fragments,
    fragments_of,
    page_places,
    render_recording,
)
from site_core import (
    all_contents,
    contents_moved,
    current_build,
    forget_memoized,
    page_rendered,
    pages_moved,
    pages_patched,
)
from site_core.internals import RAW_CONTENT, READ_CONTEXT, PageRecorder, list_articles, replay_listings
from site_core.store import replace_text
from site_core.workers import all_cores, start_map

logger = logging.getLogger(__name__)

_MISSING = object()
# What decides a page's file: a save that changes it is a build (aliases become redirect pages, images
# are processed by the build, links between files are resolved by it).
ADDRESS_ATTRIBUTES = ("url", "save_as", "slug")


@dataclass(frozen=True)
class Patched:
    """What a save changed in place: the pages written (its own first), the seconds it took and the pages
    removed."""

    pages: int
    seconds: float
    removed: int = 0


class Comparison:
    """Whether a value a page read is the same as the one it reads now: the same object, or the same
    shape holding the same objects. Articles are the same only as the same object; what changed on one is
    in the pages' reads. Each pair is compared once per move."""

    def __init__(self) -> None:
        self.known: dict[tuple[int, int], bool] = {}

    def same(self, old, new, depth: int = 0) -> bool:
        if old is new:
            return True
        if type(old) is not type(new) and not (isinstance(old, list) and isinstance(new, list)):
            return False
        if depth > 12 or isinstance(old, Content):
            return False
        key = (id(old), id(new))
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._compare(old, new, depth + 1)
        return found

    def _compare(self, old, new, depth: int) -> bool:
        if isinstance(old, list | tuple):
            return len(old) == len(new) and all(self.same(a, b, depth) for a, b in zip(old, new, strict=True))
        if isinstance(old, dict):
            return old.keys() == new.keys() and all(self.same(old[k], new[k], depth) for k in old)
        if isinstance(old, Page):
            return (
                old.number == new.number
                and old.full_name == new.full_name
                and self.same(old.paginator, new.paginator, depth)
                and self.same(old.object_list, new.object_list, depth)
            )
        if isinstance(old, Paginator):
            return (old.name, old.url, old.per_page, old.orphans, old.count, old.num_pages) == (
                new.name,
                new.url,
                new.per_page,
                new.orphans,
                new.count,
                new.num_pages,
            )
        if isinstance(old, URLWrapper):
            return (
                old.name == new.name
                and old.slug == new.slug
                and self.same(_plain_attributes(old), _plain_attributes(new), depth)
            )
        if hasattr(old, "__dict__") and not isinstance(old, type):
            return self.same(vars(old), vars(new), depth)
        try:
            return bool(old == new)
        except Exception:
            return False


def _plain_attributes(value) -> dict:
    return {k: v for k, v in vars(value).items() if not k.startswith("_")}


def attribute_changes(before: dict[int, tuple], contents: list) -> dict[str, set[str]]:
    """For each content (by source path) of `before` (id -> (content, its attributes then)), the
    attributes it has now that differ, or that it no longer has."""
    changed: dict[str, set[str]] = {}
    for content in contents:
        kept = before.get(id(content))
        if kept is None:
            continue
        then, now = kept[1], vars(content)
        names = {
            key
            for key in then.keys() | now.keys()
            if then.get(key, _MISSING) is not now.get(key, _MISSING)
            and not _equal(then.get(key, _MISSING), now.get(key, _MISSING))
        }
        if names:
            changed[content.source_path] = names
    return changed


def _equal(old, new) -> bool:
    if isinstance(old, list | tuple) and isinstance(new, list | tuple):
        return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))
    if isinstance(old, Content) or isinstance(new, Content):
        return False
    try:
        return bool(old == new)
    except Exception:
        return False


def _files_shown(content) -> tuple:
    return (
        tuple(getattr(content, "aliases", None) or ()),
        tuple(sorted(content.get_static_links())),
        tuple(getattr(content, "image_sources", None) or ()),
        getattr(content, "image", None),
    )


def unmovable(old, new) -> str | None:
    """Why the change from `old` (None: a new article) to `new` (None: deleted) needs a build, or None.
    Aliases, images and linked files are the build's to publish and withdraw: an article may move with
    them unchanged, but one that appears, goes or changes status with any is a build."""
    for content in (old, new):
        if content is not None and (
            getattr(content, "lang", None) != content.settings["DEFAULT_LANG"]
            or getattr(content, "translation", False)
        ):
            return "it is a translation"
    same_status = old is not None and new is not None and old.status == new.status
    shown = [_files_shown(content) for content in (old, new) if content is not None]
    if same_status and shown[0] != shown[1]:
        return "its aliases, images or linked files changed"
    if not same_status and any(any(part for part in files) for files in shown):
        return "it comes, goes or changes status with aliases, images or linked files"
    if same_status and any(getattr(old, name) != getattr(new, name) for name in ADDRESS_ATTRIBUTES):
        return "its address changed"
    return None


def _groups(article) -> list:
    if article is None or article.status != "published":
        return []
    return [
        ("category", article.category.slug),
        *(("tag", tag.slug) for tag in getattr(article, "tags", [])),
        *(("author", author.slug) for author in getattr(article, "authors", [])),
    ]


def opens_or_closes_a_group(generator, changes: list[tuple]) -> bool:
    """Whether the move leaves a category, topic or author with no articles, or gives one its first: its
    listing, feeds and facet come or go, which is the build's to do."""
    sizes: dict[tuple, int] = {}
    for kind, groups in (
        ("category", generator.categories),
        ("tag", generator.tags),
        ("author", generator.authors),
    ):
        for wrapper, members in groups.items() if isinstance(groups, dict) else groups:
            sizes[(kind, wrapper.slug)] = len(members)
    after = dict(sizes)
    for old, new, _source in changes:
        for group in _groups(old):
            after[group] = after.get(group, 0) - 1
        for group in _groups(new):
            after[group] = after.get(group, 0) + 1
    return any((sizes.get(group, 0) > 0) != (count > 0) for group, count in after.items())


LISTING, ARTICLE, OTHER = "listing", "article", "other"


def step_of(name: str, recipe: Recipe, settings: dict) -> str:
    """Which step of a build made the page: a listing (a paged list of articles or one of Pelican's direct
    templates, all asked for again by the replay), an article's or draft's own page, or another page."""
    context = recipe.localcontext
    template_name = context.get("template_name")
    if template_name in settings["DIRECT_TEMPLATES"] or (
        template_name in settings["PAGINATED_TEMPLATES"]
        and any(isinstance(value, Page) for key, value in context.items() if key.endswith("_page"))
    ):
        return LISTING
    # Pelican gives an article's (and a draft's) own page `blog`; a redirect or digest page has none.
    if isinstance(context.get("article"), Article) and context.get("blog") and "category" in context:
        return ARTICLE
    return OTHER


def group_of(recipe: Recipe) -> tuple | None:
    """The category, tag or author whose listing the page is a page of, or None."""
    context = recipe.localcontext
    kind = context.get("template_name")
    if kind in ("category", "tag", "author") and isinstance(context.get(kind), URLWrapper):
        return (kind, context[kind].slug)
    return None


def linked_from_others(generator, gone: list) -> bool:
    """Whether another article's text names one of the files of `gone`."""
    names = [Path(content.source_path).name for content in gone]
    gone_ids = {id(content) for content in gone}
    return any(
        name in (getattr(content, RAW_CONTENT, "") or "")
        for content in all_contents(generator)
        if id(content) not in gone_ids
        for name in names
    )


class MoveEngine:
    """The pages of the last build and how each was made, kept to apply moves."""

    def __init__(self, live) -> None:
        self.live = live

    def apply(self, pelican, generator: ArticlesGenerator, changes: list[tuple]) -> Patched | None:
        """Apply `changes` ((held article or None, fresh read or None, source path) each) to the site in
        memory and the output; None (nothing changed) when a build is needed."""
        started = time.perf_counter()
        live = self.live
        for old, new, _source in changes:
            reason = unmovable(old, new)
            if reason:
                logger.debug("a build: %s", reason)
                return None
        if generator.translations or generator.drafts_translations:
            return None
        if opens_or_closes_a_group(generator, changes):
            return None
        gone = [old for old, new, _ in changes if old is not None and new is None]
        if gone and linked_from_others(generator, gone):
            return None
        affected = self._affected_groups(generator, changes)
        context = generator.context
        before_context = dict(context)
        contents = all_contents(generator)
        before = {id(content): (content, dict(vars(content))) for content in contents}
        moved = self._mutate(generator, changes)
        build = current_build(pelican.settings)
        contents_moved.send(live.generators, contents=moved)
        build.fail_if_problems(pelican, "The pages show the last good save: fix what is listed, save again.")

        recorder = PageRecorder(live.output, generator.settings, Recipe)
        replay_listings(live.generators, recorder, affected)
        for article in [*generator.articles, *generator.hidden_articles]:
            if id(article) not in before or article in moved:
                recorder.article_page(generator, article)

        now = all_contents(generator)
        changed = attribute_changes(before, now)
        removed_sources = {c.source_path for c, _ in before.values()} - {c.source_path for c in now}
        final, kept = self._final_recipes(generator, recorder, affected, moved)
        to_render = self._changed_pages(final, kept, changed, removed_sources, before_context, context)
        # The first screen written before the move (LiveSite.preview) is made again as the move has it.
        previewed = {path.relative_to(live.output).as_posix() for path in live.before_preview}
        to_render += sorted(name for name in previewed - set(to_render) if name in final)
        removed = [name for name in live.recipes if name not in final]
        removed += sorted(name for name in previewed if name not in final and name not in live.recipes)
        forget_cards(live.generators, [c for c in now if c.source_path in changed])
        for name in to_render:
            if name in kept:
                final[name] = Recipe(final[name].template, live.context_of(name, context))
        rendered = self._start_render(to_render, final)
        for name in removed:
            remove_page(live.output / name)
            live.forget_page(name)
        # The sitemap needs every page's context, not its text: it is written while the pages render.
        pages_moved.send(pelican, pages={name: recipe.localcontext for name, recipe in final.items()})
        inspected = rendered()
        live.note_written(to_render)
        live.settle_recipes(final, set(to_render) | (set(final) - kept), context)
        live.before_preview = {}
        pages_patched.send(
            pelican, pages={name: live.source_of(name) for name in to_render}, inspected=inspected
        )
        build.fail_if_problems(pelican, "The pages show the save as it is: fix what is listed, save again.")
        return Patched(len(to_render), time.perf_counter() - started, len(removed))

    def _final_recipes(self, generator, recorder: PageRecorder, affected: set, moved: list) -> tuple:
        """Every page of the site after the move, by file name: those the replay asked for, and the last
        build's others that stay (returned apart as `kept`): no article's page that left or moved, no
        listing asked for again."""
        final: dict[str, Recipe] = {}
        listed = {id(article) for article in [*generator.articles, *generator.hidden_articles]}
        moved_ids = {id(article) for article in moved}
        for name, recipe in self.live.recipes.items():
            if name in recorder.pages:
                continue
            step = step_of(name, recipe, generator.settings)
            if step == LISTING:
                group = group_of(recipe)
                if group is None or group in affected:
                    continue  # asked for again by the replay (or no longer made)
            if step == ARTICLE:
                article = recipe.localcontext["article"]
                if id(article) not in listed or id(article) in moved_ids:
                    continue
            final[name] = recipe
        kept = set(final)
        final.update(recorder.pages)
        return final, kept

    def _changed_pages(
        self, final: dict, kept: set, changed: dict, removed_sources: set, before_context: dict, context: dict
    ) -> list[str]:
        """The pages of `final` to render: new ones, and those that look up a value that changed (shared,
        or their own) or read an attribute that changed on an article (`changed`) or of one removed."""
        live = self.live
        wanted = {(source, name) for source, names in changed.items() for name in (*names, ANYTHING)}
        if removed_sources:
            wanted |= {pair for reads in live.reads.values() for pair in reads if pair[0] in removed_sources}
        comparison = Comparison()
        changed_keys = frozenset(
            key
            for key in before_context.keys() | context.keys()
            if not comparison.same(before_context.get(key, _MISSING), context.get(key, _MISSING))
        )
        to_render = []
        for name, recipe in final.items():
            old, names = live.recipes.get(name), live.names.get(name)
            if (
                old is None
                or names is None
                or old.template is not recipe.template
                or not wanted.isdisjoint(live.reads.get(name, frozenset()))
                or not changed_keys.isdisjoint(names)
            ):
                to_render.append(name)
            elif name not in kept:
                base = live.base_of(name)
                if not all(
                    comparison.same(
                        _own(old.localcontext, base, key, before_context),
                        _own(recipe.localcontext, context, key, context),
                    )
                    for key in names
                ):
                    to_render.append(name)
        return to_render

    def _affected_groups(self, generator, changes: list[tuple]) -> set:
        """The categories, topics and authors whose listings the move changes: those an article joins or
        leaves, and all of an article's when it comes, goes or changes place in their order (or when one of
        their pages looks up one of the generator's own lists, which the move makes anew)."""
        order = generator.settings["ARTICLE_ORDER_BY"]
        order_attribute = order.removeprefix("reversed-") if isinstance(order, str) else None
        affected: set = set()
        for old, new, _source in changes:
            before, after = set(_groups(old)), set(_groups(new))
            reordered = (
                old is None
                or new is None
                or order_attribute is None
                or getattr(old, order_attribute, None) != getattr(new, order_attribute, None)
                or old.date != new.date
            )
            affected |= (before | after) if reordered else (before ^ after)
        own_lists = {
            id(getattr(generator, name)) for name in ("articles", "dates", "drafts", "hidden_articles")
        }
        for name, recipe in self.live.recipes.items():
            group = group_of(recipe)
            if group is not None and group not in affected:
                context = recipe.localcontext
                if any(id(context.get(key)) in own_lists for key in self.live.names.get(name, ())):
                    affected.add(group)
        return affected

    def _mutate(self, generator, changes: list[tuple]) -> list:
        """The held articles take the fresh reads; the generator's lists are made again. Returns the
        articles moved (held or new)."""
        live = self.live
        moved = []
        for old, new, source in changes:
            if old is None and new is not None:
                live.hold(new, generator)
                moved.append(new)
            elif new is None and old is not None:
                live.release(old)
            elif old is not None:
                state = vars(old)
                fresh = {key: value for key, value in vars(new).items() if key != READ_CONTEXT}
                # What the file no longer says goes. What plugins gave it after it was read (its feeds'
                # enclosure, made from an image the move leaves as it was) stays, or is given again, while
                # its status stays: a draft published, or taken back, is made whole from the file again.
                same_status = old.status == new.status
                for key in [
                    k
                    for k in state
                    if k not in fresh and k != READ_CONTEXT and (k in old.metadata or not same_status)
                ]:
                    del state[key]
                state.update(fresh)
                forget_memoized(old)
                generator.cache_data(os.path.relpath(source, generator.path), old)
                moved.append(old)
        held = {id(item.content) for item in live.held.values()}
        kept = [content for content in all_contents(generator) if id(content) in held]
        kept_ids = {id(content) for content in kept}
        list_articles(generator, kept + [content for content in moved if id(content) not in kept_ids])
        return moved

    def _start_render(self, names: list[str], final: dict[str, Recipe]) -> Callable[[], dict[str, dict]]:
        """Render and write `names` on every core, started; the function returned waits for them and
        gives what `page_rendered`'s receivers made of each page while its text was in memory, by page and
        receiver."""
        live = self.live

        def render(name: str) -> tuple:
            recipe = final[name]
            text, looked_up, reads = render_recording(recipe.template, recipe.localcontext)
            target = live.output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_text(target, text)
            inspected = dict(page_rendered.send(name, text=text))
            fragments = exported_fragments(recipe.template.environment)
            return tuple(sorted(looked_up)), frozenset(reads), fragments, inspected

        places = page_places({name: final[name].localcontext for name in names})
        for fragments in fragments_of(live.generators):
            fragments.made_here()
        running = start_map(render, names, all_cores(names, MINIMUM_PARALLEL), places.get)

        def finished() -> dict[str, dict]:
            made = running()
            inspected = {}
            for name, (looked_up, reads, _fragments, found) in zip(names, made, strict=True):
                live.names[name] = looked_up
                live.reads[name] = reads
                inspected[name] = found
            live.adopt_fragments([fragments for _names, _reads, fragments, _found in made])
            return inspected

        return finished


def _own(localcontext: dict, base: dict, key: str, shared: dict):
    """The value a page's context gives `key`: its own (set for the page), or the shared one in `shared`.
    A value that is the one `base` (the context the page's recipe was made from) held is a shared one."""
    value = localcontext.get(key, _MISSING)
    if value is _MISSING or base.get(key, _MISSING) is value:
        return shared.get(key, _MISSING)
    return value


def forget_cards(generators, contents: list) -> None:
    """The pure macros' output made from `contents` (their cards) is made again from what they are now."""
    for fragments in fragments_of(generators):
        fragments.forget(contents)


def remove_page(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # a folder that still holds something stays
        path.parent.rmdir()
