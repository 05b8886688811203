"""`python3 dev.py digest`: the weekly e-mail digest of the articles no digest carried yet.

- `stories.py` reads the published articles by building the site (the same teasers, notes, thumbnails);
- `plan.py` chooses the articles by the ledger (site_core.digest), never by date;
- `render.py` renders the HTML (CSS inlined) and text parts from theme/templates/email/;
- `message.py` makes each subscriber's message, with its list headers and DKIM signature;
- `delivery.py` hands it to listmonk's campaign API or sends it by SMTP, recording progress in the ledger.

Every problem with the configuration is found before anything is built or sent, and printed as one line
each; nothing is recorded as sent that the service or the SMTP server did not accept.
"""

import os
import re
import smtplib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke.exceptions import Exit
from pelican.settings import read_settings

from site_core import build_time, long_date
from site_core.digest import DigestOptions, Ledger, LedgerError, read_ledger, write_ledger
from site_core.settings import parse_options

from .delivery import Buttondown, DeliveryError, Listmonk, SmtpServer, Subscriber, send_by_smtp
from .message import DkimKey, Envelope, compose, signed_bytes
from .plan import plan_digest
from .render import Letter, render_letter
from .stories import SiteDoesNotBuild, Story, read_site

SERVICES = ("listmonk", "buttondown")
SCHEDULE = re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) ([01]\d|2[0-3]):00")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A test send when no article is new shows the newest few, so the look can always be checked.
TEST_STORIES = 5
PREVIEW_SUBSCRIBER = Subscriber(
    "preview", "subscriber@example.invalid", "https://example.invalid/unsubscribe"
)


@dataclass(frozen=True)
class Request:
    settings_file: Path
    preview: Path | None = None
    send: bool = False
    test: str = ""
    scheduled: bool = False
    now: datetime | None = None


def configuration_problems(options: DigestOptions, request: Request) -> list[str]:
    """Everything wrong with DIGEST for what was asked, as one line each."""
    problems = []
    if not options.sender_address or "@" not in options.sender_address:
        problems.append("DIGEST has no `sender_address`: set the address the digest comes from")
    if not options.postal_address:
        problems.append("DIGEST has no `postal_address` (nor ORGANISATION an address): the law asks for one")
    if not SCHEDULE.fullmatch(options.schedule):
        problems.append(f"DIGEST `schedule` {options.schedule!r} is not a day and hour, e.g. 'Monday 07:00'")
    try:
        options.subject.format(site="", date="")
    except (KeyError, IndexError, ValueError):
        problems.append(f"DIGEST `subject` {options.subject!r} may use only {{site}} and {{date}}")
    if not (request.send or request.test):
        return problems
    if not options.list_id:
        problems.append("DIGEST has no `list_id`: set a domain name you control, e.g. 'digest.example.org'")
    if options.service not in ("", *SERVICES):
        problems.append(f"DIGEST `service` {options.service!r} is not known: use 'listmonk' or 'buttondown'")
    if options.service == "buttondown" and options.delivery == "smtp":
        problems.append(
            "DIGEST `delivery` 'smtp' needs listmonk's subscriber list: with Buttondown use 'service'"
        )
    if options.delivery not in ("service", "smtp"):
        problems.append(f"DIGEST `delivery` {options.delivery!r} must be 'service' or 'smtp'")
    if options.service:
        if not options.service_url.startswith("https://") and not options.service_url.startswith(
            "http://127."
        ):
            problems.append("DIGEST `service_url` must be the service's https:// address")
        if not os.environ.get("DIGEST_SERVICE_TOKEN"):
            problems.append(
                "the service's API key is missing: set DIGEST_SERVICE_TOKEN (listmonk: user:token, "
                "Buttondown: the API key)"
            )
        if options.service == "listmonk" and not options.service_list:
            problems.append("DIGEST has no `service_list`: the id of the listmonk list the digest goes to")
    elif request.send:
        problems.append(
            "DIGEST has no `service`: the subscribers live with listmonk or Buttondown; "
            "set service and service_url"
        )
    if options.delivery == "smtp" or (request.test and not options.service):
        if not options.smtp_host:
            problems.append("DIGEST has no `smtp_host` to send through")
        if options.smtp_security not in ("starttls", "tls", "none"):
            problems.append("DIGEST `smtp_security` must be 'starttls', 'tls' or 'none'")
        if options.smtp_user and not os.environ.get("DIGEST_SMTP_PASSWORD"):
            problems.append("DIGEST_SMTP_PASSWORD is not set for the SMTP user")
        if request.send and "{uuid}" not in options.unsubscribe_url:
            problems.append(
                "DIGEST `unsubscribe_url` must contain {uuid} (the service's id of the subscriber)"
            )
        if bool(options.dkim_selector) != bool(options.dkim_domain):
            problems.append("DIGEST needs both `dkim_selector` and `dkim_domain`, or neither")
        if options.dkim_selector and not (options.dkim_key_file or os.environ.get("DIGEST_DKIM_KEY")):
            problems.append("DKIM is set up but no key: set `dkim_key_file` or DIGEST_DKIM_KEY")
    return problems


