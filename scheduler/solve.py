"""Solving: a constructive start for every block, then each block's search
by its kind, a shared deadline, the best plan kept.

The kinds: pairs (`scheduler.pairs`), speed networking in groups of three or
more (`scheduler.groups`), Pro-Action-Café (`scheduler.cafe`); the start and
the bound of any speed-networking plan with pauses are in `scheduler.speed`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from .cafe import CafeProblem, cafe_bound, solve_cafe_block, start_cafe
from .cover_search import improve_coverage
from .coverage import unavoidable_missing
from .groups import solve_groups_block
from .pairs import solve_pairs_block
from .problem import Block, CafeBlock, Infeasible, Instance, InstanceError, Plan, SpeedBlock
from .solver import BlockResult, Progress, Run, budget_seconds, current_budget, current_run, stopped
from .speed import speed_bound, start_speed, unavoidable_pauses
from .validate import score_plan, validate_plan
from .values import PairValues

__all__ = ["solve", "SolveResult", "BlockResult", "planner_for", "unsupported_block", "any_plan_bound",
           "solve_pairs_block", "solve_groups_block", "solve_cafe_block"]

log = logging.getLogger(__name__)



@dataclass
class SolveResult:
    plan: Plan
    score: float
    bound: float
    seconds: float
    methods: dict[str, str] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        if self.bound == 0:
            return 0.0 if self.score >= 0 else float("inf")
        return (self.bound - self.score) / abs(self.bound)


Planner = Callable[[Instance, Block, PairValues, float, int, Progress], BlockResult]


def planner_for(block: Block) -> Planner | None:
    """The planner for a block's kind: pairs, groups of three or more, Pro-Action-Café."""
    if isinstance(block, SpeedBlock) and block.group_size == 2:
        return solve_pairs_block
    if isinstance(block, SpeedBlock):
        return solve_groups_block
    if isinstance(block, CafeBlock):
        return solve_cafe_block
    return None


def unsupported_block(instance: Instance) -> str | None:
    """The message for the first block no planner handles yet, or None."""
    for k, block in enumerate(instance.blocks):
        if planner_for(block) is not None:
            continue
        if isinstance(block, CafeBlock):
            return f"blocks[{k}]: pro-action-cafe blocks are not supported by this solver yet"
        return (f"blocks[{k}]: speed-networking groups of {block.group_size} are not supported "
                "by this solver yet (pairs only)")
    return None


def solve(instance: Instance, time_limit: float = 60.0, seed: int = 0, *,
          deadline: float | None = None, progress: Progress | None = None,
          on_improvement: Callable[[float, float | None], None] | None = None,
          should_stop: Callable[[], bool] | None = None,
          on_plan: Callable[[dict], None] | None = None, give_up: float | None = None) -> SolveResult:
    """Plan every block within `time_limit` seconds (or until the monotonic
    `deadline`, whichever comes first).

    First every block gets a constructive start (`scheduler.speed`, `scheduler.cafe.start`): a valid
    plan with pauses, revisits or uneven tables only where the people and
    tables leave no other way.  Then each block's search improves it; the
    searches count their work in shares of `time_limit`, so the same seed gives
    the same plan on a busy machine, and the deadline only cuts a machine too
    slow for them.  Raises Infeasible when no plan exists even with pauses and
    revisits, TimeoutError (exit 5) when not even the start fits in the time.

    `on_improvement(score, bound)` hears the best score so far and the bound
    once known; `on_plan(plan_dict)` hears every better complete plan, the
    start first; `should_stop()` is polled, and once it says yes the running
    searches end with their best plan.  `give_up` (monotonic, default the
    deadline) is when not even a first plan is worth starting any more: the
    command line aims at a deadline a little before the limit, but a first
    plan is still worth writing up to the limit itself."""
    run = Run(should_stop)
    token = current_run.set(run)
    end_watch = run.watch()
    try:
        return _solve(instance, time_limit, seed, deadline, _Report(progress, on_improvement, on_plan), give_up)
    finally:
        end_watch()
        current_run.reset(token)


