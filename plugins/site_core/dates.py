"""Dates as the site writes them for readers: `24 November 2026`, as GOV.UK does, whatever the machine's
locale (the theme's `long_date` filter, the e-mail digest, the digest archive)."""

from datetime import date

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(moment: date) -> str:
    """`24 November 2026`."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
