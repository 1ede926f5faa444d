"""Write operations on a meeting's process chains and on the stations where a registered person acts.

The organiser's functions commit; ``set_stations`` and the copy functions do not (they are part of a larger
change: a registration, a new meeting)."""
from __future__ import annotations

import logging

from sqlalchemy import delete

from netzwerktreffen.chains.defaults import add_default_chains
from netzwerktreffen.core.chains import ChainStation, ProcessChain, StationRole
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, Meeting, Registration

log = logging.getLogger(__name__)

MAX_CHAINS = 20
MAX_STATIONS = 30


class ChainLimit(Exception):
    """More chains or stations than a poster (and a registration form) can hold."""


def start_chains(meeting: Meeting, previous: Meeting | None = None) -> None:
    """A new meeting's chains: those of the previous meeting of its series, else the Stendal defaults."""
    with db.session.no_autoflush:  # the new meeting is not in the session yet
        if previous is not None and previous.chains:
            copy_chains(previous, meeting)
        else:
            add_default_chains(meeting)


def copy_chains(source: Meeting, target: Meeting) -> None:
    """Copy ``source``'s chains with their stations (names, descriptions, order) onto ``target``, after the
    chains it has; who acted where stays with ``source`` (that belongs to its registrations). No commit."""
    start = len(target.chains)
    for k, chain in enumerate(source.chains):
        target.chains.append(ProcessChain(name=chain.name, name_en=chain.name_en, position=start + k, stations=[
            ChainStation(name=s.name, name_en=s.name_en, description=s.description, description_en=s.description_en,
                         position=position) for position, s in enumerate(chain.stations)]))


def stations_of(meeting: Meeting) -> list[ChainStation]:
    return [station for chain in meeting.chains for station in chain.stations]


# -- The organiser edits chains and stations ----------------------------------------------------------------

def add_chain(meeting: Meeting, data: dict) -> ProcessChain:
    if len(meeting.chains) >= MAX_CHAINS:
        raise ChainLimit
    chain = ProcessChain(position=max((c.position for c in meeting.chains), default=-1) + 1, **data)
    meeting.chains.append(chain)
    db.session.commit()
    log.info("chain %s added to %s", chain.id, meeting.slug)
    return chain


def update_chain(chain: ProcessChain, data: dict) -> None:
    for name, value in data.items():
        setattr(chain, name, value)
    db.session.commit()


def delete_chain(chain: ProcessChain) -> None:
    """Delete a chain with its stations and who acted there (SQLite enforces no ON DELETE: explicitly)."""
    station_ids = [s.id for s in chain.stations]
    db.session.execute(delete(StationRole).where(StationRole.station_id.in_(station_ids)))
    meeting = chain.meeting
    meeting.chains.remove(chain)
    _renumber(meeting.chains)
    db.session.commit()
    db.session.expire_all()  # registrations loaded in this session still list the deleted roles


def add_station(chain: ProcessChain, data: dict) -> ChainStation:
    if len(chain.stations) >= MAX_STATIONS:
        raise ChainLimit
    station = ChainStation(position=len(chain.stations), **data)
    chain.stations.append(station)
    _renumber(chain.stations)
    db.session.commit()
    return station


def update_station(station: ChainStation, data: dict) -> None:
    for name, value in data.items():
        setattr(station, name, value)
    db.session.commit()


def delete_station(station: ChainStation) -> None:
    """Delete a station and who acted there; the stations after it move up."""
    db.session.execute(delete(StationRole).where(StationRole.station_id == station.id))
    chain = station.chain
    chain.stations.remove(station)
    _renumber(chain.stations)
    db.session.commit()
    db.session.expire_all()


def move_station(station: ChainStation, step: int) -> bool:
    """Move a station one place up (-1) or down (+1); False where it is first or last already."""
    stations = list(station.chain.stations)
    index = stations.index(station)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(stations):
        return False
    stations[index], stations[other] = stations[other], stations[index]
    _renumber(stations)
    db.session.commit()
    db.session.expire(station.chain, ["stations"])  # read again in the new order
    return True


def _renumber(items) -> None:
    for position, item in enumerate(items):
        item.position = position


# -- Who acts where -----------------------------------------------------------------------------------------

def set_stations(registration: Registration, chosen: list[tuple[ChainStation, str]]) -> None:
    """The stations where the person acts, with what they offer there; rows of stations kept are updated
    in place (a row deleted and added again in one flush would clash with the unique constraint). No commit."""
    wanted = {station.id: (station, offer.strip()[:500]) for station, offer in chosen}
    for role in list(registration.stations):
        if role.station_id in wanted:
            role.offer = wanted.pop(role.station_id)[1]
        else:
            registration.stations.remove(role)
    for station, offer in wanted.values():
        registration.stations.append(StationRole(station=station, offer=offer))


def people_per_station(meeting: Meeting) -> dict[int, int]:
    """How many registrations (not cancelled) act at each station, by station id."""
    counts: dict[int, int] = {}
    for person in meeting.registrations:
        if person.status != CANCELLED:
            for role in person.stations:
                counts[role.station_id] = counts.get(role.station_id, 0) + 1
    return counts
