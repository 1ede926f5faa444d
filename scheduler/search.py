"""What the searches of several block kinds share: whole numbers for CP-SAT
(`integer_scale`), the counted move budget of the annealings (`move_budget`)
and the bound on the best pairs when each person has a cap on partners
(`best_pairs_bound`, used by the groups' and the café's bounds).
"""

from __future__ import annotations

import time
from collections import defaultdict

__all__ = ["integer_scale", "move_budget", "MOVES_PER_SECOND", "best_pairs_bound"]


def integer_scale(numbers: list[float]) -> tuple[int, bool]:
    """The smallest power of ten (up to 10^4) that makes every number whole."""
    for k in range(5):
        scale = 10 ** k
        if all(abs(x * scale - round(x * scale)) < 1e-9 for x in numbers):
            return scale, True
    return 10 ** 4, False


MOVES_PER_SECOND = 150000  # annealing moves planned per second of the time limit


def move_budget(seconds: float, per_second: int = MOVES_PER_SECOND) -> int:
    """Annealing moves for a time limit: counted, not timed, so that the same
    seed gives the same plan; the limit is rounded down to 1, 2, 3, 5, 7,
    10, 15, 20, 25, 30, 40, 50, 60, 90 ... seconds so that start-up jitter
    rarely changes it.
    A slow machine stops at the deadline instead (best plan so far)."""
    steps = [0.25, 0.5, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 90, 120, 180, 300, 600, 1200, 3600]
    grid = max([s for s in steps if s <= seconds] or [0.1])
    return int(per_second * grid)


def best_pairs_bound(value: list[list[float]], caps: list[int], edges: list[tuple[int, int]],
                     deadline: float, seed: int = 0, work: float | None = None) -> float:
    """Maximum value of a set of `edges` (each at most once) in which person i
    has at most caps[i] partners: CP-SAT's proven bound when time runs out,
    every person's best partners halved when it has no answer at all.
    `work`: CP-SAT's deterministic seconds (the same bound on a busy machine)."""
    from ortools.sat.python import cp_model

    from .solver import new_solver

    edges = [(i, j) for i, j in edges if value[i][j] > 0 and caps[i] > 0 and caps[j] > 0]
    if not edges:
        return 0.0
    scale, exact = integer_scale([value[i][j] for i, j in edges])
    slack = sum(caps) / 2 * 0.5 / scale if not exact else 0.0
    incident: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for e in edges:
        incident[e[0]].append(e)
        incident[e[1]].append(e)
    halved = 0.0
    for i, mine in incident.items():
        best = sorted((round(value[a][b] * scale) for a, b in mine), reverse=True)
        halved += sum(best[:caps[i]]) / 2
    if time.monotonic() >= deadline:
        return halved / scale + slack
    model = cp_model.CpModel()
    use = {e: model.NewBoolVar(f"meet_{e[0]}_{e[1]}") for e in edges}
    for i, mine in incident.items():
        if len(mine) > caps[i]:
            model.Add(sum(use[e] for e in mine) <= caps[i])
    model.Maximize(sum(round(value[i][j] * scale) * var for (i, j), var in use.items()))
    solver = new_solver(deadline - time.monotonic(), seed, work=work)
    status = solver.Solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        best = min(solver.BestObjectiveBound(), halved)
    else:
        best = halved
    return best / scale + slack
