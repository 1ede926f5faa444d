"""The café's joint bound: one LP over whole tables, the choices and the
pairs bounded together (issue 17).

`lp_bounds` bounds the ranked choices and the guests' pairs apart, so each
side may take its best while the other takes its own: on generated cafés of
60 people the sum stood 18 % above the plans the search finds, and larger
neighbourhoods re-solved exactly with CP-SAT found nothing better.  Here a
column is one table in one free round with the set S of its guests, worth
the guests' ranked-choice points, the value of meeting the host, the balance
cost of S beyond even filling and what the pairs in S who can only cost
cost: each meeting of a pair without a common language, of a pair who may
not meet or of a pair who met in a fixed round costs at least
c_e = max(first meeting, -again) < 0 (`_cost`), so counting c_e in every set
that holds the pair keeps the LP above every plan.  Counting nothing for
them, as the first version did, let the LP seat them together for free:
`make run`'s demo (60 people, 15 tables, 3 rounds, tables in German and
English) stood at 14 002 against 13 110 found; with the costs 13 664.  The
pairs who gain are worth their first meeting once over all rounds.

    max  sum c_(r,k,S) x_(r,k,S) + sum_e g_e w_e - revisit * sum rho_(i,k)
    each guest once per round:   sum_(k, S contains i) x_(r,k,S) <= 1    (u_(i,r) >= 0)
    one set per table and round: sum_S x_(r,k,S) <= 1
    a pair counts once:          w_e <= sum_(S contains e) x              (v_e in [0, g_e])
    a table once per guest:      sum_(r, S contains i) x_(r,k,S) - rho_(i,k) <= 1 - sat before
                                                                          (gamma_(i,k) in [0, revisit])
    0 <= w_e <= 1, rho >= 0

A guest may stay unseated (a packing, not a partition): a relaxation, so still
a bound, and nearly as tight (a seat seldom costs: only the balance, revisit
and pair costs can make it not pay), while GLOP gets to
the end sooner: at 120 people and 3 rounds 3811,7 instead of 3809,6 in 108 s
instead of 134 s.  Repeats of pairs who gain and changes only cost, so leaving
them out keeps it an upper bound (two rows per pair that count repeats, y <= g c
and y <= g - again (c - 1) with c the pair's meetings, left the bound of the
bench's cafés of 60 people where it was, 1 743 and 2 261, in three times the
time).  Lagrangian
bound from any duals (u, v, gamma) in their box, which holds wherever the loop
stops:

    sum u + sum gamma (1 - sat) + sum_e max(0, g_e - v_e)
          + sum_(r,k) max(0, max_S [c_S - u(S) - gamma_k(S) + v(S)])

The inner max (pricing) is a small dense-subgraph problem: node weights
c_i - u_i - gamma_ik, pair weights v_e >= 0 and c_e < 0, at most the table's
seats.  It is solved by branch and bound in counted nodes; where the count runs out the
open nodes' bounds stand in, so the bound stays proven.  Column generation
adds the best sets of each table and round until none would improve the LP,
or the bound meets the restricted LP's value.  GLOP solves the LP up to
`LARGE_LP` rows, PDLP beyond (its duals are only near the optimum, which the
bound does not need: any duals in their box bound).
"""

from __future__ import annotations

import logging
import math
import time
from itertools import combinations

from .problem import CafeProblem

log = logging.getLogger(__name__)

__all__ = ["table_bound", "TableLP"]

SEARCH_NODES = 5_000  # branch-and-bound nodes of one table and round while columns are still being found:
# enough to end most pricings, so that the early rounds' bounds already hold close (the app's 30 s cut them)
PROOF_NODES = 400_000  # ... once few are: enough to prove most tables' best set (else its open bounds stand in);
# at 200 people 100 000 left 27 of 117 tables open, their bounds 1 190 above the sets found; 400 000 none
SETTLED = 0.0005  # a proof round that lowers the last proof round's bound by less than this share ends the loop
# (0,002, and counting the first proof round against the rounds before it, ended `make run`'s demo at 13 670,6
# with the LP's value at 13 613,3 and 17 s of the 30 unused; now 13 640,6 against 13 622,2)
MET = 0.0005  # ... as does a bound within this share of the restricted LP's value (the LP's optimum lies between)
FEW_COLUMNS = 3  # new columns per table and round below which the loop prices exactly
COLUMNS_PER_TABLE = 30  # best sets added per table and round and iteration
LARGE_LP = 5_000  # rows beyond which PDLP solves the LP instead of GLOP: GLOP's simplex stalls on the many
# degenerate pivots there (200 people, 3 rounds, 17 665 rows: the LP's value stayed at the start seating's for
# 200 s and a solve took 25 s); PDLP's interior point solves take 2-8 s and the value rises from the first.
# Below it GLOP keeps its basis from round to round and is the quicker (60 people: 8 s against 17 s)
SUFFIX_STEP = 8  # the pricing's pair bounds are sorted for every 8th start only (a start between takes the one
# before, over more candidates: looser, still a bound); sorting at every start took half of a pricing round's
# 44 s at 400 people
NODES_PER_SECOND = 50_000  # counted work: pricing nodes per second of work (about half an unloaded machine's)


