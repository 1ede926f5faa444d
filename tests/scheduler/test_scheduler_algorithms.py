"""The building blocks against brute force: matching, colouring, the bound."""

import random
import sys
import time
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.generate import generate, with_no_shows  # noqa: E402
from scheduler import parse_instance, validate  # noqa: E402
from scheduler.pairs.colouring import colour_edges  # noqa: E402
from scheduler.pairs.matching import max_weight_matching  # noqa: E402
from scheduler.pairs.model import RoundsModel  # noqa: E402
from scheduler.pairs import PairsProblem  # noqa: E402
from scheduler.problem import Plan  # noqa: E402
from scheduler.solve import solve  # noqa: E402
from scheduler.solver import new_solver  # noqa: E402
from scheduler.validate import score_plan  # noqa: E402
from scheduler.values import PairValues  # noqa: E402


def best_perfect_matching(people, value):
    """Exhaustive: the best perfect matching's value, or None."""
    @lru_cache(maxsize=None)
    def best(left):
        if not left:
            return 0
        first, rest = left[0], left[1:]
        options = []
        for k, other in enumerate(rest):
            e = (min(first, other), max(first, other))
            if e in value:
                sub = best(rest[:k] + rest[k + 1:])
                if sub is not None:
                    options.append(value[e] + sub)
        return max(options, default=None)
    return best(tuple(sorted(people)))


@settings(max_examples=60, deadline=None)
@given(n=st.sampled_from([2, 4, 6, 8, 10]), density=st.floats(0.3, 1.0), seed=st.integers(0, 10**6))
def test_matching_lp_with_odd_set_cuts_is_optimal(n, density, seed):
    rng = random.Random(seed)
    value = {e: rng.randint(-3, 9) for e in combinations(range(n), 2) if rng.random() < density}
    found = max_weight_matching(list(range(n)), value, time.monotonic() + 10)
    expected = best_perfect_matching(range(n), value)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert sorted(i for e in found for i in e) == list(range(n))
    assert sum(value[e] for e in found) == expected


@settings(max_examples=30, deadline=None)
@given(half=st.integers(2, 12), degree=st.integers(1, 6), seed=st.integers(0, 10**6))
def test_colouring_splits_regular_bipartite_graphs(half, degree, seed):
    """Regular bipartite graphs always split into perfect matchings."""
    degree = min(degree, half)
    rng = random.Random(seed)
    edges = set()
    for shift in rng.sample(range(half), degree):  # a union of disjoint perfect matchings
        for i in range(half):
            edges.add((i, half + (i + shift) % half))
    colours = colour_edges(sorted(edges), list(range(degree)), seed, time.monotonic() + 10)
    assert colours is not None
    seen = set()
    for (a, b), t in colours.items():
        assert (a, t) not in seen and (b, t) not in seen
        seen.update({(a, t), (b, t)})


@pytest.mark.parametrize("n, rounds, late, fairness", [
    (8, 3, 0.0, 0), (9, 3, 0.0, 0), (10, 2, 0.2, 0), (8, 3, 0.0, 3), (11, 3, 0.2, 2),
])
@pytest.mark.parametrize("seed", [1, 2])
def test_bound_is_never_below_the_true_optimum(n, rounds, late, fairness, seed):
    """The exact model (every trio) gives the true optimum on tiny blocks:
    the plan may not beat it, the bound may not be below it."""
    assert_bound_holds(generate(n, rounds, seed, late=late, fairness=fairness), seed)


@pytest.mark.parametrize("seed", [1, 2])
def test_bound_holds_when_replanning(seed):
    data = generate(10, 4, seed)
    sent = solve(parse_instance(data), time_limit=5, seed=seed).plan.to_dict()
    assert_bound_holds(with_no_shows(data, sent, held=1, share=0.2, seed=seed), seed)


@pytest.mark.parametrize("seed", [1, 2])
def test_bound_holds_with_repeats_allowed(seed):
    data = generate(5, 5, seed)
    data["blocks"][0]["allow_repeats"] = True
    assert_bound_holds(data, seed)


def assert_bound_holds(data, seed):
    instance = parse_instance(data)
    problem = PairsProblem.build(instance, instance.blocks[0], PairValues(instance))
    exact = RoundsModel.build(problem)
    solver = new_solver(30, 0)
    status = solver.Solve(exact.model)
    result = solve(instance, time_limit=10, seed=seed)
    assert validate(instance, result.plan) == []
    assert result.score <= result.bound + 1e-6
    if status == 3:  # cp_model.INFEASIBLE: no plan without pauses, so the plan has some (revision 2)
        assert any(result.plan.pauses.get(instance.blocks[0].id, ()))
        return
    assert status == 4  # cp_model.OPTIMAL
    ids = problem.values.ids
    rounds = list(instance.blocks[0].fixed_rounds) + [
        [tuple(ids[i] for i in group) for group in groups] for groups in exact.rounds(solver).values()]
    best_plan = Plan(blocks={instance.blocks[0].id: tuple(rounds)})
    assert validate(instance, best_plan) == []
    optimum, _ = score_plan(instance, best_plan)
    assert result.score <= optimum + 1e-6 <= result.bound + 2e-6
