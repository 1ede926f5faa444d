"""Deleting personal data when the retention period ends (DSGVO Art. 5 (1) e, Art. 17).

The consent text promises "Wir löschen Ihre Angaben N Tage nach dem Treffen"
(``Meeting.retention_days``). From that date on, ``purge`` removes everything
that names a person: the registrations (with their topics, blocks, café choices
and locks), the plan versions and planning jobs (the stored instance holds
names and organisations), the meeting's mails in the outbox and, without an
SMTP server, their ``.eml`` files. What stays is the meeting itself (rooms,
agenda, sectors) so that the next meeting of a series can be set up from it,
and two facts: when the data was deleted and how many registrations there were.
The café's harvest stays too (it is the meeting's result), without who wrote it, and so do the counts
of the answers to the questions at registration (``Question.kept_counts``: how often each option was
chosen; no text, no sector, no person); and the topic
suggestions and feedback (``afterwards.ideas``), no longer linked to anyone.

It runs by itself: the periodic sweep of the web process calls ``purge_due``;
with Redis, ``flask --app netzwerktreffen purge-due`` runs from cron. An
organiser may delete earlier, once the meeting is over.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, or_, select, update

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.coverage import MustMeet
from netzwerktreffen.core.models import (CANCELLED, Answer, CafeChoice, CafeTable, Feedback, Meeting, OutboxMessage, PlanLock,
                                        PlanningJob, PlanVersion, Registration, StationRole, TopicSuggestion,
                                        registration_blocks,
                                        registration_needs,
                                        registration_offers, utcnow)
from netzwerktreffen.core.questions import keep_counts

log = logging.getLogger(__name__)


@dataclass
class Purged:
    """What one deletion removed."""

    registrations: int = 0
    plan_versions: int = 0
    messages: int = 0
    files: int = 0


def deletion_date(meeting: Meeting) -> date:
    """The day the meeting's personal data is deleted (local calendar)."""
    try:
        return meeting.date + timedelta(days=max(meeting.retention_days or 0, 0))
    except OverflowError:  # a meeting stored for the last days of the calendar
        return date.max


def today() -> date:
    return local_now().date()


def may_delete_now(meeting: Meeting, on: date | None = None) -> bool:
    """Organisers may delete early once the meeting day is over; never twice."""
    return meeting.purged_at is None and meeting.date < (on or today())


def due_meetings(on: date | None = None) -> list[Meeting]:
    """Meetings whose retention period has ended and that still hold personal data (also one purged
    before, should anything have been added since)."""
    on = on or today()
    left = select(Registration.id).where(Registration.meeting_id == Meeting.id).exists()
    candidates = db.session.scalars(select(Meeting).where(Meeting.date < on,
                                                          or_(Meeting.purged_at.is_(None), left)))
    return [m for m in candidates if deletion_date(m) <= on]


def purge(meeting: Meeting, *, delete_meeting: bool = False) -> Purged:
    """Delete the meeting's personal data in one transaction, committed here (with ``delete_meeting``,
    the meeting too, in the same transaction); then the outbox files of its mails. On failure the
    transaction is rolled back and the error raised: nothing is half deleted.

    The first statement marks the meeting as purged: on PostgreSQL that locks its row, on SQLite the
    database, so a second purge of the same meeting waits and then finds nothing left to count."""
    meeting_id, slug = meeting.id, meeting.slug
    block_ids = [b.id for b in meeting.blocks]
    people = select(Registration.id).where(Registration.meeting_id == meeting_id)
    try:
        db.session.execute(update(Meeting).where(Meeting.id == meeting_id).values(purged_at=utcnow()))
        before = db.session.scalar(select(Meeting.purged_registrations).where(Meeting.id == meeting_id)) or 0
        ids = list(db.session.scalars(people))
        result = Purged(registrations=len(ids))
        mails = or_(OutboxMessage.meeting_id == meeting_id, OutboxMessage.registration_id.in_(people))
        message_ids = set(db.session.scalars(select(OutboxMessage.message_id).where(mails)))
        result.messages = db.session.execute(delete(OutboxMessage).where(mails)).rowcount
        # SQLite does not enforce ON DELETE, so every row that points at a registration goes explicitly
        db.session.execute(delete(PlanLock).where(or_(PlanLock.registration_id.in_(people),
                                                      PlanLock.other_id.in_(people))))
        db.session.execute(delete(CafeChoice).where(CafeChoice.registration_id.in_(people)))
        _keep_answer_counts(meeting, people)
        db.session.execute(delete(StationRole).where(StationRole.registration_id.in_(people)))  # what they offer
        db.session.execute(delete(MustMeet).where(MustMeet.registration_id.in_(people)))
        for link in (registration_offers, registration_needs, registration_blocks):
            db.session.execute(delete(link).where(link.c.registration_id.in_(people)))
        db.session.execute(update(CafeTable).where(CafeTable.host_id.in_(people)).values(host_id=None))
        for anonymous in (TopicSuggestion, Feedback):  # they stay with the meeting, linked to nobody
            db.session.execute(update(anonymous).where(anonymous.registration_id.in_(people))
                               .values(registration_id=None))
        db.session.execute(update(CafeTable).where(CafeTable.block_id.in_(block_ids))
                           .values(host_name="", harvest_author=""))
        db.session.execute(delete(PlanningJob).where(PlanningJob.meeting_id == meeting_id))
        result.plan_versions = db.session.execute(
            delete(PlanVersion).where(PlanVersion.meeting_id == meeting_id)).rowcount
        db.session.execute(delete(Registration).where(Registration.meeting_id == meeting_id))
        db.session.execute(update(Meeting).where(Meeting.id == meeting_id)
                           .values(purged_registrations=before + len(ids)))
        if delete_meeting:
            db.session.expire(meeting)  # its collections are read again: without the rows deleted above
            db.session.delete(meeting)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expire_all()  # the session still holds the deleted rows in relationships
    result.files = _delete_outbox_files(message_ids)
    log.info("personal data of %s deleted%s: %s", slug, " with the meeting" if delete_meeting else "", result)
    return result


def _keep_answer_counts(meeting: Meeting, people) -> None:
    """The counts of the answers (not cancelled) stay with each question; the answers go."""
    counted = people.where(Registration.status != CANCELLED)
    for question in meeting.questions:
        keep_counts(question, list(db.session.scalars(
            select(Answer).where(Answer.question_id == question.id, Answer.registration_id.in_(counted)))))
    db.session.flush()
    db.session.execute(delete(Answer).where(Answer.registration_id.in_(people)))


def _delete_outbox_files(message_ids: set[str]) -> int:
    """The ``.eml`` files (no SMTP server) of these messages, found by their Message-ID header."""
    folder = Path(current_app.config.get("OUTBOX_DIR") or "")
    if not message_ids or not str(folder) or not folder.is_dir():
        return 0
    parser = BytesHeaderParser()
    removed = 0
    for path in folder.glob("*.eml"):
        try:
            with path.open("rb") as handle:
                headers = parser.parse(handle)
            if (headers.get("Message-ID") or "").strip() in message_ids:
                path.unlink()
                removed += 1
        except OSError:
            log.exception("could not delete %s", path)
    return removed


def purge_due(on: date | None = None) -> list[tuple[Meeting, Purged]]:
    """Delete the data of every meeting whose retention period has ended, each in its own transaction
    (``purge``); one that fails is logged and tried again next time, the others go ahead."""
    done = []
    for meeting in due_meetings(on):
        try:
            done.append((meeting, purge(meeting)))
        except Exception:
            log.exception("deleting the personal data of %s failed; tried again on the next sweep", meeting.slug)
    return done
