"""Speed networking with any group size: the constructive start and the
bounds that hold for every plan, pauses included.  Below the pairs' and the
groups' searches; the dispatcher (`scheduler.solve`) calls both.

The start, round by round: locked groups first, then groups grown around the
person with the fewest possible partners left, then the people left over join
a group as its extra member where the group sizes allow it, and only those
who still have no group sit the round out (a *pause*).  For pairs the
matching is maximal and then augmented along short paths, so a person pauses
only where nobody they may meet is free.  Deterministic for a seed, with a
bounded number of steps: the same start on a busy machine.

The bounds: the searches prove tighter bounds for the plans they consider (a
b-matching, a clique LP); once a block needs pauses those no longer cover
every plan, so the dispatcher falls back to `speed_bound`.  Every term is an
upper bound of the corresponding part of the score in `scheduler.validate`.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .coverage import unavoidable_missing
from .problem import Infeasible, Instance, SpeedBlock
from .validate import REASON_CODES
from .values import PairValues

__all__ = ["SpeedStart", "start_speed", "SPEED_ATTEMPTS", "speed_bound", "forced_pauses", "unavoidable_pauses",
           "free_rounds_reach"]

SPEED_ATTEMPTS = 3  # orderings tried; the one with the fewest pauses (then the best value) wins


@dataclass
class SpeedStart:
    rounds: list[list[tuple[str, ...]]]  # every round of the block, fixed ones included
    pauses: list[list[str]]  # per round: who sits it out (in fixed rounds: present but in no group)
    value: float  # the pairs' value of the free rounds (for choosing between attempts)

    @property
    def pause_count(self) -> int:
        return sum(len(p) for p in self.pauses)


class _SpeedRounds:
    """The state of one attempt: who may still meet whom."""

    def __init__(self, instance: Instance, block: SpeedBlock, values: PairValues, rng: random.Random):
        self.instance, self.block, self.values, self.rng = instance, block, values, rng
        n = len(values.ids)
        self.n, self.g = n, block.group_size
        self.allowed = ~np.array(values.is_forbidden, dtype=bool)
        np.fill_diagonal(self.allowed, False)
        self.value = np.array(values.value, dtype=float)
        self.met = np.zeros((n, n), dtype=bool)
        for groups in block.fixed_rounds:
            for group in groups:
                members = [values.index[p] for p in group]
                for a in members:
                    for b in members:
                        if a != b:
                            self.met[a, b] = True
        # pairs a lock joins in a later round must not meet before it (that would make the lock a repeat)
        self.locked_round: dict[tuple[int, int], int] = {}
        for lock in block.locks:
            members = [values.index[p] for p in lock.together]
            for a in members:
                for b in members:
                    if a != b:
                        self.locked_round[a, b] = lock.round
        self.total = 0.0

    def may_meet(self, t: int | None = None) -> np.ndarray:
        """Pairs that may share a group in round t (new pairs; met ones too where repeats are allowed;
        not a pair a lock keeps for another round)."""
        may = self.allowed if self.block.allow_repeats else self.allowed & ~self.met
        if t is not None and self.locked_round and not self.block.allow_repeats:
            may = may.copy()
            for (a, b), r in self.locked_round.items():
                if r != t:
                    may[a, b] = False
        return may

    def worth(self) -> np.ndarray:
        if not self.block.allow_repeats:
            return self.value
        return self.value - self.instance.weights.repeat * self.met

    def plan_round(self, t: int, locked: list[list[int]]) -> tuple[list[list[int]], list[int]]:
        ids, g = self.values.ids, self.g
        present = np.zeros(self.n, dtype=bool)
        present[[self.values.index[p] for p in self.instance.present_in(self.block, t)]] = True
        may, worth = self.may_meet(t), self.worth()
        free = present.copy()
        groups: list[list[int]] = []
        fixed_members: set[int] = set()
        for members in locked:
            groups.append(list(members))
            fixed_members.update(members)
            free[members] = False
        # re-planning: the groups people were sent keep where they still can (each change costs `change`)
        if self.block.published is not None and t < len(self.block.published):
            index = self.values.index
            larger = sum(1 for group in groups if len(group) == g + 1)
            for sent in self.block.published[t]:
                members = [index[p] for p in sent]
                if (len(members) not in (g, g + 1) or not all(free[members])
                        or not all(may[a, b] for k, a in enumerate(members) for b in members[k + 1:])):
                    continue
                if len(members) == g + 1:
                    if larger >= g - 1:
                        continue
                    larger += 1
                groups.append(members)
                free[members] = False
        # locked groups smaller than a group fill up first
        for group in groups:
            while len(group) < g:
                candidates = np.flatnonzero(free & may[group].all(axis=0))
                if len(candidates) == 0:
                    raise Infeasible(
                        f"{self.block.id} round {t}: the lock of {self.instance.who_all([ids[i] for i in group])} "
                        f"needs {g - len(group)} more people who may meet all of them, and nobody present may",
                        code="lock-unfillable", block=self.block.id, round=t,
                        participants=tuple(ids[i] for i in group))
                j = int(candidates[np.argmax(worth[np.ix_(candidates, group)].sum(axis=1))])
                group.append(j)
                free[j] = False
        # new groups, grown around whoever has the fewest partners free
        options = (may & free).sum(axis=1)
        order = [i for i in np.flatnonzero(free)]
        self.rng.shuffle(order)
        order.sort(key=lambda i: options[i])
        left: list[int] = []
        for i in order:
            if not free[i]:
                continue
            free[i] = False
            group = [i]
            candidates = free & may[i]
            while len(group) < g and candidates.any():
                idx = np.flatnonzero(candidates)
                gains = worth[np.ix_(idx, group)].sum(axis=1)
                # scarce partners first: the one with fewest free options, then the best value
                key = gains - 1e-3 * options[idx]
                j = int(idx[np.argmax(key)])
                group.append(j)
                free[j] = False
                candidates &= may[j]
                candidates[j] = False
            if len(group) == g:
                groups.append(group)
            else:
                for j in group[1:]:
                    free[j] = True
                left.append(i)
        left += [int(j) for j in np.flatnonzero(free)]
        left = list(dict.fromkeys(left))
        if g == 2:
            left = self._augment(groups, left, fixed_members, may)
        # the people left over join a group as its extra member, as far as the sizes allow
        larger = sum(1 for group in groups if len(group) == g + 1)
        if larger > g - 1:
            raise Infeasible(
                f"{self.block.id} round {t}: locks ask for {larger} groups of {g + 1}, "
                f"but at most {g - 1} may be larger than {g}",
                code="lock-too-many-larger", block=self.block.id, round=t, numbers={"larger": larger})
        paused = []
        for i in left:
            if larger < g - 1:
                fits = [k for k, group in enumerate(groups) if len(group) == g and may[i, group].all()]
                if fits:
                    k = max(fits, key=lambda k: worth[i, groups[k]].sum())
                    groups[k].append(i)
                    larger += 1
                    continue
            paused.append(i)
        for group in groups:
            for a in group:
                self.met[a, group] = True
                self.met[a, a] = False
            self.total += sum(worth[a, b] for k, a in enumerate(group) for b in group[k + 1:])
        return groups, paused

    def _augment(self, groups, left, fixed_members, may) -> list[int]:
        """Pairs: a person left over takes v from a pair (v, w) when w may meet another one left over."""
        changed = True
        while changed and len(left) >= 2:
            changed = False
            for u in list(left):
                if u not in left:
                    continue
                for k, group in enumerate(groups):
                    if len(group) != 2 or group[0] in fixed_members or group[1] in fixed_members:
                        continue
                    for v, w in (group, group[::-1]):
                        if not may[u, v]:
                            continue
                        partners = [x for x in left if x != u and may[w, x]]
                        if partners:
                            x = partners[0]
                            groups[k] = [u, v]
                            groups.append([w, x])
                            left.remove(u)
                            left.remove(x)
                            changed = True
                            break
                    if u not in left:
                        break
        return left


def _speed_locks(instance: Instance, block: SpeedBlock, values: PairValues) -> dict[int, list[list[int]]]:
    """Per free round, the locked groups (overlapping locks merged), each checked to be possible."""
    index = values.index
    out: dict[int, list[list[int]]] = {}
    first = len(block.fixed_rounds)
    met: set[tuple[str, str]] = set()
    for groups in block.fixed_rounds:
        for group in groups:
            met.update((a, b) for a in group for b in group if a != b)
    locked_pairs: dict[frozenset, int] = {}
    for lock in block.locks:
        for k, a in enumerate(lock.together):
            for b in lock.together[k + 1:]:
                pair = frozenset((a, b))
                if pair in locked_pairs and locked_pairs[pair] != lock.round and not block.allow_repeats:
                    raise Infeasible(f"{block.id} rounds {locked_pairs[pair]} and {lock.round}: locks join "
                                     f"{instance.who(a)} and {instance.who(b)} twice", code="lock-repeat",
                                     block=block.id, round=lock.round, participants=(a, b))
                locked_pairs.setdefault(pair, lock.round)
    for t in range(first, block.rounds):
        merged: list[set[str]] = []
        for lock in block.locks:
            if lock.round != t:
                continue
            together = set(lock.together)
            for other in [m for m in merged if m & together]:
                together |= other
                merged.remove(other)
            merged.append(together)
        groups = []
        for together in merged:
            people = sorted(together, key=index.get)
            absent = [p for p in people if not block.is_present(p, t)]
            if absent:
                raise Infeasible(f"{block.id} round {t}: {instance.who_all(absent)} is locked into a group "
                                 "but not present", code="lock-absent", block=block.id, round=t,
                                 participants=tuple(absent))
            if len(people) > block.group_size + 1:
                raise Infeasible(f"{block.id} round {t}: locks put {len(people)} people ({instance.who_all(people)}) "
                                 f"into one group, groups hold at most {block.group_size + 1}",
                                 code="lock-too-large", block=block.id, round=t, participants=tuple(people))
            for k, a in enumerate(people):
                for b in people[k + 1:]:
                    reason = values.forbidden_reason(a, b)
                    if reason:
                        raise Infeasible(f"{block.id} round {t}: a lock joins {instance.who(a)} and "
                                         f"{instance.who(b)}, who {reason}", code="lock-forbidden",
                                         block=block.id, round=t, participants=(a, b),
                                         numbers={"reason": REASON_CODES[reason]})
                    if (a, b) in met and not block.allow_repeats:
                        raise Infeasible(f"{block.id} round {t}: a lock joins {instance.who(a)} and "
                                         f"{instance.who(b)}, who met in an earlier round",
                                         code="lock-repeat", block=block.id, round=t, participants=(a, b))
            groups.append([index[p] for p in people])
        out[t] = groups
    return out


def start_speed(instance: Instance, block: SpeedBlock, values: PairValues, seed: int = 0) -> SpeedStart:
    """A valid plan of a speed-networking block with as few pauses as a few
    greedy orderings find.  Raises Infeasible only for locks that cannot hold."""
    locks = _speed_locks(instance, block, values)
    ids = values.ids
    unavoidable = unavoidable_pauses(instance, block, values)
    best: SpeedStart | None = None
    for attempt in range(SPEED_ATTEMPTS):
        state = _SpeedRounds(instance, block, values, random.Random(seed * 7919 + attempt))
        rounds: list[list[tuple[str, ...]]] = []
        pauses: list[list[str]] = []
        for t, fixed in enumerate(block.fixed_rounds):
            rounds.append([tuple(group) for group in fixed])
            seated = {p for group in fixed for p in group}
            pauses.append([p for p in instance.present_in(block, t) if p not in seated])
        for t in range(len(block.fixed_rounds), block.rounds):
            groups, paused = state.plan_round(t, [list(g) for g in locks.get(t, [])])
            rounds.append([tuple(ids[i] for i in group) for group in groups])
            pauses.append([ids[i] for i in paused])
        found = SpeedStart(rounds, pauses, state.total)
        if best is None or (found.pause_count, -found.value) < (best.pause_count, -best.value):
            best = found
        if best.pause_count - sum(len(p) for p in best.pauses[:len(block.fixed_rounds)]) <= unavoidable:
            break  # only the pauses no plan avoids: no ordering does better on pauses
    return best


# ----------------------------------------------------------------------------
# Bounds for every plan, pauses included


def _fixed_part(instance: Instance, block: SpeedBlock, values: PairValues) -> tuple[float, np.ndarray, np.ndarray]:
    """The fixed rounds' score (pairs, repeats, pauses), each person's value in
    them, and who met whom there."""
    w = instance.weights
    n = len(values.ids)
    met = np.zeros((n, n), dtype=bool)
    person = np.zeros(n)
    counts: Counter = Counter()
    total = 0.0
    for t, groups in enumerate(block.fixed_rounds):
        seated = set()
        for group in groups:
            members = sorted(values.index[p] for p in group)
            seated.update(members)
            for a, b in combinations(members, 2):
                counts[a, b] += 1
        total -= w.pause * sum(1 for p in instance.present_in(block, t) if values.index[p] not in seated)
    for (a, b), count in counts.items():
        met[a, b] = met[b, a] = True
        total += values.value[a][b] - w.repeat * (count - 1)
        person[a] += values.value[a][b]
        person[b] += values.value[a][b]
    return total, person, met


def free_rounds_reach(block: SpeedBlock, values: PairValues, met: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Who is present in each free round (person x round), and who may still meet whom there:
    not forbidden, not met in the fixed rounds (unless repeats are allowed), present in a common round."""
    n = len(values.ids)
    free = range(len(block.fixed_rounds), block.rounds)
    present = np.array([[block.is_present(pid, t) for t in free] for pid in values.ids],
                       dtype=bool).reshape(n, len(free))
    may = ~np.array(values.is_forbidden, dtype=bool)
    np.fill_diagonal(may, False)
    if not block.allow_repeats:
        may &= ~met  # a repeat only costs where it is allowed, so only new pairs can add value
    may &= (present.astype(int) @ present.T.astype(int)) > 0
    return present, may


