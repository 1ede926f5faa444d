"""Calendar feeds: a secret per-person feed of the current published plan, and a meeting's public agenda.

Public by design (no login): the personal feed is found only by its own
unguessable token, which cannot change the registration (unlike the personal link).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_babel import force_locale
from sqlalchemy import select

from netzwerktreffen.mail import ical
from netzwerktreffen.planning.personal import feed_rounds
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, Meeting, Registration

bp = Blueprint("feeds", __name__)


def _calendar_response(body: bytes, filename: str, private: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # a personal feed (its token in the address) is never stored: web.headers sends "private, no-store"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=600"
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/kalender/<token>.ics")
def personal(token: str):
    """The person's rounds in the plan published now; SEQUENCE grows when they changed.

    A GET writes nothing: the sequence is raised where a schedule changes (publishing, mails),
    and shown one higher here when it changed since (``personal.feed_rounds``)."""
    registration = db.session.scalar(select(Registration).where(Registration.feed_token == token))
    if registration is None:
        abort(404)
    if registration.status == CANCELLED:
        abort(410)
    rounds, sequence = feed_rounds(registration)
    with force_locale(registration.locale or "de"):
        body = ical.personal_calendar(registration.meeting, registration, rounds, sequence=sequence)
    return _calendar_response(body, "netzwerktreffen-ablauf.ics", private=True)


@bp.route("/m/<slug>/programm.ics")
def agenda(slug: str):
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == slug, Meeting.is_public.is_(True)))
    if meeting is None:
        abort(404)
    return _calendar_response(ical.agenda_calendar(meeting), f"{meeting.slug}.ics", private=False)
