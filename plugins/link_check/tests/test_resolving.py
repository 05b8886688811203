"""How the link check reads a page and where a browser would take each of its addresses."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from link_check.check import (
    broken_links,
    leads_to,
    leads_to_joined,
    page_url,
    parse_page,
    resolve,
    site_path,
    srcset_urls,
)
from site_core import alias_save_as

SITE = "https://children-first.example"


@pytest.mark.parametrize(
    ("relative", "siteurl", "expected"),
    [
        ("index.html", SITE, f"{SITE}/"),
        ("articles/x/index.html", SITE, f"{SITE}/articles/x/"),
        ("404.html", SITE, f"{SITE}/404.html"),
        ("articles/x/index.html", f"{SITE}/sub/", f"{SITE}/sub/articles/x/"),
    ],
)
def test_page_url_is_where_a_static_host_serves_the_file(relative, siteurl, expected):
    assert page_url(relative, siteurl) == expected


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("images/photo.jpg", "", f"{SITE}/articles/x/images/photo.jpg"),
        ("../../images/photo.jpg", "", f"{SITE}/images/photo.jpg"),
        ("/contact/", "", f"{SITE}/contact/"),
        ("#notes", "", f"{SITE}/articles/x/#notes"),
        ("", "", f"{SITE}/articles/x/"),
        ("photo.jpg", "/media/", f"{SITE}/media/photo.jpg"),
        ("photo.jpg", "../y/", f"{SITE}/articles/y/photo.jpg"),
        ("#notes", "/media/", f"{SITE}/media/#notes"),
        ("photo.jpg", "https://cdn.example/a/", "https://cdn.example/a/photo.jpg"),
        ("//cdn.example/p.jpg", "", "https://cdn.example/p.jpg"),
    ],
)
def test_an_address_resolves_against_the_page_and_its_base(url, base, expected):
    assert resolve(url, f"{SITE}/articles/x/", base) == expected


@pytest.mark.parametrize(
    ("url", "siteurl", "expected"),
    [
        (f"{SITE}/a/b%20c/", SITE, "/a/b c/"),
        (f"{SITE}", SITE, "/"),
        ("https://elsewhere.example/a/", SITE, None),
        ("mailto:a@example.org", SITE, None),
        (f"{SITE}/sub/a/", f"{SITE}/sub", "/a/"),
        (f"{SITE}/sub", f"{SITE}/sub", "/"),
        # Beside the site's root on its host: another project's pages, not this site's.
        (f"{SITE}/other/a/", f"{SITE}/sub", None),
    ],
)
def test_site_path(url, siteurl, expected):
    assert site_path(url, siteurl) == expected


@pytest.mark.parametrize(
    ("srcset", "expected"),
    [
        ("a.png", ["a.png"]),
        ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
        ("a.png 640w,b.png 1280w", ["a.png", "b.png"]),
        ("a,b.png 1x, c.png", ["a,b.png", "c.png"]),
        ("a.png,, b.png", ["a.png", "b.png"]),
        ("data:image/png;base64,AAAA 1x, b.png 2x", ["data:image/png;base64,AAAA", "b.png"]),
        ("  ", []),
    ],
)
def test_srcset_candidates(srcset, expected):
    assert srcset_urls(srcset) == expected


def test_markup_quoted_as_text_or_code_is_not_a_link():
    page = parse_page(
        b"<p>&lt;img src=x> and &lt;a href=nowhere></p><pre><code>&lt;img src=y&gt;</code></pre>"
        b"<script>const a = '<a href=\"/js/\">';</script><!-- <a href=commented> --><a href=real>r</a>"
    )
    assert page.links == ("real",)


def test_addresses_are_read_as_a_browser_reads_them():
    page = parse_page(
        b"<!doctype html><html><head><base href=/media/><link rel=stylesheet href=/s.css></head><body>"
        b'<a href="/search/?q=a&amp;page=2" id=top>s</a><a href=/search/?q=a&amp;page=2>again</a>'
        b"<img src=a.png srcset='a.png 1x, b.png 2x'><picture><source srcset=c.webp></picture>"
        b"<form action=/subscribe/></form><video poster=p.jpg src=v.mp4></video><p id=end>"
    )
    assert page.base == "/media/"
    assert page.ids == {"top", "end"}
    assert page.links == (
        "/s.css",
        "/search/?q=a&page=2",
        "a.png",
        "/subscribe/",
        "p.jpg",
        "v.mp4",
        "b.png",
        "c.webp",
    )


@pytest.mark.parametrize(
    ("markup", "links"),
    [
        # What a reader without JavaScript follows is a link like any other.
        (b"<noscript><a href=/no-script/>x</a></noscript>", ("/no-script/",)),
        (b"<A HREF=/upper/>x</A><IMG SRC=/upper.png>", ("/upper/", "/upper.png")),
        (b"<a href>empty</a>", ("",)),
        (b"<svg><a href=/in-svg/><text>x</text></a></svg>", ("/in-svg/",)),
        # Only a form's action, a video's poster and an object's data are addresses.
        (b"<div action=/a/ poster=/p/ data=/d/></div><img src=/i.png data=/d2/>", ("/i.png",)),
        (b"<textarea><a href=/typed/></textarea><title><a href=/t/></title>", ()),
        (b"<a href='/caf\xc3\xa9/?a=1&amp;b=2&#x26;c'>x</a>", ("/caf\u00e9/?a=1&b=2&c",)),
    ],
)
def test_only_what_a_browser_reads_as_an_address_is_one(markup, links):
    assert parse_page(markup).links == links
    assert parse_page(markup.decode("utf-8")).links == links


def test_the_first_base_decides_and_is_not_a_link():
    page = parse_page(b"<base target=_top><base href=/first/><base href=/second/><a href=x>x</a>")
    assert (page.base, page.links) == ("/first/", ("x",))


@pytest.mark.parametrize("data", [b"", b"  \n", b"<!-- only a comment -->"])
def test_a_page_with_nothing_in_it_has_no_links(data):
    assert parse_page(data).links == ()


@pytest.mark.parametrize("alias", ["/2020/01/caf%C3%A9/", "/old%20name.html", "/a%2Fb/"])
def test_a_link_to_an_alias_reaches_the_page_saved_for_it(tmp_path, alias):
    """The link check and the redirects agree on which file an old address is."""
    pages = {alias_save_as(alias): "<p>Moved.</p>", "index.html": f'<a href="{alias}">old</a>'}
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    problems, _ = broken_links(tmp_path, SITE, {}, tmp_path)
    assert problems == []


def test_each_page_resolves_its_own_addresses(tmp_path):
    pages = {
        "media/photo.jpg": "",
        "a/index.html": "<base href=/media/><img src=photo.jpg alt=''><a href=/elsewhere/>x</a>",
        "b/index.html": "<img src=photo.jpg alt=''>",
        "c/index.html": "<base href=https://cdn.example/><a href=/elsewhere/>x</a><img src=photo.jpg alt=''>",
        "d/index.html": "<a href=../media/photo.jpg>ok</a><a href=../a/#nowhere>x</a>",
        "e/index.html": "<a href=#top>up</a><h1 id=top>E</h1><a href=#gone>x</a><a href=#>top</a>",
    }
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    problems, _ = broken_links(tmp_path, SITE, {}, tmp_path)
    assert [(Path(p.path).relative_to(tmp_path).as_posix(), p.message) for p in problems] == [
        (
            "a/index.html",
            "the link `/elsewhere/` on a/index.html leads to a page or file that does not exist",
        ),
        (
            "b/index.html",
            "the link `photo.jpg` on b/index.html leads to `/b/photo.jpg`, "
            "a page or file that does not exist",
        ),
        (
            "d/index.html",
            "the link `../a/#nowhere` on d/index.html points at `#nowhere`, which is not on that page",
        ),
        ("e/index.html", "the link `#gone` on e/index.html points at `#gone`, which is not on that page"),
    ]


def write_pages(folder: Path, pages: dict[str, str]) -> None:
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def messages(problems) -> list[str]:
    return [p.message for p in problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a page gains a link to nothing, and a new page appears: only the changed pages need reading
        (
            {"b/index.html": '<a href="/gone/">x</a>', "new/index.html": '<a href="/a/">a</a>'},
            ["the link `/gone/` on b/index.html leads to a page or file that does not exist"],
        ),
        # the page an unchanged page links to is removed
        (
            {"target/index.html": None},
            [
                "the link `/target/` on a/index.html leads to a page or file that does not exist",
                "the link `/target/#part` on c/index.html leads to a page or file that does not exist",
            ],
        ),
        # the id an unchanged page links to leaves its page
        (
            {"target/index.html": "<p>No id now</p>"},
            ["the link `/target/#part` on c/index.html points at `#part`, which is not on that page"],
        ),
        # a page gains an id and another page appears: nothing breaks
        ({"target/index.html": '<h2 id="part">P</h2><h2 id="more">M</h2>', "d/index.html": "<p>D</p>"}, []),
    ],
)
def test_a_check_after_a_good_one_finds_what_the_change_broke(tmp_path, change, expected):
    write_pages(
        tmp_path,
        {
            "a/index.html": '<a href="/target/">t</a>',
            "b/index.html": "<p>B</p>",
            "c/index.html": '<a href="/target/#part">p</a>',
            "target/index.html": '<h2 id="part">P</h2>',
        },
    )
    problems, state = broken_links(tmp_path, SITE, {}, tmp_path)
    assert problems == []
    for name, text in change.items():
        if text is None:
            (tmp_path / name).unlink()
        else:
            write_pages(tmp_path, {name: text})
    problems, _ = broken_links(tmp_path, SITE, {}, tmp_path, previous=state)
    assert messages(problems) == expected


def test_pages_parsed_as_they_were_rendered_are_checked_as_if_read(tmp_path: Path):
    """broken_links_on: a page handed over parsed (by the process that rendered it) gives the problems a
    page read from the output gives, in the same order, and is checked against every file."""
    from link_check.check import broken_links_on

    pages = {
        "index.html": '<a href="/a/">A</a> <a href="/missing/">M</a> <a href="/a/#nowhere">N</a>',
        "a/index.html": '<p id="here">A</p> <img src="../missing.png" alt="">',
        "b/index.html": '<a href="/a/#here">ok</a> <a href="gone.html">gone</a>',
    }
    for name, body in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")
    names = list(pages)
    read = broken_links_on(tmp_path, SITE, names, {})
    parsed = {name: parse_page((tmp_path / name).read_bytes()) for name in ("index.html", "b/index.html")}
    handed_over = broken_links_on(tmp_path, SITE, names, {}, parsed)
    assert [p.message for p in handed_over] == [p.message for p in read]
    assert len(read) == 4


@given(
    prefix=st.sampled_from(
        [
            *("", SITE, SITE.upper(), "http://children-first.example", "https://elsewhere.example"),
            *("https:", "//", "mailto:", "TEL:", "javascript:", "data:", "ftp://children-first.example"),
            "https://[::1",
        ]
    ),
    path=st.text(alphabet="/.ab%2F:@;?#=&~-[", max_size=14),
    siteurl=st.sampled_from(["", SITE, f"{SITE}/sub"]),
    base=st.sampled_from(["", "/b/", "https://elsewhere.example/"]),
)
@settings(max_examples=3000, deadline=None)
def test_an_address_told_without_joining_leads_where_joining_it_leads(prefix, path, siteurl, base):
    """The short cuts (a plain path, another host, a scheme not fetched) agree with `urljoin` on every
    address they take."""
    url = prefix + "/" + path
    files = {"index.html", "a/index.html", "sub/a/index.html", "a", "b.", "a/b"}
    here = resolve(base, page_url("a/index.html", siteurl)) if base else page_url("a/index.html", siteurl)
    assert leads_to(url, here, siteurl, files) == leads_to_joined(url, here, siteurl, files)