class _Report:
    """Progress for the caller: text lines, each block's best score and bound as they improve, better plans."""

    def __init__(self, progress: Progress | None, on_improvement, on_plan=None):
        self.text = progress or (lambda text: log.info(text))
        self.on_improvement = on_improvement
        self.on_plan = on_plan
        self.scores: dict[str, float] = {}
        self.bounds: dict[str, float] = {}

    def __call__(self, text: str) -> None:
        self.text(text)

    def improved(self, block_id: str, score: float | None = None, bound: float | None = None) -> None:
        if score is not None:
            self.scores[block_id] = max(score, self.scores.get(block_id, float("-inf")))
        if bound is not None and bound != float("inf"):
            self.bounds[block_id] = min(bound, self.bounds.get(block_id, float("inf")))
        if self.on_improvement and self.scores:
            known = all(b in self.bounds for b in self.scores)
            self.on_improvement(sum(self.scores.values()), sum(self.bounds.values()) if known else None)

    def plan(self, plan: Plan) -> None:
        if self.on_plan is not None:
            self.on_plan(plan.to_dict())


COVER_SHARE = 0.15  # of a block's time: planning for its coverage rules after its search
WORK_SHARE = 0.85  # of the time limit, counted out to the blocks' searches; the rest is start-up and bounds
CAFE_WEIGHT = 2  # a café round per person counts this many speed-networking ones when time and work are shared
# out: the pairs reach their bound early, the café's search and table LP use all they get (`make run`'s demo, 60
# people, 8 rounds of pairs and 3 café rounds, 30 s: café seating 12 954 -> 13 110, gap 7,56 -> 6,00 %; with
# 120 people 11,10 -> 9,01 %; the pairs' plans the same)


def _solve(instance: Instance, time_limit: float, seed: int, deadline: float | None,
           report: _Report, give_up: float | None = None) -> SolveResult:
    started = time.monotonic()
    deadline = started + time_limit if deadline is None else min(deadline, started + time_limit)
    give_up = deadline if give_up is None else max(give_up, deadline)
    message = unsupported_block(instance)
    if message:
        raise InstanceError(message)
    values = PairValues(instance)
    best: dict[str, BlockResult] = {}
    scores: dict[str, float] = {}
    for block in instance.blocks:
        if time.monotonic() >= give_up:
            raise TimeoutError("no plan found within the time limit (not even a first one)")
        if isinstance(block, SpeedBlock):
            start = start_speed(instance, block, values, seed)
            best[block.id] = BlockResult(start.rounds, float("inf"), "start", pauses=start.pauses)
        else:
            best[block.id] = BlockResult(start_cafe(instance, block, values), float("inf"), "start")
        scores[block.id] = _block_total(instance, block, best[block.id], values)
        report.improved(block.id, scores[block.id])
    report(f"first plan: score {sum(scores.values()):.2f} ({time.monotonic() - started:.2f} s)")
    report.plan(_assemble(instance, best, values))
    work = budget_seconds(WORK_SHARE * time_limit)  # a caller's `work_budget`, else a share of the limit
    sizes = [len(instance.participants) * block.rounds * (1 if isinstance(block, SpeedBlock) else CAFE_WEIGHT)
             for block in instance.blocks]
    for k, block in enumerate(instance.blocks):
        if stopped() or time.monotonic() >= deadline:
            break
        share = sizes[k] / sum(sizes[k:])
        # a block with coverage rules leaves a share of its time to plan for them (`_cover`)
        keep = 1 - COVER_SHARE if isinstance(block, SpeedBlock) and block.coverage else 1.0
        block_deadline = time.monotonic() + keep * share * (deadline - time.monotonic())
        cover_deadline = time.monotonic() + share * (deadline - time.monotonic())
        token = current_budget.set(keep * work * sizes[k] / sum(sizes))
        try:
            found = _improve(instance, block, values, best[block.id], block_deadline, seed, report)
        finally:
            current_budget.reset(token)
        if _cover(instance, block, best[block.id], values, cover_deadline, report):  # the start, for coverage
            scores[block.id] = _block_total(instance, block, best[block.id], values)
            report.plan(_assemble(instance, best, values))
        if found is not None:
            _cover_best(instance, block, found, values, cover_deadline, report)
            score = _block_total(instance, block, found, values)
            if score > scores[block.id] + 1e-9:
                best[block.id], scores[block.id] = found, score
                report.plan(_assemble(instance, best, values))
            else:
                best[block.id].bound = min(best[block.id].bound, found.bound)
        report.improved(block.id, scores[block.id], best[block.id].bound)
    for block in instance.blocks:  # blocks the searches did not reach keep a proven bound too
        if best[block.id].bound == float("inf"):
            best[block.id].bound = _fallback_bound(instance, block, values)
    plan = _assemble(instance, best, values)
    score, _ = score_plan(instance, plan, values)
    bound = max(sum(r.bound for r in best.values()), score)
    methods = {block_id: r.method for block_id, r in best.items()}
    seconds = time.monotonic() - started
    result = SolveResult(plan, score, bound, seconds, methods)
    result.plan = Plan(blocks=plan.blocks, score=round(score, 6), bound=round(bound, 6),
                       extra={"gap": round(result.gap, 6)}, pauses=plan.pauses)
    return result


