"""The b-matching's LP relaxation (GLOP), on the whole pair graph.

Its value is an upper bound, and its reduced costs prune pairs: a pair whose
reduced cost takes the LP below a known plan's value can be in no better
b-matching, so the exact model only needs the remaining pairs.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from itertools import combinations

import numpy
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .problem import Edge, PairsProblem


@dataclass
class LPBound:
    value: float  # scaled like the b-matching's objective, plus less than one (tie-breaking)
    reduced_cost: numpy.ndarray  # of each candidate pair's `meet` variable (<= 0 when unused), as problem.edges
    support: set[Edge]  # pairs with a positive LP value
    integral: bool  # every pair's LP value is 0 or 1
    dual: dict[int, float] | None = None  # per person: the dual value of their degree row

    @property
    def bound(self) -> int:
        """The bound on the (whole-numbered) b-matching objective."""
        return math.floor(self.value + 1e-6)

    def useful(self, edges, incumbent: float) -> list[Edge]:
        """Pairs that could appear in a b-matching worth at least `incumbent`."""
        keep = self.value + numpy.minimum(self.reduced_cost, 0.0) >= incumbent - 1e-6
        return [edges[k] for k in numpy.nonzero(keep)[0].tolist()]


def bmatching_lp(problem: PairsProblem, seconds: float, start: set[Edge] | None = None) -> LPBound | None:
    """The LP over all candidate pairs.  With `start` (pairs that already
    allow a feasible solution), the LP begins with those and adds the pairs
    whose reduced cost says they could improve it (column generation), until
    none can: the same optimum, on a much smaller LP."""
    deadline = time.monotonic() + seconds
    p = problem
    lp = _LP(p)
    if lp.solver is None:
        return None
    if start is None or p.block.allow_repeats:
        columns = set(p.edges)
    else:
        locked = {e for groups in p.locks.values() for g in groups for e in combinations(g, 2)}
        columns = set(start) | locked | {e for g in p.published for e in g.edges}
    lp.add(sorted(columns))
    while True:
        lp.solver.SetTimeLimit(max(int((deadline - time.monotonic()) * 1000), 1))
        if lp.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        reduced = lp.reduced_costs()
        candidates = numpy.nonzero((reduced > 1e-7) & ~lp.in_lp)[0]
        if not len(candidates):
            break
        order = numpy.lexsort((candidates, -reduced[candidates]))[:max(2 * p.n, 200)]
        lp.add([p.edges[k] for k in candidates[order].tolist()])
    values = {e: var.solution_value() for e, var in lp.meet.items()}
    return LPBound(lp.solver.Objective().Value(), reduced,
                   {e for e, x in values.items() if x > 1e-6},
                   all(x < 1e-6 or x > 1 - 1e-6 for x in values.values()),
                   {i: row.dual_value() for i, row in lp.degree.items()})


class _LP:
    """The b-matching LP, built row by row so that columns can be added."""

    def __init__(self, problem: PairsProblem):
        p = self.problem = problem
        solver = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            return
        infinity = solver.infinity()
        self.objective = solver.Objective()
        self.objective.SetMaximization()
        with_fairness = p.fairness > 0 and bool(p.counted)
        self.scale = p.fairness.denominator if with_fairness else 1
        self.degree = {}
        extras = solver.Constraint(3 * len(p.odd_rounds), 3 * len(p.odd_rounds))
        for i in range(p.n):
            if p.rounds_present[i]:
                self.degree[i] = solver.Constraint(p.rounds_present[i], p.rounds_present[i])
                extra = solver.NumVar(0, p.odd_present[i], "")
                self.degree[i].SetCoefficient(extra, -1)
                extras.SetCoefficient(extra, 1)
        self.fair = {}
        if with_fairness:
            worst = solver.NumVar(-infinity, infinity, "")
            self.objective.SetCoefficient(worst, p.fairness.numerator)
            for i in p.counted:  # worst - value_i <= fixed_i
                self.fair[i] = solver.Constraint(-infinity, p.fixed_value[i])
                self.fair[i].SetCoefficient(worst, 1)
        # tiny distinct extra worth per pair, less than one over any b-matching
        # in total: ties are broken (fewer fractional optima) while every
        # integral optimum of the perturbed LP stays optimal for the real one
        rng = random.Random(p.n)
        most_pairs = max(sum(p.rounds_present) + sum(p.odd_present), 2) / 2
        jitter = numpy.array([rng.random() for _ in range(len(p.edges))])
        values = p.edge_values()
        self._cost = self.scale * values + 0.5 * jitter / most_pairs  # as problem.edges
        self._fair_coef = -values.astype(float)
        repeated = [e for e in p.met_before if e in p.edge_value]
        if repeated:
            self._fair_coef[self.position(repeated)] = 0.0
        self.meet: dict[Edge, pywraplp.Variable] = {}
        self.locked = {e for groups in p.locks.values() for g in groups for e in combinations(g, 2)}
        self.keep_rows: dict[Edge, list] = defaultdict(list)
        self._published()

    def _published(self) -> None:
        p, solver = self.problem, self.solver
        per_person_round: dict[tuple[int, int], list] = defaultdict(list)
        for group in p.published:
            keep = solver.NumVar(0, 1, "")
            self.objective.SetCoefficient(keep, self.scale * p.change_cost * len(group.members))
            for e in group.edges:
                row = solver.Constraint(-solver.infinity(), 0)  # keep <= meet
                row.SetCoefficient(keep, 1)
                self.keep_rows[e].append(row)
            for i in group.members:
                per_person_round[i, group.round].append(keep)
        for keeps in per_person_round.values():
            row = solver.Constraint(-solver.infinity(), 1)
            for keep in keeps:
                row.SetCoefficient(keep, 1)

    def _fair_coefficient(self, e: Edge) -> float:
        return 0.0 if self.problem.met_before[e] else -self.problem.edge_value[e]

    def position(self, edges: list[Edge]) -> numpy.ndarray:
        """Where the pairs are in problem.edges (which is sorted)."""
        if not hasattr(self, "_keys"):
            ends = self.problem.edge_array()
            self._keys = ends[:, 0] * self.problem.n + ends[:, 1]
        wanted = numpy.array(edges, dtype=numpy.int64).reshape(-1, 2)
        return numpy.searchsorted(self._keys, wanted[:, 0] * self.problem.n + wanted[:, 1])

    def add(self, edges: list[Edge]) -> None:
        p, solver = self.problem, self.solver
        if not hasattr(self, "in_lp"):
            self.in_lp = numpy.zeros(len(p.edges), dtype=bool)
        positions = self.position(edges) if edges else numpy.zeros(0, dtype=numpy.int64)
        self.in_lp[positions] = True
        costs = self._cost[positions].tolist()
        most = max(len(p.free_rounds) - 1, 0)
        for e, cost in zip(edges, costs):
            usable = e[0] in self.degree and e[1] in self.degree
            var = self.meet[e] = solver.NumVar(1 if e in self.locked else 0, 1 if usable else 0, "")
            self.objective.SetCoefficient(var, cost)
            for i in e:
                if i in self.degree:
                    self.degree[i].SetCoefficient(var, 1)
                if i in self.fair:
                    self.fair[i].SetCoefficient(var, self._fair_coefficient(e))
            for row in self.keep_rows.get(e, []):
                row.SetCoefficient(var, -1)
            if p.block.allow_repeats and usable:
                again = solver.NumVar(0, most, "")
                self.objective.SetCoefficient(again, -self.scale * p.repeat_cost)
                for i in e:
                    self.degree[i].SetCoefficient(again, 1)
                cap = solver.Constraint(-solver.infinity(), 0)  # again <= most * meet
                cap.SetCoefficient(again, 1)
                cap.SetCoefficient(var, -most)

    def reduced_costs(self) -> numpy.ndarray:
        """Objective coefficient minus the rows' duals, for every candidate
        pair (in the LP or not; as problem.edges); vectorised, as it runs over all pairs."""
        p = self.problem
        if not hasattr(self, "_ends"):
            self._ends = p.edge_array()
        dual = numpy.full(p.n, numpy.nan)
        for i, row in self.degree.items():
            dual[i] = row.dual_value()
        fair = numpy.zeros(p.n)
        for i, row in self.fair.items():
            fair[i] = row.dual_value()
        a, b = self._ends[:, 0], self._ends[:, 1]
        rc = self._cost - dual[a] - dual[b] - self._fair_coef * (fair[a] + fair[b])
        rc = numpy.where(numpy.isnan(rc), -numpy.inf, rc)  # someone absent throughout
        inside = list(self.meet)
        if inside:
            rc[self.position(inside)] = [self.meet[e].reduced_cost() for e in inside]
        return rc
