"""Re-planning a block around the rounds held, without the solver (scheduler.repair)."""

from __future__ import annotations

from itertools import combinations

import pytest

from scheduler import check
from scheduler.repair import REPAIR_CODES, RepairFailed, present_in, repair_cafe, repair_speed

PLAN = "netzwerktreffen-plan/1"


def people(n: int, **languages) -> list[dict]:
    return [{"id": f"p{k}", "name": f"Person {k}", "organisation": f"Org {k}", "sector": "x",
             "languages": languages.get(f"p{k}", ["de"])} for k in range(n)]


def instance(participants: list[dict], block: dict) -> dict:
    return {"format": "netzwerktreffen-instance/1", "participants": participants, "blocks": [block]}


def valid(data: dict, block: dict, rounds: list) -> dict:
    report = check(data, {"format": PLAN, "blocks": [{"id": block["id"], "rounds": rounds}]})
    assert report["valid"], report["violations"]
    return report


def pairs(rounds) -> list[frozenset]:
    return [frozenset(pair) for round_ in rounds for group in round_ for pair in combinations(group, 2)]


# ----------------------------------------------------------------------------
# Speed networking


def test_speed_keeps_held_rounds_and_whole_published_groups_and_regroups_the_rest():
    published = [[["p0", "p1"], ["p2", "p3"], ["p4", "p5"]],
                 [["p0", "p2"], ["p1", "p4"], ["p3", "p5"]],
                 [["p0", "p3"], ["p1", "p5"], ["p2", "p4"]]]
    block = {"id": "speed", "kind": "speed-networking", "rounds": 3, "group_size": 2,
             "fixed_rounds": published[:1], "published": published,
             "present": {"p5": [0], "p6": [1, 2]}}  # p5 leaves after round 0, p6 walks in
    data = instance(people(7), block)
    rounds = repair_speed(data, block, seed=3)
    assert rounds[0] == published[0]
    assert ["p0", "p2"] in rounds[1] and ["p2", "p4"] in rounds[2]  # untouched by the change, kept
    for r in (1, 2):
        seated = sorted(p for group in rounds[r] for p in group)
        assert seated == sorted(p for p in [f"p{k}" for k in range(7)] if present_in(block, p, r))
    assert len(pairs(rounds)) == len(set(pairs(rounds)))  # nobody meets twice
    valid(data, block, rounds)
    assert repair_speed(data, block, seed=3) == rounds  # same seed, same rounds


def test_speed_in_groups_of_three_with_a_lock():
    block = {"id": "speed", "kind": "speed-networking", "rounds": 2, "group_size": 3,
             "locks": [{"round": 1, "together": ["p0", "p7"]}]}
    data = instance(people(9), block)
    rounds = repair_speed(data, block, seed=0)
    assert all(len(group) == 3 for round_ in rounds for group in round_)
    assert any({"p0", "p7"} <= set(group) for group in rounds[1])
    valid(data, block, rounds)


def test_speed_that_cannot_be_regrouped_names_the_round_counted_from_zero():
    # four people have three partners each: a fourth round of pairs would repeat one
    block = {"id": "speed", "kind": "speed-networking", "rounds": 4, "group_size": 2}
    with pytest.raises(RepairFailed) as caught:
        repair_speed(instance(people(4), block), block)
    error = caught.value
    assert error.code == "repair-speed-repeats" and error.code in REPAIR_CODES
    assert (error.block, error.round) == ("speed", 3)
    assert error.numbers == {"people": 4, "group_size": 2}
    assert str(error).startswith("speed round 3: the 4 people present")


def test_speed_never_groups_a_forbidden_pair():
    participants = people(4)
    participants[1]["organisation"] = participants[0]["organisation"]  # colleagues
    block = {"id": "speed", "kind": "speed-networking", "rounds": 2, "group_size": 2}
    data = instance(participants, block)
    rounds = repair_speed(data, block)
    assert frozenset(("p0", "p1")) not in pairs(rounds)
    valid(data, block, rounds)


# ----------------------------------------------------------------------------
# Pro-Action-Café


def cafe_block(**extra) -> dict:
    block = {"id": "cafe", "kind": "pro-action-cafe", "rounds": 3,
             "tables": [{"id": "t1", "host": "p0", "seats": 4}, {"id": "t2", "host": "p1", "seats": 4},
                        {"id": "t3", "host": "p2", "seats": 4}]}
    block.update(extra)
    return block


def test_cafe_seats_every_guest_evenly_at_new_tables_and_keeps_the_published_seats():
    published = [{"t1": ["p0", "p3", "p4"], "t2": ["p1", "p5", "p6"], "t3": ["p2", "p7", "p8"]},
                 {"t1": ["p0", "p5", "p7"], "t2": ["p1", "p3", "p8"], "t3": ["p2", "p4", "p6"]},
                 {"t1": ["p0", "p6", "p8"], "t2": ["p1", "p4", "p7"], "t3": ["p2", "p3", "p5"]}]
    block = cafe_block(fixed_rounds=published[:1], published=published, present={"p8": [0]})  # p8 leaves
    data = instance(people(9), block)
    rounds = repair_cafe(data, block)
    assert rounds[0] == published[0]
    for r in (1, 2):
        assert {t: members[0] for t, members in rounds[r].items()} == {"t1": "p0", "t2": "p1", "t3": "p2"}
        guests = sorted(len(members) - 1 for members in rounds[r].values())
        assert guests[-1] - guests[0] <= 1
        for table, members in published[r].items():  # everyone still here keeps their published table
            assert [p for p in members if p != "p8"] == [p for p in rounds[r][table] if p in members]
    visits = [(p, t) for round_ in rounds for t, members in round_.items() for p in members[1:]]
    assert len(visits) == len(set(visits))  # no guest twice at a table
    valid(data, block, rounds)


def test_cafe_seats_only_at_tables_in_a_guests_language():
    block = cafe_block(rounds=1, tables=[{"id": "t1", "host": "p0", "seats": 4, "language": "en"},
                                         {"id": "t2", "host": "p1", "seats": 4}])
    data = instance(people(6, p0=["en", "de"], p2=["en"], p3=["en", "de"]), block)
    rounds = repair_cafe(data, block)
    assert rounds[0] == {"t1": ["p0", "p2", "p3"], "t2": ["p1", "p4", "p5"]}
    valid(data, block, rounds)


def test_cafe_without_a_new_table_for_everyone_names_the_round():
    block = cafe_block(tables=[{"id": "t1", "host": "p0", "seats": 4}, {"id": "t2", "host": "p1", "seats": 4}])
    with pytest.raises(RepairFailed) as caught:
        repair_cafe(instance(people(6), block), block)  # two tables: a third round would be a revisit
    error = caught.value
    assert (error.code, error.block, error.round) == ("repair-cafe-seats", "cafe", 2)
    assert error.numbers == {"guests": 4, "tables": 2}


def test_cafe_that_cannot_be_filled_evenly():
    # the host alone fills t1; the four guests go to t2 and t3, two each, none to t1
    block = cafe_block(rounds=1, tables=[{"id": "t1", "host": "p0", "seats": 1}, {"id": "t2", "host": "p1", "seats": 9},
                                         {"id": "t3", "host": "p2", "seats": 9}])
    with pytest.raises(RepairFailed) as caught:
        repair_cafe(instance(people(7), block), block)
    error = caught.value
    assert (error.code, error.round, error.numbers) == ("repair-cafe-uneven", 0, {"fewest": 0, "most": 2})
