"""The café annealing's move values: every move's and swap's delta equals the
change of the whole objective, recomputed from scratch, on a café with
revisits, overfull tables, a published seating, forbidden pairs and pairs who
met before."""

from __future__ import annotations

import random

import pytest

from bench.groups_cafe import cafe_instance
from scheduler import parse_instance
from scheduler.cafe import CafeProblem, start_cafe
from scheduler.cafe.problem import seating_of
from scheduler.cafe.search import CafeState
from scheduler.values import PairValues


def messy_cafe(seed: int) -> tuple[CafeProblem, dict]:
    data = cafe_instance(30, 3, seed=seed)
    ids = [p["id"] for p in data["participants"]]
    data["avoid"] = [[ids[1], ids[2]], [ids[3], ids[7]]]  # forbidden: they may meet, at a cost
    data["weights"] = {"revisit": 7, "balance": 5, "change": 11}
    instance = parse_instance(data)
    values = PairValues(instance)
    problem = CafeProblem.build(instance, instance.blocks[0], values)
    rng = random.Random(seed)
    seating = seating_of(problem, start_cafe(instance, instance.blocks[0], values))
    # a published seating to leave (the change cost) and pairs who met in an earlier round
    problem.published = {r: {i: rng.randrange(len(problem.tables)) for i in problem.guests[r] if rng.random() < 0.5}
                         for r in problem.free_rounds}
    for _ in range(20):
        i, j = rng.sample(range(problem.n), 2)
        problem.met_before[i][j] = problem.met_before[j][i] = 1
    return problem, seating


@pytest.mark.parametrize("seed", range(4))
def test_every_delta_is_the_change_of_the_objective(seed):
    problem, seating = messy_cafe(seed)
    state = CafeState(problem, seating)
    rng = random.Random(100 + seed)
    value = state.objective()
    tested = {"move": 0, "swap": 0}
    for _ in range(600):
        r = rng.choice(problem.free_rounds)
        i = rng.choice(problem.guests[r])
        a = state.table_of[r][i]
        if rng.random() < 0.4:  # moves ignore the seats: overfull tables must be priced too
            k = rng.randrange(len(problem.tables))
            if k == a:
                continue
            delta, kind = state.move_delta(r, i, k), "move"
            state.move(r, i, k)
        else:
            j = rng.choice(problem.guests[r])
            if state.table_of[r][j] == a:
                continue
            delta, kind = state.swap_delta(r, i, j), "swap"
            state.swap(r, i, j)
        after = CafeState(problem, state.snapshot()).objective()
        assert delta == pytest.approx(after - value, abs=1e-9), kind
        value = after
        tested[kind] += 1
    assert tested["move"] > 100 and tested["swap"] > 100


@pytest.mark.parametrize("seed", range(3))
def test_exchanges_keep_each_guests_tables_and_count_right(seed, monkeypatch):
    """Only exchanges (a guest trades their tables of two rounds, alone or with a guest who trades the same two
    tables the other way): each guest keeps the tables they sit at,
    so their choices and revisits stay, locked guests stay put, and the value the annealing hands back is
    the objective of the seating it hands back, better than the start."""
    from scheduler.cafe import search

    problem, seating = messy_cafe(seed)
    r = problem.free_rounds[1]
    locked = problem.guests[r][0]
    problem.locks[r] = {locked: seating[r].index(next(t for t in seating[r] if locked in t))}
    monkeypatch.setattr(search, "EXCHANGE", 1.0)
    start = CafeState(problem, seating)
    best, value = search._anneal(problem, CafeState(problem, seating), float("inf"), 20_000,
                                 random.Random(seed))
    after = CafeState(problem, best)
    assert value == pytest.approx(after.objective(), abs=1e-9)
    assert value > start.objective()
    assert after.table_of[r][locked] == start.table_of[r][locked]
    for i in range(problem.n):
        assert sorted(after.table_of[q].get(i, -1) for q in problem.free_rounds) == \
            sorted(start.table_of[q].get(i, -1) for q in problem.free_rounds)
    assert any(after.table_of[q][i] != start.table_of[q][i] for q in problem.free_rounds for i in problem.guests[q])
