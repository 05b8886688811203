"""One subscriber's digest as an Internet message: multipart/alternative (text, then HTML), UTF-8, with
the list headers mail providers ask bulk senders for (RFC 2369, RFC 2919, RFC 8058), DKIM-signed when a
key is given.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

import dkim

from .render import Letter

# Signed, so none can be changed or added in transit without the signature failing; both List-Unsubscribe
# headers among them, as RFC 8058 section 4 requires.
SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"MIME-Version",
    b"Content-Type",
    b"List-Id",
    b"List-Archive",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"Reply-To",
)


@dataclass(frozen=True)
class Envelope:
    """What every message of one digest shares."""

    sender_name: str
    sender_address: str
    reply_to: str
    list_name: str
    list_id: str
    archive_url: str
    sent_at: datetime
    digest_number: int


@dataclass(frozen=True)
class DkimKey:
    selector: str
    domain: str
    private_key: bytes


def message_id(envelope: Envelope, subscriber_id: str) -> str:
    """Unique per digest and subscriber, the same on a retry (a resend is recognisable as one)."""
    token = hashlib.sha256(f"{envelope.digest_number}:{subscriber_id}".encode()).hexdigest()[:24]
    domain = envelope.sender_address.rpartition("@")[2]
    return f"<digest-{envelope.digest_number}.{token}@{domain}>"


def compose(
    letter: Letter, envelope: Envelope, recipient: str, subscriber_id: str, unsubscribe_url: str
) -> EmailMessage:
    page, text = letter.for_subscriber(unsubscribe_url)
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((envelope.sender_name, envelope.sender_address))
    message["To"] = recipient
    if envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(envelope.sent_at)
    message["Message-ID"] = message_id(envelope, subscriber_id)
    message["List-Id"] = f"{envelope.list_name} <{envelope.list_id}>"
    message["List-Archive"] = f"<{envelope.archive_url}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(page, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def signed_bytes(message: EmailMessage, key: DkimKey | None) -> bytes:
    """The message as sent: CRLF line ends, and a DKIM-Signature first when a key is given."""
    raw = message.as_bytes(policy=SMTP)
    if key is None:
        return raw
    present = [name for name in SIGNED_HEADERS if name.decode() in message]
    signature = dkim.sign(
        raw,
        key.selector.encode(),
        key.domain.encode(),
        key.private_key,
        include_headers=present,
        canonicalize=(b"relaxed", b"relaxed"),
    )
    return signature + raw
