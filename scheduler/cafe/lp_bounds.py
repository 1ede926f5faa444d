"""Two LP relaxations of a café block whose sum is a proven upper bound on
its score (`lp_bound`); each is evaluated as a Lagrangian bound from the
LP's duals, so it holds for any duals, whatever the LP solver returns.

Split: score = choices - revisits - balance + pairs - changes.  Changes only
cost and are dropped.  The `balance` cost is shared: the choice LP charges
`SHARE` of it, the pair LP the rest.

Hosts stay at their tables, so a guest meets table k's host exactly when
seated there: that pair value joins the choice LP (per visit; the revisit cost
there is more than the score's repeat cost), and the pair LP holds the guests'
pairs only, so a guest's seat is worth either a ranked choice with that host
or another table, not both.

Choice LP (`choice_bound`): x[i,k,r] seats guest i at table k in free round r
(a table they may sit at; the locked one if locked) worth its points plus
max(0, value of meeting the host present), exactly one per guest and round; a table holds at most its seats, and guests beyond ceil(G/T) cost
SHARE * balance each; a guest's second visit of a table (or any visit of one
sat at in the fixed rounds) costs `revisit`.  Lagrangian bound with duals
beta (even rows, in [0, SHARE*balance]), delta (seat rows, >= 0), gamma
(revisit rows, in [0, revisit]):

    sum beta*even + delta*seats + gamma*allow + sum_(i,r) max_k (points - beta - delta - gamma)

Pair LP (`PairLP`), over guests only: a table of s >= 3 guests holds C(s,3) triangles; giving
each weight 1/(s-2), every pair at the table lies in weight 1 and every person
in weight (s-1)/2.  A table of two is a pair column (weight 1, half a unit per
person).  So with y_S the weighted count of triangle S over the plan and z_e of
pair tables, sum_(S contains e) y_S + z_e = m_e, the rounds pair e shares a
table, and person i carries (s-1)/2 per round.  Relaxed: a person carries at
most (s_even - 1)/2 per round as a guest (s_even: the most guests a table holds
under even filling), plus overflow o_i at cost 2 * (1-SHARE) * balance / s_max
(a table with e guests beyond even gives each of its s <= s_max guests at most
e/2 more); pair e counts value g_e = max(gain, 0) per meeting, and meetings beyond
one cost g_e + again_e (then it counts g_e - again_e*(m-1), at least what the
score gives).  Column generation prices every triangle of people who may meet
(numpy, per first member) and every pair; bound from duals u in [0, rho],
v_e in [0, g_e + again_e], with y, z <= R (free rounds):

    sum cap_i u_i + sum v_e + R * sum max(0, reduced cost)
"""

from __future__ import annotations

import math
import time
from itertools import combinations

from .problem import CafeProblem

__all__ = ["SHARE", "choice_bound", "PairLP", "pair_bound", "lp_bound"]

SHARE = 0.5  # share of the balance cost charged in the choice LP (the rest in the pair LP)


def _options(p: CafeProblem, r: int, i: int) -> list[int]:
    locked = p.locks[r].get(i)
    if locked is not None:
        return [locked]
    return [k for k in range(len(p.tables)) if p.speaks[i][k] and p.room[r][k] > 0]


def _worth(p: CafeProblem, here: set[int], i: int, k: int) -> float:
    """Guest i at table k in round r: the ranked-choice points plus meeting the
    table's host (at most their pair value, each visit; further visits cost
    `revisit` in the LP, which is more than the score's `repeat` takes back)."""
    h = p.host[k]
    if h is None or h not in here or p.met_before[i][h]:
        return p.points[i][k]
    return p.points[i][k] + max(p.gain[i][h], 0.0)


