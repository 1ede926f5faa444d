"""Pair values s(i,j) and the forbidden-pair test, computed once per instance."""

from __future__ import annotations

from array import array

import numpy as np

from .problem import Instance


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _indicator(sets: list, n: int, labels: list | None = None) -> np.ndarray:
    """Person x label 0/1 matrix of the labels in each person's set."""
    labels = sorted({label for s in sets for label in s}) if labels is None else labels
    column = {label: k for k, label in enumerate(labels)}
    out = np.zeros((n, len(labels)), dtype=np.int32)
    for i, s in enumerate(sets):
        for label in s:
            out[i, column[label]] = 1
    return out


class PairValues:
    """s(i,j) and `forbidden(i,j)` for every pair of participants.

    People are addressed by id or by their index in `instance.participants`
    (`index[id]`); the matrices are indexed by position: `value[i][j]` (a
    float) and `is_forbidden[i][j]` (0 or 1) are rows of compact arrays, 8 and
    1 bytes a pair; `matrix` and `forbidden_matrix` are the same as numpy
    arrays, for vectorised work.  Built with numpy, the same numbers as
    the formula pair by pair (same operations in the same order).
    """

    def __init__(self, instance: Instance):
        self.instance = instance
        people = instance.participants
        self.ids = [p.id for p in people]
        self.index = {pid: k for k, pid in enumerate(self.ids)}
        w = instance.weights
        n = len(people)
        self.avoid = {_key(a, b) for a, b in instance.avoid}
        topics = sorted({t for p in people for t in p.offers | p.needs})
        offers = _indicator([p.offers for p in people], n, topics)
        needs = _indicator([p.needs for p in people], n, topics)
        both = offers @ needs.T
        # offer_need * (|offers_i & needs_j| + |offers_j & needs_i|)
        value = float(w.offer_need) * (both + both.T).astype(float)
        sectors = sorted({p.sector for p in people})
        code = {s: k for k, s in enumerate(sectors)}
        affinity = 1.0 - np.eye(len(sectors))  # default: 0 in the same sector, 1 across
        for a, b, v in instance.sector_affinity:
            if a in code and b in code:
                affinity[code[a], code[b]] = affinity[code[b], code[a]] = v
        sector = np.array([code[p.sector] for p in people], dtype=np.int64)
        value = value + float(w.sector) * affinity[sector[:, None], sector[None, :]]
        value = value + float(w.wish) * self._pair_mask(instance.wish, n)
        value = value - float(w.history) * self._pair_mask(instance.history, n)
        np.fill_diagonal(value, 0.0)
        orgs = {p.organisation for p in people}
        org_code = {o: k for k, o in enumerate(sorted(orgs))}
        org = np.array([org_code[p.organisation] for p in people], dtype=np.int64)
        languages = _indicator([p.languages for p in people], n)
        forbidden = org[:, None] == org[None, :]
        forbidden |= (languages @ languages.T) == 0
        forbidden |= self._pair_mask(instance.avoid, n).astype(bool)
        np.fill_diagonal(forbidden, False)
        self.matrix = value
        self.forbidden_matrix = forbidden
        self.value = [array("d", row.tobytes()) for row in value]
        self.is_forbidden = [bytearray(row.astype(np.uint8).tobytes()) for row in forbidden]

    def _pair_mask(self, pairs, n: int) -> np.ndarray:
        """1.0 at (i, j) and (j, i) for every listed pair of different people (listed once or more)."""
        mask = np.zeros((n, n))
        for a, b in pairs:
            i, j = self.index.get(a), self.index.get(b)
            if i is not None and j is not None and i != j:
                mask[i, j] = mask[j, i] = 1.0
        return mask

    def s(self, a: str, b: str) -> float:
        return self.value[self.index[a]][self.index[b]]

    def forbidden(self, a: str, b: str) -> bool:
        return bool(self.is_forbidden[self.index[a]][self.index[b]])

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
