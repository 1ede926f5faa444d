"""The dispatcher's entry point for a groups block: the search's plan of the
free rounds, the bound, and the block's score as the validator counts it."""

from __future__ import annotations

import logging
import time

from ..problem import Instance, Plan, SpeedBlock
from ..solver import BlockResult, Progress, budget_seconds
from ..validate import score_plan
from ..values import PairValues
from .bounds import clique_size, groups_bound
from .problem import GroupsProblem
from .search import solve_groups

__all__ = ["solve_groups_block"]

log = logging.getLogger(__name__)


def solve_groups_block(instance: Instance, block: SpeedBlock, values: PairValues, deadline: float,
                       seed: int = 0, report: Progress | None = None, problem: GroupsProblem | None = None):
    """Plan one speed-networking block with groups of three or more: a
    `scheduler.solver.BlockResult` (rounds as ids, bound, method).  Raises
    Infeasible (from `GroupsProblem.build`, which a dispatcher may call first
    and pass as `problem`) and TimeoutError when no valid plan is found."""
    report = report or (lambda text: log.info(text))
    problem = problem or GroupsProblem.build(instance, block, values)
    fixed = [list(list(g) for g in groups) for groups in block.fixed_rounds]
    ids = values.ids
    if not problem.free_rounds:
        return BlockResult(fixed, _fixed_score(instance, block, values, fixed), "fixed", optimal=True)
    now = time.monotonic()
    work = budget_seconds(max(deadline - now, 0))  # counted: the same for a seed on any machine
    zero = problem.zero_values
    # the search levels off early; the clique LP may take 30 % of the time.  The search goes
    # first with its counted moves and the whole wall time as headroom (a busy machine then still
    # makes all of them: same seed, same plan); the bound gets what is left, at least its share.
    share = 0.02 if zero else 0.3 if clique_size(problem) is not None else 0.15
    notify = getattr(report, "improved", None)  # the dispatcher's progress for the web app
    on_better = None
    if notify and not problem.fairness:  # the search's value differs from the score by the fixed rounds
        offset = _fixed_score(instance, block, values, fixed + [[] for _ in problem.free_rounds])
        on_better = lambda value: notify(block.id, score=value + offset)  # noqa: E731
    best = solve_groups(problem, deadline - share * max(deadline - now, 0) * 0.5, seed, report,
                        work=(1 - share) * work, on_better=on_better)
    if best.conflicts:
        raise TimeoutError(f"{block.id}: no plan without repeats or forbidden pairs found within "
                           "the time limit")
    now = time.monotonic()
    bound = groups_bound(problem, max(deadline, now + 0.2), seed, work=share * work,  # cut off, it still bounds
                         start=best.rounds)
    report(f"{block.id}: bound {bound:.2f}")
    if notify:
        notify(block.id, bound=bound)
    rounds = fixed + [[[ids[i] for i in group] for group in best.rounds[t]] for t in problem.free_rounds]
    score = _fixed_score(instance, block, values, rounds)
    method = "tabu" if zero else "greedy+annealing+tabu"
    return BlockResult(rounds, max(bound, score), method, optimal=score >= bound - 1e-9)


def _fixed_score(instance: Instance, block: SpeedBlock, values: PairValues, rounds) -> float:
    single = instance.only(block)
    plan = Plan(blocks={block.id: tuple(tuple(tuple(g) for g in r) for r in rounds)})
    return score_plan(single, plan, values)[0]
