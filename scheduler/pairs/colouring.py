"""Split chosen pairs into rounds by edge colouring with Kempe-chain swaps.

When every round has the same people and an even head-count, the chosen
pairs form a graph in which everyone has one pair per round, and a split
into rounds is a proper edge colouring with one colour per round.  Edges
are coloured one by one; when the two people have no free round in common,
an alternating path of two rounds is swapped (a Kempe chain) to free one.
Fast and usually successful on these graphs; when it is not, the CP-SAT
split takes over on small blocks, and on large ones the best partial
colouring is completed round by round (`complete_rounds`).
"""

from __future__ import annotations

import random
import time
from itertools import combinations

from .matching import max_weight_matching
from .problem import Edge, PairsProblem

MOVES_PER_EDGE = 10  # moves per edge before a restart
RESTARTS = 20  # then the CP-SAT split takes over


def colour_edges(edges: list[Edge], rounds: list[int], seed: int, deadline: float,
                 fixed: dict[Edge, int] | None = None,
                 allowed: dict[int, set[int]] | None = None, partial: bool = False) -> dict[Edge, int] | None:
    """A round for every edge so that no person has two edges in one round,
    or None.  `fixed` edges keep their given round; `allowed` limits the
    rounds a person's edges may take (present, not in that round's trio).  An edge that fits
    nowhere, even after a Kempe swap, takes a round from a neighbouring edge,
    which goes back into the queue.  The search restarts (same seed, same
    sequence of restarts) when it runs long.  With `partial`, the attempt
    that coloured most edges is returned when none coloured all (a proper
    colouring of some of the edges; see `complete_rounds`)."""
    most: dict[Edge, int] | None = None
    for attempt in range(RESTARTS):
        colours, done = _colour_once(edges, rounds, random.Random(seed * RESTARTS + attempt), deadline,
                                     fixed or {}, allowed or {})
        if done:
            return colours
        if most is None or len(colours) > len(most):
            most = colours
        if time.monotonic() > deadline:
            break
    return most if partial else None


def _colour_once(edges, rounds, rng: random.Random, deadline: float, fixed,
                 allowed) -> tuple[dict[Edge, int], bool]:
    """The colours the attempt reached, and whether every edge has one."""
    colouring = _Colouring(rounds, fixed, allowed)
    queue = [e for e in edges if e not in colouring.fixed]
    rng.shuffle(queue)
    steps, budget = 0, MOVES_PER_EDGE * len(queue)
    while queue:
        steps += 1
        if steps > budget or steps % 256 == 0 and time.monotonic() > deadline:
            break
        e = queue.pop()
        if not colouring.add(e, rng):
            kicked = colouring.kick(e, rng)
            if kicked is None:
                break
            queue.insert(rng.randrange(len(queue) + 1), kicked)
    return dict(colouring.colour), not queue


class _Colouring:
    def __init__(self, rounds: list[int], fixed: dict[Edge, int], allowed: dict[int, set[int]]):
        self.rounds = rounds
        self.fixed = fixed
        self.allowed = allowed
        self.colour: dict[Edge, int] = {}
        self.at: dict[int, dict[int, Edge]] = {}  # person -> round -> edge
        for e, t in fixed.items():
            self._set(e, t)

    def _set(self, e: Edge, t: int) -> None:
        self.colour[e] = t
        for i in e:
            self.at.setdefault(i, {})[t] = e

    def _unset(self, e: Edge) -> None:
        t = self.colour.pop(e)
        for i in e:
            del self.at[i][t]

    def free(self, i: int) -> list[int]:
        used = self.at.get(i, {})
        mine = self.allowed.get(i)
        return [t for t in self.rounds if t not in used and (mine is None or t in mine)]

    def allows(self, i: int, t: int) -> bool:
        mine = self.allowed.get(i)
        return mine is None or t in mine

    def add(self, e: Edge, rng: random.Random) -> bool:
        u, v = e
        free_u, free_v = self.free(u), self.free(v)
        common = [t for t in free_u if t in free_v]
        if common:
            self._set(e, rng.choice(common))
            return True
        choices = [(a, b) for a in free_u for b in free_v]
        rng.shuffle(choices)
        for a, b in choices:
            if self._swap_chain(v, a, b, stop=u):
                self._set(e, a)
                return True
        return False

    def kick(self, e: Edge, rng: random.Random) -> Edge | None:
        """Give e a round free at one end, taking it from the edge that holds
        it at the other end; that edge is returned, uncoloured."""
        ends = [e, (e[1], e[0])]
        rng.shuffle(ends)
        for u, v in ends:
            held = self.at.get(v, {})
            options = [(t, held[t]) for t in self.free(u) if t in held and held[t] not in self.fixed]
            if options:
                t, other = rng.choice(options)
                self._unset(other)
                self._set(e, t)
                return other
        return None

    def _swap_chain(self, start: int, a: int, b: int, stop: int) -> bool:
        """Swap rounds a and b along the alternating path from `start`
        (which has an a-edge and no b-edge), unless it reaches `stop` or a
        fixed edge."""
        path, person, want = [], start, a
        while want in self.at.get(person, {}):
            e = self.at[person][want]
            if e in self.fixed:
                return False
            path.append(e)
            person = e[0] if e[1] == person else e[1]
            if person == stop:
                return False
            want = b if want == a else a
        if not self.allows(person, want):
            return False  # the path's last person would take a round they may not
        swapped = [(e, b if self.colour[e] == a else a) for e in path]
        for e, _ in swapped:
            self._unset(e)
        for e, t in swapped:
            self._set(e, t)
        return True


def complete_rounds(problem: PairsProblem, colours: dict[Edge, int], trios: dict[int, tuple],
                    deadline: float) -> dict[int, list[tuple[int, ...]]] | None:
    """Rounds from a partial colouring (large blocks, where the Kempe chains
    leave a few chosen pairs without a round): each round keeps its coloured
    pairs and its trio, and whoever is left gets a maximum-weight matching
    over the pairs no round uses yet (the chosen pairs left over among them).
    When they cannot all be paired, the round's least valuable pairs join
    them, more each time.  None if even that fails."""
    repeats = problem.block.allow_repeats
    used = set(colours)
    planned: dict[int, list[tuple[int, ...]]] = {}
    for t in problem.free_rounds:
        coloured = sorted((e for e, c in colours.items() if c == t), key=lambda e: (problem.edge_value[e], e))
        trio = trios.get(t)
        release = 0
        while True:
            kept, freed = coloured[release:], coloured[:release]
            seated = {i for e in kept for i in e} | set(trio or ())
            left = [i for i in problem.present[t] if i not in seated]
            value = {e: problem.edge_value[e] for e in combinations(sorted(left), 2)
                     if e in problem.edge_value and (repeats or e not in used or e in freed)}
            matching = max_weight_matching(left, value, deadline) if left else []
            if matching is not None:
                break
            if release >= len(coloured) or time.monotonic() > deadline:
                return None
            release = min(len(coloured), max(2 * release, len(left), 1))
        used.difference_update(freed)
        used.update(matching)
        planned[t] = sorted(kept + list(matching) + ([trio] if trio else []))
    return planned
