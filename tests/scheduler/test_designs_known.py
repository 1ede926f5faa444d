"""The resolvable designs known at meeting sizes (scheduler.groups.designs.design_rounds):
Kirkman triple systems, resolvable 4-designs, affine planes, round robins for pairs.

The checker below is written here on purpose and imports nothing of the
constructions: every round a partition of all people into groups of the size
asked for, no pair twice over all rounds, and (for a complete design) every
pair exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scheduler import parse_instance, validate
from scheduler.groups import solve_groups_block
from scheduler.groups.designs import KNOWN, design_rounds
from scheduler.problem import Plan
from scheduler.validate import score_plan
from scheduler.values import PairValues
from golfer_instances import golfers

ROOT = Path(__file__).resolve().parents[2]


def independent_check(rounds, n: int, k: int) -> int:
    """Raise AssertionError unless `rounds` is a schedule without repeats of n
    people in groups of k; the number of pairs that met."""
    met = {}
    for r, groups in enumerate(rounds):
        seen = [0] * n
        for group in groups:
            assert len(group) == k, f"round {r}: group {group} is not of size {k}"
            for person in group:
                assert 0 <= person < n, f"round {r}: unknown person {person}"
                seen[person] += 1
            for a in range(len(group)):
                for b in range(a + 1, len(group)):
                    pair = (min(group[a], group[b]), max(group[a], group[b]))
                    assert pair[0] != pair[1], f"round {r}: {pair[0]} twice in a group"
                    assert pair not in met, f"pair {pair} in rounds {met.get(pair)} and {r}"
                    met[pair] = r
        assert seen == [1] * n, f"round {r} is not a partition of the {n} people"
    return len(met)


def test_the_checker_catches_broken_schedules():
    with pytest.raises(AssertionError):
        independent_check([[[0, 1], [2, 3]], [[1, 0], [2, 3]]], 4, 2)    # 0-1 again
    with pytest.raises(AssertionError):
        independent_check([[[0, 1, 2], [3]]], 4, 2)                      # a group of 3
    with pytest.raises(AssertionError):
        independent_check([[[0, 1], [1, 3]]], 4, 2)                      # 1 twice, 2 missing
    assert independent_check([[[0, 1], [2, 3]], [[0, 2], [1, 3]]], 4, 2) == 4


# every size the issue names: Kirkman systems 9..63, resolvable 4-designs (40, 52 by search,
# 16, 64 affine), affine planes 4..64, pairs for even head-counts
SIZES = sorted({(v, k, r) for v, k, r in KNOWN}
               | {(v, 3, (v - 1) // 2) for v in range(9, 64, 6)}
               | {(16, 4, 5), (40, 4, 13), (52, 4, 17), (64, 4, 21)}
               | {(q * q, q, q + 1) for q in (2, 3, 4, 5, 7, 8)}
               | {(n, 2, n - 1) for n in (2, 4, 10, 32, 64)})
SEARCHED = {(21, 3), (33, 3), (51, 3), (57, 3), (40, 4), (52, 4)}  # a few seconds each


@pytest.mark.parametrize("n,k,rounds", [s for s in SIZES if s[:2] not in SEARCHED])
def test_known_design_is_complete_and_never_repeats(n, k, rounds):
    design = design_rounds(n, k, rounds)
    assert len(design) == rounds
    # a complete resolvable design: everybody met everybody exactly once
    assert independent_check(design, n, k) == n * (n - 1) // 2


@pytest.mark.slow
@pytest.mark.parametrize("n,k", sorted(SEARCHED))
def test_searched_design_is_complete_and_never_repeats(n, k):
    rounds = (n - 1) // (k - 1)
    design = design_rounds(n, k, rounds)
    assert independent_check(design, n, k) == n * (n - 1) // 2


def test_searched_designs_quick_sample():
    # the smallest of the searched sizes stays in the fast suite
    assert independent_check(design_rounds(33, 3, 16), 33, 3) == 33 * 16


@pytest.mark.parametrize("n,k,rounds", [(15, 3, 3), (45, 3, 20), (64, 4, 8), (49, 7, 2), (12, 2, 5)])
def test_fewer_rounds_are_a_prefix_without_repeats(n, k, rounds):
    design = design_rounds(n, k, rounds)
    assert len(design) == rounds
    assert independent_check(design, n, k) == rounds * n * (k - 1) // 2
    full = design_rounds(n, k, (n - 1) // (k - 1))
    assert design == full[:rounds]


@pytest.mark.parametrize("n,k,rounds", [(21, 3, 11), (16, 4, 6), (30, 3, 3), (10, 4, 2), (7, 2, 3)])
def test_impossible_or_unknown_sizes_give_nothing(n, k, rounds):
    # more rounds than anyone can meet, or sizes that do not divide
    assert design_rounds(n, k, rounds) == []


def test_designs_are_deterministic():
    assert design_rounds(39, 3, 19) == design_rounds(39, 3, 19)
    assert design_rounds(64, 8, 9) == design_rounds(64, 8, 9)



@pytest.mark.parametrize("groups,size,rounds", [(5, 3, 7), (7, 3, 10), (13, 3, 19), (4, 4, 5), (5, 5, 6)])
def test_solver_round_robin_has_no_repeats(groups, size, rounds):
    instance = parse_instance(golfers(groups, size, rounds))
    values = PairValues(instance)
    block = instance.blocks[0]
    result = solve_groups_block(instance, block, values, time.monotonic() + 10, seed=0)
    plan = Plan(blocks={block.id: tuple(tuple(tuple(g) for g in r) for r in result.rounds)})
    assert validate(instance, plan) == []
    assert score_plan(instance, plan, values)[1]["speed"].repeats == 0


@pytest.mark.slow
@pytest.mark.parametrize("groups,size,rounds", [(11, 3, 16), (10, 4, 13), (21, 3, 31), (15, 3, 22),
                                                (32, 2, 63)])  # the last: 64 people in pairs, a round robin
def test_command_line_old_problem_cases_have_no_repeats(tmp_path, groups, size, rounds):
    path = tmp_path / "golfers.json"
    path.write_text(json.dumps(golfers(groups, size, rounds)), encoding="utf-8")
    out = tmp_path / "plan.json"
    run = [sys.executable, "-m", "scheduler"]
    subprocess.run(run + ["solve", str(path), "--time-limit", "10", "--output", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    checked = subprocess.run(run + ["check", str(path), str(out)], cwd=ROOT, capture_output=True, text=True)
    report = json.loads(checked.stdout)
    assert report["valid"] and report["blocks"]["speed"]["repeats"] == 0


def test_pairs_round_robin_plan_never_repeats():
    from scheduler.pairs.problem import PairsProblem
    from scheduler.pairs.roundrobin import round_robin_plan

    instance = parse_instance(golfers(11, 2, 21))
    problem = PairsProblem.build(instance, instance.blocks[0], PairValues(instance))
    planned = round_robin_plan(problem)
    assert independent_check([planned[t] for t in problem.free_rounds], 22, 2) == 22 * 21 // 2


def test_pairs_round_robin_plan_only_for_equal_values():
    from scheduler.pairs.problem import PairsProblem
    from scheduler.pairs.roundrobin import round_robin_plan

    data = golfers(5, 2, 4)
    data["participants"][1]["organisation"] = "Org 0"   # 0 and 1 may not meet: not every pair a candidate
    instance = parse_instance(data)
    problem = PairsProblem.build(instance, instance.blocks[0], PairValues(instance))
    assert round_robin_plan(problem) is None
