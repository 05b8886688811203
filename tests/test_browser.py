"""The published site in real headless Chromium: accessibility (axe-core and pa11y), layout, privacy,
no-JavaScript."""

import functools
import json
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import CHROMIUM, CHROMIUM_ARGS, PUBLISH_SITEURL, ROOT, node_checker, run_pelican, serving
from sample_content import read_articles

PUBLIC = [a for a in read_articles(ROOT / "content") if a.is_public]
WITH_NOTE = next(a for a in PUBLIC if "content_note" in a.meta)
WITHOUT_NOTE = next(a for a in PUBLIC if "content_note" not in a.meta and "key_points" not in a.meta)
NAMED_AUTHOR = next(a for a in PUBLIC if a.meta.get("authors"))
PAGES = {
    "home": "/",
    "article with content note": f"/articles/{WITH_NOTE.slug}/",
    "article without content note": f"/articles/{WITHOUT_NOTE.slug}/",
    "category": f"/category/{PUBLIC[0].meta['category'].lower()}/",
    "topic": "/topic/fostering/",
    "author": "/author/" + NAMED_AUTHOR.meta["authors"][0].lower().replace(" ", "-") + "/",
    "hub": "/knowledge-resources/",
    "hub facet": "/knowledge-resources/topic/fostering/",
    "hub filtered in place": "/knowledge-resources/?category=features&year=2025",
    "search": "/search/",
    "search with results": "/search/?q=children&sort=date",
    "search with filters": "/search/?q=children&category=Guidance&topic=Safeguarding",
    "subscribe": "/subscribe/",
    # the sample ledger's second digest (conftest's published_site): a content note, a moved article
    "email digest": "/newsletter/2/",
    "contact": "/contact/",
    "not found": "/404.html",
}
WIDTHS = (1280, 375)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE = Axe()
# The current axe-core from npm (package.json), besides the one the Python package bundles: a newer engine
# knows rules the bundled one does not (4.14 reports two unnamed search landmarks; 4.12 did not).
CURRENT_AXE = ROOT / "tests" / "checkers" / "node_modules" / "axe-core" / "axe.min.js"


def axe_engines() -> list:
    engines = [pytest.param(AXE, id="axe-bundled")]
    if CURRENT_AXE.is_file() or os.environ.get("CI"):
        engines.append(pytest.param("current", id="axe-current"))
    return engines


@functools.cache
def current_axe() -> Axe:
    """axe-core from node_modules (installed by `invoke test`); its absence fails in CI."""
    return Axe(CURRENT_AXE.read_text(encoding="utf-8"))


@pytest.fixture
def page_at(browser, site_url):
    """Open a site path in a fresh context of the given width, recording every request it makes."""
    contexts = []

    def open_page(path: str, width: int = 1280, **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        page.requests = []
        page.problems = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        response = page.goto(site_url + path)
        assert response.ok or path == "/404.html", f"{path}: HTTP {response.status}"
        if "?" in path and options.get("java_script_enabled", True):
            # Wait for the script to finish: it announces every outcome in its status line.
            # Locators, not evaluated strings: the site's CSP (rightly) forbids eval.
            page.get_by_role("status").filter(has_text=re.compile(r"\d")).first.wait_for()
        return page

    yield open_page
    for context in contexts:
        context.close()


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("engine", axe_engines())
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(page_at, name, width, engine, scheme):
    page = page_at(PAGES[name], width, color_scheme=scheme)
    axe = current_axe() if engine == "current" else engine
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert violations == [], describe(violations)


def test_axe_catches_what_it_should(page_at):
    """The same axe run on a page broken on purpose reports it, so a pass above means something."""
    page = page_at(PAGES["home"])
    page.evaluate(
        """() => {
            document.querySelector('main').insertAdjacentHTML('beforeend',
                '<img src="/favicon.svg"><a id="faint" href="/">faint</a>');
            // Through the CSSOM: the site's CSP (rightly) blocks inline style attributes.
            document.getElementById('faint').style.color = '#ddd';
        }"""
    )
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in results.response["violations"]}


