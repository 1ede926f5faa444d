"""A bound with real trios for pairs blocks with odd head-counts.

The b-matching bound lets any three people present in an odd round take one
extra partner each.  In a plan, those three sit together: the round's trio,
whose three pairs all meet.  Fixing the trios T (one per odd round), the rest
of the plan is a b-matching in which person i has `rounds_present[i] - t_i`
partners (t_i: trios i sits in), so for any multipliers pi (weak LP duality)

    score <= sum_i pi_i * rounds_present_i + sum_e max(0, c_e - pi_a - pi_b)
             + sum over odd rounds of max over trios k present (c_k - sum_{i in k} pi_i)

where c_k is the value of the trio's three pairs; since no pair meets twice,
the b-matching sum leaves out the trios' pairs, so a trio is worth
sum_{pairs e of k} min(0, c_e - pi_a - pi_b) + sum_{i in k} pi_i.  Every choice of pi gives a
valid bound; starting from the LP's duals, subgradient steps (a fixed count:
counted work) lower it.  The best trio of a round is found exactly, with
pruning (an upper bound per first member).
"""

from __future__ import annotations

import math
import time

import numpy

from .problem import PairsProblem

__all__ = ["trio_bound"]

STEPS = 60  # subgradient steps
PATIENCE = 5  # steps without a better bound before the step length halves


def trio_bound(problem: PairsProblem, lp, target: float, steps: int = STEPS,
               deadline: float = math.inf) -> int | None:
    """The bound (scaled like the b-matching objective, whole-numbered) for a
    block whose score is its pairs' values alone; None where it does not
    apply (no odd round, a published plan, fairness or repeats) or no trio
    is possible.  `target` (a plan's value) guides the step lengths only;
    the deadline is a safety stop (every step's bound is valid)."""
    p = problem
    if (not p.odd_rounds or lp is None or lp.dual is None or p.published or p.block.allow_repeats
            or (p.fairness > 0 and p.counted)):
        return None
    n = p.n
    edges = [e for e in p.edges if p.rounds_present[e[0]] and p.rounds_present[e[1]]]
    if not edges:
        return None
    ends = numpy.array(edges, dtype=numpy.int64)
    a, b = ends[:, 0], ends[:, 1]
    c = numpy.array([p.edge_value[e] for e in edges], dtype=float)
    dense = numpy.full((n, n), -numpy.inf)
    dense[a, b] = c
    dense[b, a] = c
    need = numpy.array(p.rounds_present, dtype=float)
    pi = numpy.array([lp.dual.get(i, 0.0) for i in range(n)])
    rounds: dict[tuple[int, ...], int] = {}
    for t in p.odd_rounds:  # rounds with the same people have the same best trio
        key = tuple(sorted(p.present[t]))
        rounds[key] = rounds.get(key, 0) + 1
    groups = [(numpy.array(key, dtype=numpy.int64), count) for key, count in sorted(rounds.items())]
    best, length, since = math.inf, 1.0, 0
    for _step in range(steps):
        reduced = c - pi[a] - pi[b]
        used = reduced > 0
        value = float(pi @ need + reduced[used].sum())
        partners = numpy.bincount(a[used], minlength=n) + numpy.bincount(b[used], minlength=n)
        in_trio = numpy.zeros(n)
        share = 0.5 * (pi[:, None] + pi[None, :])
        half = numpy.minimum(dense - 2 * share, 0) + share  # a trio's worth: its three entries' sum
        for people, count in groups:
            worth, trio = _best_trio(half, people)
            if trio is None:
                return None  # no trio possible in an odd round: no plan to bound
            value += count * worth
            in_trio[list(trio)] += count
            for x, y in ((trio[0], trio[1]), (trio[0], trio[2]), (trio[1], trio[2])):
                if dense[x, y] - pi[x] - pi[y] > 0:  # the trio's pair leaves the b-matching
                    partners[x] -= count
                    partners[y] -= count
        if value < best - 1e-9:
            best, since = value, 0
        else:
            since += 1
            if since >= PATIENCE:
                length, since = length / 2, 0
        if best <= target + 1e-6 or time.monotonic() >= deadline:
            break
        slope = need - partners - in_trio
        norm = float(slope @ slope)
        if norm == 0:
            break  # pi is optimal: the trios and pairs fit the degrees exactly
        pi = pi - length * max(value - target, 1e-3) / norm * slope
    return math.floor(best + 1e-6)


def _best_trio(half: numpy.ndarray, people: numpy.ndarray):
    """The trio among `people` with the largest sum of its three entries of
    `half` (-inf where two may not meet): (worth, trio) or (-inf, None)."""
    sub = half[numpy.ix_(people, people)]
    if len(people) < 3:
        return -math.inf, None
    most = float(sub.max())
    if most == -math.inf:
        return -math.inf, None
    top = numpy.sort(sub, axis=1)
    first, second = top[:, -1], top[:, -2]
    hope = first + second + most  # no trio holding this person is worth more
    best, found = -math.inf, None
    for i in numpy.argsort(-hope, kind="stable"):
        if not hope[i] > best:
            break
        row = sub[i]
        others = numpy.nonzero(row + first[i] + most > best)[0]
        if len(others) < 2:
            continue
        worth = sub[numpy.ix_(others, others)] + row[others][:, None] + row[others][None, :]
        numpy.fill_diagonal(worth, -numpy.inf)
        k = int(numpy.argmax(worth))
        value = float(worth.flat[k])
        if value > best:
            j, l = others[k // len(others)], others[k % len(others)]
            best, found = value, tuple(sorted(int(people[x]) for x in (i, j, l)))
    return best, found
