"""The organiser's preview of a mail: as one chosen person would get it now (nothing stored)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, Meeting, Registration
from netzwerktreffen.mail import message as mail
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.mail.followups import render_followup

PREVIEW_KINDS = {
    "schedule": _l("Persönlicher Ablauf"),
    "change": _l("Änderungsmitteilung"),
    "reminder": _l("Erinnerung"),
    "confirmation": _l("Anmeldebestätigung"),
    "waitlisted": _l("Warteliste"),
    "promoted": _l("Nachgerückt"),
    "cancelled": _l("Absage bestätigt"),
    "link": _l("Persönlicher Link"),
    "followup": _l("Dank nach dem Treffen (Kontakte, Ergebnisse)"),
}


def kind_of(value: str | None) -> str:
    """A mail kind from the request; anything unknown is the schedule."""
    return value if value in PREVIEW_KINDS else "schedule"


def people(meeting: Meeting) -> list[Registration]:
    """Whom the preview can be for: confirmed people first, then by name."""
    return list(db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                   .order_by(Registration.status != CONFIRMED, Registration.name)))


def chosen(candidates: list[Registration], person: str | None) -> Registration | None:
    """The person asked for (by id, as the form sends it), else the first confirmed one, else anyone."""
    return (next((p for p in candidates if str(p.id) == person), None)
            or next((p for p in candidates if p.status == CONFIRMED), None)
            or (candidates[0] if candidates else None))


def render(kind: str, registration: Registration, note: str = "") -> tuple[mail.Rendered, list[dict]]:
    """The mail and its attachments as the person would get it now."""
    if kind == "followup":
        return render_followup(registration, note), []
    return schedule_mail.preview(kind, registration, note)
