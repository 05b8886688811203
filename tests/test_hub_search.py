"""Knowledge & Resources facets and Pagefind search, checked against the content itself."""

import gzip
import json
import random
import re
import shutil
from pathlib import Path

import pytest
from lxml import html

import pelicanconf
from conftest import PUBLISH_SITEURL, ROOT, copy_project, run_invoke, run_pelican, tree_digest
from sample_content import read_articles
from search import build_index, indexed_glob, start_index

CATEGORIES = ["News", "Features", "Research", "Guidance", "Interviews", "Opinion"]
TOPICS = [
    "Safeguarding",
    "Fostering",
    "Adoption",
    "Care leavers",
    "Family justice",
    "Mental health",
    "Policy",
]
HUB = "knowledge-resources"


def write_many_articles(articles_folder: Path, count: int) -> None:
    """Enough extra articles that the hub and its facets run to several pages."""
    chooser = random.Random(7)
    for number in range(count):
        year = 2023 + number % 3
        topics = chooser.sample(TOPICS, k=1 + number % 3)
        (articles_folder / f"generated-{number:03d}.md").write_text(
            "---\n"
            f'title: "Generated story number {number}"\n'
            f"date: {year}-{1 + number % 12:02d}-{1 + number % 27:02d}T{8 + number % 10:02d}:15\n"
            f"category: {CATEGORIES[number % len(CATEGORIES)]}\n"
            f"topics: [{', '.join(topics)}]\n"
            "---\n"
            f"Story {number} reports on practice in children's services, word{number}unique.\n",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    """The sample site plus 60 generated articles, published: enough for real pagination everywhere."""
    project = copy_project(tmp_path_factory.mktemp("large") / "project")
    write_many_articles(project / "content" / "articles", 60)
    output = project / "output"
    result = run_pelican(project, "publishconf.py", output)
    assert result.returncode == 0, result.stderr
    return project, output


def public_articles(project: Path):
    return [a for a in read_articles(project / "content") if a.is_public]


def listed(output: Path, first_page: str) -> list[str]:
    """Every article link on a paginated listing, following rel=next to the end."""
    slugs, path = [], first_page
    while path:
        page = html.fromstring((output / path.lstrip("/") / "index.html").read_bytes())
        section = page.xpath("//section[@data-hub-results]")[0]
        slugs += [href.split("/")[-2] for href in section.xpath(".//h3[@class='card-title']/a/@href")]
        following = page.xpath("//nav[contains(@class, 'pagination')]//a[@rel='next']/@href")
        path = following[0] if following else None
    return slugs


def expected_facets(articles) -> dict[str, dict[str, list]]:
    facets: dict[str, dict[str, list]] = {"category": {}, "topic": {}, "year": {}}
    for article in articles:
        facets["category"].setdefault(article.meta["category"].lower(), []).append(article)
        for topic in article.meta.get("topics", []):
            facets["topic"].setdefault(topic.lower().replace(" ", "-"), []).append(article)
        facets["year"].setdefault(str(article.date.year), []).append(article)
    return facets


def newest_slugs(articles) -> list[str]:
    return [a.slug for a in sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug))]


def test_hub_pages_cover_every_article_once_newest_first(large_site):
    project, output = large_site
    articles = public_articles(project)
    slugs = listed(output, f"/{HUB}/")
    first_page = html.fromstring((output / HUB / "index.html").read_bytes())
    featured = [href.split("/")[-2] for href in first_page.xpath("//*[@data-hub-featured]//h3/a/@href")]
    assert len(featured) == 1
    assert next(a for a in articles if a.slug == featured[0]).meta.get("featured") is True
    # The featured story leads the first page and is not listed a second time below it.
    assert slugs == [slug for slug in newest_slugs(articles) if slug not in featured]
    assert (output / HUB / "page" / "4" / "index.html").is_file()
    page = html.fromstring((output / HUB / "page" / "2" / "index.html").read_bytes())
    assert page.xpath("//nav[contains(@class,'pagination')]/p/text()") == ["Page 2 of 4"]


def pagination_of(output: Path, path: str) -> tuple[str, list[str], list[str]]:
    """A listing page's pagination: its status line, what each item shows ("…" for a gap), and the link
    marked as the current page."""
    page = html.fromstring((output / path.lstrip("/") / "index.html").read_bytes())
    nav = page.xpath("//nav[contains(@class, 'pagination')]")[0]
    items = [item.text_content().replace("Page ", "").strip() for item in nav.xpath(".//li")]
    return nav.findtext("p"), items, nav.xpath(".//a[@aria-current='page']/@href")


