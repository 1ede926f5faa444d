"""The café's proven upper bound: the smaller of the b-matching bound (each
guest's best ranked choices and a b-matching of the best pairs, each person
with at most as many table-mates as the largest tables allow) and the LP bound
of `lp_bounds`, each plus what the fixed rounds hold."""

from __future__ import annotations

import time
from itertools import combinations

from ..search import best_pairs_bound
from .lp_bounds import fixed_part, lp_bound
from .problem import CafeProblem

__all__ = ["cafe_bound", "matching_bound"]


def cafe_bound(problem: CafeProblem, deadline: float, seed: int = 0, iterations: int = 40,
               work: float | None = None) -> float:
    """The smaller of two proven bounds: the b-matching bound (`matching_bound`)
    and the LP bound (`lp_bounds.lp_bound`: a choice LP with table seats and a
    triangle LP of the pairs), which gets what is left of `deadline` and at most
    `iterations` rounds of column generation.  `work`: seconds of counted work
    (default the time left); the b-matching counts CP-SAT's deterministic time,
    the LP bound is not counted yet (GLOP has no deterministic time)."""
    now = time.monotonic()
    work = max(deadline - now, 0.0) if work is None else work
    old = matching_bound(problem, now + 0.3 * max(deadline - now, 0), seed, work=0.3 * work)
    try:
        new = lp_bound(problem, deadline, iterations, work=work)
    except MemoryError:
        new = None
    return old if new is None else min(old, new)


def matching_bound(problem: CafeProblem, deadline: float, seed: int = 0, work: float | None = None) -> float:
    """Proven upper bound: the best ranked choices each guest can collect
    (different tables), plus the best pairs when each person has at most
    (largest table - 1) table-mates per free round, plus the fixed rounds."""
    p = problem
    n = p.n
    cap = [0] * n
    rounds_of = [0] * n
    bound = 0.0
    rounds_as_guest = [0] * n
    # Tables may be fuller than even at a cost of `balance` per guest beyond it.  A table with e guests
    # beyond even gives each of its s people e table-mates more than even filling allows: at most
    # (s * e + 1) / 2 pairs more, each worth at most the best pair value.  Where `balance` outweighs that,
    # no plan gains by it and each person has at most as many table-mates as even tables give.
    best_gain = max((v for row in p.gain for v in row), default=0.0)
    most_seats = max(t.seats for t in p.block.tables)
    even_caps = p.balance >= max(best_gain, 0.0) * (most_seats + 1) / 2
    for r in p.free_rounds:
        biggest = max(p.room[r][k] + (1 if p.host[k] is not None and p.host[k] in set(p.present[r]) else 0)
                      for k in range(len(p.tables)))
        if even_caps:
            biggest = min(biggest, p.even(r) + 1)  # at most ceil(G / T) guests and a host
        for i in p.present[r]:
            cap[i] += biggest - 1
            rounds_of[i] |= 1 << r
        for i in p.guests[r]:
            rounds_as_guest[i] += 1
    # a table sat at before brings its points again at a cost of `revisit`: no gain where that outweighs them
    revisits_pay = p.revisit < max((v for row in p.points for v in row), default=0.0)
    for i in range(n):
        best = sorted((p.points[i][k] for k in range(len(p.tables))
                       if p.allowed(i, k) or (revisits_pay and p.speaks[i][k])), reverse=True)
        if revisits_pay:
            best = best[:1] * rounds_as_guest[i]
        bound += sum(best[:rounds_as_guest[i]])
    # first meetings of pairs that did not meet in the fixed rounds
    edges = [(i, j) for i, j in combinations(range(n), 2)
             if rounds_of[i] & rounds_of[j] and not p.met_before[i][j]]
    bound += best_pairs_bound(p.gain, cap, edges, deadline, seed, work=work)
    return bound + fixed_part(p)  # what the fixed rounds hold