def choice_bound(p: CafeProblem, seconds: float = 30.0) -> float:
    """Proven upper bound on choices - revisits - SHARE * balance (see the module)."""
    from ortools.linear_solver import pywraplp

    T = len(p.tables)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    inf = solver.infinity()
    bal = SHARE * p.balance
    x = {}
    even_rows, seat_rows, revisit_rows = {}, {}, {}
    objective = solver.Objective()
    objective.SetMaximization()
    for r in p.free_rounds:
        here = set(p.present[r])
        for k in range(T):
            even_rows[k, r] = solver.Constraint(-inf, float(p.even(r)))
            extra = solver.NumVar(0, inf, "")
            even_rows[k, r].SetCoefficient(extra, -1)
            objective.SetCoefficient(extra, -bal)
            seat_rows[k, r] = solver.Constraint(-inf, float(p.room[r][k]))
        for i in p.guests[r]:
            one = solver.Constraint(1, 1)
            for k in _options(p, r, i):
                var = x[i, k, r] = solver.NumVar(0, 1, "")
                one.SetCoefficient(var, 1)
                even_rows[k, r].SetCoefficient(var, 1)
                seat_rows[k, r].SetCoefficient(var, 1)
                objective.SetCoefficient(var, _worth(p, here, i, k))
                row = revisit_rows.get((i, k))
                if row is None:
                    row = revisit_rows[i, k] = solver.Constraint(-inf, 0.0 if k in p.visited[i] else 1.0)
                    again = solver.NumVar(0, inf, "")
                    row.SetCoefficient(again, -1)
                    objective.SetCoefficient(again, -p.revisit)
                row.SetCoefficient(var, 1)
    solver.SetTimeLimit(int(max(seconds, 0.1) * 1000))
    solver.Solve()  # any duals give a valid bound below; optimal ones the LP's value

    def dual(row, top):
        try:
            value = row.dual_value()
        except Exception:  # noqa: BLE001 - no duals: zero is valid
            value = 0.0
        return min(max(value, 0.0), top)

    beta = {key: dual(row, bal) for key, row in even_rows.items()}
    delta = {key: dual(row, math.inf) for key, row in seat_rows.items()}
    gamma = {key: dual(row, p.revisit) for key, row in revisit_rows.items()}
    bound = sum(beta[k, r] * p.even(r) for k, r in beta) + sum(delta[k, r] * p.room[r][k] for k, r in delta)
    bound += sum(gamma[i, k] * (0 if k in p.visited[i] else 1) for i, k in gamma)
    for r in p.free_rounds:
        here = set(p.present[r])
        for i in p.guests[r]:
            bound += max(_worth(p, here, i, k) - beta[k, r] - delta[k, r] - gamma[i, k] for k in _options(p, r, i))
    return bound


class PairLP:
    """The triangle LP of the pair value (see the module)."""

    def __init__(self, p: CafeProblem):
        import numpy as np

        self.np = np
        self.p = p
        n, T = p.n, len(p.tables)
        self.R = len(p.free_rounds)
        cap = np.zeros(n)
        s_full = 0
        ok = np.zeros((n, n), dtype=bool)
        for r in p.free_rounds:  # guests only: a host's pairs count in the choice LP
            s_even = max(min(p.room[r][k], p.even(r)) for k in range(T))
            s_full = max(s_full, max(p.room[r]))
            at = np.zeros((n, T), dtype=np.float32)  # who may sit at which table this round
            for i in p.guests[r]:
                cap[i] += (s_even - 1) / 2
                at[i, _options(p, r, i)] = 1
            ok |= (at @ at.T) > 0
        np.fill_diagonal(ok, False)
        self.ok = ok
        self.cap = cap
        self.rho = 2 * (1 - SHARE) * p.balance / max(s_full, 1)
        gain = np.array(p.gain, dtype=float)
        met = np.array(p.met_before) > 0
        self.worth = np.where(met | ~ok, 0.0, np.maximum(gain, 0.0))
        self.excess = np.where(met | ~ok, 0.0, self.worth + np.array(p.again, dtype=float))
        self.columns: dict[tuple[int, ...], object] = {}

    # -- the LP over the columns found so far
    def _start_lp(self):
        from ortools.linear_solver import pywraplp

        n = self.p.n
        s = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        inf = s.infinity()
        self.objective = s.Objective()
        self.objective.SetMaximization()
        self.person = []
        for i in range(n):
            row = s.Constraint(-inf, float(self.cap[i]))
            over = s.NumVar(0, inf, "")
            row.SetCoefficient(over, -1)
            self.objective.SetCoefficient(over, -self.rho)
            self.person.append(row)
        self.pair: dict[tuple[int, int], object] = {}

    def _pair_row(self, e):
        row = self.pair.get(e)
        if row is None:
            row = self.pair[e] = self.solver.Constraint(-self.solver.infinity(), 1.0)
            more = self.solver.NumVar(0, self.solver.infinity(), "")
            row.SetCoefficient(more, -1)
            self.objective.SetCoefficient(more, -float(self.excess[e]))
        return row

    def add(self, sets) -> int:
        new = 0
        for s in sets:
            s = tuple(sorted(int(a) for a in s))
            if s in self.columns:
                continue
            var = self.solver.NumVar(0, self.R, "")
            load = 1.0 if len(s) == 3 else 0.5
            for i in s:
                self.person[i].SetCoefficient(var, load)
            value = 0.0
            for e in combinations(s, 2):
                self._pair_row(e).SetCoefficient(var, 1)
                value += float(self.worth[e])
            self.objective.SetCoefficient(var, value)
            self.columns[s] = var
            new += 1
        return new

    def price(self, u, v, keep: int):
        """The Lagrangian bound of (u, v) and up to `keep` columns of largest reduced cost."""
        np = self.np
        n = self.p.n
        red = np.where(self.ok, self.worth - v, -np.inf)
        total = float(self.cap @ u) + float(np.triu(v, 1).sum())
        positive = 0.0
        found: list[tuple[float, tuple[int, ...]]] = []
        # pair columns
        pr = np.triu(red - (u[:, None] + u[None, :]) / 2, 1)
        hit = np.argwhere(pr > 0)
        if len(hit):
            vals = pr[hit[:, 0], hit[:, 1]]
            positive += float(vals.sum())
            for value, (a, b) in zip(vals.tolist(), hit.tolist()):
                found.append((value, (a, b)))
        for a in range(n - 2):
            b_idx = np.flatnonzero(self.ok[a, a + 1:]) + a + 1
            if len(b_idx) < 2:
                continue
            sub = red[np.ix_(b_idx, b_idx)]
            rc = sub + (red[a, b_idx] - u[b_idx])[:, None] + (red[a, b_idx] - u[b_idx])[None, :] - u[a]
            rc = np.triu(rc, 1)
            hit = np.argwhere(rc > 0)
            if not len(hit):
                continue
            vals = rc[hit[:, 0], hit[:, 1]]
            positive += float(vals.sum())
            if len(vals) > 2 * keep:
                top = np.argpartition(-vals, 2 * keep)[:2 * keep]
                hit, vals = hit[top], vals[top]
            for value, (x, y) in zip(vals.tolist(), hit.tolist()):
                found.append((value, (a, int(b_idx[x]), int(b_idx[y]))))
            if len(found) > 8 * keep:
                found = sorted(found, reverse=True)[:keep]
        bound = total + self.R * positive
        fresh = [s for _v, s in sorted(found, reverse=True) if s not in self.columns][:keep]
        return bound, fresh

    def solve(self, deadline: float, iterations: int = 60, start=()) -> float:
        from ortools.linear_solver import pywraplp

        np = self.np
        n = self.p.n
        self._start_lp()
        u, v = np.zeros(n), np.zeros((n, n))
        best = math.inf
        self.add(start)
        batch = max(4 * n, 200)
        for _ in range(iterations):
            if self.columns:
                if time.monotonic() >= deadline:
                    break
                self.solver.SetTimeLimit(int(max(deadline - time.monotonic(), 0.05) * 1000))
                if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
                    break
                u = np.clip(np.array([row.dual_value() for row in self.person]), 0.0, self.rho)
                v = np.zeros((n, n))
                for (i, j), row in self.pair.items():
                    v[i, j] = v[j, i] = min(max(row.dual_value(), 0.0), float(self.excess[i, j]))
            bound, entering = self.price(u, v, batch)
            best = min(best, bound)
            if not entering or not self.add(entering):
                break
        return best


