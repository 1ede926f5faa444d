"""Odd head-counts and late arrivals: re-planning a few rounds at a time
(`scheduler.pairs.improve`) and the bound with real trios."""

import sys
import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the bench package holds the instance generator

from bench.generate import generate  # noqa: E402
from scheduler import parse_instance, validate  # noqa: E402
from scheduler.pairs.improve import Neighbourhoods, improve_by_rounds  # noqa: E402
from scheduler.pairs.lp import bmatching_lp  # noqa: E402
from scheduler.pairs.matching import plan_round_by_round  # noqa: E402
from scheduler.pairs.model import RoundsModel  # noqa: E402
from scheduler.pairs.problem import PairsProblem  # noqa: E402
from scheduler.pairs.triobound import trio_bound  # noqa: E402
from scheduler.pairs.solve import BestPlan, _as_plan, _real_bound  # noqa: E402
from scheduler.solver import new_solver  # noqa: E402
from scheduler.values import PairValues  # noqa: E402

FAR = 600.0  # a wide safety deadline: the searches stop on counted work


def odd_block(n: int, rounds: int, seed: int):
    """A problem with an odd head-count and people arriving late or leaving early."""
    data = generate(n, rounds, seed, late=0.3)
    instance = parse_instance(data)
    problem = PairsProblem.build(instance, instance.blocks[0], PairValues(instance))
    assert problem.odd_rounds and len(set(map(len, problem.present.values()))) > 1
    return instance, problem


def start(problem) -> BestPlan:
    best = BestPlan(problem, [])
    best.consider("round-by-round", plan_round_by_round(problem, time.monotonic() + FAR))
    assert best.rounds is not None
    return best


def exact_optimum(problem) -> float:
    """The block's optimum: every pair and every trio in every round."""
    model = RoundsModel.build(problem)
    solver = new_solver(FAR, 0, workers=1)
    assert solver.Solve(model.model) == cp_model.OPTIMAL
    best = BestPlan(problem, [])
    best.consider("exact", model.rounds(solver))
    return best.score


SLOW = pytest.mark.slow
CASES = [(11, 3, 1), pytest.param(13, 3, 4, marks=SLOW), pytest.param(15, 3, 2, marks=SLOW)]


@pytest.mark.parametrize("n,rounds,seed", CASES)
def test_freeing_every_round_reaches_the_optimum(n, rounds, seed):
    instance, problem = odd_block(n, rounds, seed)
    best = start(problem)
    first = best.score
    improve_by_rounds(problem, best, seed=0, deadline=time.monotonic() + FAR, work=60.0, step_work=10.0)
    assert best.score >= first
    assert [v.message for v in validate(instance.only(problem.block), _as_plan(problem, best.rounds))] == []
    assert best.score == pytest.approx(exact_optimum(problem))


@pytest.mark.parametrize("n,rounds,seed", [(21, 5, 2), pytest.param(27, 6, 3, marks=SLOW)])
def test_a_few_rounds_at_a_time_never_worse_and_valid(n, rounds, seed):
    instance, problem = odd_block(n, rounds, seed)
    best = start(problem)
    first = best.score
    done = improve_by_rounds(problem, best, seed=0, deadline=time.monotonic() + FAR, work=1.5, step_work=0.5)
    assert done["steps"] > 0
    assert best.score >= first
    assert [v.message for v in validate(instance.only(problem.block), _as_plan(problem, best.rounds))] == []
    assert best.score <= _real_bound(problem, bmatching_lp(problem, FAR).bound, 1) + 1e-6


def test_same_seed_same_plan():
    _instance, problem = odd_block(21, 5, 2)
    plans = []
    for _ in range(2):
        best = start(problem)
        improve_by_rounds(problem, best, seed=3, deadline=time.monotonic() + FAR, work=1.0, step_work=0.3)
        plans.append(best.rounds)
    assert plans[0] == plans[1]


def test_neighbourhoods_grow_and_end_without_gains():
    import random

    hoods = Neighbourhoods([0, 1, 2, 3], random.Random(0))
    seen = []
    while (freed := hoods.next()) is not None:
        seen.append(freed)
    assert sorted(f for f in seen if len(f) == 2) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    assert len([f for f in seen if len(f) == 3]) == 4 and len(seen) == 10


@pytest.mark.parametrize("n,rounds,seed", CASES)  # 17 and 19 people: the exact optimum takes many minutes
def test_bound_with_real_trios_is_valid_and_no_weaker(n, rounds, seed):
    """Never below the exhaustive optimum, never above the relaxed LP bound."""
    _instance, problem = odd_block(n, rounds, seed)
    lp = bmatching_lp(problem, FAR)
    optimum = exact_optimum(problem)
    for steps in (1, 10, 100):
        scaled = trio_bound(problem, lp, target=optimum * problem.scale, steps=steps)
        assert scaled is not None
        assert _real_bound(problem, scaled, 1) >= optimum - 1e-6
        assert scaled <= lp.bound


def test_bound_with_real_trios_tighter_on_an_odd_meeting():
    """On a mid-sized odd meeting with late arrivals the trios must count:
    the bound is below the relaxed one (which gives any three people an extra partner)."""
    instance = parse_instance(generate(41, 4, 2, late=0.2))
    problem = PairsProblem.build(instance, instance.blocks[0], PairValues(instance))
    assert problem.odd_rounds
    lp = bmatching_lp(problem, FAR)
    best = start(problem)
    scaled = trio_bound(problem, lp, target=best.score * problem.scale)
    assert best.score * problem.scale <= scaled < lp.bound


def test_no_bound_with_real_trios_where_it_does_not_apply():
    data = generate(21, 3, 2, late=0.3)
    data["weights"]["fairness"] = 5
    instance = parse_instance(data)
    problem = PairsProblem.build(instance, instance.blocks[0], PairValues(instance))
    assert trio_bound(problem, bmatching_lp(problem, FAR), target=0.0) is None
