"""Re-planning on the day: held rounds kept, no hard rule broken, fewer schedules changed than from scratch."""
from __future__ import annotations

import time

import pytest

import scheduler
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.day import replanning
from netzwerktreffen.planning.today import held_rounds, replan_instance
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, PUBLISHED, Registration

from day_helpers import make_day_meeting, publish_plan


@pytest.fixture
def day_meeting(app, make_meeting, make_registration, organiser):
    meeting = make_day_meeting(make_meeting, make_registration, organiser, tables=6)
    publish_plan(meeting)
    return meeting


def person(meeting, name) -> Registration:
    return next(r for r in meeting.registrations if r.name == name)


def rounds_of(plan: dict, block_id: str):
    return next(b["rounds"] for b in plan["blocks"] if b["id"] == block_id)


def seated_in(round_) -> set[str]:
    groups = round_.values() if isinstance(round_, dict) else round_
    return {pid for members in groups for pid in members}


def add_walk_in(meeting, name="Walter Spontan", organisation="Bildungswerk Spontan"):
    walk_in = Registration(name=name, email=f"{name.split()[0].lower()}@walkin.example", organisation=organisation,
                           sector=meeting.sectors[0], languages=["de"], blocks=list(meeting.blocks),
                           status=CONFIRMED, walk_in=True, consent_version="walk-in",
                           consent_at=meeting.registrations[0].consent_at)
    meeting.registrations.append(walk_in)
    db.session.commit()
    return walk_in


def test_no_shows_leave_the_rounds_not_yet_held_and_held_rounds_stay(day_meeting):
    before = scheduling.published(day_meeting)
    speed, cafe = day_meeting.blocks
    gone = [person(day_meeting, "Heike Lange"), person(day_meeting, "Uwe Richter")]
    for p in gone:
        p.no_show = True
    db.session.commit()
    result = replanning.replan(day_meeting, {scheduling.block_key(speed): 1, scheduling.block_key(cafe): 0})
    after = result.after
    assert after.source == "replan" and after.status == PUBLISHED
    db.session.refresh(before)
    assert before.status != PUBLISHED
    assert speed.rounds_held == 1
    # no hard rule broken, against the re-planning instance (present, fixed rounds, locks)
    assert scheduler.validate(after.instance, after.plan) == []
    key = scheduling.block_key(speed)
    assert rounds_of(after.plan, key)[0] == rounds_of(before.plan, key)[0]  # held round kept as published
    gone_ids = {scheduling.participant_id(p) for p in gone}
    assert gone_ids <= seated_in(rounds_of(after.plan, key)[0])  # a no-show of a held round stays there
    for r in range(1, speed.rounds):
        assert not gone_ids & seated_in(rounds_of(after.plan, key)[r])
    for r in range(cafe.rounds):
        assert not gone_ids & seated_in(rounds_of(after.plan, scheduling.block_key(cafe))[r])
    # the partners of the no-shows are affected, the no-shows themselves are not told anything
    assert result.affected and not {p.id for p in gone} & set(result.affected)
    assert all(r >= 1 for block, r in result.changed_rounds if block == key)


def test_walk_in_is_seated_from_the_next_round(day_meeting):
    speed = day_meeting.blocks[0]
    walk_in = add_walk_in(day_meeting)
    person(day_meeting, "Anna Weber").no_show = True  # keeps the head-count even
    db.session.commit()
    result = replanning.replan(day_meeting, {scheduling.block_key(speed): 2})
    pid = scheduling.participant_id(walk_in)
    rounds = rounds_of(result.after.plan, scheduling.block_key(speed))
    assert [pid in seated_in(round_) for round_ in rounds] == [False, False, True, True]
    assert walk_in.id in result.affected
    assert scheduler.validate(result.after.instance, result.after.plan) == []


