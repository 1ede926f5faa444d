"""Large-neighbourhood search for pairs blocks too large for the exact model.

Starting from the best plan, each step frees a few rounds (two or three),
keeps every other round's groups as they are, and re-plans the freed rounds
exactly with CP-SAT: a variable per candidate pair (or trio) and freed round,
everyone present in one group, one trio per odd round, no pair that meets in a
kept round (nor twice among the freed ones).  The current groups of the freed
rounds are the hint and always among the candidates, so a step never gets
worse; `BestPlan.consider` checks and scores each better plan before keeping it.

Every step is budgeted in counted work (CP-SAT deterministic time, one worker,
a fixed seed per step, plus a charge per modelled variable for building the
model), so the same seed gives the same plan on a busy machine; the deadline
is only a safety stop.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from ..solver import new_solver, stopped
from .matching import top_partners
from .model import _RoundVariables, triangle_edges, triangles_in
from .problem import Edge, PairsProblem

__all__ = ["improve_by_rounds", "Neighbourhoods"]

PARTNERS = 12  # candidate partners per person in a freed round, beside the current ones
TRIOS_PER_ROUND = 300  # most valuable candidate trios per freed odd round (the current one too)
STEP_WORK = 1.0  # CP-SAT deterministic time per step
FIRST_STEP_SECONDS = 1.0  # a step starts only with twice the slowest step's wall time left (safety stop)
BUILD_WORK_PER_VARIABLE = 2e-5  # counted work charged for building the model, per variable


@dataclass
class Neighbourhoods:
    """Which rounds to free next: every set of `size` free rounds once, in a
    seeded order; a pass with a gain is repeated, a pass without one makes
    the sets larger, and after a pass without one at the largest size
    nothing is left to try (the plan is optimal for every such set)."""

    rounds: list[int]
    rng: random.Random
    size: int = 2
    most: int = 3

    def __post_init__(self) -> None:
        self.size = min(self.size, len(self.rounds))
        self.most = min(self.most, len(self.rounds))
        self.queue: list[tuple[int, ...]] = []
        self.gained = False
        self.started = False

    def next(self) -> tuple[int, ...] | None:
        if not self.queue:
            if not self.gained:
                if self.started and self.size >= self.most:
                    return None
                if self.started:
                    self.size += 1
            self.started, self.gained = True, False
            self.queue = list(combinations(self.rounds, self.size))
            self.rng.shuffle(self.queue)
        return self.queue.pop()

    def found(self) -> None:
        self.gained = True


def improve_by_rounds(problem: PairsProblem, best, seed: int, deadline: float, work: float,
                      report=None, step_work: float = STEP_WORK) -> dict:
    """Improve `best` (a `BestPlan` holding a valid plan) in place, by freeing
    rounds and re-solving them exactly, until `work` counted units are spent,
    the neighbourhoods run out or the deadline passes.  Returns counts for the
    report: steps, gains, work spent."""
    stats = {"steps": 0, "gains": 0, "work": 0.0}
    if best.rounds is None or len(problem.free_rounds) < 2 or problem.block.allow_repeats:
        return stats
    rng = random.Random(seed)
    partners = top_partners(problem, PARTNERS)
    planned = best.planned()
    current = _value(problem, planned)
    hoods = Neighbourhoods(list(problem.free_rounds), rng)
    slowest = FIRST_STEP_SECONDS
    while stats["work"] < work and deadline - time.monotonic() > 2 * slowest and not stopped():
        began = time.monotonic()
        freed = hoods.next()
        if freed is None:
            break
        step = min(step_work, work - stats["work"])
        sub = _RoundsLNS.build(problem, planned, freed, partners)
        stats["work"] += sub.variables * BUILD_WORK_PER_VARIABLE
        solver = new_solver(max(deadline - time.monotonic(), 0.01), seed + stats["steps"], workers=1, work=step)
        status = solver.Solve(sub.model)
        stats["work"] += solver.response_proto.deterministic_time
        stats["steps"] += 1
        slowest = max(slowest, time.monotonic() - began)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        groups = sub.chosen(solver)
        trial = dict(planned)
        trial.update(groups)
        value = _value(problem, trial)
        if value > current:
            before = best.score
            best.consider("round-lns", trial)
            if best.score > before + 1e-9:
                planned, current = best.planned(), value
                stats["gains"] += 1
                hoods.found()
                if report is not None:
                    report(f"{problem.block.id}: rounds {', '.join(str(t + 1) for t in freed)} "
                           f"re-planned: {best.score:.2f}")
    return stats


def _value(problem: PairsProblem, planned: dict) -> int:
    """The scaled objective the steps maximise: pair values (each pair once)
    plus the kept seats of a published plan."""
    met = {e for groups in planned.values() for g in groups for e in combinations(g, 2)}
    total = sum(problem.edge_value.get(e, 0) for e in met)
    published = {(g, t) for t, groups in planned.items() for g in groups}
    total += sum(problem.change_cost * len(g.members) for g in problem.published
                 if (g.members, g.round) in published)
    return total


@dataclass
class _RoundsLNS(_RoundVariables):
    """The freed rounds' exact model, the other rounds' groups fixed."""

    variables: int = 0

    @classmethod
    def build(cls, problem: PairsProblem, planned: dict, freed: tuple[int, ...], partners: set) -> "_RoundsLNS":
        p, m = problem, cp_model.CpModel()
        self = cls(p, m, {}, {})
        taken = {e for t, groups in planned.items() if t not in freed
                 for g in groups for e in combinations(g, 2)}
        mine = {t: planned[t] for t in freed}
        now = {e for groups in mine.values() for g in groups for e in combinations(g, 2)}
        locked = {e for t in freed for g in p.locks.get(t, []) for e in combinations(g, 2)}
        published = {e for g in p.published if g.round in freed for e in g.edges}
        candidates = sorted((partners | now | locked | published) - taken)
        meetings: dict[Edge, list] = defaultdict(list)
        for t in freed:
            here = set(p.present[t])
            pair = {e: m.NewBoolVar("") for e in candidates if e[0] in here and e[1] in here}
            trio = {}
            if t in p.odd_rounds:
                trio = {k: m.NewBoolVar("") for k in _trios(p, t, candidates, here, mine[t])}
            self.add_round(t, pair, trio, meetings)
        self.variables = len(self.pair) + len(self.trio)
        terms = []
        for e, vars_ in meetings.items():
            if len(vars_) > 1:
                m.Add(sum(vars_) <= 1)
            terms.append(p.edge_value[e] * sum(vars_))
        for g in p.published:
            if g.round in freed:
                var = self.group_var(g)
                if var is not None:
                    terms.append(p.change_cost * len(g.members) * var)
        m.Maximize(sum(terms))
        wanted = {(tuple(g), t) for t, groups in mine.items() for g in groups}
        for key, var in list(self.pair.items()) + list(self.trio.items()):
            m.AddHint(var, 1 if key in wanted else 0)
        return self

    def chosen(self, solver: cp_model.CpSolver) -> dict[int, list[tuple[int, ...]]]:
        out: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for (g, t), var in self.groups():
            if solver.Value(var):
                out[t].append(g)
        return {t: sorted(groups) for t, groups in out.items()}


def _trios(problem: PairsProblem, t: int, candidates: list[Edge], here: set, current: list) -> list:
    """The most valuable trios among the candidate pairs, the current and any locked trio."""
    found = triangles_in(set(candidates), here)
    found.sort(key=lambda k: (-sum(problem.edge_value[e] for e in triangle_edges(k)), k))
    keep = set(found[:TRIOS_PER_ROUND])
    keep |= {tuple(g) for g in current if len(g) == 3}
    keep |= {g for g in problem.locks.get(t, []) if len(g) == 3}
    keep |= {g.members for g in problem.published if g.round == t and len(g.members) == 3}
    usable = set(candidates)
    return sorted(k for k in keep if all(e in usable for e in triangle_edges(k)))

