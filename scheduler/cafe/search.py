"""The café's search.

 1. one CP-SAT model seats every guest in every free round with all hard rules
    (seats, balanced head-counts, table language, never the same table twice,
    locks) and a *linear* objective: ranked choices, the value of meeting the
    host, keeping the published table.  Linear, so it stays small at n = 200;
 2. simulated annealing over moves of one guest to a less full table and swaps
    of two guests in one round adds the value of who sits together, with
    repeats and forbidden pairs penalised against every round, and exchanges
    of one guest's tables between two rounds, which keep the guest's ranked
    choices while changing whom they meet (with choices weighted strongly a
    move or a swap costs a choice, so the pairs were hard to improve).  Moves
    keep every hard rule, so every plan it holds is valid.

`plan_cafe_greedy` is the round-by-round greedy baseline of the benchmark.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..problem import Infeasible, Plan
from ..search import move_budget
from ..solver import Progress, budget_seconds, stopped
from .problem import CafeProblem, seating_of

__all__ = ["Seating", "CafeState", "CafeSeating", "seat_linear", "plan_cafe_greedy", "solve_cafe"]

log = logging.getLogger(__name__)


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

    from ..solver import new_solver

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


class CafeState:
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

    def move_delta(self, r: int, i: int, k: int) -> float:
        """Objective change of moving guest i to table k in round r: the pairs i leaves and joins, the
        revisit and overfull costs, the ranked-choice points and the change from the published table.
        The annealing's inner loop, so written out in one piece."""
        p = self.p
        a = self.table_of[r][i]
        seated = self.seating[r]
        counts, even = self.guests_at[r], self.even[r]
        gain_i, again_i, count_i = p.gain[i], p.again[i], self.count[i]
        d = p.balance * ((counts[a] > even) - (counts[k] >= even))
        for x in seated[a]:
            if x != i:
                d -= gain_i[x] if count_i[x] == 1 else -again_i[x]
        for x in seated[k]:
            d += gain_i[x] if count_i[x] == 0 else -again_i[x]
        sat = self.sat[i]
        d += p.revisit * ((sat.get(a, 0) >= 2) - (sat.get(k, 0) >= 1))
        points = p.points[i]
        d += points[k] - points[a]
        published = p.published.get(r)
        if published is not None:
            was = published.get(i)
            if was is not None:
                d -= p.change * ((was != k) - (was != a))
        return d

    def swap_delta(self, r: int, i: int, j: int) -> float:
        """Objective change of swapping guests i and j (at different tables of round r), counted as
        in move_delta."""
        p = self.p
        table_of = self.table_of[r]
        a, b = table_of[i], table_of[j]
        seated = self.seating[r]
        gain_i, gain_j, again_i, again_j = p.gain[i], p.gain[j], p.again[i], p.again[j]
        count_i, count_j = self.count[i], self.count[j]
        d = 0.0
        for x in seated[a]:  # i leaves a, j joins a (i and j shared no table before the swap and share none after)
            if x != i:
                d -= gain_i[x] if count_i[x] == 1 else -again_i[x]
                d += gain_j[x] if count_j[x] == 0 else -again_j[x]
        for x in seated[b]:
            if x != j:
                d -= gain_j[x] if count_j[x] == 1 else -again_j[x]
                d += gain_i[x] if count_i[x] == 0 else -again_i[x]
        sat_i, sat_j = self.sat[i], self.sat[j]
        revisits = ((sat_i.get(a, 0) >= 2) - (sat_i.get(b, 0) >= 1)
                    + (sat_j.get(b, 0) >= 2) - (sat_j.get(a, 0) >= 1))
        d += p.revisit * revisits
        points_i, points_j = p.points[i], p.points[j]
        d += points_i[b] + points_j[a] - points_i[a] - points_j[b]
        published = p.published.get(r)
        if published is not None:  # the change cost of leaving (or coming back to) the published table
            for x, old, new in ((i, a, b), (j, b, a)):
                was = published.get(x)
                if was is not None:
                    d -= p.change * ((was != new) - (was != old))
        return d

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

    def snapshot(self) -> Seating:
        return {r: [list(t) for t in tables] for r, tables in self.seating.items()}


