"""Resolvable designs computed by code: rounds in which nobody meets twice.

Affine geometry: when the head-count is a prime power p^k and the group size
p^m, people are the vectors of GF(p)^k.  Every m-dimensional subspace W splits
them into cosets x + W, a round of groups of p^m.  Two people meet in the
round of W exactly when their difference lies in W, so rounds from subspaces
that share only the zero vector never repeat a pair (a *partial spread*).
A small depth-first search picks as many such subspaces as it can.

Examples: 8-4-8 and 8-4-9 (32 = 2^5 people, groups of 4 = 2^2: 9 planes of
GF(2)^5 meet only in zero), 4-4-5, 9-3-13, 16-4-... .

`design_rounds` builds the resolvable designs known at meeting sizes
(`KNOWN`: Kirkman triple systems to 63 people, resolvable 4-designs to 64,
the affine planes, pairs for any even head-count) from the constructions of
`constructions` and `kirkman`; a prefix of the design when fewer rounds are
asked for.

`zero_repeat_rounds` tries those first and goes further with `golfers`: a construction for
32 people in foursomes over 10 rounds (8-4-10, beyond any partial spread) and a
CP-SAT search over cyclically symmetric schedules (5-3-7, 6-5-6, 10-3-13, ...).
Whatever is still missing is left to the local search of `groups`.
"""

from __future__ import annotations

import time
from itertools import product

from .constructions import affine_lines, cyclic_rounds, prime_power, rotational_rounds, round_robin
from .kirkman import kirkman_2q1, multiply_by_k

__all__ = ["KNOWN", "affine_rounds", "design_rounds", "prime_power", "zero_repeat_rounds"]

