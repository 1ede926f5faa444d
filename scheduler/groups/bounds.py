"""Proven upper bounds on a groups block's score.

`groups_bound` is a b-matching: each person has at most (g-1) partners per
round attended (g when the round needs larger groups), each pair counts once;
its CP-SAT bound is a proven upper bound on the block's score.  Without
`allow_repeats` and with groups of one size the clique LP is tighter: it
chooses groups (g <= 4) or triangles, by column generation in which every
iteration's duals give a proven bound (`clique_bound`).  With sets of four the
triangles' LP goes first (quick); its duals, carried over (`carried_duals`),
start the LP over sets of four at about the triangles' bound, and its pricing
smooths toward the duals of the best bound so far.  Groups of four, 240 people,
six rounds: the triangles bound 13 478 (24 s); the sets of four 12 437, ending
in 364 s this way, while from zero duals they stood at 13 263 after 600 s.
"""

from __future__ import annotations

import math
import random
import time
from itertools import combinations

from ..search import best_pairs_bound, integer_scale
from ..solver import stopped
from .problem import GroupsProblem
from .search import plan_groups_greedy

__all__ = ["CLIQUE_SETS_MAX", "clique_size", "CliqueLP", "clique_bound", "groups_bound"]


# Sets of k people priced per iteration of the clique LP at most: the triples
# are kept as one numpy array, sets of four are priced from them in chunks
# (135 million at 240 people: about 3 s a pricing).  Larger instances try
# k = 3, then keep the b-matching bound alone.
CLIQUE_SETS_MAX = {3: 3_000_000, 4: 150_000_000}
SMOOTHING = 0.7  # with carried duals, the pricing's duals: this share of the best bound's, the rest the LP's


def clique_size(problem: GroupsProblem) -> int | None:
    """The size k of the sets the clique LP chooses (g up to 4, else 3), or
    None: only without `allow_repeats`, with groups of one size g >= 3, and
    with few enough sets of k people to price them all."""
    p = problem
    g = p.block.group_size
    if not p.hard_repeat or g < 3 or any(len(set(p.sizes[t])) > 1 for t in p.free_rounds):
        return None
    for k in sorted({min(g, 4), 3}, reverse=True):
        if math.comb(p.n, k) <= CLIQUE_SETS_MAX[k]:
            return k
    return None


def all_triples(numpy, ok):
    """All triples (a < b < c) of people who may meet pairwise (`ok`, symmetric), sorted by a."""
    n = len(ok)
    parts = []
    for a in range(n):
        for b in numpy.flatnonzero(ok[a, a + 1:]) + a + 1:
            c = numpy.flatnonzero(ok[a, b + 1:] & ok[b, b + 1:]) + b + 1
            if len(c):
                part = numpy.empty((len(c), 3), dtype=numpy.int32)
                part[:, 0], part[:, 1], part[:, 2] = a, b, c
                parts.append(part)
    return numpy.concatenate(parts) if parts else numpy.zeros((0, 3), dtype=numpy.int32)


