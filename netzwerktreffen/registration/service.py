"""Registrations: register, change, cancel, and the waiting list.

Views (public and organiser) call these functions; they change the database,
queue the mails that belong to the change in the same commit, and then start
sending them. Capacity and status decisions are taken under the meeting's lock
(lock_meeting), so that concurrent requests never overbook or mail twice.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from netzwerktreffen.chains import service as chains
from netzwerktreffen.core.chains import ChainStation
from netzwerktreffen.mail import message as mail
from netzwerktreffen.mail import outbox, schedules
from netzwerktreffen.core import names
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.coverage import set_must_meet
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import (CANCELLED, CONFIRMED, WAITLISTED, Block, CafeChoice, CafeTable, Meeting, Registration,
                     Sector, Topic, new_token, utcnow)
from netzwerktreffen.planning.personal import raise_sequence, refresh_sequences_of
from netzwerktreffen.registration import questions
from flask import flash, redirect, url_for
from flask_babel import gettext as _

log = logging.getLogger(__name__)

# Raise when the wording of templates/public/_privacy.html changes.
PRIVACY_TEXT_VERSION = "2026-11-22"


class AlreadyRegistered(Exception):
    def __init__(self, registration: Registration):
        super().__init__(registration.email)
        self.registration = registration


@dataclass
class RegistrationData:
    """What a person tells us about themselves; the same for the form, the organiser and CSV.

    ``given_name``/``family_name`` as asked for by the forms make the display name "Vorname Nachname";
    without them (None), ``name`` is the display name as written and is split into both
    (``core.names.split_name``)."""

    name: str
    email: str
    organisation: str
    sector: Sector | None
    role: str = ""
    offers: list[Topic] = field(default_factory=list)
    needs: list[Topic] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["de"])
    blocks: list[Block] = field(default_factory=list)
    wishes: str = ""
    must_meet: str | None = None  # "unbedingt treffen", one name per line; None keeps the stored names
    not_with: str = ""
    accessibility: str = ""
    consent_listing: bool = False
    consent_contact: bool = False
    cafe_choices: list[CafeTable] | None = None  # ranked; None keeps the stored choices
    given_name: str | None = None
    family_name: str | None = None
    stations: list[tuple[ChainStation, str]] | None = None  # where they act, what they offer; None keeps them
    answers: dict | None = None  # the meeting's questions (core.questions.Question) → value; None keeps them


def normalise_email(email: str) -> str:
    return email.strip().lower()


def privacy_text(meeting: Meeting, locale: str = "de") -> str:
    """The consent text exactly as shown for this meeting (controller, purpose, retention, rights)."""
    with force_locale(locale):
        return render_template("public/_privacy.html", meeting=meeting)


def consent_version(meeting: Meeting, locale: str = "de") -> str:
    """Identifies the exact consent text a person agreed to: wording version + fingerprint."""
    digest = hashlib.sha256(privacy_text(meeting, locale).encode()).hexdigest()[:12]
    return f"{PRIVACY_TEXT_VERSION}/{locale}/{digest}"


CLI_IMPORT = "import-cli"  # consent_version of people imported on the command line without --organiser


def organiser_consent(how: str, email: str) -> str:
    """consent_version for consent given to an organiser: "organiser:<e-mail>" (registered by hand)
    or "import:<e-mail>" (CSV import), with the e-mail of the organiser it was given to."""
    return f"{how}:{email}"[:80]


def registration_open(meeting: Meeting, now: datetime | None = None) -> bool:
    now = now or local_now()
    if not meeting.is_public or meeting.purged_at is not None:
        return False
    if now >= datetime.combine(meeting.date, meeting.end_time):  # over: whatever the closing date says
        return False
    if meeting.registration_opens and now < meeting.registration_opens:
        return False
    if meeting.registration_closes and now > meeting.registration_closes:
        return False
    return True


def find_registration(meeting: Meeting, email: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.email == normalise_email(email)))


def lock_meeting(meeting: Meeting) -> None:
    """Serialise capacity decisions for one meeting until the commit: a row lock on PostgreSQL, the
    database's write lock on SQLite (which has no row locks; a plain SELECT there locks nothing)."""
    if db.session.get_bind().dialect.name == "sqlite":
        lock_sqlite_for_writing()
    else:
        db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())


def lock_sqlite_for_writing() -> None:
    """Take SQLite's write lock now (BEGIN IMMEDIATE; waits for other writers up to the busy timeout),
    so that what is read from here on cannot change before the commit."""
    connection = db.session.connection().connection.driver_connection
    if connection.in_transaction:  # this transaction has written already, so it holds the write lock
        return
    db.session.execute(text("BEGIN IMMEDIATE"))


