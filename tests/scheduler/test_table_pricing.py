"""The table LP's pricing (`scheduler.cafe.table_lp.best_sets`) against every
set of a small pricing problem: the best value exactly when its nodes suffice,
never below it when they run out, and the sets it hands over scored right.
Where no set has a positive value it need only say so (the LP may leave a
table empty, so it counts max(value, 0)).  Half the cases hold pairs that only
cost (no common language, met before), as the table LP prices them."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest

from scheduler.cafe.table_lp import best_sets


def problem(rng, m: int, forbidden: float, clash: float = 0.0):
    weight = rng.normal(-2.0, 2.5, m).round(1)
    weight[rng.random(m) < forbidden] = -math.inf  # language or lock: may not sit here
    v = np.triu(np.where(rng.random((m, m)) < 0.4, rng.random((m, m)) * 4, 0.0), 1).round(1)
    costly = np.triu(rng.random((m, m)) < clash, 1)  # pairs that only cost: a few small, most large
    v[costly] = -np.where(rng.random(int(costly.sum())) < 0.3, rng.random(int(costly.sum())) * 3, 23.0).round(1)
    return weight, v + v.T


def worth(weight, v, members, even, balance):
    members = list(members)
    pairs = sum(v[a, b] for a, b in combinations(members, 2))
    return float(weight[members].sum()) + pairs - balance * max(len(members) - even, 0)


def every_set(weight, v, seats, even, balance):
    allowed = [j for j in range(len(weight)) if math.isfinite(weight[j])]
    return max((worth(weight, v, s, even, balance) for size in range(1, seats + 1)
                for s in combinations(allowed, size)), default=-math.inf)


CASES = [(seed, m, seats, even, balance, 0.25 * (seed % 2)) for seed, (m, seats, even, balance) in enumerate(
    [(8, 3, 2, 0.0), (10, 4, 3, 1.5), (12, 4, 2, 4.0), (12, 5, 4, 0.5), (11, 6, 3, 2.0), (9, 9, 5, 1.0)] * 30)]


@pytest.mark.parametrize("seed,m,seats,even,balance,clash", CASES)
def test_pricing_finds_the_best_set(seed, m, seats, even, balance, clash):
    rng = np.random.default_rng(seed)
    weight, v = problem(rng, m, forbidden=0.15, clash=clash)
    if clash:
        assert (v < 0).any()
    best = every_set(weight, v, seats, even, balance)
    most, sets, nodes = best_sets(np, weight, v, seats, even, balance, keep=5, max_nodes=10**7)
    assert nodes < 10**7
    if best > 1e-9:
        assert most == pytest.approx(best, abs=1e-9)
        assert sets and worth(weight, v, sets[0], even, balance) == pytest.approx(best, abs=1e-9)
    else:  # nothing of positive value: the LP takes max(most, 0), so "at most zero" is all it needs
        assert most <= 1e-9 and not sets
    values = [worth(weight, v, s, even, balance) for s in sets]
    assert all(a >= b - 1e-9 for a, b in zip(values, values[1:])) and all(x > 1e-9 for x in values)  # best first
    assert all(len(s) <= seats and all(math.isfinite(weight[j]) for j in s) for s in sets)


@pytest.mark.parametrize("seed", range(40))
def test_pricing_cut_short_still_bounds(seed):
    rng = np.random.default_rng(1000 + seed)
    weight, v = problem(rng, 12, forbidden=0.1, clash=0.25 * (seed % 2))
    best = every_set(weight, v, 5, 3, 1.0)
    most, sets, nodes = best_sets(np, weight, v, 5, 3, 1.0, keep=3, max_nodes=1 + seed % 7)
    assert max(most, 0.0) >= best - 1e-9
    assert all(worth(weight, v, s, 3, 1.0) <= best + 1e-9 for s in sets)
