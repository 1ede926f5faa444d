"""Planning a pairs block (speed networking with `group_size == 2`):

 1. the b-matching decides which pairs meet; its optimum is the `bound`;
 2. the split model puts those pairs into rounds (a perfect split reaches the
    bound, so the plan is proven optimal);
 3. if the split fails or time runs short, round-by-round matching gives a
    valid plan; the better plan wins.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Callable

import numpy as np
from ortools.sat.python import cp_model

from ..problem import Infeasible, Instance, Plan, SpeedBlock
from ..solver import BlockResult, Progress, budget_seconds, new_solver, stopped
from ..validate import score_plan, validate_plan
from ..values import PairValues
from .colouring import colour_edges, complete_rounds
from .improve import improve_by_rounds
from .lp import bmatching_lp
from .matching import partner_ranking, plan_greedily, plan_round_by_round, top_partners
from .model import BMatchingModel, RoundsModel, SplitModel, triangle_edges, triangles_in
from .problem import PairsProblem
from .roundrobin import round_robin_plan
from .triobound import trio_bound

__all__ = ["solve_pairs_block", "solve_pairs", "BestPlan"]

log = logging.getLogger(__name__)


def solve_pairs_block(instance: Instance, block: SpeedBlock, values: PairValues, deadline: float,
                      seed: int = 0, report: Progress | None = None,
                      problem: PairsProblem | None = None) -> BlockResult:
    """Plan one pairs block: a `scheduler.solver.BlockResult` (rounds as ids,
    bound, method).  Raises Infeasible (from `PairsProblem.build`, which a
    dispatcher may call first and pass as `problem`) and TimeoutError when no
    valid plan is found."""
    report = report or (lambda text: log.info(text))
    return solve_pairs(problem or PairsProblem.build(instance, block, values), deadline, seed, report)


def solve_pairs(problem: PairsProblem, deadline: float, seed: int, report: Progress) -> BlockResult:
    """Plan one pairs block; the stages share the time left until `deadline`."""
    started = time.monotonic()
    block = problem.block
    fixed = [list(groups) for groups in block.fixed_rounds]
    if not problem.free_rounds:
        return BlockResult(fixed, _block_score(problem, fixed), "fixed", optimal=True)

    def remaining(share: float) -> float:
        """A deadline `share` of the time left from now."""
        now = time.monotonic()
        return now + share * max(deadline - now, 0)

    work = budget_seconds(deadline - started)  # counted: the deadline only cuts a slow machine
    best = BestPlan(problem, fixed, notify=getattr(report, "improved", None))
    best.consider("greedy", plan_greedily(problem, deadline=deadline))
    best.consider("round robin", round_robin_plan(problem))
    if time.monotonic() >= deadline:  # the dispatcher keeps its start
        return _hand_over(best)
    if (problem.published or best.rounds is None) and deadline - time.monotonic() > _round_by_round_seconds(problem):
        # re-planning: round by round keeps most published pairs and re-pairs the rest;
        # otherwise a valid plan early when the greedy one failed
        best.consider("round-by-round", plan_round_by_round(problem, remaining(0.3)))
        report(f"{block.id}: round by round: {best.score:.2f}")
    relaxed = _BMatchingStage(problem, seed, start=_pairs_of(best.planned()) if best.rounds else None,
                              work=STAGE_WORK * work)
    # the pairs' stage leaves time for round by round when that can run at all, else for the split only
    rounds_later = deadline - time.monotonic() > 2 * _round_by_round_seconds(problem)
    uses, kept, bound_scaled, optimal = relaxed.run(remaining(0.7 if rounds_later else 0.85))
    best.bound = _real_bound(problem, bound_scaled, relaxed.objective_scale)
    best.tell()
    report(f"{block.id}: pairs chosen, bound {best.bound:.2f}{' (proven)' if optimal else ''}")
    if uses is not None and not problem.odd_rounds:  # with trios, the relaxed choice rarely splits
        best.consider("b-matching+split", _split(problem, uses, kept, seed, remaining(0.5), STAGE_WORK * work))
    if problem.block.coverage and not stopped():
        _bmatching_with_coverage(problem, best, seed, remaining(0.5), STAGE_WORK * work)
        if best.score_bound < float("inf"):
            report(f"{block.id}: pairs chosen for the coverage rules, bound {best.score_bound:.2f}")
    if not best.reached() and uses is not None and problem.odd_rounds and not stopped():
        report(f"{block.id}: choosing the trios explicitly")
        trios = _candidate_trios(problem, set(uses))
        # a restriction (only candidate trios), so the pairs may be restricted too
        edges = relaxed.edges or sorted(set(uses) | top_partners(problem, 2 * len(problem.free_rounds))
                                        | _locked_and_published_pairs(problem))
        with_trios = _BMatchingStage(problem, seed, trios=trios, hint=uses, edges=edges, work=STAGE_WORK * work)
        uses3, kept3, _bound, _optimal = with_trios.run(remaining(0.5))
        if uses3 is not None:
            uses = uses3
            best.consider("b-matching+trios+split",
                          _split(problem, uses3, kept3, seed, remaining(0.6), STAGE_WORK * work,
                                 with_trios.trios_chosen))
    if (not best.reached() and deadline - time.monotonic() > _round_by_round_seconds(problem)
            and (not stopped() or best.rounds is None)):
        # round by round, the chosen pairs first: everyone keeps enough partners for later rounds
        best.consider("b-matching+rounds" if uses else "round-by-round",
                      plan_round_by_round(problem, remaining(0.5 if uses else 1.0), prefer=set(uses or ())))
    if not best.reached() and best.rounds is not None and not stopped():
        tighter = trio_bound(problem, relaxed.lp, sum(problem.edge_value[e] for e in _pairs_of(best.planned())),
                             deadline=deadline)
        if tighter is not None:
            best.bound = min(best.bound, _real_bound(problem, tighter, 1))
            best.tell()
            report(f"{block.id}: bound with real trios {best.bound:.2f}")
    if not best.reached() and _small(problem) and not stopped():
        report(f"{block.id}: improving with the round-by-round model")
        _improve_exactly(problem, best, seed, deadline, IMPROVE_SHARE * work)
    elif not best.reached() and best.rounds is not None and not stopped():
        report(f"{block.id}: re-planning a few rounds at a time")
        done = improve_by_rounds(problem, best, seed, deadline, LNS_SHARE * work, report)
        log.info("%s: round LNS: %d steps, %d gains, %.1f work", block.id, done["steps"], done["gains"], done["work"])
    return _hand_over(best)


STAGE_WORK = 0.5  # of the block's counted work (CP-SAT deterministic time): each b-matching search


def _bmatching_with_coverage(problem: PairsProblem, best: "BestPlan", seed: int, deadline: float,
                             work: float) -> None:
    """The b-matching over every candidate pair with the coverage rules' costs in its objective
    (`BMatchingModel.build(coverage=True)`): its bound bounds the score itself, coverage included
    (`best.score_bound`), and its pairs, split into rounds, are a plan chosen with the rules in
    mind.  `make run`'s demo, 60 people, 8 rounds, five rules: the pairs' bound 1 840 stood 3,2 %
    above the plans, which lose value to the rules.  Skipped above FULL_MODEL_PAIRS pairs (the
    pruned pairs of the plain b-matching may leave out the ones a rule needs) and where the
    scaled rule weight is not exact."""
    if len(problem.edges) > FULL_MODEL_PAIRS or time.monotonic() >= deadline:
        return
    bm = BMatchingModel.build(problem, coverage=True)
    if not bm.covers_exactly:
        return
    if best.rounds is not None:
        bm.hint({e: 1 for e in _pairs_of(best.planned())})
    solver = new_solver(deadline - time.monotonic(), seed, work=work)
    status = solver.Solve(bm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    best.score_bound = min(best.score_bound, _real_bound(problem, solver.BestObjectiveBound(), bm.objective_scale))
    if not problem.odd_rounds:  # with trios, the relaxed choice rarely splits
        uses, kept = bm.chosen(solver)
        best.consider("b-matching with coverage+split", _split(problem, uses, kept, seed, deadline, work))


def _hand_over(best: "BestPlan") -> BlockResult:
    """The best plan so far (TimeoutError if none): when the stages are done or the time is up."""
    block = best.problem.block
    if best.rounds is None:
        raise TimeoutError(f"{block.id}: no plan found within the time limit")
    if best.score > best.bound + 1e-6:
        log.warning("%s: score %.2f above the bound %.2f: the bound is wrong", block.id, best.score, best.bound)
    return BlockResult(best.rounds, max(best.bound, best.score), best.method, optimal=best.reached(),
                       score_bound=max(best.score_bound, best.score),
                       others=[best.plain_rounds] if best.plain_rounds not in (None, best.rounds) else [])


def _round_by_round_seconds(problem: PairsProblem) -> float:
    """A rough least time for round-by-round matching to be worth starting."""
    return len(problem.free_rounds) * (0.05 + len(problem.edges) / 100_000)


@dataclass
class BestPlan:
    """The best plan so far for one block, and the bound it is measured against."""

    problem: PairsProblem
    fixed: list
    rounds: list | None = None
    score: float = float("-inf")
    method: str = ""
    bound: float = float("inf")
    notify: Callable | None = None  # hears (block id, best score, bound) when they change
    score_bound: float = float("inf")  # a bound that counts the coverage rules' costs already (`bound` does not)
    plain_rounds: list | None = None  # with coverage rules: the best plan by the score without them
    plain_score: float = float("-inf")

    def tell(self) -> None:
        if self.notify is not None:
            self.notify(self.problem.block.id, self.score if self.rounds is not None else None, self.bound)

    def consider(self, method: str, planned: dict | None) -> None:
        """Keep `planned` if it is valid and better than the best so far."""
        if planned is None:
            return
        ids = self.problem.values.ids
        rounds = self.fixed + [[tuple(ids[i] for i in group) for group in planned[t]]
                               for t in self.problem.free_rounds]
        broken = validate_plan(_only_block(self.problem), _as_plan(self.problem, rounds), self.problem.values)
        if broken:  # a planner bug: never hand out an invalid plan
            log.warning("%s: %s plan dropped: %s", self.problem.block.id, method, broken[0].message)
            return
        score = _block_score(self.problem, rounds)
        if self.problem.block.coverage:  # the best plan by pairs' value too: it may cover better later
            plain = _block_score(self.problem, rounds, coverage=False)
            if plain > self.plain_score + 1e-9:
                self.plain_rounds, self.plain_score = rounds, plain
        if score > self.score + 1e-9:
            self.rounds, self.score, self.method = rounds, score, method
            self.tell()

    def reached(self) -> bool:
        return self.rounds is not None and self.score >= min(self.bound, self.score_bound) - 1e-6

    def planned(self) -> dict[int, list[tuple[int, ...]]]:
        index = self.problem.values.index
        return {t: [tuple(sorted(index[p] for p in g)) for g in self.rounds[t]]
                for t in self.problem.free_rounds}


IMPROVE_SHARE = 0.6  # of the block's counted work: the exact model's search (below SMALL_MODEL)
EVERY_TRIO_PEOPLE = 30  # the exact model has every trio up to this many people (building more takes seconds)
SMALL_MODEL = 15_000  # group-and-round variables the exact model may have
LNS_SHARE = 0.6  # of the block's counted work: above SMALL_MODEL, rounds re-planned a few at a time


def _small(problem: PairsProblem) -> bool:
    """Whether the exact model (a variable per pair and round) is small."""
    total = 0
    for t in problem.free_rounds:
        here = set(problem.present[t])
        total += sum(1 for a, b in problem.edges if a in here and b in here)
        if total > SMALL_MODEL:
            return False
    return True


def _improve_exactly(problem: PairsProblem, best: BestPlan, seed: int, deadline: float, work: float) -> None:
    """The exact round-by-round model, hinted with the best plan, for `work`
    seconds of counted work (`deadline` only cuts a slow machine).  With every
    trio modelled, INFEASIBLE proves there is no plan at all."""
    every_trio = problem.n <= EVERY_TRIO_PEOPLE
    model = RoundsModel.build(problem, trios=None if every_trio else _candidate_trios(problem, set()))
    if best.rounds is not None:
        model.hint(best.planned())
    solver = new_solver(deadline - time.monotonic(), seed, work=work)
    status = solver.Solve(model.model)
    if status == cp_model.INFEASIBLE and every_trio and best.rounds is None:
        raise Infeasible(f"{problem.block.id}: no plan keeps every hard rule (presence, locks, "
                         "no repeats, allowed pairs)")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        planned = model.rounds(solver)
        best.consider("round model", planned)
        if status == cp_model.OPTIMAL and every_trio:
            if model.covers_exactly:  # the optimum of the score itself, coverage rules included
                best.score_bound = min(best.score_bound, best.score)
            else:  # the optimum of the score without coverage rules (they only cost)
                best.bound = min(best.bound, max(_block_score(problem, best.rounds, coverage=False),
                                                 _block_score(problem, best.fixed + _id_rounds(problem, planned),
                                                              coverage=False)))


FULL_MODEL_PAIRS = 20_000  # CP-SAT on every pair only below this (building it takes seconds)
PRUNED_PAIRS = 60_000  # CP-SAT on the pairs the LP leaves only below this (memory and time grow with them)


@dataclass
class _BMatchingStage:
    """Choose the pairs: the LP relaxation (column generation from a known
    plan's pairs) bounds the value, its reduced costs prune every pair that
    cannot be in a better b-matching, and CP-SAT solves the rest exactly."""

    problem: PairsProblem
    seed: int
    trios: dict | None = None  # candidate trios per odd round (None: relaxed degrees)
    hint: dict | None = None
    edges: list | None = None  # the pairs modelled (None: all candidates)
    start: set | None = None  # pairs of a known plan: a feasible start for the LP
    objective_scale: int = 1
    value: float = 0.0
    work: float | None = None  # counted work (deterministic seconds) of each CP-SAT search
    found: tuple | None = None  # (uses, kept) of the sparse search when the pruned model is not built
    trios_chosen: dict = field(default_factory=dict)  # odd round -> trio, with candidate trios
    lp: object = None  # the LP bound, once solved

    def run(self, deadline: float):
        lp = None
        if self.edges is None and self.trios is None:
            lp = self.lp = self._lp(deadline)
            if lp is not None and self.solved_by_lp(lp):
                self.value = lp.bound
                return {e: 1 for e in lp.support}, [], lp.bound, True
            if lp is not None and time.monotonic() >= deadline:  # no time for the pairs: the LP's bound
                p = self.problem
                self.objective_scale = p.fairness.denominator if p.fairness > 0 and p.counted else 1
                return None, [], lp.bound, False
            self.edges = self._pruned_edges(lp, deadline) if lp is not None else None
            if self.edges is None and self.found is not None:  # improve on the sparse pairs, from their best
                uses, kept, sparse = self.found
                if time.monotonic() < deadline:
                    more, more_kept, _bound, _optimal = self._solve(sparse, deadline)
                    if more is not None:
                        uses, kept = more, more_kept
                return uses, kept, lp.bound, False
            if self.edges is None and len(self.problem.edges) > FULL_MODEL_PAIRS:
                uses, kept, bound, _optimal = self._sparse(deadline)  # no time to model every pair
                return uses, kept, min(bound, lp.bound) if lp is not None else bound, False
        uses, kept, bound, optimal = self._solve(self.edges, deadline)
        if lp is not None:
            bound = min(bound, lp.bound)
            optimal = optimal or (uses is not None and bound <= self.value + 1e-6)
        return uses, kept, bound, optimal

    def _sparse(self, deadline: float):
        """Without the LP (out of time): the b-matching over a known plan's pairs and everyone's
        best partners, a good choice of pairs but no bound (the quick bound stands in)."""
        p = self.problem
        if not self.start or time.monotonic() >= deadline:
            return None, [], _simple_bound(p, 1), False
        sparse = set(self.start) | top_partners(p, len(p.free_rounds)) | _locked_and_published_pairs(p)
        self.hint = self.hint or {e: 1 for e in self.start}  # a plan's pairs: a b-matching to start from
        uses, kept, _bound, _optimal = self._solve(sorted(sparse), deadline)
        return uses, kept, _simple_bound(p, self.objective_scale), False

    def _lp(self, deadline: float):
        p = self.problem
        begin = None
        if self.start:
            begin = set(self.start) | top_partners(p, len(p.free_rounds) + 2)
        return bmatching_lp(p, 0.8 * (deadline - time.monotonic()), begin)

    def solved_by_lp(self, lp) -> bool:
        """An integral LP optimum of a plain block (no fairness, published
        plan or repeats) is an optimal b-matching."""
        p = self.problem
        plain = not p.published and not p.fairness and not p.block.allow_repeats
        return (plain and lp.integral
                and sum(p.edge_value[e] for e in lp.support) >= lp.bound)

    def _pruned_edges(self, lp, deadline: float):
        """The pairs that can be in a b-matching at least as good as one
        found on a sparse set of pairs."""
        p = self.problem
        sparse = set(lp.support) | top_partners(p, len(p.free_rounds)) | _locked_and_published_pairs(p)
        if self.start:  # a known plan's pairs: a b-matching the search starts from
            sparse |= set(self.start)
            self.hint = self.hint or {e: 1 for e in self.start}
        now = time.monotonic()
        uses, kept, _bound, _optimal = self._solve(sorted(sparse), now + 0.3 * (deadline - now))
        if uses is None:
            return None
        self.hint = uses
        useful = set(lp.useful(p.edges, self.value)) | sparse
        if len(useful) > PRUNED_PAIRS or time.monotonic() >= deadline:
            self.found = (uses, kept, sorted(sparse))  # too weak a plan to prune much, or no time left
            return None
        return sorted(useful)

    def _solve(self, edges, deadline: float):
        bm = BMatchingModel.build(self.problem, edges=edges, trios=self.trios)
        if self.hint:
            bm.hint(self.hint)
        self.objective_scale = bm.objective_scale
        solver = new_solver(deadline - time.monotonic(), self.seed, work=self.work)
        status = solver.Solve(bm.model)
        if status == cp_model.INFEASIBLE and self.trios is None and edges is None:
            raise Infeasible(f"{self.problem.block.id}: no way to give everyone a partner in every "
                             "round they attend (too few allowed pairs)")
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, [], _simple_bound(self.problem, self.objective_scale), False
        self.value = solver.ObjectiveValue()
        self.trios_chosen = bm.trios_chosen(solver)
        uses, kept = bm.chosen(solver)
        return uses, kept, solver.BestObjectiveBound(), status == cp_model.OPTIMAL


def _locked_and_published_pairs(problem: PairsProblem) -> set:
    locked = {e for groups in problem.locks.values() for g in groups for e in combinations(g, 2)}
    return locked | {e for g in problem.published for e in g.edges}


def _pairs_of(planned: dict[int, list[tuple[int, ...]]]) -> set:
    return {e for groups in planned.values() for g in groups for e in combinations(g, 2)}


TRIOS_PER_ROUND = 200
TRIO_PARTNERS = 10  # trios are drawn from the chosen pairs and everyone's best partners


def _candidate_trios(problem: PairsProblem, chosen: set) -> dict[int, list]:
    """Per odd round: the most valuable trios among chosen and top pairs,
    plus locked and published trios."""
    pairs = chosen | top_partners(problem, TRIO_PARTNERS)
    out = {}
    for t in problem.odd_rounds:
        found = triangles_in(pairs, problem.present[t])
        found.sort(key=lambda k: (-sum(problem.edge_value[e] for e in triangle_edges(k)), k))
        found = found[:TRIOS_PER_ROUND]
        extra = [g for g in problem.locks.get(t, []) if len(g) == 3]
        extra += [g.members for g in problem.published if g.round == t and len(g.members) == 3]
        out[t] = sorted(set(found) | set(extra))
    return out


COLOURING_SECONDS = 3.0  # Kempe-chain colouring before the CP-SAT split takes over
LARGE_SPLIT = 30_000  # pair-round variables: above, a partial colouring is completed instead of the CP-SAT split
SPLIT_SECONDS = 3.0  # a split that works is found fast; give up after this (or a quarter of the time left)


def _split(problem: PairsProblem, uses, kept, seed: int, deadline: float, work: float,
           trios: dict | None = None):
    """The chosen pairs in rounds: edge colouring where it applies (a short
    try), else the CP-SAT split (`work` seconds of counted work at most), first keeping the published groups the
    b-matching counted on, then keeping as many as it can."""
    planned = _split_by_colouring(problem, uses, kept, seed, deadline, trios or {})
    if planned is not None or time.monotonic() >= deadline:
        return planned
    attempts = [dict(force=kept)]
    if kept and not problem.published:
        attempts.append(dict(prefer_published=True))
    now = time.monotonic()
    deadline = min(deadline, now + max(SPLIT_SECONDS, 0.25 * (deadline - now)))
    start = plan_greedily(problem, set(uses) | top_partners(problem, len(problem.free_rounds)), prefer=set(uses),
                          deadline=deadline)
    for options in attempts:
        if time.monotonic() >= deadline:
            break
        split = SplitModel.build(problem, uses, **options)
        if start is not None:
            split.hint(start)
        solver = new_solver(deadline - time.monotonic(), seed, work=work)
        status = solver.Solve(split.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return split.rounds(solver)
        if time.monotonic() >= deadline:
            break
    return None


def _split_by_colouring(problem: PairsProblem, uses, kept, seed: int, deadline: float, trios: dict):
    """With each odd round's trio set, the other chosen pairs need a round
    each such that everyone has one partner in every round they attend
    outside their trio: a list edge colouring, tried with Kempe chains."""
    rounds = problem.free_rounds
    if set(trios) != set(problem.odd_rounds) or any(count != 1 for count in uses.values()):
        return None
    in_trio = {e: t for t, k in trios.items() for e in triangle_edges(k)}
    pairs = sorted(e for e in uses if e not in in_trio)
    allowed = {i: set() for i in range(problem.n)}
    for t in rounds:
        for i in problem.present[t]:
            if i not in trios.get(t, ()):
                allowed[i].add(t)
    degree = [0] * problem.n
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    if any(degree[i] != len(allowed[i]) for i in range(problem.n)):
        return None
    fixed = {}
    wanted = [(g, t) for t, groups in problem.locks.items() for g in groups]
    wanted += [(g.members, g.round) for g in kept]
    for group, t in wanted:
        if len(group) == 3 or group in in_trio:
            if not set(group) <= set(trios.get(t, ())):
                return None
        else:
            fixed[group] = t
    now = time.monotonic()
    until = now + min(COLOURING_SECONDS, 0.5 * max(deadline - now, 0))
    large = len(pairs) * len(rounds) > LARGE_SPLIT
    colours = colour_edges(pairs, rounds, seed, until, fixed, allowed, partial=large)
    if colours is None:
        return None
    if len(colours) < len(pairs):  # large: complete the rounds instead of the CP-SAT split
        return complete_rounds(problem, colours, trios, deadline)
    planned: dict[int, list[tuple[int, ...]]] = {t: [] for t in rounds}
    for e, t in colours.items():
        planned[t].append(e)
    for t, k in trios.items():
        planned[t].append(k)
    return {t: sorted(groups) for t, groups in planned.items()}


def _simple_bound(problem: PairsProblem, objective_scale: int) -> float:
    """A quick valid bound (scaled like the b-matching): everyone's best
    possible partners, each pair counted from both sides and halved, every
    published seat kept, the worst-off at most the lowest such sum."""
    p = problem
    rank, index, person = partner_ranking(p)  # everyone's pairs, most valuable first (numpy)
    partners = np.array(p.rounds_present, dtype=np.int64) + np.array(p.odd_present, dtype=np.int64)
    counted = np.maximum(p.edge_values()[index], 0) * (rank < partners[person])
    tops = np.bincount(person, weights=counted, minlength=p.n).astype(np.int64).tolist()
    total = sum(tops) / 2 + p.change_cost * sum(len(g.members) for g in p.published)
    if p.fairness > 0 and p.counted:
        worst = min(p.fixed_value[i] + tops[i] for i in p.counted)
        return objective_scale * total + float(p.fairness) * objective_scale * max(worst, 0)
    return total


def _real_bound(problem: PairsProblem, bound_scaled: float, objective_scale: int) -> float:
    """The b-matching's bound in score units, plus what is fixed already."""
    bound = bound_scaled / (problem.scale * objective_scale)
    if not problem.exact:
        slots = sum(len(problem.present[t]) + 3 for t in problem.free_rounds)
        bound += slots * 0.5 / problem.scale * (1 + float(problem.fairness))
    w = problem.values.instance.weights
    return bound + _fixed_pairs_value(problem) - w.change * problem.present_in_both


def _fixed_pairs_value(problem: PairsProblem) -> float:
    w = problem.values.instance.weights
    return sum(problem.values.value[a][b] - w.repeat * (count - 1)
               for (a, b), count in problem.met_before.items())


def _only_block(problem: PairsProblem) -> Instance:
    """The instance with only this block, to score or check it alone."""
    return problem.values.instance.only(problem.block)


def _as_plan(problem: PairsProblem, rounds: list) -> Plan:
    return Plan(blocks={problem.block.id: tuple(tuple(tuple(g) for g in r) for r in rounds)})


def _block_score(problem: PairsProblem, rounds: list, coverage: bool = True) -> float:
    """The block's score; without `coverage`, as if the block had no coverage rules."""
    instance = _only_block(problem)
    if not coverage:
        instance = instance.only(replace(problem.block, coverage=()))
    return score_plan(instance, _as_plan(problem, rounds), problem.values)[0]


def _id_rounds(problem: PairsProblem, planned: dict) -> list:
    ids = problem.values.ids
    return [[tuple(ids[i] for i in group) for group in planned[t]] for t in problem.free_rounds]
