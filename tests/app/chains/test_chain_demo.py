"""The demo meeting has the two chains; its people mark plausible stations by sector, one station stays open."""
from __future__ import annotations

from chain_helpers import TRAINING, WORK
from netzwerktreffen.demo import create_demo_meeting


def test_demo_people_mark_stations_by_sector_and_one_station_stays_open(app):
    meeting = create_demo_meeting(participants=40, slug="demo-ketten")
    assert [c.name for c in meeting.chains] == [TRAINING, WORK]
    marks = {(p.sector.key, r.station.chain.name, r.station.name) for p in meeting.registrations for r in p.stations}
    assert ("sprachschule", WORK, "Sprache") in marks
    assert ("kammer", WORK, "Anerkennung") in marks
    assert {("jobcenter", WORK, "Beratung"), ("jobcenter", WORK, "Arbeit")} & marks
    assert all(r.offer for p in meeting.registrations for r in p.stations)
    covered = {(chain, name) for _sector, chain, name in marks}
    every = {(c.name, s.name) for c in meeting.chains for s in c.stations}
    assert every - covered == {(TRAINING, "Schule")}  # the gap the poster shows