def apply_data(registration: Registration, data: RegistrationData) -> None:
    now = utcnow()
    if data.given_name is None and data.family_name is None:
        registration.given_name, registration.family_name = names.split_name(data.name)
        registration.name = names.clean(data.name)[:200]
    else:
        set_names(registration, data.given_name or "", data.family_name or "")
    registration.email = normalise_email(data.email)
    registration.organisation = data.organisation.strip()
    registration.sector = data.sector
    registration.role = data.role.strip()
    registration.offers = list(data.offers)
    registration.needs = list(data.needs)
    registration.languages = list(dict.fromkeys(data.languages)) or ["de"]
    registration.blocks = list(data.blocks)
    registration.wishes = data.wishes.strip()
    if data.must_meet is not None:
        set_must_meet(registration, data.must_meet)
    registration.not_with = data.not_with.strip()
    registration.accessibility = data.accessibility.strip()
    if data.cafe_choices is not None:
        registration.cafe_choices = [CafeChoice(cafe_table=table, rank=rank)
                                     for rank, table in enumerate(dict.fromkeys(data.cafe_choices))]
    if data.stations is not None:
        chains.set_stations(registration, data.stations)
    registration.set_consent_listing(data.consent_listing, now)
    registration.set_consent_contact(data.consent_contact, now)
    if data.answers is not None:
        questions.set_answers(registration, data.answers)


def set_names(registration: Registration, given: str, family: str) -> None:
    """Given and family name, and the display name "Vorname Nachname" made of them."""
    registration.given_name, registration.family_name = names.clean(given), names.clean(family)
    registration.name = names.display_name(given, family)[:200]


def new_registration(meeting: Meeting, data: RegistrationData, locale: str, consent: str) -> Registration:
    """Add a registration (confirmed while there is room, else waiting list), without committing.

    Raises AlreadyRegistered when the e-mail address is registered and not cancelled;
    a cancelled registration with that address is reused.
    """
    existing = find_registration(meeting, data.email)
    if existing is not None and existing.status != CANCELLED:
        raise AlreadyRegistered(existing)
    has_room = meeting.count(CONFIRMED) < meeting.capacity
    now = utcnow()
    registration = existing or Registration()
    if existing is not None:  # registered again after cancelling: the cancelled events come back
        raise_sequence(existing)
    if has_room:
        registration.status, registration.waitlisted_at = CONFIRMED, None
    else:
        registration.status, registration.waitlisted_at = WAITLISTED, now
    apply_data(registration, data)
    registration.locale = locale
    registration.consent_version = consent
    registration.consent_at = now
    registration.cancelled_at = None
    registration.meeting = meeting
    db.session.add(registration)
    db.session.flush()
    return registration


def _add_and_commit(meeting: Meeting, data: RegistrationData, locale: str, consent: str,
                    send_confirmation: bool = True) -> Registration:
    """new_registration under the meeting's lock and, when asked for, its confirmation or waiting-list mail
    in the outbox, committed together; on AlreadyRegistered nothing is stored."""
    lock_meeting(meeting)
    try:
        registration = new_registration(meeting, data, locale, consent)
        if send_confirmation:
            queue_notice(registration, "confirmation" if registration.status == CONFIRMED else "waitlisted")
        db.session.commit()
    except IntegrityError:  # the same address registered at the same moment
        db.session.rollback()
        existing = find_registration(meeting, data.email)
        if existing is None or existing.status == CANCELLED:
            raise
        raise AlreadyRegistered(existing) from None
    except BaseException:
        db.session.rollback()
        raise
    if send_confirmation:
        outbox.kick()
    return registration


def register(meeting: Meeting, data: RegistrationData, locale: str = "de") -> Registration:
    """A person registers on the public form: store it and queue the confirmation in one commit, then send."""
    return _add_and_commit(meeting, data, locale, consent_version(meeting, locale))


def register_by_organiser(meeting: Meeting, data: RegistrationData, locale: str, consent: str,
                          send_confirmation: bool = True) -> Registration:
    """An organiser registers someone by hand (phone, paper): store, commit and, if asked for, send the
    confirmation or waiting-list mail. Raises AlreadyRegistered (nothing stored) for a taken address."""
    return _add_and_commit(meeting, data, locale, consent, send_confirmation)