def _assemble(instance: Instance, results: dict[str, BlockResult], values: PairValues) -> Plan:
    blocks = {block_id: tuple(_as_round(r) for r in result.rounds) for block_id, result in results.items()}
    pauses = {block_id: tuple(tuple(p) for p in result.pauses) for block_id, result in results.items()
              if result.pauses and any(result.pauses)}
    plan = Plan(blocks=blocks, pauses=pauses)
    score, _ = score_plan(instance, plan, values)
    return Plan(blocks=blocks, pauses=pauses, score=round(score, 6))


def _as_round(round_):
    if isinstance(round_, dict):
        return {table: tuple(people) for table, people in round_.items()}
    return tuple(tuple(group) for group in round_)


def _improve(instance: Instance, block: Block, values: PairValues, start: BlockResult, deadline: float,
             seed: int, report: _Report) -> BlockResult | None:
    """The block's search, started from (and compared against) the constructive start."""
    if isinstance(block, CafeBlock):
        try:
            return solve_cafe_block(instance, block, values, deadline, seed, report, start=start.rounds)
        except (Infeasible, TimeoutError) as error:
            report(f"{block.id}: the search kept the first plan ({error})")
            return None
    free = range(len(block.fixed_rounds), block.rounds)
    pauses = start.pauses or [[] for _ in range(block.rounds)]
    targets: list[tuple[SpeedBlock, float]] = []
    if not any(pauses[t] for t in range(block.rounds)):
        targets.append((block, 1.0))
    else:
        if not any(pauses[t] for t in range(len(block.fixed_rounds))) and not unavoidable_pauses(
                instance, block, values):
            targets.append((block, 0.4))  # maybe no one needs to pause after all
        targets.append((_without_pauses(instance, block, pauses), 1.0))
    found: BlockResult | None = None
    found_score = float("-inf")
    work = budget_seconds(deadline - time.monotonic())
    for target, share in targets:
        if stopped() or time.monotonic() >= deadline:
            break
        now = time.monotonic()
        token = current_budget.set(share * work)
        heard = report if target is block else _PausedReport(report, instance.weights.pause * sum(map(len, pauses)))
        try:
            result = planner_for(target)(instance, target, values, now + share * (deadline - now), seed, heard)
        except (Infeasible, TimeoutError) as error:
            report(str(error))
            continue
        except Exception:  # a search's bug must not take the valid start away
            log.exception("%s: the search failed; the first plan is kept", block.id)
            continue
        finally:
            current_budget.reset(token)
        work *= 1 - share
        result.pauses = [list(p) for p in pauses] if target is not block else [[] for _ in range(block.rounds)]
        if target is block:
            result.pauses[:len(block.fixed_rounds)] = [list(p) for p in pauses[:len(block.fixed_rounds)]]
        plan = Plan(blocks={block.id: tuple(_as_round(r) for r in result.rounds)},
                    pauses={block.id: tuple(tuple(p) for p in result.pauses)})
        single = instance.only(block)
        broken = validate_plan(single, plan, values)
        if broken:  # a planner bug: never hand out an invalid plan
            log.warning("%s: plan dropped: %s", block.id, broken[0].message)
            continue
        score = score_plan(single, plan, values)[0]
        if target is not block or any(result.pauses):
            result.bound = _fallback_bound(instance, block, values)
        elif block.coverage:  # the searches bound the pairs' value; every plan misses these meetings
            unavoidable = instance.weights.coverage * unavoidable_missing(instance, block, values)
            result.bound = max(min(result.bound - unavoidable, result.score_bound), score)
        if score > found_score:
            found, found_score = result, score
        if target is block and not any(result.pauses[t] for t in free):
            break  # nobody pauses: the pause-free plan is the one to keep
    return found


