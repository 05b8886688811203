"""Hostile and broken exports: each is a clear error or a listed skip, never a traceback, and nothing is
written outside content/ (nor anything at all into content/ when the export cannot be read)."""

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from commands.wordpress.fetch import Fetcher, FetchError
from conftest import tree_digest
from wordpress_import import (
    export_of,
    front_matter_and_body,
    import_arguments,
    import_wordpress,
    imported_files,
)
from wordpress_media import media_server, not_an_image, stand_in_uploads
from wxr_builder import Comment, Export, attachment, entity_bomb, external_entity, post


def refused(project, export: Path, expected: str):
    """The import stops with `expected` in its message, no traceback, and content/ untouched."""
    before = tree_digest(project / "content")
    result = import_wordpress(project, export, "--default-category", "News")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert expected in result.stderr, result.stderr
    assert tree_digest(project / "content") == before
    return result


def test_an_entity_bomb_is_refused_before_anything_is_expanded(project, tmp_path):
    export = tmp_path / "bomb.xml"
    export.write_bytes(entity_bomb())
    result = refused(
        project, export, "the export declares a DOCTYPE (entities), which no WordPress export does"
    )
    assert result.stderr.startswith(f"{export}:")


def test_an_external_entity_never_reads_a_file_of_this_machine(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    export = tmp_path / "xxe.xml"
    export.write_bytes(external_entity(secret))
    refused(project, export, "DOCTYPE")
    for path in project.rglob("*"):
        if path.is_file():
            assert b"TOP-SECRET-VALUE" not in path.read_bytes()


@pytest.mark.parametrize(
    ("contents", "expected"),
    [
        (b"", "not well-formed XML"),
        (b"\xff\xd8\xff\xe0 a JPEG, not an export", "not well-formed XML"),
        (b'<?xml version="1.0"?><html><body>Hello</body></html>', "this is not a WordPress export"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "no WordPress content"),
    ],
)
def test_a_file_that_is_not_an_export_is_said_so(project, tmp_path, contents, expected):
    export = tmp_path / "export.xml"
    export.write_bytes(contents)
    refused(project, export, expected)


def test_an_export_cut_short_names_the_line_where_it_ends(project, tmp_path):
    whole = export_of(
        post(1, "One", "<p>First.</p>", name="one"), post(2, "Two", "<p>Second.</p>", name="two")
    )
    data = whole.to_xml()
    export = tmp_path / "cut.xml"
    export.write_bytes(data[: int(len(data) * 0.8)])
    result = refused(project, export, "not well-formed XML")
    assert "export it again" in result.stderr
    assert f"{export}:" in result.stderr


def test_a_missing_export_is_said_so(project, tmp_path):
    refused(project, tmp_path / "nowhere.xml", "cannot read the export")


def test_control_characters_are_dropped_and_counted(project, tmp_path):
    export = tmp_path / "export.xml"
    export.write_bytes(
        export_of(post(1, "Tidy", "<p>Pasted\x0bfrom a word\x0cprocessor.</p>", name="tidy")).to_xml()
    )
    result = import_wordpress(project, export, "--default-category", "News")
    assert result.returncode == 0, result.stderr
    assert (
        "Pastedfrom a wordprocessor."
        in front_matter_and_body(imported_files(project)["content/articles/2024-06-03-tidy.md"])[1]
    )
    assert "2 invisible control characters" in (project / "imports/export.report.md").read_text()


def test_paths_that_climb_out_are_never_followed(project, tmp_path):
    outside = tmp_path / "outside"
    export = export_of(
        attachment(
            5,
            "https://old.example.org/wp-content/uploads/2024/06/ok.jpg",
            alt="A path",
            attached_file="../../../../outside/evil.jpg",
        ),
        post(1, "Climb", "<p>Text.</p>", name="../../../outside/climb", meta=[("_thumbnail_id", "5")]),
        post(
            2,
            "Climb too",
            '<p><img src="https://old.example.org/wp-content/uploads/../../../../outside/x.jpg" alt="x"></p>',
            name="climb-too",
        ),
    ).write(tmp_path / "export.xml")
    uploads = tmp_path / "uploads"
    stand_in_uploads(export, uploads)
    (tmp_path / "outside").mkdir(exist_ok=True)
    result = import_wordpress(project, export, "--default-category", "News", "--uploads", str(uploads))
    assert result.returncode == 0, result.stderr
    assert not any(outside.iterdir())
    assert sorted(imported_files(project)) == [
        "content/articles/2024-06-03-climb-too.md",
        "content/articles/2024-06-03-outside-climb.md",
    ]
    for path in project.rglob("*"):
        assert path.resolve().is_relative_to(project.resolve())


def test_a_file_that_claims_to_be_a_jpeg_and_is_not_is_refused(project, tmp_path):
    uploads = tmp_path / "uploads"
    not_an_image(uploads, "2024/06/fake.jpg")
    export = export_of(
        post(
            1,
            "Fake",
            '<p><img src="https://old.example.org/wp-content/uploads/2024/06/fake.jpg" alt="A fake"></p>',
            name="fake",
        )
    ).write(tmp_path / "export.xml")
    result = import_wordpress(project, export, "--default-category", "News", "--uploads", str(uploads))
    assert result.returncode == 0, result.stderr
    assert not (project / "content/images/wordpress/2024/06/fake.jpg").exists()
    text = imported_files(project)["content/articles/2024-06-03-fake.md"]
    assert "status: draft" in text
    assert "`2024/06/fake.jpg` is not an image" in (project / "imports/export.report.md").read_text()


def test_media_are_never_fetched_from_a_private_address_the_person_did_not_name(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"image")
    with media_server(tmp_path) as served:
        port = int(served.rsplit(":", 1)[1])
        named = Fetcher(trusted=("127.0.0.1", port))
        assert named.get(f"{served}/a.jpg") == b"image", "the host --media-from names may be private"
        allowed = Fetcher(allowed_hosts=frozenset({"localhost", "127.0.0.1"}))
        with pytest.raises(FetchError, match=r"private address 127\.0\.0\.1"):
            allowed.get(f"http://localhost:{port}/a.jpg")
        with pytest.raises(FetchError, match="not allowed to fetch from"):
            Fetcher().get(f"{served}/a.jpg")
        with pytest.raises(FetchError, match="not allowed"):
            named.get("file:///etc/passwd")


class Redirecting(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, *arguments):
        pass


def test_a_redirect_to_another_host_is_not_followed():
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirecting) as server:
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            fetcher = Fetcher(trusted=("127.0.0.1", server.server_address[1]))
            with pytest.raises(FetchError, match="redirects to another site"):
                fetcher.get(f"http://127.0.0.1:{server.server_address[1]}/a.jpg")
        finally:
            server.shutdown()
            thread.join()