def test_pagination_shows_the_ends_and_two_pages_either_side(large_site):
    """At 70 articles the home page runs to 8 pages: each page links the first and last, its neighbours
    within two, and says where it skips; every link leads to the page it names."""
    project, output = large_site
    last = -(-len(public_articles(project)) // 10)
    assert last >= 8
    for number in range(1, last + 1):
        path = "/" if number == 1 else f"/page/{number}/"
        status, items, current = pagination_of(output, path)
        shown = sorted({1, last} | set(range(max(1, number - 2), min(last, number + 2) + 1)))
        expected = ["Previous page"] if number > 1 else []
        for position, shown_number in enumerate(shown):
            if position and shown_number - shown[position - 1] > 1:
                expected.append("…")
            expected.append(str(shown_number))
        expected += ["Next page"] if number < last else []
        assert status == f"Page {number} of {last}"
        assert items == expected, path
        assert current == [path]
        page = html.fromstring((output / path.lstrip("/") / "index.html").read_bytes())
        for link in page.xpath("//nav[contains(@class, 'pagination')]//a[not(@rel)]"):
            target = link.get("href")
            assert pagination_of(output, target)[0] == f"Page {link.text_content()[5:]} of {last}"


def test_each_facet_page_lists_exactly_its_articles(large_site):
    project, output = large_site
    facets = expected_facets(public_articles(project))
    for kind, values in facets.items():
        for slug, members in values.items():
            first = f"/{HUB}/{slug}/" if kind == "year" else f"/{HUB}/{kind}/{slug}/"
            assert listed(output, first) == newest_slugs(members), first


def test_facet_navigation_counts_and_links(large_site):
    project, output = large_site
    facets = expected_facets(public_articles(project))
    page = html.fromstring((output / HUB / "index.html").read_bytes())
    for kind, values in facets.items():
        links = page.xpath(f"//ul[@aria-labelledby='facet-{kind}']//a")
        found = {
            a.get("href").rstrip("/").split("/")[-1]: a.xpath(".//span[@class='count']")[0].text_content()
            for a in links
        }
        assert found == {
            slug: f"({len(m)} article{'s' if len(m) != 1 else ''})" for slug, m in values.items()
        }
        for a in links:
            assert (output / a.get("href").lstrip("/") / "index.html").is_file()


def test_facet_counts_are_on_the_first_page_only(large_site):
    _project, output = large_site
    first = html.fromstring((output / HUB / "index.html").read_bytes())
    second = html.fromstring((output / HUB / "page" / "2" / "index.html").read_bytes())
    facet_links = "//nav[@data-hub-facets]//ul//a"
    assert first.xpath(facet_links + "/@href") == second.xpath(facet_links + "/@href")
    assert len(first.xpath(facet_links + "/span[@class='count']")) == len(first.xpath(facet_links))
    assert second.xpath("//nav[@data-hub-facets]//span[@class='count']") == []


def test_a_new_article_leaves_the_later_pages_of_other_facets_as_they_were(tmp_path):
    """Counts only on first pages: a new 2025 article changes no later page of the 2024 listing, which an
    incremental build then keeps (the same file, linked, not rendered again)."""
    project = copy_project(tmp_path / "project")
    write_many_articles(project / "content" / "articles", 60)
    output = project / "output"
    assert run_pelican(project, "pelicanconf.py", output).returncode == 0
    later = output / HUB / "2024" / "page" / "2" / "index.html"
    first = output / HUB / "2024" / "index.html"
    before = later.stat().st_ino, first.read_bytes()
    (project / "content" / "articles" / "a-new-one.md").write_text(
        '---\ntitle: "A new one"\ndate: 2025-12-30T09:00\ncategory: News\ntopics: [Adoption]\n---\nNew.\n',
        encoding="utf-8",
    )
    assert run_pelican(project, "pelicanconf.py", output).returncode == 0
    assert later.stat().st_ino == before[0]
    assert first.read_bytes() != before[1], "the first page's counts include the new article"


def test_a_facet_page_marks_itself_and_links_its_feeds(published_site):
    page = html.fromstring((published_site / HUB / "category" / "news" / "index.html").read_bytes())
    assert page.xpath("//a[@aria-current='page']/@href")[-1] == f"/{HUB}/category/news/"
    assert f"{PUBLISH_SITEURL}/feeds/category/news.rss.xml" in page.xpath("//link[@rel='alternate']/@href")
    assert page.xpath("//p[@class='facet-feed']/a/@href") == ["/feeds/category/news.rss.xml"]
    assert page.findtext(".//title").startswith("News | Knowledge & Resources")


def test_facets_without_articles_have_no_page(published_site):
    used = {t for a in read_articles(ROOT / "content") if a.is_public for t in a.meta.get("topics", [])}
    pages = {p.name for p in (published_site / HUB / "topic").iterdir()}
    assert pages == {t.lower().replace(" ", "-") for t in used}


def test_search_index_covers_only_article_pages(large_site):
    project, output = large_site
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    assert indexed == len(public_articles(project))


def test_pagefind_gets_no_filters(published_site):
    """Pagefind's filter index (and its metadata index with it) differs from run to run (its issue #638),
    so the pages give it none: category, topic and year are narrowed in the browser from articles.json."""
    pages = list(published_site.rglob("*.html"))
    assert pages
    assert not [p for p in pages if b"data-pagefind-filter" in p.read_bytes()]
    assert not (published_site / "pagefind" / "filter").exists()


def test_result_urls_name_every_indexed_article(large_site):
    """search.js turns a Pagefind result id into the article's category, topics and year with
    result-urls.json (id -> page) and the hub's articles.json (page -> facets)."""
    project, output = large_site
    bundle = output / "pagefind"
    urls = json.loads((bundle / "result-urls.json").read_text(encoding="utf-8"))
    assert set(urls) == {fragment.stem for fragment in (bundle / "fragment").glob("*.pf_fragment")}
    assert sorted(urls.values()) == sorted(f"/articles/{a.slug}/" for a in public_articles(project))
    fragment = next(iter(urls))
    data = gzip.decompress((bundle / "fragment" / f"{fragment}.pf_fragment").read_bytes())
    assert json.loads(data.removeprefix(b"pagefind_dcd"))["url"] == urls[fragment]
    listed_urls = {a["url"] for a in json.loads((output / HUB / "articles.json").read_text(encoding="utf-8"))}
    assert set(urls.values()) == listed_urls


def test_indexing_the_same_pages_twice_gives_the_same_bytes(large_site, tmp_path):
    """The whole bundle, fragments, word index, metadata and result-urls.json, on 76 articles."""
    _, output = large_site
    digests = []
    for run in ("one", "two"):
        site = tmp_path / run
        shutil.copytree(output, site, ignore=shutil.ignore_patterns("pagefind"))
        ok, message = build_index(site, "pagefind")
        assert ok, message
        digests.append(tree_digest(site / "pagefind"))
    assert digests[0] == digests[1]
    published = {p: d for p, d in tree_digest(output / "pagefind").items() if not p.endswith((".gz", ".br"))}
    assert digests[0] == published


def test_sitemap_lists_the_facet_pages(published_site):
    sitemap = (published_site / "sitemap.xml").read_text()
    assert f"{PUBLISH_SITEURL}/{HUB}/category/news/" in sitemap
    assert f"{PUBLISH_SITEURL}/{HUB}/2025/" in sitemap


def test_development_builds_leave_indexing_to_its_own_step(project):
    """No Pagefind run on every save: `invoke search-index` (or serve's background step) builds it, and a
    rebuild keeps the index it finds."""
    output = project / "output"
    result = run_pelican(project, "pelicanconf.py", output)
    assert result.returncode == 0, result.stderr
    assert not (output / "pagefind").exists()
    index = run_invoke(project, "search-index")
    assert index.returncode == 0, index.stderr
    assert (output / "pagefind" / "pagefind.js").is_file()
    assert run_pelican(project, "pelicanconf.py", output).returncode == 0
    assert (output / "pagefind" / "pagefind.js").is_file()


@pytest.mark.parametrize(
    ("save_as", "glob"),
    [
        ({"ARTICLE_SAVE_AS": "articles/{slug}/index.html", "PAGE_SAVE_AS": "{slug}/index.html"},
         "{*/index.html,articles/*/index.html}"),
        ({"ARTICLE_SAVE_AS": "{date:%Y}/{date:%m}/{slug}.html", "ARTICLE_LANG_SAVE_AS": "{slug}-{lang}.html"},
         "{*-*.html,*/*/*.html}"),
        ({"ARTICLE_SAVE_AS": "a,b/{slug}.html"}, None),
        ({"ARTICLE_SAVE_AS": "", "PAGE_SAVE_AS": ""}, None),
    ],
)  # fmt: skip
def test_pagefind_reads_the_files_the_article_and_page_templates_write(save_as, glob):
    assert indexed_glob(save_as) == glob


def test_every_page_marked_for_the_index_is_read_by_pagefind(published_site):
    """The glob Pagefind is given covers every page that carries `data-pagefind-body` (the sample site's
    published articles), and no listing page."""
    from pelican.settings import read_settings

    glob = indexed_glob(read_settings(str(ROOT / "publishconf.py")))
    alternatives = glob.strip("{}").split(",")
    patterns = [
        re.compile("[^/]*".join(map(re.escape, alternative.split("*")))) for alternative in alternatives
    ]
    marked = [
        path.relative_to(published_site).as_posix()
        for path in published_site.rglob("*.html")
        if "data-pagefind-body" in path.read_text(encoding="utf-8")
    ]
    assert len(marked) > 10
    assert [page for page in marked if not any(p.fullmatch(page) for p in patterns)] == []
    assert not any(p.fullmatch("page/2/index.html") for p in patterns)
    assert not any(p.fullmatch(f"{HUB}/category/news/index.html") for p in patterns)


@pytest.fixture
def indexable_site(large_site, tmp_path):
    """A copy of the published site with an old bundle in place: the new index must replace it whole."""
    _, output = large_site
    site = tmp_path / "site"
    shutil.copytree(output, site, ignore=shutil.ignore_patterns("pagefind"))
    (site / "pagefind").mkdir()
    (site / "pagefind" / "from-an-old-index.js").write_text("old")
    return site


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_the_new_bundle_replaces_the_old_one_whole_once_complete(indexable_site):
    """While Pagefind runs (the build's other checks run meanwhile) the site keeps its old bundle; then the
    new one takes its place, with nothing of the old left and no working folder beside the site."""
    finish = start_index(indexable_site, "pagefind", glob="articles/*/index.html")
    assert sorted(p.name for p in (indexable_site / "pagefind").iterdir()) == ["from-an-old-index.js"]
    ok, message = finish()
    assert ok, message
    bundle = indexable_site / "pagefind"
    assert not (bundle / "from-an-old-index.js").exists()
    assert (bundle / "pagefind.js").is_file()
    assert json.loads((bundle / "result-urls.json").read_text(encoding="utf-8"))
    assert leftovers(indexable_site.parent) == []
    assert leftovers(indexable_site) == []


def test_a_failed_index_keeps_the_old_bundle_and_leaves_nothing_behind(indexable_site):
    ok, message = start_index(indexable_site, "pagefind", glob="no-such-folder/*.html")()
    assert not ok
    assert "not able to build an index" in message
    assert sorted(p.name for p in (indexable_site / "pagefind").iterdir()) == ["from-an-old-index.js"]
    assert leftovers(indexable_site.parent) == []


def test_the_checks_after_the_index_run_while_pagefind_works(project):
    """A publish build starts Pagefind and runs the checks after it (the sitemap, the link check) in the
    meantime: a check registered after search sees no bundle yet and Pagefind still running; the
    published site has the whole bundle."""
    plugin = project / "plugins" / "sees_the_index_running"
    plugin.mkdir()
    (plugin / "__init__.py").write_text(
        "import json, os\n"
        "from pathlib import Path\n"
        "import site_core\n"
        "def child_command(pid):\n"
        "    try:\n"
        "        name, _, rest = Path(f'/proc/{pid}/stat').read_text().partition(') ')\n"
        "    except OSError:  # it ended while the list was read\n"
        "        return None\n"
        "    return name.partition('(')[2] if int(rest.split()[1]) == os.getpid() else None\n"
        "def look(pelican):\n"
        "    children = {child_command(pid) for pid in os.listdir('/proc') if pid.isdigit()}\n"
        "    bundle = (Path(pelican.output_path) / 'pagefind').exists()\n"
        "    seen = {'bundle': bundle, 'running': 'pagefind' in children}\n"
        "    (Path(pelican.settings['PATH']).parent / 'seen.json').write_text(json.dumps(seen))\n"
        "def register():\n"
        "    site_core.connect()\n"
        "    site_core.before_publish.connect(look)\n"
    )
    output = project / "public"
    plugins = json.dumps([*pelicanconf.PLUGINS, "sees_the_index_running"])
    result = run_pelican(project, "publishconf.py", output, "-e", f"PLUGINS={plugins}")
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "seen.json").read_text()) == {"bundle": False, "running": True}
    assert (output / "pagefind" / "pagefind.js").is_file()
    assert (output / "pagefind" / "result-urls.json").is_file()
    assert not list(project.glob(".*-search-*"))
