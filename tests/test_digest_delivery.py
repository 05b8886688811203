"""The digest delivered for real: to an SMTP server on 127.0.0.1 (aiosmtpd), and to a stand-in listmonk
that answers its documented API, with the exact requests checked. The whole command runs as an author
runs it (`invoke digest`) on a copy of the project.
"""

import base64
import email
import email.policy
import json
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dkim
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from commands.digest.delivery import DeliveryError, SmtpServer, Subscriber, send_by_smtp
from commands.digest.message import DkimKey, Envelope, compose, signed_bytes
from commands.digest.render import Letter
from conftest import run_invoke
from site_core.digest import SENT, DigestRecord, Ledger, read_ledger, write_ledger

LETTER = Letter("Children First: the week to 7 December 2026", "<p>Stories: café</p>", "Stories: café")
ENVELOPE = Envelope(
    sender_name="Children First",
    sender_address="digest@children-first.example",
    reply_to="",
    list_name="Children First digest",
    list_id="digest.children-first.example",
    archive_url="https://children-first.example/newsletter/",
    sent_at=datetime(2026, 12, 7, 7, tzinfo=UTC),
    digest_number=3,
)
SUBSCRIBERS = [
    Subscriber(str(n), f"reader{n}@example.org", f"https://lists.example.org/subscription/u-{n}")
    for n in range(5)
]


class Mailbox:
    """What the SMTP server received; it answers 421 (going away) to every message after `accept`."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.accept: int | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.accept is not None and len(self.messages) >= self.accept:
            return "421 4.3.0 Service shutting down"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def dkim_pair() -> tuple[bytes, str]:
    """A private key (PEM) and the DNS record's `p=` value for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, base64.b64encode(public).decode()