# (people, group size, rounds) of the complete designs `design_rounds` builds
KNOWN = sorted(
    [(v, 3, (v - 1) // 2) for v in range(9, 64, 6)]
    + [(v, 4, (v - 1) // 3) for v in range(16, 65, 12)]
    + [(25, 5, 6), (49, 7, 8), (64, 8, 9)]
    + [(v, 2, v - 1) for v in range(4, 65, 2)]
)
# the sizes whose design comes from a counted search of `constructions`, and which search finds
# it (a size not listed here is not searched, so that a search that would fail costs no time):
# 1-rotational over Z_{n-1}, over an abelian group (moduli, generators of H), or cyclic over Z_m
SEARCHES = {(33, 3): ("rotational",), (51, 3): ("rotational",), (57, 3): ("rotational",),
            (40, 4): ("rotational",), (52, 4): ("rotational",), (21, 3): ("cyclic", 5),
            (28, 4): ("abelian", (3, 3, 3), (1,))}
SPREAD_NODES_PER_SECOND = 30000  # counted nodes of the spread search per second of work (60000 to 700000 run here)
SEARCH_SECONDS = 4.0  # the counted design searches take up to ~2 s on a busy machine; skipped below this


def _add(u: tuple, v: tuple, p: int) -> tuple:
    return tuple((a + b) % p for a, b in zip(u, v))


def _span(basis: list[tuple], p: int, k: int) -> frozenset:
    """All nonzero vectors of the subspace spanned by `basis`."""
    out = set()
    for coefficients in product(range(p), repeat=len(basis)):
        v = (0,) * k
        for c, b in zip(coefficients, basis):
            if c:
                v = _add(v, tuple(c * x % p for x in b), p)
        out.add(v)
    out.discard((0,) * k)
    return frozenset(out)


def _subspaces(p: int, k: int, m: int, limit: int = 20000) -> list[frozenset]:
    """The m-dimensional subspaces of GF(p)^k (nonzero vectors), in a fixed order."""
    vectors = [v for v in product(range(p), repeat=k) if any(v)]
    size = p ** m - 1
    found: dict[frozenset, None] = {}

    def extend(basis: list[tuple], span: frozenset, start: int) -> None:
        if len(found) >= limit:
            return
        if len(basis) == m:
            found.setdefault(span, None)
            return
        for idx in range(start, len(vectors)):
            v = vectors[idx]
            if v in span:
                continue
            new = _span(basis + [v], p, k)
            if len(new) <= size:
                extend(basis + [v], new, idx + 1)

    extend([], frozenset(), 0)
    return list(found)


def _partial_spread(subspaces: list[frozenset], wanted: int, deadline: float,
                    node_limit: int | None = None) -> list[frozenset]:
    """Up to `wanted` subspaces meeting only in zero (depth-first, best kept),
    within `node_limit` nodes (counted: the same answer on a busy machine);
    `deadline` (monotonic) only cuts a machine too slow for them."""
    best: list[frozenset] = []
    nodes = 0

    def search(chosen: list[frozenset], used: frozenset, start: int) -> bool:
        nonlocal best, nodes
        nodes += 1
        if len(chosen) > len(best):
            best = list(chosen)
        if len(chosen) == wanted:
            return True
        if node_limit is not None and nodes >= node_limit:
            return True
        if nodes % 256 == 0 and time.monotonic() > deadline:
            return True
        for idx in range(start, len(subspaces)):
            w = subspaces[idx]
            if used.isdisjoint(w):
                chosen.append(w)
                if search(chosen, used | w, idx + 1):
                    return True
                chosen.pop()
        return False

    search([], frozenset(), 0)
    return best


def affine_rounds(n: int, group_size: int, rounds: int, deadline: float,
                  node_limit: int | None = None) -> list[list[list[int]]]:
    """Up to `rounds` rounds of groups of `group_size` over people 0..n-1 in
    which no pair meets twice, or [] when the sizes are not powers of one prime
    (`node_limit`: the spread search's counted nodes, see `_partial_spread`)."""
    pk = prime_power(n)
    pm = prime_power(group_size)
    if pk is None or pm is None or pk[0] != pm[0] or pm[1] > pk[1] or n > 4096:
        return []
    p, k = pk
    m = pm[1]
    spread = _partial_spread(_subspaces(p, k, m), rounds, deadline, node_limit)
    points = list(product(range(p), repeat=k))
    number = {v: i for i, v in enumerate(points)}
    out = []
    for w in spread:
        members = [(0,) * k] + sorted(w)
        seen: set[tuple] = set()
        groups = []
        for x in points:
            if x in seen:
                continue
            group = sorted(number[_add(x, d, p)] for d in members)
            seen.update(points[i] for i in group)
            groups.append(group)
        out.append(groups)
    return out


def _full_design(n: int, k: int, search: bool) -> list[list[list[int]]]:
    """All rounds of a resolvable (n, k, 1) design from the constructions, or []."""
    if k == 2:
        return round_robin(n)
    if k < 2 or n % k or (n - 1) % (k - 1):
        return []
    if n == k:
        return [[list(range(n))]]
    found = affine_lines(n, k) or (kirkman_2q1(n) if k == 3 else [])
    if found:
        return found
    if prime_power(k) and n // k >= k:
        smaller = _full_design(n // k, k, search)
        if smaller:
            return multiply_by_k(smaller, n // k, k)
    recipe = SEARCHES.get((n, k))
    if not search or recipe is None:
        return []
    if recipe[0] == "cyclic":
        return cyclic_rounds(n, k, recipe[1])
    if recipe[0] == "abelian":
        return rotational_rounds(n, k, moduli=recipe[1], generators=recipe[2])
    return rotational_rounds(n, k)


def design_rounds(n: int, k: int, rounds: int, search: bool = True) -> list[list[list[int]]]:
    """The first `rounds` rounds of a resolvable design of n people in groups
    of k in which nobody meets twice, or [] when no construction applies
    (`search=False`: only the direct constructions, no counted search)."""
    if k < 2 or n % k or rounds < 1 or rounds * (k - 1) > n - 1 or n > 400:
        return []
    found = _full_design(n, k, search)
    return [[list(g) for g in groups] for groups in found[:rounds]] if len(found) >= rounds else []


def zero_repeat_rounds(n: int, group_size: int, rounds: int, deadline: float,
                       work: float | None = None) -> list[list[list[int]]]:
    """Rounds of groups over people 0..n-1 in which no pair meets twice, built
    before `deadline` (monotonic) from a known construction or a short
    symmetric search; [] when none applies.  May return fewer rounds than asked
    for (the search adds the rest).

    In order: a resolvable design (`design_rounds`; its counted searches only
    with SEARCH_SECONDS of work), the affine spread (prime-power sizes, a counted
    number of nodes), the 2^16 group-divisible design for 32 people in foursomes
    (up to 10 rounds), then CP-SAT over schedules invariant under a cyclic shift
    (`golfers.cyclic_rounds`, small models only) with at most 10 % of the work
    and at most 5 s, so that the local search keeps most of the time when it
    finds nothing.

    Which searches run and how long is counted from `work` (seconds of work,
    default the time left), never from the clock, so that the same instance
    gives the same rounds on a busy machine; `deadline` only cuts a machine
    too slow for them."""
    from .golfers import cyclic_rounds, doubled_affine_rounds

    work = max(deadline - time.monotonic(), 0.0) if work is None else work
    designed = design_rounds(n, group_size, rounds, search=work >= SEARCH_SECONDS)
    if designed:
        return designed
    best = affine_rounds(n, group_size, rounds, deadline, int(SPREAD_NODES_PER_SECOND * min(0.5, 0.05 * work)))
    if len(best) >= rounds:
        return best
    doubled = doubled_affine_rounds(n, group_size, rounds)
    if len(doubled) > len(best):
        best = doubled
    if len(best) >= rounds:
        return best
    # CP-SAT's deterministic seconds; building the model takes about as long again
    found = cyclic_rounds(n, group_size, rounds, deadline, work=min(5.0, 0.1 * work))
    return found if len(found) > len(best) else best
