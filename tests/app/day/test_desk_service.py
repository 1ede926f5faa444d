"""The desk's write operations (netzwerktreffen.day.checkin) on their own, and the re-planning page's lookups."""
from __future__ import annotations

import re

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED
from netzwerktreffen.day import checkin, replanning
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.registration.service import AlreadyRegistered, RegistrationData

from day_helpers import make_day_meeting, publish_plan


@pytest.fixture
def day_meeting(app, make_meeting, make_registration, organiser):
    return make_day_meeting(make_meeting, make_registration, organiser, tables=6)


def person(meeting, name):
    return next(r for r in meeting.registrations if r.name == name)


def test_check_in_no_show_and_reopen_are_stored(day_meeting):
    anna = person(day_meeting, "Anna Weber")
    checkin.check_in(anna)
    db.session.expire_all()
    arrived_at = anna.checked_in_at
    assert arrived_at is not None and checkin.state(anna) == "arrived"
    checkin.check_in(anna)  # a second tap keeps the first arrival time
    db.session.expire_all()
    assert anna.checked_in_at == arrived_at
    checkin.mark_no_show(anna)
    db.session.expire_all()
    assert anna.no_show and anna.checked_in_at is None and checkin.state(anna) == "no-show"
    checkin.reopen(anna)
    db.session.expire_all()
    assert not anna.no_show and anna.checked_in_at is None and checkin.state(anna) == "open"


def test_everyone_open_is_marked_missing_and_counted(day_meeting):
    checkin.check_in(person(day_meeting, "Anna Weber"))
    checkin.mark_no_show(person(day_meeting, "Jens Koch"))
    assert checkin.mark_open_as_no_show(day_meeting) == len(day_meeting.registrations) - 2
    db.session.expire_all()
    assert checkin.counts(day_meeting.registrations) == {
        "all": 12, "arrived": 1, "no-show": 11, "walk-in": 0, "open": 0}


def test_walk_in_without_address_gets_a_placeholder(day_meeting):
    data = RegistrationData(name="Walter Spontan", email="", organisation="Bildungswerk Süd",
                            sector=day_meeting.sectors[0], blocks=list(day_meeting.blocks))
    walk_in = checkin.add_walk_in(day_meeting, data)
    db.session.expire_all()
    assert checkin.is_placeholder(walk_in.email) and walk_in.email.endswith("@" + checkin.WALK_IN_DOMAIN)
    assert walk_in.status == CONFIRMED and walk_in.walk_in and walk_in.checked_in_at is not None
    assert checkin.counts(r for r in day_meeting.registrations if r.status == CONFIRMED)["walk-in"] == 1


def test_walk_in_with_a_registered_address_stores_nothing(day_meeting):
    data = RegistrationData(name="Anna W.", email="person0@example.org", organisation="Jobcenter",
                            sector=day_meeting.sectors[0])
    with pytest.raises(AlreadyRegistered) as raised:
        checkin.add_walk_in(day_meeting, data)
    assert raised.value.registration.name == "Anna Weber"
    db.session.expire_all()
    assert len(day_meeting.registrations) == 12 and not any(r.walk_in for r in day_meeting.registrations)


def test_a_failed_replan_keeps_nothing_not_even_the_rounds_held(day_meeting, monkeypatch):
    publish_plan(day_meeting)
    speed = day_meeting.blocks[0]

    def fail(*args, **kwargs):
        raise replanning.PlanningError("kein Plan")

    monkeypatch.setattr(replanning, "solve_blocks", fail)
    with pytest.raises(replanning.PlanningError):
        replanning.replan(day_meeting, {scheduling.block_key(speed): 2})
    db.session.expire_all()
    assert speed.rounds_held in (0, None)


def test_report_names_what_changed_for_whom(day_meeting):
    publish_plan(day_meeting)
    for name in ("Heike Lange", "Uwe Richter"):
        checkin.mark_no_show(person(day_meeting, name))
    speed, cafe = day_meeting.blocks
    result = replanning.replan(day_meeting, {scheduling.block_key(speed): 1, scheduling.block_key(cafe): 0},
                               notify=False)
    report = replanning.report(day_meeting, result.before, result.after)
    assert report.affected == result.affected and [p.id for p in report.people] == sorted(
        result.affected, key=lambda i: next(r.name.casefold() for r in day_meeting.registrations if r.id == i))
    assert report.rounds == sorted(result.changed_rounds)
    lines = [line for person_lines in report.by_person.values() for line in person_lines]
    pattern = re.compile(r"(Speed Networking, Runde \d: jetzt mit .+ \(vorher .+\)"
                         r"|Pro-Action-Café, Runde \d: Tisch .+ statt .+)")
    assert lines and all(pattern.fullmatch(line) for line in lines), lines
    assert any("Heike Lange" in line or "Uwe Richter" in line for line in lines)  # "(vorher …)"


@pytest.mark.parametrize("query", ["von=99999999999&nach=1", "von=1&nach=2147483648", "von=-1&nach=1",
                                   "von=x&nach=1", "von=1", "von=1&nach=99"])
def test_replanned_page_with_unknown_versions_is_404(day_meeting, logged_in, query):
    publish_plan(day_meeting)
    assert scheduling.published(day_meeting).number == 1
    response = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/tag/neuplanung?{query}")
    assert response.status_code == 404
