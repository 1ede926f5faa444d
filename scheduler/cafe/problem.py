"""A Pro-Action-Café block in index space.

`CafeProblem.build` turns a `CafeBlock` into tables addressed by position,
who hosts and who is a guest in each round still to plan, the seats left per
table, languages, ranked-choice points, pair values, what the fixed rounds
hold, locks and the published seating; it raises `Infeasible` with a reason
when no seating can exist.  `as_ids` turns a round back into plan form.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from ..problem import CafeBlock, Infeasible, Instance
from ..values import PairValues

__all__ = ["CafeProblem", "as_ids", "seating_of"]


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


def as_ids(problem: CafeProblem, tables: list[list[int]]) -> dict[str, list[str]]:
    """One round in plan form: table id -> people, host first."""
    ids = problem.values.ids
    out = {}
    for k, seated in enumerate(tables):
        h = problem.host[k]
        ordered = ([h] if h in seated else []) + sorted(i for i in seated if i != h)
        out[problem.tables[k]] = [ids[i] for i in ordered]
    return out


def seating_of(problem: CafeProblem, rounds) -> dict[int, list[list[int]]]:
    """The free rounds of `rounds` (plan form: per round, table id -> people) in index space:
    round -> table -> people, the inverse of `as_ids`."""
    index = problem.values.index
    return {r: [[index[pid] for pid in rounds[r].get(tid, ())] for tid in problem.tables]
            for r in problem.free_rounds}