def read_options(settings: dict, settings_file: Path) -> DigestOptions:
    options, problems = parse_options(settings, "DIGEST", DigestOptions)
    if problems:
        raise Exit("\n".join(str(problem) for problem in problems), code=1)
    if not options.postal_address:
        address = tuple((settings.get("ORGANISATION") or {}).get("address") or ())
        options = replace(options, postal_address=address)
    if not options.sender_name:
        options = replace(options, sender_name=settings["SITENAME"])
    return options


def is_scheduled_hour(schedule: str, now: datetime) -> bool:
    day, hour = schedule.split()
    return DAYS[now.weekday()] == day and now.hour == int(hour[:2])


def dkim_key(options: DigestOptions, project: Path) -> DkimKey | None:
    if not options.dkim_selector:
        return None
    key = os.environ.get("DIGEST_DKIM_KEY", "").encode()
    if not key:
        try:
            key = (project / options.dkim_key_file).read_bytes()
        except OSError as error:
            raise Exit(f"the DKIM key {options.dkim_key_file} cannot be read: {error}", code=1) from None
    return DkimKey(options.dkim_selector, options.dkim_domain, key)


def letter_for(
    settings: dict, options: DigestOptions, subject: str, stories: list[Story], now: datetime
) -> Letter:
    siteurl = settings["SITEURL"].rstrip("/")
    return render_letter(
        Path(settings["THEME"]),
        subject=subject,
        site=settings["SITENAME"],
        site_url=siteurl + "/",
        archive_url=f"{siteurl}/newsletter/",
        heading=f"Weekly digest, {long_date(now)}",
        stories=stories,
        sender_name=options.sender_name,
        postal_address=tuple(options.postal_address),
    )


def envelope_for(settings: dict, options: DigestOptions, number: int, now: datetime) -> Envelope:
    return Envelope(
        sender_name=options.sender_name,
        sender_address=options.sender_address,
        reply_to=options.reply_to,
        list_name=f"{settings['SITENAME']} digest",
        list_id=options.list_id or "digest.invalid",
        archive_url=f"{settings['SITEURL'].rstrip('/')}/newsletter/",
        sent_at=now,
        digest_number=number,
    )


def write_preview(folder: Path, letter: Letter, envelope: Envelope) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subscriber = PREVIEW_SUBSCRIBER
    page, text = letter.for_subscriber(subscriber.unsubscribe_url)
    message = compose(letter, envelope, subscriber.address, subscriber.id, subscriber.unsubscribe_url)
    written = [folder / "digest.html", folder / "digest.txt", folder / "digest.eml"]
    written[0].write_text(page, encoding="utf-8")
    written[1].write_text(text, encoding="utf-8")
    written[2].write_bytes(signed_bytes(message, None))
    return written


def run(request: Request) -> None:
    settings_file = request.settings_file.resolve()
    if not settings_file.is_file():
        raise Exit(f"{request.settings_file}: no such settings file", code=1)
    settings = read_settings(str(settings_file))
    options = read_options(settings, settings_file)
    problems = configuration_problems(options, request)
    if problems:
        raise Exit("\n".join(["digest: nothing was sent.", *problems]), code=1)
    zone = ZoneInfo(settings["TIMEZONE"])
    now = (request.now or build_time()).astimezone(zone)
    if request.scheduled and not is_scheduled_hour(options.schedule, now):
        print(f"Not the digest's hour ({options.schedule}, {settings['TIMEZONE']}): nothing sent.")
        return
    project = Path(settings["PATH"]).resolve().parent
    ledger_path = project / options.ledger
    try:
        ledger = read_ledger(ledger_path)
        settings, stories = read_site(settings_file)
    except LedgerError as error:
        raise Exit(str(error), code=1) from None
    except SiteDoesNotBuild as failure:
        raise Exit(f"digest: the site does not build, so nothing was sent. {failure}", code=1) from None
    subject = options.subject.replace("{site}", settings["SITENAME"])
    while True:
        plan = plan_digest(stories, ledger, now, subject, options.first_digest_days)
        if request.test:
            send_test(settings, options, plan, stories, request.test, now, project)
            return
        if plan.digest is None:
            report_nothing_new(plan, request.send, ledger_path, project)
            return
        letter = letter_for(settings, options, plan.digest.subject, plan.stories, now)
        envelope = envelope_for(settings, options, plan.digest.number, now)
        if request.preview:
            written = write_preview(request.preview, letter, envelope)
            size = len(letter.html.encode("utf-8"))
            print(
                f"Digest {plan.digest.number} would carry {len(plan.stories)} articles: "
                f"{', '.join(str(path) for path in written)} (HTML {size / 1024:.1f} KB)."
            )
        if not request.send:
            return
        deliver(settings, options, plan, letter, envelope, ledger_path, project)
        # A digest a stopped run left half-sent is finished first; then the articles published since.
        if not plan.resumed:
            return
        ledger = plan.ledger


