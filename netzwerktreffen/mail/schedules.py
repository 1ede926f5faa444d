"""Personal schedules by mail: the schedule, change notices after a re-plan, and reminders.

Each mail goes through the outbox (``outbox.queue``) with a ``dedupe_key``, so
running a command twice never sends a mail twice:

- ``schedule:<plan version>:<registration>`` – the schedule of a published plan,
- ``change:<plan version>:<registration>:<version last sent>`` – one notice per person and change of
  what they were sent (the version each mail carries is stored with it: ``versions_sent``),
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
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import format_date, format_time, local_now
from netzwerktreffen.core.models import (
    CONFIRMED,
    FAILED,
    WAITLISTED,
    Meeting,
    OutboxMessage,
    PlanVersion,
    Registration,
)
from netzwerktreffen.core.worker import enqueue
from netzwerktreffen.mail import ical, outbox
from netzwerktreffen.mail import message as mail
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning.personal import (
    PersonalRound,
    _clean,
    cancelled_rounds,
    current_rounds,
    people_of,
    personal_rounds,
    published_schedule,
    refresh_sequence,
)

log = logging.getLogger(__name__)

KINDS = ("schedule", "change", "reminder")
ICS_FILENAME = "netzwerktreffen-ablauf.ics"


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
        "ort": meeting.place,
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
           changes: int = 0, **extra) -> tuple[mail.Rendered, list[dict]]:
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
        changes=changes, **extra)
    attachment = {"filename": ICS_FILENAME, "content_type": "text/calendar", "params": {"method": "PUBLISH"},
                  "content": ics}
    return rendered, [attachment]


def cancellation_attachment(registration: Registration) -> dict:
    """The .ics of a cancellation: the person's events (same UIDs as sent before) called off,
    METHOD:CANCEL and STATUS:CANCELLED with the SEQUENCE raised at the cancellation."""
    with force_locale(registration.locale or "de"):
        ics = ical.personal_calendar(registration.meeting, registration, cancelled_rounds(registration),
                                     method="CANCEL", cancelled=True).decode("utf-8")
    return {"filename": ICS_FILENAME, "content_type": "text/calendar", "params": {"method": "CANCEL"},
            "content": ics}


def queue_personal(kind: str, registration: Registration, rounds: list[PersonalRound], dedupe_key: str,
                   note: str = "", version: PlanVersion | None = None) -> OutboxMessage | None:
    """Queue one person's mail; ``version``: the plan whose rounds it carries (remembered as sent to them)."""
    rendered, attachments = render(kind, registration, rounds, note)
    return outbox.queue(kind, registration.email, registration.name, rendered, meeting=registration.meeting,
                        registration=registration, dedupe_key=dedupe_key, attachments=attachments,
                        plan_version=version)


def recipients(meeting: Meeting, schedule: scheduling.Schedule) -> list[Registration]:
    """Confirmed people with at least one round in the plan."""
    return [r for r in scheduling.participants(meeting) if schedule.seats_of(r)]


def queue_schedules(meeting: Meeting, note: str = "", kick_delivery: bool = True) -> list[int]:
    """Queue the schedule mail of the published plan for everyone in it; returns the outbox ids.

    A person who already got the schedule of this plan version is skipped.
    """
    version, schedule = published_schedule(meeting)
    if version is None:
        raise PlanningError(_("Es gibt noch keinen veröffentlichten Plan."))
    meeting.announced = meeting_facts(meeting)  # what people are told from now on
    people = people_of(meeting)
    ids = []
    for registration in recipients(meeting, schedule):
        rounds = current_rounds(registration, schedule, people)
        row = queue_personal("schedule", registration, rounds, f"schedule:{version.id}:{registration.id}", note,
                             version=version)
        if row is not None:
            ids.append(row.id)
    db.session.commit()
    log.info("%s schedule mails queued for %s", len(ids), meeting.slug)
    if kick_delivery and ids:
        outbox.kick()
    return ids


