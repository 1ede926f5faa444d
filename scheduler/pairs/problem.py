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

import numpy as np

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

    def edge_array(self) -> np.ndarray:
        """`edges` as a (pairs x 2) numpy array, made once."""
        ends = self.__dict__.get("_edge_array")
        if ends is None:
            ends = self.__dict__["_edge_array"] = np.array(self.edges, dtype=np.int64).reshape(-1, 2)
        return ends

    def edge_values(self) -> np.ndarray:
        """Each pair's value in `edge_value`, as `edges`, made once."""
        values = self.__dict__.get("_edge_values")
        if values is None:
            values = np.fromiter((self.edge_value[e] for e in self.edges), dtype=np.int64, count=len(self.edges))
            self.__dict__["_edge_values"] = values
        return values

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
        scale, exact = integer_scale(_distinct_values(values.matrix) + [w.repeat, w.change])
        edges, edge_value, together = _candidate_pairs(block, values, present, met_before, scale)
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


def _distinct_values(matrix: np.ndarray) -> list[float]:
    """The distinct pair values (off the diagonal)."""
    n = len(matrix)
    if n < 2:
        return []
    return np.unique(matrix[np.triu_indices(n, 1)]).tolist()


def _candidate_pairs(block, values, present, met_before, scale):
    """The pairs that may meet (i < j, in row order): allowed, present in a common round still to plan,
    not met in a fixed round unless repeats are allowed; their scaled values; each person's
    number of possible partners.  Vectorised: one boolean matrix, then compact lists."""
    n = len(values.ids)
    attends = np.zeros((n, max(present, default=-1) + 1), dtype=np.int32)
    for t, people in present.items():
        attends[people, t] = 1
    may = ~values.forbidden_matrix & ((attends @ attends.T) > 0)
    may &= np.triu(np.ones((n, n), dtype=bool), 1)
    if not block.allow_repeats:
        for a, b in met_before:
            may[a, b] = False
    rows, cols = np.nonzero(may)
    del may
    firsts = np.rint(values.matrix[rows, cols] * scale).astype(np.int64).tolist()
    edges = list(zip(rows.tolist(), cols.tolist()))
    edge_value = dict(zip(edges, firsts))
    repeat = round(-values.instance.weights.repeat * scale)
    for e in met_before:
        if e in edge_value:
            edge_value[e] = repeat
    together = np.bincount(rows, minlength=n) + np.bincount(cols, minlength=n)
    return edges, edge_value, together.tolist()


def _check_partners(block, ids, rounds_present, odd_present, together) -> None:
    """Someone present in more rounds than they have possible partners."""
    if not any(together) and any(rounds_present):
        busy = [ids[i] for i, r in enumerate(rounds_present) if r]
        raise Infeasible(f"{block.id}: no two people present may meet (same organisation, avoid "
                         f"list or no common language) — e.g. {busy[0]}")
    if block.allow_repeats:
        for i, r in enumerate(rounds_present):
            if r and not together[i]:
                raise Infeasible(f"{block.id}: {ids[i]} has nobody they may meet")
        return
    for i, r in enumerate(rounds_present):
        if r > together[i]:
            raise Infeasible(
                f"{block.id}: {ids[i]} is present in {r} rounds still to plan but has only "
                f"{together[i]} possible partners")


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