def unavoidable_pauses(instance: Instance, block: SpeedBlock, values: PairValues) -> int:
    """Pauses in the free rounds that no plan of the block avoids."""
    present, may = free_rounds_reach(block, values, _fixed_part(instance, block, values)[2])
    return int(forced_pauses(block, present, may).sum())


def forced_pauses(block: SpeedBlock, present: np.ndarray, may: np.ndarray) -> np.ndarray:
    """Per person, pauses no plan avoids: rounds with nobody present they may
    meet, and rounds beyond what their possible partners fill (each round in a
    group takes group_size - 1 new partners)."""
    g = block.group_size
    rounds = present.sum(axis=1)
    alone = np.zeros(len(rounds), dtype=int)
    for t in range(present.shape[1]):
        here = present[:, t]
        alone += here & ~(may & here[None, :]).any(axis=1)
    partners = (may & present.any(axis=1)[None, :]).sum(axis=1)
    return np.maximum(alone, rounds - np.minimum(rounds, partners // (g - 1)))


def speed_bound(instance: Instance, block: SpeedBlock, values: PairValues) -> float:
    """Each person's best new partners for the rounds they can be in a group,
    counted from both sides and halved; the people in larger groups one extra
    partner each; every pause no plan can avoid; the fixed rounds as they are; every
    coverage meeting no plan holds (`scheduler.coverage`)."""
    w = instance.weights
    g = block.group_size
    n = len(values.ids)
    fixed_total, fixed_person, met = _fixed_part(instance, block, values)
    free = list(range(len(block.fixed_rounds), block.rounds))
    present, may = free_rounds_reach(block, values, met)
    value = np.where(may, np.maximum(np.array(values.value, dtype=float), 0.0), 0.0)
    ordered = -np.sort(-value, axis=1)
    cumulative = np.concatenate([np.zeros((n, 1)), np.cumsum(ordered, axis=1)], axis=1)
    forced = forced_pauses(block, present, may)
    grouped = present.sum(axis=1) - forced
    slots = np.minimum((g - 1) * grouped, n)
    total = fixed_total + 0.5 * cumulative[np.arange(n), slots].sum() - w.pause * forced.sum()
    # larger groups: at most g - 1 a round, each member one partner more, worth at most their best
    extra_slots = (g - 1) * (g + 1) * len(free)
    best = np.repeat(ordered[:, 0], np.maximum(grouped, 0))
    total += 0.5 * np.sort(best)[::-1][:extra_slots].sum()
    if w.fairness > 0:
        counted = [i for i, pid in enumerate(values.ids)
                   if any(block.is_present(pid, t) for t in range(block.rounds))]
        if counted:
            reach = fixed_person + cumulative[np.arange(n), np.minimum(g * grouped, n)]
            total += w.fairness * min(reach[i] for i in counted)
    total -= w.coverage * unavoidable_missing(instance, block, values)  # meetings no plan's rules get
    return float(total)