def test_nothing_changed_keeps_every_schedule(day_meeting):
    speed = day_meeting.blocks[0]
    result = replanning.replan(day_meeting, {scheduling.block_key(speed): 1})
    assert result.changes == [] and result.affected == []
    assert set(result.methods.values()) == {"kept"}


def test_late_arrival_after_being_marked_no_show(day_meeting):
    speed = day_meeting.blocks[0]
    key = scheduling.block_key(speed)
    late = person(day_meeting, "Grace Mensah")
    late.no_show = True
    person(day_meeting, "Tarek Haddad").no_show = True
    db.session.commit()
    replanning.replan(day_meeting, {key: 1})
    late.no_show = False  # she arrives after all, during round 2
    person(day_meeting, "Tarek Haddad").no_show = False
    db.session.commit()
    result = replanning.replan(day_meeting, {key: 2})
    pid = scheduling.participant_id(late)
    rounds = rounds_of(result.after.plan, key)
    assert [pid in seated_in(round_) for round_ in rounds] == [True, False, True, True]
    assert scheduler.validate(result.after.instance, result.after.plan) == []


def test_replanning_changes_fewer_schedules_than_planning_from_scratch(app, make_meeting, make_registration,
                                                                        organiser):
    from netzwerktreffen.demo import create_demo_meeting
    meeting = create_demo_meeting(participants=40, slug="gross", organiser=organiser)
    publish_plan(meeting, seconds=6)
    before = scheduling.published(meeting)
    hosts = {t.host_id for b in meeting.blocks for t in b.cafe_tables}
    for p in [r for r in meeting.registrations if r.id not in hosts][3:9]:
        p.no_show = True
    db.session.commit()
    speed = meeting.blocks[0]
    started = time.monotonic()
    result = replanning.replan(meeting, {scheduling.block_key(speed): 3})
    assert time.monotonic() - started < 10
    assert scheduler.validate(result.after.instance, result.after.plan) == []
    scratch_instance = replan_instance(meeting, before, held_rounds(meeting))
    for block in scratch_instance["blocks"]:
        block["published"] = None
    scratch, _ = replanning.solve_blocks(scratch_instance, time.monotonic() + 3)
    assert scheduler.validate(scratch_instance, scratch) == []
    scratch_people = {c.registration_id for c in planning.differences(meeting, before.plan, scratch)}
    assert len(result.affected) < len(scratch_people)


def test_change_notices_go_to_the_affected(day_meeting, monkeypatch):
    calls = []
    import netzwerktreffen.mail.schedules as schedule_mail
    monkeypatch.setattr(schedule_mail, "send_change_notices",
                        lambda meeting, before, after: calls.append((before, after)) or 7)
    person(day_meeting, "Heike Lange").no_show = True
    person(day_meeting, "Uwe Richter").no_show = True
    db.session.commit()
    result = replanning.replan(day_meeting, {scheduling.block_key(day_meeting.blocks[0]): 1})
    assert result.notices == 7 and len(calls) == 1
    assert calls[0][1] == result.after.plan


def test_replan_without_published_plan_says_so(app, make_meeting, make_registration, organiser):
    meeting = make_day_meeting(make_meeting, make_registration, organiser, slug="leer")
    with pytest.raises(PlanningError, match="veröffentlicht"):
        replanning.replan(meeting)


def test_cancelled_on_the_day_stays_in_held_rounds_and_leaves_the_rest(day_meeting):
    speed = day_meeting.blocks[0]
    key = scheduling.block_key(speed)
    gone = person(day_meeting, "Sabine Wolf")
    gone.status = "cancelled"
    person(day_meeting, "Amina Hosseini").no_show = True
    db.session.commit()
    result = replanning.replan(day_meeting, {key: 2})
    pid = scheduling.participant_id(gone)
    rounds = rounds_of(result.after.plan, key)
    assert [pid in seated_in(round_) for round_ in rounds] == [True, True, False, False]
    assert scheduler.validate(result.after.instance, result.after.plan) == []
