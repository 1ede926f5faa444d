"""Round-by-round maximum-weight matching: the baseline and the fallback.

Each round in turn gets the best matching (one trio when the head-count is
odd) among the pairs that have not met yet.  Greedy over rounds, so it can
miss the optimum, but it gives a valid plan quickly.
"""

from __future__ import annotations

import time
from itertools import combinations

from ortools.sat.python import cp_model

from .model import RoundModel, triangles_in
from .pairs import Edge, PairsProblem
from .solver import new_solver


def plan_round_by_round(problem: PairsProblem, deadline: float, seed: int = 0,
                        candidates: set[Edge] | None = None) -> dict[int, list[tuple[int, ...]]] | None:
    """Groups (as index tuples) for every free round, or None when a round
    found no matching in time.  `candidates` restricts the pairs considered
    (the whole candidate graph when None); trios are drawn from each
    person's best partners."""
    used: dict[Edge, int] = {}
    bonus = _published_bonus(problem)
    trio_pairs = top_partners(problem, TRIO_PARTNERS)
    rounds: dict[int, list[tuple[int, ...]]] = {}
    for k, t in enumerate(problem.free_rounds):
        here = set(problem.present[t])
        if not here:
            rounds[t] = []
            continue
        value = {}
        for e in problem.edges if candidates is None else candidates:
            if e[0] in here and e[1] in here:
                if not used.get(e):
                    value[e] = problem.edge_value[e]
                elif problem.block.allow_repeats:
                    value[e] = -problem.repeat_cost
        for group in problem.locks.get(t, []):
            for e in combinations(group, 2):
                value.setdefault(e, problem.edge_value[e])
        trios = []
        if t in problem.odd_rounds:
            allowed = (trio_pairs | {e for g in problem.locks.get(t, []) for e in combinations(g, 2)}) & set(value)
            trios = triangles_in(allowed, here)
        round_model = RoundModel.build(problem, t, value, trios, bonus.get(t))
        seconds = (deadline - time.monotonic()) / (len(problem.free_rounds) - k)
        solver = new_solver(seconds, seed)
        status = solver.Solve(round_model.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        rounds[t] = round_model.groups(solver)
        for group in rounds[t]:
            for e in combinations(group, 2):
                used[e] = used.get(e, 0) + 1
    return rounds


TRIO_PARTNERS = 10  # trios are drawn from each person's best partners


def top_partners(problem: PairsProblem, k: int) -> set[Edge]:
    """Each person's k most valuable pairs (ties by index, for determinism)."""
    by_person: dict[int, list[Edge]] = {}
    for e in problem.edges:
        for i in e:
            by_person.setdefault(i, []).append(e)
    out: set[Edge] = set()
    for edges in by_person.values():
        edges.sort(key=lambda e: (-problem.edge_value[e], e))
        out.update(edges[:k])
    return out


def _published_bonus(problem: PairsProblem) -> dict[int, dict[tuple, int]]:
    """Keeping a published group unchanged saves `change` for each member."""
    bonus: dict[int, dict[tuple, int]] = {}
    for group in problem.published:
        key = group.members if len(group.members) == 3 else group.edges[0]
        bonus.setdefault(group.round, {})[key] = len(group.members) * problem.change_cost
    return bonus
