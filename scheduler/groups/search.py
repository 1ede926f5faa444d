"""The groups' search: a value-aware greedy builds every free round (or a
design without repeats for Social Golfer instances), then simulated annealing
and tabu search on swaps of two people in one round, with a pair meet-count
matrix so that a move costs O(group size).  Same seed, same plan.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..search import move_budget
from ..solver import Progress, stopped
from .problem import GroupsProblem

__all__ = ["GroupsPlan", "solve_groups", "plan_groups_greedy"]

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------
# The search state: groups per free round and the pair meet-count matrix


class _State:
    """Groups of every free round, who sits where, and how often each pair met."""

    def __init__(self, problem: GroupsProblem, rounds: dict[int, list[list[int]]], hard_weight: float):
        self.p = problem
        n = problem.n
        self.rounds = {t: [list(g) for g in groups] for t, groups in rounds.items()}
        self.where = {t: [-1] * n for t in problem.free_rounds}
        for t, groups in self.rounds.items():
            for k, group in enumerate(groups):
                for i in group:
                    self.where[t][i] = k
        self.count = problem.meeting_counts(self.rounds)
        # gain[c] of a pair meeting once more / loss of one meeting, as matrices
        self.hard_weight = hard_weight
        first, again, forbidden = problem.first, problem.again, problem.forbidden
        self.first = [[(-hard_weight if forbidden[i][j] else first[i][j]) for j in range(n)] for i in range(n)]
        self.again = [[(hard_weight if (forbidden[i][j] or problem.hard_repeat) else again[i][j])
                       for j in range(n)] for i in range(n)]
        # pairs that met more than once, or met though forbidden
        self.over = {(i, j) for i in range(n) for j in range(i + 1, n)
                     if self.count[i][j] > 1 or (self.count[i][j] and forbidden[i][j])}

    # value of one pair with c meetings
    def pair_value(self, i: int, j: int, c: int) -> float:
        if c == 0:
            return 0.0
        return self.first[i][j] - self.again[i][j] * (c - 1)

    def objective(self) -> float:
        """Pair values, soft repeats and hard penalties; changes against `published`."""
        total = 0.0
        n = self.p.n
        for i in range(n):
            row = self.count[i]
            for j in range(i + 1, n):
                if row[j]:
                    total += self.pair_value(i, j, row[j])
        return total - self.p.change * self.changes()

    def conflicts(self) -> int:
        """Hard-rule breaches: forbidden meetings and repeats not allowed."""
        out = 0
        n, p = self.p.n, self.p
        for i in range(n):
            row = self.count[i]
            for j in range(i + 1, n):
                c = row[j]
                if c:
                    if p.forbidden[i][j]:
                        out += c
                    elif p.hard_repeat and c > 1:
                        out += c - 1
        return out

    def changes(self) -> int:
        out = 0
        for t, mates in self.p.published.items():
            for group in self.rounds[t]:
                for i in group:
                    if i in mates and mates[i] != frozenset(group) - {i}:
                        out += 1
        return out

    def swap_delta(self, t: int, a: int, b: int) -> float:
        """Objective change of swapping a and b (in different groups of round t)."""
        where = self.where[t]
        A = self.rounds[t][where[a]]
        B = self.rounds[t][where[b]]
        ca, cb = self.count[a], self.count[b]
        fa, fb, ga, gb = self.first[a], self.first[b], self.again[a], self.again[b]
        d = 0.0
        for x in A:
            if x == a:
                continue
            c = ca[x]  # a leaves x
            d -= fa[x] if c == 1 else -ga[x]
            c = cb[x]  # b joins x
            d += fb[x] if c == 0 else -gb[x]
        for y in B:
            if y == b:
                continue
            c = cb[y]
            d -= fb[y] if c == 1 else -gb[y]
            c = ca[y]
            d += fa[y] if c == 0 else -ga[y]
        if self.p.published:
            d -= self.p.change * self._change_delta(t, a, b, A, B)
        return d

    def _change_delta(self, t, a, b, A, B) -> int:
        mates = self.p.published.get(t)
        if not mates:
            return 0
        before = after = 0
        newA = [b if x == a else x for x in A]
        newB = [a if y == b else y for y in B]
        for old, new in ((A, newA), (B, newB)):
            so, sn = frozenset(old), frozenset(new)
            for i in old:
                if i in mates and mates[i] != so - {i}:
                    before += 1
            for i in new:
                if i in mates and mates[i] != sn - {i}:
                    after += 1
        return after - before

    def swap(self, t: int, a: int, b: int) -> None:
        where = self.where[t]
        ka, kb = where[a], where[b]
        A, B = self.rounds[t][ka], self.rounds[t][kb]
        ca, cb = self.count[a], self.count[b]
        for x in A:
            if x != a:
                ca[x] -= 1
                self.count[x][a] -= 1
                cb[x] += 1
                self.count[x][b] += 1
        for y in B:
            if y != b:
                cb[y] -= 1
                self.count[y][b] -= 1
                ca[y] += 1
                self.count[y][a] += 1
        A[A.index(a)] = b
        B[B.index(b)] = a
        where[a], where[b] = kb, ka
        over, forbidden = self.over, self.p.forbidden
        for x in A:
            if x != b:
                for u in (a, b):
                    key = (u, x) if u < x else (x, u)
                    c = self.count[u][x]
                    if c > 1 or (c and forbidden[u][x]):
                        over.add(key)
                    else:
                        over.discard(key)
        for y in B:
            if y != a:
                for u in (a, b):
                    key = (u, y) if u < y else (y, u)
                    c = self.count[u][y]
                    if c > 1 or (c and forbidden[u][y]):
                        over.add(key)
                    else:
                        over.discard(key)

    def conflicted_by_round(self) -> dict[int, set[int]]:
        """Per free round: people sharing a group with someone they meet more
        than once (soft or hard) or may not meet."""
        out: dict[int, set[int]] = defaultdict(set)
        for i, j in self.over:
            for t, where in self.where.items():
                if where[i] == where[j] and where[i] >= 0:
                    out[t].add(i)
                    out[t].add(j)
        return out

    def snapshot(self) -> dict[int, list[list[int]]]:
        return {t: [list(g) for g in groups] for t, groups in self.rounds.items()}


# ----------------------------------------------------------------------------
# Construction


def _designed_rounds(problem: GroupsProblem, deadline: float, work: float) -> dict[int, list[list[int]]]:
    """Rounds without repeats from a construction (`designs.zero_repeat_rounds`:
    affine designs, the 8-4-10 group-divisible design, a cyclic search) for
    Social Golfer instances (equal values, everyone present, nothing fixed,
    locked or published)."""
    from .designs import zero_repeat_rounds

    p = problem
    g = p.block.group_size
    rounds = p.free_rounds
    if (not p.zero_values or p.locks_any() or p.published or p.met_before_any() or not rounds
            or any(p.forbidden[i][j] for i in range(p.n) for j in range(i + 1, p.n))):
        return {}
    people = p.present[rounds[0]]
    if any(p.present[t] != people for t in rounds) or len(people) % g:
        return {}
    design = zero_repeat_rounds(len(people), g, len(rounds), deadline, work=work)
    return {t: [[people[i] for i in group] for group in design[k]] for k, t in enumerate(rounds[:len(design)])}


def plan_groups_greedy(problem: GroupsProblem, rng: random.Random,
                       fixed: dict[int, list[list[int]]] | None = None) -> dict[int, list[list[int]]]:
    """Round by round: locked groups first, then each group grows by the person
    with the best value against its members (repeats and forbidden pairs
    penalised, fewest options first), ties broken by `rng`.  Rounds in
    `fixed` are taken as given."""
    n = problem.n
    count = [row[:] for row in problem.met_before]
    big = 1 + sum(abs(v) for row in problem.first for v in row) / max(n, 1)
    rounds: dict[int, list[list[int]]] = {}

    def worth(i: int, j: int) -> float:
        if problem.forbidden[i][j]:
            return -1000 * big
        c = count[i][j]
        if c == 0:
            return problem.first[i][j]
        return -(100 * big if problem.hard_repeat else problem.again[i][j] + big) * c

    for t in problem.free_rounds:
        if fixed and t in fixed:
            rounds[t] = [list(group) for group in fixed[t]]
            for group in rounds[t]:
                for a, b in combinations(group, 2):
                    count[a][b] += 1
                    count[b][a] += 1
            continue
        sizes = list(problem.sizes[t])
        groups: list[list[int]] = [list(m) for m in problem.locks.get(t, [])]
        # locked groups take the largest sizes; published groups are kept if they fit
        left = set(problem.present[t]) - {i for g in groups for i in g}
        order = list(left)
        rng.shuffle(order)
        mates = problem.published.get(t, {})
        groups += [[] for _ in range(len(sizes) - len(groups))]
        for k, group in enumerate(groups):
            target = sizes[k]
            while len(group) < target:
                if not group:
                    # start with the person who has the fewest good partners left
                    pick = min(order, key=lambda i: sum(1 for j in order if j != i and worth(i, j) >= 0))
                else:
                    def gain(i):
                        value = sum(worth(i, j) for j in group)
                        if mates and i in mates and mates[i] & set(group):
                            value += problem.change
                        return value
                    pick = max(order, key=gain)
                group.append(pick)
                order.remove(pick)
        for group in groups:
            for a, b in combinations(group, 2):
                count[a][b] += 1
                count[b][a] += 1
        rounds[t] = groups
    return rounds


# ----------------------------------------------------------------------------
# Local search


@dataclass
class GroupsPlan:
    rounds: dict[int, list[list[int]]]  # free round -> groups (indices)
    objective: float  # score of the free rounds' pairs (without fairness)
    conflicts: int  # hard-rule breaches; 0 for a valid plan
    iterations: int = 0


ANNEAL_MOVES_PER_SECOND = 380000  # the groups' annealing: half of what runs here unloaded, so that a machine
# at half speed (busy CI) still makes them all, reheats included, before the deadline cuts
ANNEAL_FULL_SPEED_UP_TO = 90  # people; beyond, a swap costs more in proportion (the pair matrices leave the
# cache): measured unloaded (shared pool, six rounds) 770000-850000 swaps/s at 60 people (groups of 3, 4),
# 560000-730000 at 120 (3 to 6), 280000-500000 at 240 (3 to 6; groups of five the slowest)


def moves_per_second(problem: GroupsProblem) -> int:
    """Counted swaps per second of work for this instance: a function of its
    size only (never of a measured speed), half of what an unloaded machine
    makes, so that a busy one still makes them all before the deadline."""
    return max(1000, int(ANNEAL_MOVES_PER_SECOND * min(1.0, ANNEAL_FULL_SPEED_UP_TO / max(problem.n, 1))))


ANNEAL_START = 0.5  # start temperature: this share of a typical move's change
ANNEAL_END = 1 / 500  # end temperature, relative to the start
REHEAT = 0.2  # start temperature of the further annealings, from the best plan
REHEATS = 4  # further annealings, a quarter of the first one's moves each

TABU_WEIGHED_PER_MOVE = 1.6  # swaps the tabu search weighs in the time of one annealing swap (1.3 million a
# second here: about 600000 counted up to 90 people)
TABU_MAX_STABLE = 2000  # moves without a new best before perturbing the best plan
TABU_TENURE = (4, 14)  # a swapped pair stays tabu for 4 + random(14) moves
TABU_KICK = (2, 3)  # random swaps of a perturbation: 2 + random(3)


class _Search:
    def __init__(self, problem: GroupsProblem, rng: random.Random, deadline: float):
        self.p, self.rng, self.deadline = problem, rng, deadline
        scale = max((abs(v) for row in problem.first for v in row), default=0.0)
        scale = max(scale, float(problem.again[0][0]) if problem.n else 0.0, 1.0)
        self.hard_weight = 50 * scale * max(problem.block.group_size, 2)
        self.movable = {t: [i for i in problem.present[t] if i not in
                            {j for m in problem.locks.get(t, []) for j in m}] for t in problem.free_rounds}
        self.rounds_with_moves = [t for t in problem.free_rounds if len(problem.sizes[t]) > 1
                                  and len(self.movable[t]) > 1]
        if problem.zero_values and not problem.locks and not problem.published and not problem.met_before_any():
            # interchangeable people: the first round can stay as built (symmetry)
            full = all(len(problem.present[t]) == problem.n for t in problem.free_rounds)
            if full and len(self.rounds_with_moves) > 1:
                self.rounds_with_moves = self.rounds_with_moves[1:]
        self.best: GroupsPlan | None = None
        self.iterations = 0
        self.on_better = None  # hears the best value without breaches, at most twice a second
        self._told = 0.0
        self.told = None  # the last value the caller heard

    def key(self, state: _State) -> tuple[int, float]:
        return (state.conflicts(), -state.objective())

    def keep_if_better(self, state: _State, conflicts: int | None = None, objective: float | None = None) -> bool:
        conflicts = state.conflicts() if conflicts is None else conflicts
        objective = state.objective() if objective is None else objective
        if self.best is None or (conflicts, -objective) < (self.best.conflicts, -self.best.objective - 1e-9):
            self.best = GroupsPlan(state.snapshot(), objective, conflicts, self.iterations)
            if self.on_better is not None and not conflicts and time.monotonic() - self._told > 0.5:
                self._told = time.monotonic()  # progress only: the plan does not depend on it
                self.told = objective
                self.on_better(objective)
            return True
        return False

    # -- simulated annealing on random swaps: the weighted part ---------------
    def anneal(self, state: _State, until: float, moves: int, start: float = ANNEAL_START) -> None:
        """`moves` random swaps, cooling by count from `start` times a typical
        move's change (same seed, same plan); `until` (monotonic) only cuts a
        machine too slow for them, the best plan so far is kept."""
        rng, p = self.rng, self.p
        rounds = self.rounds_with_moves
        if not rounds:
            return
        value = state.objective()  # hard-rule breaches included as penalties
        best_value = value
        # temperature from the spread of random moves
        samples = []
        for _ in range(200):
            t = rng.choice(rounds)
            a, b = rng.sample(self.movable[t], 2)
            if state.where[t][a] != state.where[t][b]:
                samples.append(abs(state.swap_delta(t, a, b)))
        samples = [s for s in samples if 0 < s < state.hard_weight] or [1.0]
        samples.sort()
        t_start = samples[len(samples) // 2] * start
        t_end = t_start * ANNEAL_END
        temp = t_start
        steps = 0
        while steps < moves:
            if steps % 256 == 0:
                if time.monotonic() >= until or stopped():
                    break
                temp = t_start * (t_end / t_start) ** (steps / moves)  # by count, never by the clock
            steps += 1
            t = rounds[rng.randrange(len(rounds))]
            movable = self.movable[t]
            a = movable[rng.randrange(len(movable))]
            b = movable[rng.randrange(len(movable))]
            where = state.where[t]
            if where[a] == where[b]:
                continue
            d = state.swap_delta(t, a, b)
            if d >= 0 or rng.random() < math.exp(d / temp):
                state.swap(t, a, b)
                value += d
                if value > best_value + 1e-9:
                    best_value = value
                    if state.conflicts() == 0 or self.best is None or self.best.conflicts > 0:
                        self.keep_if_better(state)
        self.iterations += steps

    # -- tabu search on conflicting players: the Social Golfer part -----------
    def tabu(self, state: _State, until: float, evaluations: int) -> None:
        """Best non-tabu swap of a person in conflict, until no one is or
        `evaluations` swaps have been weighed (counted: same seed, same plan);
        `until` (monotonic) only cuts a machine too slow for them."""
        rng, p = self.rng, self.p
        rounds = self.rounds_with_moves
        if not rounds:
            return
        value = state.objective()
        best_value = value
        best_snapshot = state.snapshot()
        tabu_until: dict[tuple[int, int, int], int] = {}
        it = 0
        stable = 0
        max_stable = TABU_MAX_STABLE
        weighed = 0
        while weighed < evaluations:
            if it % 32 == 0 and (time.monotonic() >= until or stopped()):
                break
            it += 1
            best_moves: list[tuple[int, int, int]] = []
            best_d = -math.inf
            aspiration = best_value - value
            any_conflict = False
            by_round = state.conflicted_by_round()
            for t in rounds:
                conflicted = sorted(a for a in by_round.get(t, ()) if a in self.movable_set[t])
                if not conflicted:
                    continue
                any_conflict = True
                where = state.where[t]
                movable = self.movable[t]
                weighed += len(conflicted) * len(movable)
                for a in conflicted:
                    ka = where[a]
                    for b in movable:
                        if where[b] == ka:
                            continue
                        d = state.swap_delta(t, a, b)
                        if d < best_d:
                            continue
                        key = (t, a, b) if a < b else (t, b, a)
                        if tabu_until.get(key, 0) > it and d <= aspiration + 1e-9:
                            continue
                        if d > best_d + 1e-9:
                            best_d = d
                            best_moves = [(t, a, b)]
                        else:
                            best_moves.append((t, a, b))
            if not any_conflict:
                break  # nothing left to repair
            if not best_moves:
                tabu_until.clear()
                continue
            t, a, b = best_moves[rng.randrange(len(best_moves))]
            state.swap(t, a, b)
            value += best_d
            key = (t, a, b) if a < b else (t, b, a)
            tabu_until[key] = it + TABU_TENURE[0] + rng.randrange(TABU_TENURE[1])
            if value > best_value + 1e-9:
                best_value = value
                best_snapshot = state.snapshot()
                stable = 0
                self.keep_if_better(state)
            else:
                stable += 1
            if stable > max_stable:
                # perturb the best plan: a few random swaps
                state.__init__(p, best_snapshot, state.hard_weight)
                for _ in range(TABU_KICK[0] + rng.randrange(TABU_KICK[1])):
                    t = rng.choice(rounds)
                    a, b = rng.sample(self.movable[t], 2)
                    if state.where[t][a] != state.where[t][b]:
                        state.swap(t, a, b)
                value = state.objective()
                tabu_until.clear()
                stable = 0
        self.iterations += it

    @property
    def movable_set(self):
        if not hasattr(self, "_movable_set"):
            self._movable_set = {t: set(v) for t, v in self.movable.items()}
        return self._movable_set






def _published_rounds(problem: GroupsProblem) -> dict[int, list[list[int]]] | None:
    """The published rounds still to plan, when they still fit: the same people present,
    the group sizes of the round, every lock kept."""
    block = problem.block
    if block.published is None:
        return None
    index = problem.values.index
    rounds = {}
    for t in problem.free_rounds:
        groups = [[index[p] for p in group] for group in block.published[t]]
        members = [i for group in groups for i in group]
        if (sorted(members) != sorted(problem.present[t])
                or sorted(len(g) for g in groups) != sorted(problem.sizes[t])
                or not all(any(set(lock) <= set(g) for g in groups) for lock in problem.locks.get(t, []))):
            return None
        rounds[t] = groups
    return rounds


def solve_groups(problem: GroupsProblem, deadline: float, seed: int = 0,
                 report: Progress | None = None, work: float | None = None, on_better=None) -> GroupsPlan:
    """The best plan of the free rounds in `work` seconds of counted work
    (default: the time left), so that the same seed gives the same plan however
    busy the machine is; `deadline` (monotonic) only cuts a machine too slow
    for the work (the best plan so far is kept)."""
    report = report or (lambda text: log.info(text))
    rng = random.Random(seed)
    work = max(deadline - time.monotonic(), 0.0) if work is None else work
    rate = moves_per_second(problem)
    search = _Search(problem, rng, deadline)
    search.on_better = on_better
    designed = _designed_rounds(problem, deadline, work)
    if designed:
        report(f"{problem.block.id}: {len(designed)} rounds without repeats from a construction")
    state = _State(problem, plan_groups_greedy(problem, rng, fixed=designed), search.hard_weight)
    search.keep_if_better(state)
    published = _published_rounds(problem)
    if published is not None and search.keep_if_better(_State(problem, published, search.hard_weight)):
        state = _State(problem, published, search.hard_weight)  # the plan people were sent, still as good
    report(f"{problem.block.id}: greedy plan, {search.best.conflicts} conflicts, "
           f"value {search.best.objective:.2f}")
    if problem.zero_values:
        # pure repeat minimisation: tabu search with perturbations until no
        # one meets twice (then nothing is left to improve) or its counted swaps are weighed
        search.tabu(state, deadline, move_budget(0.8 * work, TABU_WEIGHED_PER_MOVE * rate))
    else:
        from .lns import LNS_SHARE, LNS_STEP_SECONDS, improve_groups, lns_usable

        lns = LNS_SHARE if lns_usable(problem) else 0.0
        moves = move_budget(0.8 * (1 - lns) * work, rate)
        # every stage ends by its count; the search's deadline only cuts a machine too slow for them
        search.anneal(state, deadline, moves)
        state = _State(problem, search.best.rounds, search.hard_weight)
        search.tabu(state, deadline, move_budget(0.2 * (1 - lns) * work, TABU_WEIGHED_PER_MOVE * rate))
        for _ in range(REHEATS):
            # anneal the best plan again from a lower temperature, a counted
            # share of the moves each (same seed, same plan); the deadline
            # cuts them on a slow machine
            if search.best.conflicts or time.monotonic() >= deadline or stopped():
                break
            state = _State(problem, search.best.rounds, search.hard_weight)
            search.anneal(state, deadline, moves // REHEATS, REHEAT)
            report(f"{problem.block.id}: annealed again, value {search.best.objective:.2f}")
        if lns and not search.best.conflicts:
            # exact re-solves of a few groups in a few rounds, a counted number of steps
            steps = max(1, int(lns * work / LNS_STEP_SECONDS))
            if on_better is not None and search.told != search.best.objective:
                search.told = search.best.objective  # the annealing's best, before the slower steps
                on_better(search.best.objective)

            def heard(value):
                search.told = value
                on_better(value)

            rounds, value, _better = improve_groups(problem, search.best.rounds, seed, steps, deadline,
                                                    on_better=heard if on_better else None, report=report)
            if value > search.best.objective + 1e-9:
                search.best = GroupsPlan(rounds, value, 0, search.iterations)
    best = search.best
    if on_better is not None and not best.conflicts and search.told != best.objective:
        on_better(best.objective)  # the last improvement, if the pace of the reports held it back
    report(f"{problem.block.id}: {best.conflicts} conflicts, value {best.objective:.2f}, "
           f"{search.iterations} moves")
    return best
