"""Who is coming (the list of participants who agreed to be on it); after the meeting: whom did I
meet? (step 6 of the brief), and the thank-you mail that says so.

From the published plan, everyone who sat in the same speed-networking group
or at the same café table in the same round. Names, organisations and sectors
are shown as on the schedule; e-mail addresses (and roles) only of those who
agreed at registration that people they met may have their contact details
(``consent_contact``, revocable on the personal page). People marked as
no-shows met nobody. The list opens when the meeting has ended, and is gone
with the rest when the retention period ends (``netzwerktreffen.afterwards.retention``).
The thank-you mail that says so is in ``netzwerktreffen.mail.followups``. Everything here only reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import CONFIRMED, Meeting, Registration
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.personal import published_schedule


@dataclass
class Contact:
    """Someone the person met, and where."""

    person: Registration
    where: list[str] = field(default_factory=list)  # "Speed Networking, Runde 3"

    @property
    def shares(self) -> bool:
        return bool(self.person.consent_contact)


def listed_people(meeting: Meeting) -> list[tuple[str, list[Registration]]]:
    """Who is coming, for everyone registered: confirmed people who agreed to be on the list
    (name, organisation, sector), grouped by sector along the process chain, then by name."""
    people = [r for r in meeting.registrations if r.status == CONFIRMED and r.consent_listing and not r.no_show]
    groups: dict[int, list[Registration]] = {}
    for person in people:
        groups.setdefault(person.sector.position if person.sector else 10**6, []).append(person)
    out = []
    for _position, members in sorted(groups.items()):
        members.sort(key=lambda r: (r.name.casefold(), r.organisation.casefold()))
        out.append((members[0].sector.display_name if members[0].sector else _("ohne Bereich"), members))
    return out


def meeting_over(meeting: Meeting, now: datetime | None = None) -> bool:
    """The meeting has ended (local time)."""
    return (now or local_now()) >= datetime.combine(meeting.date, meeting.end_time)


def attended(person: Registration) -> bool:
    """Confirmed and not marked as a no-show."""
    return person.status == CONFIRMED and not person.no_show


def contacts_of(registration: Registration, schedule: scheduling.Schedule | None = None,
                people: dict[int, Registration] | None = None) -> list[Contact]:
    """Everyone the person met in the published plan, in the order they met
    (``schedule`` and ``people`` may be passed in when asking for many people)."""
    meeting = registration.meeting
    schedule = schedule or published_schedule(meeting)[1]
    if schedule is None or not attended(registration):
        return []
    people = people or {r.id: r for r in meeting.registrations}
    found: dict[int, Contact] = {}
    for seat in schedule.seats_of(registration):
        where = _("%(block)s, Runde %(n)s", block=seat.block.title, n=seat.round + 1)
        if seat.cafe_table is not None:
            where += ", " + _("Tisch %(t)s", t=seat.label)
        for rid in seat.people:
            other = people.get(rid)
            if rid == registration.id or other is None or not attended(other):
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
