"""Wer macht was: for each chain of a meeting, its stations in order and the organisations acting at each
(from confirmed registrations' station marks, ``core.chains.StationRole``), with the stations nobody
covers ("Lücke"). People are named only where they agreed at registration that their contact details may be
passed on (``Registration.consent_contact``, as for the contacts after the meeting, ``afterwards.contacts``);
everyone else appears only as their organisation. Read by the organiser's page and the poster
(``chains.poster``). Everything here only reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from netzwerktreffen.core.bilingual import in_ui_language
from netzwerktreffen.core.chains import ChainStation, ProcessChain, StationRole
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, Meeting, Registration, Sector


@dataclass
class Actor:
    """An organisation acting at a station: what its people offer there, and those who share their contact."""

    organisation: str
    sector: Sector | None
    offers: list[str] = field(default_factory=list)  # distinct, non-empty, in registration order
    people: list[Registration] = field(default_factory=list)  # only those with consent_contact
    others: int = 0  # people of the organisation at this station who did not agree to be named

    @property
    def sort_key(self) -> tuple:
        return (self.sector.position if self.sector else 10**6, self.organisation.casefold())


@dataclass
class Station:
    station: ChainStation
    number: int  # 1-based, as shown
    actors: list[Actor] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.station.display_name

    @property
    def description(self) -> str:
        return in_ui_language(self.station.description, self.station.description_en)

    @property
    def is_gap(self) -> bool:
        return not self.actors


@dataclass
class Chain:
    chain: ProcessChain
    stations: list[Station]

    @property
    def name(self) -> str:
        return self.chain.display_name

    @property
    def gaps(self) -> list[Station]:
        return [s for s in self.stations if s.is_gap]

    @property
    def covered(self) -> bool:
        """At least one station has someone."""
        return any(not s.is_gap for s in self.stations)


def _confirmed_roles(meeting: Meeting) -> dict[int, list[StationRole]]:
    """The station marks of the meeting's confirmed registrations, by station id, in registration order."""
    roles = db.session.scalars(
        select(StationRole).join(Registration, StationRole.registration_id == Registration.id)
        .where(Registration.meeting_id == meeting.id, Registration.status == CONFIRMED)
        .order_by(Registration.id)).all()
    by_station: dict[int, list[StationRole]] = {}
    for role in roles:
        by_station.setdefault(role.station_id, []).append(role)
    return by_station


def _actors(roles: list[StationRole]) -> list[Actor]:
    """One entry per organisation (same name ignoring case and spaces), ordered along the sectors' chain."""
    actors: dict[str, Actor] = {}
    for role in roles:
        person = role.registration
        key = " ".join(person.organisation.split()).casefold()
        actor = actors.setdefault(key, Actor(" ".join(person.organisation.split()), person.sector))
        offer = (role.offer or "").strip()
        if offer and offer not in actor.offers:
            actor.offers.append(offer)
        if person.consent_contact:
            actor.people.append(person)
        else:
            actor.others += 1
    return sorted(actors.values(), key=lambda a: a.sort_key)


def who_does_what(meeting: Meeting) -> list[Chain]:
    """Every chain of the meeting with its stations in order and who acts at each."""
    by_station = _confirmed_roles(meeting)
    return [Chain(chain, [Station(station, k + 1, _actors(by_station.get(station.id, [])))
                          for k, station in enumerate(chain.stations)])
            for chain in meeting.chains]


def sharing_people(chains: list[Chain]) -> list[Registration]:
    """Everyone named in the chains (they agreed to share their contact), once, by name."""
    found = {p.id: p for c in chains for s in c.stations for a in s.actors for p in a.people}
    return sorted(found.values(), key=lambda p: (p.name.casefold(), p.id))
