"""A speed-networking block in groups of three or more, in index space.

`GroupsProblem.build` turns a `SpeedBlock` into who is present in which round
still to plan, the group sizes of each round, the pair values, what the fixed
rounds already hold, the locks and the published groups; it raises
`Infeasible` with a reason when no plan can exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..problem import Infeasible, Instance, SpeedBlock
from ..validate import speed_group_sizes
from ..values import PairValues

__all__ = ["GroupsProblem"]


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

    def meeting_counts(self, rounds: dict[int, list[list[int]]]) -> list[list[int]]:
        """How often each pair meets: in the fixed rounds and in these groups of the free rounds."""
        count = [row[:] for row in self.met_before]
        for groups in rounds.values():
            for group in groups:
                for a, b in combinations(group, 2):
                    count[a][b] += 1
                    count[b][a] += 1
        return count


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
