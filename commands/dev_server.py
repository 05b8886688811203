"""`invoke serve`: build, serve the site on a local port and rebuild with live reload on every save.

A save that does not build shows its problems in the browser, instead of the page, until the next good
save; the terminal shows them too. The app serves the built folder as a static host would.
"""

import html
import mimetypes
import subprocess
import threading
from pathlib import Path

from commands.project import OUTPUT, ROOT, index_output, pelican_command

WATCHED = ("content", "theme", "plugins", "pelicanconf.py")


def serve(port: int) -> None:
    from livereload import Server

    failure: dict[str, str] = {}

    def rebuild() -> None:
        # Problems go to the terminal and, until the next good save, to the browser instead of the page.
        built = subprocess.run(
            pelican_command("pelicanconf.py", OUTPUT), cwd=ROOT, capture_output=True, text=True, check=False
        )
        print(built.stdout + built.stderr, end="", flush=True)
        if built.returncode == 0:
            failure.clear()
            # The search index is refreshed behind the scenes, so a save is in the browser at once.
            threading.Thread(target=index_output, daemon=True).start()
        else:
            failure["report"] = built.stderr or built.stdout

    rebuild()
    OUTPUT.mkdir(exist_ok=True)
    server = Server(app=static_site(OUTPUT, failure))
    for watched in WATCHED:
        server.watch(str(ROOT / watched), rebuild, delay=0.3)
    print(f"Serving on http://localhost:{port}/ — edit and save, the browser reloads. Ctrl+C stops.")
    server.serve(host="localhost", port=int(port), open_url_delay=None, restart_delay=0)


def static_site(root: Path, failure: dict[str, str]):
    """A WSGI app serving the built site as a static host would, or the build's problems after a bad save."""

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        target = (root / path.lstrip("/")).resolve()
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        wants_page = target.suffix in ("", ".html")
        if failure and wants_page:
            body = ERROR_PAGE.format(report=html.escape(failure["report"])).encode()
            start_response("500 Build failed", [("Content-Type", "text/html; charset=utf-8")])
            return [body]
        status = "200 OK"
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            status, target = "404 Not Found", root / "404.html"
        if not target.is_file():
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not found"]
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        charset = (
            "; charset=utf-8" if kind.startswith("text/") or kind.endswith(("javascript", "json")) else ""
        )
        start_response(status, [("Content-Type", kind + charset), ("Cache-Control", "no-store")])
        return [target.read_bytes()]

    return app


ERROR_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>The last save did not build</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;margin:2rem;color:#0b0c0c}}h1{{color:#d4351c}}
pre{{white-space:pre-wrap;background:#f3f2f1;border-left:5px solid #d4351c;padding:1rem}}</style></head>
<body><main><h1>The last save did not build</h1>
<p>Nothing was published: fix what is listed below and save again; this page reloads by itself.</p>
<pre>{report}</pre></main></body></html>
"""
