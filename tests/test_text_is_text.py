"""Text is text everywhere: what an author writes as plain text reaches every reader as those characters.

Markup-looking text goes into every plain-text field an author (or the site's vocabulary) writes, the site
is built with the publish settings (minified, with the search index), and every output is read the way its
readers read it: HTML pages with an HTML parser, RSS, Atom and JSON Feed by what each field is to a feed
reader (plain text, or HTML to be parsed), JSON-LD and the JSON indexes with `json.loads`. Nothing the
author wrote may become an element or an attribute, and nothing may be escaped twice (a reader would see
`&lt;` where the author typed `<`).
"""

import functools
import gzip
import html as html_module
import json
import locale
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree, html
from PIL import Image

import pelicanconf
from conftest import BUILD_EPOCH, PUBLISH_SITEURL, ROOT, restore_signals, snapshot_signals, write_content

# What each field carries: an element with an event handler, a link to another site, an entity and an
# escaped tag written as text, the end of a CDATA section, the end of a script element and a script,
# Jinja syntax, and both quotes.
MARKUP = (
    '<img src="x" onerror="alert(1)"> <a href="https://evil.example/">link</a> &amp; &lt;b&gt; ]]> '
    "</script><script>alert(1)</script> {{ 7*7 }} {% if 1 %} \"double\" 'single'"
)
TITLE = f"Title {MARKUP}"
TEASER_TITLE = f"Teaser title {MARKUP}"
PAGE_TITLE = f"Page title {MARKUP}"
IMAGE_ALT = f"Image alt {MARKUP}"
KEY_POINT = f"Key point {MARKUP}"
CONTENT_NOTE = f"Content note {MARKUP}"
SOURCE_TITLE = f"Source title {MARKUP}"
AUTHOR = f"Author {MARKUP}"
CATEGORY = f"Category {MARKUP}"
TOPIC = f"Topic {MARKUP}"
# A summary may not hold markup (the build refuses a tag, an entity, Markdown); what it may hold still
# looks like markup to a browser: a tag written without a space, bare entities, comment and CDATA ends.
SUMMARY = (
    'Summary <img/src="x"/onerror="alert(1)"> <svg/onload=alert(1)> a < b && c > d &amp &lt ]]> --> <!-- '
    "</script {{ 7*7 }} \"double\" 'single'"
)
# An address with quotes and a tag in it: the link must lead exactly there and carry nothing else.
SOURCE_URL = 'https://example.org/report?a=1&b="><svg/onload=alert(1)>'

# Without a summary the teaser is the text's opening words: here a paragraph quoting markup in code, with
# entities written in the Markdown (which the text shows decoded).
TEASER_BODY = (
    'Teaser paste `<img src="x" onerror="alert(1)">` or `<a href="https://evil.example/">` here; type '
    "`&amp;` for & and never `]]>`, `</script>` or `{{ 7*7 }}`. Fish &amp; chips &lt;b&gt; {% if 1 %}"
)
TEASER = (
    'Teaser paste <img src="x" onerror="alert(1)"> or <a href="https://evil.example/"> here; type '
    "&amp; for & and never ]]>, </script> or {{ 7*7 }}. Fish & chips <b> {% if 1 %}"
)
CODE_QUOTES = [
    '<img src="x" onerror="alert(1)">',
    '<a href="https://evil.example/">',
    "&amp;",
    "]]>",
    "</script>",
    "{{ 7*7 }}",
]
PAGE_BODY = TEASER_BODY.replace("Teaser", "Page teaser", 1)
PAGE_TEASER = TEASER.replace("Teaser", "Page teaser", 1)
# An image's description in the text is Markdown: written there, `&lt;b&gt;` is the entity, `<b>`.
BODY_ALT_SOURCE = "Body alt 5 < 6 & 7 > 4 </script {{ x }} &lt;b&gt;"
BODY_ALT = "Body alt 5 < 6 & 7 > 4 </script {{ x }} <b>"

