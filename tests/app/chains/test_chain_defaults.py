"""A new meeting starts with the two Stendal process chains; a new meeting of a series copies the last one's."""
from __future__ import annotations

from datetime import time, timedelta

from chain_helpers import TRAINING, WORK, chain_meeting, station  # noqa: F401 (fixture)
from dates import berlin_today
from netzwerktreffen.chains import service as chains
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Meeting
from netzwerktreffen.meetings import service as meetings


def meeting_data(title="Netzwerktreffen Altmark", series="Netzwerktreffen Altmark", days=40, **more):
    data = dict(title=title, series_name=series, date=berlin_today() + timedelta(days=days),
                start_time=time(9, 30), end_time=time(13, 0), capacity=60, languages=["de"])
    data.update(more)
    return data


def layout(meeting: Meeting) -> list:
    return [(c.name, c.name_en, [(s.name, s.name_en, s.description, s.description_en) for s in c.stations])
            for c in meeting.chains]


def test_a_new_meeting_starts_with_the_two_stendal_chains(app, organiser):
    meeting = meetings.create_meeting(organiser, meeting_data())
    assert [(c.name, c.name_en) for c in meeting.chains] == [
        (TRAINING, "Integrating young refugees into vocational training"),
        (WORK, "Integrating refugees into work")]
    training, work = meeting.chains
    assert [s.name for s in training.stations] == ["Ankunft", "Sprache", "Schule", "Beratung",
                                                  "Berufsorientierung", "Ausbildung"]
    assert [s.name for s in work.stations] == ["Ankunft", "Sprache", "Beratung", "Anerkennung",
                                              "Qualifizierung", "Arbeit"]
    assert [s.position for s in work.stations] == list(range(6))
    assert [s.name_en for s in work.stations] == ["Arrival", "Language", "Counselling", "Recognition",
                                                 "Qualification", "Work"]
    every = [s for c in meeting.chains for s in c.stations]
    assert all(s.description and s.description_en and s.description != s.description_en for s in every)


def test_a_new_meeting_of_the_series_copies_the_last_meetings_chains(app, organiser, make_registration):
    first = meetings.create_meeting(organiser, meeting_data(days=10))
    training, work = first.chains
    chains.update_station(station(first, WORK, "Sprache"), {"name": "Deutsch", "description": "Kurse"})
    chains.delete_station(station(first, TRAINING, "Schule"))
    chains.move_station(station(first, WORK, "Anerkennung"), -1)
    chains.add_chain(first, {"name": "Integration in Studium", "name_en": ""})
    make_registration(first, stations=[(station(first, WORK, "Deutsch"), "Integrationskurs")])
    expected = layout(first)
    second = meetings.create_meeting(organiser, meeting_data(days=60, series_number=2))
    assert layout(second) == expected
    assert [s.name for s in second.chains[1].stations][2:4] == ["Anerkennung", "Beratung"]
    assert {s.id for c in second.chains for s in c.stations}.isdisjoint({s.id for c in first.chains for s in c.stations})
    assert not any(s.roles for c in second.chains for s in c.stations)  # who acted where stays behind
    assert station(first, WORK, "Deutsch").roles  # and is not taken from the first meeting either
    other = meetings.create_meeting(organiser, meeting_data(title="Fachtag Pflege", series="Fachtag Pflege"))
    assert [c.name for c in other.chains] == [TRAINING, WORK]
    assert [s.name for s in other.chains[0].stations][2] == "Schule"


def test_copy_chains_appends_to_the_chains_a_meeting_has(chain_meeting, make_meeting):
    source = chain_meeting()
    target = make_meeting(slug="ziel")
    chains.add_chain(target, {"name": "Eigene Kette", "name_en": "Own chain"})
    chains.copy_chains(source, target)
    db.session.commit()
    assert [c.name for c in target.chains] == ["Eigene Kette", TRAINING, WORK]
    assert [c.position for c in target.chains] == [0, 1, 2]
    assert layout(target)[1:] == layout(source)
