"""A speed-networking block in pairs, prepared for the models.

`PairsProblem.build` turns a `SpeedBlock` with `group_size == 2` into index
space: who is present in which round still to plan, which pairs may meet
(candidate edges) and what each is worth, in integers for CP-SAT, plus what
the fixed rounds already contribute.  It raises `Infeasible` with a reason
when no plan can exist.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from ..problem import Infeasible, Instance, InstanceError, SpeedBlock
from ..search import integer_scale
from ..values import PairValues

Edge = tuple[int, int]  # (i, j) with i < j, indices into instance.participants


@dataclass(frozen=True)
class PublishedGroup:
    round: int
    members: tuple[int, ...]
    edges: tuple[Edge, ...]


@dataclass
class PairsProblem:
    block: SpeedBlock
    values: PairValues
    n: int
    free_rounds: list[int]  # rounds to plan (after the fixed ones)
    present: dict[int, list[int]]  # free round -> people present (indices)
    odd_rounds: list[int]  # free rounds with an odd head-count: one trio each
    rounds_present: list[int]  # per person: free rounds present in
    odd_present: list[int]  # per person: odd free rounds present in
    edges: list[Edge]  # candidate pairs
    edge_value: dict[Edge, int]  # value of a first meeting, scaled
    repeat_cost: int  # scaled cost of each further meeting
    met_before: Counter  # pair -> meetings in the fixed rounds
    locks: dict[int, list[tuple[int, ...]]]  # free round -> groups locked together
    published: list[PublishedGroup]  # published groups that can still be kept
    change_cost: int  # scaled, per person and round
    present_in_both: int  # person-rounds after the fixed ones present now and in `published`
    fairness: Fraction  # weight of the worst-off participant's value
    fixed_value: list[int]  # per person: scaled value of partners met in the fixed rounds
    counted: list[int]  # people who count for fairness
    scale: int  # integers = real values * scale
    exact: bool  # whether scaling was exact (else the bound gets a slack)

    @classmethod
    def build(cls, instance: Instance, block: SpeedBlock, values: PairValues) -> "PairsProblem":
        if block.group_size != 2:
            raise InstanceError(f"block {block.id}: only pairs are planned by this solver")
        ids = values.ids
        n = len(ids)
        w = instance.weights
        free_rounds = list(range(len(block.fixed_rounds), block.rounds))
        present = {t: [values.index[p] for p in instance.present_in(block, t)] for t in free_rounds}
        _check_head_counts(block, present)
        odd_rounds = [t for t in free_rounds if len(present[t]) % 2]
        rounds_present = [0] * n
        odd_present = [0] * n
        together: dict[int, set[int]] = {i: set() for i in range(n)}
        for t in free_rounds:
            for i in present[t]:
                rounds_present[i] += 1
                if t in odd_rounds:
                    odd_present[i] += 1
        met_before: Counter = Counter()
        for groups in block.fixed_rounds:
            for group in groups:
                for a, b in combinations(sorted(values.index[p] for p in group), 2):
                    met_before[a, b] += 1
        share_round = _shared_rounds(present, n)
        scale, exact = integer_scale([values.value[i][j] for i, j in combinations(range(n), 2)]
                              + [w.repeat, w.change])
        edges, edge_value = [], {}
        for i, j in combinations(range(n), 2):
            if values.is_forbidden[i][j] or not share_round(i, j):
                continue
            if met_before[i, j] and not block.allow_repeats:
                continue
            edges.append((i, j))
            together[i].add(j)
            together[j].add(i)
            first = values.value[i][j] if not met_before[i, j] else -w.repeat
            edge_value[i, j] = round(first * scale)
        _check_partners(block, ids, rounds_present, odd_present, together)
        locks = _locks(block, values, present, free_rounds, edge_value, met_before)
        published, in_both = _published(block, values, present, free_rounds, edge_value)
        fixed_value = [0] * n
        for (a, b), _count in met_before.items():
            fixed_value[a] += round(values.value[a][b] * scale)
            fixed_value[b] += round(values.value[a][b] * scale)
        counted = [values.index[p] for p in ids if any(block.is_present(p, r) for r in range(block.rounds))]
        return cls(block=block, values=values, n=n, free_rounds=free_rounds, present=present,
                   odd_rounds=odd_rounds, rounds_present=rounds_present, odd_present=odd_present,
                   edges=edges, edge_value=edge_value, repeat_cost=round(w.repeat * scale),
                   met_before=met_before, locks=locks, published=published,
                   change_cost=round(w.change * scale), present_in_both=in_both,
                   fairness=Fraction(w.fairness).limit_denominator(1000), fixed_value=fixed_value,
                   counted=counted, scale=scale, exact=exact)


def _check_head_counts(block: SpeedBlock, present: dict[int, list[int]]) -> None:
    for t, people in present.items():
        if len(people) == 1:
            raise Infeasible(f"{block.id} round {t}: only one person present, nobody to meet")


def _shared_rounds(present: dict[int, list[int]], n: int):
    rounds_of = [0] * n
    for t, people in present.items():
        for i in people:
            rounds_of[i] |= 1 << t
    return lambda i, j: bool(rounds_of[i] & rounds_of[j])


def _check_partners(block, ids, rounds_present, odd_present, together) -> None:
    """Someone present in more rounds than they have possible partners."""
    if all(len(partners) == 0 for partners in together.values()) and any(rounds_present):
        busy = [ids[i] for i, r in enumerate(rounds_present) if r]
        raise Infeasible(f"{block.id}: no two people present may meet (same organisation, avoid "
                         f"list or no common language) — e.g. {busy[0]}")
    if block.allow_repeats:
        for i, r in enumerate(rounds_present):
            if r and not together[i]:
                raise Infeasible(f"{block.id}: {ids[i]} has nobody they may meet")
        return
    for i, r in enumerate(rounds_present):
        if r > len(together[i]):
            raise Infeasible(
                f"{block.id}: {ids[i]} is present in {r} rounds still to plan but has only "
                f"{len(together[i])} possible partners")


def _locks(block, values, present, free_rounds, edge_value, met_before) -> dict[int, list[tuple[int, ...]]]:
    out: dict[int, list[tuple[int, ...]]] = {t: [] for t in free_rounds}
    ids = values.ids
    for lock in block.locks:
        people = tuple(sorted(values.index[p] for p in lock.together))
        if lock.round not in out:
            continue  # a fixed round: the validator checked it at load time
        for i in people:
            if i not in present[lock.round]:
                raise Infeasible(f"{block.id} round {lock.round}: {ids[i]} is locked into a group "
                                 "but not present")
        for a, b in combinations(people, 2):
            reason = values.forbidden_reason(ids[a], ids[b])
            if reason:
                raise Infeasible(f"{block.id} round {lock.round}: a lock joins {ids[a]} and {ids[b]}, "
                                 f"who {reason}")
            if (a, b) not in edge_value:
                raise Infeasible(f"{block.id} round {lock.round}: a lock joins {ids[a]} and {ids[b]}, "
                                 "who met in a fixed round")
        out[lock.round].append(people)
    for t, groups in out.items():
        _merge_locks(block, t, groups, ids, len(present[t]))
    return out


def _merge_locks(block, t, groups, ids, head_count) -> None:
    """Locks in one round that share a person must fit one group."""
    merged: list[set[int]] = []
    for group in groups:
        overlapping = [m for m in merged if m & set(group)]
        union = set(group).union(*overlapping)
        merged = [m for m in merged if not (m & set(group))] + [union]
    trios = [m for m in merged if len(m) == 3]
    for m in merged:
        if len(m) > 3:
            raise Infeasible(f"{block.id} round {t}: locks put {len(m)} people "
                             f"({', '.join(ids[i] for i in sorted(m))}) into one group")
    if len(trios) > head_count % 2:
        raise Infeasible(f"{block.id} round {t}: locks ask for {len(trios)} groups of three, "
                         f"{head_count} people present allow {head_count % 2}")
    groups[:] = [tuple(sorted(m)) for m in merged]


def _published(block, values, present, free_rounds, edge_value) -> tuple[list[PublishedGroup], int]:
    if block.published is None:
        return [], 0
    groups, in_both = [], 0
    for t in free_rounds:
        here = set(present[t])
        published_round = block.published[t]
        in_both += sum(1 for group in published_round for p in group if values.index[p] in here)
        for group in published_round:
            members = tuple(sorted(values.index[p] for p in group))
            edges = tuple(combinations(members, 2))
            if len(members) in (2, 3) and all(i in here for i in members) and all(e in edge_value for e in edges):
                if len(members) == 3 and len(here) % 2 == 0:
                    continue
                groups.append(PublishedGroup(t, members, edges))
    return groups, in_both
