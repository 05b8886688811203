"""`invoke serve`: the site on a local port, rebuilt on save, with the build's problems in the browser."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_for(url: str, wanted, seconds: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    status, body = 0, ""
    while time.monotonic() < deadline:
        status, body = fetch(url)
        if wanted(status, body):
            return status, body
        time.sleep(0.5)
    pytest.fail(f"{url} never became what the test waited for; last: {status} {body[:500]}")


@pytest.fixture
def served(project: Path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1893456000"},
    )
    try:
        yield project, f"http://localhost:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_bad_save_shows_its_problem_in_the_browser_until_a_good_save(served):
    project, home = served
    _, body = wait_for(home, lambda status, _: status == 200)
    assert "livereload.js" in body
    article = project / "content/articles/2026-01-20-kinship-care-feature.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("\ncategory: Features", "\ncategory: [Features"), encoding="utf-8")
    _, body = wait_for(home, lambda status, _: status == 500)
    assert "The last save did not build" in body
    assert "content/articles/2026-01-20-kinship-care-feature.md:" in body
    assert "livereload.js" in body, "the problem page reloads itself after the next save"
    assert (project / "output" / "index.html").is_file(), "the last good output is still there"
    article.write_text(good + "\nOne more sentence, saved.\n", encoding="utf-8")
    wait_for(home, lambda status, _: status == 200)
    wait_for(
        f"{home}articles/kinship-care-feature/",
        lambda status, body: status == 200 and "One more sentence, saved." in body,
    )
    assert fetch(f"{home}no-such-page/")[0] == 404
