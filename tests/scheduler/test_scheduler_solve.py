"""The pairs planner and the command line: generated instances, property tests."""

import json
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the bench package holds the instance generator

from bench.generate import generate, with_no_shows  # noqa: E402
from scheduler import parse_instance, validate  # noqa: E402
from scheduler.problem import Infeasible  # noqa: E402
from scheduler.solve import solve  # noqa: E402
from scheduler.values import PairValues  # noqa: E402


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "scheduler", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


instances = st.builds(
    lambda n, rounds, seed, late, fairness: generate(n, rounds, seed, late=late, fairness=fairness),
    n=st.integers(8, 31), rounds=st.integers(1, 4), seed=st.integers(0, 10_000),
    late=st.sampled_from([0.0, 0.2]), fairness=st.sampled_from([0, 5]))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=instances, lock=st.booleans())
def test_every_solution_passes_the_validator(data, lock):
    if lock:
        data["blocks"][0]["locks"] = [{"round": 0, "together": _two_who_may_meet(data)}]
    instance = parse_instance(data)
    try:
        result = solve(instance, time_limit=5, seed=1)
    except Infeasible:
        return
    assert [v.message for v in validate(instance, result.plan)] == []
    assert result.score <= result.bound + 1e-6
    rounds = result.plan.blocks["speed"]
    values = PairValues(instance)
    met = set()
    for r, groups in enumerate(rounds):
        present = instance.present_in(instance.blocks[0], r)
        paused = list(result.plan.paused("speed", r))
        assert sorted([p for g in groups for p in g] + paused) == sorted(present)
        assert Counter(len(g) for g in groups)[3] == (len(present) - len(paused)) % 2
        # a person pauses only where nobody they may meet is free (revision 2)
        for a, b in combinations(paused, 2):
            assert values.forbidden(a, b) or frozenset((a, b)) in met, (r, a, b)
        met |= {frozenset(pair) for g in groups for pair in combinations(g, 2)}
    if lock:
        pair = set(data["blocks"][0]["locks"][0]["together"])
        assert any(pair <= set(g) for g in rounds[0])


def _two_who_may_meet(data):
    people = [p for p in data["participants"] if "de" in p["languages"]]
    present = {pid for pid, rs in data["blocks"][0].get("present", {}).items() if 0 not in rs}
    people = [p for p in people if p["id"] not in present]
    a = people[0]
    b = next(p for p in people if p["organisation"] != a["organisation"])
    return [a["id"], b["id"]]


def test_even_full_presence_is_proven_optimal_and_deterministic():
    instance = parse_instance(generate(40, 6, seed=3))
    first = solve(instance, time_limit=20, seed=4)
    second = solve(instance, time_limit=20, seed=4)
    assert first.gap == 0
    assert first.plan.to_dict()["blocks"] == second.plan.to_dict()["blocks"]


def test_replanning_keeps_fixed_rounds_and_most_of_the_published_plan():
    data = generate(30, 4, seed=5)
    sent = solve(parse_instance(data), time_limit=10).plan.to_dict()
    replan = with_no_shows(data, sent, held=2, share=0.1, seed=2)
    instance = parse_instance(replan)
    result = solve(instance, time_limit=10)
    assert validate(instance, result.plan) == []
    rounds = result.plan.blocks["speed"]
    assert [sorted(map(sorted, r)) for r in rounds[:2]] == [sorted(map(sorted, r)) for r in sent["blocks"][0]["rounds"][:2]]


def test_every_block_kind_has_a_planner():
    data = generate(12, 2, seed=1)
    data["blocks"][0]["group_size"] = 3
    instance = parse_instance(data)
    result = solve(instance, time_limit=5)
    assert validate(instance, result.plan) == []
    assert all(len(group) == 3 for round_ in result.plan.blocks[data["blocks"][0]["id"]] for group in round_)


def _paused(result, block_id):
    return [set(p) for p in result.plan.pauses.get(block_id, ())]


def test_people_who_may_meet_nobody_pause_instead_of_no_plan():
    """Revision 2: colleagues everywhere is no dead end; whoever has nobody to meet sits the round out."""
    data = generate(10, 3, seed=2)
    for p in data["participants"]:
        p["organisation"] = "Same"
    instance = parse_instance(data)
    result = solve(instance, time_limit=2)
    assert validate(instance, result.plan) == []
    block = data["blocks"][0]["id"]
    assert all(groups == () for groups in result.plan.blocks[block])
    assert _paused(result, block) == [set(p["id"] for p in data["participants"])] * 3
    assert result.score == pytest.approx(-60 * 10 * 3)


