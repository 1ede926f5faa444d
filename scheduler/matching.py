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


def plan_greedily(problem: PairsProblem, allowed: set[Edge] | None = None,
                  prefer: set[Edge] = frozenset()) -> dict[int, list[tuple[int, ...]]] | None:
    """A fast constructive plan: per round, the most valuable unused pairs
    (those in `prefer` first), then swaps to seat whoever is left; the odd
    one out joins the pair that gains most.  None when a round cannot be
    completed this way."""
    edges = problem.edges if allowed is None else sorted(allowed)
    ranked = sorted(edges, key=lambda e: (e not in prefer, -problem.edge_value[e], e))
    usable = set(edges)
    used: set[Edge] = set()
    rounds = {}
    for t in problem.free_rounds:
        here = set(problem.present[t])
        fresh = [e for e in ranked if e[0] in here and e[1] in here
                 and (e not in used or problem.block.allow_repeats)]
        groups = _greedy_round(problem, t, here, fresh, usable - (set() if problem.block.allow_repeats else used))
        if groups is None:
            return None
        rounds[t] = groups
        for group in groups:
            used.update(combinations(group, 2))
    return rounds


def _greedy_round(problem: PairsProblem, t: int, here: set[int], ranked: list[Edge],
                  allowed: set[Edge]) -> list[tuple[int, ...]] | None:
    partner: dict[int, int] = {}
    trio: tuple[int, ...] | None = None
    for group in problem.locks.get(t, []):
        if len(group) == 3:
            trio = group
        else:
            partner[group[0]], partner[group[1]] = group[1], group[0]
    taken = set(partner) | set(trio or ())
    locked = set(taken)
    for a, b in ranked:
        if a not in taken and b not in taken:
            partner[a], partner[b] = b, a
            taken.update((a, b))
    left = sorted(here - taken)
    if trio is None and len(left) % 2 == 1:
        trio_person = left.pop()  # seated into a trio at the end
    else:
        trio_person = None
    while left:
        u = left.pop()
        for v in left:
            if (min(u, v), max(u, v)) in allowed:
                partner[u], partner[v] = v, u
                left.remove(v)
                break
        else:
            if not _swap_in(u, left, partner, locked, allowed):
                return None
    pairs = sorted({(min(a, b), max(a, b)) for a, b in partner.items()})
    if trio_person is not None:
        best = max((e for e in pairs if e[0] not in locked and (min(e[0], trio_person), max(e[0], trio_person)) in allowed
                    and (min(e[1], trio_person), max(e[1], trio_person)) in allowed),
                   key=lambda e: (problem.values.value[e[0]][trio_person] + problem.values.value[e[1]][trio_person], e),
                   default=None)
        if best is None:
            return None
        pairs.remove(best)
        trio = tuple(sorted(best + (trio_person,)))
    return sorted(pairs + ([trio] if trio else []))


def _swap_in(u: int, left: list[int], partner: dict[int, int], locked: set[int], allowed: set[Edge]) -> bool:
    """Seat u and one other unseated person v by splitting a pair (a, b)
    into (u, a) and (v, b)."""
    for v in left:
        for a, b in list(partner.items()):
            if a in locked or b in locked:
                continue
            if (min(u, a), max(u, a)) in allowed and (min(v, b), max(v, b)) in allowed:
                partner[u], partner[a], partner[v], partner[b] = a, u, b, v
                left.remove(v)
                return True
    return False