class TableLP:
    def __init__(self, p: CafeProblem, start: dict[int, list[list[int]]]):
        import numpy
        from ortools.linear_solver import pywraplp

        self.np = numpy
        self.p = p
        rounds = p.free_rounds
        guests = sorted({i for r in rounds for i in p.guests[r]})
        self.guests = guests
        at = self.at = {i: a for a, i in enumerate(guests)}
        G, T = len(guests), len(p.tables)
        host_here = {r: set(p.present[r]) for r in rounds}
        # node value of guest a at table k in round r: points plus a first meeting with the host
        self.node = {}
        for r in rounds:
            values = numpy.zeros((T, G))
            for k in range(T):
                h = p.host[k]
                for i in guests:
                    values[k, at[i]] = p.points[i][k]
                    if h is not None and h in host_here[r]:
                        first = _gain(p, i, h)
                        values[k, at[i]] += first if first > 0 else _cost(p, i, h)
            self.node[r] = values
        gain = numpy.zeros((G, G))
        cost = numpy.zeros((G, G))  # what every meeting of a pair costs at least (see `_cost`)
        for a, b in combinations(range(G), 2):
            i, j = guests[a], guests[b]
            if _gain(p, i, j) > 0:
                gain[a, b] = gain[b, a] = p.gain[i][j]
            else:
                cost[a, b] = cost[b, a] = _cost(p, i, j)
        self.gain = gain
        self.cost = cost
        self.pairs = [(a, b) for a, b in zip(*numpy.nonzero(numpy.triu(gain)))]
        self.sat_before = numpy.zeros((T, G))
        for i in guests:
            for k in p.visited[i]:
                self.sat_before[k, at[i]] = 1
        # who may sit at table k in round r (language; a lock keeps a guest at one table)
        self.may = {}
        for r in rounds:
            mask = numpy.zeros((T, G), dtype=bool)
            for i in p.guests[r]:
                locked = p.locks[r].get(i)
                for k in range(T):
                    mask[k, at[i]] = p.speaks[i][k] and (locked is None or locked == k)
            self.may[r] = mask

        rows = len(rounds) * (G + T) + len(self.pairs) + T * G
        if rows > LARGE_LP:  # first-order: no degenerate pivots, each solve from its start (see LARGE_LP)
            solver = self.solver = pywraplp.Solver.CreateSolver("PDLP")
            solver.SetSolverSpecificParametersAsString(
                "num_threads: 1 termination_criteria { simple_optimality_criteria { "
                "eps_optimal_relative: 1e-4 eps_optimal_absolute: 1e-4 } }")
        else:
            solver = self.solver = pywraplp.Solver.CreateSolver("GLOP")
            solver.SetSolverSpecificParametersAsString("use_preprocessing: false")  # keeps the basis between rounds
        inf = solver.infinity()
        self.objective = solver.Objective()
        self.objective.SetMaximization()
        self.seat = {(r, at[i]): solver.Constraint(-inf, 1) for r in rounds for i in p.guests[r]}
        self.one = {(r, k): solver.Constraint(-inf, 1) for r in rounds for k in range(T)}
        self.link = {}
        for a, b in self.pairs:
            w = solver.NumVar(0, 1, "")
            self.objective.SetCoefficient(w, gain[a, b])
            row = self.link[a, b] = solver.Constraint(-inf, 0)
            row.SetCoefficient(w, 1)
        self.once = {}
        for k in range(T):
            for a in range(G):
                rho = solver.NumVar(0, inf, "")
                self.objective.SetCoefficient(rho, -p.revisit)
                row = self.once[k, a] = solver.Constraint(-inf, 1 - self.sat_before[k, a])
                row.SetCoefficient(rho, -1)
        self.columns: set = set()
        for r in rounds:
            for k, seated in enumerate(start[r]):
                members = tuple(sorted(at[i] for i in seated if i in at and i != p.host[k]))
                if members:
                    self.add(r, k, members)

    def value(self, r: int, k: int, members: tuple) -> float:
        p = self.p
        at = list(members)
        return (float(self.node[r][k, at].sum()) + float(self.cost[self.np.ix_(at, at)].sum()) / 2
                - p.balance * max(len(members) - p.even(r), 0))

    def add(self, r: int, k: int, members: tuple) -> bool:
        if (r, k, members) in self.columns:
            return False
        self.columns.add((r, k, members))
        x = self.solver.NumVar(0, 1, "")
        self.objective.SetCoefficient(x, self.value(r, k, members))
        self.one[r, k].SetCoefficient(x, 1)
        for a in members:
            self.seat[r, a].SetCoefficient(x, 1)
            self.once[k, a].SetCoefficient(x, 1)
        for a, b in combinations(members, 2):
            row = self.link.get((a, b))
            if row is not None:
                row.SetCoefficient(x, -1)
        return True

    def solve(self, deadline: float, iterations: int, work: float | None) -> float:
        """The best Lagrangian bound over at most `iterations` rounds of column generation and
        `work` seconds of counted pricing nodes (the same bound on a busy machine; `deadline`
        only cuts a slow one)."""
        from ortools.linear_solver import pywraplp

        np, p = self.np, self.p
        nodes_left = math.inf if work is None else work * NODES_PER_SECOND
        best = math.inf
        proving = proved = False  # pricing exactly now; and in the round before
        G, T = len(self.guests), len(p.tables)
        for _ in range(iterations):
            if time.monotonic() >= deadline or nodes_left <= 0:
                break
            self.solver.SetTimeLimit(int(max(deadline - time.monotonic(), 0.05) * 1000))
            began = time.monotonic()
            if self.solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
                break
            master = self.objective.Value()  # the restricted LP's value: the LP's optimum is at least this
            log.debug("table LP: solved in %.1f s, value %.1f, %d columns", time.monotonic() - began, master,
                      len(self.columns))
            u = {key: max(row.dual_value(), 0.0) for key, row in self.seat.items()}
            v = np.zeros((G, G))
            for (a, b), row in self.link.items():
                v[a, b] = v[b, a] = min(max(row.dual_value(), 0.0), self.gain[a, b])
            gamma = np.zeros((T, G))
            for (k, a), row in self.once.items():
                gamma[k, a] = min(max(row.dual_value(), 0.0), p.revisit)
            bound = sum(u.values()) + float((gamma * (1 - self.sat_before)).sum())
            bound += sum(max(0.0, self.gain[a, b] - v[a, b]) for a, b in self.pairs)
            added = 0
            limit = PROOF_NODES if proving else SEARCH_NODES
            for r in p.free_rounds:
                price = np.full(G, -math.inf)
                for (rr, a), value in u.items():
                    if rr == r:
                        price[a] = value
                for k in range(T):
                    if p.room[r][k] <= 0:
                        continue
                    weight = self.node[r][k] - price - gamma[k]
                    weight[~self.may[r][k]] = -math.inf
                    most, sets, nodes = best_sets(np, weight, v + self.cost, p.room[r][k], p.even(r), p.balance,
                                                  COLUMNS_PER_TABLE, limit)
                    nodes_left -= nodes
                    if time.monotonic() >= deadline:  # a round not priced in full bounds nothing
                        return best
                    bound += max(most, 0.0)
                    for members in sets:
                        added += self.add(r, k, members)
            log.debug("table LP: bound %.1f, %d new columns%s", bound, added, " (exact pricing)" if proving else "")
            settled = proved and best - bound < SETTLED * abs(bound)  # a proof round that hardly lowered the last's
            best = min(best, bound)
            if proving and (settled or best - master <= MET * abs(best)):  # the bound meets the LP's value
                break
            if not added and proving:
                break
            proved = proving
            # few new columns: the LP is near its optimum, so price exactly (the bound comes from these rounds)
            proving = proving or added <= FEW_COLUMNS * len(self.one)
        return best


