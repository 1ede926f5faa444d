"""Process chains in the scheduler instance: neighbouring stations are complementary.

A person acting at a station *offers* that station's key and *needs* the next station's key, so two
people at neighbouring stations of one chain get one offer-need match (the handover forward), and people
at the same station or far apart get none. The keys (``kette:<chain id>:<station id>``) are internal:
a colon never occurs in a topic key (those are slugs), so they cannot meet a real topic, and every page
shows the handover they stand for instead (``handover_names``), never the key.
"""
from __future__ import annotations

from flask_babel import gettext as _

from netzwerktreffen.core.chains import ChainStation
from netzwerktreffen.core.models import Meeting, Registration

PREFIX = "kette:"


def station_key(station: ChainStation) -> str:
    return f"{PREFIX}{station.chain_id}:{station.id}"


def is_chain_key(key: str) -> bool:
    return key.startswith(PREFIX)


def next_station(station: ChainStation) -> ChainStation | None:
    stations = list(station.chain.stations)
    index = stations.index(station)
    return stations[index + 1] if index + 1 < len(stations) else None


def chain_keys(registration: Registration) -> tuple[set[str], set[str]]:
    """(offers, needs): a marked station's key, and the key of the station after it."""
    offers: set[str] = set()
    needs: set[str] = set()
    for role in registration.stations:
        offers.add(station_key(role.station))
        following = next_station(role.station)
        if following is not None:
            needs.add(station_key(following))
    return offers, needs


def handover_names(meeting: Meeting) -> dict[str, str]:
    """Chain key -> the handover an offer-need match on it means. Only people at the station before need a
    station's key, so a match on it is always the handover from that station to this one. A chain's first
    station is never needed; it gets its own name, in case a page shows it anyway."""
    names: dict[str, str] = {}
    for chain in meeting.chains:
        stations = list(chain.stations)
        if stations:
            names[station_key(stations[0])] = f"{chain.display_name}: {stations[0].display_name}"
        for before, after in zip(stations, stations[1:]):
            names[station_key(after)] = _("Übergabe in der Prozesskette „%(chain)s“: %(before)s → %(after)s",
                                          chain=chain.display_name, before=before.display_name,
                                          after=after.display_name)
    return names


def unknown_handover() -> str:
    """A key of a stored plan whose chain or station has since been changed or deleted."""
    return _("Übergabe in einer Prozesskette, die inzwischen geändert wurde")