# A second engine beside axe: pa11y with HTML_CodeSniffer's rules for WCAG 2 AA (tests/checkers/package.json),
# in the machine's Chromium (its Puppeteer never downloads a Chrome of its own: commands/node_tools.py).
PA11Y = ROOT / "tests" / "checkers" / "node_modules" / "pa11y" / "bin" / "pa11y.js"


@pytest.fixture(scope="module")
def pa11y_command() -> list[str]:
    return node_checker(PA11Y, "pa11y")


def pa11y_actions(path: str) -> list[str]:
    """What pa11y waits for on a page its script fills in from the address, as page_at waits for the status
    line: the search results, or the hub's filtered list (its status line is empty until then)."""
    if "?" not in path:
        return []
    if path.startswith("/search/"):
        return ["wait for element [data-search-results] li to be added"]
    return ["wait for element .hub-filter [role=status]:not(:empty) to be added"]


def run_pa11y(command: list[str], url: str, folder: Path, actions: Sequence[str] = ()) -> list[dict]:
    """The issues pa11y's JSON reporter lists for `url` (errors only: pa11y leaves out warnings and notices
    unless asked), its configuration written into `folder`."""
    config = folder / "pa11y.json"
    settings = {
        "runners": ["htmlcs"],
        "standard": "WCAG2AA",
        "timeout": 60_000,
        "actions": list(actions),
        "chromeLaunchConfig": {"executablePath": CHROMIUM, "args": CHROMIUM_ARGS},
    }
    config.write_text(json.dumps(settings), encoding="utf-8")
    result = subprocess.run(
        [*command, "--config", str(config), "--reporter", "json", url],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    # pa11y exits with 2 when it found an error, 1 when it could not check the page at all.
    assert result.returncode in {0, 2}, result.stdout + result.stderr
    return json.loads(result.stdout)


def describe_issues(issues: list[dict]) -> str:
    return "\n".join(f"{i['code']} at {i['selector']}: {i['message']}" for i in issues)


@pytest.mark.parametrize("name", PAGES)
def test_pa11y_finds_no_error(pa11y_command, site_url, tmp_path, name):
    """pa11y (HTML_CodeSniffer, WCAG 2 AA) agrees with axe: no error on any page axe checks."""
    path = PAGES[name]
    issues = run_pa11y(pa11y_command, site_url + path, tmp_path, pa11y_actions(path))
    errors = [issue for issue in issues if issue["type"] == "error"]
    assert errors == [], describe_issues(errors)


BROKEN_ON_PURPOSE = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Broken on purpose</title></head>
<body><main>
<h1>Broken on purpose</h1>
<img src="dot.svg">
<form action="/"><label for="q">Search</label> <input id="q" name="q"></form>
</main></body>
</html>
"""


def test_pa11y_catches_what_it_should(pa11y_command, tmp_path):
    """The same pa11y run on a page broken on purpose (an image without alt, a form without a submit button)
    reports both, so a pass above means something."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(BROKEN_ON_PURPOSE, encoding="utf-8")
    (site / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n')
    with serving(site) as url:
        issues = run_pa11y(pa11y_command, url + "/", tmp_path)
    codes = {issue["code"] for issue in issues if issue["type"] == "error"}
    assert codes == {
        "WCAG2AA.Principle1.Guideline1_1.1_1_1.H37",
        "WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2",
    }, describe_issues(issues)


@pytest.mark.parametrize("name", PAGES)
def test_no_sideways_scrolling_at_320_pixels(page_at, name):
    page = page_at(PAGES[name], 320)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"


@pytest.mark.parametrize("name", PAGES)
def test_nothing_from_another_site_and_no_cookies(page_at, site_url, name):
    page = page_at(PAGES[name])
    page.wait_for_load_state("networkidle")
    own_host = urlsplit(site_url).netloc
    assert all(urlsplit(url).netloc == own_host for url in page.requests), page.requests
    assert page.context.cookies() == []


@pytest.mark.parametrize("name", ["home", "article with content note", "hub"])
def test_everything_works_without_javascript(page_at, name):
    page = page_at(PAGES[name], 375, java_script_enabled=False)
    assert page.locator("h1").is_visible()
    # On a phone the navigation and the search field open from their buttons, without any script.
    page.locator("header summary", has_text="Menu").click()
    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Knowledge & Resources")
        .is_visible()
    )
    page.locator("header summary", has_text="Search").click()
    assert page.get_by_role("search").first.get_by_role("searchbox").is_visible()


def test_skip_link_comes_first_and_leads_to_the_content(page_at):
    page = page_at(PAGES["article with content note"])
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.textContent, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["Skip to main content", "#main"]
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0
    assert box["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.locator("main#main h1").count() == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_focus_is_visible_and_never_covered(page_at, width):
    page = page_at(PAGES["article with content note"], width)
    fixed = page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => ['fixed', 'sticky']"
        ".includes(getComputedStyle(e).position)).length"
    )
    assert fixed == 0, "a fixed or sticky element could cover the focused one"
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
                return {tag: e.tagName, text: e.textContent.trim().slice(0, 40),
                        background: s.backgroundColor, outline: s.outlineStyle, shadow: s.boxShadow,
                        visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight};
            }"""
        )
        assert state["visible"], state
        highlighted = state["background"] == "rgb(255, 221, 0)" or state["outline"] != "none"
        assert highlighted, f"no visible focus on {state}"


def test_reduced_motion_stops_all_movement(page_at):
    page = page_at(PAGES["home"], reduced_motion="reduce")
    moving = page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => { const s = getComputedStyle(e);"
        " return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0; }).length"
    )
    assert moving == 0


def test_print_shows_only_the_article_with_link_addresses(page_at):
    page = page_at(PAGES["article with content note"])
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "['.site-header', '.notification-banner', '.site-footer', '.breadcrumbs', '.share', '.related']"
        ".map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)"
    )
    assert hidden
    assert set(hidden) == {"none"}
    assert page.locator("article.article h1").is_visible()
    after = page.evaluate("getComputedStyle(document.querySelector('.sources a'), '::after').content")
    assert "http" in after or after.startswith('" ("')


def test_readable_without_css(page_at):
    """With the stylesheet removed the page still reads in order: skip link, header, content, footer."""
    page = page_at(PAGES["article with content note"])
    page.evaluate("document.querySelectorAll('link[rel=stylesheet]').forEach(l => l.remove())")
    order = page.evaluate(
        "['.skip-link', '.site-header', 'main h1', '.article-body', '.site-footer']"
        ".map(s => document.querySelector(s).getBoundingClientRect().top)"
    )
    assert order == sorted(order)


def distinctive_title_word():
    """(article, word): a long word from one article's title that the fewest other articles contain."""
    texts = {a.slug: (a.meta["title"] + " " + a.body).lower() for a in PUBLIC}
    best = None
    for article in PUBLIC:
        for word in re.findall(r"[A-Za-z]{6,}", article.meta["title"]):
            others = sum(word.lower() in text for slug, text in texts.items() if slug != article.slug)
            if best is None or others < best[0]:
                best = (others, article, word)
    return best[1], best[2]


