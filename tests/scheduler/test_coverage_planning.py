"""Coverage rules (spec revision 2, `blocks[].coverage`): the solver plans for
them, the bounds stay proven with their costs, and a missed rule says why."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from itertools import combinations, product
from pathlib import Path

import pytest

from scheduler import parse_instance
from scheduler.cover_search import improve_coverage
from scheduler.coverage import coverage_bound, unavoidable_missing
from scheduler.explain import explain_plan
from scheduler.problem import Plan
from scheduler.solve import solve
from scheduler.solver import work_budget
from scheduler.speed import speed_bound, start_speed
from scheduler.validate import coverage_missing, score_plan, validate_plan
from scheduler.values import PairValues

ROOT = Path(__file__).resolve().parents[2]


def person(k: int, sector: str = "x", org: str | None = None, topics=("a",), languages=("de",)) -> dict:
    return {"id": f"p{k:02d}", "name": f"Person {k}", "organisation": org or f"Org {k}", "sector": sector,
            "offers": list(topics), "needs": list(topics), "languages": list(languages)}


def meeting(people, rules, rounds=3, group_size=2, **block) -> dict:
    return {"format": "netzwerktreffen-instance/1", "participants": people,
            "blocks": [{"id": "speed", "kind": "speed-networking", "rounds": rounds, "group_size": group_size,
                        "coverage": rules, **block}]}


def missing(instance, rounds) -> int:
    return sum(m for _k, _p, m in coverage_missing(instance, instance.blocks[0], rounds))


def as_plan(rounds, pauses=None) -> Plan:
    return Plan(blocks={"speed": tuple(tuple(tuple(g) for g in r) for r in rounds)},
                pauses={"speed": tuple(tuple(p) for p in pauses)} if pauses else {})


def lonely_meeting(rule_meets: dict, rounds: int = 2) -> dict:
    """Ten people who value each other (topic "a"); p00 and the two of sector "jobcenter" have
    topics of their own and met before, so a value-only plan never seats p00 with them."""
    people = [person(0, "stark", topics=("z",)), person(1, "jobcenter", topics=("y",)),
              person(2, "jobcenter", topics=("y",))] + [person(k) for k in range(3, 10)]
    data = meeting(people, [{"who": {"participants": ["p00"]} if "participants" in rule_meets
                             else {"sector": "stark"}, "meets": rule_meets, "at_least": 1}], rounds=rounds)
    data["history"] = [["p00", "p01"], ["p00", "p02"]]  # met before: worth less than anyone else
    return data


@pytest.mark.parametrize("meets", [{"sector": "jobcenter"}, {"sectors": ["jobcenter", "agentur"]},
                                   {"participants": ["p01", "p02"]}])
def test_each_selector_is_planned_where_the_start_missed_it(meets):
    instance = parse_instance(lonely_meeting(meets))
    block, values = instance.blocks[0], PairValues(instance)
    start = start_speed(instance, block, values, seed=0)
    assert missing(instance, start.rounds) == 1  # the start seats by value alone
    found = improve_coverage(instance, block, values, start.rounds, start.pauses)
    assert found is not None and missing(instance, found) == 0
    assert validate_plan(instance, as_plan(found, start.pauses)) == []
    assert score_plan(instance, as_plan(found, start.pauses))[0] > score_plan(instance, as_plan(start.rounds,
                                                                                             start.pauses))[0]
    result = solve(instance, time_limit=5, seed=1)
    assert validate_plan(instance, result.plan) == [] and missing(instance, result.plan.blocks["speed"]) == 0
    assert result.score <= result.bound + 1e-6


def test_a_rule_is_not_bought_when_it_costs_more_than_it_gives():
    data = lonely_meeting({"sector": "jobcenter"})
    data["weights"] = {"coverage": 0.5, "history": 20}  # a missing meeting costs less than the pair gives up
    instance = parse_instance(data)
    block, values = instance.blocks[0], PairValues(instance)
    start = start_speed(instance, block, values, seed=0)
    assert improve_coverage(instance, block, values, start.rounds, start.pauses) is None


def _all_plans(ids: list[str], rounds: int, size: int):
    def partitions(rest):
        if not rest:
            yield []
            return
        first = rest[0]
        for mates in combinations(rest[1:], size - 1):
            group = (first, *mates)
            for tail in partitions([p for p in rest if p not in group]):
                yield [group] + tail
    options = list(partitions(ids))
    return product(options, repeat=rounds)


TINY_CASES = [(1, 6, 3, 2, False), (2, 6, 3, 2, False), (3, 6, 2, 2, False), (10, 6, 1, 3, False),
              (5, 6, 3, 2, False), (8, 6, 3, 2, True), (7, 9, 2, 3, True)]


def _tiny_case(seed, n, rounds, size, held):
    """A tiny meeting with two coverage rules, and its best score and coverage over every plan
    without pauses (six people in trios have no second round without repeats, so the trios' two
    rounds are nine people's, the first one held)."""
    rng = random.Random(seed)
    people = [person(k, rng.choice(["stark", "jobcenter", "x"]), org=f"Org {rng.randint(0, n - 2)}",
                     topics=rng.sample("abc", 2)) for k in range(n)]
    rules = [{"who": {"sector": "stark"}, "meets": {"sector": "jobcenter"}, "at_least": rng.randint(1, 2)},
             {"who": {"participants": ["p00"]}, "meets": {"participants": ["p01", "p02", "p03"]}, "at_least": 2}]
    data = meeting(people, rules, rounds=rounds, group_size=size)
    if held:  # the first round was held: the first valid one
        free = PairValues(parse_instance(data))
        data["blocks"][0]["fixed_rounds"] = [next(
            [list(g) for g in groups] for (groups,) in _all_plans([p["id"] for p in people], 1, size)
            if not any(free.forbidden(a, b) for g in groups for a, b in combinations(g, 2)))]
    instance = parse_instance(data)
    block, values = instance.blocks[0], PairValues(instance)
    best_score, best_cover = float("-inf"), 0
    asked = sum(r.at_least for r in block.coverage for p in instance.participants if r.who.matches(p))
    for rounds_ in _all_plans([p["id"] for p in people], rounds, size):
        if held and [list(g) for g in rounds_[0]] != data["blocks"][0]["fixed_rounds"][0]:
            continue
        plan = as_plan(rounds_)
        if validate_plan(instance, plan, values):
            continue
        best_score = max(best_score, score_plan(instance, plan, values)[0])
        best_cover = max(best_cover, asked - missing(instance, rounds_))
    return instance, best_score, best_cover


@pytest.mark.parametrize("seed,n,rounds,size,held", TINY_CASES)
def test_the_bound_is_never_below_the_exhaustive_optimum(seed, n, rounds, size, held):
    instance, best_score, best_cover = _tiny_case(seed, n, rounds, size, held)
    block, values = instance.blocks[0], PairValues(instance)
    bound = speed_bound(instance, block, values)
    assert coverage_bound(instance, block, values) >= best_cover
    assert best_score > float("-inf")  # the case has plans without pauses
    if best_score > float("-inf"):  # every plan without pauses scores at most the bound
        assert bound >= best_score - 1e-6
        result = solve(instance, time_limit=3, seed=seed)
        assert result.bound >= best_score - 1e-6 and result.score <= result.bound + 1e-6


def test_too_few_jobcenter_people_for_everyone_is_unavoidable_and_explained():
    """One Jobcenter person, six contact points, two rounds in pairs: at most two meet them."""
    people = [person(0, "jobcenter")] + [person(k, "stark") for k in range(1, 7)] + \
        [person(k) for k in range(7, 12)]
    instance = parse_instance(meeting(people, [{"who": {"sector": "stark"}, "meets": {"sector": "jobcenter"},
                                                 "at_least": 1}], rounds=2))
    block, values = instance.blocks[0], PairValues(instance)
    assert unavoidable_missing(instance, block, values) >= 2  # six asked, at most four even with trios
    result = solve(instance, time_limit=3, seed=1)
    assert missing(instance, result.plan.blocks["speed"]) == 4  # two contact points meet them
    notes = [n for n in explain_plan(instance, result.plan) if n.code == "coverage-missed"]
    assert len(notes) == 4 and {n.numbers["reason"] for n in notes} == {"capacity"}
    assert notes[0].numbers["people"] == 6 and notes[0].numbers["asked"] == 6
    assert "need 6 such meetings" in notes[0].message


def test_impossible_rules_say_why_per_person():
    people = [person(0, "stark", org="Jobcenter Stendal"), person(1, "stark"), person(2, "stark", languages=("ar",)),
              person(3, "jobcenter", org="Jobcenter Stendal"), person(4, "x", languages=("ar", "de")),
              person(5)] + [person(k) for k in range(6, 9)] + [person(9, languages=("ar", "de"))]
    rules = [{"who": {"sector": "stark"}, "meets": {"sector": "jobcenter"}, "at_least": 1},
             {"who": {"participants": ["p01"]}, "meets": {"sector": "agentur"}, "at_least": 1},
             {"who": {"participants": ["p05"]}, "meets": {"participants": ["p03", "p06"]}, "at_least": 2}]
    instance = parse_instance(meeting(people, rules, rounds=2))
    groups = [[("p00", "p01"), ("p02", "p04"), ("p03", "p05"), ("p06", "p07"), ("p08", "p09")],
              [("p00", "p06"), ("p01", "p03"), ("p02", "p09"), ("p05", "p07"), ("p08", "p04")]]
    plan = as_plan(groups)
    assert validate_plan(instance, plan) == []
    notes = {(n.numbers["rule"], n.participants[0]): n for n in explain_plan(instance, plan)
             if n.code == "coverage-missed"}
    assert notes[0, "p00"].numbers["reason"] == "forbidden"  # the Jobcenter person is a colleague
    assert "same organisation" in notes[0, "p00"].message
    assert notes[0, "p02"].numbers["reason"] == "forbidden"  # no common language
    assert notes[1, "p01"].numbers["reason"] == "none-present"
    assert notes[2, "p05"].numbers["reason"] == "plan"  # p05 met p03; p06 was possible in round 1
    assert "the plan missed it" in notes[2, "p05"].message
    assert (0, "p01") not in notes


def test_must_meet_lists_are_met():
    """Odd and even people value only each other; the lists cross over, so only planning meets them."""
    people = [person(k, topics=("a",) if k % 2 else ("b",)) for k in range(16)]
    wishes = {"p00": ["p01", "p03"], "p02": ["p05", "p07", "p09"], "p06": ["p11", "p13"]}
    rules = [{"who": {"participants": [a]}, "meets": {"participants": bs}, "at_least": len(bs) if len(bs) < 3
              else 3} for a, bs in wishes.items()]
    instance = parse_instance(meeting(people, rules, rounds=4))
    result = solve(instance, time_limit=5, seed=3)
    assert validate_plan(instance, result.plan) == []
    assert missing(instance, result.plan.blocks["speed"]) == 0
    mates = {pid: set() for pid in wishes}
    for groups in result.plan.blocks["speed"]:
        for group in groups:
            for pid in wishes:
                if pid in group:
                    mates[pid].update(group)
    assert all(set(bs) <= mates[a] for a, bs in wishes.items())


def test_same_seed_same_plan_with_coverage_rules():
    people = [person(k, "jobcenter" if k < 2 else "stark" if k < 8 else "x", topics=("a",) if k % 3 else ("b",))
              for k in range(15)]
    rules = [{"who": {"sector": "stark"}, "meets": {"sector": "jobcenter"}, "at_least": 1}]
    instance = parse_instance(meeting(people, rules, rounds=3))
    with work_budget(0.5):  # counted work well within the limit: the count ends the search, not the clock
        first, second = (solve(instance, time_limit=30, seed=7) for _ in range(2))
    assert first.plan.blocks == second.plan.blocks
    assert validate_plan(instance, first.plan) == [] and missing(instance, first.plan.blocks["speed"]) == 0
    groups = parse_instance(meeting(people, rules, rounds=3, group_size=3))
    block, values = groups.blocks[0], PairValues(groups)
    start = start_speed(groups, block, values, seed=7)
    found = [improve_coverage(groups, block, values, start.rounds, start.pauses) for _ in range(2)]
    assert found[0] == found[1] and missing(groups, found[0]) == 0


def test_the_command_line_solves_and_checks_a_coverage_instance(tmp_path):
    data = lonely_meeting({"sectors": ["jobcenter", "agentur"]}, rounds=3)
    data["blocks"][0]["locks"] = [{"round": 0, "together": ["p03", "p04"]}]
    path, out = tmp_path / "instance.json", tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    run = [sys.executable, "-m", "scheduler"]
    solved = subprocess.run(run + ["solve", str(path), "-o", str(out), "--time-limit", "5", "--seed", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert solved.returncode == 0, solved.stderr
    checked = subprocess.run(run + ["check", str(path), str(out)], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    report = json.loads(checked.stdout)
    assert checked.returncode == 0 and report["valid"]
    assert report["blocks"]["speed"].get("coverage_missing", 0) == 0  # listed only when some are missed
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["bound"] >= report["score"] - 1e-6


def test_re_planning_around_held_rounds_plans_for_a_must_meet_rule():
    """Round 0 was held; the published plan never seats p00 with p05; the repair does, changing few."""
    from scheduler import check
    from scheduler.repair import repair_speed

    people = [person(k) for k in range(6)]
    published = [[["p00", "p01"], ["p02", "p03"], ["p04", "p05"]],
                 [["p00", "p02"], ["p01", "p04"], ["p03", "p05"]],
                 [["p00", "p03"], ["p01", "p05"], ["p02", "p04"]]]
    block = {"id": "speed", "kind": "speed-networking", "rounds": 3, "group_size": 2,
             "fixed_rounds": published[:1], "published": published,
             "coverage": [{"who": {"participants": ["p00"]}, "meets": {"participants": ["p05"]}, "at_least": 1}]}
    data = {"format": "netzwerktreffen-instance/1", "participants": people, "blocks": [block]}
    rounds = repair_speed(data, block)
    assert rounds[0] == published[0]
    assert any({"p00", "p05"} <= set(group) for round_ in rounds for group in round_)
    report = check(data, {"format": "netzwerktreffen-plan/1", "blocks": [{"id": "speed", "rounds": rounds}]})
    assert report["valid"] and report["blocks"]["speed"].get("coverage_missing", 0) == 0
    assert report["blocks"]["speed"].get("changes", 0) <= 4  # one round re-paired: its four people


@pytest.mark.parametrize("rules,size", [(1, 2), (2, 2), (2, 3)])
def test_generated_meetings_meet_what_the_bound_allows(rules, size):
    sys.path.insert(0, str(ROOT))  # the bench package holds the generator
    from bench.coverage import instance as generated

    instance = parse_instance(generated(36, 4, seed=4, rules=rules, group_size=size))
    block, values = instance.blocks[0], PairValues(instance)
    result = solve(instance, time_limit=4, seed=2)
    assert validate_plan(instance, result.plan) == []
    assert result.score <= result.bound + 1e-6
    asked = sum(r.at_least for r in block.coverage for p in instance.participants if r.who.matches(p))
    met = asked - missing(instance, result.plan.blocks["speed"])
    assert met == coverage_bound(instance, block, values)  # everything any plan can hold


@pytest.mark.parametrize("seed,n,rounds,size,held", [case for case in TINY_CASES if case[3] == 2])
def test_the_b_matching_with_coverage_rules_never_bounds_below_the_exhaustive_optimum(seed, n, rounds, size, held):
    """The pairs' b-matching with the rules' costs in its objective bounds the score itself."""
    import time

    from scheduler.pairs.problem import PairsProblem
    from scheduler.pairs.solve import BestPlan, _bmatching_with_coverage

    instance, best_score, _best_cover = _tiny_case(seed, n, rounds, size, held)
    block, values = instance.blocks[0], PairValues(instance)
    problem = PairsProblem.build(instance, block, values)
    best = BestPlan(problem, [list(groups) for groups in block.fixed_rounds])
    _bmatching_with_coverage(problem, best, seed, time.monotonic() + 30, 5.0)
    assert best.score_bound < float("inf")  # the rules' weight is exact here: the bound was made
    assert best.score_bound >= best_score - 1e-6
    assert best.score <= best_score + 1e-6  # its plan, where the pairs split into rounds, is a real one