def write_comment_heavy_export(path: Path, megabytes: int) -> int:
    """An export of `megabytes` MB whose bulk is readers' comments (streamed, never all in memory)."""
    export = Export("https://big.example", items=[])
    comment = "A reader's long reply. " * 90
    posts = 0
    with path.open("w", encoding="utf-8") as file:
        file.write(export.header())
        written = 0
        while written < megabytes * 1_000_000:
            posts += 1
            item = post(
                posts,
                f"Post {posts}",
                f"<p>Story number {posts}.</p>",
                name=f"post-{posts}",
                categories=[("category", "news", "News")],
                comments=[
                    Comment(
                        f"Reader {n}", f"reader{n}@example.org", "192.0.2.7", comment, "2024-06-04 10:00:00"
                    )
                    for n in range(200)
                ],
            )
            chunk = export.item_xml(item, first_comment_id=200 * posts)
            file.write(chunk)
            written += len(chunk)
        file.write(export.footer())
    return posts


@pytest.mark.longest
def test_a_200_mb_export_is_read_as_a_stream_in_bounded_memory(project, tmp_path):
    export = tmp_path / "big.xml"
    posts = write_comment_heavy_export(export, 200)
    assert export.stat().st_size >= 200_000_000
    probe = (
        "import resource, subprocess, sys\n"
        "result = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(result.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stderr.write(result.stderr)\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            sys.executable,
            "-m",
            "invoke",
            *import_arguments(export, "--default-category", "News"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    code, peak_kilobytes = result.stdout.split()
    assert code == "0", result.stderr
    assert int(peak_kilobytes) < 300_000, f"peak memory {int(peak_kilobytes) // 1024} MB for a 200 MB export"
    assert len(imported_files(project)) == posts
    report = (project / "imports/big.report.md").read_text()
    assert f"Comments: {posts * 200} not imported" in report
    assert b"reader1@example.org" not in b"".join(p.read_bytes() for p in (project / "content").rglob("*.md"))


def test_an_image_at_a_private_address_is_listed_not_fetched_even_when_its_host_is_allowed(project, tmp_path):
    served_folder = tmp_path / "served"
    stand_in_uploads(
        export_of(attachment(1, "https://old.example.org/wp-content/uploads/a.jpg")).write(
            tmp_path / "a.xml"
        ),
        served_folder,
    )
    with media_server(served_folder) as served:
        export = export_of(
            post(1, "Inside", f'<p><img src="{served}/a.jpg" alt="A chart"></p>', name="inside")
        ).write(tmp_path / "export.xml")
        result = import_wordpress(project, export, "--default-category", "News", "--allow-host", "127.0.0.1")
        assert served.requested_paths == []
    assert result.returncode == 0, result.stderr
    assert "status: draft" in imported_files(project)["content/articles/2024-06-03-inside.md"]
    assert "leads to the private address 127.0.0.1" in (project / "imports/export.report.md").read_text()
