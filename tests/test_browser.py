"""The published site in real headless Chromium: accessibility (axe-core), layout, privacy, no-JavaScript."""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import ROOT
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
    "subscribe": "/subscribe/",
    "contact": "/contact/",
    "not found": "/404.html",
}
WIDTHS = (1280, 375)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE = Axe()


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


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(page_at, name, width):
    page = page_at(PAGES[name], width)
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
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
    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Knowledge & Resources")
        .is_visible()
    )
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
    status = page.locator(".hub-filter [role=status]").text_content()
    assert status == f"{len(expected)} {'article matches' if len(expected) == 1 else 'articles match'}."
    assert page.locator(".pagination").count() == 0
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_url("**/knowledge-resources/")
    assert page.locator("[data-hub-results] .card-title").count() == min(len(PUBLIC), 20)


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