def result_titles(page) -> list[str]:
    return page.locator(".search-result h2").all_text_contents()


def test_search_puts_the_article_first_and_filters_by_category(page_at):
    article, word = distinctive_title_word()
    page = page_at(f"/search/?q={word}")
    assert result_titles(page)[0] == article.meta["title"]
    status = page.get_by_role("status").first.text_content()
    assert status.startswith(f"{len(result_titles(page))} result")
    page.select_option("#filter-category", article.meta["category"])
    page.get_by_role("status").filter(has_text="result").first.wait_for()
    assert result_titles(page)[0] == article.meta["title"]
    assert f"category={article.meta['category']}" in page.url
    other = next(c for c in ("News", "Research", "Guidance") if c != article.meta["category"])
    page.select_option("#filter-category", other)
    page.wait_for_url(f"**category={other}**")
    page.wait_for_timeout(300)
    assert article.meta["title"] not in result_titles(page)


def test_a_search_result_shows_its_words_as_text_and_its_card_picture(page_at):
    """The excerpt marks the word searched for, its text is the article's own (Pagefind escapes only < and
    > of it, so it is never read as HTML), and a story with a lead image shows its card crop, loaded."""
    article, word = distinctive_title_word()
    page = page_at(f"/search/?q={word}")
    settled_status(page)
    first = page.locator(".search-result").first
    marked = first.locator("p mark").all_text_contents()
    assert marked
    assert all(word.lower() in text.lower() for text in marked), marked
    excerpt = " ".join(first.locator("p:not(.meta)").text_content().split())
    assert "&amp;" not in excerpt
    assert "&lt;" not in excerpt
    assert article.meta.get("image"), f"{article.slug} has no lead image: pick a sample article with one"
    picture = first.locator(".card-picture img")
    assert picture.get_attribute("alt") == ""
    picture.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    source = picture.evaluate("img => img.currentSrc")
    assert "-card-" in source, source


