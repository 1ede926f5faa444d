"""Planning for coverage rules: a deterministic local search run after a
speed-networking block's search (pairs and groups alike, re-planning
included), on the true score.

For every person a rule leaves short, in a fixed order, it tries within one
free round to bring them together with someone matching `meets` whom they
have not met: exchange that person with a member of the short person's
group (or the other way round), or move them over where a larger group
becomes a regular one and the other way round.  A move keeps every hard
rule (no forbidden pair, no repeat unless allowed, locked people stay,
fixed rounds and pauses untouched, group sizes as they were) and is taken
only when it raises the score: pair values, repeats, changes against the
published plan and every rule's missed meetings counted exactly.  The best
move for a person is applied, passes repeat until none helps or the counted
moves run out: the same seed, the same plan on any machine.  The result is
checked from scratch and kept only when valid and better.
"""

from __future__ import annotations

import time
from collections import defaultdict
from itertools import combinations

from .problem import Instance, Plan, SpeedBlock
from .validate import score_plan, validate_plan
from .values import PairValues

__all__ = ["improve_coverage", "COVER_MOVES_PER_SEAT"]

COVER_MOVES_PER_SEAT = 40  # moves weighed per person and round of the block


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


class _CoverState:
    def __init__(self, instance: Instance, block: SpeedBlock, values: PairValues, rounds):
        self.block, self.values = block, values
        w = instance.weights
        self.w_repeat, self.w_change, self.w_cover = float(w.repeat), float(w.change), float(w.coverage)
        index = values.index
        self.groups = [[[index[p] for p in group] for group in groups] for groups in rounds]
        self.where = [{i: k for k, group in enumerate(groups) for i in group} for groups in self.groups]
        self.count: dict[tuple[int, int], int] = defaultdict(int)
        for groups in self.groups:
            for group in groups:
                for a, b in combinations(group, 2):
                    self.count[_key(a, b)] += 1
        self.locked = [set() for _ in rounds]
        for lock in block.locks:
            if lock.round < len(rounds):
                self.locked[lock.round].update(index[p] for p in lock.together if p in index)
        self.sent: list[dict[int, frozenset]] = []
        for r, groups in enumerate(block.published or ()):
            self.sent.append({index[p]: frozenset(index[m] for m in group if m != p) for group in groups
                              for p in group if p in index})
        people = instance.participants
        attending = {index[p.id] for p in people if any(block.is_present(p.id, r) for r in range(block.rounds))}
        self.rules = []  # (at_least, who set, meets flags)
        for rule in block.coverage:
            who = {index[p.id] for p in people if rule.who.matches(p)} & attending
            meets = [rule.meets.matches(p) for p in people]
            self.rules.append((rule.at_least, who, meets))
        self.rules_of: dict[int, list[int]] = defaultdict(list)  # person -> the rules speaking of them
        for k, (_at_least, who, _meets) in enumerate(self.rules):
            for i in who:
                self.rules_of[i].append(k)
        self.rules_of = dict(self.rules_of)
        self.cover = [defaultdict(int) for _ in self.rules]  # distinct matching partners per person
        for (a, b), c in self.count.items():
            self._tally(a, b, +1, self.cover)

    def _tally(self, a: int, b: int, sign: int, into) -> None:
        for k in self.rules_of.get(a, ()):
            if self.rules[k][2][b]:
                into[k][a] += sign
        for k in self.rules_of.get(b, ()):
            if self.rules[k][2][a]:
                into[k][b] += sign

    def short(self) -> list[tuple[int, int]]:
        return [(k, p) for k, (at_least, who, _m) in enumerate(self.rules) for p in sorted(who)
                if self.cover[k][p] < at_least]

    def delta(self, t: int, g1: int, g2: int, new1: list[int], new2: list[int]) -> float | None:
        """The score change of replacing groups g1, g2 of round t by new1, new2 (None: breaks a hard rule)."""
        old1, old2 = self.groups[t][g1], self.groups[t][g2]
        old = {_key(a, b) for group in (old1, old2) for a, b in combinations(group, 2)}
        new = {_key(a, b) for group in (new1, new2) for a, b in combinations(group, 2)}
        value, forbidden = self.values.value, self.values.is_forbidden
        gain = 0.0
        changes: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for a, b in new - old:
            if forbidden[a][b]:
                return None
            if self.count[a, b]:
                if not self.block.allow_repeats:
                    return None
                gain -= self.w_repeat
            else:
                gain += value[a][b]
                self._tally(a, b, +1, changes)
        for a, b in old - new:
            if self.count[a, b] > 1:
                gain += self.w_repeat
            else:
                gain -= value[a][b]
                self._tally(a, b, -1, changes)
        for k, moved in changes.items():
            at_least = self.rules[k][0]
            for person, d in moved.items():
                if d:
                    c = self.cover[k][person]
                    gain -= self.w_cover * (max(0, at_least - c - d) - max(0, at_least - c))
        if t < len(self.sent):
            sent = self.sent[t]
            for old_group, new_group in ((old1, new1), (old2, new2)):
                for i in new_group:
                    if i in sent:
                        before_group = old1 if i in old1 else old2
                        before = sent[i] != frozenset(before_group) - {i}
                        after = sent[i] != frozenset(new_group) - {i}
                        gain -= self.w_change * (after - before)
        return gain

    def apply(self, t: int, g1: int, g2: int, new1: list[int], new2: list[int]) -> None:
        old = [(a, b) for group in (self.groups[t][g1], self.groups[t][g2]) for a, b in combinations(group, 2)]
        for a, b in old:
            self.count[_key(a, b)] -= 1
            if not self.count[_key(a, b)]:
                self._tally(a, b, -1, self.cover)
        for a, b in [(a, b) for group in (new1, new2) for a, b in combinations(group, 2)]:
            if not self.count[_key(a, b)]:
                self._tally(a, b, +1, self.cover)
            self.count[_key(a, b)] += 1
        self.groups[t][g1], self.groups[t][g2] = new1, new2
        for k, group in ((g1, new1), (g2, new2)):
            for i in group:
                self.where[t][i] = k

    def moves(self, t: int, p: int, q: int):
        """Ways to seat p and q together in round t: (g1, g2, new g1, new g2)."""
        g1, g2 = self.where[t][p], self.where[t][q]
        one, two = self.groups[t][g1], self.groups[t][g2]
        size = self.block.group_size
        locked = self.locked[t]
        for mover, stays, home, away, hk, ak in ((q, p, one, two, g1, g2), (p, q, two, one, g2, g1)):
            if mover in locked:
                continue
            for x in home:
                if x != stays and x not in locked:
                    yield hk, ak, [mover if m == x else m for m in home], [x if m == mover else m for m in away]
            if len(home) == size and len(away) == size + 1:
                yield hk, ak, home + [mover], [m for m in away if m != mover]