CATEGORY_SLUG = "hostile-category"
TOPIC_SLUG = "hostile-topic"
FRONT_MATTER = {
    **pelicanconf.FRONT_MATTER,
    "categories": {**pelicanconf.FRONT_MATTER["categories"], CATEGORY: CATEGORY_SLUG},
    "topics": {**pelicanconf.FRONT_MATTER["topics"], TOPIC: TOPIC_SLUG},
}


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


HOSTILE_FILES = {
    "articles/2026-11-25-hostile-fields.md": (
        f"---\ntitle: {quoted(TITLE)}\ndate: 2026-11-25T09:00\ncategory: {CATEGORY_SLUG}\n"
        f"topics: [{TOPIC_SLUG}, Safeguarding]\nauthors: [{quoted(AUTHOR)}, Eleanor Marsh]\n"
        f"summary: {quoted(SUMMARY)}\nimage: images/pic.png\nimage_alt: {quoted(IMAGE_ALT)}\n"
        f"content_note: {quoted(CONTENT_NOTE)}\nkey_points:\n  - {quoted(KEY_POINT)}\n"
        f"sources:\n  - title: {quoted(SOURCE_TITLE)}\n    url: {quoted(SOURCE_URL)}\n"
        "aliases: [/news/hostile-fields/]\n---\n\n"
        f"The text of the article.\n\n![{BODY_ALT_SOURCE}](images/pic.png)\n"
    ),
    "articles/2026-11-26-hostile-teaser.md": (
        f"---\ntitle: {quoted(TEASER_TITLE)}\ndate: 2026-11-26T09:00\ncategory: {CATEGORY_SLUG}\n"
        f"topics: [{TOPIC_SLUG}]\nauthor: {quoted(AUTHOR)}\n---\n\n{TEASER_BODY}\n"
    ),
    "pages/hostile-page.md": f"---\ntitle: {quoted(PAGE_TITLE)}\n---\n\n{PAGE_BODY}\n",
}
# Every plugin of the site but the link check: this small site has no contact or privacy page for the theme's
# links to reach, and links are not what is tested here.
PLUGINS = [name for name in pelicanconf.PLUGINS if name != "link_check"]
FIELDS_SLUG = "hostile-fields"
TEASER_SLUG = "hostile-teaser"


def build_site(folder: Path) -> Path:
    """The hostile site built in this process with the publish settings (minified, fingerprinted, with
    the Pagefind index) at BUILD_MOMENT; Pelican's signals and the locale are restored afterwards."""
    from pelican import Pelican
    from pelican.settings import read_settings

    content = write_content(folder / "content", HOSTILE_FILES)
    (content / "images").mkdir()
    Image.new("RGB", (320, 200), (30, 80, 150)).save(content / "images" / "pic.png")
    output = folder / "site"
    before, saved_locale = snapshot_signals(), locale.setlocale(locale.LC_ALL)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        settings = read_settings(
            str(ROOT / "publishconf.py"),
            override={
                "PATH": str(content),
                "OUTPUT_PATH": str(output),
                "SITEURL": PUBLISH_SITEURL,
                "FRONT_MATTER": FRONT_MATTER,
                "PLUGINS": PLUGINS,
            },
        )
        try:
            Pelican(settings).run()
        finally:
            restore_signals(before)
            locale.setlocale(locale.LC_ALL, saved_locale)
    return output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("text-is-text"))


