"""Round-by-round maximum-weight matching: the baseline and the fallback.

Each round in turn gets a maximum-weight perfect matching among the pairs
that have not met yet, found with the matching LP and odd-set (blossom)
cuts; when the head-count is odd, the one left over joins the pair that
gains most.  Greedy over rounds, so it can miss the optimum.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from itertools import combinations

import numpy as np
from ortools.linear_solver import pywraplp

from .model import triangles_in
from .problem import Edge, PairsProblem

MAX_CUTS = 40  # odd-set cuts before rounding instead (the result is then unproven)
ODD_ONE_OUT = -1
TRIOS_TRIED = 5  # trios tried when the odd one out fits no pair  # a stand-in partner for whoever will join the trio


def max_weight_matching(people: list[int], value: dict[Edge, float], deadline: float,
                        forced: list[Edge] = (), start: int | None = 6) -> list[Edge] | None:
    """A perfect matching of `people` over the pairs in `value` with the
    largest total value, or None if there is none (or time ran out).

    The matching LP plus violated odd-set inequalities found on the odd
    components of the fractional support; an integral LP optimum is a
    maximum-weight matching.  The LP begins with everyone's `start` best
    pairs (doubled while that leaves someone without a partner) and adds
    pairs whose reduced cost (odd-set duals included) is positive.
    If no violated cut is found, the LP's values are rounded greedily (rare;
    the result is then not proven optimal)."""
    # values are whole numbers: tiny distinct perturbations (summing to less
    # than one over any matching) break ties without changing what is optimal,
    # and spare the LP the many equally good fractional vertices
    rng = random.Random(len(people))
    jitter = 0.4 / max(len(people), 1)
    value = {e: v + jitter * rng.random() for e, v in sorted(value.items())}
    lp = _MatchingLP(people, value, forced)
    k = start or len(people)
    lp.add(sorted(_best_partners(value, k) | set(forced)))
    x: dict[Edge, float] = {}
    while True:
        lp.solver.SetTimeLimit(max(int((deadline - time.monotonic()) * 1000), 1))
        status = lp.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            if len(lp.pairs) < len(value) and time.monotonic() < deadline:
                k *= 2  # the pairs so far cannot seat everyone
                lp.add(sorted(_best_partners(value, k)))
                continue
            return _round_greedily(people, value, x) if x else None  # out of time: round the last LP
        entering = lp.entering()
        if entering:
            lp.add(entering)
            continue
        x = {e: var.solution_value() for e, var in lp.pairs.items()}
        if time.monotonic() > deadline:
            return _round_greedily(people, value, x)
        fractional = [e for e, v in x.items() if 1e-6 < v < 1 - 1e-6]
        if not fractional:
            return sorted(e for e, v in x.items() if v > 0.5)
        cuts = _odd_set_cuts(fractional, x)
        if not cuts or len(lp.cuts) > MAX_CUTS:
            return _round_greedily(people, value, x)
        for members in cuts:
            lp.cut(members)


class _MatchingLP:
    def __init__(self, people: list[int], value: dict[Edge, float], forced):
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.value = value
        self.forced = set(forced)
        self.objective = self.solver.Objective()
        self.objective.SetMaximization()
        self.degree = {i: self.solver.Constraint(1, 1) for i in people}
        self.pairs: dict[Edge, pywraplp.Variable] = {}
        self.cuts: list[tuple[set[int], pywraplp.Constraint]] = []

    def add(self, edges: list[Edge]) -> None:
        for e in edges:
            if e in self.pairs:
                continue
            var = self.pairs[e] = self.solver.NumVar(1 if e in self.forced else 0, 1, "")
            self.objective.SetCoefficient(var, self.value[e])
            for i in e:
                self.degree[i].SetCoefficient(var, 1)
            for members, row in self.cuts:
                if e[0] in members and e[1] in members:
                    row.SetCoefficient(var, 1)

    def cut(self, members: set[int]) -> None:
        row = self.solver.Constraint(-self.solver.infinity(), (len(members) - 1) // 2)
        for (a, b), var in self.pairs.items():
            if a in members and b in members:
                row.SetCoefficient(var, 1)
        self.cuts.append((members, row))

    def entering(self, most: int = 400) -> list[Edge]:
        """Pairs outside the LP with a positive reduced cost, best first."""
        dual = {i: row.dual_value() for i, row in self.degree.items()}
        cut_duals = [(members, row.dual_value()) for members, row in self.cuts]
        found = []
        for e, v in self.value.items():
            if e in self.pairs:
                continue
            rc = v - dual[e[0]] - dual[e[1]]
            for members, y in cut_duals:
                if y and e[0] in members and e[1] in members:
                    rc -= y
            if rc > 1e-7:
                found.append((-rc, e))
        return [e for _rc, e in sorted(found)[:most]]


def _odd_set_cuts(fractional: list[Edge], x: dict[Edge, float]) -> list[set[int]]:
    """Odd components of the fractional support whose pairs sum to more
    than a matching allows."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in fractional:
        parent[find(a)] = find(b)
    components: dict[int, set[int]] = defaultdict(set)
    for i in list(parent):
        components[find(i)].add(i)
    cuts = []
    for members in components.values():
        inside = sum(v for (a, b), v in x.items() if v > 1e-6 and a in members and b in members)
        if len(members) % 2 == 1 and inside > (len(members) - 1) / 2 + 1e-6:
            cuts.append(members)
    return cuts


