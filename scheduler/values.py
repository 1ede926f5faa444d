"""Pair values s(i,j) and the forbidden-pair test, computed once per instance."""

from __future__ import annotations

from itertools import combinations

from .problem import Instance


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


class PairValues:
    """s(i,j) and `forbidden(i,j)` for every pair of participants.

    People are addressed by id or by their index in `instance.participants`
    (`index[id]`); the matrices are indexed by position.
    """

    def __init__(self, instance: Instance):
        self.instance = instance
        people = instance.participants
        self.ids = [p.id for p in people]
        self.index = {pid: k for k, pid in enumerate(self.ids)}
        w = instance.weights
        affinity = {}
        for a, b, value in instance.sector_affinity:
            affinity[_key(a, b)] = value
        wish = {_key(a, b) for a, b in instance.wish}
        history = {_key(a, b) for a, b in instance.history}
        avoid = self.avoid = {_key(a, b) for a, b in instance.avoid}
        n = len(people)
        self.value = [[0.0] * n for _ in range(n)]
        self.is_forbidden = [[False] * n for _ in range(n)]
        for i, j in combinations(range(n), 2):
            p, q = people[i], people[j]
            key = _key(p.id, q.id)
            same = p.sector == q.sector
            aff = affinity.get(_key(p.sector, q.sector), 0.0 if same else 1.0)
            value = (w.offer_need * (len(p.offers & q.needs) + len(q.offers & p.needs))
                     + w.sector * aff
                     + (w.wish if key in wish else 0)
                     - (w.history if key in history else 0))
            self.value[i][j] = self.value[j][i] = value
            forbidden = (p.organisation == q.organisation or key in avoid
                         or not (p.languages & q.languages))
            self.is_forbidden[i][j] = self.is_forbidden[j][i] = forbidden

    def s(self, a: str, b: str) -> float:
        return self.value[self.index[a]][self.index[b]]

    def forbidden(self, a: str, b: str) -> bool:
        return self.is_forbidden[self.index[a]][self.index[b]]

    def forbidden_reason(self, a: str, b: str) -> str | None:
        """Why a pair may not meet, in the validator's words, or None."""
        people = self.instance.participants
        p, q = people[self.index[a]], people[self.index[b]]
        if p.organisation == q.organisation:
            return "share an organisation"
        if _key(a, b) in self.avoid:
            return "are on the avoid list"
        if not (p.languages & q.languages):
            return "share no language"
        return None
