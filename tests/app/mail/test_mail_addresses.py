"""Addresses with umlauts reach servers without SMTPUTF8; From, Reply-To and auto-reply headers."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import FAILED, SENT, OutboxMessage
from netzwerktreffen.mail import outbox
from netzwerktreffen.registration import service as registrations


def register(client, meeting, email, name="Jürgen Weiß"):
    given, family = name.rsplit(" ", 1)
    response = client.post(f"/m/{meeting.slug}", data={
        "given_name": given, "family_name": family, "email": email, "organisation": "Beispiel-Träger e. V.", "sector": str(meeting.sectors[0].id),
        "languages": ["de"], "consent_processing": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)


def last_row() -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def test_umlauts_in_the_domain_go_out_as_idna(client, make_meeting, smtp_server):
    meeting = make_meeting()
    register(client, meeting, "Jürgen@Beispiel-Träger.example")  # the server offers SMTPUTF8 (aiosmtpd's default)
    assert last_row().status == SENT
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["jürgen@xn--beispiel-trger-gib.example"]
    [message] = smtp_server.messages()
    raw_to = next(line for line in envelope.content.split(b"\r\n") if line.startswith(b"To:"))
    assert b"xn--beispiel-trger-gib.example" in raw_to and b"=?utf-8" not in raw_to.split(b"<")[-1]


def test_umlaut_domain_with_an_ascii_local_part_is_all_ascii(client, make_meeting, smtp_server):
    meeting = make_meeting()
    register(client, meeting, "juergen@beispiel-träger.example")
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["juergen@xn--beispiel-trger-gib.example"]
    [message] = smtp_server.messages()
    assert message["To"].addresses[0].addr_spec == "juergen@xn--beispiel-trger-gib.example"
    assert message["To"].addresses[0].display_name == "Jürgen Weiß"
    assert envelope.content.split(b"\r\n\r\n")[0].isascii()  # the headers; the body may be 8bit


def offer_smtputf8(server, offered: bool) -> None:
    from aiosmtpd.controller import Controller
    server.stop()
    server.controller = Controller(server, hostname="127.0.0.1", port=server.port, enable_SMTPUTF8=offered)
    server.controller.start()


def test_umlauts_before_the_at_need_smtputf8(client, make_meeting, smtp_server):
    """Decided: such an address is sent with SMTPUTF8 where the server offers it; a server without it
    cannot take it at all, so the mail fails at once with a German reason the organiser sees."""
    offer_smtputf8(smtp_server, False)
    meeting = make_meeting()
    register(client, meeting, "jürgen@beispiel-träger.example")
    row = last_row()
    assert row.status == FAILED and row.attempts == 1 and "vor dem @" in row.last_error
    assert not smtp_server.envelopes

    offer_smtputf8(smtp_server, True)
    outbox.retry([row])
    outbox.deliver_due()
    assert last_row().status == SENT
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["jürgen@xn--beispiel-trger-gib.example"] and "SMTPUTF8" in envelope.mail_options
    assert "<jürgen@xn--beispiel-trger-gib.example>".encode() in envelope.content  # raw UTF-8, no encoded-word


def test_from_reply_to_and_auto_reply_headers(client, make_meeting, organiser, smtp_server, app):
    meeting = make_meeting(organisers=[organiser])
    register(client, meeting, "olena@vhs.example", name="Olena Kovalenko")
    [message] = smtp_server.messages()
    assert message["From"].addresses[0].display_name == "Landratsamt Esslingen"
    assert message["From"].addresses[0].addr_spec == app.config["MAIL_FROM"]
    assert message["Reply-To"].addresses[0].addr_spec == "integration@lra.example"
    assert message["Reply-To"].addresses[0].display_name == "Sabrina Straub"
    assert message["X-Auto-Response-Suppress"] == "All" and message["Auto-Submitted"] == "auto-generated"
    # without a contact address: the organiser answers; a configured sender name wins over the office
    meeting.contact_email = ""
    db.session.commit()
    app.config["MAIL_FROM_NAME"] = "Integrationsbüro"
    registrations.resend_link(meeting, "olena@vhs.example")
    message = smtp_server.messages()[-1]
    assert message["From"].addresses[0].display_name == "Integrationsbüro"
    assert message["Reply-To"].addresses[0].addr_spec == organiser.email


def test_mails_of_no_meeting_carry_the_installation_name(app, smtp_server, make_organiser):
    from netzwerktreffen.mail import message as mail
    rendered = mail.Rendered("Betreff", "Text", "")
    outbox.queue("password_reset", "orga@example.org", "Orga", rendered)
    db.session.commit()
    outbox.deliver_due()
    [message] = smtp_server.messages()
    assert message["From"].addresses[0].display_name == "Netzwerktreffen" and message["Reply-To"] is None


@pytest.mark.parametrize("app_config", [{"MAIL_FROM": "Büro Integration <integration@lra.example>"}])
def test_the_name_in_mail_from_names_the_installation(client, make_meeting, smtp_server, app_config):
    register(client, make_meeting(controller=""), "olena@vhs.example")  # a meeting without an office
    register(client, make_meeting(slug="zwei"), "olena@vhs.example")
    without_office, with_office = smtp_server.messages()
    assert str(without_office["From"]) == "Büro Integration <integration@lra.example>"
    assert str(with_office["From"]) == "Landratsamt Esslingen <integration@lra.example>"