def _round_greedily(people: list[int], value: dict[Edge, float], x: dict[Edge, float]) -> list[Edge] | None:
    """Pairs by LP value, then by value; whoever is left is seated by swaps."""
    order = sorted(value, key=lambda e: (-x.get(e, 0.0), -value[e], e))
    partner: dict[int, int] = {}
    for a, b in order:
        if a not in partner and b not in partner:
            partner[a], partner[b] = b, a
    left = sorted(set(people) - set(partner))
    allowed = set(value)
    while left:
        u = left.pop()
        if not _swap_in(u, left, partner, set(), allowed):
            return None
    return sorted({(min(a, b), max(a, b)) for a, b in partner.items()})


def plan_round_by_round(problem: PairsProblem, deadline: float,
                        prefer: set[Edge] = frozenset()) -> dict[int, list[tuple[int, ...]]] | None:
    """Groups (as index tuples) for every free round, or None when a round
    cannot be completed.  Pairs in `prefer` (e.g. a b-matching's, which
    give everyone enough partners over all rounds) come before all others."""
    used: set[Edge] = set()
    bonus = _published_bonus(problem)
    if prefer:
        top = max((abs(v) for v in problem.edge_value.values()), default=0) + 3 * problem.change_cost
        for t in problem.free_rounds:
            extra = bonus.setdefault(t, {})
            for e in prefer:
                extra[e] = extra.get(e, 0) + 10 * top + 1
    rounds: dict[int, list[tuple[int, ...]]] = {}
    for k, t in enumerate(problem.free_rounds):
        if time.monotonic() >= deadline:
            return None
        round_deadline = time.monotonic() + (deadline - time.monotonic()) / (len(problem.free_rounds) - k)
        groups = _best_round(problem, t, used, bonus.get(t, {}), round_deadline)
        if groups is None:
            return None
        rounds[t] = groups
        for group in groups:
            used.update(combinations(group, 2))
    return rounds


def _best_round(problem: PairsProblem, t: int, used: set[Edge], bonus: dict, deadline: float):
    here = set(problem.present[t])
    if not here:
        return []
    allowed = {}
    for e in problem.edges:
        if e[0] in here and e[1] in here:
            if e not in used:
                allowed[e] = problem.edge_value[e]
            elif problem.block.allow_repeats:
                allowed[e] = -problem.repeat_cost
    locked_trio = next((g for g in problem.locks.get(t, []) if len(g) == 3), None)
    people = sorted(here - set(locked_trio or ()))
    value = {e: v + bonus.get(e, 0) for e, v in allowed.items() if e[0] in people and e[1] in people}
    forced = [g for g in problem.locks.get(t, []) if len(g) == 2]
    for e in forced:
        value.setdefault(e, problem.edge_value[e])
    if len(people) % 2 == 0:
        matching = max_weight_matching(people, value, deadline, forced)
        return None if matching is None else sorted(matching + ([locked_trio] if locked_trio else []))
    return _round_with_trio(problem, people, value, allowed, forced, deadline)


