"""security_headers: the HTTP headers the site is built to satisfy, written for the hosts that read them.

Its rule for every path goes into `_headers` (Netlify, Cloudflare Pages), which the core writes from every
plugin's rules (site_core/headers.py); README shows the same headers for nginx and Apache. The
Content-Security-Policy starts from `default-src 'none'` and allows only what the site uses: its own
scripts (plus WebAssembly for the search index), styles, images, fetches and forms (and, when one is
configured, the mailing-list service a sign-up form posts to). No 'unsafe-inline' anywhere: the site has no
inline scripts, styles or event handlers.
"""

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import site_core
from site_core import current_build, site_root

logger = logging.getLogger(__name__)

DEFAULT_CONTENT_SECURITY_POLICY = {
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
}


@dataclass(frozen=True)
class SecurityHeadersOptions:
    """The SECURITY_HEADERS setting."""

    content_security_policy: dict = field(default_factory=lambda: dict(DEFAULT_CONTENT_SECURITY_POLICY))
    strict_transport_security: str = "max-age=63072000; includeSubDomains"
    referrer_policy: str = "strict-origin-when-cross-origin"
    permissions_policy: str = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        "payment=(), usb=()"
    )
    cross_origin_resource_policy: str = "same-origin"
    cross_origin_opener_policy: str = "same-origin"


def content_security_policy(
    directives: dict[str, list[str]], form_actions: list[str], frames: list[str]
) -> str:
    merged = {**directives, "form-action": [*directives.get("form-action", []), *form_actions]}
    if frames:
        merged["frame-src"] = frames
    return "; ".join(" ".join([name, *values]) for name, values in merged.items())


def site_headers(
    options: SecurityHeadersOptions, form_actions: list[str], frames: list[str]
) -> dict[str, str]:
    """Every header for every page, in the order they are written."""
    policy = content_security_policy(dict(options.content_security_policy), form_actions, frames)
    return {
        "Content-Security-Policy": policy,
        "Strict-Transport-Security": options.strict_transport_security,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": options.referrer_policy,
        "Permissions-Policy": options.permissions_policy,
        "Cross-Origin-Resource-Policy": options.cross_origin_resource_policy,
        "Cross-Origin-Opener-Policy": options.cross_origin_opener_policy,
    }


def https_origin(address: str) -> list[str]:
    action = urlsplit(address)
    return [f"{action.scheme}://{action.netloc}"] if action.scheme == "https" and action.netloc else []


def newsletter_origin(settings: dict) -> list[str]:
    """A configured newsletter form posts to another site, which the policy must then allow."""
    newsletter = (settings.get("THEME_OPTIONS") or {}).get("newsletter") or {}
    return https_origin(str(newsletter.get("action", "")))


def digest_form_origin(settings: dict) -> list[str]:
    """The e-mail digest's sign-up form (the newsletter plugin) posts to the mailing-list service's public
    form: allowed when the Subscribe page shows it, that is when DIGEST has a sender address, a service and
    its form's address (`subscribe_form`)."""
    digest = settings.get("DIGEST") or {}
    if not isinstance(digest, dict) or not all(
        digest.get(key) for key in ("sender_address", "service", "subscribe_form")
    ):
        return []
    return https_origin(str(digest["subscribe_form"]))


def form_origins(settings: dict) -> list[str]:
    """Every other site a form of this site posts to, each once."""
    return list(dict.fromkeys([*newsletter_origin(settings), *digest_form_origin(settings)]))


def declare_headers(pelican) -> None:
    """The headers of every path, for the core to write into `_headers`."""
    settings = pelican.settings
    build = current_build(settings)
    options = build.options("SECURITY_HEADERS", SecurityHeadersOptions)
    frames = [f"https://{host}" for host in (settings.get("FRONT_MATTER") or {}).get("iframe_hosts", [])]
    headers = site_headers(options, form_origins(settings), frames)
    build.declare_headers(
        f"{site_root(settings)}/*", headers, by="security_headers", setting="SECURITY_HEADERS"
    )


def register() -> None:
    site_core.connect()
    site_core.before_publish.connect(declare_headers)