def _gain(p: CafeProblem, i: int, j: int) -> float:
    """What a first meeting of i and j in this block is worth (0 when they met in a fixed round)."""
    return 0.0 if p.met_before[i][j] else p.gain[i][j]


def _cost(p: CafeProblem, i: int, j: int) -> float:
    """At most what each meeting of i and j in the free rounds adds (<= 0) where a meeting never gains:
    a pair who met in a fixed round pays `again` each time; one whose first meeting costs (no common
    language, a pair who may not meet) pays that or, from the second on, `again`, whichever is less."""
    if p.met_before[i][j]:
        return -max(p.again[i][j], 0.0)
    return max(p.gain[i][j], -max(p.again[i][j], 0.0)) if p.gain[i][j] < 0 else 0.0


def best_sets(np, weight, v, seats: int, even: int, balance: float, keep: int, max_nodes: int):
    """Branch and bound for max over sets S (1 <= |S| <= seats) of weight(S) + v(S) - balance *
    (|S| - even)^+, pair weights v of either sign (the bounds count only what a pair can add): (an
    upper bound on that max, exact when the search ended and the max is positive, at most zero when
    it is not; up to `keep` sets of positive value, best first; nodes searched)."""
    candidates = np.nonzero(np.isfinite(weight))[0]
    if len(candidates) == 0 or seats <= 0:
        return -math.inf, [], 0
    sub = v[np.ix_(candidates, candidates)]
    # each one's best pair weights, best first, none below zero: a set may hold fewer partners than seats - 1
    ranked = np.maximum(-np.sort(-sub, axis=1)[:, :max(seats - 1, 0)], 0.0)
    w = weight[candidates]
    useful = w + ranked.sum(axis=1) > 1e-9  # a guest whose best case is no gain never raises a set's value
    if not useful.any():
        return float(w.max()), [], 1
    order = np.nonzero(useful)[0]
    order = order[np.argsort(-(w[order] + ranked[order].sum(axis=1) / 2), kind="stable")]
    candidates, w, sub = candidates[order], w[order], sub[np.ix_(order, order)]
    m = len(candidates)
    suffixes: dict[int, list] = {}

    def halves(first: int) -> list:
        """halves(f)[c][j]: half of the best c - 1 pair weights of candidate f + j among the candidates from
        f on: what it adds in pairs among c new members of a set whose next members come from f on, at most
        (tighter than over all candidates: a subtree's best partners often sit before it)."""
        base = first - first % SUFFIX_STEP  # from an earlier start: over more candidates, so still at most
        got = suffixes.get(base)
        if got is None:
            top = np.maximum(-np.sort(-sub[base:, base:], axis=1)[:, :max(seats - 1, 0)], 0.0)
            run, zero = np.cumsum(top, axis=1) / 2, np.zeros(m - base)
            width = run.shape[1]
            got = suffixes[base] = [zero, zero] + [run[:, min(c - 2, width - 1)] if width else zero
                                                   for c in range(2, seats + 1)]
        return got if base == first else [column[first - base:] for column in got]
    cost = [balance * max(size - even, 0) for size in range(seats + 2)]  # balance cost of a set of `size`
    found: list[tuple[float, tuple]] = []
    best = -math.inf
    # stack: (members (positions), their value, the parent's gain vector, first later position, bound);
    # a member's gain vector (each position's gain with the members) is made when it is searched.
    # The few numbers per node (at most `seats`) are summed in plain Python: numpy's call costs more there.
    stack = [((), 0.0, w, 0, math.inf)]
    nodes = 0
    while stack:
        if nodes >= max_nodes:
            return max(best, max(entry[4] for entry in stack)), _kept(found, keep, candidates), nodes
        members, value, gains, first, bound = stack.pop()
        floor = (best if best > 0.0 else 0.0) + 1e-9
        if bound <= floor:  # a better set was found since it was put on the stack
            continue
        if members:
            gains = gains + sub[members[-1]]
        nodes += 1
        size = len(members)
        if size:
            scored = value - cost[size]
            if scored > best:
                best = scored
                floor = (best if best > 0.0 else 0.0) + 1e-9
            if scored > 1e-9:
                found.append((scored, members))
        if size >= seats or first >= m:
            continue
        slots = seats - size
        later = gains[first:] + halves(first)[slots]
        positive = later[later > 0]
        if len(positive) > slots:
            positive.partition(len(positive) - slots)
            positive = positive[len(positive) - slots:]
        # the best t more members add at most the t best of `later`, less the balance cost beyond even;
        # a child's subtree: its own gain plus the best t <= slots - 1 of the rest (itself among them at worst)
        run, most, after = 0.0, -cost[size], -cost[size + 1]
        for t, x in enumerate(sorted(positive.tolist(), reverse=True), 1):
            run += x
            most = max(most, run - cost[size + t])
            if t < slots:
                after = max(after, run - cost[size + 1 + t])
        if value + most <= floor:
            continue
        opts = later + (value + after)
        chosen = np.flatnonzero(opts > floor)[::-1]  # pushed last to first: best searched first
        if not len(chosen):
            continue
        for at, bound, gain in zip((chosen + first).tolist(), opts[chosen].tolist(),
                                   gains[chosen + first].tolist()):
            stack.append((members + (at,), value + gain, gains, at + 1, bound))
    return best, _kept(found, keep, candidates), nodes


def _kept(found: list, keep: int, candidates) -> list[tuple]:
    found.sort(key=lambda item: -item[0])
    return [tuple(sorted(int(candidates[j]) for j in members)) for _value, members in found[:keep]]


def table_bound(p: CafeProblem, start: dict[int, list[list[int]]], deadline: float, iterations: int = 40,
                work: float | None = None) -> float | None:
    """The café block's proven bound from the table LP (plus what the fixed rounds hold), its columns
    started from `start` (a seating of the free rounds: round -> table -> people); None when it
    cannot start (no free rounds, or the time is up)."""
    from .lp_bounds import fixed_part

    if not p.free_rounds or time.monotonic() >= deadline:
        return None
    bound = TableLP(p, start).solve(deadline, iterations, work)
    return None if math.isinf(bound) else fixed_part(p) + bound
