"""After the meeting: whom did I meet? (step 6 of the brief)

From the published plan, everyone who sat in the same speed-networking group
or at the same café table in the same round. Names, organisations and sectors
are shown as on the schedule; e-mail addresses (and roles) only of those who
agreed at registration that people they met may have their contact details
(``consent_contact``, revocable on the personal page). People marked as
no-shows met nobody. The list opens when the meeting has ended, and is gone
with the rest when the retention period ends (``netzwerktreffen.retention``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from . import scheduling
from .i18n import local_now
from .models import CANCELLED, PUBLISHED, Meeting, Registration


@dataclass
class Contact:
    """Someone the person met, and where."""

    person: Registration
    where: list[str] = field(default_factory=list)  # "Speed Networking, Runde 3"

    @property
    def shares(self) -> bool:
        return bool(self.person.consent_contact)


def meeting_over(meeting: Meeting, now: datetime | None = None) -> bool:
    """The meeting has ended (local time)."""
    return (now or local_now()) >= datetime.combine(meeting.date, meeting.end_time)


def _attended(person: Registration) -> bool:
    return person.status != CANCELLED and not person.no_show


def contacts_of(registration: Registration) -> list[Contact]:
    """Everyone the person met in the published plan, in the order they met."""
    meeting = registration.meeting
    version = scheduling.latest(meeting, PUBLISHED)
    if version is None or not _attended(registration):
        return []
    people = {r.id: r for r in meeting.registrations}
    found: dict[int, Contact] = {}
    for seat in scheduling.Schedule(meeting, version.plan).seats_of(registration):
        where = _("%(block)s, Runde %(n)s", block=seat.block.title, n=seat.round + 1)
        if seat.cafe_table is not None:
            where += ", " + _("Tisch %(t)s", t=seat.label)
        for rid in seat.people:
            other = people.get(rid)
            if rid == registration.id or other is None or not _attended(other):
                continue
            found.setdefault(rid, Contact(other)).where.append(where)
    return list(found.values())


def vcards(contacts: list[Contact], meeting: Meeting) -> str:
    """The contacts who share their details, as vCard 3.0 (one file, importable into address books)."""
    import vobject

    cards = []
    for contact in contacts:
        if not contact.shares:
            continue
        person = contact.person
        card = vobject.vCard()
        card.add("fn").value = person.name
        given, _sep, family = person.name.rpartition(" ")  # "Anna Maria Weber": given "Anna Maria"
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        card.add("org").value = [person.organisation]
        if person.role:
            card.add("title").value = person.role
        card.add("email").value = person.email
        card.add("note").value = _("Getroffen bei %(meeting)s am %(date)s: %(where)s",
                                   meeting=meeting.display_title, date=meeting.date.strftime("%d.%m.%Y"),
                                   where="; ".join(contact.where))
        cards.append(card.serialize())
    return "".join(cards)