class CliqueLP:
    """The LP relaxation of choosing the plan's groups through their subsets
    of k people (k = g: the groups themselves; k = 3: triangles).

    A group of g holds C(g,k) such sets; each member sits in C(g-1,k-1) of
    them and each pair in C(g-2,k-2), so a plan's pair value is the sum of
    its sets' values divided by C(g-2,k-2).  Relaxed: y_S in [0,1] for every
    set S of k people any two of whom may meet and share a round; person i in
    at most C(g-1,k-1) sets per free round attended, each pair in at most
    C(g-2,k-2) (no repeats).  "At most" lets sets of no value drop out.

    Column generation: GLOP solves the LP over a few sets; every set of k
    people is then priced with numpy against its duals (u_i >= 0 per person,
    v_e >= 0 per pair), the best are added, until none would improve it.
    Every iteration's duals give a proven bound on their own (LP duality):

        sum_i cap_i u_i + pair_cap * sum_e v_e + sum_S max(0, c_S - u(S) - v(S))

    so the bound holds wherever the time limit stops the loop."""

    def __init__(self, problem: GroupsProblem, k: int, edges: list[tuple[int, int]], triples=None):
        import numpy

        self.np = numpy
        p = self.p = problem
        g = p.block.group_size
        self.k = k
        n = p.n
        attended = numpy.zeros(n)
        for t in p.free_rounds:
            for i in p.present[t]:
                attended[i] += 1
        self.cap = math.comb(g - 1, k - 1) * attended  # per person
        self.pair_cap = math.comb(g - 2, k - 2)
        self.worth = numpy.array(p.first, dtype=float) / self.pair_cap  # pair value per set holding it
        ok = numpy.zeros((n, n), dtype=bool)
        for i, j in edges:
            ok[i, j] = ok[j, i] = True
        self.ok = ok
        self.triples = all_triples(numpy, ok) if triples is None else triples  # (`triples`: another LP's)
        self.first_of = numpy.searchsorted(self.triples[:, 0], numpy.arange(n + 1))
        self.columns: dict[tuple[int, ...], int] = {}  # set -> index of its LP variable
        self.duals = None  # (u, v) of the last LP solve

    def add_columns(self, sets) -> int:
        """Sets (tuples of people) not yet in the LP become columns; how many were new."""
        from itertools import combinations as pairs_of

        new = 0
        for s in sets:
            s = tuple(sorted(int(x) for x in s))
            if s in self.columns:
                continue
            var = self.solver.NumVar(0, 1, "")
            for i in s:
                self.person[i].SetCoefficient(var, 1)
            value = 0.0
            for e in pairs_of(s, 2):
                row = self.pair.get(e)
                if row is None:
                    row = self.pair[e] = self.solver.Constraint(-self.solver.infinity(), self.pair_cap)
                row.SetCoefficient(var, 1)
                value += self.worth[e]
            self.objective.SetCoefficient(var, value)
            self.columns[s] = len(self.columns)
            new += 1
        return new

    def price(self, u, v, keep: int):
        """The dual bound of (u, v) and up to `keep` sets of largest positive
        reduced cost that are not columns yet."""
        np = self.np
        reduced = np.where(self.ok, self.worth - v, -np.inf)  # per pair
        t = self.triples
        a, b, c = t[:, 0], t[:, 1], t[:, 2]
        base = reduced[a, b] + reduced[a, c] + reduced[b, c] - u[a] - u[b] - u[c]
        positive = 0.0
        found: list[tuple[float, tuple[int, ...]]] = []
        tol = 1e-7
        def chunks():
            """(x, reduced costs, rows of `t`): all triples, or x with the triples after x (one chunk
            in memory at a time: at 240 people all sets of four would take a gigabyte)."""
            if self.k == 3:
                yield None, base, slice(None)
                return
            for x in range(self.p.n - 3):
                lo = self.first_of[x + 1]  # triples whose people all come after x
                if lo >= len(t):
                    return
                rest = slice(lo, None)
                yield x, base[rest] + reduced[x, a[rest]] + reduced[x, b[rest]] + reduced[x, c[rest]] - u[x], rest

        for x, rc, where in chunks():
            hit = np.flatnonzero(rc > 0)
            if not len(hit):
                continue
            positive += float(rc[hit].sum())
            hit = hit[rc[hit] > tol]
            if len(hit) > 2 * keep:
                hit = hit[np.argpartition(-rc[hit], 2 * keep)[:2 * keep]]
            rows = t[where][hit]
            for value, row in zip(rc[hit].tolist(), rows.tolist()):
                s = tuple(row) if x is None else (x, *row)
                if s not in self.columns:
                    found.append((value, s))
            if len(found) > 8 * keep:
                found = sorted(found, reverse=True)[:keep]
        bound = float(self.cap @ u) + self.pair_cap * float(v.sum()) / 2 + positive
        return bound, [s for _value, s in sorted(found, reverse=True)[:keep]]

    def solve(self, deadline: float, start: list[tuple[int, ...]], duals=None) -> float | None:
        """The best bound of the column generation by `deadline`, its columns started from `start`
        (sets of k people).  `duals` (u per person, v per pair; any u, v >= 0 bound): the first
        pricing's, e.g. the triangle LP's carried over, so that its bound holds from the start and
        the first columns are the sets those duals favour (else all duals start at zero)."""
        from ortools.linear_solver import pywraplp

        np = self.np
        p = self.p
        n = p.n
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        if self.solver is None:
            return None
        infinity = self.solver.infinity()
        self.person = [self.solver.Constraint(-infinity, float(self.cap[i])) for i in range(n)]
        self.pair: dict[tuple[int, int], object] = {}
        self.objective = self.solver.Objective()
        self.objective.SetMaximization()
        u, v = (np.zeros(n), np.zeros((n, n))) if duals is None else duals
        batch = max(4 * n, 200)
        best = math.inf
        self.add_columns(s for s in start if all(self.ok[e] for e in combinations(s, 2)))
        centre = None  # the duals of the best bound so far, while smoothing toward them
        if duals is not None or not self.columns:  # the first columns: priced from `duals` (or zero)
            best, entering = self.price(u, v, batch)
            self.add_columns(entering)
            centre = duals
        while self.columns:
            left = deadline - time.monotonic()
            if left <= 0.05 or stopped():
                break
            self.solver.SetTimeLimit(int(left * 1000))
            if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
                break
            u = np.maximum(np.array([row.dual_value() for row in self.person]), 0.0)
            v = np.zeros((n, n))
            for (i, j), row in self.pair.items():
                v[i, j] = v[j, i] = max(row.dual_value(), 0.0)
            self.duals = (u, v)
            if centre is not None:  # price between the LP's duals and the best ones (Wentges)
                mixed = (SMOOTHING * centre[0] + (1 - SMOOTHING) * u, SMOOTHING * centre[1] + (1 - SMOOTHING) * v)
                bound, entering = self.price(*mixed, batch)
                if bound < best:
                    best, centre = bound, mixed
                if entering and self.add_columns(entering):
                    continue
                centre = None  # nothing enters there: from now on the LP's own duals
            bound, entering = self.price(u, v, batch)
            best = min(best, bound)
            if not entering or not self.add_columns(entering):
                break  # no set improves the LP: its optimum (the last bound) is reached
        return None if best == math.inf else best