MOVED, SWAPPED, EXCHANGED, PAIRED = 0, 1, 2, 3  # the annealing's moves: a guest to another table, two guests
# swapped in one round, one guest's tables of two rounds traded (its ranked choices and revisits stay; whom it
# meets changes), and that with a second guest who trades the same two tables the other way (no table's head-count
# changes: the only exchange where tables are full)
EXCHANGE = 0.2  # share of the draws that try an exchange: `make run`'s demo café, 1 050 000 moves, seeds 0-7,
# 13 060 on average without, 13 203 with 0,2, 13 190 with 0,5; the bench's cafés (choices 3/2/1) the same.  Half
# of them paired where both fit (1 400 000 moves, seeds 0-5): demo 13 193 -> 13 250, with 120 people 30 080 ->
# 30 167, the bench's café of 120 people and 4 rounds 4 667 -> 4 650 (within its spread over seeds)


def _anneal(problem: CafeProblem, state: CafeState, until: float, moves: int,
            rng: random.Random, on_better=None) -> tuple[Seating, float]:
    """`moves` random moves, swaps and exchanges (fewer if `until` comes first), cooling by count."""
    p = problem
    movable = {r: [i for i in p.guests[r] if i not in p.locks[r]] for r in p.free_rounds}
    rounds = [r for r in p.free_rounds if len(movable[r]) > 0]
    value = state.objective()
    best, best_value = state.snapshot(), value
    if not rounds:
        return best, best_value
    T = len(p.tables)
    rand = rng.random  # int(rand() * n) draws an index: the inner loop's cheapest way
    locked = {r: set(p.locks[r]) for r in p.free_rounds}
    table_of, guests_at, room, speaks = state.table_of, state.guests_at, p.room, p.speaks  # speaks: the only hard
    # rule a move must keep (the table's language); revisits and overfull tables cost

    def random_move():
        r = rounds[int(rand() * len(rounds))]
        people = movable[r]
        i = people[int(rand() * len(people))]
        a = table_of[r][i]
        draw = rand()
        if draw < EXCHANGE and len(rounds) > 1:  # i trades its tables of two rounds: its choices stay as they are
            s = rounds[int(rand() * len(rounds))]
            if s == r or i not in table_of[s] or i in locked[s]:
                return None
            b = table_of[s][i]
            if a == b:
                return None
            if guests_at[r][b] < room[r][b] and guests_at[s][a] < room[s][a] and rand() < 0.5:
                return EXCHANGED, r, i, s
            for j in state.seating[r][b]:  # or with a guest who trades the other way: the tables keep their guests
                if table_of[s].get(j) == a and j not in locked[r] and j not in locked[s]:
                    partner[0] = j
                    return PAIRED, r, i, s
            return None
        if draw < EXCHANGE + 0.3:
            k = int(rand() * T)
            if k != a and guests_at[r][k] < room[r][k] and speaks[i][k]:
                return MOVED, r, i, k
            return None
        j = people[int(rand() * len(people))]
        b = table_of[r][j]
        if a == b or not speaks[i][b] or not speaks[j][a]:
            return None
        return SWAPPED, r, i, j

    left = [0, 0]  # the tables an exchange took its guest from in its first and second round
    partner = [0]  # the other guest of a paired exchange

    def delta(kind: int, r: int, i: int, x: int) -> float:
        """The move's change of the objective; an exchange is left half done (`finish` ends or undoes it)."""
        if kind == SWAPPED:
            return state.swap_delta(r, i, x)
        if kind == MOVED:
            return state.move_delta(r, i, x)
        a, b = table_of[r][i], table_of[x][i]
        left[0], left[1] = a, b
        d = state.move_delta(r, i, b)
        state.move(r, i, b)
        if kind == EXCHANGED:
            return d + state.move_delta(x, i, a)
        d += state.move_delta(x, i, a)
        state.move(x, i, a)
        j = partner[0]
        d += state.move_delta(r, j, a)
        state.move(r, j, a)
        return d + state.move_delta(x, j, b)

    def finish(kind: int, r: int, i: int, x: int, accept: bool) -> None:
        if kind == SWAPPED:
            if accept:
                state.swap(r, i, x)
        elif kind == MOVED:
            if accept:
                state.move(r, i, x)
        elif kind == EXCHANGED:
            if accept:  # i sits at b in both rounds now: to a in round x
                state.move(x, i, left[0])
            else:
                state.move(r, i, left[0])
        elif accept:  # j sits at a in both rounds now: to b in round x
            state.move(x, partner[0], left[1])
        else:
            state.move(r, partner[0], left[1])
            state.move(x, i, left[1])
            state.move(r, i, left[0])

    samples = []
    for _ in range(300):
        m = random_move()
        if m:
            d = delta(*m)
            finish(*m, False)
            if d:
                samples.append(abs(d))
    samples.sort()
    t_start = (samples[len(samples) // 2] if samples else 1.0) * 0.5
    t_end = t_start / 300
    temp = t_start
    steps = 0
    told = best_value
    exp = math.exp
    while steps < moves:
        if steps % 256 == 0:
            if time.monotonic() >= until or stopped():
                break
            temp = t_start * (t_end / t_start) ** (steps / moves)
            if on_better is not None and steps % 8192 == 0 and best_value > told:
                on_better(best_value)  # the progress panel hears the best value as it improves
                told = best_value
        steps += 1
        m = random_move()
        if m is None:
            continue
        d = delta(*m)
        accept = d >= 0 or rand() < exp(d / temp)
        finish(*m, accept)
        if accept:
            value += d
            if value > best_value + 1e-9:
                best_value = value
                best = state.snapshot()
    log.debug("café annealing: %d moves", steps)
    return best, best_value


CAFE_MOVES_PER_SECOND = 200_000  # counted moves per second of work up to CAFE_FULL_SPEED_UP_TO people, falling in
CAFE_FULL_SPEED_UP_TO = 200  # proportion beyond: measured with the other core busy, 400 000 moves a second at 60-200
# people, 230 000 at 400 (a move's cost grows with the tables' size, hardly with the head-count). Four times the
# moves gave +1,8 % at 60 people and 4 rounds and +1,5 % at 200 (the earlier 150 000 and 100 people left 3-6x unused)


def moves_per_second(problem: CafeProblem) -> int:
    """Counted moves per second of work: a function of the meeting's size only
    (never of a measured speed), about half of what an unloaded machine makes,
    so that a busy one still makes them all before the deadline."""
    return max(1000, int(CAFE_MOVES_PER_SECOND * min(1.0, CAFE_FULL_SPEED_UP_TO / max(problem.n, 1))))


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
        candidates.append((CafeState(p, first).objective(), first, "flow"))
    kept = _published_seating(p)
    if kept is not None:
        candidates.append((CafeState(p, kept).objective(), kept, "published"))
    if greedy is not None:
        candidates.append((CafeState(p, greedy).objective(), greedy, "greedy"))
    if start is not None:
        candidates.append((CafeState(p, start).objective(), start, "assignment"))
    if not candidates:
        raise TimeoutError(f"{p.block.id}: no seating found within the time limit")
    candidates.sort(key=lambda c: -c[0])
    value, seating, method = candidates[0]
    report(f"{p.block.id}: first seating ({method}) worth {value:.2f}")
    if on_better is not None:
        on_better(value)  # the progress panel hears the first seating at once
    state = CafeState(p, seating)
    best, best_value = _anneal(p, state, deadline, move_budget(0.65 * work, moves_per_second(p)), rng, on_better)
    if best_value > value + 1e-9:
        seating, value, method = best, best_value, f"{method}+annealing"
        if on_better is not None:
            on_better(value)
    report(f"{p.block.id}: seating worth {value:.2f} ({method})")
    return CafeSeating(seating, value, method)


def _published_seating(problem: CafeProblem) -> Seating | None:
    """The published rounds still to plan, in index space, when they keep
    every hard rule today (after late arrivals they usually do not)."""
    from ..validate import validate_plan

    p = problem
    block = p.block
    if block.published is None:
        return None
    rounds = list(block.fixed_rounds) + list(block.published[len(block.fixed_rounds):])
    instance = p.values.instance
    single = instance.only(block)
    if validate_plan(single, Plan(blocks={block.id: tuple(rounds)}), p.values):
        return None
    return seating_of(p, rounds)