def settled_status(page) -> str:
    """The search page's status line once the search has finished (it then starts with a number).

    Choosing a filter sets it to "Searching…" at once, so waiting for a number waits for the new answer."""
    status = page.locator("[data-search-status]")
    status.filter(has_text=re.compile(r"^\d+ results?\b")).wait_for()
    return status.text_content()


def result_slugs(page) -> list[str]:
    return [
        urlsplit(link.get_attribute("href")).path.rstrip("/").split("/")[-1]
        for link in page.locator(".search-result h2 a").all()
    ]


def in_facets(article, category: str = "", topic: str = "", year: str = "") -> bool:
    """What the front matter says about the category, topic and year filters."""
    return (
        (not category or article.meta["category"] == category)
        and (not topic or topic in article.meta.get("topics", []))
        and (not year or str(article.date.year) == year)
    )


def narrowing_filters() -> dict[str, str]:
    """A category, then a topic, then a year, each leaving fewer of the sample articles, but at least one."""
    for article in PUBLIC:
        for topic in article.meta.get("topics", []):
            chosen = {"category": article.meta["category"], "topic": topic, "year": str(article.date.year)}
            steps = [sum(in_facets(a, **dict(list(chosen.items())[:n])) for a in PUBLIC) for n in range(4)]
            if steps[0] > steps[1] > steps[2] > steps[3] >= 1:
                return chosen
    raise AssertionError("the sample content has no category, topic and year that narrow in turn")


def test_search_filters_narrow_results_by_category_topic_and_year(page_at):
    """With words, Pagefind finds the pages and the filters keep exactly those whose front matter matches,
    in Pagefind's order; the address and the announced count follow each choice."""
    word = "children"
    page = page_at(f"/search/?q={word}")
    everything = result_slugs(page)
    assert settled_status(page) == f"{len(everything)} results for “{word}”."
    by_slug = {a.slug: a for a in PUBLIC}
    chosen = {}
    for name, value in narrowing_filters().items():
        chosen[name] = value
        page.select_option(f"#filter-{name}", value)
        status = settled_status(page)
        expected = [slug for slug in everything if in_facets(by_slug[slug], **chosen)]
        assert result_slugs(page) == expected, chosen
        count = len(expected)
        assert status == f"{count} {'result' if count == 1 else 'results'} for “{word}”.", chosen
        assert f"{name}={quote(value).replace('%20', '+')}" in page.url
    assert 1 <= len(result_slugs(page)) < len(everything)
    page.select_option("#filter-category", "")
    settled_status(page)
    assert "category=" not in page.url
    without_category = {**chosen, "category": ""}
    assert result_slugs(page) == [s for s in everything if in_facets(by_slug[s], **without_category)]


def test_search_by_filters_alone_lists_every_matching_article_newest_first(page_at):
    chosen = narrowing_filters()
    del chosen["year"]
    page = page_at("/search/?" + "&".join(f"{k}={quote(v)}" for k, v in chosen.items()))
    matching = [a for a in PUBLIC if in_facets(a, **chosen)]
    expected = sorted(matching, key=lambda a: (-a.date.timestamp(), a.slug))
    assert result_slugs(page) == [a.slug for a in expected]
    assert settled_status(page) == f"{len(expected)} {'result' if len(expected) == 1 else 'results'}."
    first = page.locator(".search-result").first
    assert first.locator("h2").text_content() == expected[0].meta["title"]
    date = expected[0].date
    assert first.locator(".meta").text_content() == f"{date.day} {date:%B} {date.year}"
    assert page.locator("#filter-category").input_value() == chosen["category"]
    assert page.locator("#filter-topic").input_value() == chosen["topic"]


