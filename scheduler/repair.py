"""Re-planning a block around the rounds already held, without the solver.

On the day of a meeting the web app re-plans the rounds still to come for the
people present (after no-shows, walk-ins, late arrivals): the rounds held stay
exactly as they were, and these repairs regroup the rest fast while changing
few schedules; the solver may then improve on them.  Both work on the instance
as a dict in the contract's form (../shared/spec/scheduler-io.md), one block at
a time, and return the block's rounds in plan form, held rounds included.

They raise `RepairFailed` when no repair exists, with a stable code, the
block, the round (counted from 0, as in the JSON and every scheduler message)
and the figures.  That proves nothing about the block: the solver may still
find a plan (with pauses or revisits).
"""

from __future__ import annotations

import random
from collections import defaultdict

from . import parse_instance
from .cover_search import improve_coverage
from .values import PairValues

__all__ = ["RepairFailed", "REPAIR_CODES", "repair_cafe", "repair_speed", "present_in"]

REPAIR_CODES = ("repair-cafe-seats", "repair-cafe-uneven", "repair-speed-repeats")


class RepairFailed(Exception):
    """No repair of the block's remaining rounds was found.

    `code` is one of `REPAIR_CODES`: "repair-cafe-seats" (not every guest can
    sit at a table in their language they have not sat at yet),
    "repair-cafe-uneven" (the tables cannot be filled evenly),
    "repair-speed-repeats" (the people present cannot be grouped without
    repeats or forbidden pairs); `block` the block id, `round` the round
    (0-based), `numbers` the figures."""

    def __init__(self, message: str, *, code: str, block: str, round: int, numbers: dict | None = None):
        super().__init__(message)
        self.code, self.block, self.round = code, block, round
        self.numbers = dict(numbers or {})


def present_in(block: dict, pid: str, r: int) -> bool:
    """Whether a participant attends round r of a block dict (missing from `present`: every round)."""
    rounds = block.get("present", {}).get(pid)
    return rounds is None or r in rounds


def repair_cafe(instance: dict, block: dict) -> list[dict]:
    """A café block's rounds without the solver: held rounds kept; in every later round the guests
    present are assigned to tables by a min-cost flow: every table gets the same number of guests
    (give or take one), nobody sits at a table twice or at a table whose language they do not speak,
    no table holds more than its seats; keeping one's published table costs nothing, a new table
    costs, a ranked choice a little less. Raises RepairFailed when no such assignment exists."""
    from ortools.graph.python import min_cost_flow

    languages = {p["id"]: set(p.get("languages") or ["de"]) for p in instance["participants"]}
    tables = block["tables"]
    table_ids = [t["id"] for t in tables]
    hosts = {t["host"]: t["id"] for t in tables if t.get("host")}
    preferences = block.get("preferences", {})
    fixed = [{k: list(v) for k, v in round_.items()} for round_ in (block.get("fixed_rounds") or [])]
    published = block.get("published") or []
    visited: dict[str, set[str]] = defaultdict(set)
    for round_ in fixed:
        for table, members in round_.items():
            for pid in members:
                if hosts.get(pid) != table:
                    visited[pid].add(table)
    everyone = [p["id"] for p in instance["participants"]]
    result = list(fixed)
    must = 10_000  # per guest below a table's lower bound: forces balanced tables when possible
    for r in range(len(fixed), block["rounds"]):
        present = [pid for pid in everyone if present_in(block, pid, r)]
        seated = {t: [] for t in table_ids}
        for pid in present:
            if pid in hosts:
                seated[hosts[pid]].append(pid)
        guests = [pid for pid in present if pid not in hosts]
        if not guests:
            result.append(seated)
            continue
        was = {}
        if r < len(published):
            for table, members in published[r].items():
                for pid in members:
                    was[pid] = table
        low = len(guests) // len(tables)
        flow = min_cost_flow.SimpleMinCostFlow()
        source, sink = 0, 1 + len(guests) + len(tables)
        arcs = []
        for g, pid in enumerate(guests, start=1):
            flow.add_arc_with_capacity_and_unit_cost(source, g, 1, 0)
            ranked = preferences.get(pid, [])
            for k, row in enumerate(tables):
                table = row["id"]
                if table in visited[pid] or (row.get("language") and row["language"] not in languages.get(pid, {"de"})):
                    continue
                cost = 0 if was.get(pid) == table else 100 + (ranked.index(table) if table in ranked else 10)
                arcs.append((flow.add_arc_with_capacity_and_unit_cost(g, 1 + len(guests) + k, 1, cost), pid, table))
        for k, row in enumerate(tables):
            room = max(0, row.get("seats", 6) - len(seated[row["id"]]))
            node = 1 + len(guests) + k
            flow.add_arc_with_capacity_and_unit_cost(node, sink, min(low, room), -must)
            if room > low:
                flow.add_arc_with_capacity_and_unit_cost(node, sink, 1, 0)
        flow.set_node_supply(source, len(guests))
        flow.set_node_supply(sink, -len(guests))
        if flow.solve() != flow.OPTIMAL:
            raise RepairFailed(f"{block['id']} round {r}: not every guest can sit at a table they have not "
                               "sat at yet", code="repair-cafe-seats", block=block["id"], round=r,
                               numbers={"guests": len(guests), "tables": len(tables)})
        for arc, pid, table in arcs:
            if flow.flow(arc):
                seated[table].append(pid)
        counts = [len([p for p in seated[t] if p not in hosts]) for t in table_ids]
        if max(counts) - min(counts) > 1:
            raise RepairFailed(f"{block['id']} round {r}: the café tables cannot be filled evenly",
                               code="repair-cafe-uneven", block=block["id"], round=r,
                               numbers={"fewest": min(counts), "most": max(counts)})
        for table, members in seated.items():
            for pid in members:
                if hosts.get(pid) != table:
                    visited[pid].add(table)
        result.append(seated)
    return result


