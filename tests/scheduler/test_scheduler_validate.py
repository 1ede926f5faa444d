"""The validator and score on hand-built plans, with exact labels."""

import copy

import pytest

from scheduler import check, parse_instance, validate
from scheduler.problem import InstanceError


def person(pid, org, sector="jobcenter", offers=(), needs=(), languages=("de",)):
    return {"id": pid, "name": pid, "organisation": org, "sector": sector,
            "offers": list(offers), "needs": list(needs), "languages": list(languages)}


def small_instance(**block):
    return {
        "format": "netzwerktreffen-instance/1",
        "weights": {"offer_need": 3, "sector": 2, "wish": 5, "history": 4},
        "participants": [
            person("p1", "A", offers=["x"]), person("p2", "B", needs=["x"]),
            person("p3", "C", "kommune"), person("p4", "C", "kommune"),
            person("p5", "D", languages=["en"]), person("p6", "E", languages=["de", "en"]),
        ],
        "wish": [["p1", "p3"]], "history": [["p2", "p3"]],
        "blocks": [dict({"id": "speed", "kind": "speed-networking", "rounds": 2, "group_size": 2}, **block)],
    }


def plan(*rounds):
    return {"format": "netzwerktreffen-plan/1", "blocks": [{"id": "speed", "rounds": list(rounds)}]}


def messages(instance, plan_):
    return [v.message for v in validate(instance, plan_)]


def test_language_rule_and_check_report():
    inst = small_instance()
    bad = plan([["p1", "p2"], ["p3", "p6"], ["p4", "p5"]], [["p1", "p3"], ["p2", "p4"], ["p5", "p6"]])
    assert messages(inst, bad) == ["speed round 0: p4 and p5 share no language"]
    report = check(inst, plan([["p1", "p3"], ["p2", "p4"], ["p5", "p6"]],
                              [["p1", "p6"], ["p2", "p3"], ["p4", "p5"]]))
    assert report["valid"] is False
    assert report["violations"] == ["speed round 1: p4 and p5 share no language"]
    assert report["blocks"]["speed"]["violations"][0]["code"] == "no-common-language"


def test_score_counts_offers_sector_wish_history():
    inst = small_instance(rounds=1)
    inst["participants"][4]["languages"] = ["de"]
    report = check(inst, plan([["p1", "p2"], ["p3", "p5"], ["p4", "p6"]]))
    assert report["valid"], report["violations"]
    # p1-p2: offer/need 3 + sector 0 (same sector); p3-p5: sector 2*1; p4-p6: 2*1
    assert report["score"] == 3 + 2 + 2
    report = check(inst, plan([["p1", "p3"], ["p2", "p5"], ["p4", "p6"]]))
    # p1-p3 wish 5 + sector 2; p2-p5 0 ; p4-p6 2
    assert report["score"] == 7 + 0 + 2


@pytest.mark.parametrize("rounds, label", [
    ([[["p3", "p4"], ["p1", "p2"], ["p5", "p6"]]], "speed round 0: p3 and p4 share an organisation"),
    ([[["p1", "p2"], ["p3", "p6"]]], "speed round 0: p4 is present but not seated"),
    ([[["p1", "p2"], ["p3", "p6"], ["p4", "p1"]]], "speed round 0: p1 is seated 2 times"),
    ([[["p1", "p2", "p3", "p6"], ["p4", "p5"]]], "speed round 0: spot 1 has 4 people; groups have 2 (or 3 where the head-count does not divide)"),
    ([[["p1", "p2", "p6"], ["p3", "p5", "p4"]]], "speed round 0: 2 groups of 3, but 6 people present need 0"),
    ([[["p1", "p2"], ["p3", "p6"], ["p4", "p99"]]], 'speed round 0: unknown participant "p99"'),
])
def test_exact_labels(rounds, label):
    inst = small_instance(rounds=1)
    assert label in messages(inst, plan(*rounds))


def test_repeat_lock_fixed_and_absence_labels():
    inst = small_instance(locks=[{"round": 1, "together": ["p1", "p6"]}], present={"p5": [1]})
    inst["participants"][4]["languages"] = ["de"]
    bad = plan([["p1", "p2"], ["p3", "p6"], ["p4", "p5"]], [["p1", "p2"], ["p3", "p5"], ["p4", "p6"]])
    found = messages(inst, bad)
    assert "speed round 0: p5 is seated but not present" in found
    assert "speed rounds 0 and 1: p1 and p2 meet twice" in found
    assert "speed round 1: p1 and p6 are locked together but sit apart" in found
    assert "speed: 1 rounds planned, the block has 2" in messages(inst, plan([["p1", "p2"]]))
    violation = validate(inst, bad)[0]
    assert violation.code and violation.block == "speed"


def test_published_changes_cost():
    inst = small_instance()
    inst["participants"][4]["languages"] = ["de"]
    rounds = [[["p1", "p2"], ["p3", "p5"], ["p4", "p6"]], [["p1", "p3"], ["p2", "p4"], ["p5", "p6"]]]
    inst["blocks"][0]["published"] = rounds
    inst["blocks"][0]["fixed_rounds"] = rounds[:1]
    same = check(inst, plan(*rounds))
    other = check(inst, plan(rounds[0], [["p1", "p4"], ["p2", "p3"], ["p5", "p6"]]))
    assert same["blocks"]["speed"]["changes"] == 0
    assert other["blocks"]["speed"]["changes"] == 4