def test_filter_choices_are_the_categories_topics_and_years_with_articles(page_at):
    page = page_at("/search/")
    options = {
        name: page.locator(f"#filter-{name} option").all_text_contents()[1:]
        for name in ("category", "topic", "year")
    }
    assert options == {
        "category": sorted({a.meta["category"] for a in PUBLIC}, key=str.casefold),
        "topic": sorted({t for a in PUBLIC for t in a.meta.get("topics", [])}, key=str.casefold),
        "year": sorted({str(a.date.year) for a in PUBLIC}, reverse=True),
    }


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory):
    """The site published for an address with a path (https://…/children-first/), served there."""
    served = tmp_path_factory.mktemp("sub-path")
    result = run_pelican(
        ROOT,
        "publishconf.py",
        served / "children-first",
        environment={"SITEURL": f"{PUBLISH_SITEURL}/children-first"},
    )
    assert result.returncode == 0, result.stderr
    with serving(served) as url:
        yield f"{url}/children-first"


def test_search_filters_work_when_the_site_lives_under_a_path(browser, sub_path_site):
    chosen = narrowing_filters()
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{sub_path_site}/search/?q=children&year={chosen['year']}")
        settled_status(page)
        links = [link.get_attribute("href") for link in page.locator(".search-result h2 a").all()]
        assert links
        assert all(urlsplit(href).path.startswith("/children-first/articles/") for href in links)
        by_slug = {a.slug: a for a in PUBLIC}
        assert all(in_facets(by_slug[slug], year=chosen["year"]) for slug in result_slugs(page))
        page.goto(f"{sub_path_site}/search/?year={chosen['year']}")
        settled_status(page)
        in_year = [a.slug for a in PUBLIC if in_facets(a, year=chosen["year"])]
        assert sorted(result_slugs(page)) == sorted(in_year)
        assert problems == []
    finally:
        context.close()


def test_header_search_box_leads_to_results(page_at):
    article, word = distinctive_title_word()
    page = page_at("/")
    page.locator("#site-search").fill(word)
    page.locator("#site-search").press("Enter")
    page.wait_for_selector(".search-result")
    assert page.locator("#search-query").input_value() == word
    assert result_titles(page)[0] == article.meta["title"]


def test_search_without_javascript_points_to_the_hub(page_at):
    page = page_at("/search/?q=fostering", java_script_enabled=False)
    fallback = page.locator("[data-search-fallback]")
    assert fallback.is_visible()
    assert "needs JavaScript" in fallback.text_content()
    assert (
        fallback.get_by_role("link", name="Fostering").get_attribute("href")
        == "/knowledge-resources/topic/fostering/"
    )


def test_hub_filter_narrows_the_list_in_place(page_at):
    page = page_at("/knowledge-resources/?topic=fostering")
    expected = [
        a.meta["title"]
        for a in sorted(PUBLIC, key=lambda a: (-a.date.timestamp(), a.slug))
        if "Fostering" in a.meta.get("topics", [])
    ]
    cards = page.locator("[data-hub-results] .card-title").all_text_contents()
    assert cards == expected
    # While filtering, the featured story is one of the results when it matches, never shown twice.
    assert not page.locator("[data-hub-featured]").is_visible()
    status = page.locator(".hub-filter [role=status]").text_content()
    assert status == f"{len(expected)} {'article matches' if len(expected) == 1 else 'articles match'}."
    assert page.locator(".pagination").count() == 0
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_url("**/knowledge-resources/")
    shown = page.locator("main .card-title").all_text_contents()
    assert page.locator("[data-hub-featured]").is_visible()
    assert len(shown) == len(set(shown)) == min(len(PUBLIC), 20)


