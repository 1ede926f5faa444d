"""Large-neighbourhood search over a café seating: one round, a few tables;
CP-SAT re-seats every movable guest of those tables among them, with the
other rounds and everyone else fixed, keeping each table's head-count (so
seats and balance hold).  Its objective is the exact change of the score:
ranked choices, changes, revisits against the other rounds, the value of
meeting whoever stays at the table and of each pair that would sit together
(a first meeting gains, a further one costs).  Counted work: a number of
steps and CP-SAT deterministic time each, so the same seed gives the same plan.
"""

from __future__ import annotations

import logging
import random
import time
from itertools import combinations

from ..solver import stopped
from .problem import CafeProblem

__all__ = ["improve_lns"]

log = logging.getLogger(__name__)

SCALE = 100  # objective coefficients in hundredths


def _step(state, r: int, chosen: list[int], free: list[int], work: float, seed: int) -> float:
    """Re-seat `free` (unseated from round r's tables `chosen` by the caller) and seat them; the score's change."""
    from ortools.sat.python import cp_model

    p: CafeProblem = state.p
    tables = state.seating[r]
    model = cp_model.CpModel()
    x = {}
    lin = {}
    for i in free:
        for k in chosen:
            if state.may_sit(i, k):
                x[i, k] = model.NewBoolVar("")
                lin[i, k] = (state._place(r, i, k) + state._join(i, tables[k])
                             - (p.revisit if state.sat[i].get(k, 0) >= 1 else 0.0))
        model.AddExactlyOne(x[i, k] for k in chosen if (i, k) in x)
    terms = [round(v * SCALE) * x[key] for key, v in lin.items()]
    pairs = {}
    for i, j in combinations(free, 2):
        w = p.gain[i][j] if state.count[i][j] == 0 else -p.again[i][j]
        if not w:
            continue
        pairs[i, j] = w
        for k in chosen:
            if (i, k) in x and (j, k) in x:
                y = model.NewBoolVar("")
                if w > 0:
                    model.AddImplication(y, x[i, k])
                    model.AddImplication(y, x[j, k])
                else:
                    model.AddBoolOr([x[i, k].Not(), x[j, k].Not(), y])
                terms.append(round(w * SCALE) * y)
    return model, x, lin, pairs, terms


def _value(lin, pairs, where: dict[int, int]) -> float:
    total = sum(lin[i, k] for i, k in where.items())
    for (i, j), w in pairs.items():
        if where[i] == where[j]:
            total += w
    return total


def improve_lns(state, steps: int, rng: random.Random, seed: int = 0, size: int = 3, work: float = 0.05,
                until: float | None = None, on_better=None, value: float = 0.0) -> tuple[int, float]:
    """`steps` neighbourhoods (fewer if `until` comes first); the state keeps
    the better seating of each.  Returns (steps improved, the value after)."""
    from ortools.sat.python import cp_model

    p = state.p
    T = len(p.tables)
    rounds = [r for r in p.free_rounds if any(i not in p.locks[r] for i in p.guests[r])]
    if not rounds or T < 2:
        return 0, value
    better = 0
    for step in range(steps):
        if (until is not None and time.monotonic() >= until) or stopped():
            break
        r = rounds[rng.randrange(len(rounds))]
        chosen = sorted(rng.sample(range(T), min(size, T)))
        free = [i for k in chosen for i in state.seating[r][k] if i != p.host[k] and i not in p.locks[r]]
        if len(free) < 2:
            continue
        before = {i: state.table_of[r][i] for i in free}
        for i in free:
            state._unseat(r, i)
        model, x, lin, pairs, terms = _step(state, r, chosen, free, work, seed)
        for k in chosen:  # each table keeps its head-count
            model.Add(sum(x[i, k] for i in free if (i, k) in x) == sum(1 for i in free if before[i] == k))
        for (i, k), var in x.items():
            model.AddHint(var, before[i] == k)
        model.Maximize(sum(terms))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed + step
        solver.parameters.max_deterministic_time = work
        solver.parameters.max_time_in_seconds = max(10 * work, 1.0)
        status = solver.Solve(model)
        after = before
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = {i: k for (i, k), var in x.items() if solver.Value(var)}
            gain = _value(lin, pairs, found) - _value(lin, pairs, before)
            if len(found) == len(free) and gain > 1e-9:
                after = found
                value += gain
                better += 1
        for i in free:
            state._seat(r, i, after[i])
        if after is not before and on_better is not None:
            on_better(value)
    log.debug("café LNS: %d of %d steps improved", better, steps)
    return better, value