# What readers see of each plain-text field in the site's HTML, page by page. An article card (listings)
# shows its title, content note, teaser, category and topics.
CARDS = (TITLE, CONTENT_NOTE, SUMMARY, TEASER_TITLE, TEASER, CATEGORY, TOPIC)
PAGES = {
    "article": ("articles/hostile-fields/index.html", (TITLE, SUMMARY, KEY_POINT, CONTENT_NOTE, SOURCE_TITLE,
                                                      AUTHOR, CATEGORY, TOPIC)),
    "article with a derived teaser": ("articles/hostile-teaser/index.html",
                                      (TEASER_TITLE, TEASER, AUTHOR, CATEGORY, TOPIC)),
    "page": ("hostile-page/index.html", (PAGE_TITLE, PAGE_TEASER)),
    # The home page's lead story (the newest) shows its teaser, the briefs below it their titles.
    "home": ("index.html", (TEASER_TITLE, TEASER, TITLE, CATEGORY)),
    "category": (f"category/{CATEGORY_SLUG}/index.html", CARDS),
    "topic": (f"topic/{TOPIC_SLUG}/index.html", CARDS),
    "author": ("author/{author}/index.html", (AUTHOR, *CARDS)),
    "categories": ("category/index.html", (CATEGORY,)),
    "topics": ("topic/index.html", (TOPIC,)),
    "authors": ("author/index.html", (AUTHOR,)),
    "hub": ("knowledge-resources/index.html", CARDS),
    "hub category": (f"knowledge-resources/category/{CATEGORY_SLUG}/index.html", CARDS),
    "hub topic": (f"knowledge-resources/topic/{TOPIC_SLUG}/index.html", CARDS),
    "hub year": ("knowledge-resources/2026/index.html", CARDS),
    "search": ("search/index.html", (CATEGORY, TOPIC)),
    "subscribe": ("subscribe/index.html", (CATEGORY, TOPIC)),
    "old address": ("news/hostile-fields/index.html", (TITLE,)),
    "not found": ("404.html", (CATEGORY,)),
}  # fmt: skip
FIELD_NAMES = {
    TITLE: "title",
    TEASER_TITLE: "title (no summary)",
    PAGE_TITLE: "page title",
    SUMMARY: "summary",
    TEASER: "derived teaser",
    PAGE_TEASER: "page's derived teaser",
    KEY_POINT: "key point",
    CONTENT_NOTE: "content note",
    SOURCE_TITLE: "source title",
    AUTHOR: "author",
    CATEGORY: "category",
    TOPIC: "topic",
    IMAGE_ALT: "image_alt",
    BODY_ALT: "image description in the text",
}
# Every author-written text, and the forms in which a page may show it (the topic page's description
# lowers it).
TEXTS = [*FIELD_NAMES, TOPIC.lower()]
# What an escaped-twice text shows: the author typed none of these.
ESCAPED_TWICE = (
    "&lt;img",
    "&lt;/script",
    "&lt;a ",
    "&amp;amp;",
    "&amp;lt;",
    "&quot;",
    "&#34;",
    "&#39;",
    "&#x27;",
)


@functools.cache
def read_page(site: Path, name: str):
    path = PAGES[name][0]
    if "{author}" in path:
        [folder] = [p.parent.name for p in site.glob("author/author-*/index.html")]
        path = path.format(author=folder)
    return html.fromstring((site / path).read_bytes())


def collapsed(text: str) -> str:
    return " ".join(text.split())


def visible_text(element) -> str:
    """What a reader (or a screen reader) gets of an element: its text, without scripts."""
    copy = html.fromstring(html.tostring(element))
    for script in copy.xpath(".//script | .//style"):
        script.drop_tree()
    return collapsed(copy.text_content())


def live_markup(root) -> list[str]:
    """Elements and attributes that only markup in a plain-text field could have made."""
    found = [
        f"<{element.tag} {name}=…>"
        for element in root.iter(etree.Element)
        for name in element.attrib
        if name.lower().startswith("on")
    ]
    found += [
        f"<a href={href}>" for href in root.xpath("//a/@href") if urlsplit(href).hostname == "evil.example"
    ]
    found += ["<img src=x>" for _ in root.xpath("//img[@src='x']")]
    found += [f"<{e.tag}>" for e in root.xpath("//b | //svg | //*[local-name()='svg']")]
    found += [
        f"<script>{script.text}</script>"
        for script in root.xpath("//script[not(@src) and not(@type='application/ld+json')]")
    ]
    return found