def _round_with_trio(problem, people, value, allowed, forced, deadline):
    """Odd head-count: a stand-in partner takes whoever the matching can
    best spare, who then joins the pair they add most to; if they fit no
    pair, the most valuable trios are tried one by one instead."""
    locked = {i for e in forced for i in e}
    with_stand_in = dict(value)
    for i in people:
        if i not in locked:
            with_stand_in[ODD_ONE_OUT, i] = 0
    matching = max_weight_matching([ODD_ONE_OUT] + people, with_stand_in, deadline, forced)
    if matching is None:
        return None
    pairs = [e for e in matching if ODD_ONE_OUT not in e]
    alone = next(e[1] for e in matching if e[0] == ODD_ONE_OUT)
    joined = _join_best_pair(alone, pairs, allowed)
    if joined is not None:
        return sorted([g for g in pairs if g != joined[1]] + [joined[0]])
    trios = [k for k in triangles_in(_best_partners(value, 8) & set(allowed), people)
             if not locked & set(k)]
    trios.sort(key=lambda k: (-sum(value[e] for e in combinations(k, 2)), k))
    for trio in trios[:TRIOS_TRIED]:
        rest = [i for i in people if i not in trio]
        matching = max_weight_matching(rest, {e: v for e, v in value.items() if e[0] in rest and e[1] in rest},
                                       deadline, forced)
        if matching is not None:
            return sorted(matching + [trio])
    return None


def _best_partners(value: dict[Edge, float], k: int) -> set[Edge]:
    by_person: dict[int, list[Edge]] = defaultdict(list)
    for e in value:
        by_person[e[0]].append(e)
        by_person[e[1]].append(e)
    out: set[Edge] = set()
    for edges in by_person.values():
        edges.sort(key=lambda e: (-value[e], e))
        out.update(edges[:k])
    return out


def _join_best_pair(alone: int, groups, allowed: dict[Edge, int]):
    """The pair `alone` adds most to (both new pairs allowed): (trio, pair)."""
    best = None
    for pair in groups:
        if len(pair) != 2:
            continue
        links = [tuple(sorted((alone, i))) for i in pair]
        if all(link in allowed for link in links):
            gain = sum(allowed[link] for link in links)
            if best is None or (gain, pair) > (best[0], best[2]):
                best = (gain, tuple(sorted(pair + (alone,))), pair)
    return None if best is None else (best[1], best[2])


