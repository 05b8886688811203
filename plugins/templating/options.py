"""The THEME_OPTIONS setting: banner, navigation, social links, helplines and share links."""

from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from site_core import Problem, config_problem, merge_options

DEFAULTS = {
    # GOV.UK-style notification banner above every page, or None for none:
    # {"heading": "Announcement", "title": "...", "text": "...", "links": [{"text": ..., "url": ...}],
    #  "until": "2027-03-31"}: shown up to and including `until` (the site's TIMEZONE), if given.
    "banner": None,
    # Main navigation as [{"text": ..., "url": ...}]; None gives Home, each category that has
    # articles, Knowledge & Resources, Search, Subscribe and Contact.
    "navigation": None,
    # Plain links to the organisation's social media pages: [{"name": "LinkedIn", "url": ...}]
    "social_links": [],
    # Support box shown with every content note: [{"name": ..., "number": ..., "description": ...}]
    "helplines": [
        {
            "name": "NSPCC Helpline",
            "number": "0808 800 5000",
            "description": "for adults worried about a child",
        },
        {
            "name": "Childline",
            "number": "0800 1111",
            "description": "for children and young people, free and confidential",
        },
        {
            "name": "Samaritans",
            "number": "116 123",
            "description": "for anyone who needs to talk, day or night",
        },
    ],
    # Share links under each article, in this order; each is a plain link that loads nothing until clicked.
    "share_networks": ["email", "linkedin", "x", "facebook"],
    # Optional newsletter sign-up on /subscribe/, posted straight to your mailing-list provider, or None:
    # {"action": "https://lists.example.org/subscribe", "field": "email", "text": "One line about it."}
    "newsletter": None,
}
BANNER_KEYS = {"heading": "Announcement", "title": None, "text": "", "links": [], "until": None}
SHARE_URLS = {
    "email": ("Email", "mailto:?subject={title}&body={url}"),
    "linkedin": ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
    "x": ("X", "https://x.com/intent/post?url={url}&text={title}"),
    "facebook": ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
}


def _links_problems(settings: dict, where: str, links, keys: tuple[str, ...]) -> list[Problem]:
    if not isinstance(links, list) or not all(
        isinstance(link, dict) and all(isinstance(link.get(key), str) and link[key] for key in keys)
        for link in links
    ):
        example = ", ".join(f'"{key}": "..."' for key in keys)
        return [
            config_problem(
                settings,
                "THEME_OPTIONS",
                where,
                f"THEME_OPTIONS `{where}` must be a list of {{{example}}}",
                "give every entry each of those keys, as text",
            )
        ]
    return []


def _end_date(settings: dict, value) -> tuple[date | None, Problem | None]:
    """The banner's last day: `until` as a date (a `date`, or text such as "2027-03-31")."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value, None
    try:
        return date.fromisoformat(str(value)), None
    except ValueError:
        return None, config_problem(
            settings,
            "THEME_OPTIONS",
            "until",
            f"THEME_OPTIONS `banner` `until` is {value!r}, not a date",
            'write the banner\'s last day as "until": "2027-03-31"',
        )


def shown_banner(banner: dict | None, settings: dict, now: datetime) -> dict | None:
    """The banner, or None once its `until` day is over in the site's time zone."""
    if banner is None or banner.get("until") is None:
        return banner
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    return banner if now.astimezone(zone).date() <= banner["until"] else None


def load_options(settings: dict) -> tuple[dict, list[Problem]]:
    options, problems = merge_options(settings, "THEME_OPTIONS", DEFAULTS)
    banner = options["banner"]
    if banner is not None:
        if not isinstance(banner, dict) or not isinstance(banner.get("title"), str):
            problems.append(
                config_problem(
                    settings,
                    "THEME_OPTIONS",
                    "banner",
                    "THEME_OPTIONS `banner` needs at least a `title`",
                    'write it as "banner": {"title": "...", "links": [...]}, or None',
                )
            )
            options["banner"] = None
        else:
            unknown = sorted(set(banner) - set(BANNER_KEYS))
            problems += [
                config_problem(
                    settings,
                    "THEME_OPTIONS",
                    key,
                    f"THEME_OPTIONS `banner` has an unknown key `{key}`",
                    f"use only: {', '.join(BANNER_KEYS)}",
                )
                for key in unknown
            ]
            options["banner"] = {**BANNER_KEYS, **banner}
            problems += _links_problems(settings, "links", options["banner"]["links"], ("text", "url"))
            until, problem = _end_date(settings, options["banner"]["until"])
            options["banner"]["until"] = until
            problems += [problem] if problem else []
    if options["navigation"] is not None:
        problems += _links_problems(settings, "navigation", options["navigation"], ("text", "url"))
    problems += _links_problems(settings, "social_links", options["social_links"], ("name", "url"))
    problems += _links_problems(settings, "helplines", options["helplines"], ("name", "number"))
    newsletter = options["newsletter"]
    if newsletter is not None and not (
        isinstance(newsletter, dict) and str(newsletter.get("action", "")).startswith("https://")
    ):
        problems.append(
            config_problem(
                settings,
                "THEME_OPTIONS",
                "newsletter",
                "THEME_OPTIONS `newsletter` needs an `action` address starting https://",
                'write it as "newsletter": {"action": "https://...", "field": "email"}',
            )
        )
        options["newsletter"] = None
    elif newsletter is not None:
        options["newsletter"] = {
            "field": "email",
            "text": "Prefer email? Sign up for our newsletter.",
            **newsletter,
        }
    unknown_networks = [n for n in options["share_networks"] if n not in SHARE_URLS]
    if unknown_networks:
        problems.append(
            config_problem(
                settings,
                "THEME_OPTIONS",
                "share_networks",
                f"THEME_OPTIONS `share_networks` has unknown {', '.join(unknown_networks)}",
                f"choose from: {', '.join(SHARE_URLS)}",
            )
        )
        options["share_networks"] = [n for n in options["share_networks"] if n in SHARE_URLS]
    return options, problems


def share_links(url: str, title: str, networks: list[str]) -> list[tuple[str, str]]:
    """(network name, share URL) pairs: plain links, so nothing loads from those sites until clicked."""
    values = {"url": quote(url, safe=""), "title": quote(title, safe="")}
    return [(SHARE_URLS[n][0], SHARE_URLS[n][1].format(**values)) for n in networks]
