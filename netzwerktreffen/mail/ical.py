"""iCalendar files: a person's rounds (mail attachment and feed) and a meeting's public agenda, each with the
meeting's programme points (talks, breaks, …) as events of their own.

Built with ``icalendar``: times carry TZID=Europe/Berlin and the calendar
holds the matching VTIMEZONE; every round has a UID that stays the same for
the person and round, and a SEQUENCE that grows whenever the person's
schedule changed (``Registration.ical_sequence``).
"""
from __future__ import annotations

import hashlib
from datetime import MAXYEAR, MINYEAR, date, datetime, timezone
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from icalendar import Calendar, Event, Timezone

from netzwerktreffen.core.i18n import local
from netzwerktreffen.core.models import Meeting, ProgrammePoint, Registration
from netzwerktreffen.core.text import one_line, place_line

if TYPE_CHECKING:  # pragma: no cover
    from netzwerktreffen.planning.personal import PersonalRound

PRODID = "-//netzwerktreffen//Netzwerktreffen//DE"
TZID = "Europe/Berlin"
UID_DOMAIN = "netzwerktreffen"


def _calendar(meeting: Meeting, name: str, method: str | None = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", _duration_hour(), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(Timezone.from_tzid(TZID, first_date=_new_year(meeting.date.year - 1),
                                              last_date=_new_year(meeting.date.year + 2)))
    return calendar


def _new_year(year: int) -> date:
    """1 January of ``year``, kept inside the calendar (a meeting stored for 31.12.9999 still gets its .ics)."""
    return date(min(max(year, MINYEAR), MAXYEAR), 1, 1)


def _duration_hour():
    from datetime import timedelta
    return timedelta(hours=1)


def person_key(registration: Registration) -> str:
    """A stable, non-secret stand-in for the person in UIDs (a hash of the feed token)."""
    return hashlib.sha256(registration.feed_token.encode()).hexdigest()[:20]


def round_uid(registration: Registration, block_id: int, round_index: int) -> str:
    return f"{person_key(registration)}-b{block_id}-r{round_index + 1}@{UID_DOMAIN}"