def carried_duals(duals, g: int):
    """The triangle LP's duals (u, v) as duals of the LP over sets of four (groups of g >= 4).

    A set S of four holds four triangles T; each member sits in three, each pair in two.  Summing
    the triangles' dual rows u(T) + v(T) >= value(T) / (g - 2) gives 3 u(S) + 2 v(S) >= 2 value(S) /
    (g - 2), and the row of S asks u(S) + v(S) >= value(S) / C(g - 2, 2): so (3u, 2v) / (g - 3)
    satisfies every row the triangles' duals satisfy, and its objective is the triangle LP's
    (C(g-1, 3) = C(g-1, 2) (g-3) / 3, C(g-2, 2) = (g-2)(g-3) / 2).  The pricing's bound holds for
    any duals >= 0; these make the first one about the triangles' bound instead of the sum of all
    sets' values."""
    u, v = duals
    return 3 * u / (g - 3), 2 * v / (g - 3)


def clique_bound(problem: GroupsProblem, edges: list[tuple[int, int]], deadline: float,
                 start: dict[int, list[list[int]]] | None = None, seed: int = 0) -> float | None:
    """The clique LP's proven bound (see `CliqueLP`) on the free rounds' pair
    value, rounded down to the value grid; None when it does not apply or has
    no answer by `deadline`.  `start`: a plan whose groups seed the columns
    (default the greedy plan of `seed`)."""
    k = clique_size(problem)
    if k is None:
        return None
    if not edges:
        return 0.0  # nobody may meet anybody
    if start is None:
        start = plan_groups_greedy(problem, random.Random(seed))  # its groups seed the LP's columns

    def seeds(size: int) -> list[tuple[int, ...]]:
        return [s for groups in start.values() for group in groups for s in combinations(sorted(group), size)]

    duals, value = None, None
    if k == 4:  # the triangles first: quick, and their duals start the sets of four
        triangles = CliqueLP(problem, 3, edges)
        value = triangles.solve(deadline, seeds(3))
        if triangles.duals is not None:
            duals = carried_duals(triangles.duals, problem.block.group_size)
        lp = CliqueLP(problem, 4, edges, triples=triangles.triples)
    else:
        lp = CliqueLP(problem, k, edges)
    if time.monotonic() < deadline:
        more = lp.solve(deadline, seeds(k), duals)
        if more is not None:
            value = more if value is None else min(value, more)  # both proven
    if value is None:
        return None
    first = problem.first
    scale, exact = integer_scale([first[a][b] for a, b in edges])
    slack = 1e-6 * max(1.0, abs(value))  # floating-point sums over many sets
    if exact:  # every plan's value is a multiple of 1/scale: round down
        return math.floor(value * scale + slack * scale) / scale
    return value + slack


