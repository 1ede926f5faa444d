"""A first valid plan for any block, fast, whatever the mix of languages,
colleagues and tables: the constructive start that the searches improve.

Speed networking, round by round: locked groups first, then groups grown
around the person with the fewest possible partners left, then the people
left over join a group as its extra member where the group sizes allow it,
and only those who still have no group sit the round out (a *pause*).  For
pairs the matching is maximal and then augmented along short paths, so a
person pauses only where nobody they may meet is free.

Pro-Action-Café, round by round: a minimum-cost flow seats every guest at a
table in a language they speak within its seats; a table they sat at before
costs `revisit`, a guest beyond even filling costs `balance`, ranked choices
and meeting the host count as gains.  When no flow seats everyone, no plan
exists at all (`Infeasible`, naming the round, the figures and the people).

Both are deterministic for a seed and do a bounded number of steps, so the
same seed gives the same start on a busy machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from .bounds import unavoidable_pauses
from .problem import CafeBlock, Infeasible, Instance, SpeedBlock
from .validate import REASON_CODES
from .values import PairValues

__all__ = ["SpeedStart", "start_speed", "start_cafe", "SPEED_ATTEMPTS"]

SPEED_ATTEMPTS = 3  # orderings tried; the one with the fewest pauses (then the best value) wins
FLOW_SCALE = 100  # café costs are integers: score units times this


def _names(instance: Instance, ids) -> str:
    return ", ".join(instance.who(pid) for pid in ids)


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
                        f"{self.block.id} round {t}: the lock of {_names(self.instance, [ids[i] for i in group])} "
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
                raise Infeasible(f"{block.id} round {t}: {_names(instance, absent)} is locked into a group "
                                 "but not present", code="lock-absent", block=block.id, round=t,
                                 participants=tuple(absent))
            if len(people) > block.group_size + 1:
                raise Infeasible(f"{block.id} round {t}: locks put {len(people)} people ({_names(instance, people)}) "
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
# Pro-Action-Café


def start_cafe(instance: Instance, block: CafeBlock, values: PairValues) -> list[dict[str, list[str]]]:
    """A valid seating of every round (fixed rounds as given), round by round
    by minimum-cost flow.  Raises Infeasible when no seating exists."""
    from ortools.graph.python import min_cost_flow

    w = instance.weights
    people = {p.id: p for p in instance.participants}
    tables = list(block.tables)
    T = len(tables)
    hosts = {t.host: k for k, t in enumerate(tables) if t.host is not None}
    for k, table in enumerate(tables):
        if table.host is not None and table.language and table.language not in people[table.host].languages:
            raise Infeasible(f"{block.id}: host {instance.who(table.host)} does not speak {table.language}, "
                             f"the language of their table {table.id}", code="host-language", block=block.id,
                             participants=(table.host,), numbers={"table": table.id, "language": table.language})
    visited: dict[str, set[int]] = {}
    met: set[tuple[str, str]] = set()
    table_index = {t.id: k for k, t in enumerate(tables)}
    rounds: list[dict[str, list[str]]] = []

    def remember(seating: dict[str, list[str]]) -> None:
        for tid, seated in seating.items():
            k = table_index[tid]
            for pid in seated:
                if hosts.get(pid) != k:
                    visited.setdefault(pid, set()).add(k)
            met.update((a, b) for a in seated for b in seated if a != b)

    for seating in block.fixed_rounds:
        rounds.append({tid: list(seated) for tid, seated in seating.items()})
        remember(seating)
    for r in range(len(block.fixed_rounds), block.rounds):
        present_order = instance.present_in(block, r)
        present = set(present_order)
        seating = {t.id: ([t.host] if t.host is not None and t.host in present else []) for t in tables}
        guests = [pid for pid in present_order if pid not in hosts]
        room = [t.seats - len(seating[t.id]) for t in tables]
        locked: dict[str, int] = {}
        for lock in block.locks:
            if lock.round != r:
                continue
            k, pid = table_index[lock.table], lock.participant
            _check_cafe_lock(instance, block, lock, k, present, hosts, locked, people)
            if pid not in hosts:
                locked[pid] = k
        options = {pid: [k for k, t in enumerate(tables) if not t.language or t.language in people[pid].languages]
                   for pid in guests}
        for pid in guests:
            if pid in locked:
                options[pid] = [locked[pid]]
        nobody = [pid for pid in guests if not options[pid]]
        if nobody:
            languages = sorted({t.language for t in tables if t.language})
            raise Infeasible(f"{block.id} round {r}: {_names(instance, nobody)} speak(s) none of the tables' "
                             f"languages ({', '.join(languages)})", code="cafe-no-language", block=block.id,
                             round=r, participants=tuple(nobody), numbers={"languages": languages})
        G = len(guests)
        even = -(-G // T) if T else 0
        published = ({pid: table_index[tid] for tid, seated in block.published[r].items() for pid in seated}
                     if block.published is not None else {})
        # At a table of any language a guest will sit with about `even` others; each one they share no
        # language with costs `forbidden`: a guest who speaks only a rare language goes to a table held in it.
        profiles: dict[frozenset, int] = {}
        for pid in guests:
            profiles[people[pid].languages] = profiles.get(people[pid].languages, 0) + 1
        strangers = {pid: sum(c for langs, c in profiles.items() if not (langs & people[pid].languages))
                     / max(G - 1, 1) for pid in guests}
        flow = min_cost_flow.SimpleMinCostFlow()
        source, sink = 0, 1 + G + T
        for g_k, pid in enumerate(guests):
            flow.add_arc_with_capacity_and_unit_cost(source, 1 + g_k, 1, 0)
            ranked = block.preferences.get(pid, ())
            for k in options[pid]:
                gain = 0.0
                if tables[k].id in ranked and ranked.index(tables[k].id) < len(w.preference):
                    gain += w.preference[ranked.index(tables[k].id)]
                host = tables[k].host
                if host is not None and host in present and (pid, host) not in met:
                    gain += values.s(pid, host)
                if published.get(pid) == k:
                    gain += w.change  # re-planning: keeping the table people were sent to saves a change
                cost = -gain + (w.revisit if k in visited.get(pid, ()) else 0)
                if not tables[k].language:
                    cost += w.forbidden * strangers[pid] * min(room[k], even)
                flow.add_arc_with_capacity_and_unit_cost(1 + g_k, 1 + G + k, 1, round(cost * FLOW_SCALE))
        for k in range(T):
            within = max(0, min(room[k], even))
            flow.add_arc_with_capacity_and_unit_cost(1 + G + k, sink, within, 0)
            if room[k] > within:
                flow.add_arc_with_capacity_and_unit_cost(1 + G + k, sink, room[k] - within,
                                                         round(w.balance * FLOW_SCALE))
        flow.set_node_supply(source, G)
        flow.set_node_supply(sink, -G)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL or flow.maximum_flow() < G:
            raise _no_seats(instance, block, r, guests, options, room, flow, tables)
        for arc in range(flow.num_arcs()):
            tail, head = flow.tail(arc), flow.head(arc)
            if 1 <= tail <= G and flow.flow(arc):
                seating[tables[head - 1 - G].id].append(guests[tail - 1])
        _part_forbidden_pairs(instance, block, values, seating, options, set(locked), visited, table_index)
        rounds.append(seating)
        remember(seating)
    return rounds


SWAP_PASSES = 2  # passes over the guests who sit with someone they may not meet


def _part_forbidden_pairs(instance, block, values, seating, options, locked, visited, table_index) -> None:
    """Swap guests between tables (or move one to a table with room within even filling) where that
    parts colleagues, "not with" pairs and people without a common language, revisits counted."""
    w = instance.weights
    index, forbid = values.index, values.is_forbidden
    tables = list(block.tables)
    hosts = {t.host for t in tables}
    members = [[index[p] for p in seating[t.id]] for t in tables]
    table_of = {i: k for k, seated in enumerate(members) for i in seated}
    guests = [i for seated in members for i in seated if values.ids[i] not in hosts]
    even = -(-len(guests) // len(tables))
    option_sets = {index[pid]: set(ks) for pid, ks in options.items()}
    room = [t.seats for t in tables]
    movable = [i for i in guests if values.ids[i] not in locked]
    movable_set = set(movable)

    def clash(i: int, seated, skip: int = -1) -> int:
        row = forbid[i]
        return sum(1 for j in seated if j != i and j != skip and row[j])

    def again(i: int, k: int) -> int:
        return 1 if k in visited.get(values.ids[i], ()) else 0

    for _ in range(SWAP_PASSES):
        changed = False
        for u in movable:
            a = table_of[u]
            cu = clash(u, members[a])
            if not cu:
                continue
            best, best_move = 0.0, None
            for k in option_sets[u]:
                if k == a:
                    continue
                base = w.forbidden * (clash(u, members[k]) - cu) + w.revisit * (again(u, k) - again(u, a))
                guests_k = sum(1 for j in members[k] if values.ids[j] not in hosts)
                if len(members[k]) < room[k] and guests_k < even and base < best:
                    best, best_move = base, (u, None, k)
                for v in members[k]:
                    if v not in movable_set or a not in option_sets[v]:
                        continue
                    d = (w.forbidden * (clash(u, members[k], skip=v) - cu + clash(v, members[a], skip=u)
                                        - clash(v, members[k]))
                         + w.revisit * (again(u, k) - again(u, a) + again(v, a) - again(v, k)))
                    if d < best:
                        best, best_move = d, (u, v, k)
            if best_move is not None:
                u, v, k = best_move
                members[a].remove(u)
                members[k].append(u)
                table_of[u] = k
                if v is not None:
                    members[k].remove(v)
                    members[a].append(v)
                    table_of[v] = a
                changed = True
        if not changed:
            break
    for k, table in enumerate(tables):
        seating[table.id] = [values.ids[i] for i in members[k]]


def _check_cafe_lock(instance, block, lock, k, present, hosts, locked, people) -> None:
    pid, table = lock.participant, block.tables[k]
    where = f"{block.id} round {lock.round}: {instance.who(pid)} is locked to table {lock.table}"
    details = dict(code="lock-cafe", block=block.id, round=lock.round, participants=(pid,),
                   numbers={"table": lock.table})
    if pid not in present:
        raise Infeasible(f"{where} but not present", **dict(details, code="lock-absent"))
    if pid in hosts and hosts[pid] != k:
        raise Infeasible(f"{where} but hosts table {block.tables[hosts[pid]].id}",
                         **dict(details, code="lock-host"))
    if locked.get(pid, k) != k:
        raise Infeasible(f"{where} and to table {block.tables[locked[pid]].id}",
                         **dict(details, code="lock-conflict"))
    if table.language and table.language not in people[pid].languages:
        raise Infeasible(f"{where} but does not speak its language ({table.language})",
                         **dict(details, code="lock-language"))


def _no_seats(instance, block, r, guests, options, room, flow, tables) -> Infeasible:
    """Why no seating exists in round r: too few seats, or too few at the tables some guests may sit at."""
    seats, people = sum(t.seats for t in tables), len(instance.present_in(block, r))
    if sum(room) < len(guests):
        return Infeasible(f"{block.id} round {r}: {len(tables)} tables with {seats} seats < {people} people present",
                          code="cafe-seats", block=block.id, round=r,
                          numbers={"tables": len(tables), "seats": seats, "people": people})
    G = len(guests)
    seated = {flow.tail(arc) - 1 for arc in range(flow.num_arcs())
              if 1 <= flow.tail(arc) <= G and flow.flow(arc)}
    unseated = [guests[g] for g in range(G) if g not in seated]
    reachable = sorted({k for pid in unseated for k in options[pid]})
    names = [tables[k].id for k in reachable]
    free = sum(room[k] for k in reachable)
    wanting = sum(1 for pid in guests if set(options[pid]) <= set(reachable))
    return Infeasible(f"{block.id} round {r}: the tables {', '.join(names)} (the ones "
                      f"{_names(instance, unseated)} may sit at) have {free} guest seats for {wanting} guests "
                      "who may sit only there", code="cafe-language-seats", block=block.id, round=r,
                      participants=tuple(unseated), numbers={"tables": names, "seats": free, "people": wanting})
