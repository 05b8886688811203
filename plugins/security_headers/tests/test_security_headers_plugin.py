"""The security_headers plugin in a real (in-process) build: `_headers` allows only what the site uses."""

from urllib.parse import urlsplit

from lxml import html

import pelicanconf
from conftest import THEME_PLUGINS, write_content

PLUGINS = [*THEME_PLUGINS, "security_headers"]
VIDEO = "https://www.youtube-nocookie.com/embed/abc123"


def read_headers(site) -> tuple[str, dict[str, str]]:
    """The path pattern of `_headers`' one block, and its headers."""
    pattern, *lines = (site / "_headers").read_text(encoding="utf-8").splitlines()
    assert all(line.startswith("  ") for line in lines), lines
    return pattern, dict(line.strip().split(": ", 1) for line in lines)


def policy_of(site) -> dict[str, list[str]]:
    directives = [d.split() for d in read_headers(site)[1]["Content-Security-Policy"].split(";")]
    return {name: values for name, *values in directives}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_the_policy_starts_from_nothing_and_allows_only_the_site(pelican_run):
    site = pelican_run(PLUGINS)
    pattern, headers = read_headers(site)
    assert pattern == "/*"
    policy = policy_of(site)
    assert policy["default-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "frame-src" not in policy
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_newsletter_form_posting_elsewhere_is_allowed_as_a_form_action(pelican_run):
    action = "https://lists.example.org/subscribe?list=7"
    options = {**pelicanconf.THEME_OPTIONS, "newsletter": {"action": action}}
    site = pelican_run(PLUGINS, THEME_OPTIONS=options)
    assert policy_of(site)["form-action"] == ["'self'", "https://lists.example.org"]
    allowed = policy_of(site)["form-action"]
    forms = [
        form.get("action")
        for page in site.rglob("*.html")
        for form in html.fromstring(page.read_bytes()).iter("form")
    ]
    assert action in forms
    for target in forms:
        assert target.startswith("/") or origin(target) in allowed, target


def test_iframe_hosts_are_allowed_as_frame_sources(pelican_run, tmp_path):
    front_matter = {**pelicanconf.FRONT_MATTER, "iframe_hosts": ["www.youtube-nocookie.com"]}
    video = (
        "---\ntitle: A video\ndate: 2026-10-01\ncategory: News\n---\n\nWatch it.\n\n"
        f'<iframe src="{VIDEO}" title="A video"></iframe>\n'
    )
    content = write_content(tmp_path / "content", {"articles/2026-10-01-a-video.md": video})
    site = pelican_run(PLUGINS, content, FRONT_MATTER=front_matter)
    assert policy_of(site)["frame-src"] == ["https://www.youtube-nocookie.com"]
    page = html.fromstring((site / "articles/a-video/index.html").read_bytes())
    assert page.xpath("//iframe/@src") == [VIDEO]


def test_a_site_in_a_sub_folder_gets_headers_for_its_folder(pelican_run):
    site = pelican_run(PLUGINS, SITEURL="https://example.org/children-first")
    assert read_headers(site)[0] == "/children-first/*"


def test_a_header_can_be_changed_in_the_setting(pelican_run):
    site = pelican_run(PLUGINS, SECURITY_HEADERS={"referrer_policy": "no-referrer"})
    assert read_headers(site)[1]["Referrer-Policy"] == "no-referrer"


DIGEST_FORM = "https://lists.example.org/subscription/form"
DIGEST = {
    "sender_address": "digest@children-first.example",
    "service": "listmonk",
    "subscribe_form": DIGEST_FORM,
    "service_list_uuid": "6a3f1e2c-6b0b-4c55-9a7e-0f1f2e3d4c5b",
}


def test_the_digest_sign_up_form_posts_to_the_one_origin_it_needs(pelican_run):
    """The newsletter plugin's sign-up form posts to the mailing-list service: its origin, and only it,
    joins `form-action`, and every form of the site posts where the policy allows."""
    site = pelican_run([*PLUGINS, "newsletter"], DIGEST=DIGEST)
    allowed = policy_of(site)["form-action"]
    assert allowed == ["'self'", "https://lists.example.org"]
    forms = [
        form.get("action")
        for page in site.rglob("*.html")
        for form in html.fromstring(page.read_bytes()).iter("form")
    ]
    assert DIGEST_FORM in forms
    for target in forms:
        assert target.startswith("/") or origin(target) in allowed, target


def test_without_the_digests_service_and_form_no_other_origin_may_be_posted_to(pelican_run):
    for digest in (
        {},
        {**DIGEST, "subscribe_form": ""},
        {**DIGEST, "service": ""},
        {**DIGEST, "sender_address": ""},
    ):
        site = pelican_run([*PLUGINS, "newsletter"], DIGEST=digest)
        assert policy_of(site)["form-action"] == ["'self'"], digest