def cafe_instance():
    return {
        "format": "netzwerktreffen-instance/1",
        "weights": {"preference": [3, 2, 1]},
        "participants": [person(f"p{k}", f"O{k}") for k in range(1, 9)],
        "blocks": [{"id": "cafe", "kind": "pro-action-cafe", "rounds": 2,
                    "tables": [{"id": "t1", "host": "p1", "seats": 4, "language": "de"},
                               {"id": "t2", "host": "p2", "seats": 4}],
                    "preferences": {"p3": ["t1", "t2"]}}],
    }


def test_cafe_rules_and_preferences():
    inst = cafe_instance()
    good = {"format": "netzwerktreffen-plan/1", "blocks": [{"id": "cafe", "rounds": [
        {"t1": ["p1", "p3", "p4", "p5"], "t2": ["p2", "p6", "p7", "p8"]},
        {"t1": ["p1", "p6", "p7", "p8"], "t2": ["p2", "p3", "p4", "p5"]}]}]}
    report = check(inst, good)
    assert report["valid"], report["violations"]
    assert report["blocks"]["cafe"]["preferences"] == 3 + 2
    bad = copy.deepcopy(good)
    bad["blocks"][0]["rounds"][1] = {"t1": ["p6", "p3", "p7"], "t2": ["p2", "p1", "p4", "p5", "p8"]}
    found = check(inst, bad)["violations"]
    assert "cafe round 1: host p1 is not at their table t1" in found
    assert "cafe round 1: table t2 has 4 seats but 5 people" in found
    assert not any("twice" in message for message in found)  # revision 2: a revisit costs, it is no violation


def test_cafe_revisits_and_uneven_tables_cost_but_are_valid():
    """Revision 2: a guest back at a table costs `revisit`, each guest beyond
    ceil(G / T) at a table costs `balance`; the plan stays valid."""
    inst = cafe_instance()
    inst["weights"].update(revisit=7, balance=11)
    good = {"format": "netzwerktreffen-plan/1", "blocks": [{"id": "cafe", "rounds": [
        {"t1": ["p1", "p3", "p4", "p5"], "t2": ["p2", "p6", "p7", "p8"]},
        {"t1": ["p1", "p6", "p7", "p8"], "t2": ["p2", "p3", "p4", "p5"]}]}]}
    revisit = copy.deepcopy(good)  # p3 stays at t1, p6 stays at t2
    revisit["blocks"][0]["rounds"][1] = {"t1": ["p1", "p3", "p7", "p8"], "t2": ["p2", "p6", "p4", "p5"]}
    # 6 guests at 2 tables: 2 and 4 guests is one beyond 3, in each round
    inst_seats = copy.deepcopy(inst)
    for table in inst_seats["blocks"][0]["tables"]:
        table["seats"] = 5
    uneven = {"format": "netzwerktreffen-plan/1", "blocks": [{"id": "cafe", "rounds": [
        {"t1": ["p1", "p3", "p4"], "t2": ["p2", "p5", "p6", "p7", "p8"]},
        {"t1": ["p1", "p5", "p6", "p7", "p8"], "t2": ["p2", "p3", "p4"]}]}]}
    base = check(inst, good)
    r = check(inst, revisit)
    u = check(inst_seats, uneven)
    assert r["valid"] and u["valid"], (r["violations"], u["violations"])
    assert r["blocks"]["cafe"]["revisits"] == 2
    assert u["blocks"]["cafe"]["overfull"] == 2 and "revisits" not in u["blocks"]["cafe"]
    assert "revisits" not in base["blocks"]["cafe"] and "overfull" not in base["blocks"]["cafe"]
    # the pairs differ as well, so compare against the parts the spec names
    for report, cost in ((r, 2 * 7), (u, 2 * 11)):
        cafe = report["blocks"]["cafe"]
        assert cafe["score"] == pytest.approx(cafe["preferences"] + cafe["pairs"] - 10 * cafe["repeats"] - cost)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["participants"][3].pop("sector"), "participants[3].sector: missing"),
    (lambda d: d.update(avoid=[["p1", "p2"], ["p1", "p2"], ["p1", "p999"]]), 'avoid[2]: unknown participant "p999"'),
    (lambda d: d["participants"][1].update(id="p1"), 'participants[1].id: duplicate id "p1"'),
    (lambda d: d["blocks"][0].update(rounds=0), "blocks[0].rounds: must be positive, got 0"),
    (lambda d: d["blocks"][0].update(rounds="3"), 'blocks[0].rounds: must be a whole number, got the string "3"'),
    (lambda d: d["blocks"][0].update(fixed_rounds=[[["p3", "p4"], ["p1", "p2"], ["p5", "p6"]]]),
     "blocks[0].fixed_rounds[0]: p3 and p4 share an organisation"),
    (lambda d: d["blocks"][0].update(locks=[{"round": 5, "together": ["p1", "p2"]}]),
     "blocks[0].locks[0].round: round 5 does not exist (rounds are 0 to 1)"),
    (lambda d: d["weights"].update(wish=-1), "weights.wish: must be at least 0, got -1"),
])
def test_instance_errors_name_the_field(change, message):
    data = small_instance()
    change(data)
    with pytest.raises(InstanceError) as error:
        parse_instance(data)
    assert str(error.value) == message
