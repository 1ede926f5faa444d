"""Write operations on organiser accounts: invitations to a meeting's team, password resets, new passwords.

A link carries a random token; only its SHA-256 is stored (``AccountLink.token_hash``). A link is used
once: ``_use`` marks it with one ``UPDATE … WHERE used_at IS NULL``, so of two requests at the same time
only one gets through. Each function commits (or raises ``LinkUnusable`` and changes nothing).
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from netzwerktreffen.accounts import mails
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import format_datetime
from netzwerktreffen.core.models import INVITATION, PASSWORD_RESET, AccountLink, Meeting, Organiser, utcnow
from netzwerktreffen.core.worker import enqueue
from netzwerktreffen.mail import outbox
from netzwerktreffen.web.auth import create_organiser, find_organiser

log = logging.getLogger(__name__)

RESET_TASK = "netzwerktreffen.tasks.send_password_reset"
MAX_OPEN_RESETS = 3  # reset links an account gets within one link's lifetime


class LinkUnusable(Exception):
    """The link is unknown (``status`` 404), used or expired (410); the message says which, in German."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue(purpose: str, email: str, lifetime: timedelta, **fields) -> tuple[AccountLink, str]:
    token = secrets.token_urlsafe(32)
    link = AccountLink(purpose=purpose, token_hash=digest(token), email=email.strip().lower(),
                       expires_at=utcnow() + lifetime, **fields)
    db.session.add(link)
    db.session.flush()
    return link, token


def usable_link(purpose: str, token: str) -> AccountLink:
    """The unused, unexpired link of this purpose with this token; else ``LinkUnusable`` saying why."""
    link = None
    if token and len(token) <= 100:
        link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == digest(token),
                                                           AccountLink.purpose == purpose))
    if link is None:
        raise LinkUnusable(_("Diesen Link kennen wir nicht. Bitte prüfen Sie, ob er vollständig kopiert ist."), 404)
    if link.used_at is not None:
        raise LinkUnusable(_("Dieser Link wurde schon benutzt und gilt nur einmal."))
    if link.expires_at <= utcnow():
        raise LinkUnusable(_("Dieser Link ist abgelaufen (gültig bis %(when)s).",
                             when=format_datetime(link.expires_at)))
    return link


def _use(link: AccountLink) -> None:
    """Mark the link used, or ``LinkUnusable`` when another request used it first."""
    done = db.session.execute(update(AccountLink).where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
                              .values(used_at=utcnow())).rowcount
    if done != 1:
        db.session.rollback()
        raise LinkUnusable(_("Dieser Link wurde schon benutzt und gilt nur einmal."))


# -- Invitations to a meeting's team -------------------------------------------------------------------


def invite(meeting: Meeting, email: str, invited_by: Organiser) -> AccountLink:
    """Send a one-time invitation to ``email`` (an address without an account) to join the meeting's team."""
    lifetime = timedelta(days=current_app.config.get("INVITATION_DAYS", 7))
    link, token = _issue(INVITATION, email, lifetime, meeting=meeting, invited_by=invited_by)
    mails.queue_invitation(link, token)
    db.session.commit()
    outbox.kick()
    log.info("invitation to %s sent by %s for %s", link.email, invited_by.email, meeting.slug)
    return link


def open_invitations(meeting: Meeting) -> list[AccountLink]:
    """Invitations to this meeting's team that can still be used, newest first; one an address (an
    address invited again keeps its earlier links, the list shows the newest)."""
    links = db.session.scalars(select(AccountLink).where(
        AccountLink.meeting_id == meeting.id, AccountLink.purpose == INVITATION, AccountLink.used_at.is_(None),
        AccountLink.expires_at > utcnow()).order_by(AccountLink.created_at.desc(), AccountLink.id.desc()))
    newest: dict[str, AccountLink] = {}
    for link in links:
        newest.setdefault(link.email, link)
    return list(newest.values())


def accept_invitation(token: str, name: str = "", password: str = "") -> Organiser:
    """Use the invitation: a new account with ``name`` and ``password`` (or the account the address has
    by now, whose password stays as it is) joins the meeting's team."""
    link = usable_link(INVITATION, token)
    if link.meeting is None:
        raise LinkUnusable(_("Das Treffen dieser Einladung gibt es nicht mehr."))
    _use(link)
    organiser = find_organiser(link.email) or create_organiser(link.email, password, name.strip())
    if organiser not in link.meeting.organisers:
        link.meeting.organisers.append(organiser)
    link.organiser = organiser
    try:
        db.session.commit()
    except IntegrityError:  # the same address accepted another invitation at this very moment
        db.session.rollback()
        raise LinkUnusable(_("Das ließ sich gerade nicht speichern. Bitte öffnen Sie den Link noch einmal."))
    log.info("invitation of %s to %s used", organiser.email, link.meeting.slug)
    return organiser


# -- Passwords -----------------------------------------------------------------------------------------


def ask_for_password_reset(email: str) -> None:
    """The "Passwort vergessen?" form: the same work for every address, so that neither the answer nor
    its time tells whether the address has an account; looking it up and mailing happen in the
    background (``request_password_reset``; an RQ worker with Redis, else, and when Redis does not
    answer, the web process's worker thread)."""
    try:
        enqueue(RESET_TASK, email)
    except Exception as error:  # noqa: BLE001 - Redis unreachable or refusing: the web process does it
        log.warning("password reset not queued in Redis (%s); sent from the web process", error)
        enqueue(RESET_TASK, email, in_process=True)


def request_password_reset(email: str) -> None:
    """Mail a one-time link for a new password when the address has an account; nothing otherwise. At most
    ``MAX_OPEN_RESETS`` links an account within one link's lifetime (no flood of mails to one person)."""
    organiser = find_organiser(email)
    if organiser is None:
        log.info("password reset asked for an address without an account")
        return
    lifetime = timedelta(minutes=current_app.config.get("PASSWORD_RESET_MINUTES", 60))
    # one reset at a time per account (row lock on PostgreSQL), so that parallel requests keep the limit
    db.session.execute(select(Organiser.id).where(Organiser.id == organiser.id).with_for_update())
    recent = db.session.scalar(select(func.count(AccountLink.id)).where(
        AccountLink.organiser_id == organiser.id, AccountLink.purpose == PASSWORD_RESET,
        AccountLink.created_at > utcnow() - lifetime))
    if recent >= MAX_OPEN_RESETS:
        log.warning("password reset for %s refused: %d links within %s", organiser.email, recent, lifetime)
        return
    link, token = _issue(PASSWORD_RESET, organiser.email, lifetime, organiser=organiser)
    mails.queue_password_reset(link, token)
    db.session.commit()
    outbox.kick()
    log.info("password reset link sent to %s", organiser.email)


def reset_password(token: str, password: str) -> Organiser:
    """Use the reset link: the account gets ``password``."""
    link = usable_link(PASSWORD_RESET, token)
    _use(link)
    set_password(link.organiser, password)
    return link.organiser


def set_password(organiser: Organiser, password: str) -> None:
    """The account's new password; reset links still open for it are used up."""
    # once organisers have a session version (logout revokes sessions), bump it here too: a new
    # password then ends every other session
    organiser.set_password(password)
    db.session.execute(update(AccountLink).where(AccountLink.organiser_id == organiser.id,
                                                 AccountLink.purpose == PASSWORD_RESET,
                                                 AccountLink.used_at.is_(None)).values(used_at=utcnow()))
    db.session.commit()
    log.info("password of %s changed", organiser.email)
