"""Shared by the process-chain tests: a meeting with the two Stendal chains, stations by name."""
from __future__ import annotations

import pytest

from netzwerktreffen.chains.defaults import add_default_chains
from netzwerktreffen.core.extensions import db

WORK = "Integration von Geflüchteten in Arbeit"
TRAINING = "Integration von jungen Geflüchteten in Ausbildung"


@pytest.fixture
def chain_meeting(make_meeting, organiser):
    """A meeting (default catalogue, two blocks) with the two default chains."""
    def make(slug="ketten", **fields):
        fields.setdefault("organisers", [organiser])
        meeting = make_meeting(slug=slug, **fields)
        add_default_chains(meeting)
        db.session.commit()
        return meeting
    return make


def station(meeting, chain_name, station_name):
    chain = next(c for c in meeting.chains if c.name == chain_name)
    return next(s for s in chain.stations if s.name == station_name)


def station_names(registration):
    return sorted(f"{role.station.chain.name}: {role.station.name}" for role in registration.stations)