def escaped_twice(text: str) -> list[str]:
    """Signs of a text escaped twice, and any author's text shown in its escaped form."""
    signs = [sign for sign in ESCAPED_TWICE if sign in text]
    return signs + [
        FIELD_NAMES.get(t, t) for t in TEXTS if html_module.escape(t, quote=False) in text and "<" in t
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_has_markup_from_text(site, name):
    page = read_page(site, name)
    assert live_markup(page) == []
    words = visible_text(page.body)
    attributes = " ".join(str(value) for value in page.xpath("//@*"))
    assert escaped_twice(words) == []
    assert escaped_twice(attributes) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [(name, text) for name, (_, texts) in PAGES.items() for text in texts],
    ids=[f"{name}-{FIELD_NAMES[text]}" for name, (_, texts) in PAGES.items() for text in texts],
)
def test_each_field_shows_as_written(site, name, text):
    assert text in visible_text(read_page(site, name).body)


SITE = "Children First"
HEAD = {
    "article": {
        "title": f"{TITLE} | {SITE}",
        "description": SUMMARY,
        "og:title": TITLE,
        "og:description": SUMMARY,
        "twitter:title": TITLE,
        "twitter:description": SUMMARY,
        "og:image:alt": IMAGE_ALT,
        "twitter:image:alt": IMAGE_ALT,
        "article:section": CATEGORY,
        "article:tag": TOPIC,
    },
    "article with a derived teaser": {
        "title": f"{TEASER_TITLE} | {SITE}",
        "description": TEASER,
        "og:title": TEASER_TITLE,
        "og:description": TEASER,
        "twitter:title": TEASER_TITLE,
        "twitter:description": TEASER,
        "article:section": CATEGORY,
        "article:tag": TOPIC,
    },
    "page": {
        "title": f"{PAGE_TITLE} | {SITE}",
        "description": PAGE_TEASER,
        "og:title": PAGE_TITLE,
        "og:description": PAGE_TEASER,
        "twitter:title": PAGE_TITLE,
    },
    "category": {
        "title": f"{CATEGORY} | {SITE}",
        "description": f"{CATEGORY} from {SITE}.",
        "og:title": f"{CATEGORY} | {SITE}",
        "feed": f"{SITE}: {CATEGORY} (RSS)",
    },
    "topic": {
        "title": f"{TOPIC} | {SITE}",
        "description": f"Articles about {TOPIC.lower()} from {SITE}.",
        "feed": f"{SITE}: {TOPIC} (RSS)",
    },
    "author": {"title": f"{AUTHOR} | {SITE}", "description": f"Articles by {AUTHOR} on {SITE}."},
    "hub category": {
        "title": f"{CATEGORY} | Knowledge & Resources | {SITE}",
        "description": f"2 articles on {CATEGORY} in Knowledge & Resources from {SITE}.",
        "feed": f"{SITE}: {CATEGORY} (RSS)",
    },
    "hub topic": {
        "title": f"{TOPIC} | Knowledge & Resources | {SITE}",
        "description": f"2 articles on {TOPIC} in Knowledge & Resources from {SITE}.",
    },
    "old address": {
        "title": f"Moved: {TITLE} | {SITE}",
        "description": f"This address has moved to “{TITLE}”.",
    },
}


def head_values(page, key: str) -> list[str]:
    """What a browser, search engine or link preview reads from the head: the title's text, or every
    `content` of the meta elements named `key` (by name or property), or a feed link's title."""
    if key == "title":
        return [page.find(".//head/title").text]
    if key == "feed":
        return page.xpath("//head/link[@rel='alternate'][@type='application/rss+xml']/@title")
    return page.xpath(f"//head/meta[@name='{key}' or @property='{key}']/@content")


