"""Personal schedules by mail: the schedule, change notices after a re-plan, and reminders.

Each mail goes through the outbox (``outbox.queue``) with a ``dedupe_key``, so
running a command twice never sends a mail twice:

- ``schedule:<plan version>:<registration>`` – the schedule of a published plan,
- ``change:<registration>:<fingerprint>`` – one notice per new schedule of a person,
- ``reminder:<meeting>:<registration>`` – one reminder per person and meeting.

Every mail carries the person's rounds as an ``.ics`` attachment (``ical.py``).
Organisers may add a note with placeholders ({name}, {treffen}, …), which
``fill_placeholders`` resolves per recipient.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from netzwerktreffen.mail import ical as ical
from netzwerktreffen.mail import message as mail
from netzwerktreffen.mail import outbox as outbox
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import format_date, format_time, local_now
from netzwerktreffen.core.models import CONFIRMED, PUBLISHED, Meeting, OutboxMessage, PlanVersion, Registration
from netzwerktreffen.core.worker import enqueue, task

log = logging.getLogger(__name__)

KINDS = ("schedule", "change", "reminder")
ICS_FILENAME = "netzwerktreffen-ablauf.ics"


@dataclass
class Partner:
    name: str
    organisation: str
    sector: str

    @property
    def line(self) -> str:
        details = ", ".join(p for p in (self.organisation, self.sector) if p)
        return f"{self.name} ({details})" if details else self.name


@dataclass
class PersonalRound:
    """One round of one person: when, where and with whom."""

    block_id: int
    block_title: str
    round: int  # from 0
    is_cafe: bool
    start: datetime  # aware, Europe/Berlin
    end: datetime
    room: str
    spot: str  # "Platz 3" / "Tisch 2"
    question: str = ""  # café: the table's question
    host: str = ""  # café: the table's host
    guiding_question: str = ""  # café: the round's guiding question
    is_host: bool = False  # café: the person hosts this table
    partners: list[Partner] = field(default_factory=list)
    is_pause: bool = False  # speed networking: the person sits this round out (spot: "Pause")

    def key(self) -> list:
        return [self.block_id, self.round, self.start.isoformat(), self.end.isoformat(), self.room, self.spot,
                self.question, self.host, [p.line for p in self.partners]]


def _clean(text: str) -> str:
    return mail.one_line(text)


def people_of(meeting: Meeting) -> dict[int, Registration]:
    return {r.id: r for r in meeting.registrations}


def personal_rounds(meeting: Meeting, schedule: scheduling.Schedule, registration: Registration,
                    people: dict[int, Registration] | None = None) -> list[PersonalRound]:
    """The person's rounds in a plan, in time order, with partners or the café table."""
    people = people if people is not None else people_of(meeting)
    rounds = []
    for seat in schedule.seats_of(registration):
        block = seat.block
        times = block.round_times()
        if seat.round >= len(times):
            continue
        start, end = times[seat.round]
        if seat.paused:
            rounds.append(PersonalRound(
                block.id, block.title, seat.round, False, ical.local(meeting.date, start),
                ical.local(meeting.date, end), "", pgettext("Runde", "Pause"), is_pause=True))
        elif seat.cafe_table is not None:
            table = seat.cafe_table.table
            room = table.room.name if table is not None else (block.room.name if block.room else "")
            questions = block.guiding_questions or []
            others = [people[rid] for rid in seat.people
                      if rid != registration.id and rid in people and rid != seat.cafe_table.host_id]
            rounds.append(PersonalRound(
                block.id, block.title, seat.round, True, ical.local(meeting.date, start), ical.local(meeting.date, end),
                room, _("Tisch %(t)s", t=seat.label), question=seat.cafe_table.question,
                host=seat.cafe_table.host_label or "",
                guiding_question=questions[seat.round] if seat.round < len(questions) else "",
                partners=[_partner(p) for p in others], is_host=seat.cafe_table.host_id == registration.id))
        else:
            others = [people[rid] for rid in seat.people if rid != registration.id and rid in people]
            rounds.append(PersonalRound(
                block.id, block.title, seat.round, False, ical.local(meeting.date, start),
                ical.local(meeting.date, end), block.room.name if block.room else "",
                _("Platz %(n)s", n=seat.spot), partners=[_partner(p) for p in others]))
    rounds.sort(key=lambda r: (r.start, r.block_id, r.round))
    return rounds


def _partner(person: Registration) -> Partner:
    return Partner(_clean(person.name), _clean(person.organisation), _clean(person.sector.name if person.sector else ""))


