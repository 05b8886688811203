"""templating: the Jinja filters and globals every template of the theme relies on.

British dates without the system locale (so a build is the same on every machine), the site's root
path for host-independent links, and absolute URLs for canonical links and feeds.
"""

import logging
from datetime import datetime
from urllib.parse import urlsplit

from pelican import signals

logger = logging.getLogger(__name__)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(moment: datetime) -> str:
    """`24 November 2026`, as GOV.UK writes dates, whatever the machine's locale."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def iso_datetime(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def site_root(siteurl: str) -> str:
    """The path part of SITEURL (`""` or `/sub/folder`), prefixed to every internal link."""
    return urlsplit(siteurl or "").path.rstrip("/")


def absolute_url(path: str, siteurl: str) -> str:
    return f"{(siteurl or '').rstrip('/')}/{path.lstrip('/')}"


def add_helpers(generator) -> None:
    siteurl = generator.settings.get("SITEURL", "")
    generator.env.filters.update(long_date=long_date, iso_datetime=iso_datetime)
    generator.env.filters["absolute_url"] = lambda path: absolute_url(path, siteurl)
    generator.env.globals["SITE_ROOT"] = site_root(siteurl)


def register() -> None:
    signals.generator_init.connect(add_helpers)