def groups_bound(problem: GroupsProblem, deadline: float, seed: int = 0, work: float | None = None,
                 start: dict[int, list[list[int]]] | None = None) -> float:
    """A proven upper bound on the block's score: the best pairs such that each
    person has at most (g-1) partners per free round attended (g in a round
    with larger groups), each pair counted once, plus what fixed rounds hold.
    Repeats and changes only cost, so they are left out; with `fairness` the
    worst-off participant is bounded by each person's best partners.
    `work`: seconds of counted work for the b-matching (CP-SAT's deterministic
    time; default the time left), `deadline` (monotonic) cuts a machine too
    slow for it.  The clique LP is not counted yet (GLOP has no deterministic
    time): on a busy machine the deadline may cut it, the bound is then weaker.
    `start`: the free rounds' groups (index space) that seed the clique LP's
    columns, e.g. the search's best plan; default a greedy plan."""
    p = problem
    n, g = p.n, p.block.group_size
    cap = [0] * n
    rounds_of = [0] * n
    for t in p.free_rounds:
        extra = 1 if p.sizes[t] and p.sizes[t][0] > g else 0
        for i in p.present[t]:
            cap[i] += g - 1 + extra
            rounds_of[i] |= 1 << t
    edges = [(i, j) for i, j in combinations(range(n), 2)
             if not p.forbidden[i][j] and not p.met_before[i][j] and rounds_of[i] & rounds_of[j]]
    fixed, repeats = 0.0, 0
    for i, j in combinations(range(n), 2):
        c = p.met_before[i][j]
        if c:
            fixed += p.first[i][j]
            repeats += c - 1
    if repeats:
        fixed -= p.again[0][1] * repeats
    now = time.monotonic()
    work = max(deadline - now, 0.0) if work is None else work
    cliques = clique_size(p) is not None
    share = 0.1 if cliques else 1.0
    pairs = best_pairs_bound(p.first, cap, edges, now + share * max(deadline - now, 0), seed, work=share * work)
    if cliques:
        clique = clique_bound(p, edges, deadline, start, seed)  # the plan's groups seed the LP's columns
        if clique is not None:
            pairs = min(pairs, clique)
    bound = fixed + pairs
    if p.fairness > 0:
        worst = math.inf
        for i in range(n):
            if not any(p.block.is_present(p.values.ids[i], r) for r in range(p.block.rounds)):
                continue
            mine = sorted((p.first[i][j] for j in range(n) if j != i and not p.forbidden[i][j]
                           and not p.met_before[i][j]), reverse=True)
            before = sum(p.first[i][j] for j in range(n) if p.met_before[i][j])
            worst = min(worst, before + sum(v for v in mine[:cap[i]] if v > 0))
        if worst < math.inf:
            bound += p.fairness * worst
    return bound