@pytest.mark.parametrize(
    ("name", "key"),
    [(name, key) for name, values in HEAD.items() for key in values],
    ids=[f"{name}-{key}" for name, values in HEAD.items() for key in values],
)
def test_head_carries_the_text_exactly(site, name, key):
    assert HEAD[name][key] in head_values(read_page(site, name), key)


def test_article_attributes_carry_the_text_exactly(site):
    """The lead image's and the text's image's alt text, the source's address, and the title in the share
    links' addresses."""
    page = read_page(site, "article")
    assert {IMAGE_ALT, BODY_ALT} <= set(page.xpath("//img/@alt"))
    links = page.xpath("//a/@href")
    assert SOURCE_URL in links
    shared = [
        value for href in links for values in parse_qs(urlsplit(href).query).values() for value in values
    ]
    assert TITLE in shared


def test_search_filters_offer_the_names_exactly(site):
    page = read_page(site, "search")
    assert CATEGORY in page.xpath("//select[@name='category']/option/@value")
    assert TOPIC in page.xpath("//select[@name='topic']/option/@value")


JSON_LD = {
    "article": {"headline": TITLE, "description": SUMMARY},
    "article with a derived teaser": {"headline": TEASER_TITLE, "description": TEASER},
}


@pytest.mark.parametrize("name", list(JSON_LD))
def test_json_ld_holds_the_text_and_stays_in_its_script(site, name):
    page = read_page(site, name)
    # `</script>` in a title would end the element early: its JSON would not parse, and what followed
    # would be a script of its own (which test_no_page_has_markup_from_text looks for).
    [script] = page.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    for key, value in JSON_LD[name].items():
        assert data[key] == value, key
    assert data["articleSection"] == CATEGORY
    assert TOPIC in data["keywords"]
    assert AUTHOR in [person["name"] for person in data["author"]]


# The two hostile articles as every feed and index carries them: a feed's summary is the teaser, after the
# content note when there is one.
ARTICLES = {
    FIELDS_SLUG: {"title": TITLE, "teaser": SUMMARY, "summary": f"Content note: {CONTENT_NOTE} {SUMMARY}"},
    TEASER_SLUG: {"title": TEASER_TITLE, "teaser": TEASER, "summary": TEASER},
}
GROUP_FEEDS = {f"category/{CATEGORY_SLUG}": CATEGORY, f"topic/{TOPIC_SLUG}": TOPIC}
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
ATOM = "{http://www.w3.org/2005/Atom}"


def as_html(text: str | None):
    """A feed's HTML field parsed as a feed reader parses it."""
    return html.fragment_fromstring(text or "", create_parent="div")


def assert_html_body(fragment, slug: str) -> None:
    """An article's HTML as a feed carries it: nothing live, and what it quotes shown as written; the
    content note, as written, is its first paragraph."""
    assert live_markup(fragment) == []
    assert escaped_twice(visible_text(fragment)) == []
    if slug == TEASER_SLUG:
        assert [code.text for code in fragment.iter("code")] == CODE_QUOTES
        assert collapsed(fragment.find("p").text_content()) == TEASER
    else:
        assert fragment.xpath("//img/@alt") == [BODY_ALT]
        note = fragment.find("p")
        assert collapsed(note.text_content()) == f"Content note: {CONTENT_NOTE}"
        assert [label.text for label in note] == ["Content note:"]


def slug_of(url: str) -> str:
    return urlsplit(url).path.strip("/").rpartition("/")[2]


def rss_files():
    return ["rss", *(f"{group}.rss" for group in GROUP_FEEDS)]


def atom_files():
    return ["atom", *(f"{group}.atom" for group in GROUP_FEEDS)]


