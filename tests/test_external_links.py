"""`invoke check-links` against a local stand-in for the rest of the web."""

import http.server
import threading

import pytest

from commands.external_links import broken_external_links


class Answers(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/fine" else 404 if self.path == "/gone" else 405)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/fine", "/no-head") else 404)
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def elsewhere():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_reports_only_links_that_fail(tmp_path, elsewhere):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(
        f'<a href="{elsewhere}/fine">a</a> <a href="{elsewhere}/gone">b</a>'
        f' <a href="{elsewhere}/no-head">c</a>'
        ' <a href="https://children-first.example/own/">own site</a> <a href="/local/">local</a>'
        ' <a href="http://127.0.0.1:9/refused">d</a>'
    )
    broken = broken_external_links(tmp_path, "https://children-first.example", timeout=3)
    assert [(url.removeprefix(elsewhere), pages) for url, _, pages in broken] == [
        ("/gone", ["page/index.html"]),
        ("http://127.0.0.1:9/refused", ["page/index.html"]),
    ]
    assert broken[0][1] == "HTTP 404"
