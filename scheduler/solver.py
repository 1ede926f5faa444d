"""Below every block kind: CP-SAT solver settings in one place, the work
budgets that make the same seed give the same plan (`work_budget`,
`budget_seconds`), the stop button of a running solve (`Run`, `stopped`), and
what every block kind's planner returns (`BlockResult`)."""

from __future__ import annotations

import os
import threading
import weakref
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable

from ortools.sat.python import cp_model

WORKERS = int(os.environ.get("SCHEDULER_WORKERS", "1"))

Progress = Callable[[str], None]  # hears a line of text about the search


@dataclass
class BlockResult:
    """One block's plan as a planner returns it to the dispatcher."""

    rounds: list  # the block's plan (ids)
    bound: float  # proven upper bound on the block's score
    method: str  # which stage produced the rounds
    optimal: bool = False
    pauses: list | None = None  # speed networking: per round, who sits it out
    # `bound` leaves coverage rules out (the dispatcher subtracts what no plan meets); a bound
    # that counts them already (an exact model's optimum) goes here
    score_bound: float = float("inf")
    others: list | None = None  # more plans (rounds) worth planning coverage rules on, e.g. the best by pairs' value


class Run:
    """One `solve` call: whether its caller asked it to stop, and the CP-SAT searches to stop then."""

    def __init__(self, should_stop: Callable[[], bool] | None):
        self.should_stop = should_stop
        self.stopped = False
        self._solvers: weakref.WeakSet = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            self._solvers.add(solver)

    def stop(self) -> None:
        """Stop now: running searches return their best solution, later ones get no time."""
        with self._lock:
            self.stopped = True
            for solver in list(self._solvers):
                solver.stop_search()

    def watch(self, interval: float = 0.2) -> Callable[[], None]:
        """Poll `should_stop` in a thread of its own; returns the function that ends the watch."""
        if self.should_stop is None:
            return lambda: None
        done = threading.Event()

        def poll() -> None:
            while not done.wait(interval):
                if self.should_stop():
                    self.stop()
                    return

        threading.Thread(target=poll, name="scheduler-stop-watch", daemon=True).start()
        return done.set


current_run: ContextVar[Run | None] = ContextVar("scheduler_run", default=None)
current_budget: ContextVar[float | None] = ContextVar("scheduler_budget", default=None)


@contextmanager
def work_budget(seconds: float):
    """Inside: the block searches count `seconds` of work whatever their
    deadline (tests give a wide deadline and a small budget, so that a busy
    machine cannot cut the search and the same seed gives the same plan)."""
    token = current_budget.set(seconds)
    try:
        yield
    finally:
        current_budget.reset(token)


def budget_seconds(fallback: float) -> float:
    """Seconds of counted work for the block being planned: its share of the
    time limit, fixed before any search starts, so that the same seed gives
    the same plan on a busy machine (the deadline only cuts a machine too slow
    for it).  `fallback` (usually the time left) outside a dispatcher."""
    budget = current_budget.get()
    return fallback if budget is None else budget


def stopped() -> bool:
    """True once the caller of the running `solve` pressed stop: skip optional stages."""
    run = current_run.get()
    return run is not None and run.stopped


def new_solver(seconds: float, seed: int, workers: int = WORKERS, work: float | None = None) -> cp_model.CpSolver:
    """A solver with a wall-time limit and a fixed seed.  One worker keeps the
    search deterministic: same seed, same plan (unless the time limit cuts it).
    With `work`, the search also stops after that much deterministic time (counted
    work, the same on a busy machine), and the wall time only caps a slow machine.
    Inside a `solve` whose caller stops it, the search ends early with its best solution."""
    solver = cp_model.CpSolver()
    run = current_run.get()
    solver.parameters.max_time_in_seconds = 0.01 if run is not None and run.stopped else max(seconds, 0.01)
    if work is not None:
        solver.parameters.max_deterministic_time = max(work, 0.01)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    if run is not None:
        run.add(solver)
    return solver
