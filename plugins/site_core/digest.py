"""The e-mail digest's setting and its ledger, shared by `dev.py digest` (which sends and writes the ledger)
and the newsletter plugin (which publishes the archive of what was sent).

The ledger is a JSON file in the repository (`DIGEST["ledger"]`, committed after each send so every run
of the workflow shares it). It records which articles each digest carried, by the article's address on the
site (`articles/slug/`, the path of the feeds' permanent id), never by date: an article is new to the digest
when neither its address nor any of its `aliases` is in the ledger. It holds no personal data: a digest
being sent records the service's opaque ids of the subscribers who have it, so a run after a crash sends to
the rest only.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .store import replace_text

LEDGER_FORMAT = 1
SENDING = "sending"
SENT = "sent"


@dataclass(frozen=True)
class DigestOptions:
    """The DIGEST setting. Nothing is sent and the site is unchanged while `sender_address` is empty."""

    # Where the ledger lives, from the project's folder.
    ledger: str = "newsletter/ledger.json"
    # The subject: {site} is SITENAME, {date} the digest's date ("7 December 2026").
    subject: str = "{site}: the week to {date}"
    sender_name: str = ""  # default: SITENAME
    sender_address: str = ""
    reply_to: str = ""
    # The sender's postal address, one line per entry (default: ORGANISATION's address).
    postal_address: tuple = ()
    # The list's identifier for List-Id, a domain name the sender controls ("digest.example.org").
    list_id: str = ""
    # When the workflow sends it, in the site's TIMEZONE: a day of the week and an hour ("Monday 07:00").
    schedule: str = "Monday 07:00"
    # The first digest carries the articles published this many days before it; older ones never go out.
    first_digest_days: int = 7
    # The mailing-list service that keeps the subscribers: "" (none), "listmonk" or "buttondown".
    service: str = ""
    # The service's API address ("https://lists.example.org" for listmonk, "https://api.buttondown.com").
    service_url: str = ""
    # listmonk: the id of the list the digest goes to, its UUID (its public subscription form asks for it)
    # and the id of a campaign template that holds only `{{ template "content" . }}` (listmonk's default
    # template adds a tracking pixel; 0 uses the default).
    service_list: int = 0
    service_list_uuid: str = ""
    service_template: int = 0
    # The page of the service's public subscription form the Subscribe page posts to (double opt-in there).
    subscribe_form: str = ""
    # How the digest leaves: "service" (the service's campaign API sends it) or "smtp" (sent from here to
    # each subscriber the service lists).
    delivery: str = "service"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    # "starttls" (port 587), "tls" (port 465) or "none" (a relay on the same machine or network only).
    smtp_security: str = "starttls"
    # SMTP only: each subscriber's unsubscribe address, {uuid} being the service's id for them.
    unsubscribe_url: str = ""
    # DKIM signing (SMTP only; a service signs its own): the selector and domain of the DNS record, and
    # the private key's file (or the DIGEST_DKIM_KEY environment variable holding the key itself).
    dkim_selector: str = ""
    dkim_domain: str = ""
    dkim_key_file: str = ""
    # SMTP only: how many messages go out before the ledger records them (a crash repeats none).
    batch_size: int = 50

    @property
    def enabled(self) -> bool:
        return bool(self.sender_address)


@dataclass
class DigestRecord:
    """One digest: its number, date (ISO, the site's time zone), subject, the addresses of its articles in
    the order it showed them and their source files (a re-slugged article without an alias is still known
    by its file), and while it is being sent, the subscribers who already have it."""

    number: int
    date: str
    subject: str
    articles: list[str]
    sources: list[str] = field(default_factory=list)
    state: str = SENDING
    delivered: list[str] = field(default_factory=list)
    campaign: str = ""


@dataclass
class Ledger:
    """Every digest made, and the articles published before the first (`baseline`: their addresses and
    source files), which none carries."""

    baseline: list[str] = field(default_factory=list)
    digests: list[DigestRecord] = field(default_factory=list)

    def carried(self) -> set[str]:
        """Every address already sent, being sent, or published before the digest began."""
        return set(self.baseline).union(
            *(d.articles for d in self.digests), *(d.sources for d in self.digests)
        )

    def sent(self) -> list[DigestRecord]:
        return [digest for digest in self.digests if digest.state == SENT]

    def unfinished(self) -> DigestRecord | None:
        return next((digest for digest in self.digests if digest.state != SENT), None)


def ledger_address(address: str) -> str:
    """An address as the ledger keeps it (`articles/slug/`): a path from the site's root, no leading slash,
    %-escapes decoded (an alias is written escaped, as the old address was)."""
    return unquote(address).lstrip("/")


def ledger_source(source_path, content_root: Path) -> str | None:
    """A source file as the ledger keeps it: its path from the content folder (Pelican's PATH), or None
    for a file outside it."""
    source = Path(source_path or "")
    if not source.is_absolute():
        return None
    if source.is_relative_to(content_root):
        return source.relative_to(content_root).as_posix()
    # Only then the real folder (a file system call): Pelican's own paths are under the root as given.
    real = content_root.resolve()
    return source.relative_to(real).as_posix() if source.is_relative_to(real) else None


class LedgerError(ValueError):
    """The ledger file cannot be read: it names the file and what is wrong."""


def read_ledger(path: Path) -> Ledger | None:
    """The ledger, or None when there is none yet (no digest was ever made)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise LedgerError(f"{path}: the digest ledger cannot be read ({error})") from error
    if not isinstance(raw, dict) or raw.get("format") != LEDGER_FORMAT:
        raise LedgerError(f"{path}: not a digest ledger of format {LEDGER_FORMAT}")
    try:
        return Ledger(
            baseline=[str(address) for address in raw.get("baseline", [])],
            digests=[DigestRecord(**digest) for digest in raw.get("digests", [])],
        )
    except TypeError as error:
        raise LedgerError(f"{path}: a digest in the ledger is malformed ({error})") from error


def write_ledger(path: Path, ledger: Ledger) -> None:
    """Replace the ledger whole (a crash leaves the old file or the new one, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_text(
        path, json.dumps({"format": LEDGER_FORMAT, **asdict(ledger)}, indent=1, ensure_ascii=False) + "\n"
    )