def queue_schedules_task(meeting_id: int, note: str = "") -> int:
    """The organiser's "send to all" as a background job: render and queue, then send."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    return len(queue_schedules(meeting, note=note))


def start_sending_schedules(meeting: Meeting, note: str = "") -> None:
    """Render and queue everyone's schedule in the background (at once with MAIL_DELIVERY=inline)."""
    if scheduling.published(meeting) is None:
        raise PlanningError(_("Es gibt noch keinen veröffentlichten Plan."))
    if current_app.config.get("MAIL_DELIVERY", "background") == "inline":
        queue_schedules(meeting, note=note)
    else:
        enqueue("netzwerktreffen.tasks.queue_schedules", meeting.id, note, timeout=3600)


def versions_sent(meeting: Meeting) -> dict[int, PlanVersion]:
    """Registration id -> the plan version whose rounds that person was mailed last (a schedule, change
    notice or reminder that was sent or is still on its way; a mail that finally failed does not count)."""
    rows = db.session.execute(
        select(OutboxMessage.registration_id, OutboxMessage.plan_version_id)
        .where(OutboxMessage.meeting_id == meeting.id, OutboxMessage.registration_id.is_not(None),
               OutboxMessage.plan_version_id.is_not(None), OutboxMessage.status != FAILED)
        .order_by(OutboxMessage.id)).all()
    last = {registration_id: version_id for registration_id, version_id in rows}
    versions = {v.id: v for v in db.session.scalars(select(PlanVersion).where(PlanVersion.id.in_(set(last.values()))))}
    return {rid: versions[vid] for rid, vid in last.items() if vid in versions}


def changed_people(meeting: Meeting, baselines: dict[int, dict], fallback: dict, after_plan: dict) -> set[int]:
    """Whose rounds in ``after_plan`` differ from the plan each person was sent (``baselines``; else
    ``fallback``); people new to the plan count as changed (removed people get other mail)."""
    after_people = {scheduling.registration_id(pid) for (_b, _r, pid) in planning.placements(after_plan)}
    by_baseline: dict[int, tuple[dict, set[int]]] = {}
    for rid in after_people:
        plan = baselines.get(rid, fallback)
        by_baseline.setdefault(id(plan), (plan, set()))[1].add(rid)
    changed = set()
    for plan, people in by_baseline.values():
        before = {scheduling.registration_id(pid) for (_b, _r, pid) in planning.placements(plan)}
        changed |= {d.registration_id for d in planning.differences(meeting, plan, after_plan)} & people
        changed |= people - before
    return changed


def send_change_notices(meeting: Meeting, before_plan: dict, after_plan: dict, kick_delivery: bool = True,
                        version: PlanVersion | None = None) -> int:
    """After a re-plan: a change notice with the new schedule to each person whose rounds changed.

    Each person's rounds are compared with the plan they were actually mailed last (``versions_sent``):
    who got version 1, while version 2 was published but never mailed, is told what differs between 1 and
    the new plan, and nothing when those agree. Who was never mailed a plan is compared with
    ``before_plan`` while no one of the meeting was, else counts as new. ``version``: the plan version of
    ``after_plan`` (default: the published one). Returns how many notices were queued; pressing twice
    queues nothing more (the notice is then what the person was sent last).
    """
    version = version or scheduling.published(meeting)
    sent = versions_sent(meeting)
    baselines = {rid: v.plan for rid, v in sent.items()}
    changed = changed_people(meeting, baselines, {"blocks": []} if sent else before_plan, after_plan)
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
        baseline = sent.get(rid)
        key = f"change:{version.id if version else 0}:{registration.id}:{baseline.id if baseline else 0}"
        if queue_personal("change", registration, rounds, key, version=version) is not None:
            queued += 1
    db.session.commit()
    if kick_delivery and queued:
        outbox.kick()
    return queued


# --------------------------------------------------------------------------
# Date, time or place changed after the schedules went out


def meeting_facts(meeting: Meeting) -> dict[str, str]:
    """When and where, as participants are told (``Meeting.announced`` keeps what was mailed last)."""
    return {"date": meeting.date.isoformat(), "start": meeting.start_time.strftime("%H:%M"),
            "end": meeting.end_time.strftime("%H:%M"), "place": meeting.place}


