"""A round robin for pairs blocks where every pair is worth the same: the
circle method gives n - 1 rounds (n even) in which nobody meets twice, a
1-factorisation of the complete graph.  Person n-1 sits in the middle, the
others on a circle Z_{n-1}; in round r the middle meets r and x meets y
whenever x + y = 2r (mod n-1).  The b-matching may take the whole time on
such instances (every choice is optimal), so this plan comes first."""

from __future__ import annotations

from .problem import PairsProblem

__all__ = ["round_robin_plan"]


def round_robin_plan(problem: PairsProblem) -> dict[int, list[tuple[int, ...]]] | None:
    """The first rounds of the circle method for the free rounds, or None
    unless everyone is present in every free round (an even head-count, at
    most n - 1 rounds), nothing is locked, published or met before, and every
    pair is a candidate of the same value."""
    p = problem
    rounds = p.free_rounds
    if not rounds or any(p.locks.values()) or p.published or p.met_before or p.odd_rounds:
        return None
    people = sorted(p.present[rounds[0]])
    n = len(people)
    if any(sorted(p.present[t]) != people for t in rounds) or n % 2 or len(rounds) > n - 1:
        return None
    if len(p.edges) != n * (n - 1) // 2 or len(set(p.edge_value.values())) != 1:
        return None
    m = n - 1
    planned = {}
    for r, t in enumerate(rounds):
        pairs = [(people[r], people[m])]
        pairs += [(people[x], people[(2 * r - x) % m]) for x in range(m) if x < (2 * r - x) % m]
        planned[t] = [tuple(sorted(pair)) for pair in pairs]
    return planned