def update_registration(registration: Registration, data: RegistrationData) -> None:
    """Change a registration's details (by the person or an organiser)."""
    other = find_registration(registration.meeting, data.email)
    if other is not None and other.id != registration.id:
        raise AlreadyRegistered(other)
    seen_by_partners = (registration.name, registration.organisation, registration.sector_id)
    apply_data(registration, data)
    db.session.flush()
    if (registration.name, registration.organisation, registration.sector_id) != seen_by_partners:
        refresh_sequences_of(registration.meeting)  # partners see the new name or organisation in their rounds
    try:
        db.session.commit()
    except IntegrityError:  # the address was taken by someone else at the same moment
        db.session.rollback()
        other = find_registration(registration.meeting, data.email)
        if other is None:
            raise
        raise AlreadyRegistered(other) from None


def cancel_registration(registration: Registration) -> list[Registration]:
    """Cancel; a freed place goes to the waiting list. Returns the people moved up.

    The status is read again under the meeting's lock, so that of several cancellations at the same moment
    only one changes anything and sends the mails; the mails are queued in the same commit."""
    meeting = registration.meeting
    lock_meeting(meeting)
    db.session.refresh(registration)
    if registration.status == CANCELLED:
        db.session.rollback()
        return []
    registration.status = CANCELLED
    registration.cancelled_at = utcnow()
    registration.waitlisted_at = None
    raise_sequence(registration)
    db.session.flush()
    promoted = fill_free_places(meeting)
    queue_notice(registration, "cancelled", [schedules.cancellation_attachment(registration)])
    for person in promoted:
        queue_notice(person, "promoted")
    db.session.commit()
    outbox.kick()
    return promoted


def waiting_list(meeting: Meeting) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.meeting_id == meeting.id, Registration.status == WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)))


def fill_free_places(meeting: Meeting) -> list[Registration]:
    """Move people up from the waiting list, first come first served, while places are free."""
    free = meeting.capacity - meeting.count(CONFIRMED)
    promoted = waiting_list(meeting)[:max(free, 0)]
    for person in promoted:
        person.status, person.waitlisted_at = CONFIRMED, None
    db.session.flush()
    return promoted


def promote_registration(registration: Registration) -> None:
    """An organiser moves someone off the waiting list (also beyond capacity); the status is read again
    under the meeting's lock, so that two clicks at the same moment send one mail."""
    lock_meeting(registration.meeting)
    db.session.refresh(registration)
    if registration.status != WAITLISTED:
        db.session.rollback()
        return
    registration.status, registration.waitlisted_at = CONFIRMED, None
    queue_notice(registration, "promoted")
    db.session.commit()
    outbox.kick()


def capacity_changed(meeting: Meeting) -> list[Registration]:
    """After an organiser raised the capacity: fill the new places from the waiting list."""
    lock_meeting(meeting)
    promoted = fill_free_places(meeting)
    db.session.commit()
    for person in promoted:
        notify(person, "promoted")
    return promoted


def notify(registration: Registration, template: str) -> bool:
    """Queue one of the registration mails (confirmation, waitlisted, promoted, cancelled, link) and
    start sending it in the background. True once the mail is safely in the outbox."""
    queue_notice(registration, template)
    db.session.commit()
    outbox.kick()
    return True


def queue_notice(registration: Registration, template: str, attachments: list[dict] | None = None) -> None:
    """Put one of the registration mails into the outbox, in the caller's transaction (not committed)."""
    link = mail.external_url("public.personal", token=registration.token)
    rendered = mail.render(template, registration.locale, registration=registration,
                           meeting=registration.meeting, link=link)
    outbox.queue(template, registration.email, registration.name, rendered, meeting=registration.meeting,
                 registration=registration, attachments=attachments)


def resend_link(meeting: Meeting, email: str, locale: str = "de") -> None:
    """Queue the personal link for ``email`` when it is registered (and not cancelled) for ``meeting``.

    The same work whether or not it is: the link mail is rendered for a stand-in (never stored) when nobody
    is, and the commit and the start of sending run either way, so neither the answer nor its time tells."""
    found = find_registration(meeting, email)
    known = found is not None and found.status != CANCELLED
    person = found if known else Registration(name="", email=normalise_email(email), token=new_token(),
                                              locale=locale)
    link = mail.external_url("public.personal", token=person.token)
    rendered = mail.render("link", person.locale, registration=person, meeting=meeting, link=link)
    if known:
        outbox.queue("link", person.email, person.name, rendered, meeting=meeting, registration=person)
    db.session.commit()
    outbox.kick()


def refuse_after_purge(meeting: Meeting):
    """No one is added to a meeting whose personal data was deleted (it would stay for good)."""
    flash(purged_message(), "error")
    return redirect(url_for("registrations.index", slug=meeting.slug))


def purged_message() -> str:
    return _("Die Anmeldedaten dieses Treffens sind gelöscht; es lassen sich keine Personen mehr hinzufügen.")