def feed_entries(site: Path, name: str) -> dict:
    """The hostile articles' items (RSS) or entries (Atom) of one feed, by slug."""
    root = etree.parse(str(site / "feeds" / f"{name}.xml")).getroot()
    if root.tag == "rss":
        found = {slug_of(item.findtext("link")): item for item in root.iter("item")}
    else:
        found = {slug_of(entry.findtext(f"{ATOM}id")): entry for entry in root.iter(f"{ATOM}entry")}
    assert set(ARTICLES) <= set(found), name
    return {slug: found[slug] for slug in ARTICLES}


@pytest.mark.parametrize("name", [*rss_files(), *atom_files()])
def test_no_html_field_of_a_feed_has_markup_from_text(site, name):
    """Every field a feed reader renders as HTML, in every item: RSS's description and content:encoded,
    Atom's text constructs of type html."""
    root = etree.parse(str(site / "feeds" / f"{name}.xml")).getroot()
    fields = [*root.iter("description", CONTENT_NS), *root.xpath("//*[@type='html']")]
    assert len(fields) >= 2
    for field in fields:
        fragment = as_html(field.text)
        assert live_markup(fragment) == [], field.tag
        assert escaped_twice(visible_text(fragment)) == [], field.tag


@pytest.mark.parametrize("name", rss_files())
@pytest.mark.parametrize("slug", list(ARTICLES))
def test_rss_item(site, name, slug):
    """RSS readers take <description> and content:encoded as HTML, every other element as text."""
    item = feed_entries(site, name)[slug]
    assert item.findtext("title") == ARTICLES[slug]["title"]
    description = as_html(item.findtext("description"))
    assert (len(description), description.text) == (0, ARTICLES[slug]["summary"])
    assert_html_body(as_html(item.findtext(CONTENT_NS)), slug)
    assert {CATEGORY, TOPIC} <= {category.text for category in item.iter("category")}
    assert AUTHOR in [creator.text for creator in item.iter(DC_CREATOR)]


@pytest.mark.parametrize("group", list(GROUP_FEEDS))
def test_rss_channel_of_a_category_or_topic(site, group):
    """The channel's <description> is HTML to RSS readers (feedparser too), as an item's is."""
    channel = etree.parse(str(site / "feeds" / f"{group}.rss.xml")).getroot().find("channel")
    name = GROUP_FEEDS[group]
    assert channel.findtext("title") == f"{SITE}: {name}"
    description = as_html(channel.findtext("description"))
    assert (len(description), description.text) == (0, f"{name} from {SITE}.")
    assert channel.findtext("image/title") == f"{SITE}: {name}"


def atom_text(element) -> str:
    """An Atom text construct as RFC 4287 says to read it: by its `type`."""
    kind = element.get("type", "text")
    if kind == "text":
        return element.text or ""
    assert kind == "html", kind
    fragment = as_html(element.text)
    assert live_markup(fragment) == []
    return fragment.text_content()


@pytest.mark.parametrize("name", atom_files())
@pytest.mark.parametrize("slug", list(ARTICLES))
def test_atom_entry(site, name, slug):
    entry = feed_entries(site, name)[slug]
    assert atom_text(entry.find(f"{ATOM}title")) == ARTICLES[slug]["title"]
    assert atom_text(entry.find(f"{ATOM}summary")) == ARTICLES[slug]["summary"]
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert_html_body(as_html(content.text), slug)
    assert {CATEGORY, TOPIC} <= {category.get("term") for category in entry.iter(f"{ATOM}category")}
    assert AUTHOR in [author.findtext(f"{ATOM}name") for author in entry.iter(f"{ATOM}author")]


@pytest.mark.parametrize("group", list(GROUP_FEEDS))
def test_atom_feed_of_a_category_or_topic(site, group):
    feed = etree.parse(str(site / "feeds" / f"{group}.atom.xml")).getroot()
    name = GROUP_FEEDS[group]
    assert atom_text(feed.find(f"{ATOM}title")) == f"{SITE}: {name}"
    assert atom_text(feed.find(f"{ATOM}subtitle")) == f"{name} from {SITE}."


