"""Speed networking in groups of three or more, including the Social Golfer
Problem (all pair values zero, `allow_repeats`, minimise repeats).

`GroupsProblem.build` puts a `SpeedBlock` into index space; `solve_groups`
plans it:

 1. a value-aware greedy builds every free round (locked people first, then
    each group grows by the person who adds most, penalties for repeats);
 2. local search on swaps of two people between groups of one round, with a
    pair meet-count matrix so that a move costs O(group size):
    * simulated annealing when pair values differ (the weighted part),
      then four times again from the best plan at a lower temperature, a
      quarter of the moves each (large neighbourhoods re-solved by CP-SAT -- a few groups of one
      round, or of two rounds with the same people -- found nothing the
      annealing had missed, so they are not used);
    * tabu search on conflicting players (Dotú & Van Hentenryck) to remove
      repeats and forbidden meetings, with perturbation from the best plan;
 3. the best plan found before the deadline wins; same seed, same plan.

The `bound` is a b-matching: each person has at most (g-1) partners per round
attended (g when the round needs larger groups), each pair counts once; its
CP-SAT bound is a proven upper bound on the block's score.  Without
`allow_repeats` and with groups of one size the clique LP is tighter: it
chooses groups (g <= 4) or triangles, by column generation in which every
iteration's duals give a proven bound (`clique_bound`).

Hard rules (never the same pair twice unless `allow_repeats`, never a
forbidden pair) are counted as conflicts; the search minimises conflicts
first and the score second, and a plan with conflicts left is not returned.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from .problem import Infeasible, Instance, SpeedBlock
from .solver import Progress, budget_seconds, stopped
from .validate import speed_group_sizes
from .values import PairValues

__all__ = ["GroupsProblem", "GroupsPlan", "solve_groups", "solve_groups_block", "groups_bound",
           "best_pairs_bound", "clique_bound", "clique_size", "plan_groups_greedy", "move_budget"]

log = logging.getLogger(__name__)



@dataclass
class GroupsProblem:
    block: SpeedBlock
    values: PairValues
    n: int
    free_rounds: list[int]  # rounds to plan (after the fixed ones)
    present: dict[int, list[int]]  # free round -> people present (indices)
    sizes: dict[int, list[int]]  # free round -> group sizes (larger groups first)
    first: list[list[float]]  # value of a pair's first meeting in the block
    again: list[list[float]]  # soft cost of each further meeting (allow_repeats)
    hard_repeat: bool  # further meetings are forbidden (no allow_repeats)
    forbidden: list[list[bool]]
    met_before: list[list[int]]  # meetings in the fixed rounds
    locks: dict[int, list[tuple[int, ...]]]  # free round -> people locked together (merged)
    published: dict[int, dict[int, frozenset]]  # free round -> person -> published mates
    change: float  # per person and round changed against `published`
    fairness: float
    zero_values: bool  # all pair values equal (a Social Golfer instance)

    def met_before_any(self) -> bool:
        return any(any(row) for row in self.met_before)

    def locks_any(self) -> bool:
        return any(self.locks.values())

    @classmethod
    def build(cls, instance: Instance, block: SpeedBlock, values: PairValues) -> "GroupsProblem":
        ids, index = values.ids, values.index
        n = len(ids)
        w = instance.weights
        g = block.group_size
        free_rounds = list(range(len(block.fixed_rounds), block.rounds))
        present = {t: [index[p] for p in instance.present_in(block, t)] for t in free_rounds}
        sizes = {}
        for t in free_rounds:
            split = speed_group_sizes(len(present[t]), g)
            if split is None or len(present[t]) == 1:
                raise Infeasible(f"{block.id} round {t}: {len(present[t])} people present cannot be "
                                 f"split into groups of {g} and {g + 1}")
            regular, larger = split
            sizes[t] = [g + 1] * larger + [g] * regular
            if len(sizes[t]) == 1:
                for a, b in combinations(present[t], 2):
                    reason = values.forbidden_reason(ids[a], ids[b])
                    if reason:
                        raise Infeasible(f"{block.id} round {t}: the {len(present[t])} people present make "
                                         f"one group, but {ids[a]} and {ids[b]} {reason}")
        _check_partners(block, ids, present, free_rounds, values.is_forbidden)
        if not block.allow_repeats:
            _check_pigeonholes(block, present, free_rounds, sizes)
        met_before = [[0] * n for _ in range(n)]
        for groups in block.fixed_rounds:
            for group in groups:
                for a, b in combinations(sorted(index[p] for p in group), 2):
                    met_before[a][b] += 1
                    met_before[b][a] += 1
        first = [row[:] for row in values.value]
        again = [[float(w.repeat)] * n for _ in range(n)]
        locks = _locks(block, values, present, free_rounds, sizes)
        if not block.allow_repeats:
            _check_locked_repeats(block, ids, locks, met_before)
        published: dict[int, dict[int, frozenset]] = {}
        if block.published is not None:
            for t in free_rounds:
                published[t] = {index[p]: frozenset(index[q] for q in group if q != p)
                                for group in block.published[t] for p in group}
        zero = all(first[i][j] == first[0][1] for i, j in combinations(range(n), 2)) if n > 1 else True
        return cls(block=block, values=values, n=n, free_rounds=free_rounds, present=present,
                   sizes=sizes, first=first, again=again, hard_repeat=not block.allow_repeats,
                   forbidden=values.is_forbidden, met_before=met_before, locks=locks,
                   published=published, change=float(w.change), fairness=float(w.fairness),
                   zero_values=zero)


def _check_partners(block, ids, present, free_rounds, forbidden) -> None:
    """Someone with too few people they may meet: fewer than a group needs, or
    (without repeats) fewer than all their rounds need."""
    g = block.group_size
    rounds_of: dict[int, list[int]] = defaultdict(list)
    for t in free_rounds:
        for i in present[t]:
            rounds_of[i].append(t)
    for i, rounds in rounds_of.items():
        partners = {j for t in rounds for j in present[t] if j != i and not forbidden[i][j]}
        if len(partners) < g - 1:
            raise Infeasible(f"{block.id}: {ids[i]} may meet only {len(partners)} of the people present "
                             f"(same organisation, avoid list or no common language), a group needs {g - 1}")
        if not block.allow_repeats and len(partners) < (g - 1) * len(rounds):
            raise Infeasible(f"{block.id}: {ids[i]} is present in {len(rounds)} rounds still to plan but "
                             f"may meet only {len(partners)} people, fewer than {(g - 1) * len(rounds)} "
                             "without repeats")


def _check_locked_repeats(block, ids, locks, met_before) -> None:
    """Locks that make a pair meet twice (with a fixed round or another lock)."""
    seen: dict[tuple[int, int], int] = {}
    for t, groups in sorted(locks.items()):
        for group in groups:
            for a, b in combinations(group, 2):
                if met_before[a][b]:
                    raise Infeasible(f"{block.id} round {t}: a lock joins {ids[a]} and {ids[b]}, who met in a "
                                     "fixed round")
                if (a, b) in seen:
                    raise Infeasible(f"{block.id} rounds {seen[a, b]} and {t}: locks join {ids[a]} and "
                                     f"{ids[b]} twice")
                seen[a, b] = t


def _check_pigeonholes(block, present, free_rounds, sizes) -> None:
    """With the same people in two rounds, a group larger than the number of
    groups must hold two people who shared a group in the other round."""
    for t, u in zip(free_rounds, free_rounds[1:]):
        if sizes[u] and set(present[t]) == set(present[u]) and len(sizes[u]) < max(sizes[u]):
            raise Infeasible(f"{block.id} round {u}: {len(sizes[u])} groups, so a group of {max(sizes[u])} "
                             f"would hold two people who met in round {t}")


def _locks(block, values, present, free_rounds, sizes) -> dict[int, list[tuple[int, ...]]]:
    ids, index = values.ids, values.index
    out: dict[int, list[set[int]]] = {t: [] for t in free_rounds}
    for lock in block.locks:
        if lock.round not in out:
            continue  # a fixed round: checked at load time
        people = {index[p] for p in lock.together}
        for i in sorted(people):
            if i not in present[lock.round]:
                raise Infeasible(f"{block.id} round {lock.round}: {ids[i]} is locked into a group but not present")
        for a, b in combinations(sorted(people), 2):
            reason = values.forbidden_reason(ids[a], ids[b])
            if reason:
                raise Infeasible(f"{block.id} round {lock.round}: a lock joins {ids[a]} and {ids[b]}, who {reason}")
        merged = out[lock.round]
        overlapping = [m for m in merged if m & people]
        union = people.union(*overlapping)
        out[lock.round] = [m for m in merged if not (m & people)] + [union]
    result = {}
    for t, groups in out.items():
        biggest = sorted(sizes[t], reverse=True)
        for k, m in enumerate(sorted(groups, key=len, reverse=True)):
            if k >= len(biggest) or len(m) > biggest[k]:
                raise Infeasible(f"{block.id} round {t}: locks need more or larger groups than "
                                 f"{len(present[t])} people present allow")
        result[t] = [tuple(sorted(m)) for m in sorted(groups, key=lambda m: (-len(m), sorted(m)))]
    return result


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
        self.count = [row[:] for row in problem.met_before]
        for groups in self.rounds.values():
            for group in groups:
                for a, b in combinations(group, 2):
                    self.count[a][b] += 1
                    self.count[b][a] += 1
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


def _designed_rounds(problem: GroupsProblem, deadline: float) -> dict[int, list[list[int]]]:
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
    design = zero_repeat_rounds(len(people), g, len(rounds), deadline)
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


MOVES_PER_SECOND = 150000  # annealing moves planned per second of the time limit


ANNEAL_MOVES_PER_SECOND = 300000  # the groups' annealing: about 600000 swaps a second run here unloaded, so a
# machine at half speed (busy CI) still makes them all, reheats included, before the deadline cuts


def move_budget(seconds: float, per_second: int = MOVES_PER_SECOND) -> int:
    """Annealing moves for a time limit: counted, not timed, so that the same
    seed gives the same plan; the limit is rounded down to 1, 2, 3, 5, 7,
    10, 15, 20, 25, 30, 40, 50, 60, 90 ... seconds so that start-up jitter
    rarely changes it.
    A slow machine stops at the deadline instead (best plan so far)."""
    steps = [0.25, 0.5, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 90, 120, 180, 300, 600, 1200, 3600]
    grid = max([s for s in steps if s <= seconds] or [0.1])
    return int(per_second * grid)


ANNEAL_START = 0.5  # start temperature: this share of a typical move's change
ANNEAL_END = 1 / 500  # end temperature, relative to the start
REHEAT = 0.2  # start temperature of the further annealings, from the best plan
REHEATS = 4  # further annealings, a quarter of the first one's moves each

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

    def key(self, state: _State) -> tuple[int, float]:
        return (state.conflicts(), -state.objective())

    def keep_if_better(self, state: _State, conflicts: int | None = None, objective: float | None = None) -> bool:
        conflicts = state.conflicts() if conflicts is None else conflicts
        objective = state.objective() if objective is None else objective
        if self.best is None or (conflicts, -objective) < (self.best.conflicts, -self.best.objective - 1e-9):
            self.best = GroupsPlan(state.snapshot(), objective, conflicts, self.iterations)
            if self.on_better is not None and not conflicts and time.monotonic() - self._told > 0.5:
                self._told = time.monotonic()  # progress only: the plan does not depend on it
                self.on_better(objective)
            return True
        return False

    # -- simulated annealing on random swaps: the weighted part ---------------
    def anneal(self, state: _State, until: float, moves: int, start: float = ANNEAL_START) -> None:
        """`moves` random swaps (fewer if `until` comes first), cooling by
        count from `start` times a typical move's change."""
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
        began = time.monotonic()
        while steps < moves:
            if steps % 256 == 0:
                now = time.monotonic()
                if now >= until or stopped():
                    break
                # cooling by count (same seed, same plan), or by the clock
                # where the machine is too slow to make every move in time
                done = max(steps / moves, (now - began) / max(until - began, 1e-9))
                temp = t_start * (t_end / t_start) ** done
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
    def tabu(self, state: _State, until: float) -> None:
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
        while True:
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
    """The best plan of the free rounds found before `deadline` (monotonic).
    `work`: the seconds of counted moves (default: the time left), so that the
    same seed gives the same plan however busy the machine is."""
    report = report or (lambda text: log.info(text))
    rng = random.Random(seed)
    search = _Search(problem, rng, deadline)
    search.on_better = on_better
    designed = _designed_rounds(problem, deadline)
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
        # one meets twice (then nothing is left to improve)
        search.tabu(state, deadline)
    else:
        now = time.monotonic()
        moves = move_budget(0.8 * (deadline - now if work is None else work), ANNEAL_MOVES_PER_SECOND)
        search.anneal(state, now + 0.8 * (deadline - now), moves)
        state = _State(problem, search.best.rounds, search.hard_weight)
        search.tabu(state, deadline)
        for _ in range(REHEATS):
            # anneal the best plan again from a lower temperature, a counted
            # share of the moves each (same seed, same plan); the deadline
            # cuts them on a slow machine
            if search.best.conflicts or time.monotonic() >= deadline or stopped():
                break
            state = _State(problem, search.best.rounds, search.hard_weight)
            search.anneal(state, deadline, moves // REHEATS, REHEAT)
            report(f"{problem.block.id}: annealed again, value {search.best.objective:.2f}")
    best = search.best
    report(f"{problem.block.id}: {best.conflicts} conflicts, value {best.objective:.2f}, "
           f"{search.iterations} moves")
    return best


# ----------------------------------------------------------------------------
# Bound


def best_pairs_bound(value: list[list[float]], caps: list[int], edges: list[tuple[int, int]],
                     deadline: float, seed: int = 0) -> float:
    """Maximum value of a set of `edges` (each at most once) in which person i
    has at most caps[i] partners: CP-SAT's proven bound when time runs out,
    every person's best partners halved when it has no answer at all."""
    from ortools.sat.python import cp_model

    from .pairs import _scale
    from .solver import new_solver

    edges = [(i, j) for i, j in edges if value[i][j] > 0 and caps[i] > 0 and caps[j] > 0]
    if not edges:
        return 0.0
    scale, exact = _scale([value[i][j] for i, j in edges])
    slack = sum(caps) / 2 * 0.5 / scale if not exact else 0.0
    incident: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for e in edges:
        incident[e[0]].append(e)
        incident[e[1]].append(e)
    halved = 0.0
    for i, mine in incident.items():
        best = sorted((round(value[a][b] * scale) for a, b in mine), reverse=True)
        halved += sum(best[:caps[i]]) / 2
    if time.monotonic() >= deadline:
        return halved / scale + slack
    model = cp_model.CpModel()
    use = {e: model.NewBoolVar(f"meet_{e[0]}_{e[1]}") for e in edges}
    for i, mine in incident.items():
        if len(mine) > caps[i]:
            model.Add(sum(use[e] for e in mine) <= caps[i])
    model.Maximize(sum(round(value[i][j] * scale) * var for (i, j), var in use.items()))
    solver = new_solver(deadline - time.monotonic(), seed)
    status = solver.Solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best = min(solver.BestObjectiveBound(), halved)
    else:
        best = halved
    return best / scale + slack


# Sets of k people priced per iteration of the clique LP at most (numpy arrays
# of this length are built); larger instances try k = 3, then keep the
# b-matching bound alone.
CLIQUE_SETS_MAX = {3: 3_000_000, 4: 30_000_000}


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


class _CliqueLP:
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

    def __init__(self, problem: GroupsProblem, k: int, edges: list[tuple[int, int]]):
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
        # all triples (a < b < c) of people who may meet pairwise, sorted by a
        parts = []
        for a in range(n):
            for b in numpy.flatnonzero(ok[a, a + 1:]) + a + 1:
                c = numpy.flatnonzero(ok[a, b + 1:] & ok[b, b + 1:]) + b + 1
                if len(c):
                    part = numpy.empty((len(c), 3), dtype=numpy.int32)
                    part[:, 0], part[:, 1], part[:, 2] = a, b, c
                    parts.append(part)
        self.triples = numpy.concatenate(parts) if parts else numpy.zeros((0, 3), dtype=numpy.int32)
        self.first_of = numpy.searchsorted(self.triples[:, 0], numpy.arange(n + 1))
        self.columns: dict[tuple[int, ...], int] = {}  # set -> index of its LP variable

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
        if self.k == 3:
            chunks = [(None, base, slice(None))]
        else:
            chunks = []
            for x in range(self.p.n - 3):
                lo = self.first_of[x + 1]  # triples whose people all come after x
                if lo >= len(t):
                    break
                part = base[lo:] + reduced[x, a[lo:]] + reduced[x, b[lo:]] + reduced[x, c[lo:]] - u[x]
                chunks.append((x, part, slice(lo, None)))
        for x, rc, where in chunks:
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

    def solve(self, deadline: float, start: list[tuple[int, ...]]) -> float | None:
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
        u, v = np.zeros(n), np.zeros((n, n))
        batch = max(4 * n, 200)
        best = math.inf
        self.add_columns(s for s in start if all(self.ok[e] for e in combinations(s, 2)))
        while True:
            if self.columns:
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
            bound, entering = self.price(u, v, batch)
            best = min(best, bound)
            if not entering or not self.add_columns(entering):
                break  # no set improves the LP: its optimum (the last bound) is reached
        return None if best == math.inf else best


def clique_bound(problem: GroupsProblem, edges: list[tuple[int, int]], deadline: float,
                 start: dict[int, list[list[int]]] | None = None) -> float | None:
    """The clique LP's proven bound (see `_CliqueLP`) on the free rounds' pair
    value, rounded down to the value grid; None when it does not apply or has
    no answer by `deadline`.  `start`: a plan whose groups seed the columns."""
    k = clique_size(problem)
    if k is None:
        return None
    if not edges:
        return 0.0  # nobody may meet anybody
    lp = _CliqueLP(problem, k, edges)
    seeds = [s for groups in (start or {}).values() for group in groups for s in combinations(sorted(group), k)]
    value = lp.solve(deadline, seeds)
    if value is None:
        return None
    from .pairs import _scale

    first = problem.first
    scale, exact = _scale([first[a][b] for a, b in edges])
    slack = 1e-6 * max(1.0, abs(value))  # floating-point sums over many sets
    if exact:  # every plan's value is a multiple of 1/scale: round down
        return math.floor(value * scale + slack * scale) / scale
    return value + slack


def groups_bound(problem: GroupsProblem, deadline: float, seed: int = 0) -> float:
    """A proven upper bound on the block's score: the best pairs such that each
    person has at most (g-1) partners per free round attended (g in a round
    with larger groups), each pair counted once, plus what fixed rounds hold.
    Repeats and changes only cost, so they are left out; with `fairness` the
    worst-off participant is bounded by each person's best partners."""
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
    cliques = clique_size(p) is not None
    pairs = best_pairs_bound(p.first, cap, edges, now + (0.1 if cliques else 1.0) * max(deadline - now, 0), seed)
    if cliques:
        start = plan_groups_greedy(p, random.Random(seed))  # its groups seed the LP's columns
        clique = clique_bound(p, edges, deadline, start)
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


# ----------------------------------------------------------------------------
# The dispatcher's entry point


def solve_groups_block(instance: Instance, block: SpeedBlock, values: PairValues, deadline: float,
                       seed: int = 0, report: Progress | None = None, problem: GroupsProblem | None = None):
    """Plan one speed-networking block with groups of three or more: a
    `scheduler.solve.BlockResult` (rounds as ids, bound, method).  Raises
    Infeasible (from `GroupsProblem.build`, which a dispatcher may call first
    and pass as `problem`) and TimeoutError when no valid plan is found."""
    from .solve import BlockResult

    report = report or (lambda text: log.info(text))
    problem = problem or GroupsProblem.build(instance, block, values)
    fixed = [list(list(g) for g in groups) for groups in block.fixed_rounds]
    ids = values.ids
    if not problem.free_rounds:
        return BlockResult(fixed, _fixed_score(instance, block, values, fixed), "fixed", optimal=True)
    now = time.monotonic()
    work = budget_seconds(max(deadline - now, 0))  # counted: the same for a seed on any machine
    zero = problem.zero_values
    # the search levels off early; the clique LP may take a third of the time.  The search goes
    # first with its counted moves and the whole wall time as headroom (a busy machine then still
    # makes all of them: same seed, same plan); the bound gets what is left, at least its share.
    share = 0.02 if zero else 0.4 if clique_size(problem) is not None else 0.15
    notify = getattr(report, "improved", None)  # the dispatcher's progress for the web app
    on_better = None
    if notify and not problem.fairness:  # the search's value differs from the score by the fixed rounds
        offset = _fixed_score(instance, block, values, fixed + [[] for _ in problem.free_rounds])
        on_better = lambda value: notify(block.id, score=value + offset)  # noqa: E731
    best = solve_groups(problem, deadline - share * max(deadline - now, 0) * 0.5, seed, report,
                        work=(1 - share) * work, on_better=on_better)
    if best.conflicts:
        raise TimeoutError(f"{block.id}: no plan without repeats or forbidden pairs found within "
                           "the time limit")
    now = time.monotonic()
    bound = groups_bound(problem, max(deadline, now + 0.2), seed)  # cut off, it still bounds
    report(f"{block.id}: bound {bound:.2f}")
    if notify:
        notify(block.id, bound=bound)
    rounds = fixed + [[[ids[i] for i in group] for group in best.rounds[t]] for t in problem.free_rounds]
    score = _fixed_score(instance, block, values, rounds)
    method = "tabu" if zero else "greedy+annealing+tabu"
    return BlockResult(rounds, max(bound, score), method, optimal=score >= bound - 1e-9)


def _fixed_score(instance: Instance, block: SpeedBlock, values: PairValues, rounds) -> float:
    from .problem import Plan
    from .validate import score_plan

    single = instance.only(block)
    plan = Plan(blocks={block.id: tuple(tuple(tuple(g) for g in r) for r in rounds)})
    return score_plan(single, plan, values)[0]
