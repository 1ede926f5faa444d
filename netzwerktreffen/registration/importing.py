"""Importing registrations from a CSV file, all or nothing (the organiser's page and ``flask import-registrations``)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, WAITLISTED, Meeting, Registration, utcnow
from netzwerktreffen.registration import csv_io
from netzwerktreffen.registration import service

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    imported: int = 0  # how many registrations were stored
    waitlisted: int = 0  # … of which on the waiting list
    errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def import_registrations(meeting: Meeting, data: bytes, consent: str) -> ImportResult:
    """Import a CSV file, all or nothing: check every row first, then store all in one transaction.

    No mails are sent. Status comes from the file, else by capacity like on the public form.
    """
    parsed = csv_io.parse_csv(data)
    if parsed.errors:
        return ImportResult(errors=parsed.errors, ignored_columns=parsed.ignored_columns)
    service.lock_meeting(meeting)  # the same lock as service.register
    taken = db.session.scalars(select(Registration.email).where(
        Registration.meeting_id == meeting.id, Registration.status != CANCELLED)).all()
    rows, errors = csv_io.to_registrations(parsed.rows, meeting, taken)
    if errors:
        db.session.rollback()
        return ImportResult(errors=errors, ignored_columns=parsed.ignored_columns)
    try:
        statuses = [_store(meeting, row, consent) for row in rows]
        db.session.commit()
    except service.AlreadyRegistered as duplicate:  # registered on the public form in the meantime
        db.session.rollback()
        return ImportResult(errors=[_("E-Mail „%(email)s“ wurde gerade angemeldet. Es wurde nichts importiert; "
                                      "bitte versuchen Sie es noch einmal.", email=duplicate.registration.email)])
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("CSV import into %s failed", meeting.slug)
        return ImportResult(errors=[_("Die Datenbank hat den Import abgelehnt. Es wurde nichts importiert.")])
    except BaseException:
        db.session.rollback()
        raise
    log.info("%s imported %d registrations into %s", consent, len(statuses), meeting.slug)
    return ImportResult(imported=len(statuses), waitlisted=statuses.count(WAITLISTED),
                        ignored_columns=parsed.ignored_columns)


def _store(meeting: Meeting, row: csv_io.ImportRow, consent: str) -> str:
    """One checked row as a registration (not committed), with the file's status if it has one; its status."""
    person = service.new_registration(meeting, row.data, locale="de", consent=consent)
    if row.status and row.status != person.status:
        now = utcnow()
        person.status = row.status
        person.waitlisted_at = now if row.status == WAITLISTED else None
        person.cancelled_at = now if row.status == CANCELLED else None
        db.session.flush()
    return person.status


def import_summary(meeting: Meeting, result: ImportResult) -> list[tuple[str, str]]:
    """What a successful import tells the organiser: (message, category), on the page and on the command line."""
    messages = [(ngettext("%(num)s Anmeldung importiert", "%(num)s Anmeldungen importiert", result.imported),
                 "success")]
    if result.waitlisted:
        messages.append((ngettext("Davon steht %(num)s Person auf der Warteliste.",
                                  "Davon stehen %(num)s Personen auf der Warteliste.", result.waitlisted), "warning"))
    confirmed = meeting.count(CONFIRMED)
    if confirmed > meeting.capacity:
        messages.append((_("Damit sind %(confirmed)s Personen angemeldet, bei %(capacity)s Plätzen.",
                           confirmed=confirmed, capacity=meeting.capacity), "warning"))
    if result.ignored_columns:
        messages.append((_("Nicht übernommene Spalten: %(columns)s", columns=", ".join(result.ignored_columns)),
                         "info"))
    return messages
