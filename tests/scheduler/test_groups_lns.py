"""The groups' large-neighbourhood search: exact CP-SAT re-solves of a few
groups in a few rounds, from the annealing's plan."""

from __future__ import annotations

import random
import time
from itertools import combinations

import pytest

from scheduler import parse_instance, validate
from scheduler.groups import GroupsProblem, clique_bound, solve_groups
from scheduler.groups.lns import improve_groups
from scheduler.problem import Plan
from scheduler.values import PairValues

TOPICS = ["sprachkurs", "beratung", "praktika", "anerkennung", "wohnen"]
SECTORS = ["jobcenter", "sprachschule", "mbe", "arbeitgeber"]


def meeting(n: int, rounds: int, size: int, seed: int = 0, **block) -> dict:
    rng = random.Random(seed)
    ids = [f"p{i:02d}" for i in range(n)]
    return {"format": "netzwerktreffen-instance/1",
            "participants": [{"id": pid, "organisation": f"Org {i // 2 if i < 4 else i}",
                              "sector": rng.choice(SECTORS), "offers": rng.sample(TOPICS, 2),
                              "needs": rng.sample(TOPICS, rng.randint(1, 2)), "languages": ["de"]}
                             for i, pid in enumerate(ids)],
            "wish": [sorted(rng.sample(ids, 2)) for _ in range(n // 3)],
            "avoid": [sorted(rng.sample(ids[4:], 2))],
            "blocks": [{"id": "speed", "kind": "speed-networking", "rounds": rounds, "group_size": size,
                        **block}]}


def problem_of(data: dict):
    instance = parse_instance(data)
    values = PairValues(instance)
    block = instance.blocks[0]
    return instance, values, block, GroupsProblem.build(instance, block, values)


def as_plan(problem: GroupsProblem, block, rounds) -> Plan:
    ids = problem.values.ids
    fixed = [tuple(tuple(g) for g in r) for r in block.fixed_rounds]
    free = [tuple(tuple(ids[i] for i in g) for g in rounds[t]) for t in problem.free_rounds]
    return Plan(blocks={block.id: tuple(fixed + free)})


def value(problem: GroupsProblem, rounds) -> float:
    count = {}
    for groups in rounds.values():
        for group in groups:
            for a, b in combinations(sorted(group), 2):
                count[a, b] = count.get((a, b), 0) + 1
    return sum(problem.first[a][b] - problem.again[a][b] * (c - 1) for (a, b), c in count.items())


def partitions(people: list[int], size: int):
    """Every split of `people` into groups of `size`."""
    if not people:
        yield []
        return
    head, rest = people[0], people[1:]
    for mates in combinations(rest, size - 1):
        left = [i for i in rest if i not in mates]
        for tail in partitions(left, size):
            yield [[head, *mates], *tail]


def test_reaches_the_exhaustive_optimum_on_a_small_meeting():
    data = meeting(9, 2, 3, seed=3)
    instance, _values, block, problem = problem_of(data)
    splits = list(partitions(list(range(9)), 3))
    best, worst = -1e9, None
    for first in splits:
        met = {frozenset(p) for g in first for p in combinations(g, 2)}
        for second in splits:
            if any(frozenset(p) in met for g in second for p in combinations(g, 2)):
                continue
            rounds = {0: first, 1: second}
            if any(problem.forbidden[a][b] for r in rounds.values() for g in r for a, b in combinations(g, 2)):
                continue
            best = max(best, value(problem, rounds))
            if worst is None or value(problem, rounds) < value(problem, worst):
                worst = rounds
    start = worst  # the valid plan of least value: something to find
    assert value(problem, start) < best - 1e-9
    rounds, found, better = improve_groups(problem, start, seed=1, steps=6, deadline=time.monotonic() + 120)
    assert better >= 1
    assert found == pytest.approx(best)
    assert found == pytest.approx(value(problem, rounds))
    assert validate(instance, as_plan(problem, block, rounds)) == []
    # the clique LP still bounds the true optimum, and not by far here
    edges = [(a, b) for a, b in combinations(range(9), 2) if not problem.forbidden[a][b]]
    bound = clique_bound(problem, edges, time.monotonic() + 60)
    assert best - 1e-6 <= bound <= best + 0.2 * abs(best) + 1


@pytest.mark.parametrize("size, n, locks", [(3, 18, True), (4, 24, True), (4, 26, False)])
def test_never_worse_and_keeps_the_hard_rules(size, n, locks):
    data = meeting(n, 3, size, seed=n)
    data["blocks"][0]["present"] = {"p05": [0, 1], "p06": [1, 2]}
    if locks:
        data["blocks"][0]["locks"] = [{"round": 1, "together": ["p07", "p08"]}]
    instance, _values, block, problem = problem_of(data)
    start = solve_groups(problem, time.monotonic() + 120, seed=0, report=lambda text: None, work=0.1).rounds
    assert validate(instance, as_plan(problem, block, start)) == []
    before = value(problem, start)
    seen = []
    rounds, found, better = improve_groups(problem, start, seed=4, steps=8, deadline=time.monotonic() + 120,
                                           on_better=seen.append)
    assert found >= before - 1e-9
    assert found == pytest.approx(value(problem, rounds))
    assert validate(instance, as_plan(problem, block, rounds)) == []
    assert len(seen) == better and seen == sorted(seen)  # every improvement heard, in order
    if locks:
        assert any({"p07", "p08"} <= {problem.values.ids[i] for i in g} for g in rounds[1])


def test_same_seed_same_plan():
    data = meeting(20, 3, 4, seed=7)
    _instance, _values, _block, problem = problem_of(data)
    start = solve_groups(problem, time.monotonic() + 120, seed=0, report=lambda text: None, work=0.1).rounds
    runs = [improve_groups(problem, start, seed=5, steps=3, deadline=time.monotonic() + 120)[0] for _ in range(2)]
    assert runs[0] == runs[1]


def test_improvements_are_reported_during_the_search():
    data = meeting(24, 3, 4, seed=11)
    _instance, _values, _block, problem = problem_of(data)
    heard = []
    best = solve_groups(problem, time.monotonic() + 120, seed=0, report=lambda text: None, work=1.0,
                        on_better=lambda v: heard.append((time.monotonic(), v)))
    assert heard and heard[-1][1] == pytest.approx(best.objective)
    values = [v for _t, v in heard]
    assert values == sorted(values)