def repair_speed(instance: dict, block: dict, seed: int = 0) -> list[list[list[str]]]:
    """A speed-networking block's rounds without the solver, changing few schedules.

    Held rounds are kept; in every later round a published group stays as it was when all its
    members are present (it loses at most its extra member); the others (partners of no-shows,
    walk-ins, late arrivals) are grouped anew: never with someone met before in the block, never a
    forbidden pair, the better-valued partner first. When they cannot be grouped, kept groups are
    opened one at a time. Raises RepairFailed when even that fails. Coverage rules are then planned
    for where that raises the score (`scheduler.cover_search`: a changed schedule costs `change`).
    """
    parsed = parse_instance(dict(instance, blocks=[block]))
    values = PairValues(parsed)
    rng = random.Random(seed)
    size = block.get("group_size", 2)
    fixed = [[list(g) for g in round_] for round_ in (block.get("fixed_rounds") or [])]
    published = block.get("published") or []
    everyone = [p["id"] for p in instance["participants"]]
    allow_repeats = block.get("allow_repeats", False)
    met: set[frozenset] = set()

    def pairs_of(group):
        return [frozenset((a, b)) for i, a in enumerate(group) for b in group[i + 1:]]

    for round_ in fixed:
        for group in round_:
            met.update(pairs_of(group))

    def fits(person: str, group: list[str], taken: set[frozenset]) -> bool:
        return all(not values.forbidden(person, other)
                   and (allow_repeats or frozenset((person, other)) not in taken) for other in group)

    free = range(len(fixed), block["rounds"])
    present = {r: [pid for pid in everyone if present_in(block, pid, r)] for r in free}
    locks = defaultdict(list)
    for lock in block.get("locks", []):
        if lock.get("together") and lock["round"] in present:
            locks[lock["round"]].append(list(lock["together"]))
    kept: dict[int, list[list[str]]] = {}
    for r in free:
        here = set(present[r])
        groups = []
        for group in (published[r] if r < len(published) else []):
            members = [pid for pid in group if pid in here]
            if len(members) >= size and all(fits(p, members[:k], set()) for k, p in enumerate(members)):
                groups.append(members)
        larger = len(here) % size
        while sum(1 for g in groups if len(g) > size) > larger:  # a group too many with an extra member
            groups.remove(next(g for g in groups if len(g) > size))
        kept[r] = groups
    for groups in kept.values():
        for group in groups:
            met.update(pairs_of(group))

    def group_pool(pool: list[str], seeds: list[list[str]], larger: int, taken: set[frozenset]):
        """Groups of ``size`` from pool (``larger`` of them one bigger), or None."""
        for _attempt in range(30):
            order = pool[:]
            rng.shuffle(order)
            groups = [list(s) for s in seeds]
            left = [p for p in order if not any(p in s for s in seeds)]
            options = {p: sum(1 for q in left if q != p and fits(p, [q], taken)) for p in left}
            left.sort(key=lambda p: options[p])
            failed = False
            while left:
                open_group = next((g for g in groups if len(g) < size), None)
                if open_group is None:
                    if len(left) < size and len(left) <= larger:
                        break
                    open_group = [left.pop(0)]
                    groups.append(open_group)
                candidates = [q for q in left if fits(q, open_group, taken)]
                if not candidates:
                    failed = True
                    break
                best = max(candidates, key=lambda q: sum(values.s(q, o) for o in open_group) + rng.random())
                open_group.append(best)
                left.remove(best)
            if failed or any(len(g) < size for g in groups):
                continue
            extra_ok = True
            for person in left:  # the extra members: into groups that can take them
                target = next((g for g in groups if len(g) == size and fits(person, g, taken)), None)
                if target is None:
                    extra_ok = False
                    break
                target.append(person)
            if extra_ok:
                return groups
        return None

    rounds = [list(map(list, round_)) for round_ in fixed]
    for r in free:
        groups = kept[r]
        for together in locks[r]:
            if not any(set(together) <= set(g) for g in groups):
                groups = [g for g in groups if not set(g) & set(together)]
        while True:
            in_groups = {pid for g in groups for pid in g}
            pool = [pid for pid in present[r] if pid not in in_groups]
            seeds = [t for t in locks[r] if set(t) <= set(pool)]
            # pairs met in other rounds stay taken; the pairs of this round's opened groups are free again
            taken = met - {pair for g in kept[r] if g not in groups for pair in pairs_of(g)}
            larger = len(present[r]) % size - sum(1 for g in groups if len(g) > size)
            made = group_pool(pool, seeds, max(larger, 0), taken) if pool else []
            if made is not None:
                break
            if not groups:
                raise RepairFailed(f"{block['id']} round {r}: the {len(present[r])} people present can no "
                                   "longer be grouped without repeats", code="repair-speed-repeats",
                                   block=block["id"], round=r,
                                   numbers={"people": len(present[r]), "group_size": size})
            groups = groups[:]
            groups.pop(rng.randrange(len(groups)))
        for group in kept[r]:
            if group not in groups:
                met.difference_update(pairs_of(group))
        for group in made:
            met.update(pairs_of(group))
        rounds.append(groups + made)
    covered = improve_coverage(parsed, parsed.blocks[0], values, rounds) if block.get("coverage") else None
    return [[list(g) for g in round_] for round_ in covered] if covered else rounds