def _cover(instance: Instance, block: Block, result: BlockResult, values: PairValues, deadline: float,
           report: _Report) -> bool:
    """Plan for the block's coverage rules on the best plan so far (`scheduler.cover_search`);
    True when the plan got better."""
    if not isinstance(block, SpeedBlock) or not block.coverage or stopped() or time.monotonic() >= deadline:
        return False
    try:
        found = improve_coverage(instance, block, values, result.rounds, result.pauses, deadline=deadline)
    except Exception:  # a search's bug must not take the valid plan away
        log.exception("%s: the coverage search failed; the plan is kept", block.id)
        return False
    if found is None:
        return False
    result.rounds = found
    result.method += "+coverage"
    report(f"{block.id}: coverage planned")
    return True


def _cover_best(instance: Instance, block: Block, result: BlockResult, values: PairValues, deadline: float,
                report: _Report) -> None:
    """`_cover` on the search's plan and on the other plans it offers (`BlockResult.others`); the
    best of them becomes the result's plan."""
    others = result.others or []
    result.others = None
    _cover(instance, block, result, values, deadline, report)
    best = _block_total(instance, block, result, values)
    for rounds in others:
        other = replace(result, rounds=rounds, method=result.method + " (by pairs' value)")
        _cover(instance, block, other, values, deadline, report)
        score = _block_total(instance, block, other, values)
        if score > best + 1e-9 and not validate_plan(instance.only(block), _single_plan(block, other), values):
            best, result.rounds, result.method = score, other.rounds, other.method


class _PausedReport:
    """What a search on the block without its pauses reports, as scores of the block with them:
    every pause costs, and that block's bound holds only for plans with these very pauses."""

    def __init__(self, report: _Report, cost: float):
        self.report, self.cost = report, cost

    def __call__(self, text: str) -> None:
        self.report(text)

    def improved(self, block_id: str, score: float | None = None, bound: float | None = None) -> None:
        if score is not None:
            self.report.improved(block_id, score - self.cost)


def _without_pauses(instance: Instance, block: SpeedBlock, pauses: list) -> SpeedBlock:
    """The block with every pause turned into absence, for the searches that know no pauses."""
    present = dict(block.present)
    for person in instance.participants:
        rounds = tuple(r for r in range(block.rounds)
                       if block.is_present(person.id, r) and person.id not in pauses[r])
        if len(rounds) != block.rounds or person.id in block.present:
            present[person.id] = rounds
    return replace(block, present=present)


CAFE_BOUND_SECONDS = 2.0


def any_plan_bound(instance: Instance, block: Block, values: PairValues) -> float:
    """A bound that holds for every plan of the block, pauses and revisits included."""
    if isinstance(block, SpeedBlock):
        return speed_bound(instance, block, values)
    problem = CafeProblem.build(instance, block, values)
    return cafe_bound(problem, time.monotonic() + CAFE_BOUND_SECONDS)


def _fallback_bound(instance: Instance, block: Block, values: PairValues) -> float:
    return any_plan_bound(instance, block, values)


def _single_plan(block: Block, result: BlockResult) -> Plan:
    return Plan(blocks={block.id: tuple(_as_round(r) for r in result.rounds)},
                pauses={block.id: tuple(tuple(p) for p in result.pauses)} if result.pauses else {})


def _block_total(instance: Instance, block: Block, result: BlockResult, values: PairValues) -> float:
    """One block's score as the spec counts it (pauses included)."""
    plan = Plan(blocks={block.id: tuple(_as_round(r) for r in result.rounds)},
                pauses={block.id: tuple(tuple(p) for p in result.pauses)} if result.pauses else {})
    _total, blocks = score_plan(instance, plan, values)
    return blocks[block.id].score
