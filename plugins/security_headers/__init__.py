"""security_headers: the HTTP headers the site is built to satisfy, written for the hosts that read them.

`_headers` (Netlify, Cloudflare Pages) goes into the output; README shows the same headers for nginx and
Apache. The Content-Security-Policy starts from `default-src 'none'` and allows only what the site uses:
its own scripts (plus WebAssembly for the search index), styles, images, fetches and forms. No
'unsafe-inline' anywhere: the site has no inline scripts, styles or event handlers.
"""

import logging
from pathlib import Path
from urllib.parse import urlsplit

from safe_build import before_publish, plugin_settings, report

logger = logging.getLogger(__name__)

# The SECURITY_HEADERS setting.
DEFAULTS = {
    "content_security_policy": {
        "default-src": ["'none'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
    "strict_transport_security": "max-age=63072000; includeSubDomains",
    "referrer_policy": "strict-origin-when-cross-origin",
    "permissions_policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        "payment=(), usb=()"
    ),
    "cross_origin_resource_policy": "same-origin",
    "cross_origin_opener_policy": "same-origin",
}


def content_security_policy(
    directives: dict[str, list[str]], form_actions: list[str], frames: list[str]
) -> str:
    merged = {**directives, "form-action": [*directives.get("form-action", []), *form_actions]}
    if frames:
        merged["frame-src"] = frames
    return "; ".join(" ".join([name, *values]) for name, values in merged.items())


def site_headers(options: dict, form_actions: list[str], frames: list[str]) -> dict[str, str]:
    """Every header for every page, in the order they are written."""
    policy = content_security_policy(options["content_security_policy"], form_actions, frames)
    return {
        "Content-Security-Policy": policy,
        "Strict-Transport-Security": options["strict_transport_security"],
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": options["referrer_policy"],
        "Permissions-Policy": options["permissions_policy"],
        "Cross-Origin-Resource-Policy": options["cross_origin_resource_policy"],
        "Cross-Origin-Opener-Policy": options["cross_origin_opener_policy"],
    }


def netlify_headers(headers: dict[str, str], site_root: str) -> str:
    """The `_headers` file format of Netlify and Cloudflare Pages."""
    lines = [f"{site_root}/*"] + [f"  {name}: {value}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def newsletter_origin(settings: dict) -> list[str]:
    """A configured newsletter form posts to another site, which the policy must then allow."""
    newsletter = (settings.get("THEME_OPTIONS") or {}).get("newsletter") or {}
    action = urlsplit(str(newsletter.get("action", "")))
    return [f"{action.scheme}://{action.netloc}"] if action.scheme == "https" and action.netloc else []


def write_headers(pelican) -> None:
    options, problems = plugin_settings(pelican.settings, "SECURITY_HEADERS", DEFAULTS)
    for problem in problems:
        report(problem)
    frames = [
        f"https://{host}" for host in (pelican.settings.get("FRONT_MATTER") or {}).get("iframe_hosts", [])
    ]
    headers = site_headers(options, newsletter_origin(pelican.settings), frames)
    site_root = urlsplit(pelican.settings["SITEURL"]).path.rstrip("/")
    (Path(pelican.output_path) / "_headers").write_text(netlify_headers(headers, site_root), encoding="utf-8")


def register() -> None:
    before_publish.connect(write_headers)
