"""CP-SAT models for pairs, built in a fixed order: variables in dicts keyed by
tuples, one small function per constraint family, then the objective.

* `BMatchingModel` chooses *which* pairs meet: each person gets as many
  partners as rounds they attend (two in a trio round), each pair at most once.
  Its optimum is a proven upper bound on the block's score.
* `SplitModel` puts the chosen pairs into rounds: in every round everyone
  present has one partner, or the round's single trio.
* `RoundsModel` has a variable per pair and round: exact, for small blocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from .problem import Edge, PairsProblem, PublishedGroup

Triangle = tuple[int, int, int]


def _incident(edges) -> dict[int, list[Edge]]:
    by_person: dict[int, list[Edge]] = defaultdict(list)
    for e in edges:
        by_person[e[0]].append(e)
        by_person[e[1]].append(e)
    return by_person


# ----------------------------------------------------------------------------
# Which pairs meet


@dataclass
class BMatchingModel:
    problem: PairsProblem
    model: cp_model.CpModel
    meet: dict[Edge, cp_model.IntVar]  # the pair meets (at least once)
    again: dict[Edge, cp_model.IntVar]  # further meetings (allow_repeats only)
    keep: dict[int, cp_model.IntVar]  # published group k kept in its round
    worst_off: cp_model.IntVar | None
    objective_scale: int  # objective = score * scale * objective_scale (+ constants)

    trio: dict[tuple[Triangle, int], cp_model.IntVar] = None
    covers_exactly: bool = False  # with `coverage`: the objective counts the rules' costs exactly

    @classmethod
    def build(cls, problem: PairsProblem, edges: list[Edge] | None = None,
              trios: dict[int, list[Triangle]] | None = None, coverage: bool = False) -> "BMatchingModel":
        """Without `trios` the degree rule is relaxed (anyone present in an odd
        round may take an extra partner): a proven upper bound.  With `trios`
        (candidate trios per odd round) each odd round picks one of them, so
        the chosen pairs can be split into rounds.  With `coverage` the
        objective charges the coverage rules' missed meetings too: a plan's
        pairs are one of the b-matchings, its missed meetings exactly the
        model's, so over every candidate pair its bound bounds the score."""
        model = cp_model.CpModel()
        edges = problem.edges if edges is None else edges
        meet = {e: model.NewBoolVar(f"meet_{e[0]}_{e[1]}") for e in edges}
        again = {}
        if problem.block.allow_repeats:
            most = max(len(problem.free_rounds) - 1, 0)
            for e in edges:
                again[e] = model.NewIntVar(0, most, f"again_{e[0]}_{e[1]}")
                model.Add(again[e] <= most * meet[e])
        self = cls(problem, model, meet, again, {}, None, 1, {})
        if trios is not None:
            self._trios(trios)
        self._degrees(edges)
        self._locks()
        self._published()
        self._fairness(edges)
        self._objective(coverage)
        return self

    def uses(self, e: Edge):
        return self.meet[e] + self.again[e] if e in self.again else self.meet[e]

    def _degrees(self, edges) -> None:
        """Partners = rounds attended, plus one per trio the person sits in."""
        p, m = self.problem, self.model
        by_person = _incident(edges)
        extras = []
        for i in range(p.n):
            if not p.rounds_present[i]:
                for e in by_person.get(i, []):
                    m.Add(self.meet[e] == 0)
                continue
            if self.trio:
                extra = sum(var for (k, _t), var in self.trio.items() if i in k)
            else:
                extra = m.NewIntVar(0, p.odd_present[i], f"trio_rounds_{i}")
                extras.append(extra)
            m.Add(sum(self.uses(e) for e in by_person.get(i, [])) == p.rounds_present[i] + extra)
        if not self.trio:
            m.Add(sum(extras) == 3 * len(p.odd_rounds))

    def _trios(self, trios: dict[int, list[Triangle]]) -> None:
        """One candidate trio per odd round; its three pairs meet."""
        p, m = self.problem, self.model
        in_trios: dict[Edge, list] = defaultdict(list)
        for t in p.odd_rounds:
            for k in trios.get(t, []):
                var = self.trio[k, t] = m.NewBoolVar(f"trio_{k[0]}_{k[1]}_{k[2]}_r{t}")
                for e in triangle_edges(k):
                    in_trios[e].append(var)
            m.AddExactlyOne(var for (k, r), var in self.trio.items() if r == t)
            for group in p.locks.get(t, []):
                if len(group) == 3:
                    m.AddBoolOr([self.trio[group, t]] if (group, t) in self.trio else [])
        for e, vars_ in in_trios.items():
            if e in self.meet:
                m.Add(sum(vars_) <= self.uses(e))
            else:
                m.Add(sum(vars_) == 0)

    def _locks(self) -> None:
        for groups in self.problem.locks.values():
            for group in groups:
                for e in combinations(group, 2):
                    self.model.Add(self.meet[e] == 1)

    def _published(self) -> None:
        """A published group is kept only if its pairs meet."""
        p, m = self.problem, self.model
        per_person_round: dict[tuple[int, int], list] = defaultdict(list)
        per_edge: dict[Edge, list] = defaultdict(list)
        for k, group in enumerate(p.published):
            if not all(e in self.meet for e in group.edges):
                continue
            keep = self.keep[k] = m.NewBoolVar(f"keep_{k}")
            if self.trio and len(group.members) == 3:
                trio = self.trio.get((group.members, group.round))
                m.AddBoolOr([trio, keep.Not()] if trio is not None else [keep.Not()])
            for e in group.edges:
                m.Add(keep <= self.meet[e])
                per_edge[e].append(keep)
            for i in group.members:
                per_person_round[i, group.round].append(keep)
        for keeps in per_person_round.values():
            m.Add(sum(keeps) <= 1)
        for e, keeps in per_edge.items():
            m.Add(sum(keeps) <= self.uses(e))

    def _fairness(self, edges) -> None:
        p, m = self.problem, self.model
        if p.fairness <= 0 or not p.counted:
            return
        by_person = _incident(edges)
        top = sum(max(v, 0) for v in p.edge_value.values()) + max(p.fixed_value, default=0)
        low = min(0, min(p.edge_value.values(), default=0) * len(p.free_rounds) * 2) + min(p.fixed_value)
        self.worst_off = m.NewIntVar(low, top, "worst_off")
        for i in p.counted:
            value = sum(p.edge_value[e] * self.meet[e] for e in by_person.get(i, [])
                        if not p.met_before[e])
            m.Add(self.worst_off <= p.fixed_value[i] + value)

    def _objective(self, coverage: bool = False) -> None:
        p = self.problem
        terms = []
        for e, var in self.meet.items():
            terms.append(p.edge_value[e] * var)
        for var in self.again.values():
            terms.append(-p.repeat_cost * var)
        for k, var in self.keep.items():
            terms.append(p.change_cost * len(p.published[k].members) * var)
        if coverage:
            covered, self.covers_exactly = _coverage_terms(p, self.model, self.meet)
            terms += covered
        if self.worst_off is not None:
            f = p.fairness
            self.objective_scale = f.denominator
            self.model.Maximize(f.denominator * sum(terms) + f.numerator * self.worst_off)
        else:
            self.model.Maximize(sum(terms))

    def hint(self, chosen: dict[Edge, int]) -> None:
        for e, var in self.meet.items():
            self.model.AddHint(var, 1 if chosen.get(e, 0) else 0)

    def chosen(self, solver: cp_model.CpSolver) -> tuple[dict[Edge, int], list[PublishedGroup]]:
        uses = {}
        for e, var in self.meet.items():
            if solver.Value(var):
                uses[e] = 1 + (solver.Value(self.again[e]) if e in self.again else 0)
        kept = [self.problem.published[k] for k, var in self.keep.items() if solver.Value(var)]
        return uses, kept

    def trios_chosen(self, solver: cp_model.CpSolver) -> dict[int, Triangle]:
        """The trio picked for each odd round (only with candidate trios)."""
        return {t: k for (k, t), var in self.trio.items() if solver.Value(var)}