def improve_coverage(instance: Instance, block: SpeedBlock, values: PairValues, rounds, pauses=None, *,
                     moves: int | None = None, deadline: float | None = None) -> list | None:
    """The block's rounds (ids, fixed rounds included) with more coverage where that raises the
    score, or None when nothing better was found.  `moves` counts the moves weighed."""
    if not block.coverage or not rounds:
        return None
    search = _Search(_CoverState(instance, block, values, rounds),
                     moves if moves is not None else COVER_MOVES_PER_SEAT * len(values.ids) * block.rounds, deadline)
    search.run()
    search.polish()
    ids = values.ids
    found = [[tuple(ids[i] for i in group) for group in groups] for groups in search.state.groups]
    return found if _better(instance, block, values, rounds, found, pauses) else None


CHAIN_TRIES = 6  # moves that leave someone else short, each tried with the best move for them


class _Search:
    def __init__(self, state: _CoverState, budget: int, deadline: float | None):
        self.state, self.budget, self.deadline = state, budget, deadline
        self.weighed = 0
        self.touched: set[tuple[int, int]] = set()  # (round, group) the coverage moves changed
        self.free = range(len(state.block.fixed_rounds), len(state.groups))
        self.candidates = [[q for q in range(len(state.values.ids)) if meets[q]] for _a, _w, meets in state.rules]

    def out_of_work(self) -> bool:
        return self.weighed >= self.budget or (self.deadline is not None and time.monotonic() >= self.deadline)

    def run(self) -> None:
        state = self.state
        improved = True
        while improved and not self.out_of_work():
            improved = False
            for k, p in state.short():
                if state.cover[k][p] >= state.rules[k][0]:
                    continue
                improved |= self.serve(k, p)
                if self.out_of_work():
                    return

    def polish(self) -> None:
        """Win back pair value around the groups the coverage moves changed: exchanges of two
        people between such a group and any other group of its round that raise the score
        (coverage included, so no rule loses what it gained)."""
        state = self.state
        queue = sorted(self.touched)
        seen = set(queue)
        while queue and not self.out_of_work():
            t, g = queue.pop(0)
            seen.discard((t, g))
            locked = state.locked[t]
            best, best_gain = None, 1e-9
            for h in range(len(state.groups[t])):
                if h == g:
                    continue
                one, two = state.groups[t][g], state.groups[t][h]
                for x in one:
                    for y in two:
                        if x in locked or y in locked:
                            continue
                        new1 = [y if m == x else m for m in one]
                        new2 = [x if m == y else m for m in two]
                        self.weighed += 1
                        gain = state.delta(t, g, h, new1, new2)
                        if gain is not None and gain > best_gain:
                            best, best_gain = (t, g, h, new1, new2), gain
            if best is not None:
                state.apply(*best)
                for item in ((t, g), (t, best[2])):
                    if item not in seen:
                        seen.add(item)
                        queue.append(item)

    def apply(self, move: tuple) -> None:
        self.state.apply(*move)
        self.touched.update({(move[0], move[1]), (move[0], move[2])})

    def serve(self, k: int, p: int) -> bool:
        """Apply the best move for p's rule k, or a move and the best one for whom it leaves short."""
        state = self.state
        options = sorted(self.options(k, p), key=lambda o: -o[0])
        if options and options[0][0] > 1e-9:
            self.apply(options[0][1])
            return True
        before = set(state.short())
        for gain, move in options[:CHAIN_TRIES]:
            t, g1, g2 = move[:3]
            undo = (t, g1, g2, list(state.groups[t][g1]), list(state.groups[t][g2]))
            state.apply(*move)
            for k2, p2 in [s for s in state.short() if s not in before]:
                follow = max(self.options(k2, p2), key=lambda o: o[0], default=None)
                if follow is not None and gain + follow[0] > 1e-9:
                    self.touched.update({(t, g1), (t, g2)})
                    self.apply(follow[1])
                    return True
            state.apply(*undo)
            if self.out_of_work():
                break
        return False

    def options(self, k: int, p: int) -> list[tuple[float, tuple]]:
        """Every valid move seating p with someone matching rule k's `meets` whom they have not met."""
        state = self.state
        forbidden = state.values.is_forbidden
        out = []
        for t in self.free:
            where = state.where[t]
            if p not in where:
                continue
            for q in self.candidates[k]:
                if q == p or forbidden[p][q] or state.count[_key(p, q)] or q not in where or where[q] == where[p]:
                    continue
                for move in state.moves(t, p, q):
                    self.weighed += 1
                    gain = state.delta(t, *move)
                    if gain is not None:
                        out.append((gain, (t, *move)))
        return out


def _better(instance: Instance, block: SpeedBlock, values: PairValues, before, after, pauses) -> bool:
    single = instance.only(block)
    paused = {block.id: tuple(tuple(p) for p in pauses)} if pauses else {}

    def plan(rounds) -> Plan:
        return Plan(blocks={block.id: tuple(tuple(tuple(g) for g in r) for r in rounds)}, pauses=paused)

    if validate_plan(single, plan(after), values):
        return False
    return score_plan(single, plan(after), values)[0] > score_plan(single, plan(before), values)[0] + 1e-9