@pytest.mark.parametrize("slug", list(ARTICLES))
def test_json_feed_item(site, slug):
    """JSON Feed 1.1: `title` and `summary` are plain text, `content_html` is HTML."""
    items = json.loads((site / "feeds" / "feed.json").read_text(encoding="utf-8"))["items"]
    [item] = [item for item in items if slug_of(item["url"]) == slug]
    assert item["title"] == ARTICLES[slug]["title"]
    assert item["summary"] == ARTICLES[slug]["summary"]
    assert_html_body(as_html(item["content_html"]), slug)
    if "content_text" in item:
        assert ARTICLES[slug]["teaser"] in item["content_text"]
    assert AUTHOR in [author["name"] for author in item["authors"]]
    assert {CATEGORY, TOPIC} <= set(item["tags"])


@pytest.mark.parametrize("slug", list(ARTICLES))
def test_hub_index_entry(site, slug):
    """The hub's articles.json, which the hub filter and the search page show with textContent."""
    entries = json.loads((site / "knowledge-resources" / "articles.json").read_text(encoding="utf-8"))
    [entry] = [entry for entry in entries if slug_of(entry["url"]) == slug]
    assert entry["title"] == ARTICLES[slug]["title"]
    assert entry["teaser"] == ARTICLES[slug]["teaser"]
    assert entry.get("content_note") == (CONTENT_NOTE if slug == FIELDS_SLUG else None)
    assert entry["category"]["name"] == CATEGORY
    assert [topic["name"] for topic in entry["topics"]][:1] == [TOPIC]


PAGEFIND_SIGNATURE = b"pagefind_dcd"


def pagefind_fragments(site: Path) -> dict[str, dict]:
    """Each indexed page's fragment (its text, its metadata) by the page's slug."""
    fragments = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(PAGEFIND_SIGNATURE)
        fragment = json.loads(data[len(PAGEFIND_SIGNATURE) :])
        fragments[slug_of(fragment["url"])] = fragment
    return fragments


def pagefind_excerpt(content: str):
    """An excerpt of a page's indexed text as the search page shows it: pagefind.js escapes its `<` and `>`
    (and wraps the words found in <mark>, left out here), and search.js inserts it as HTML."""
    return as_html(content.replace("<", "&lt;").replace(">", "&gt;"))


INDEXED = {
    FIELDS_SLUG: (TITLE, SUMMARY, CONTENT_NOTE, KEY_POINT, SOURCE_TITLE),
    TEASER_SLUG: (TEASER_TITLE, TEASER),
}


@pytest.mark.parametrize("slug", list(ARTICLES))
def test_search_index_entry(site, slug):
    fragment = pagefind_fragments(site)[slug]
    # search.js shows the title with textContent.
    assert fragment["meta"]["title"] == ARTICLES[slug]["title"]
    excerpt = pagefind_excerpt(fragment["content"])
    assert (len(excerpt), live_markup(excerpt)) == (0, [])


# Pagefind 1.5 decodes the entities of a page's text, but not always in an element whose text also holds a
# bare `&` (minify-html writes `&amp;` as `&` before a space or another `&`): the teaser's `… & and never
# <code>&lt;/script></code>` is indexed as `… & and never &lt;/script>`, the summary's `&& … &amp;amp` as
# `&& … &amp;amp`. Nothing becomes live (pagefind.js escapes `<`), and the excerpt shows these right only
# because pagefind.js leaves `&` unescaped, which shows an author's `&amp;` as `&` instead.
@pytest.mark.xfail(strict=True, reason="Pagefind leaves some entities undecoded")
@pytest.mark.parametrize("slug", list(ARTICLES))
def test_search_index_holds_the_text_as_shown(site, slug):
    content = pagefind_fragments(site)[slug]["content"]
    assert [text for text in INDEXED[slug] if text not in content] == []