def test_too_few_partners_pause_only_the_rounds_they_must():
    data = generate(4, 3, seed=2)
    for k, p in enumerate(data["participants"]):
        p["organisation"] = "A" if k < 2 else "B"
        p["languages"] = ["de"]
    data["avoid"], data["wish"], data["history"] = [], [], []
    instance = parse_instance(data)
    result = solve(instance, time_limit=2)
    assert validate(instance, result.plan) == []
    block = data["blocks"][0]["id"]
    pauses = _paused(result, block)
    # two partners each for three rounds: two rounds of pairs, everyone pauses once, all in one round
    assert sum(len(p) for p in pauses) == 4
    assert sorted(len(p) for p in pauses) == [0, 0, 4]


def test_locks_that_cannot_hold_say_why_naming_the_people():
    data = generate(10, 3, seed=2)
    a, b = data["participants"][0], data["participants"][1]
    b["organisation"] = a["organisation"]
    data["blocks"][0]["locks"] = [{"round": 1, "together": [a["id"], b["id"]]}]
    with pytest.raises(Infeasible, match=r"a lock joins Person 0 \(p000\) and Person 1 \(p001\), who share an "
                                         "organisation") as raised:
        solve(parse_instance(data), time_limit=2)
    assert raised.value.code == "lock-forbidden" and raised.value.round == 1
    assert raised.value.participants == ("p000", "p001")


def test_cli_exit_codes(tmp_path):
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(generate(20, 3, seed=3)))
    plan = tmp_path / "plan.json"
    done = run_cli("solve", instance, "-o", plan, "--time-limit", 10, "--seed", 2)
    assert done.returncode == 0, done.stderr
    assert "score" in done.stderr and "bound" in done.stderr and "gap" in done.stderr
    done = run_cli("check", instance, plan)
    assert done.returncode == 0 and json.loads(done.stdout)["valid"]
    broken = json.loads(plan.read_text())
    rounds = broken["blocks"][0]["rounds"]
    rounds[1] = rounds[0]
    plan.write_text(json.dumps(broken))
    done = run_cli("check", instance, plan)
    assert done.returncode == 4
    assert any("meet twice" in v for v in json.loads(done.stdout)["violations"])
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    done = run_cli("solve", bad)
    assert done.returncode == 2 and "not valid JSON" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("solve", tmp_path / "missing.json")
    assert done.returncode == 2 and "cannot read" in done.stderr
    data = generate(6, 2, seed=1)
    for p in data["participants"]:
        p["organisation"] = "Same"
    instance.write_text(json.dumps(data))
    done = run_cli("solve", instance, "--time-limit", 5)
    assert done.returncode == 0, done.stderr  # revision 2: everyone pauses, and says why
    assert "Person 0 (p000) pauses: everyone present they share a language with is a colleague" in done.stderr
    assert done.stderr.count(" pauses: ") == 6 * 2
    cafe = generate(6, 2, seed=1)
    cafe["blocks"] = [{"id": "cafe", "kind": "pro-action-cafe", "rounds": 2,
                       "tables": [{"id": "t1", "seats": 2}, {"id": "t2", "seats": 2}]}]
    instance.write_text(json.dumps(cafe))
    done = run_cli("solve", instance, "--time-limit", 5)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("infeasible: cafe round 0: 2 tables with 4 seats < 6 people present")
    done = run_cli("solve", instance, "--time-limit", 0.01)
    assert done.returncode == 5 and "no plan found within the time limit" in done.stderr


def test_an_invalid_candidate_plan_is_never_kept():
    from scheduler.pairs import BestPlan, PairsProblem
    from scheduler.values import PairValues

    instance = parse_instance(generate(6, 2, seed=1))
    problem = PairsProblem.build(instance, instance.blocks[0], PairValues(instance))
    best = BestPlan(problem, [])
    best.consider("broken", {0: [(0, 1), (2, 3), (4, 5)], 1: [(0, 1), (2, 3), (4, 5)]})  # repeats
    assert best.rounds is None


def test_a_cafe_round_counts_twice_a_speed_round_when_work_is_shared_out(monkeypatch):
    """The dispatcher shares the counted work out by people times rounds, a café round weighing
    `CAFE_WEIGHT` speed-networking ones: the pairs reach their bound early, the café uses all it gets."""
    import scheduler.solve as dispatcher
    from scheduler.solver import current_budget

    data = generate(12, 4, seed=3)
    data["blocks"].append({"id": "cafe", "kind": "pro-action-cafe", "rounds": 3,
                           "tables": [{"id": f"t{k}", "seats": 4} for k in range(4)]})
    instance = parse_instance(data)
    heard = {}

    def record(instance, block, values, start, deadline, seed, report):
        heard[block.id] = current_budget.get()
        return None  # the constructive start stays

    monkeypatch.setattr(dispatcher, "_improve", record)
    result = solve(instance, time_limit=10)
    assert validate(instance, result.plan) == []
    speed_id = data["blocks"][0]["id"]
    work, weight = dispatcher.WORK_SHARE * 10, dispatcher.CAFE_WEIGHT
    assert weight > 1
    assert heard[speed_id] == pytest.approx(work * 4 / (4 + weight * 3))
    assert heard["cafe"] == pytest.approx(work * weight * 3 / (4 + weight * 3))
