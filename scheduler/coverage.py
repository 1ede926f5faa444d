"""Coverage rules of a speed-networking block (spec revision 2, `blocks[].coverage`):
what no plan can meet, and why a plan misses a rule.

`unavoidable_missing(instance, block, values)` counts the coverage meetings
that every plan of the block misses; the bounds subtract `coverage` times
it, so they stay proven upper bounds of the score.  `coverage_bound` is the
most coverage meetings a plan can hold (the bench compares plans with it).
`coverage_reasons` says for every person a plan leaves short why: nobody
matching `meets` is there, fewer of them than asked, only colleagues /
no common language / "not with", too few rounds, too few of them for
everyone (the meeting capacity of the rule), or the plan missed it although
a plan could have met it.

Per rule the count is a flow: each person the rule speaks of needs what the
fixed rounds did not give them; each person matching `meets` takes at most
`group_size - 1` new partners a free round they attend, plus one in a larger
group, and a round holds at most `group_size - 1` larger groups of
`group_size + 1`.  Every plan's meetings fit into this flow, so its maximum
bounds what any plan meets.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from .problem import Instance, SpeedBlock
from .values import PairValues

__all__ = ["RuleReach", "rule_reach", "unavoidable_missing", "coverage_bound", "coverage_reasons",
           "COVERAGE_REASONS"]

# why a person misses meetings of a rule (numbers["reason"] of the "coverage-missed" note)
COVERAGE_REASONS = ("none-present", "few-present", "forbidden", "rounds", "capacity", "plan")


@dataclass
class RuleReach:
    """What one rule can reach in the block."""

    rule: int
    at_least: int
    who: list[str]  # attending people the rule speaks of, instance order
    matching: list[str]  # attending people matching `meets`
    present: dict[str, int] = field(default_factory=dict)  # matching people sharing a round with the person
    possible: dict[str, int] = field(default_factory=dict)  # of those, whom the person may meet
    best: dict[str, int] = field(default_factory=dict)  # most meetings each person alone can reach
    flow: int = 0  # most meetings all of them reach together (beyond the fixed rounds' ones)
    fixed: dict[str, int] = field(default_factory=dict)  # counted meetings already in the fixed rounds
    capacity: int = 0  # new partners the matching people take in the free rounds in groups of group_size

    @property
    def achievable(self) -> int:
        return sum(self.fixed.values()) + self.flow

    @property
    def unavoidable(self) -> int:
        return self.at_least * len(self.who) - self.achievable


def _attending(instance: Instance, block: SpeedBlock) -> list[str]:
    return [p.id for p in instance.participants if any(block.is_present(p.id, r) for r in range(block.rounds))]


def rule_reach(instance: Instance, block: SpeedBlock, values: PairValues | None = None) -> list[RuleReach]:
    """Per coverage rule of the block, what each person and all of them together can reach."""
    if not block.coverage:
        return []
    values = values or PairValues(instance)
    people = {p.id: p for p in instance.participants}
    attending = _attending(instance, block)
    g = block.group_size
    n_fixed = len(block.fixed_rounds)
    free = range(n_fixed, block.rounds)
    rounds_of = {pid: {r for r in range(block.rounds) if block.is_present(pid, r)} for pid in attending}
    free_of = {pid: rounds_of[pid] & set(free) for pid in attending}
    fixed_mates: dict[str, set[str]] = defaultdict(set)
    for groups in block.fixed_rounds:
        for group in groups:
            for pid in group:
                fixed_mates[pid].update(m for m in group if m != pid)
    out = []
    for k, rule in enumerate(block.coverage):
        who = [pid for pid in attending if rule.who.matches(people[pid])]
        matching = [pid for pid in attending if rule.meets.matches(people[pid])]
        reach = RuleReach(k, rule.at_least, who, matching)
        reach.capacity = sum((g - 1) * len(free_of[q]) for q in matching)
        edges: dict[str, list[str]] = {}
        need: dict[str, int] = {}
        for p in who:
            others = [q for q in matching if q != p and rounds_of[p] & rounds_of[q]]
            allowed = [q for q in others if not values.forbidden(p, q)]
            met = [q for q in others if q in fixed_mates[p]]  # as held, even a pair that breaks a rule
            new = [q for q in allowed if q not in fixed_mates[p] and free_of[p] & free_of[q]]
            reach.present[p], reach.possible[p] = len(others), len(allowed)
            reach.fixed[p] = min(rule.at_least, len(met))
            need[p] = min(rule.at_least - reach.fixed[p], len(new), g * len(free_of[p]))
            reach.best[p] = reach.fixed[p] + need[p]
            edges[p] = new
        reach.flow = _max_flow(need, edges, {q: len(free_of[q]) for q in matching}, g, len(free))
        out.append(reach)
    return out


def _max_flow(need: dict[str, int], edges: dict[str, list[str]], rounds: dict[str, int], g: int,
              free_rounds: int) -> int:
    """Source -> person (need) -> matching person (1) -> sink ((g-1) x their rounds), or through the
    pool of larger groups (1 x their rounds; the pool (g-1)(g+1) x free rounds).  Dinic's algorithm."""
    nodes = ["S", "T", "X"] + [("p", p) for p in need] + [("q", q) for q in rounds]
    at = {node: k for k, node in enumerate(nodes)}
    graph: list[list[int]] = [[] for _ in nodes]
    head: list[int] = []  # edge -> target node
    cap: list[int] = []

    def add(a, b, c: int) -> None:
        if c <= 0:
            return
        graph[at[a]].append(len(head))
        head.append(at[b])
        cap.append(c)
        graph[at[b]].append(len(head))
        head.append(at[a])
        cap.append(0)

    for p, amount in need.items():
        add("S", ("p", p), amount)
        for q in edges[p]:
            add(("p", p), ("q", q), 1)
    for q, r in rounds.items():
        add(("q", q), "T", (g - 1) * r)
        add(("q", q), "X", r)
    add("X", "T", (g - 1) * (g + 1) * free_rounds)
    source, sink = at["S"], at["T"]
    total = 0
    while True:
        level = [-1] * len(nodes)
        level[source] = 0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for e in graph[u]:
                if cap[e] > 0 and level[head[e]] < 0:
                    level[head[e]] = level[u] + 1
                    queue.append(head[e])
        if level[sink] < 0:
            return total
        pointer = [0] * len(nodes)

        def push(u: int, limit: int) -> int:
            if u == sink:
                return limit
            while pointer[u] < len(graph[u]):
                e = graph[u][pointer[u]]
                v = head[e]
                if cap[e] > 0 and level[v] == level[u] + 1:
                    got = push(v, min(limit, cap[e]))
                    if got:
                        cap[e] -= got
                        cap[e ^ 1] += got
                        return got
                pointer[u] += 1
            return 0

        while True:
            got = push(source, 1 << 30)
            if not got:
                break
            total += got


