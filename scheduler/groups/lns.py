"""Large-neighbourhood search for groups: free a few groups in a few rounds,
re-solve who sits in them exactly with CP-SAT (everything else fixed), keep
the result when it is better.

A neighbourhood is, per chosen free round, a handful of its groups; their
members (all but locked people) may be re-seated among those groups only, so
the group sizes, presence and locks hold by construction.  The model counts
every pair a freed person can form: with the meetings outside the
neighbourhood as constants, no repeat (without `allow_repeats`) and no
forbidden pair are hard constraints, a pair's first meeting earns its value
and each further meeting costs `again`.  Its objective is the exact change of
the search's objective (scaled to integers); the accepted plan is re-scored
with floats, so a step never makes the plan worse.

Neighbourhoods are chosen where value is lost (same seed, same choice):
 * "partners": a person with a poor share of their best possible partners and
   the best partners they did not meet; in every free round the groups of
   these people are freed (up to a cap per round);
 * "groups": the groups of lowest value of one round and, in one or two other
   rounds, the groups their members sit in.
Work is counted: a number of steps, each CP-SAT search limited by
deterministic time with one worker and a fixed seed; the wall-clock deadline
only stops a slow machine early (the best plan so far is kept).

Measured (shared pool, six rounds, groups of 3 and 4, 60-240 people): from the
annealing's best plan the steps found almost nothing -- neighbourhoods that
CP-SAT solves to proven optimality hold the annealing's groups already -- so
the stage gets a small share of the work; from a poor plan (a short annealing,
the tests' small meetings) it finds the optimum of what it frees.
"""

from __future__ import annotations

import logging
import random
import time
from itertools import combinations

from ortools.sat.python import cp_model

from ..solver import new_solver, stopped
from .problem import GroupsProblem

__all__ = ["LNS_SHARE", "LNS_STEP_SECONDS", "LNS_STEP_WORK", "lns_usable", "improve_groups"]

log = logging.getLogger(__name__)

LNS_SHARE = 0.1  # of the groups search's counted work (the annealing gets the rest); see the note in the docstring
LNS_STEP_WORK = 0.25  # deterministic seconds of CP-SAT per step at most
LNS_STEP_SECONDS = 0.4  # steps planned per second of work: about one step's wall time here
SCALE = 1000  # pair values are scaled to integers by this factor (then rounded)
FREED_PEOPLE = 16  # people freed per round at most (about four groups of four)


def lns_usable(problem: GroupsProblem) -> bool:
    """The neighbourhood model covers pair values, repeats, forbidden pairs and
    locks; published groups (the cost of changes) are left to the annealing."""
    return (not problem.zero_values and not problem.published and len(problem.free_rounds) >= 1
            and any(len(problem.sizes[t]) > 1 for t in problem.free_rounds))


class _Plan:
    """Groups per free round, who sits where, and how often each pair meets."""

    def __init__(self, problem: GroupsProblem, rounds: dict[int, list[list[int]]]):
        self.p = problem
        self.rounds = {t: [list(g) for g in groups] for t, groups in rounds.items()}
        self.count = problem.meeting_counts(self.rounds)
        self.where = {t: {i: k for k, g in enumerate(groups) for i in g} for t, groups in self.rounds.items()}

    def value(self) -> float:
        """The search's objective (pair values, minus further meetings); no published groups here."""
        p, total = self.p, 0.0
        for i in range(p.n):
            row = self.count[i]
            for j in range(i + 1, p.n):
                c = row[j]
                if c:
                    total += p.first[i][j] - p.again[i][j] * (c - 1)
        return total

    def conflicts(self) -> int:
        p, out = self.p, 0
        for i in range(p.n):
            for j in range(i + 1, p.n):
                c = self.count[i][j]
                if c and (p.forbidden[i][j] or (p.hard_repeat and c > 1)):
                    out += c if p.forbidden[i][j] else c - 1
        return out