def fingerprint(rounds: list[PersonalRound]) -> str:
    """What a person's schedule looks like, as a short hash (language-independent keys)."""
    payload = json.dumps([[r.block_id, r.round, r.start.isoformat(), r.end.isoformat(), r.room,
                           r.spot, r.question, r.host, sorted(p.line for p in r.partners)] for r in rounds],
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def refresh_sequence(registration: Registration, rounds: list[PersonalRound]) -> bool:
    """Raise the person's iCal SEQUENCE when their schedule changed since last seen (not committed)."""
    with force_locale("de"):  # the fingerprint must not depend on the language
        current = fingerprint(rounds)
    if current == registration.schedule_fingerprint:
        return False
    if registration.schedule_fingerprint:
        registration.ical_sequence = (registration.ical_sequence or 0) + 1
    registration.schedule_fingerprint = current
    return True


def published_schedule(meeting: Meeting) -> tuple[PlanVersion | None, scheduling.Schedule | None]:
    version = scheduling.latest(meeting, PUBLISHED)
    return version, (scheduling.Schedule(meeting, version.plan) if version else None)


def current_rounds(registration: Registration, schedule: scheduling.Schedule | None = None,
                   people: dict[int, Registration] | None = None) -> list[PersonalRound]:
    """The person's rounds in the published plan, in the person's language; sequence kept up to date."""
    meeting = registration.meeting
    if schedule is None:
        _version, schedule = published_schedule(meeting)
    if schedule is None or registration.status != CONFIRMED:
        return []
    with force_locale("de"):
        rounds = personal_rounds(meeting, schedule, registration, people)
    refresh_sequence(registration, rounds)
    if (registration.locale or "de") == "de":
        return rounds
    with force_locale(registration.locale):
        return personal_rounds(meeting, schedule, registration, people)


# --------------------------------------------------------------------------
# Placeholders


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholders(registration: Registration) -> dict[str, str]:
    """Every placeholder an organiser can use in any mail, with this person's values."""
    meeting = registration.meeting
    return {
        "name": _clean(registration.name),
        "organisation": _clean(registration.organisation),
        "treffen": meeting.display_title,
        "datum": format_date(meeting.date),
        "uhrzeit": f"{format_time(meeting.start_time)} – {format_time(meeting.end_time)}",
        "ort": ", ".join(p for p in (meeting.venue, _clean(meeting.address)) if p),
        "link": mail.external_url("public.personal", token=registration.token),
        "kalender": feed_urls(registration)["https"],
        "kontakt": meeting.contact_name,
    }


PLACEHOLDER_NAMES = ("name", "organisation", "treffen", "datum", "uhrzeit", "ort", "link", "kalender", "kontakt")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDER_NAMES})


def fill_placeholders(text: str, registration: Registration) -> str:
    """Replace {name}, {treffen}, … ; unknown ones stay as they are (the form refuses them first)."""
    values = placeholders(registration)
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def feed_urls(registration: Registration) -> dict[str, str]:
    https = mail.external_url("feeds.personal", token=registration.feed_token)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


# --------------------------------------------------------------------------
# Rendering and queueing


def render(kind: str, registration: Registration, rounds: list[PersonalRound], note: str = "",
           changes: int = 0) -> tuple[mail.Rendered, list[dict]]:
    """The mail and its .ics attachment for one person (nothing stored)."""
    meeting = registration.meeting
    locale = registration.locale or "de"
    urls = feed_urls(registration)
    with force_locale(locale):
        ics = ical.personal_calendar(meeting, registration, rounds).decode("utf-8")
    rendered = mail.render(
        kind, locale, registration=registration, meeting=meeting, rounds=rounds,
        link=mail.external_url("public.personal", token=registration.token),
        feed_url=urls["https"], webcal_url=urls["webcal"], note=fill_placeholders(note, registration),
        changes=changes)
    attachment = {"filename": ICS_FILENAME, "content_type": "text/calendar", "params": {"method": "PUBLISH"},
                  "content": ics}
    return rendered, [attachment]


def queue_personal(kind: str, registration: Registration, rounds: list[PersonalRound], dedupe_key: str,
                   note: str = "") -> OutboxMessage | None:
    rendered, attachments = render(kind, registration, rounds, note)
    return outbox.queue(kind, registration.email, registration.name, rendered, meeting=registration.meeting,
                        registration=registration, dedupe_key=dedupe_key, attachments=attachments)


def recipients(meeting: Meeting, schedule: scheduling.Schedule) -> list[Registration]:
    """Confirmed people with at least one round in the plan."""
    return [r for r in scheduling.participants(meeting) if schedule.seats_of(r)]