def _event(uid: str, summary: str, start: datetime, end: datetime, *, location: str = "",
           description: str = "", sequence: int = 0, stamp: datetime | None = None, busy: bool = True,
           cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or datetime.now(timezone.utc).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", one_line(summary))
    if location:
        event.add("location", one_line(location))
    if description:
        event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE" if busy else "TRANSPARENT")
    return event


def round_summary(meeting: Meeting, item: "PersonalRound") -> str:
    return _("%(block)s, Runde %(n)s – %(spot)s", block=item.block_title, n=item.round + 1, spot=item.spot)


def round_location(meeting: Meeting, item: "PersonalRound") -> str:
    """Where: "Platz 3, Saal 1, Stadthalle, Karl-Marx-Straße 32, 29410 Salzwedel", each part once."""
    if item.is_pause:
        return meeting.place
    return place_line(item.spot, item.room, meeting.venue, meeting.address)


def round_description(item: "PersonalRound") -> str:
    if item.is_pause:
        return pgettext("Runde", "Pause") + " – " + _("In dieser Runde haben Sie kein Gespräch.")
    lines = []
    if item.is_cafe:
        lines.append(_("Frage am Tisch: %(q)s", q=one_line(item.question)))
        if item.is_host:
            lines.append(_("Sie sind Gastgeber:in an diesem Tisch."))
        elif item.host:
            lines.append(_("Gastgeber:in: %(host)s", host=one_line(item.host)))
        if item.guiding_question:
            lines.append(_("Leitfrage der Runde: %(q)s", q=one_line(item.guiding_question)))
    if item.partners:
        lines.append(_("Sie treffen:"))
        lines += [f"– {partner.line}" for partner in item.partners]
    elif not item.is_cafe:
        lines.append(_("Diese Runde haben Sie frei."))
    return "\n".join(lines)


def personal_calendar(meeting: Meeting, registration: Registration, rounds: list["PersonalRound"],
                      *, method: str | None = "PUBLISH", sequence: int | None = None,
                      cancelled: bool = False) -> bytes:
    """One VEVENT per round of the person's schedule (before a plan exists: the meeting itself).

    ``sequence``: the SEQUENCE of every event (default: the person's stored ``ical_sequence``).
    ``cancelled``: the same events (same UIDs) with STATUS:CANCELLED, so that calendars drop them;
    with ``method="CANCEL"`` (the cancellation mail) each also names its ORGANIZER and ATTENDEE,
    which calendar programs need to apply a cancellation."""
    calendar = _calendar(meeting, _("%(title)s – mein Ablauf", title=meeting.display_title), method)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    if sequence is None:
        sequence = registration.ical_sequence or 0
    events = [_event(
        round_uid(registration, item.block_id, item.round), round_summary(meeting, item), item.start, item.end,
        location=round_location(meeting, item), description=round_description(item), sequence=sequence,
        stamp=stamp, busy=not item.is_pause, cancelled=cancelled) for item in rounds]
    if rounds:  # the talks, breaks and open exchange around the rounds
        events += [_point_event(meeting, point, f"{person_key(registration)}-p{point.id}@{UID_DOMAIN}",
                                sequence + (point.sequence or 0), stamp, cancelled)
                   for point in meeting.programme_points]
    else:
        events.append(_meeting_event(meeting, f"{person_key(registration)}-treffen@{UID_DOMAIN}",
                                     sequence, stamp, cancelled=cancelled))
    for event in events:
        if method == "CANCEL":
            _add_parties(event, meeting, registration)
        calendar.add_component(event)
    return calendar.to_ical()


def _add_parties(event: Event, meeting: Meeting, registration: Registration) -> None:
    organiser = meeting.contact_email or next((o.email for o in meeting.organisers), "")
    if organiser:
        event.add("organizer", f"mailto:{organiser}",
                  parameters={"CN": one_line(meeting.contact_name)} if meeting.contact_name else None)
    event.add("attendee", f"mailto:{registration.email}", parameters={"CN": one_line(registration.name)})


def _meeting_event(meeting: Meeting, uid: str, sequence: int, stamp: datetime, cancelled: bool = False) -> Event:
    return _event(uid, meeting.display_title, local(meeting.date, meeting.start_time),
                  local(meeting.date, meeting.end_time), location=meeting.place,
                  description=meeting.description or "", sequence=sequence, stamp=stamp, cancelled=cancelled)


def point_description(point: ProgrammePoint) -> str:
    """"Vortrag – Anna Weiß (Büro für Chancengleichheit)"."""
    return f"{point.kind_label} – {point.who}" if point.who else point.kind_label


def _point_event(meeting: Meeting, point: ProgrammePoint, uid: str, sequence: int, stamp: datetime,
                 cancelled: bool = False) -> Event:
    """A programme point as its own event; SEQUENCE grows with each change of the point
    (``ProgrammePoint.sequence``), a break does not block the calendar."""
    return _event(uid, point.display_title, local(meeting.date, point.start_time),
                  local(meeting.date, point.end_time), location=meeting.place,
                  description=point_description(point), sequence=sequence, stamp=stamp,
                  busy=not point.is_break, cancelled=cancelled)


def agenda_calendar(meeting: Meeting, domain: str = UID_DOMAIN) -> bytes:
    """The public agenda: the meeting and each block, no personal data.

    ``domain``: the right side of the UIDs, the installation's own (``feed_views.installation_id``), so that
    two installations' meetings never share a UID in someone's calendar."""
    calendar = _calendar(meeting, meeting.display_title)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    calendar.add_component(_meeting_event(meeting, f"treffen-{meeting.id}@{domain}", 0, stamp))
    for block in meeting.blocks:
        if not block.rounds:
            continue
        kind = _("Pro-Action-Café") if block.is_cafe else _("Speed Networking")
        description = ngettext("%(kind)s, %(n)s Runde à %(m)s Minuten", "%(kind)s, %(n)s Runden à %(m)s Minuten",
                        kind=kind, num=block.rounds, n=block.rounds, m=block.minutes_per_round)
        if block.is_cafe and block.cafe_tables:
            description += "\n" + "\n".join(f"– {one_line(t.display_question)}" for t in block.cafe_tables)
        room = block.room.name if block.room else ""
        calendar.add_component(_event(
            f"treffen-{meeting.id}-block-{block.id}@{domain}", block.title,
            local(meeting.date, block.start_time), local(meeting.date, block.end_time),
            location=place_line(room, meeting.venue, meeting.address),
            description=description, stamp=stamp))
    for point in meeting.programme_points:
        calendar.add_component(_point_event(meeting, point, f"treffen-{meeting.id}-punkt-{point.id}@{domain}",
                                            point.sequence or 0, stamp))
    return calendar.to_ical()