def test_hub_filter_form_applies_the_choice_from_its_submit_button(page_at):
    """The filter form has a real submit button (a form needs one: pa11y's H32.2), styled as the site's
    other buttons, and pressing it applies what is chosen even when choosing did not (no change event)."""
    page = page_at("/knowledge-resources/")
    form = page.locator("form.hub-filter")
    apply = form.get_by_role("button", name="Apply filters")
    assert apply.get_attribute("type") == "submit"
    look = "(b) => ['fontWeight', 'border', 'backgroundColor', 'minHeight'].map(p => getComputedStyle(b)[p])"
    assert apply.evaluate(look) == form.get_by_role("button", name="Clear filters").evaluate(look)
    page.locator("#hub-filter-topic").evaluate("(select) => { select.value = 'fostering'; }")
    apply.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/knowledge-resources/?topic=fostering")
    status = form.get_by_role("status").filter(has_text=re.compile(r"\d"))
    status.wait_for()
    count = sum("Fostering" in a.meta.get("topics", []) for a in PUBLIC)
    assert status.text_content() == f"{count} {'article matches' if count == 1 else 'articles match'}."
    assert page.locator("[data-hub-results] .card-title").count() == count


@pytest.mark.parametrize("name", PAGES)
def test_security_headers_break_nothing(page_at, site_url, name):
    """Under the site's own Content-Security-Policy and headers: no violation, no console error."""
    page = page_at(PAGES[name])
    response = page.request.get(site_url + PAGES[name])
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    problems = [p for p in page.problems if not (name == "not found" and "404" in p)]
    assert problems == []


def test_search_runs_under_the_content_security_policy(page_at):
    page = page_at("/search/?q=fostering")
    assert page.locator(".search-result").count() > 0
    assert page.problems == []


FIRST_SCREENS = [(375, 667), (1280, 800)]
# The article's first words a reader meets: its standfirst, else the content note, else the text itself.
FIRST_TEXT = """() => {
  const text = document.querySelector('main .standfirst, main .content-note p, main .article-body p');
  const range = document.createRange();
  range.selectNodeContents(text);
  const heading = document.querySelector('main h1').getBoundingClientRect();
  return {heading: heading.bottom, line: range.getClientRects()[0].bottom};
}"""