def partner_ranking(problem: PairsProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Everyone's pairs, most valuable first: (rank within the person, pair index in edges, person)."""
    top_partners(problem, 0)
    return problem.__dict__["_partner_ranking"]


def top_partners(problem: PairsProblem, k: int) -> set[Edge]:
    """Each person's k most valuable pairs (ties by index, for determinism).
    The ranking of everyone's pairs is sorted once per problem, with numpy."""
    ranking = problem.__dict__.get("_partner_ranking")
    if ranking is None:
        edges = problem.edges
        count = len(edges)
        ends, values = problem.edge_array(), problem.edge_values()
        person = np.concatenate((ends[:, 0], ends[:, 1]))
        index = np.concatenate((np.arange(count), np.arange(count)))
        order = np.lexsort((index, -np.concatenate((values, values)), person))
        person, index = person[order], index[order]
        first = np.searchsorted(person, person)  # where each person's run begins
        ranking = problem.__dict__["_partner_ranking"] = (np.arange(len(person)) - first, index, person)
    rank, index, _person = ranking
    return {problem.edges[k] for k in np.unique(index[rank < k]).tolist()}


def _published_bonus(problem: PairsProblem) -> dict[int, dict[Edge, int]]:
    """Keeping a published pair unchanged saves `change` for both people."""
    bonus: dict[int, dict[Edge, int]] = {}
    for group in problem.published:
        if len(group.members) == 2:
            bonus.setdefault(group.round, {})[group.edges[0]] = 2 * problem.change_cost
    return bonus


def plan_greedily(problem: PairsProblem, allowed: set[Edge] | None = None,
                  prefer: set[Edge] = frozenset(),
                  deadline: float | None = None) -> dict[int, list[tuple[int, ...]]] | None:
    """A fast constructive plan: per round, the most valuable unused pairs
    (those in `prefer` first), then swaps to seat whoever is left; the odd
    one out joins the pair that gains most.  None when a round cannot be
    completed this way, or when the monotonic `deadline` passes first."""
    edges = problem.edges if allowed is None else sorted(allowed)
    ranked = _ranked(edges, problem.edge_value, prefer)
    usable = set(edges) if allowed is not None else problem.edge_value
    used: set[Edge] = set()
    rounds = {}
    repeats = problem.block.allow_repeats
    for t in problem.free_rounds:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        here = set(problem.present[t])
        fresh = (e for e in ranked if e[0] in here and e[1] in here and (repeats or e not in used))
        try:
            groups = _greedy_round(problem, t, here, _until(fresh, deadline),
                                   _Unused(usable, set() if repeats else used))
        except _TimeUp:
            return None
        if groups is None:
            return None
        rounds[t] = groups
        for group in groups:
            used.update(combinations(group, 2))
    return rounds


class _TimeUp(Exception):
    pass


def _until(items, deadline: float | None, every: int = 8192):
    """The items, with a look at the clock every `every` of them: _TimeUp once `deadline` passed."""
    if deadline is None:
        yield from items
        return
    for k, item in enumerate(items):
        if k % every == 0 and time.monotonic() >= deadline:
            raise _TimeUp
        yield item


class _Unused:
    """`e in` it: e is usable and not used yet (without copying the large set of usable pairs)."""

    def __init__(self, usable, used: set[Edge]):
        self.usable, self.used = usable, used

    def __contains__(self, e: Edge) -> bool:
        return e in self.usable and e not in self.used


def _ranked(edges: list[Edge], value: dict[Edge, int], prefer: set[Edge]) -> list[Edge]:
    """`edges` (sorted) by: in `prefer` first, then most valuable, then in order; sorted with numpy."""
    if not edges:
        return []
    values = np.fromiter((value[e] for e in edges), dtype=np.int64, count=len(edges))
    later = np.fromiter((e not in prefer for e in edges), dtype=bool, count=len(edges)) if prefer else \
        np.zeros(len(edges), dtype=bool)
    order = np.lexsort((np.arange(len(edges)), -values, later))
    return [edges[k] for k in order.tolist()]


def _greedy_round(problem: PairsProblem, t: int, here: set[int], ranked,
                  allowed) -> list[tuple[int, ...]] | None:
    partner: dict[int, int] = {}
    trio: tuple[int, ...] | None = None
    for group in problem.locks.get(t, []):
        if len(group) == 3:
            trio = group
        else:
            partner[group[0]], partner[group[1]] = group[1], group[0]
    taken = set(partner) | set(trio or ())
    locked = set(taken)
    for a, b in ranked:
        if a not in taken and b not in taken:
            partner[a], partner[b] = b, a
            taken.update((a, b))
            if len(taken) >= len(here) - 1:
                break  # at most one left: no pair remains
    left = sorted(here - taken)
    if trio is None and len(left) % 2 == 1:
        trio_person = left.pop()  # seated into a trio at the end
    else:
        trio_person = None
    while left:
        u = left.pop()
        for v in left:
            if (min(u, v), max(u, v)) in allowed:
                partner[u], partner[v] = v, u
                left.remove(v)
                break
        else:
            if not _swap_in(u, left, partner, locked, allowed):
                return None
    pairs = sorted({(min(a, b), max(a, b)) for a, b in partner.items()})
    if trio_person is not None:
        best = max((e for e in pairs if e[0] not in locked and (min(e[0], trio_person), max(e[0], trio_person)) in allowed
                    and (min(e[1], trio_person), max(e[1], trio_person)) in allowed),
                   key=lambda e: (problem.values.value[e[0]][trio_person] + problem.values.value[e[1]][trio_person], e),
                   default=None)
        if best is None:
            return None
        pairs.remove(best)
        trio = tuple(sorted(best + (trio_person,)))
    return sorted(pairs + ([trio] if trio else []))


def _swap_in(u: int, left: list[int], partner: dict[int, int], locked: set[int], allowed: set[Edge]) -> bool:
    """Seat u and one other unseated person v by splitting a pair (a, b)
    into (u, a) and (v, b)."""
    for v in left:
        for a, b in list(partner.items()):
            if a in locked or b in locked:
                continue
            if (min(u, a), max(u, a)) in allowed and (min(v, b), max(v, b)) in allowed:
                partner[u], partner[a], partner[v], partner[b] = a, u, b, v
                left.remove(v)
                return True
    return False
