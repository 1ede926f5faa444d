"""Rendering and transporting mail.

Every mail is first a row in the outbox (``outbox.py``); this module renders
the row's text and HTML from ``templates/mail/<name>.{subject.txt,txt,html}``
in the recipient's language, turns a row into a multipart message, and
carries messages away: over SMTP (one connection per batch) when
``SMTP_HOST`` is set, else as ``.eml`` files in ``instance/outbox/``.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import force_locale
from netzwerktreffen.core.text import one_line
from netzwerktreffen.web import addresses

log = logging.getLogger(__name__)


def external_url(endpoint: str, **values) -> str:
    """An absolute URL, also outside a request (CLI, worker): BASE_URL, else the request's address, else the
    one remembered from organisers' requests (web.addresses); NoExternalURL when none is known."""
    parts = urlsplit(addresses.external_root())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, locale: str, **context) -> Rendered:
    """Subject, text and HTML of templates/mail/<template>.* in the given language."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = render_template(f"mail/{template}.subject.txt", **context)
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return Rendered(one_line(subject), text, html)


def sender_domain() -> str:
    address = parseaddr(current_app.config.get("MAIL_FROM", ""))[1]
    return address.rpartition("@")[2] or "netzwerktreffen"


def new_message_id() -> str:
    return make_msgid(domain=sender_domain())


INSTALLATION_NAME = "Netzwerktreffen"
SMTPUTF8_REFUSED = ("Der Mailserver nimmt keine Adressen mit Umlauten oder anderen Sonderzeichen vor dem @ an "
                    "(SMTPUTF8 fehlt). Bitte tragen Sie für diese Person eine andere Adresse ein.")


def mail_address(name: str, address: str) -> Address | str:
    """An address for a header, its domain IDNA-encoded ("jürgen@beispiel-träger.example" ->
    "jürgen@xn--beispiel-trger-gib.example"), so that servers without SMTPUTF8 take it: the envelope
    (RCPT TO) is read from this header. A local part with umlauts stays as it is; it is sent with
    SMTPUTF8 where the server offers it (``smtplib`` decides), else the row fails with ``SMTPUTF8_REFUSED``.
    The display name on one line; a name the header model cannot take is left out."""
    username, _at, domain = address.strip().rpartition("@")
    try:
        domain = validate_email(address.strip(), check_deliverability=False).ascii_domain
    except (EmailNotValidError, UnicodeError):  # e.g. "localhost": kept as typed
        pass
    try:
        return Address(display_name=one_line(name), username=username, domain=domain)
    except (ValueError, IndexError, HeaderParseError):
        return Address(username=username, domain=domain) if username else address.strip()


def sender(meeting=None) -> Address | str:
    """From: MAIL_FROM with a display name: MAIL_FROM_NAME when configured, else the meeting's office
    (first line of its data controller), else the installation's name (the one in MAIL_FROM, or "Netzwerktreffen")."""
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    office = ((meeting.controller or "").strip().splitlines() or [""])[0] if meeting is not None else ""
    return mail_address(current_app.config.get("MAIL_FROM_NAME") or office or name or INSTALLATION_NAME,
                        address or current_app.config["MAIL_FROM"])


def reply_to(meeting) -> Address | str | None:
    """Reply-To: the meeting's contact person, else its first organiser; None for mails of no meeting."""
    if meeting is None:
        return None
    if meeting.contact_email:
        return mail_address(meeting.contact_name, meeting.contact_email)
    organiser = next(iter(meeting.organisers), None)
    return mail_address(organiser.name, organiser.email) if organiser is not None else None


def build_message(row) -> EmailMessage:
    """The MIME message of an outbox row: text and HTML alternatives, then the attachments.

    The Message-ID is the row's, so a retry is recognisably the same mail. Automatic-reply headers
    (``Auto-Submitted``, and ``X-Auto-Response-Suppress`` for Exchange) keep out-of-office replies away.
    """
    message = EmailMessage()
    message["Subject"] = one_line(row.subject)
    message["From"] = sender(row.meeting)
    message["To"] = mail_address(row.to_name, row.to_email)
    answer = reply_to(row.meeting)
    if answer is not None:
        message["Reply-To"] = answer
    message["Date"] = format_datetime((row.created_at or datetime.now(timezone.utc)).astimezone(timezone.utc))
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    for attachment in row.attachments or []:
        maintype, _, subtype = attachment.get("content_type", "application/octet-stream").partition("/")
        params = dict(attachment.get("params") or {})
        if maintype == "text":
            params.setdefault("charset", "utf-8")
        message.add_attachment(attachment["content"].encode("utf-8"), maintype=maintype, subtype=subtype,
                               filename=attachment["filename"], params=params)
    return message


# --------------------------------------------------------------------------
# Transports


class TransportDown(Exception):
    """The SMTP server cannot be reached: stop the batch, try again later."""


class FileTransport:
    """Writes each message as an .eml file (the default without SMTP_HOST)."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc):
        return False

    def send(self, message: EmailMessage) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
        log.info("mail to %s written to %s", message["To"], path)


class SMTPTransport:
    """One SMTP connection for a whole batch; reconnects once when the server dropped it."""

    def __init__(self, config):
        self.host, self.port = config["SMTP_HOST"], int(config["SMTP_PORT"])
        self.security = config.get("SMTP_SECURITY", "starttls")
        self.user, self.password = config.get("SMTP_USER", ""), config.get("SMTP_PASSWORD", "")
        self.timeout = float(config.get("SMTP_TIMEOUT", 30))
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def connect(self) -> None:
        try:
            if self.security == "ssl":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
        except (OSError, smtplib.SMTPException) as error:
            raise TransportDown(f"{self.host}:{self.port}: {error}") from error
        self.smtp = smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None

    def send(self, message: EmailMessage) -> None:
        """Returns once the server accepted the message; raises SMTPException/OSError otherwise."""
        if self.smtp is None:
            self.connect()
        try:
            refused = self.smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.smtp = None  # reconnect for the next message
            raise
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == 421:  # the server closes the connection
                self.smtp = None
            raise
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        log.info("mail to %s sent via %s", message["To"], self.host)


def transport():
    """The transport the configuration asks for, as a context manager."""
    config = current_app.config
    if config.get("SMTP_HOST"):
        return SMTPTransport(config)
    return FileTransport(config["OUTBOX_DIR"])