# ----------------------------------------------------------------------------
# Rounds: everyone present in exactly one pair or in the round's one trio

def triangles_in(edges: set[Edge], people: list[int] | set[int]) -> list[Triangle]:
    """Every trio among `people` whose three pairs are all in `edges`."""
    here = set(people)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in edges:
        if a in here and b in here:
            neighbours[a].add(b)
            neighbours[b].add(a)
    out = []
    for a in sorted(neighbours):
        for b in sorted(x for x in neighbours[a] if x > a):
            for c in sorted(x for x in neighbours[a] & neighbours[b] if x > b):
                out.append((a, b, c))
    return out


def triangle_edges(k: Triangle) -> tuple[Edge, Edge, Edge]:
    return ((k[0], k[1]), (k[0], k[2]), (k[1], k[2]))


def _cover_round(model: cp_model.CpModel, people: list[int], pair: dict[Edge, cp_model.IntVar],
                 trio: dict[Triangle, cp_model.IntVar], odd: bool) -> None:
    """Everyone present sits in exactly one pair or trio; one trio iff odd."""
    seats: dict[int, list] = defaultdict(list)
    for e, var in pair.items():
        seats[e[0]].append(var)
        seats[e[1]].append(var)
    for k, var in trio.items():
        for i in k:
            seats[i].append(var)
    for i in people:
        model.AddExactlyOne(seats.get(i, []))
    if odd:
        model.AddExactlyOne(trio.values())
    else:
        for var in trio.values():
            model.Add(var == 0)


