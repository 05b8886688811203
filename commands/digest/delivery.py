"""Getting a digest to its subscribers: by the mailing-list service's campaign API, or by SMTP from here
to each subscriber the service lists. Either way the ledger records progress as it happens, so a run that
stops half-way is finished by the next one, and nothing is recorded as sent that was not accepted.

Two services are spoken to. listmonk (https://listmonk.app/docs/apis/): `GET /api/subscribers`, `POST
/api/campaigns`, `GET /api/campaigns/{id}`, `PUT /api/campaigns/{id}/status`, `POST
/api/campaigns/{id}/test` and `DELETE /api/campaigns/{id}`, authenticated as an API user
(`Authorization: token user:token`). Buttondown: `POST /v1/emails`, `GET` and `PATCH /v1/emails/{id}`,
`POST /v1/emails/{id}/send-draft` and `DELETE /v1/emails/{id}` (`Authorization: Token KEY`); it keeps its
own subscribers' addresses, so SMTP delivery lists subscribers from listmonk only.
"""

import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from site_core.digest import SENT, DigestRecord

from .message import DkimKey, Envelope, compose, signed_bytes
from .render import UNSUBSCRIBE, Letter

logger = logging.getLogger(__name__)

# listmonk's own tag for each subscriber's unsubscribe address (its campaign bodies are Go templates).
LISTMONK_UNSUBSCRIBE = "{{ UnsubscribeURL }}"
# Buttondown's tag for the same (its e-mails are Django templates).
BUTTONDOWN_UNSUBSCRIBE = "{{ unsubscribe_url }}"
# A campaign in these states is with listmonk's sender already: starting it again would send it twice.
LISTMONK_UNDER_WAY = frozenset({"running", "finished", "paused", "scheduled"})


class DeliveryError(RuntimeError):
    """The digest could not be (wholly) delivered; one line saying why, and what was done."""


@dataclass(frozen=True)
class Subscriber:
    """A subscriber as the service knows them: its own id (the ledger keeps only that), their address,
    and their unsubscribe address."""

    id: str
    address: str
    unsubscribe_url: str