def queue_schedules(meeting: Meeting, note: str = "", kick_delivery: bool = True) -> list[int]:
    """Queue the schedule mail of the published plan for everyone in it; returns the outbox ids.

    A person who already got the schedule of this plan version is skipped.
    """
    version, schedule = published_schedule(meeting)
    if version is None:
        raise planning.PlanningError(_("Es gibt noch keinen veröffentlichten Plan."))
    people = people_of(meeting)
    ids = []
    for registration in recipients(meeting, schedule):
        rounds = current_rounds(registration, schedule, people)
        row = queue_personal("schedule", registration, rounds, f"schedule:{version.id}:{registration.id}", note)
        if row is not None:
            ids.append(row.id)
    db.session.commit()
    log.info("%s schedule mails queued for %s", len(ids), meeting.slug)
    if kick_delivery and ids:
        outbox.kick()
    return ids


@task
def queue_schedules_task(meeting_id: int, note: str = "") -> int:
    """The organiser's "send to all" as a background job: render and queue, then send."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    return len(queue_schedules(meeting, note=note))


def start_sending_schedules(meeting: Meeting, note: str = "") -> None:
    """Render and queue everyone's schedule in the background (at once with MAIL_DELIVERY=inline)."""
    if scheduling.latest(meeting, PUBLISHED) is None:
        raise planning.PlanningError(_("Es gibt noch keinen veröffentlichten Plan."))
    if current_app.config.get("MAIL_DELIVERY", "background") == "inline":
        queue_schedules(meeting, note=note)
    else:
        enqueue(queue_schedules_task, meeting.id, note, timeout=3600)


def send_change_notices(meeting: Meeting, before_plan: dict, after_plan: dict, kick_delivery: bool = True) -> int:
    """After a re-plan: a change notice with the new schedule to each person whose rounds changed.

    ``planning.differences`` finds the people; people new to the plan count as changed.
    Returns how many notices were queued (a notice for the same new schedule is never queued twice).
    """
    changed = {d.registration_id for d in planning.differences(meeting, before_plan, after_plan)}
    before_people = {pid for (_b, _r, pid) in planning.placements(before_plan)}
    after_people = {pid for (_b, _r, pid) in planning.placements(after_plan)}
    changed |= {scheduling.registration_id(pid) for pid in after_people - before_people}
    schedule = scheduling.Schedule(meeting, after_plan)
    people = people_of(meeting)
    queued = 0
    for rid in sorted(changed):
        registration = people.get(rid)
        if registration is None or registration.status != CONFIRMED:
            continue
        with force_locale("de"):
            key_rounds = personal_rounds(meeting, schedule, registration, people)
        refresh_sequence(registration, key_rounds)
        with force_locale(registration.locale or "de"):
            rounds = personal_rounds(meeting, schedule, registration, people)
        key = f"change:{registration.id}:{registration.schedule_fingerprint}"
        if queue_personal("change", registration, rounds, key) is not None:
            queued += 1
    db.session.commit()
    if kick_delivery and queued:
        outbox.kick()
    return queued


def reminder_due(meeting: Meeting, now: datetime) -> bool:
    """Within ``reminder_hours`` before the start (local time), and not started yet."""
    if not meeting.reminder_hours or meeting.reminder_hours <= 0:
        return False
    start = datetime.combine(meeting.date, meeting.start_time)
    return start - timedelta(hours=meeting.reminder_hours) <= now < start


def send_reminders(now: datetime | None = None, kick_delivery: bool = True) -> int:
    """Queue the reminders that are due (each person once per meeting). Returns how many were queued."""
    now = now or local_now()
    candidates = db.session.scalars(select(Meeting).where(
        Meeting.date >= now.date(), Meeting.date <= (now + timedelta(days=32)).date())).all()
    queued = 0
    for meeting in candidates:
        if not reminder_due(meeting, now):
            continue
        _version, schedule = published_schedule(meeting)
        people = people_of(meeting)
        count = 0
        for registration in scheduling.participants(meeting):
            key = f"reminder:{meeting.id}:{registration.id}"
            if outbox.is_queued(key):
                continue
            rounds = current_rounds(registration, schedule, people) if schedule else []
            if queue_personal("reminder", registration, rounds, key) is not None:
                count += 1
        try:
            db.session.commit()
        except IntegrityError:  # another worker queued the same reminders at the same moment
            db.session.rollback()
            continue
        queued += count
    if kick_delivery and queued:
        outbox.kick()
    return queued


def preview(kind: str, registration: Registration, note: str = "") -> tuple[mail.Rendered, list[dict]]:
    """The mail as this person would get it now (published plan), without storing anything."""
    _version, schedule = published_schedule(registration.meeting)
    rounds = []
    if schedule is not None:
        with force_locale(registration.locale or "de"):
            rounds = personal_rounds(registration.meeting, schedule, registration)
    if kind not in KINDS:
        rendered = mail.render(kind, registration.locale or "de", registration=registration,
                               meeting=registration.meeting,
                               link=mail.external_url("public.personal", token=registration.token))
        return rendered, []
    return render(kind, registration, rounds, note)