def _lock_round(model, groups, pair, trio) -> None:
    """Locked people share a group: their pair, or a trio holding them."""
    for group in groups:
        if len(group) == 3:
            model.AddBoolOr([trio[group]] if group in trio else [])  # empty: no plan
            continue
        holders = [var for k, var in trio.items() if set(group) <= set(k)]
        model.AddExactlyOne(([pair[group]] if group in pair else []) + holders)


# ----------------------------------------------------------------------------
# Chosen pairs into rounds


@dataclass
class _RoundVariables:
    """Models with a variable per group (pair or trio) and round."""

    problem: PairsProblem
    model: cp_model.CpModel
    pair: dict[tuple[Edge, int], cp_model.IntVar]  # the pair meets as a pair in round t
    trio: dict[tuple[Triangle, int], cp_model.IntVar]  # the trio sits together in round t

    def groups(self):
        return list(self.pair.items()) + list(self.trio.items())

    def add_round(self, t: int, pair: dict[Edge, cp_model.IntVar], trio: dict[Triangle, cp_model.IntVar],
                  meetings: dict[Edge, list]) -> None:
        """Round t's groups: everyone present in exactly one, locks kept; each pair's variables are
        collected in `meetings` (a pair meets as a pair or inside a trio)."""
        p = self.problem
        _cover_round(self.model, p.present[t], pair, trio, t in p.odd_rounds)
        _lock_round(self.model, p.locks.get(t, []), pair, trio)
        for e, var in pair.items():
            self.pair[e, t] = var
            meetings[e].append(var)
        for k, var in trio.items():
            self.trio[k, t] = var
            for e in triangle_edges(k):
                meetings[e].append(var)

    def group_var(self, group: PublishedGroup):
        """The variable for a published group sitting together again, if any."""
        return (self.trio if len(group.members) == 3 else self.pair).get((group.members, group.round))

    def hint(self, planned: dict[int, list[tuple[int, ...]]]) -> None:
        wanted = {(tuple(g), t) for t, gs in planned.items() for g in gs}
        for key, var in self.groups():
            self.model.AddHint(var, 1 if key in wanted else 0)

    def rounds(self, solver: cp_model.CpSolver) -> dict[int, list[tuple[int, ...]]]:
        out: dict[int, list[tuple[int, ...]]] = {t: [] for t in self.problem.free_rounds}
        for (g, t), var in self.groups():
            if solver.Value(var):
                out[t].append(g)
        return {t: sorted(groups) for t, groups in out.items()}


@dataclass
class SplitModel(_RoundVariables):
    kept: dict[int, cp_model.IntVar]

    @classmethod
    def build(cls, problem: PairsProblem, uses: dict[Edge, int],
              force: list[PublishedGroup] = (), prefer_published: bool = False) -> "SplitModel":
        model = cp_model.CpModel()
        self = cls(problem, model, {}, {}, {})
        chosen = set(uses)
        meetings: dict[Edge, list] = defaultdict(list)
        for t in problem.free_rounds:
            here = set(problem.present[t])
            pair = {e: model.NewBoolVar(f"pair_{e[0]}_{e[1]}_r{t}") for e in uses
                    if e[0] in here and e[1] in here}
            trio = {}
            if t in problem.odd_rounds:
                trio = {k: model.NewBoolVar(f"trio_{k[0]}_{k[1]}_{k[2]}_r{t}")
                        for k in triangles_in(chosen, here)}
            self.add_round(t, pair, trio, meetings)
        for e, count in uses.items():
            model.Add(sum(meetings[e]) == count)
        for group in force:
            var = self.group_var(group)
            model.AddBoolOr([var] if var is not None else [])  # empty: no plan
        if prefer_published:
            self._prefer_published()
        elif not force:
            self._break_symmetry(uses)
        return self

    def _prefer_published(self) -> None:
        terms = []
        for k, group in enumerate(self.problem.published):
            var = self.group_var(group)
            if var is not None:
                self.kept[k] = var
                terms.append(len(group.members) * var)
        self.model.Maximize(sum(terms))

    def _break_symmetry(self, uses) -> None:
        """Interchangeable rounds: the first full-time person's partners in order."""
        p = self.problem
        rounds = p.free_rounds
        same = all(p.present[t] == p.present[rounds[0]] for t in rounds) and not any(p.locks.values())
        if not same or not rounds or p.odd_rounds:
            return
        for i in p.present[rounds[0]]:
            mine = sorted(e for e in uses if i in e)
            if len(mine) == len(rounds) and all(uses[e] == 1 for e in mine):
                for k, e in enumerate(mine):
                    self.model.Add(self.pair[e, rounds[k]] == 1)
                return