class JsonApi:
    """A service's JSON API at `base_url`, each failure a DeliveryError naming the service and the call."""

    name = "the service"
    authorization = "token {token}"

    def __init__(self, base_url: str, token: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": self.authorization.format(token=self.token),
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:200]
            raise DeliveryError(
                f"{self.name} at {self.base_url} answered {method} {path} with {error.code}: {detail}"
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DeliveryError(f"{self.name} at {self.base_url} cannot be reached ({error})") from None


class Listmonk(JsonApi):
    name = "listmonk"

    def __init__(self, base_url: str, token: str, list_id: int, template_id: int = 0, timeout: float = 30):
        super().__init__(base_url, token, timeout)
        self.list_id = list_id
        self.template_id = template_id

    def subscribers(self, unsubscribe_url: str) -> list[Subscriber]:
        """The list's confirmed subscribers; `unsubscribe_url` makes each one's address from their uuid."""
        found = self.request(
            "GET", f"/api/subscribers?list_id={self.list_id}&subscription_status=confirmed&per_page=all"
        )
        results = (found.get("data") or {}).get("results") or []
        return [
            Subscriber(str(item["id"]), item["email"], unsubscribe_url.format(uuid=item["uuid"]))
            for item in results
            if item.get("status") == "enabled"
        ]

    def campaign_body(self, letter: Letter, envelope: Envelope, subject: str) -> dict:
        page, text = letter.for_subscriber(LISTMONK_UNSUBSCRIBE)
        body = {
            "name": f"{envelope.list_name} {envelope.digest_number}",
            "subject": subject,
            "lists": [self.list_id],
            "from_email": f"{envelope.sender_name} <{envelope.sender_address}>",
            "type": "regular",
            "content_type": "html",
            "body": go_template_safe(page, LISTMONK_UNSUBSCRIBE),
            "altbody": go_template_safe(text, LISTMONK_UNSUBSCRIBE),
            "messenger": "email",
            "tags": ["digest"],
            "headers": [{"List-Archive": f"<{envelope.archive_url}>"}],
        }
        if self.template_id:
            body["template_id"] = self.template_id
        return body

    def send_campaign(self, letter: Letter, envelope: Envelope, record: DigestRecord, save: Callable) -> None:
        """Create the campaign (its id saved at once), then start it. A campaign already started by an
        earlier run is not started again."""
        if record.campaign:
            status = (self.request("GET", f"/api/campaigns/{record.campaign}").get("data") or {}).get(
                "status"
            )
            if status in LISTMONK_UNDER_WAY:
                record.state = SENT
                save()
                return
        else:
            created = self.request(
                "POST", "/api/campaigns", self.campaign_body(letter, envelope, letter.subject)
            )
            record.campaign = str(created["data"]["id"])
            save()
        self.request("PUT", f"/api/campaigns/{record.campaign}/status", {"status": "running"})
        record.state = SENT
        save()

    def send_test(self, letter: Letter, envelope: Envelope, address: str) -> None:
        """A draft campaign sent to `address` only, then deleted: nothing counts as sent."""
        created = self.request("POST", "/api/campaigns", self.campaign_body(letter, envelope, letter.subject))
        campaign = created["data"]["id"]
        try:
            self.request("POST", f"/api/campaigns/{campaign}/test", {"subscribers": [address]})
        finally:
            self.request("DELETE", f"/api/campaigns/{campaign}")


class Buttondown(JsonApi):
    """Buttondown's API (https://docs.buttondown.com/api-emails-introduction): an e-mail is created as a
    draft (its id saved at once), then its status set to `about_to_send`, which sends it."""

    name = "Buttondown"
    authorization = "Token {token}"

    def email_body(self, letter: Letter, envelope: Envelope, subject: str, status: str) -> dict:
        page, _ = letter.for_subscriber(BUTTONDOWN_UNSUBSCRIBE)
        return {
            "subject": subject,
            "body": go_template_safe(page, BUTTONDOWN_UNSUBSCRIBE),
            "status": status,
            "metadata": {"digest": envelope.digest_number},
        }

    def send_campaign(self, letter: Letter, envelope: Envelope, record: DigestRecord, save: Callable) -> None:
        if record.campaign:
            status = self.request("GET", f"/v1/emails/{record.campaign}").get("status")
            if status != "draft":
                record.state = SENT
                save()
                return
        else:
            created = self.request(
                "POST", "/v1/emails", self.email_body(letter, envelope, letter.subject, "draft")
            )
            record.campaign = str(created["id"])
            save()
        self.request("PATCH", f"/v1/emails/{record.campaign}", {"status": "about_to_send"})
        record.state = SENT
        save()

    def send_test(self, letter: Letter, envelope: Envelope, address: str) -> None:
        created = self.request(
            "POST", "/v1/emails", self.email_body(letter, envelope, letter.subject, "draft")
        )
        try:
            self.request("POST", f"/v1/emails/{created['id']}/send-draft", {"recipients": [address]})
        finally:
            self.request("DELETE", f"/v1/emails/{created['id']}")


def go_template_safe(text: str, keep: str) -> str:
    """`text` where `{{` and `{%` can only be the service's tag `keep` (a zero-width space splits any
    other): an article titled with `{{` stays text, for readers and for the service's template engine."""
    parts = text.split(keep)
    return keep.join(part.replace("{{", "{\u200b{").replace("{%", "{\u200b%") for part in parts)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "starttls", "tls" or "none"
    user: str
    password: str
    timeout: float = 30

    @contextmanager
    def connection(self) -> Iterator[smtplib.SMTP]:
        try:
            if self.security == "tls":
                smtp = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"the SMTP server {self.host}:{self.port} cannot be used: {error}") from None
        try:
            yield smtp
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def send_by_smtp(
    letter: Letter,
    envelope: Envelope,
    subscribers: list[Subscriber],
    record: DigestRecord,
    save: Callable,
    server: SmtpServer,
    key: DkimKey | None,
    batch_size: int,
) -> tuple[int, list[str]]:
    """Send to every subscriber who does not have it yet, recording each one as the server accepts it.
    Returns how many were sent now and the ids the server refused for good."""
    done = set(record.delivered)
    remaining = [subscriber for subscriber in subscribers if subscriber.id not in done]
    sent, refused = 0, []
    for start in range(0, len(remaining), max(batch_size, 1)):
        with server.connection() as smtp:
            for subscriber in remaining[start : start + max(batch_size, 1)]:
                message = compose(
                    letter, envelope, subscriber.address, subscriber.id, subscriber.unsubscribe_url
                )
                try:
                    smtp.sendmail(envelope.sender_address, [subscriber.address], signed_bytes(message, key))
                except smtplib.SMTPRecipientsRefused:
                    refused.append(subscriber.id)
                    continue
                except (OSError, smtplib.SMTPException) as error:
                    raise DeliveryError(
                        f"the SMTP server {server.host}:{server.port} stopped the send after "
                        f"{len(record.delivered)} of {len(subscribers)} subscribers ({error}); "
                        "run the same command again to send to the rest"
                    ) from None
                record.delivered.append(subscriber.id)
                sent += 1
                save()
    record.state = SENT
    record.delivered = []
    save()
    return sent, refused


def test_subscriber(address: str) -> Subscriber:
    return Subscriber("test", address, UNSUBSCRIBE)
