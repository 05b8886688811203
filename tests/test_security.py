"""Security headers: Mozilla's HTTP Observatory scanner, run locally against the site with its `_headers`."""

import json
import os
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from lxml import html

from conftest import ROOT, read_headers_file

SCANNER = (
    ROOT / "tests" / "checkers" / "node_modules" / "@mdn" / "mdn-http-observatory" / "bin" / "wrapper.js"
)
# These two need HTTPS, which a loopback test server does not have; a real host passes them with HSTS
# and its HTTP-to-HTTPS redirect.
HTTPS_ONLY = {"redirection", "strict-transport-security"}


@pytest.fixture(scope="module")
def scan(site_url):
    node = shutil.which("node")
    if node is None or not SCANNER.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI must have node and `npm ci` (@mdn/mdn-http-observatory): see `invoke test`")
        pytest.skip("needs node and `npm ci` for @mdn/mdn-http-observatory")
    result = subprocess.run(
        [node, str(SCANNER), urlsplit(site_url).netloc],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_every_test_the_observatory_can_run_over_http_passes(scan):
    failed = {
        name: test["result"]
        for name, test in scan["tests"].items()
        if not test["pass"] and name not in HTTPS_ONLY
    }
    assert failed == {}
    assert (
        scan["tests"]["content-security-policy"]["result"]
        == "csp-implemented-with-no-unsafe-default-src-none"
    )
    assert scan["tests"]["cookies"]["result"] == "cookies-not-found"


def test_headers_file_carries_every_header(published_site):
    names = {name for name, _ in read_headers_file(published_site)}
    assert names >= {
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "Cross-Origin-Resource-Policy",
        "X-Frame-Options",
    }
    policy = dict(read_headers_file(published_site))["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert policy.startswith("default-src 'none'")


def test_no_page_needs_inline_script_or_style(published_site):
    """What the policy forbids, the pages never do: no inline script, style element or style attribute."""
    for path in published_site.rglob("*.html"):
        page = html.fromstring(path.read_bytes())
        assert not page.xpath("//script[not(@src) and not(@type='application/ld+json')]"), path
        assert not page.xpath("//style | //*[@style]"), path
        assert not [a for a in page.xpath("//@*") if a.attrname.startswith("on")], path