def dns_with(record: str):
    def lookup(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"cf2026._domainkey.children-first.example."
        return f"v=DKIM1; k=rsa; p={record}".encode()

    return lookup


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_each_subscriber_gets_a_multipart_message_with_the_list_headers(smtp, tmp_path):
    mailbox, port = smtp
    record = DigestRecord(3, "2026-12-07", LETTER.subject, ["articles/a/"])
    ledger = Ledger(digests=[record])
    path = tmp_path / "ledger.json"
    sent, refused = send_by_smtp(
        LETTER, ENVELOPE, SUBSCRIBERS, record, lambda: write_ledger(path, ledger),
        SmtpServer("127.0.0.1", port, "none", "", ""), None, 2,
    )  # fmt: skip
    assert (sent, refused) == (5, [])
    assert [rcpt for _, rcpt, _ in mailbox.messages] == [[s.address] for s in SUBSCRIBERS]
    assert read_ledger(path).digests[0].state == SENT
    bodies = []
    for (sender, _, raw), subscriber in zip(mailbox.messages, SUBSCRIBERS, strict=True):
        message = parsed(raw)
        assert sender == "digest@children-first.example"
        assert message["From"] == "Children First <digest@children-first.example>"
        assert message["To"] == subscriber.address
        assert message["Subject"] == LETTER.subject
        assert message["List-Id"] == "Children First digest <digest.children-first.example>"
        assert message["List-Archive"] == "<https://children-first.example/newsletter/>"
        assert message["List-Unsubscribe"] == f"<{subscriber.unsubscribe_url}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_content_type() == "multipart/alternative"
        parts = list(message.iter_parts())
        assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
        assert all(part.get_content_charset() == "utf-8" for part in parts)
        assert parts[0].get_content().strip() == "Stories: café"
        bodies.append([part.get_content() for part in parts])
    assert (
        len({message_id for message_id in (parsed(raw)["Message-ID"] for *_, raw in mailbox.messages)}) == 5
    )


def test_two_subscribers_messages_differ_only_in_their_unsubscribe_address():
    letter = Letter("S", '<p><a href="https://unsubscribe.invalid/digest-subscriber">Unsubscribe</a></p>',
                    "Unsubscribe: https://unsubscribe.invalid/digest-subscriber")  # fmt: skip
    one, two = (compose(letter, ENVELOPE, s.address, s.id, s.unsubscribe_url) for s in SUBSCRIBERS[:2])
    for part_one, part_two in zip(one.iter_parts(), two.iter_parts(), strict=True):
        assert part_one.get_content().replace("u-0", "u-1") == part_two.get_content()
        assert "u-0" in part_one.get_content()


def test_a_signed_message_verifies_and_fails_when_a_signed_header_changes(dkim_pair):
    private, public = dkim_pair
    key = DkimKey("cf2026", "children-first.example", private)
    raw = signed_bytes(compose(LETTER, ENVELOPE, "reader@example.org", "9", "https://l.example.org/u/9"), key)
    assert raw.startswith(b"DKIM-Signature:")
    signature = parsed(raw)["DKIM-Signature"].replace(" ", "").replace("\t", "")
    signed = dict(part.split("=", 1) for part in signature.split(";") if "=" in part)["h"].lower().split(":")
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "subject", "list-id"} <= set(signed)
    assert dkim.verify(raw, dnsfunc=dns_with(public))
    for header, changed in (
        (b"List-Unsubscribe: <https://l.example.org/u/9>", b"List-Unsubscribe: <https://evil.example/u/9>"),
        (b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: nothing"),
        (b"Subject: Children First", b"Subject: Children Last"),
    ):
        assert header in raw
        assert not dkim.verify(raw.replace(header, changed), dnsfunc=dns_with(public))


def test_a_send_stopped_after_n_of_m_resumes_with_only_the_rest(smtp, tmp_path):
    mailbox, port = smtp
    path = tmp_path / "ledger.json"
    record = DigestRecord(3, "2026-12-07", LETTER.subject, ["articles/a/"])
    ledger = Ledger(digests=[record])
    server = SmtpServer("127.0.0.1", port, "none", "", "")
    mailbox.accept = 2
    with pytest.raises(DeliveryError, match=r"after 2 of 5 subscribers.*run the same command again"):
        send_by_smtp(
            LETTER, ENVELOPE, SUBSCRIBERS, record, lambda: write_ledger(path, ledger), server, None, 10
        )
    saved = read_ledger(path).digests[0]
    assert saved.state != SENT
    assert saved.delivered == ["0", "1"]
    assert "@" not in path.read_text(encoding="utf-8"), "the ledger never holds an address"
    mailbox.accept = None
    resumed = read_ledger(path)
    sent, _ = send_by_smtp(
        LETTER,
        ENVELOPE,
        SUBSCRIBERS,
        resumed.digests[0],
        lambda: write_ledger(path, resumed),
        server,
        None,
        10,
    )
    assert sent == 3
    assert [rcpt[0] for _, rcpt, _ in mailbox.messages] == [s.address for s in SUBSCRIBERS]
    assert read_ledger(path).digests[0].state == SENT


def test_an_unreachable_smtp_server_is_one_line_and_nothing_is_recorded(tmp_path):
    path = tmp_path / "ledger.json"
    record = DigestRecord(3, "2026-12-07", LETTER.subject, ["articles/a/"])
    ledger = Ledger(digests=[record])
    server = SmtpServer("127.0.0.1", free_port(), "none", "", "", timeout=2)
    with pytest.raises(DeliveryError, match=r"^the SMTP server 127\.0\.0\.1:\d+ cannot be used: ") as raised:
        send_by_smtp(
            LETTER, ENVELOPE, SUBSCRIBERS, record, lambda: write_ledger(path, ledger), server, None, 10
        )
    assert "\n" not in str(raised.value)
    assert not path.exists()
    assert record.delivered == []


class Listmonk(BaseHTTPRequestHandler):
    """listmonk's API as its documentation describes it, recording every request."""

    requests: list[tuple[str, str, str, dict | None]]
    campaign_status = "draft"

    def log_message(self, *args) -> None:
        """Quiet."""

    def answer(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self) -> dict | None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        type(self).requests.append((self.command, self.path, self.headers.get("Authorization"), body))
        return body

    def do_GET(self) -> None:
        self.record()
        if self.path.startswith("/api/subscribers"):
            self.answer({"data": {"results": [
                {"id": 11, "uuid": "aaa-11", "email": "one@example.org", "status": "enabled"},
                {"id": 12, "uuid": "bbb-12", "email": "two@example.org", "status": "enabled"},
                {"id": 13, "uuid": "ccc-13", "email": "gone@example.org", "status": "blocklisted"},
            ], "total": 3, "per_page": -1, "page": 1}})  # fmt: skip
        else:
            self.answer({"data": {"id": 7, "status": type(self).campaign_status}})

    def do_POST(self) -> None:
        self.record()
        self.answer({"data": {"id": 7, "status": "draft"}})

    def do_PUT(self) -> None:
        self.record()
        type(self).campaign_status = "running"
        self.answer({"data": True})

    def do_DELETE(self) -> None:
        self.record()
        self.answer({"data": True})


@pytest.fixture
def listmonk():
    Listmonk.requests = []
    Listmonk.campaign_status = "draft"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Listmonk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Listmonk, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def configure(project: Path, **digest) -> None:
    """The project's DIGEST setting replaced by `digest`, and an empty ledger so every article is new."""
    settings = project / "publishconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + f"\nDIGEST = {digest!r}\n", encoding="utf-8")
    write_ledger(project / "newsletter" / "ledger.json", Ledger())


SERVICE = {
    "sender_address": "digest@children-first.example",
    "list_id": "digest.children-first.example",
    "service": "listmonk",
    "service_list": 3,
}


def test_the_digest_is_handed_to_listmonk_as_one_campaign_and_never_twice(project, listmonk):
    handler, url = listmonk
    configure(project, **SERVICE, service_url=url)
    environment = {"DIGEST_SERVICE_TOKEN": "digest:s3cret"}
    result = run_invoke(project, "digest", "--send", environment=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "handed to listmonk as campaign 7" in result.stdout
    methods = [(method, path) for method, path, _, _ in handler.requests]
    assert methods == [("POST", "/api/campaigns"), ("PUT", "/api/campaigns/7/status")]
    assert {auth for _, _, auth, _ in handler.requests} == {"token digest:s3cret"}
    created = handler.requests[0][3]
    assert created["lists"] == [3]
    assert created["content_type"] == "html"
    assert created["type"] == "regular"
    assert created["from_email"] == "Children First <digest@children-first.example>"
    assert created["subject"].startswith("Children First: the week to ")
    assert "{{ UnsubscribeURL }}" in created["body"]
    assert "{{ UnsubscribeURL }}" in created["altbody"]
    assert "unsubscribe.invalid" not in created["body"]
    assert handler.requests[1][3] == {"status": "running"}
    ledger = read_ledger(project / "newsletter" / "ledger.json")
    assert [(d.number, d.state, d.campaign) for d in ledger.digests] == [(1, SENT, "7")]
    assert len(ledger.digests[0].articles) == len(created["body"].split('class="story-title"')) - 1

    again = run_invoke(project, "digest", "--send", environment=environment)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No new articles since digest 1" in again.stdout
    assert len(handler.requests) == 2


def test_a_campaign_created_before_a_crash_is_started_not_made_again(project, listmonk):
    handler, url = listmonk
    configure(project, **SERVICE, service_url=url)
    ledger = read_ledger(project / "newsletter" / "ledger.json")
    ledger.digests.append(
        DigestRecord(1, "2026-12-07", "Digest", ["articles/kinship-care-feature/"], campaign="7")
    )
    write_ledger(project / "newsletter" / "ledger.json", ledger)
    handler.campaign_status = "running"  # the last run started it, then stopped before writing the ledger
    result = run_invoke(project, "digest", "--send", environment={"DIGEST_SERVICE_TOKEN": "digest:s3cret"})
    assert result.returncode == 0, result.stdout + result.stderr
    methods = [(method, path) for method, path, _, _ in handler.requests]
    # Campaign 7 is not started again; the articles it did not carry go out as digest 2.
    assert methods[:1] == [("GET", "/api/campaigns/7")]
    assert ("PUT", "/api/campaigns/7/status") not in methods[:2]
    numbers = [(d.number, d.state) for d in read_ledger(project / "newsletter" / "ledger.json").digests]
    assert numbers == [(1, SENT), (2, SENT)]


def test_by_smtp_each_confirmed_subscriber_gets_their_own_signed_message(project, listmonk, smtp, dkim_pair):
    handler, url = listmonk
    mailbox, port = smtp
    private, public = dkim_pair
    (project / "dkim.pem").write_bytes(private)
    configure(
        project,
        **SERVICE,
        service_url=url,
        delivery="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        unsubscribe_url=url + "/subscription/{uuid}",
        dkim_selector="cf2026",
        dkim_domain="children-first.example",
        dkim_key_file="dkim.pem",
    )
    result = run_invoke(project, "digest", "--send", environment={"DIGEST_SERVICE_TOKEN": "digest:s3cret"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert [rcpt for _, rcpt, _ in mailbox.messages] == [["one@example.org"], ["two@example.org"]]
    assert handler.requests[0][:2] == (
        "GET",
        "/api/subscribers?list_id=3&subscription_status=confirmed&per_page=all",
    )
    for (_, _, raw), uuid in zip(mailbox.messages, ("aaa-11", "bbb-12"), strict=True):
        assert dkim.verify(raw, dnsfunc=dns_with(public))
        message = parsed(raw)
        assert message["List-Unsubscribe"] == f"<{url}/subscription/{uuid}>"
        html = message.get_body(("html",)).get_content()
        assert f'href="{url}/subscription/{uuid}"' in html
    assert "@" not in (project / "newsletter" / "ledger.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("digest", "environment", "message"),
    [
        ({"list_id": "d.example.org"}, {}, "DIGEST has no `sender_address`"),
        ({**SERVICE, "service_url": "https://lists.example.org"}, {}, "DIGEST_SERVICE_TOKEN"),
        ({"sender_address": "d@example.org", "list_id": "d.example.org"}, {}, "DIGEST has no `service`"),
        (
            {**SERVICE, "service_url": "https://l.example.org", "delivery": "smtp", "unsubscribe_url": "x"},
            {"DIGEST_SERVICE_TOKEN": "a:b"},
            "DIGEST has no `smtp_host`",
        ),
        ({**SERVICE, "service_url": "https://l.example.org", "servce": 1}, {}, "unknown key `servce`"),
    ],
)
def test_bad_configuration_is_a_clear_error_before_anything_is_built_or_sent(
    project, digest, environment, message
):
    configure(project, **digest)
    before = (project / "newsletter" / "ledger.json").read_bytes()
    result = run_invoke(project, "digest", "--send", environment=environment, timeout=60)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "public").exists()
    assert (project / "newsletter" / "ledger.json").read_bytes() == before


class Buttondown(BaseHTTPRequestHandler):
    """Buttondown's e-mails API as its documentation describes it, recording every request."""

    requests: list[tuple[str, str, str, dict | None]]

    log_message = Listmonk.log_message
    answer = Listmonk.answer
    record = Listmonk.record

    def do_POST(self) -> None:
        self.record()
        self.answer({"id": "em-1", "status": "draft"}, status=201)

    def do_PATCH(self) -> None:
        body = self.record()
        self.answer({"id": "em-1", "status": body["status"]})


def test_the_digest_is_handed_to_buttondown_as_a_draft_then_sent(project):
    Buttondown.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Buttondown)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        configure(
            project,
            sender_address="digest@children-first.example",
            list_id="digest.children-first.example",
            service="buttondown",
            service_url=f"http://127.0.0.1:{server.server_address[1]}",
        )
        result = run_invoke(project, "digest", "--send", environment={"DIGEST_SERVICE_TOKEN": "bd-key"})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "handed to Buttondown as campaign em-1" in result.stdout
    assert [(m, p, a) for m, p, a, _ in Buttondown.requests] == [
        ("POST", "/v1/emails", "Token bd-key"),
        ("PATCH", "/v1/emails/em-1", "Token bd-key"),
    ]
    created = Buttondown.requests[0][3]
    assert created["status"] == "draft"
    assert created["metadata"] == {"digest": 1}
    assert "{{ unsubscribe_url }}" in created["body"]
    assert Buttondown.requests[1][3] == {"status": "about_to_send"}
    assert read_ledger(project / "newsletter" / "ledger.json").digests[0].campaign == "em-1"


def test_a_test_send_is_marked_and_records_nothing(project, smtp):
    mailbox, port = smtp
    configure(
        project,
        sender_address="digest@children-first.example",
        list_id="digest.children-first.example",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
    )
    before = (project / "newsletter" / "ledger.json").read_bytes()
    result = run_invoke(project, "digest", "--test", "editor@children-first.example")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing is recorded as sent" in result.stdout
    ((_, recipients, raw),) = mailbox.messages
    assert recipients == ["editor@children-first.example"]
    assert parsed(raw)["Subject"].startswith("[TEST] Children First: the week to ")
    assert (project / "newsletter" / "ledger.json").read_bytes() == before


@pytest.mark.parametrize(("moment", "sends"), [("1796626800", True), ("1796630400", False)])
def test_a_scheduled_run_sends_only_in_its_hour(project, listmonk, moment, sends):
    """Monday 7 December 2026: 07:00 in London is 07:00 UTC (winter); at 08:00 nothing is sent."""
    handler, url = listmonk
    configure(project, **SERVICE, service_url=url)
    environment = {"DIGEST_SERVICE_TOKEN": "digest:s3cret", "SOURCE_DATE_EPOCH": moment}
    result = run_invoke(project, "digest", "--send", "--scheduled", environment=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert bool(handler.requests) == sends
    if not sends:
        assert "Not the digest's hour (Monday 07:00, Europe/London): nothing sent." in result.stdout
