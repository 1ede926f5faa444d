"""The thank-you mail after the meeting: who the person met (contacts) and the café's results."""
from __future__ import annotations
from flask_babel import gettext as _
from netzwerktreffen.afterwards import harvest
from netzwerktreffen.afterwards.contacts import contacts_of, meeting_over
from netzwerktreffen.mail import message as mail
from netzwerktreffen.mail import outbox
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.planning.personal import published_schedule
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, Meeting, Registration


class NotYet(Exception):
    """The meeting has not ended; the message is for the organiser."""


def render_followup(registration: Registration, note: str = "", schedule: scheduling.Schedule | None = None,
                    people: dict[int, Registration] | None = None,
                    results: int | None = None) -> mail.Rendered:
    """Thanks, how many people they met and how many share their details, the café's results: all on the
    personal page, which the mail links to (no one's address is in the mail)."""
    meeting = registration.meeting
    met = contacts_of(registration, schedule, people)
    if results is None:
        results = len(harvest.results(meeting, only_filled=True))
    return mail.render("followup", registration.locale or "de", registration=registration, meeting=meeting,
                       link=mail.external_url("public.personal", token=registration.token),
                       met=len(met), sharing=sum(1 for c in met if c.shares), results=results,
                       note=schedule_mail.fill_placeholders(note, registration))


def followup_recipients(meeting: Meeting) -> list[Registration]:
    """Everyone confirmed who came (not marked as a no-show)."""
    return [r for r in meeting.registrations if r.status == CONFIRMED and not r.no_show]


def queue_followups(meeting: Meeting, note: str = "", kick_delivery: bool = True) -> int:
    """Queue the thank-you mail for everyone who came, once per person; returns how many were queued."""
    from flask_babel import force_locale
    if not meeting_over(meeting):
        raise NotYet(_("Die Dankesmail lässt sich erst nach dem Ende des Treffens senden."))
    _version, schedule = published_schedule(meeting)
    people = {r.id: r for r in meeting.registrations}
    results = len(harvest.results(meeting, only_filled=True))
    queued = 0
    for registration in followup_recipients(meeting):
        key = f"followup:{meeting.id}:{registration.id}"
        if outbox.is_queued(key):
            continue
        with force_locale(registration.locale or "de"):
            rendered = render_followup(registration, note, schedule, people, results)
        if outbox.queue("followup", registration.email, registration.name, rendered, meeting=meeting,
                        registration=registration, dedupe_key=key) is not None:
            queued += 1
    db.session.commit()
    if kick_delivery and queued:
        outbox.kick()
    return queued
