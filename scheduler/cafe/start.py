"""The café's constructive start: a first valid seating of every round, fast,
whatever the mix of languages, colleagues and tables.

Round by round, a minimum-cost flow seats every guest at a table in a
language they speak within its seats; a table they sat at before costs
`revisit`, a guest beyond even filling costs `balance`, ranked choices and
meeting the host count as gains.  When no flow seats everyone, no plan exists
at all (`Infeasible`, naming the round, the figures and the people).
Deterministic, with a bounded number of steps: the same start on a busy
machine.
"""

from __future__ import annotations

from ..problem import CafeBlock, Infeasible, Instance
from ..values import PairValues

__all__ = ["start_cafe"]

FLOW_SCALE = 100  # café costs are integers: score units times this


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
            raise Infeasible(f"{block.id} round {r}: {instance.who_all(nobody)} speak(s) none of the tables' "
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
                      f"{instance.who_all(unseated)} may sit at) have {free} guest seats for {wanting} guests "
                      "who may sit only there", code="cafe-language-seats", block=block.id, round=r,
                      participants=tuple(unseated), numbers={"tables": names, "seats": free, "people": wanting})
