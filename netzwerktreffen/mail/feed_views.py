"""Calendar feeds: a secret per-person feed of the current published plan, and a meeting's public agenda.

Public by design (no login): the personal feed is found only by its own
unguessable token, which cannot change the registration (unlike the personal link).
"""
from __future__ import annotations

import hashlib
import hmac
import re

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import force_locale
from sqlalchemy import select

from netzwerktreffen.mail import ical
from netzwerktreffen.planning.personal import cancelled_rounds, feed_rounds
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, Meeting, Registration

bp = Blueprint("feeds", __name__)


DTSTAMP = re.compile(rb"^DTSTAMP[:;].*\r?\n", re.MULTILINE)


def _calendar_response(body: bytes, filename: str, private: bool) -> Response:
    """The calendar, answering conditional requests: a calendar app asking with If-None-Match gets
    304 Not Modified while nothing but the creation time (DTSTAMP) differs."""
    response = Response(body, mimetype="text/calendar")
    response.set_etag(hashlib.sha256(DTSTAMP.sub(b"", body)).hexdigest()[:32], weak=True)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # a personal feed (its token in the address) is never stored: web.headers sends "private, no-store"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=600"
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response.make_conditional(request)


def installation_id() -> str:
    """This installation's own part of the public agenda's UIDs (derived from SECRET_KEY, not revealing it)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"netzwerktreffen ical uid", hashlib.sha256).hexdigest()[:16]


@bp.route("/kalender/<token>.ics")
def personal(token: str):
    """The person's rounds in the plan published now; SEQUENCE grows when they changed.

    A GET writes nothing: the sequence is raised where a schedule changes (publishing, mails),
    and shown one higher here when it changed since (``personal.feed_rounds``). After a cancellation
    the same events stay in the feed as STATUS:CANCELLED, so that subscribed calendars drop them."""
    registration = db.session.scalar(select(Registration).where(Registration.feed_token == token))
    if registration is None:
        abort(404)
    cancelled = registration.status == CANCELLED
    if cancelled:
        rounds, sequence = cancelled_rounds(registration), registration.ical_sequence or 0
    else:
        rounds, sequence = feed_rounds(registration)
    with force_locale(registration.locale or "de"):
        body = ical.personal_calendar(registration.meeting, registration, rounds, sequence=sequence,
                                      cancelled=cancelled)
    return _calendar_response(body, "netzwerktreffen-ablauf.ics", private=True)


@bp.route("/m/<slug>/programm.ics")
def agenda(slug: str):
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == slug, Meeting.is_public.is_(True)))
    if meeting is None:
        abort(404)
    body = ical.agenda_calendar(meeting, f"{installation_id()}.{ical.UID_DOMAIN}")
    return _calendar_response(body, f"{meeting.slug}.ics", private=False)
