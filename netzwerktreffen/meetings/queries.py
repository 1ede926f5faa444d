"""What the organiser pages show about meetings, read without changing anything: the dashboard,
a meeting's figures, and the suggestions that pre-fill the forms for a new meeting or block."""
from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _

from netzwerktreffen.afterwards import contacts, retention
from netzwerktreffen.core import defaults
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import CAFE, CANCELLED, CONFIRMED, WAITLISTED, Block, Meeting, Organiser
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.registration import service as registrations


def dashboard(organiser: Organiser) -> tuple[list[Meeting], list[Meeting]]:
    """The organiser's meetings: upcoming ones soonest first, past ones latest first."""
    today = local_now().date()
    meetings = sorted(organiser.meetings, key=lambda m: (m.date, m.start_time))
    return [m for m in meetings if m.date >= today], [m for m in reversed(meetings) if m.date < today]


def meeting_facts(meeting: Meeting) -> dict:
    """The figures and states on a meeting's overview page."""
    return {
        "confirmed": meeting.count(CONFIRMED),
        "waitlisted": meeting.count(WAITLISTED),
        "tables": sum(len(r.tables) for r in meeting.rooms),
        "seats": sum(t.seats for r in meeting.rooms for t in r.tables),
        "open": registrations.registration_open(meeting),
        "deletion_date": retention.deletion_date(meeting),
        "may_delete": retention.may_delete_now(meeting),
        "over": contacts.meeting_over(meeting),
        "change": schedule_mail.pending_change(meeting),  # date, time or place not yet mailed
        "concerned": len(schedule_mail.change_recipients(meeting)),
    }


def suggested_meeting(organiser: Organiser) -> tuple[dict, Meeting | None]:
    """Values for a new meeting: the next of the organiser's latest series, at the same place and terms."""
    values = {"languages": ["de"], "capacity": 60, "retention_days": 90, "reminder_hours": 24,
              "start_time": time(9, 30), "end_time": time(13, 0)}
    latest = max(organiser.meetings, key=lambda m: (m.date, m.created_at or datetime.min), default=None)
    if latest is not None:
        for name in ("title", "series_name", "venue", "address", "capacity", "languages", "contact_name",
                     "contact_email", "controller", "retention_days", "reminder_hours", "start_time", "end_time"):
            values[name] = getattr(latest, name)
        if latest.series_number:
            values["series_number"] = latest.series_number + 1
    return values, latest


def next_free_time(meeting: Meeting) -> time:
    """Suggest a start right after the last block, or at the start of the meeting."""
    ends = [b.end_time for b in meeting.blocks]
    return max(ends) if ends else meeting.start_time


def suggested_block(meeting: Meeting, kind: str) -> dict:
    """Values for a new block of ``kind``: the usual rounds, right after the last block."""
    if kind == CAFE:
        suggestion = {"title": _("Pro-Action-Café"), "rounds": 3, "minutes_per_round": 25, "changeover_minutes": 5,
                      "guiding_questions": "\n".join(defaults.guiding_questions(3)),
                      "guiding_questions_en": "\n".join(defaults.guiding_questions(3, english=True))}
    else:
        suggestion = {"title": _("Speed Networking"), "rounds": 8, "minutes_per_round": 6, "changeover_minutes": 2}
    suggestion["start_time"] = next_free_time(meeting)
    return suggestion


def overlapping_blocks(block: Block) -> list:
    """Other blocks of the meeting, and its programme points (a talk, a break), that run at the same time
    (people cannot be in both); each has ``title``, ``start_time`` and ``end_time``."""
    others = [other for other in block.meeting.blocks if other.id != block.id] + list(block.meeting.programme_points)
    return [other for other in others if other.start_time < block.end_time and block.start_time < other.end_time]


def people_per_sector(meeting: Meeting) -> dict[int, int]:
    """How many people (not cancelled) each sector has, by sector id."""
    counts: dict[int, int] = {}
    for person in meeting.registrations:
        if person.sector_id is not None and person.status != CANCELLED:
            counts[person.sector_id] = counts.get(person.sector_id, 0) + 1
    return counts
