"""The b-matching's LP relaxation (GLOP), on the whole pair graph.

Its value is an upper bound, and its reduced costs prune pairs: a pair whose
reduced cost takes the LP below a known plan's value can be in no better
b-matching, so the exact model only needs the remaining pairs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .pairs import Edge, PairsProblem


@dataclass
class LPBound:
    value: float  # scaled like the b-matching's objective
    reduced_cost: dict[Edge, float]  # of each pair's `meet` variable (<= 0 when unused)
    support: set[Edge]  # pairs with a positive LP value

    def useful(self, edges, incumbent: float) -> list[Edge]:
        """Pairs that could appear in a b-matching worth at least `incumbent`."""
        return [e for e in edges if self.value + min(self.reduced_cost.get(e, 0.0), 0.0) >= incumbent - 1e-6]


def bmatching_lp(problem: PairsProblem, seconds: float) -> LPBound | None:
    p = problem
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(max(int(seconds * 1000), 1))
    infinity = solver.infinity()
    meet = {e: solver.NumVar(0, 1, "") for e in p.edges}
    locked = {e for groups in p.locks.values() for g in groups for e in _pairs(g)}
    for e in locked:
        meet[e].SetLb(1)
    again = {}
    if p.block.allow_repeats:
        most = max(len(p.free_rounds) - 1, 0)
        for e in p.edges:
            again[e] = solver.NumVar(0, most, "")
            solver.Add(again[e] <= most * meet[e])
    incident: dict[int, list[Edge]] = defaultdict(list)
    for e in p.edges:
        incident[e[0]].append(e)
        incident[e[1]].append(e)

    def uses(e):
        return meet[e] + again[e] if e in again else meet[e]

    extras = []
    for i in range(p.n):
        if not p.rounds_present[i]:
            for e in incident[i]:
                meet[e].SetUb(0)
            continue
        extra = solver.NumVar(0, p.odd_present[i], "")
        extras.append(extra)
        solver.Add(solver.Sum([uses(e) for e in incident[i]]) == p.rounds_present[i] + extra)
    solver.Add(solver.Sum(extras) == 3 * len(p.odd_rounds))
    terms = [p.edge_value[e] * meet[e] for e in p.edges]
    terms += [-p.repeat_cost * v for v in again.values()]
    per_person_round: dict[tuple[int, int], list] = defaultdict(list)
    for group in p.published:
        keep = solver.NumVar(0, 1, "")
        for e in group.edges:
            solver.Add(keep <= meet[e])
        for i in group.members:
            per_person_round[i, group.round].append(keep)
        terms.append(p.change_cost * len(group.members) * keep)
    for keeps in per_person_round.values():
        solver.Add(solver.Sum(keeps) <= 1)
    objective = solver.Sum(terms)
    if p.fairness > 0 and p.counted:
        worst = solver.NumVar(-infinity, infinity, "")
        for i in p.counted:
            solver.Add(worst <= p.fixed_value[i] + solver.Sum(
                [p.edge_value[e] * meet[e] for e in incident[i] if not p.met_before[e]]))
        objective = p.fairness.denominator * objective + p.fairness.numerator * worst
    solver.Maximize(objective)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return LPBound(solver.Objective().Value(), {e: var.reduced_cost() for e, var in meet.items()},
                   {e for e, var in meet.items() if var.solution_value() > 1e-6})


def _pairs(group):
    return [(group[a], group[b]) for a in range(len(group)) for b in range(a + 1, len(group))]