def report_nothing_new(plan, sending: bool, ledger_path: Path, project: Path) -> None:
    last = max((d.number for d in plan.ledger.digests), default=0)
    since = f" since digest {last}" if last else ""
    print(f"No new articles{since}: no digest {'sent' if sending else 'would be sent'}.")
    if sending and plan.started_ledger:
        write_ledger(ledger_path, plan.ledger)
        print(f"The ledger starts now ({ledger_path.relative_to(project)}): earlier articles are never sent.")


def listmonk(options: DigestOptions) -> Listmonk:
    return Listmonk(
        options.service_url,
        os.environ.get("DIGEST_SERVICE_TOKEN", ""),
        options.service_list,
        options.service_template,
    )


def campaign_service(options: DigestOptions) -> Listmonk | Buttondown:
    """The service that sends the digest as a campaign of its own."""
    if options.service == "buttondown":
        return Buttondown(options.service_url, os.environ.get("DIGEST_SERVICE_TOKEN", ""))
    return listmonk(options)


def smtp_server(options: DigestOptions) -> SmtpServer:
    return SmtpServer(
        options.smtp_host,
        options.smtp_port,
        options.smtp_security,
        options.smtp_user,
        os.environ.get("DIGEST_SMTP_PASSWORD", ""),
    )


def deliver(settings, options, plan, letter, envelope, ledger_path: Path, project: Path) -> None:
    digest = plan.digest

    def save() -> None:
        write_ledger(ledger_path, plan.ledger)

    save()  # the articles are the digest's from now on: a crash resumes it, never remakes it
    try:
        if options.delivery == "service":
            service = campaign_service(options)
            service.send_campaign(letter, envelope, digest, save)
            print(
                f"Digest {digest.number} ({len(plan.stories)} articles) handed to {service.name} as campaign "
                f"{digest.campaign}."
            )
        else:
            subscribers = listmonk(options).subscribers(options.unsubscribe_url)
            sent, refused = send_by_smtp(
                letter,
                envelope,
                subscribers,
                digest,
                save,
                smtp_server(options),
                dkim_key(options, project),
                options.batch_size,
            )
            note = f"; {len(refused)} addresses refused by the server" if refused else ""
            print(f"Digest {digest.number} ({len(plan.stories)} articles) sent to {sent} subscribers{note}.")
    except DeliveryError as error:
        raise Exit(f"digest {digest.number}: {error}", code=1) from None


def send_test(settings, options, plan, stories, address: str, now: datetime, project: Path) -> None:
    shown = plan.stories or stories[:TEST_STORIES]
    usual = options.subject.replace("{site}", settings["SITENAME"]).replace("{date}", long_date(now))
    subject = f"[TEST] {plan.digest.subject if plan.digest else usual}"
    letter = letter_for(settings, options, subject, shown, now)
    envelope = envelope_for(settings, options, plan.digest.number if plan.digest else 0, now)
    try:
        if options.service and options.delivery == "service":
            campaign_service(options).send_test(letter, envelope, address)
        else:
            subscribe = f"{settings['SITEURL'].rstrip('/')}/subscribe/"
            message = compose(letter, envelope, address, "test", subscribe)
            with smtp_server(options).connection() as smtp:
                smtp.sendmail(
                    options.sender_address, [address], signed_bytes(message, dkim_key(options, project))
                )
    except (OSError, smtplib.SMTPException) as error:
        raise Exit(f"test digest: the SMTP server refused it: {error}", code=1) from None
    except DeliveryError as error:
        raise Exit(f"test digest: {error}", code=1) from None
    print(f"Test digest ({len(shown)} articles) sent to {address}; nothing is recorded as sent.")


__all__ = ["Ledger", "Request", "run"]
