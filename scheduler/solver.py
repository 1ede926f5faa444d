"""CP-SAT solver settings in one place."""

from __future__ import annotations

import os

from ortools.sat.python import cp_model

WORKERS = int(os.environ.get("SCHEDULER_WORKERS", "1"))


def new_solver(seconds: float, seed: int, workers: int = WORKERS) -> cp_model.CpSolver:
    """A solver with a wall-time limit and a fixed seed.  One worker keeps the
    search deterministic: same seed, same plan (unless the time limit cuts it)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    return solver
