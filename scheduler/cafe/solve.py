"""The dispatcher's entry point for a café block: the bound, the constructive
start, the search, and the block's score as the validator counts it."""

from __future__ import annotations

import logging
import time

from ..problem import CafeBlock, Instance, Plan
from ..solver import BlockResult, Progress, budget_seconds, stopped
from ..validate import score_plan
from ..values import PairValues
from .bounds import cafe_bound
from .problem import CafeProblem, as_ids, seating_of
from .search import CafeState, solve_cafe
from .start import start_cafe
from .table_lp import table_bound

__all__ = ["solve_cafe_block", "cafe_score"]

log = logging.getLogger(__name__)

TABLE_SHARE = 1.0  # of the block's counted work: the table LP's pricing after the search (the deadline cuts it).
# Counted work runs at about half an unloaded machine's speed, so the search's and the LP's shares together
# still fit the block's wall time; the LP's GLOP is not counted, a busy machine cuts the bound (never the plan)


def solve_cafe_block(instance: Instance, block: CafeBlock, values: PairValues, deadline: float,
                     seed: int = 0, report: Progress | None = None, problem: CafeProblem | None = None,
                     start: list | None = None):
    """Plan one Pro-Action-Café block: a `scheduler.solver.BlockResult`
    (rounds as ids, bound, method).  Raises Infeasible (from
    `CafeProblem.build`, which a dispatcher may call first and pass as
    `problem`) and TimeoutError when no seating is found in time."""
    report = report or (lambda text: log.info(text))
    problem = problem or CafeProblem.build(instance, block, values)
    fixed = [dict(seating) for seating in block.fixed_rounds]
    if not problem.free_rounds:
        return BlockResult(fixed, cafe_score(instance, block, values, fixed), "fixed", optimal=True)
    now = time.monotonic()
    share = 0.1 * budget_seconds(max(deadline - now, 0))  # counted: the same for a seed on any machine
    bound = cafe_bound(problem, now + share, seed, work=share)
    report(f"{block.id}: bound {bound:.2f}")
    notify = getattr(report, "improved", None)  # the dispatcher's progress for the web app
    if notify:
        notify(block.id, bound=bound)
    if start is None:  # called on its own: the constructive start, which raises Infeasible if no seating exists
        start = start_cafe(instance, block, values)
    first = seating_of(problem, start) if start is not None else None
    on_better = None
    if notify and first is not None:  # the search's values differ from the score by what the fixed rounds bring
        rounds = fixed + [as_ids(problem, first[r]) for r in problem.free_rounds]
        offset = cafe_score(instance, block, values, rounds) - CafeState(problem, first).objective()
        on_better = lambda value: notify(block.id, score=value + offset)  # noqa: E731
    found = solve_cafe(problem, deadline, seed, report, first, on_better)
    rounds = fixed + [as_ids(problem, found.seating[r]) for r in problem.free_rounds]
    score = cafe_score(instance, block, values, rounds)
    if score < bound - 1e-9 and not stopped():  # the table LP: choices and pairs bounded together
        work = TABLE_SHARE * budget_seconds(max(deadline - now, 0))
        tables = table_bound(problem, found.seating, deadline, work=work)
        if tables is not None and tables < bound:
            bound = max(tables, score)
            report(f"{block.id}: bound over whole tables {bound:.2f}")
            if notify:
                notify(block.id, bound=bound)
    return BlockResult(rounds, max(bound, score), found.method, optimal=score >= bound - 1e-9)


def cafe_score(instance: Instance, block: CafeBlock, values: PairValues, rounds) -> float:
    """The block's score as the validator computes it."""
    single = instance.only(block)
    plan = Plan(blocks={block.id: tuple({t: tuple(s) for t, s in r.items()} for r in rounds)})
    return score_plan(single, plan, values)[0]
