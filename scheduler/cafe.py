"""Pro-Action-Café blocks: hosts stay, guests move to a new table each round.

`CafeProblem.build` puts a `CafeBlock` into index space and raises
`Infeasible` with a reason when no seating can exist.  `solve_cafe_block`
plans it:

 1. one CP-SAT model seats every guest in every free round with all hard rules
    (seats, balanced head-counts, table language, never the same table twice,
    locks) and a *linear* objective: ranked choices, the value of meeting the
    host, keeping the published table.  Linear, so it stays small at n = 200;
 2. simulated annealing over moves of one guest to a less full table and swaps
    of two guests in one round adds the value of who sits together, with
    repeats and forbidden pairs penalised against every round.  Moves keep
    every hard rule, so every plan it holds is valid.

`plan_cafe_greedy` is the round-by-round greedy baseline of the benchmark.
The `bound` adds each guest's best ranked choices and a b-matching of the
best pairs (each person has at most as many table-mates as the largest
tables allow).
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from .groups import move_budget
from .problem import CafeBlock, Infeasible, Instance, Plan
from .solver import Progress, budget_seconds, stopped
from .values import PairValues

__all__ = ["CafeProblem", "CafeSeating", "solve_cafe", "solve_cafe_block", "plan_cafe_greedy",
           "cafe_bound", "cafe_score"]

log = logging.getLogger(__name__)



@dataclass
class CafeProblem:
    block: CafeBlock
    values: PairValues
    n: int
    tables: list[str]  # table ids; tables are addressed by position
    host: list[int | None]  # per table: the host's index
    hosting: dict[int, int]  # host index -> table
    free_rounds: list[int]
    present: dict[int, list[int]]  # free round -> everyone present
    guests: dict[int, list[int]]  # free round -> present people who host no table
    room: dict[int, list[int]]  # free round -> guest seats per table
    low: dict[int, int]  # free round -> guests every table gets at least (one more at some)
    speaks: list[list[bool]]  # person -> table -> may sit there (language)
    visited: list[set[int]]  # tables a person sat at in the fixed rounds (as a guest)
    points: list[list[float]]  # person -> table -> ranked-choice points
    gain: list[list[float]]  # value of a pair's first shared table (minus `forbidden` if forbidden)
    again: list[list[float]]  # cost of each further round a pair shares a table
    met_before: list[list[int]]  # rounds shared in the fixed rounds
    locks: dict[int, dict[int, int]]  # free round -> person -> table
    published: dict[int, dict[int, int]]  # free round -> person -> published table
    change: float
    revisit: float = 60.0  # a guest back at a table they sat at before
    balance: float = 100.0  # each guest beyond ceil(G / T) at a table

    @classmethod
    def build(cls, instance: Instance, block: CafeBlock, values: PairValues) -> "CafeProblem":
        ids, index = values.ids, values.index
        n = len(ids)
        w = instance.weights
        people = instance.participants
        tables = [t.id for t in block.tables]
        table_index = {tid: k for k, tid in enumerate(tables)}
        host = [None if t.host is None else index[t.host] for t in block.tables]
        hosting = {h: k for k, h in enumerate(host) if h is not None}
        free_rounds = list(range(len(block.fixed_rounds), block.rounds))
        present = {r: [index[p] for p in instance.present_in(block, r)] for r in free_rounds}
        guests = {r: [i for i in present[r] if i not in hosting] for r in free_rounds}
        speaks = [[t.language is None or t.language in p.languages for t in block.tables] for p in people]
        for k, h in enumerate(host):
            if h is not None and not speaks[h][k]:
                raise Infeasible(f"{block.id}: host {ids[h]} does not speak {block.tables[k].language}, "
                                 f"the language of their table {tables[k]}")
        room, low = {}, {}
        for r in free_rounds:
            here = set(present[r])
            room[r] = [block.tables[k].seats - (1 if h is not None and h in here else 0)
                       for k, h in enumerate(host)]
            for k, seats in enumerate(room[r]):
                if seats < 0:
                    raise Infeasible(f"{block.id} round {r}: table {tables[k]} has no seat")
            low[r] = len(guests[r]) // len(tables)
            if sum(max(seats, 0) for seats in room[r]) < len(guests[r]):
                seats = sum(t.seats for t in block.tables)
                raise Infeasible(f"{block.id} round {r}: {len(tables)} tables with {seats} seats < "
                                 f"{len(present[r])} people present", code="cafe-seats", block=block.id, round=r,
                                 numbers={"tables": len(tables), "seats": seats, "people": len(present[r])})
        visited: list[set[int]] = [set() for _ in range(n)]
        met_before = [[0] * n for _ in range(n)]
        for seating in block.fixed_rounds:
            for tid, seated in seating.items():
                k = table_index[tid]
                for p in seated:
                    if index[p] != host[k]:
                        visited[index[p]].add(k)
                for a, b in combinations(sorted(index[p] for p in seated), 2):
                    met_before[a][b] += 1
                    met_before[b][a] += 1
        for r in free_rounds:
            for i in guests[r]:
                if not any(speaks[i]):
                    raise Infeasible(f"{block.id} round {r}: {ids[i]} speaks none of the tables' languages")
        points = [[0.0] * len(tables) for _ in range(n)]
        for pid, ranked in block.preferences.items():
            for rank, tid in enumerate(ranked[:len(w.preference)]):
                points[index[pid]][table_index[tid]] = float(w.preference[rank])
        gain = [[values.value[i][j] - (w.forbidden if values.is_forbidden[i][j] else 0) for j in range(n)]
                for i in range(n)]
        again = [[w.repeat + (w.forbidden if values.is_forbidden[i][j] else 0) for j in range(n)]
                 for i in range(n)]
        locks: dict[int, dict[int, int]] = {r: {} for r in free_rounds}
        for lock in block.locks:
            if lock.round not in locks:
                continue
            i, k = index[lock.participant], table_index[lock.table]
            where = f"{block.id} round {lock.round}: {lock.participant} is locked to table {lock.table}"
            if i not in present[lock.round]:
                raise Infeasible(f"{where} but not present")
            if i in hosting and hosting[i] != k:
                raise Infeasible(f"{where} but hosts table {tables[hosting[i]]}")
            if i in hosting:
                continue
            if locks[lock.round].get(i, k) != k:
                raise Infeasible(f"{where} and to table {tables[locks[lock.round][i]]}")
            if not speaks[i][k]:
                raise Infeasible(f"{where} but does not speak its language")
            locks[lock.round][i] = k
        published: dict[int, dict[int, int]] = {}
        if block.published is not None:
            for r in free_rounds:
                published[r] = {index[p]: table_index[tid] for tid, seated in block.published[r].items()
                                for p in seated}
        return cls(block=block, values=values, n=n, tables=tables, host=host, hosting=hosting,
                   free_rounds=free_rounds, present=present, guests=guests, room=room, low=low,
                   speaks=speaks, visited=visited, points=points, gain=gain, again=again,
                   met_before=met_before, locks=locks, published=published, change=float(w.change),
                   revisit=float(w.revisit), balance=float(w.balance))

    def allowed(self, i: int, k: int) -> bool:
        """May sit there without a cost: speaks its language and has not sat there yet."""
        return self.speaks[i][k] and k not in self.visited[i]

    def even(self, r: int) -> int:
        """Guests a table holds in round r before each further one costs `balance`: ceil(G / T)."""
        return -(-len(self.guests[r]) // len(self.tables))


# ----------------------------------------------------------------------------
# Seating: per free round, the people at each table (host first)


Seating = dict[int, list[list[int]]]  # free round -> table -> people


def _host_seating(problem: CafeProblem, r: int) -> list[list[int]]:
    here = set(problem.present[r])
    return [[h] if h is not None and h in here else [] for h in problem.host]


def seat_linear(problem: CafeProblem, deadline: float, seed: int = 0,
                hint: Seating | None = None, work: float | None = None) -> Seating | None:
    """Every guest in every free round with all hard rules, maximising the
    linear part: ranked choices, the value of the host, keeping published
    tables.  None when no seating is found in time; raises Infeasible when
    none exists."""
    from ortools.sat.python import cp_model

    from .solver import new_solver

    p = problem
    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    scale = 100
    terms = []
    for r in p.free_rounds:
        here = set(p.present[r])
        for i in p.guests[r]:
            options = [k for k in range(len(p.tables)) if p.allowed(i, k)]
            locked = p.locks[r].get(i)
            if locked is not None:
                options = [locked]
            for k in options:
                var = x[r, i, k] = model.NewBoolVar(f"seat_r{r}_{i}_t{k}")
                h = p.host[k]
                worth = p.points[i][k] + (p.gain[i][h] if h is not None and h in here and not p.met_before[i][h] else 0)
                if h is not None and h in here and p.met_before[i][h]:
                    worth -= p.again[i][h]
                if p.published.get(r, {}).get(i) == k:
                    worth += p.change
                terms.append(round(worth * scale) * var)
            model.AddExactlyOne(x[r, i, k] for k in options)
        for k in range(len(p.tables)):
            seated = [var for (rr, _i, kk), var in x.items() if rr == r and kk == k]
            most = min(p.room[r][k], p.low[r] + (1 if len(p.guests[r]) % len(p.tables) else 0))
            model.Add(sum(seated) >= p.low[r])
            model.Add(sum(seated) <= most)
    by_person_table: dict[tuple[int, int], list] = defaultdict(list)
    for (r, i, k), var in x.items():
        by_person_table[i, k].append(var)
    for vars_ in by_person_table.values():
        if len(vars_) > 1:
            model.AddAtMostOne(vars_)
    if hint:
        for (r, i, k), var in x.items():
            model.AddHint(var, 1 if i in hint[r][k] else 0)
    model.Maximize(sum(terms))
    solver = new_solver(max(deadline - time.monotonic(), 0.05), seed, work=work)
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        raise Infeasible(f"{p.block.id}: no seating gives every guest a new table in every round "
                         "(too few tables they may sit at)")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    seating = {r: _host_seating(p, r) for r in p.free_rounds}
    for (r, i, k), var in x.items():
        if solver.Value(var):
            seating[r][k].append(i)
    return seating


def plan_cafe_greedy(problem: CafeProblem, seed: int = 0) -> Seating | None:
    """The baseline: round by round, guests (fewest options first) each take
    the table with the best ranked-choice points plus value against the people
    already there (repeats and forbidden pairs penalised).  None when a guest
    finds no table."""
    p = problem
    rng = random.Random(seed)
    count = [row[:] for row in p.met_before]
    visited = [set(v) for v in p.visited]
    for r in p.free_rounds:  # tables a guest is locked to later are kept for then
        for i, k in p.locks[r].items():
            visited[i].add(k)
    seating: Seating = {}
    for r in p.free_rounds:
        tables = _host_seating(p, r)
        extra = len(p.guests[r]) % len(p.tables)
        full = [p.low[r] + 1 if extra else p.low[r]] * len(p.tables)
        full = [min(f, room) for f, room in zip(full, p.room[r])]
        at_top = 0
        placed = [0] * len(p.tables)
        for i, k in p.locks[r].items():
            tables[k].append(i)
            placed[k] += 1
        top = p.low[r] + 1
        at_top = sum(1 for c in placed if c >= top) if extra else 0
        guests = [i for i in p.guests[r] if i not in p.locks[r]]
        rng.shuffle(guests)
        guests.sort(key=lambda i: sum(1 for k in range(len(p.tables)) if p.speaks[i][k] and k not in visited[i]))
        for i in guests:
            best, best_k = -math.inf, None
            for k in range(len(p.tables)):
                if not p.speaks[i][k] or k in visited[i] or placed[k] >= full[k]:
                    continue
                if extra and placed[k] == p.low[r] and at_top >= extra:
                    continue
                worth = p.points[i][k]
                for j in tables[k]:
                    worth += p.gain[i][j] if count[i][j] == 0 else -p.again[i][j]
                if worth > best:
                    best, best_k = worth, k
            if best_k is None:
                return None
            tables[best_k].append(i)
            placed[best_k] += 1
            if extra and placed[best_k] == top:
                at_top += 1
        for k, seated in enumerate(tables):
            for a, b in combinations(seated, 2):
                count[a][b] += 1
                count[b][a] += 1
            for i in seated:
                if i != p.host[k]:
                    visited[i].add(k)
        seating[r] = tables
    return seating


# ----------------------------------------------------------------------------
# Local search over valid seatings


class _CafeState:
    def __init__(self, problem: CafeProblem, seating: Seating):
        p = self.p = problem
        self.seating = {r: [list(t) for t in tables] for r, tables in seating.items()}
        self.table_of = {r: {i: k for k, seated in enumerate(tables) for i in seated}
                         for r, tables in self.seating.items()}
        self.count = [row[:] for row in p.met_before]
        for tables in self.seating.values():
            for seated in tables:
                for a, b in combinations(seated, 2):
                    self.count[a][b] += 1
                    self.count[b][a] += 1
        # tables each person sits at as a guest, over all rounds
        self.sat: list[dict[int, int]] = [defaultdict(int) for _ in range(p.n)]
        for i in range(p.n):
            for k in p.visited[i]:
                self.sat[i][k] += 1
        for r, tables in self.seating.items():
            for k, seated in enumerate(tables):
                for i in seated:
                    if i != p.host[k]:
                        self.sat[i][k] += 1
        self.guests_at = {r: [sum(1 for i in seated if i != p.host[k]) for k, seated in enumerate(tables)]
                          for r, tables in self.seating.items()}
        self.even = {r: p.even(r) for r in self.seating}

    def penalties(self) -> float:
        """Revisits and guests beyond even filling, as the score charges them."""
        p = self.p
        revisits = sum(max(0, c - 1) for sat in self.sat for c in sat.values())
        overfull = sum(max(0, c - self.even[r]) for r, counts in self.guests_at.items() for c in counts)
        return p.revisit * revisits + p.balance * overfull

    def objective(self) -> float:
        p = self.p
        total = -self.penalties()
        for r, tables in self.seating.items():
            for k, seated in enumerate(tables):
                for i in seated:
                    if i != p.host[k]:
                        total += p.points[i][k]
                        if p.published.get(r, {}).get(i, k) != k:
                            total -= p.change
        for i in range(p.n):
            row = self.count[i]
            for j in range(i + 1, p.n):
                c = row[j]
                if c:
                    total += p.gain[i][j] - p.again[i][j] * (c - 1)
        return total

    def _leave(self, i: int, members, skip: int = -1) -> float:
        """Value lost when i leaves a table of `members` (i not counted)."""
        p, row = self.p, self.count[i]
        d = 0.0
        for j in members:
            if j != i and j != skip:
                d -= p.gain[i][j] if row[j] == 1 else -p.again[i][j]
        return d

    def _join(self, i: int, members, skip: int = -1) -> float:
        p, row = self.p, self.count[i]
        d = 0.0
        for j in members:
            if j != i and j != skip:
                d += p.gain[i][j] if row[j] == 0 else -p.again[i][j]
        return d

    def _place(self, r: int, i: int, k: int) -> float:
        """Points and change cost of i at table k in round r."""
        p = self.p
        out = p.points[i][k]
        published = p.published.get(r)
        if published is not None and i in published and published[i] != k:
            out -= p.change
        return out

    def _revisit_delta(self, i: int, a: int, k: int) -> float:
        """Revisit cost saved (positive) or added (negative) when i goes from table a to table k."""
        sat = self.sat[i]
        return self.p.revisit * ((1 if sat.get(a, 0) >= 2 else 0) - (1 if sat.get(k, 0) >= 1 else 0))

    def move_delta(self, r: int, i: int, k: int) -> float:
        a = self.table_of[r][i]
        tables = self.seating[r]
        counts, even = self.guests_at[r], self.even[r]
        balance = self.p.balance * ((1 if counts[a] > even else 0) - (1 if counts[k] >= even else 0))
        return (self._leave(i, tables[a]) + self._join(i, tables[k])
                + self._place(r, i, k) - self._place(r, i, a) + self._revisit_delta(i, a, k) + balance)

    def swap_delta(self, r: int, i: int, j: int) -> float:
        a, b = self.table_of[r][i], self.table_of[r][j]
        tables = self.seating[r]
        d = self._leave(i, tables[a]) + self._leave(j, tables[b])
        d += self._join(i, tables[b], skip=j) + self._join(j, tables[a], skip=i)
        d += self._revisit_delta(i, a, b) + self._revisit_delta(j, b, a)
        # i and j shared no table before the swap and share none after
        return d + self._place(r, i, b) + self._place(r, j, a) - self._place(r, i, a) - self._place(r, j, b)

    def _unseat(self, r: int, i: int) -> None:
        k = self.table_of[r][i]
        members = self.seating[r][k]
        members.remove(i)
        for j in members:
            self.count[i][j] -= 1
            self.count[j][i] -= 1
        self.sat[i][k] -= 1
        self.guests_at[r][k] -= 1

    def _seat(self, r: int, i: int, k: int) -> None:
        members = self.seating[r][k]
        for j in members:
            self.count[i][j] += 1
            self.count[j][i] += 1
        members.append(i)
        self.table_of[r][i] = k
        self.sat[i][k] += 1
        self.guests_at[r][k] += 1

    def move(self, r: int, i: int, k: int) -> None:
        self._unseat(r, i)
        self._seat(r, i, k)

    def swap(self, r: int, i: int, j: int) -> None:
        a, b = self.table_of[r][i], self.table_of[r][j]
        self._unseat(r, i)
        self._unseat(r, j)
        self._seat(r, i, b)
        self._seat(r, j, a)

    def may_sit(self, i: int, k: int) -> bool:
        """A hard rule only: the table's language (a revisit costs, it is allowed)."""
        return self.p.speaks[i][k]

    def snapshot(self) -> Seating:
        return {r: [list(t) for t in tables] for r, tables in self.seating.items()}


