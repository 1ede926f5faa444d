"""Sending mail: over SMTP when SMTP_HOST is set, else as .eml files in instance/outbox/.

Messages are rendered from ``templates/mail/<name>.txt`` and ``.html`` in the
recipient's language.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template, request, url_for
from flask_babel import force_locale

log = logging.getLogger(__name__)


def external_url(endpoint: str, **values) -> str:
    """An absolute URL, also outside a request (CLI, worker): BASE_URL, else the request's host."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    if request:
        return url_for(endpoint, _external=True, **values)
    return "http://127.0.0.1:5000" + url_for(endpoint, **values)


def render_message(template: str, to_name: str, to_email: str, locale: str, **context) -> EmailMessage:
    """A multipart (text + HTML) message from templates/mail/<template>.{subject,txt,html}."""
    with force_locale(locale):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    message = EmailMessage()
    # One line only: a newline in a name must never become a header of its own.
    message["Subject"] = " ".join(subject.split())
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = Address(display_name=" ".join(to_name.split()), addr_spec=to_email)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="netzwerktreffen")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(message: EmailMessage) -> None:
    """Send now (SMTP) or write to the outbox folder. Raises OSError/SMTPException on failure."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        outbox = Path(config["OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
        log.info("mail to %s written to %s", message["To"], path)
        return
    host, port = config["SMTP_HOST"], config["SMTP_PORT"]
    security = config.get("SMTP_SECURITY", "starttls")
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), timeout=30)
    else:
        smtp = smtplib.SMTP(host, port, timeout=30)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
    log.info("mail to %s sent via %s", message["To"], host)


def send_safely(message: EmailMessage) -> bool:
    """Send; on failure log it and return False instead of failing the caller's request."""
    try:
        send(message)
        return True
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail to %s", message["To"])
        return False
