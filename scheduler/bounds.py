"""Bounds that hold for every plan of a block, pauses and revisits included.

The searches prove tighter bounds for the plans they consider (a b-matching,
a clique LP); once a block needs pauses those no longer cover every plan, so
the dispatcher falls back to these.  Every term below is an upper bound of
the corresponding part of the score in `scheduler.validate`.
"""

from __future__ import annotations

import time
from collections import Counter
from itertools import combinations

import numpy as np

from .problem import Block, Instance, SpeedBlock
from .values import PairValues

__all__ = ["any_plan_bound", "speed_bound", "forced_pauses", "unavoidable_pauses"]

CAFE_BOUND_SECONDS = 2.0


def any_plan_bound(instance: Instance, block: Block, values: PairValues) -> float:
    if isinstance(block, SpeedBlock):
        return speed_bound(instance, block, values)
    from .cafe import CafeProblem, cafe_bound
    problem = CafeProblem.build(instance, block, values)
    return cafe_bound(problem, time.monotonic() + CAFE_BOUND_SECONDS)


def _fixed_part(instance: Instance, block: SpeedBlock, values: PairValues) -> tuple[float, np.ndarray, np.ndarray]:
    """The fixed rounds' score (pairs, repeats, pauses), each person's value in
    them, and who met whom there."""
    w = instance.weights
    n = len(values.ids)
    met = np.zeros((n, n), dtype=bool)
    person = np.zeros(n)
    counts: Counter = Counter()
    total = 0.0
    for t, groups in enumerate(block.fixed_rounds):
        seated = set()
        for group in groups:
            members = sorted(values.index[p] for p in group)
            seated.update(members)
            for a, b in combinations(members, 2):
                counts[a, b] += 1
        total -= w.pause * sum(1 for p in instance.present_in(block, t) if values.index[p] not in seated)
    for (a, b), count in counts.items():
        met[a, b] = met[b, a] = True
        total += values.value[a][b] - w.repeat * (count - 1)
        person[a] += values.value[a][b]
        person[b] += values.value[a][b]
    return total, person, met


def free_rounds_reach(block: SpeedBlock, values: PairValues, met: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Who is present in each free round (person x round), and who may still meet whom there:
    not forbidden, not met in the fixed rounds (unless repeats are allowed), present in a common round."""
    n = len(values.ids)
    free = range(len(block.fixed_rounds), block.rounds)
    present = np.array([[block.is_present(pid, t) for t in free] for pid in values.ids],
                       dtype=bool).reshape(n, len(free))
    may = ~np.array(values.is_forbidden, dtype=bool)
    np.fill_diagonal(may, False)
    if not block.allow_repeats:
        may &= ~met  # a repeat only costs where it is allowed, so only new pairs can add value
    may &= (present.astype(int) @ present.T.astype(int)) > 0
    return present, may


def unavoidable_pauses(instance: Instance, block: SpeedBlock, values: PairValues) -> int:
    """Pauses in the free rounds that no plan of the block avoids."""
    present, may = free_rounds_reach(block, values, _fixed_part(instance, block, values)[2])
    return int(forced_pauses(block, present, may).sum())


def forced_pauses(block: SpeedBlock, present: np.ndarray, may: np.ndarray) -> np.ndarray:
    """Per person, pauses no plan avoids: rounds with nobody present they may
    meet, and rounds beyond what their possible partners fill (each round in a
    group takes group_size - 1 new partners)."""
    g = block.group_size
    rounds = present.sum(axis=1)
    alone = np.zeros(len(rounds), dtype=int)
    for t in range(present.shape[1]):
        here = present[:, t]
        alone += here & ~(may & here[None, :]).any(axis=1)
    partners = (may & present.any(axis=1)[None, :]).sum(axis=1)
    return np.maximum(alone, rounds - np.minimum(rounds, partners // (g - 1)))


def speed_bound(instance: Instance, block: SpeedBlock, values: PairValues) -> float:
    """Each person's best new partners for the rounds they can be in a group,
    counted from both sides and halved; the people in larger groups one extra
    partner each; every pause no plan can avoid; the fixed rounds as they are."""
    w = instance.weights
    g = block.group_size
    n = len(values.ids)
    fixed_total, fixed_person, met = _fixed_part(instance, block, values)
    free = list(range(len(block.fixed_rounds), block.rounds))
    present, may = free_rounds_reach(block, values, met)
    value = np.where(may, np.maximum(np.array(values.value, dtype=float), 0.0), 0.0)
    ordered = -np.sort(-value, axis=1)
    cumulative = np.concatenate([np.zeros((n, 1)), np.cumsum(ordered, axis=1)], axis=1)
    forced = forced_pauses(block, present, may)
    grouped = present.sum(axis=1) - forced
    slots = np.minimum((g - 1) * grouped, n)
    total = fixed_total + 0.5 * cumulative[np.arange(n), slots].sum() - w.pause * forced.sum()
    # larger groups: at most g - 1 a round, each member one partner more, worth at most their best
    extra_slots = (g - 1) * (g + 1) * len(free)
    best = np.repeat(ordered[:, 0], np.maximum(grouped, 0))
    total += 0.5 * np.sort(best)[::-1][:extra_slots].sum()
    if w.fairness > 0:
        counted = [i for i, pid in enumerate(values.ids)
                   if any(block.is_present(pid, t) for t in range(block.rounds))]
        if counted:
            reach = fixed_person + cumulative[np.arange(n), np.minimum(g * grouped, n)]
            total += w.fairness * min(reach[i] for i in counted)
    return float(total)