def _anneal(problem: CafeProblem, state: _CafeState, until: float, moves: int,
            rng: random.Random, on_better=None) -> tuple[Seating, float]:
    """`moves` random moves and swaps (fewer if `until` comes first), cooling by count."""
    p = problem
    movable = {r: [i for i in p.guests[r] if i not in p.locks[r]] for r in p.free_rounds}
    rounds = [r for r in p.free_rounds if len(movable[r]) > 0]
    value = state.objective()
    best, best_value = state.snapshot(), value
    if not rounds:
        return best, best_value
    T = len(p.tables)

    def random_move():
        r = rounds[rng.randrange(len(rounds))]
        i = movable[r][rng.randrange(len(movable[r]))]
        a = state.table_of[r][i]
        if rng.random() < 0.3:
            k = rng.randrange(T)
            if k != a and state.guests_at[r][k] < p.room[r][k] and state.may_sit(i, k):
                return ("move", r, i, k)
            return None
        j = movable[r][rng.randrange(len(movable[r]))]
        b = state.table_of[r][j]
        if a == b or not state.may_sit(i, b) or not state.may_sit(j, a):
            return None
        return ("swap", r, i, j)

    samples = []
    for _ in range(300):
        m = random_move()
        if m:
            d = state.move_delta(*m[1:]) if m[0] == "move" else state.swap_delta(*m[1:])
            if d:
                samples.append(abs(d))
    samples.sort()
    t_start = (samples[len(samples) // 2] if samples else 1.0) * 0.5
    t_end = t_start / 300
    temp = t_start
    steps = 0
    told = best_value
    while steps < moves:
        if steps % 256 == 0:
            if time.monotonic() >= until or stopped():
                break
            temp = t_start * (t_end / t_start) ** (steps / moves)
            if on_better is not None and steps % 65536 == 0 and best_value > told:
                on_better(best_value)  # the progress panel hears the best value as it improves
                told = best_value
        steps += 1
        m = random_move()
        if m is None:
            continue
        if m[0] == "move":
            d = state.move_delta(*m[1:])
        else:
            d = state.swap_delta(*m[1:])
        if d >= 0 or rng.random() < math.exp(d / temp):
            if m[0] == "move":
                state.move(*m[1:])
            else:
                state.swap(*m[1:])
            value += d
            if value > best_value + 1e-9:
                best_value = value
                best = state.snapshot()
    log.debug("café annealing: %d moves", steps)
    return best, best_value


@dataclass
class CafeSeating:
    seating: Seating
    value: float  # score of the free rounds (pairs with fixed rounds included)
    method: str


def solve_cafe(problem: CafeProblem, deadline: float, seed: int = 0,
               report: Progress | None = None, first: Seating | None = None, on_better=None) -> CafeSeating:
    """The best seating of the free rounds found before `deadline`, starting
    from the best of `first` (the constructive start), the greedy seating and
    the linear model's (which keeps tables even and never revisits a table, so
    it finds nothing where a revisit or an uneven table is needed)."""
    report = report or (lambda text: log.info(text))
    rng = random.Random(seed)
    p = problem
    now = time.monotonic()
    work = budget_seconds(deadline - now)
    greedy = plan_cafe_greedy(p, seed)
    try:
        start = seat_linear(p, min(deadline, now + 0.5 * work), seed, hint=greedy or first, work=0.15 * work)
    except Infeasible:
        start = None
    candidates = []
    if first is not None:
        candidates.append((_CafeState(p, first).objective(), first, "flow"))
    kept = _published_seating(p)
    if kept is not None:
        candidates.append((_CafeState(p, kept).objective(), kept, "published"))
    if greedy is not None:
        candidates.append((_CafeState(p, greedy).objective(), greedy, "greedy"))
    if start is not None:
        candidates.append((_CafeState(p, start).objective(), start, "assignment"))
    if not candidates:
        raise TimeoutError(f"{p.block.id}: no seating found within the time limit")
    candidates.sort(key=lambda c: -c[0])
    value, seating, method = candidates[0]
    report(f"{p.block.id}: first seating ({method}) worth {value:.2f}")
    state = _CafeState(p, seating)
    best, best_value = _anneal(p, state, deadline, move_budget(0.65 * work), rng, on_better)
    if best_value > value + 1e-9:
        seating, value, method = best, best_value, f"{method}+annealing"
    report(f"{p.block.id}: seating worth {value:.2f} ({method})")
    return CafeSeating(seating, value, method)


def _published_seating(problem: CafeProblem) -> Seating | None:
    """The published rounds still to plan, in index space, when they keep
    every hard rule today (after late arrivals they usually do not)."""
    from .validate import validate_plan

    p = problem
    block = p.block
    if block.published is None:
        return None
    rounds = list(block.fixed_rounds) + list(block.published[len(block.fixed_rounds):])
    instance = p.values.instance
    single = instance.only(block)
    if validate_plan(single, Plan(blocks={block.id: tuple(rounds)}), p.values):
        return None
    index = p.values.index
    seating: Seating = {}
    for r in p.free_rounds:
        seating[r] = [[index[pid] for pid in rounds[r].get(tid, ())] for tid in p.tables]
    return seating


# ----------------------------------------------------------------------------
# Bound


def cafe_bound(problem: CafeProblem, deadline: float, seed: int = 0) -> float:
    """Proven upper bound: the best ranked choices each guest can collect
    (different tables), plus the best pairs when each person has at most
    (largest table - 1) table-mates per free round, plus the fixed rounds."""
    from .groups import best_pairs_bound

    p = problem
    n = p.n
    cap = [0] * n
    rounds_of = [0] * n
    bound = 0.0
    rounds_as_guest = [0] * n
    # Tables may be fuller than even at a cost of `balance` per guest beyond it.  A table with e guests
    # beyond even gives each of its s people e table-mates more than even filling allows: at most
    # (s * e + 1) / 2 pairs more, each worth at most the best pair value.  Where `balance` outweighs that,
    # no plan gains by it and each person has at most as many table-mates as even tables give.
    best_gain = max((v for row in p.gain for v in row), default=0.0)
    most_seats = max(t.seats for t in p.block.tables)
    even_caps = p.balance >= max(best_gain, 0.0) * (most_seats + 1) / 2
    for r in p.free_rounds:
        biggest = max(p.room[r][k] + (1 if p.host[k] is not None and p.host[k] in set(p.present[r]) else 0)
                      for k in range(len(p.tables)))
        if even_caps:
            biggest = min(biggest, p.even(r) + 1)  # at most ceil(G / T) guests and a host
        for i in p.present[r]:
            cap[i] += biggest - 1
            rounds_of[i] |= 1 << r
        for i in p.guests[r]:
            rounds_as_guest[i] += 1
    # a table sat at before brings its points again at a cost of `revisit`: no gain where that outweighs them
    revisits_pay = p.revisit < max((v for row in p.points for v in row), default=0.0)
    for i in range(n):
        best = sorted((p.points[i][k] for k in range(len(p.tables))
                       if p.allowed(i, k) or (revisits_pay and p.speaks[i][k])), reverse=True)
        if revisits_pay:
            best = best[:1] * rounds_as_guest[i]
        bound += sum(best[:rounds_as_guest[i]])
    # first meetings of pairs that did not meet in the fixed rounds
    edges = [(i, j) for i, j in combinations(range(n), 2)
             if rounds_of[i] & rounds_of[j] and not p.met_before[i][j]]
    bound += best_pairs_bound(p.gain, cap, edges, deadline, seed)
    for i, j in combinations(range(n), 2):
        c = p.met_before[i][j]
        if c:
            bound += p.gain[i][j] - p.again[i][j] * (c - 1)
    return bound


# ----------------------------------------------------------------------------
# The dispatcher's entry point


def solve_cafe_block(instance: Instance, block: CafeBlock, values: PairValues, deadline: float,
                     seed: int = 0, report: Progress | None = None, problem: CafeProblem | None = None,
                     start: list | None = None):
    """Plan one Pro-Action-Café block: a `scheduler.solve.BlockResult`
    (rounds as ids, bound, method).  Raises Infeasible (from
    `CafeProblem.build`, which a dispatcher may call first and pass as
    `problem`) and TimeoutError when no seating is found in time."""
    from .solve import BlockResult

    report = report or (lambda text: log.info(text))
    problem = problem or CafeProblem.build(instance, block, values)
    fixed = [dict(seating) for seating in block.fixed_rounds]
    if not problem.free_rounds:
        return BlockResult(fixed, cafe_score(instance, block, values, fixed), "fixed", optimal=True)
    now = time.monotonic()
    bound = cafe_bound(problem, now + 0.1 * budget_seconds(max(deadline - now, 0)), seed)
    report(f"{block.id}: bound {bound:.2f}")
    notify = getattr(report, "improved", None)  # the dispatcher's progress for the web app
    if notify:
        notify(block.id, bound=bound)
    if start is None:  # called on its own: the constructive start, which raises Infeasible if no seating exists
        from .start import start_cafe
        start = start_cafe(instance, block, values)
    first = None
    if start is not None:
        index = values.index
        first = {r: [[index[pid] for pid in start[r].get(tid, ())] for tid in problem.tables]
                 for r in problem.free_rounds}
    on_better = None
    if notify and first is not None:  # the search's values differ from the score by what the fixed rounds bring
        rounds = fixed + [as_ids(problem, first[r]) for r in problem.free_rounds]
        offset = cafe_score(instance, block, values, rounds) - _CafeState(problem, first).objective()
        on_better = lambda value: notify(block.id, score=value + offset)  # noqa: E731
    found = solve_cafe(problem, deadline, seed, report, first, on_better)
    rounds = fixed + [as_ids(problem, found.seating[r]) for r in problem.free_rounds]
    score = cafe_score(instance, block, values, rounds)
    return BlockResult(rounds, max(bound, score), found.method, optimal=score >= bound - 1e-9)


def as_ids(problem: CafeProblem, tables: list[list[int]]) -> dict[str, list[str]]:
    """One round in plan form: table id -> people, host first."""
    ids = problem.values.ids
    out = {}
    for k, seated in enumerate(tables):
        h = problem.host[k]
        ordered = ([h] if h in seated else []) + sorted(i for i in seated if i != h)
        out[problem.tables[k]] = [ids[i] for i in ordered]
    return out


def cafe_score(instance: Instance, block: CafeBlock, values: PairValues, rounds) -> float:
    """The block's score as the validator computes it."""
    from .validate import score_plan

    single = instance.only(block)
    plan = Plan(blocks={block.id: tuple({t: tuple(s) for t, s in r.items()} for r in rounds)})
    return score_plan(single, plan, values)[0]