# ----------------------------------------------------------------------------
# Every round at once (small instances, and the last word on feasibility)


def _coverage_terms(problem: PairsProblem, model: cp_model.CpModel, met: dict) -> tuple[list, bool]:
    """Minus `coverage` (scaled) per meeting a coverage rule misses, and whether that is exact."""
    p = problem
    if not p.block.coverage:
        return [], True
    instance = p.values.instance
    exact_weight = float(instance.weights.coverage) * p.scale
    weight = round(exact_weight)
    people = instance.participants
    by_person = _incident(met)
    terms = []
    for k, rule in enumerate(p.block.coverage):
        meets = [rule.meets.matches(person) for person in people]
        for i, person in enumerate(people):
            if not rule.who.matches(person) or not any(p.block.is_present(person.id, r)
                                                       for r in range(p.block.rounds)):
                continue
            before = sum(1 for j in range(len(people)) if j != i and meets[j]
                         and p.met_before.get((min(i, j), max(i, j))))
            need = rule.at_least - before
            if need <= 0:
                continue
            new = [met[e] for e in by_person.get(i, []) if meets[e[0] + e[1] - i] and not p.met_before.get(e)]
            short = model.NewIntVar(0, need, f"short_{k}_{i}")
            model.Add(short >= need - sum(new))
            terms.append(-weight * short)
    return terms, weight == exact_weight


@dataclass
class RoundsModel(_RoundVariables):
    """A variable per pair (and trio) and round: exact, but only practical for
    small blocks.  With `trios=None` every possible trio is modelled, so an
    INFEASIBLE answer proves that no plan exists."""

    @classmethod
    def build(cls, problem: PairsProblem, trios: dict[int, list[Triangle]] | None = None) -> "RoundsModel":
        p, model = problem, cp_model.CpModel()
        self = cls(problem, model, {}, {})
        edges = set(p.edges)
        meetings: dict[Edge, list] = defaultdict(list)
        for t in p.free_rounds:
            here = set(p.present[t])
            pair = {e: model.NewBoolVar(f"pair_{e[0]}_{e[1]}_r{t}") for e in p.edges
                    if e[0] in here and e[1] in here}
            trio = {}
            if t in p.odd_rounds:
                found = triangles_in(edges, here) if trios is None else trios.get(t, [])
                trio = {k: model.NewBoolVar(f"trio_{k[0]}_{k[1]}_{k[2]}_r{t}") for k in found}
            self.add_round(t, pair, trio, meetings)
        self._objective(meetings)
        return self

    covers_exactly = False  # the objective is the score, coverage rules included

    def _coverage(self, met: dict) -> list:
        terms, exact = _coverage_terms(self.problem, self.model, met)
        self.covers_exactly = exact
        return terms

    def _objective(self, meetings: dict[Edge, list]) -> None:
        p, m = self.problem, self.model
        terms, met = [], {}
        for e, vars_ in meetings.items():
            if p.block.allow_repeats:
                met[e] = m.NewBoolVar(f"met_{e[0]}_{e[1]}")
                m.Add(sum(vars_) >= met[e])
                m.Add(sum(vars_) <= len(vars_) * met[e])
                terms.append(p.edge_value[e] * met[e] - p.repeat_cost * (sum(vars_) - met[e]))
            else:
                m.Add(sum(vars_) <= 1)
                met[e] = sum(vars_)
                terms.append(p.edge_value[e] * met[e])
        for group in p.published:
            var = self.group_var(group)
            if var is not None:
                terms.append(p.change_cost * len(group.members) * var)
        terms += self._coverage(met)
        if p.fairness > 0 and p.counted:
            by_person = _incident(met)
            worst = m.NewIntVar(-10**9, 10**9, "worst_off")
            for i in p.counted:
                m.Add(worst <= p.fixed_value[i] + sum(p.edge_value[e] * met[e] for e in by_person.get(i, [])
                                                       if not p.met_before[e]))
            m.Maximize(p.fairness.denominator * sum(terms) + p.fairness.numerator * worst)
        else:
            m.Maximize(sum(terms))