def pair_bound(p: CafeProblem, deadline: float, iterations: int = 60, start=()) -> float:
    """Proven upper bound on the free rounds' pair value (first meetings) minus
    repeats and (1 - SHARE) * balance: the pair LP's best Lagrangian bound."""
    return PairLP(p).solve(deadline, iterations, start)


def fixed_part(p: CafeProblem) -> float:
    """What the fixed rounds hold: their pair values (less repeats among them),
    choices, revisits and balance, as the score counts them."""
    index = p.values.index
    table_index = {tid: k for k, tid in enumerate(p.tables)}
    fixed = 0.0
    seen: list[set[int]] = [set() for _ in range(p.n)]
    for seating in p.block.fixed_rounds:
        guests = 0
        at = {}
        for tid, seated in seating.items():
            k = table_index[tid]
            at[k] = [index[q] for q in seated if index[q] != p.host[k]]
            guests += len(at[k])
        even = -(-guests // len(p.tables))
        for k, seated in at.items():
            fixed -= p.balance * max(len(seated) - even, 0)
            for i in seated:
                fixed += p.points[i][k] - (p.revisit if k in seen[i] else 0.0)
                seen[i].add(k)
    for i, j in combinations(range(p.n), 2):
        c = p.met_before[i][j]
        if c:
            fixed += p.gain[i][j] - p.again[i][j] * (c - 1)
    return fixed


def lp_bound(p: CafeProblem, deadline: float, iterations: int = 60, start=(),
             work: float | None = None) -> float | None:
    """The café block's proven bound from the two LPs, plus what the fixed
    rounds hold; None when `work` (seconds of counted work, default the time
    left: the same decision on a busy machine) is too little for them, or when
    `deadline` cuts them."""
    seats = sum(len(p.guests[r]) for r in p.free_rounds) * len(p.tables)
    left = deadline - time.monotonic() if work is None else work
    if left < 1.0 + 2e-4 * seats:  # rough cost of building and solving the LPs
        return None
    choices = choice_bound(p, 0.3 * (deadline - time.monotonic()))
    if time.monotonic() >= deadline:
        return None
    return fixed_part(p) + choices + pair_bound(p, deadline, iterations, start)