@pytest.mark.parametrize(("width", "height"), FIRST_SCREENS)
def test_each_article_shows_its_headline_and_first_line_in_the_first_screen(browser, site_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    for article in PUBLIC:
        page.goto(f"{site_url}/articles/{article.slug}/")
        found = page.evaluate(FIRST_TEXT)
        assert found["heading"] <= height, (article.slug, found)
        assert found["line"] <= height, (article.slug, found)
    context.close()


@pytest.mark.parametrize(("width", "height"), FIRST_SCREENS)
def test_the_home_page_shows_its_first_story_in_the_first_screen(browser, site_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site_url + "/")
    story = page.locator("main .card-title a").first.bounding_box()
    assert story["y"] + story["height"] <= height, story
    context.close()


def test_on_a_phone_the_menu_and_search_open_without_javascript(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 667}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/")
    hub = page.locator("header nav").get_by_role("link", name="Knowledge & Resources")
    field = page.locator("header").get_by_role("searchbox")
    assert not hub.is_visible()
    assert not field.is_visible()
    page.locator("header summary", has_text="Menu").click()
    assert hub.is_visible()
    page.locator("header summary", has_text="Search").click()
    assert field.is_visible()
    field.fill("fostering")
    field.press("Enter")
    page.wait_for_url("**/search/?q=fostering")
    context.close()


def test_on_a_laptop_the_navigation_and_search_are_always_shown(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site_url + "/")
    assert page.locator("header nav").get_by_role("link", name="Knowledge & Resources").is_visible()
    assert page.locator("header").get_by_role("searchbox").is_visible()
    assert not page.locator("header summary").first.is_visible()
    context.close()


# Where each element lies on the page: its box, and for a picture whether it is lazy and what it loaded.
BOXES = """selector => [...document.querySelectorAll(selector)].map(element => {
  const box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  return {top: box.top, bottom: box.bottom, left: box.left, width: box.width, height: box.height,
          shown: style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0};
})"""


def shown_boxes(page, selector: str) -> list[dict]:
    return [box for box in page.evaluate(BOXES, selector) if box["shown"]]


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_header_is_one_compact_band_with_the_navigation_on_one_line(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site_url + "/")
    (header,) = shown_boxes(page, "header.site-header")
    assert header["height"] <= 110, header
    links = shown_boxes(page, "header .site-nav a")
    assert len(links) >= 4
    assert len({round(link["top"]) for link in links}) == 1, "the navigation wraps onto a second line"
    (search,) = shown_boxes(page, "header .header-search input[type=search]")
    assert search["bottom"] <= header["bottom"]
    actions = shown_boxes(page, "header .header-action")
    assert len(actions) == 2
    assert {round(action["top"]) for action in actions} == {round(actions[0]["top"])}
    assert {round(action["height"]) for action in actions} == {round(actions[0]["height"])}
    context.close()


def test_on_a_phone_the_header_stays_compact(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    page.goto(site_url + "/")
    (header,) = shown_boxes(page, "header.site-header")
    assert header["height"] <= 110, header
    context.close()


@pytest.mark.parametrize(("width", "height", "thumbnails"), [(1280, 800, 3), (375, 667, 0)])
def test_the_home_page_opens_on_the_lead_story_with_its_picture_and_thumbnails(
    browser, site_url, width, height, thumbnails
):
    """The lead story's headline and picture are on the first screen; on a laptop, more stories with their
    thumbnails beside it. Pictures are decoded (not empty boxes) and the lead's is not lazy."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site_url + "/")
    (headline,) = shown_boxes(page, ".front-page .lead .card-title")
    assert headline["bottom"] <= height, headline
    lead = page.locator(".front-page .lead .card-picture img")
    assert lead.get_attribute("loading") is None
    assert lead.get_attribute("fetchpriority") == "high"
    (picture,) = shown_boxes(page, ".front-page .lead .card-picture img")
    assert picture["bottom"] <= height, picture
    pictures = shown_boxes(page, "main .card-picture img")
    others = [box for box in pictures if box["bottom"] <= height and box != picture]
    assert len(others) >= thumbnails, others
    page.wait_for_load_state("load")
    decoded = page.evaluate(
        """height => [...document.querySelectorAll('main .card-picture img')]
             .filter(img => img.getBoundingClientRect().bottom <= height)
             .map(img => img.complete && img.naturalWidth > 0)""",
        height,
    )
    assert decoded
    assert all(decoded), decoded
    context.close()


def test_each_article_opens_on_its_headline_standfirst_and_the_top_of_its_lead_image(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    pictured = [article for article in PUBLIC if article.meta.get("image")]
    assert pictured
    for article in pictured:
        page.goto(f"{site_url}/articles/{article.slug}/")
        (headline,) = shown_boxes(page, "main h1")
        assert headline["bottom"] <= 800, (article.slug, headline)
        for standfirst in shown_boxes(page, "main .standfirst"):
            assert standfirst["bottom"] <= 800, (article.slug, standfirst)
        lead = shown_boxes(page, "main .lead-image img")
        assert lead, article.slug
        assert lead[0]["top"] <= 800 - 80, (article.slug, lead[0])
    context.close()


@pytest.mark.parametrize("path", ["/category/guidance/", "/topic/fostering/", "/knowledge-resources/"])
def test_listing_cards_show_thumbnails_of_the_right_size_lazily(browser, site_url, path):
    """A listing's card pictures come from the image pipeline: AVIF where the browser takes it, with width
    and height (no layout shift), lazy, and about as wide as the card shows them (never blurred, never a
    full-width photo in a thumbnail's place)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site_url + path)
    pictures = page.locator("main .card-picture img")
    assert pictures.count() > 0
    for index in range(pictures.count()):
        picture = pictures.nth(index)
        assert picture.get_attribute("loading") == "lazy"
        assert int(picture.get_attribute("width")) > 0
        assert int(picture.get_attribute("height")) > 0
        picture.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
        shown = picture.evaluate(
            "img => ({source: img.currentSrc, natural: img.naturalWidth, width: img.clientWidth})"
        )
        if not shown["source"].endswith(".svg"):
            assert shown["source"].endswith(".avif"), shown
        assert shown["natural"] >= shown["width"], shown
        assert shown["natural"] <= max(2 * shown["width"], 240), shown
    titles = page.locator("main .card-title").all_text_contents()
    assert len(titles) == len(set(titles)), "a story is shown twice"
    context.close()