def unavoidable_missing(instance: Instance, block: SpeedBlock, values: PairValues | None = None) -> int:
    """Coverage meetings every plan of the block misses (summed over the rules)."""
    return sum(reach.unavoidable for reach in rule_reach(instance, block, values))


def coverage_bound(instance: Instance, block: SpeedBlock, values: PairValues | None = None) -> int:
    """The most coverage meetings a plan of the block can hold: the meetings the rules ask for
    (`at_least` per person they speak of) minus those no plan can meet."""
    return sum(reach.achievable for reach in rule_reach(instance, block, values))


def coverage_reasons(instance: Instance, block: SpeedBlock, values: PairValues,
                     missing: list[tuple[int, str, int]]) -> dict[tuple[int, str], dict]:
    """For each (rule, person) a plan leaves short (`validate.coverage_missing`), why: the numbers
    of the "coverage-missed" note, `reason` one of COVERAGE_REASONS."""
    if not missing:
        return {}
    reaches = rule_reach(instance, block, values)
    free = block.rounds - len(block.fixed_rounds)
    out: dict[tuple[int, str], dict] = {}
    by_rule: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for k, pid, short in missing:
        by_rule[k].append((pid, short))
    for k, shorts in by_rule.items():
        reach = reaches[k]
        rule = block.coverage[k]
        alone_short = sum(rule.at_least - reach.best[p] for p in reach.who)
        shared = reach.unavoidable - alone_short  # misses forced by the rule's capacity, not by one person
        rest = sum(short - (rule.at_least - reach.best.get(p, 0)) for p, short in shorts)
        for pid, short in shorts:
            numbers = {"rule": k, "missing": short, "at_least": rule.at_least,
                       "matching": reach.present.get(pid, 0), "possible": reach.possible.get(pid, 0),
                       "people": len(reach.who), "asked": rule.at_least * len(reach.who),
                       "capacity": reach.capacity, "achievable": reach.achievable, "rounds": free}
            alone = rule.at_least - reach.best.get(pid, 0)
            if pid not in reach.best:
                reason = "plan"
            elif short <= alone:
                reason = _alone_reason(reach, pid, rule.at_least)
            elif shared > 0:
                reason = "capacity"
                numbers["avoidable"] = max(rest - shared, 0)
            else:
                reason = "plan"
            numbers["reason"] = reason
            out[k, pid] = numbers
    return out


def _alone_reason(reach: RuleReach, pid: str, at_least: int) -> str:
    if reach.present[pid] == 0:
        return "none-present"
    if reach.possible[pid] >= at_least:
        return "rounds"  # enough people they may meet, too few rounds (or met the others before)
    if reach.possible[pid] < reach.present[pid]:
        return "forbidden"
    return "few-present"