def schedules_went_out(meeting: Meeting) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.meeting_id == meeting.id, OutboxMessage.kind.in_(("schedule", "change"))).limit(1)) is not None


def record_before_edit(meeting: Meeting) -> None:
    """Before an organiser changes the meeting: if schedules went out before anything was recorded
    (meetings older than ``Meeting.announced``), note the date, times and place as they were (not committed)."""
    if meeting.announced is None and schedules_went_out(meeting):
        meeting.announced = meeting_facts(meeting)


def _times(start: str, end: str) -> str:
    return f"{format_time(time.fromisoformat(start))} – {format_time(time.fromisoformat(end))}"


def pending_change(meeting: Meeting) -> list[tuple[str, str, str]]:
    """What changed since the schedules went out, as (what, now, before) in the current language:
    date, time and place; [] when nothing did or nothing was sent yet."""
    told, now = meeting.announced, meeting_facts(meeting)
    if not told or all(told.get(key) == now[key] for key in now):
        return []
    found = []
    if told.get("date") != now["date"]:
        found.append((_("Datum"), format_date(meeting.date), format_date(date.fromisoformat(told["date"]))))
    if (told.get("start"), told.get("end")) != (now["start"], now["end"]):
        found.append((_("Uhrzeit"), _times(now["start"], now["end"]), _times(told["start"], told["end"])))
    if told.get("place") != now["place"]:
        found.append((_("Ort"), now["place"], told.get("place") or "–"))
    return found


def change_recipients(meeting: Meeting) -> list[Registration]:
    """Everyone the change concerns: confirmed people and those on the waiting list."""
    return [r for r in meeting.registrations if r.status in (CONFIRMED, WAITLISTED)]


def announce_change(meeting: Meeting, kick_delivery: bool = True) -> int:
    """The organiser tells everyone concerned about the new date, time or place: a mail with the
    updated .ics (same UIDs, SEQUENCE raised). Returns how many mails were queued; 0 when nothing
    is pending (also for a second click, or when another request announced it at the same moment)."""
    if not pending_change(meeting):
        return 0
    _version, schedule = published_schedule(meeting)
    people = people_of(meeting)
    facts = meeting_facts(meeting)
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]
    queued = 0
    for registration in change_recipients(meeting):
        before = registration.ical_sequence or 0
        rounds = current_rounds(registration, schedule, people) if schedule is not None else []
        if (registration.ical_sequence or 0) == before:  # the rounds kept their times: the place changed
            registration.ical_sequence = before + 1
        with force_locale(registration.locale or "de"):
            moved = pending_change(meeting)
        rendered, attachments = render("moved", registration, rounds, moved=moved)
        key = f"moved:{registration.id}:{registration.ical_sequence}:{digest}"
        if outbox.queue("moved", registration.email, registration.name, rendered, meeting=meeting,
                        registration=registration, dedupe_key=key, attachments=attachments) is not None:
            queued += 1
    meeting.announced = facts
    try:
        db.session.commit()
    except IntegrityError:  # the same change announced by a second click at the same moment
        db.session.rollback()
        return 0
    log.info("%s change mails (date, time or place) queued for %s", queued, meeting.slug)
    if kick_delivery and queued:
        outbox.kick()
    return queued


def keep_change_to_ourselves(meeting: Meeting) -> None:
    """The organiser decided the change needs no mail (e.g. a typo in the address): forget it."""
    if meeting.announced is not None:
        meeting.announced = meeting_facts(meeting)
        db.session.commit()


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
        published_version, schedule = published_schedule(meeting)
        people = people_of(meeting)
        count = 0
        for registration in scheduling.participants(meeting):
            key = f"reminder:{meeting.id}:{registration.id}"
            if outbox.is_queued(key):
                continue
            rounds = current_rounds(registration, schedule, people) if schedule else []
            if queue_personal("reminder", registration, rounds, key, version=published_version) is not None:
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