class _Chooser:
    """Picks neighbourhoods where value is lost."""

    def __init__(self, problem: GroupsProblem, rng: random.Random):
        self.p, self.rng = problem, rng
        p = problem
        self.locked = {t: {i for m in p.locks.get(t, []) for i in m} for t in p.free_rounds}
        self.rounds = [t for t in p.free_rounds if len(p.sizes[t]) > 1]
        g = p.block.group_size
        # each person's best attainable: the (g-1) * rounds best partners they may meet
        attend = {i: sum(1 for t in p.free_rounds if i in set(p.present[t])) for i in range(p.n)}
        self.ideal = []
        self.ranked = []  # per person: others by value, best first
        for i in range(p.n):
            others = sorted((j for j in range(p.n) if j != i and not p.forbidden[i][j]),
                            key=lambda j: -p.first[i][j])
            self.ranked.append(others)
            self.ideal.append(sum(p.first[i][j] for j in others[:(g - 1) * attend[i]]) or 1e-9)

    def choose(self, plan: _Plan, size: int) -> dict[int, list[int]]:
        """Round -> indices of the groups to free."""
        if self.rng.random() < 0.5:
            return self._partners(plan, size)
        return self._groups(plan, size)

    def _weighted(self, items: list, weights: list[float]):
        return items[self.rng.choices(range(len(items)), weights=weights)[0]]

    def _partners(self, plan: _Plan, size: int) -> dict[int, list[int]]:
        p, rng = self.p, self.rng
        got = [sum(p.first[i][j] for j in range(p.n) if plan.count[i][j]) for i in range(p.n)]
        people = list(range(p.n))
        lost = [max(self.ideal[i] - got[i], 0.0) / max(abs(self.ideal[i]), 1e-9) + 0.01 for i in people]
        lost = [x * x for x in lost]
        person = self._weighted(people, lost)
        unmet = [j for j in self.ranked[person][:4 * size] if not plan.count[person][j]]
        chosen = [person] + rng.sample(unmet, min(len(unmet), rng.randint(1, 3)))
        rounds = self.rounds if len(self.rounds) <= 3 else sorted(rng.sample(self.rounds, rng.randint(2, 3)))
        out = {}
        for t in rounds:
            groups = []
            for i in chosen:
                k = plan.where[t].get(i)
                if k is not None and k not in groups:
                    groups.append(k)
            self._fill(plan, t, groups, size)
            if len(groups) > 1:
                out[t] = groups
        return out

    def _groups(self, plan: _Plan, size: int) -> dict[int, list[int]]:
        p, rng = self.p, self.rng
        t0 = rng.choice(self.rounds)
        groups = plan.rounds[t0]
        worth = []
        for group in groups:
            v = sum(p.first[a][b] for a, b in combinations(group, 2) if plan.count[a][b] == 1)
            best = sum(self.ideal[i] for i in group) / max(len(group), 1)
            worth.append(max(best - v / max(len(group) - 1, 1), 0.0) + 0.01)
        first = self._weighted(list(range(len(groups))), worth)
        picked = [first]
        members = list(groups[first])
        out = {}
        others = [t for t in self.rounds if t != t0]
        extra = sorted(rng.sample(others, min(len(others), rng.randint(1, 2))))
        # a second low-value group in the same round
        if rng.random() < 0.7 and len(groups) > 1:
            second = self._weighted([k for k in range(len(groups)) if k != first],
                                    [w for k, w in enumerate(worth) if k != first])
            picked.append(second)
            members += groups[second]
        for t in [t0] + extra:
            chosen = list(picked) if t == t0 else []
            if t != t0:
                rng.shuffle(members)
                for i in members:
                    k = plan.where[t].get(i)
                    if k is not None and k not in chosen and len(chosen) < max(size // 4, 2):
                        chosen.append(k)
            self._fill(plan, t, chosen, size)
            if len(chosen) > 1:
                out[t] = sorted(chosen)
        return out

    def _fill(self, plan: _Plan, t: int, groups: list[int], size: int) -> None:
        """Add random groups of round t until `size` people are free (or all groups are)."""
        free = sum(len(plan.rounds[t][k]) for k in groups)
        rest = [k for k in range(len(plan.rounds[t])) if k not in groups]
        self.rng.shuffle(rest)
        while rest and (len(groups) < 2 or free + len(plan.rounds[t][rest[-1]]) <= size):
            k = rest.pop()
            groups.append(k)
            free += len(plan.rounds[t][k])
        while free > size and len(groups) > 2:
            free -= len(plan.rounds[t][groups.pop()])


def _resolve(problem: GroupsProblem, plan: _Plan, hood: dict[int, list[int]], seed: int,
             work: float, seconds: float) -> tuple[dict[int, list[list[int]]], bool] | None:
    """Re-seat the free members of the chosen groups exactly; the new groups of
    those rounds and whether they are proven best, or None when CP-SAT found
    no solution in its budget.

    Set partitioning: per round, one variable per possible group (the free
    people it takes, beside the locked members who stay); every free person in
    exactly one, each group slot filled once; a pair's meetings across the
    rounds counted as sums of these variables.  Its LP is about as strong as the
    clique LP, so CP-SAT usually proves the neighbourhood's optimum."""
    p = problem
    model = cp_model.CpModel()
    base = [row[:] for row in plan.count]  # meetings outside the freed seats
    chosen_sets: dict[int, list[tuple[int, tuple[int, ...], cp_model.IntVar]]] = {}
    meets: dict[tuple[int, int], list] = {}  # pair -> per round: the sets' variables that join it
    for t, groups in hood.items():
        locked = {i for m in p.locks.get(t, []) for i in m}
        for k in groups:
            for a, b in combinations(plan.rounds[t][k], 2):
                if not (a in locked and b in locked):
                    base[a][b] -= 1
                    base[b][a] -= 1
    for t, groups in hood.items():
        locked = {i for m in p.locks.get(t, []) for i in m}
        free = sorted(i for k in groups for i in plan.rounds[t][k] if i not in locked)
        slots: dict[tuple, list[int]] = {}  # (room, locked members) -> slots of that kind
        for k in groups:
            fixed = tuple(sorted(i for i in plan.rounds[t][k] if i in locked))
            slots.setdefault((len(plan.rounds[t][k]) - len(fixed), fixed), []).append(k)
        of_person = {i: [] for i in free}
        sets = []
        by_pair: dict[tuple[int, int], list] = {}
        for (room, fixed), ks in slots.items():
            members = []
            for subset in combinations(free, room):
                ok = True
                for a, b in combinations(subset + fixed, 2):
                    if p.forbidden[a][b] or (p.hard_repeat and base[a][b]):
                        ok = False
                        break
                if not ok:
                    continue
                var = model.NewBoolVar("")
                members.append(var)
                sets.append((ks[0], subset, var))
                for i in subset:
                    of_person[i].append(var)
                for a, b in combinations(subset + fixed, 2):
                    if a in subset or b in subset:
                        key = (a, b) if a < b else (b, a)
                        by_pair.setdefault(key, []).append(var)
            model.Add(sum(members) == len(ks))
        for i, vars_ in of_person.items():
            model.AddExactlyOne(vars_)
        for key, vars_ in by_pair.items():
            meets.setdefault(key, []).append(vars_)
        chosen_sets[t] = sets
        # the plan as it is, as a hint
        now = {}
        for k in groups:
            now[tuple(sorted(i for i in plan.rounds[t][k] if i not in locked))] = True
        for _k, subset, var in sets:
            model.AddHint(var, subset in now)
    terms = []
    for (a, b), per_round in meets.items():
        first = round(SCALE * p.first[a][b])
        again = round(SCALE * p.again[a][b])
        if p.hard_repeat:
            if len(per_round) > 1:
                model.Add(sum(v for vars_ in per_round for v in vars_) <= 1)
            terms += [(first, v) for vars_ in per_round for v in vars_]
        elif base[a][b]:
            terms += [(-again, v) for vars_ in per_round for v in vars_]
        else:
            flat = [v for vars_ in per_round for v in vars_]
            terms += [(first, v) for v in flat]
            if len(per_round) > 1:  # met in several rounds: each further meeting costs
                once = model.NewBoolVar("")  # met at least once
                for v in flat:
                    model.AddImplication(v, once)
                terms += [(-first - again, v) for v in flat] + [(first + again, once)]
    model.Maximize(sum(c * v for c, v in terms))
    solver = new_solver(seconds, seed, workers=1, work=work)
    status = solver.Solve(model)
    log.debug("neighbourhood %s: %s, value %s, bound %s, %.3f deterministic s",
              {t: len(sets) for t, sets in chosen_sets.items()}, solver.StatusName(status),
              solver.ObjectiveValue(), solver.BestObjectiveBound(), solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = {}
    for t, groups in hood.items():
        rounds = [list(g) for g in plan.rounds[t]]
        locked = {i for m in p.locks.get(t, []) for i in m}
        open_slots = {}
        for k in groups:
            fixed = tuple(sorted(i for i in plan.rounds[t][k] if i in locked))
            open_slots.setdefault((len(plan.rounds[t][k]) - len(fixed), fixed), []).append(k)
        for _k, subset, var in chosen_sets[t]:
            if solver.BooleanValue(var):
                fixed = tuple(sorted(i for i in plan.rounds[t][_k] if i in locked))
                k = open_slots[len(subset), fixed].pop()
                rounds[k] = sorted(subset + fixed)
        out[t] = rounds
    return out, status == cp_model.OPTIMAL


def improve_groups(problem: GroupsProblem, rounds: dict[int, list[list[int]]], seed: int, steps: int,
                   deadline: float, step_work: float = LNS_STEP_WORK, on_better=None,
                   report=None) -> tuple[dict[int, list[list[int]]], float, int]:
    """`steps` neighbourhoods re-solved from the plan `rounds` (without
    conflicts); the best plan, its objective and the number of improving
    steps.  Same seed, same plan, unless `deadline` (monotonic) cuts the steps."""
    rng = random.Random(seed * 7919 + 17)
    plan = _Plan(problem, rounds)
    value = plan.value()
    if plan.conflicts() or not lns_usable(problem):
        return plan.rounds, value, 0
    chooser = _Chooser(problem, rng)
    if not chooser.rounds:
        return plan.rounds, value, 0
    g = problem.block.group_size
    better = 0
    proven = 0
    for step in range(steps):
        if time.monotonic() >= deadline or stopped():
            break
        size = rng.choice((3, 4, 4)) * g if g <= 4 else 3 * g
        hood = chooser.choose(plan, min(size, FREED_PEOPLE))
        if not hood:
            continue
        new = _resolve(problem, plan, hood, rng.randrange(1 << 30), step_work,
                       max(min(10 * step_work, deadline - time.monotonic()), 0.01))
        if new is None:
            continue
        new, optimal = new
        proven += optimal
        candidate = _Plan(problem, {**plan.rounds, **new})
        cand_value = candidate.value()
        if cand_value >= value - 1e-9 and not candidate.conflicts():
            # an equal plan is taken too: the next neighbourhoods start elsewhere on the plateau
            improved = cand_value > value + 1e-9
            plan, value = candidate, cand_value
            if improved:
                better += 1
                if on_better is not None:
                    on_better(value)
    if report is not None:
        report(f"{problem.block.id}: large neighbourhoods, {better} of {steps} steps improved "
               f"({proven} proven optimal), value {value:.2f}")
    return plan.rounds, value, better
