"""netzwerktreffen's optimiser: speed networking and Pro-Action-Café plans.

A pure library (no web framework, no database).  The contract is
../shared/spec/scheduler-io.md.  Typical use from the web app::

    instance = parse_instance(data)             # dict -> Instance, InstanceError (exit 2)
    violations = validate(instance, plan_dict)  # live validation, list of Violation
    report = check(instance, plan_dict)         # what `python -m scheduler check` prints

    from scheduler.solve import solve           # the solver (imports OR-Tools)
    result = solve(instance, time_limit=30, seed=0, progress=print)  # SolveResult
    result.plan.to_dict()                       # Infeasible (exit 3), TimeoutError (exit 5)
    notes = explain_plan(instance, result.plan) # every pause and revisit with its reason (codes)

The package itself imports no solver: validation stays plain Python.  (The
solver is reached as `scheduler.solve.solve`, not `scheduler.solve`, which
is the module.)

The modules, lowest first; imports only run downwards (checked by
tests/scheduler/test_scheduler_structure.py)::

    parts problem values validate   the contract: parse, check, score
    solver search                   below every block kind: CP-SAT settings, work
                                    budgets, BlockResult; pieces several searches share
    speed                           speed networking of any group size: the
                                    constructive start, bounds with pauses
    pairs/ groups/ cafe/            one package per block kind: problem, model or
                                    search, bounds, solve; none imports another
    solve                           dispatch by block kind: starts, searches, best plan
    explain cli                     notes on a plan, the command line
    repair                          re-planning a block around the rounds held, no solver
"""

from __future__ import annotations

from typing import Any

from .problem import (CafeBlock, CafeLock, CafeTable, Infeasible, Instance, InstanceError,
                      Participant, Plan, SpeedBlock, SpeedLock, Weights)
from .explain import Note, diagnose, explain_plan
from .validate import Violation, check_fixed_rounds, check_plan, score_plan, validate_plan

__all__ = [
    "Instance", "Participant", "Weights", "SpeedBlock", "SpeedLock", "CafeBlock", "CafeTable",
    "CafeLock", "Plan", "Violation", "InstanceError", "Infeasible",
    "parse_instance", "parse_plan", "validate", "check", "check_plan", "validate_plan",
    "score_plan", "Note", "explain_plan", "diagnose",
]


def parse_instance(data: Any) -> Instance:
    """Read an instance dict; every field is checked, fixed rounds included.
    Raises InstanceError with the field's path."""
    instance = Instance.from_dict(data)
    check_fixed_rounds(instance)
    return instance


def parse_plan(data: Any) -> Plan:
    """Read a plan dict's shape (InstanceError when it is not a plan)."""
    return Plan.from_dict(data)


def validate(instance: Instance | dict, plan: Plan | dict) -> list[Violation]:
    """Hard-rule violations of a plan; empty when valid."""
    instance = instance if isinstance(instance, Instance) else parse_instance(instance)
    plan = plan if isinstance(plan, Plan) else parse_plan(plan)
    return validate_plan(instance, plan)


def check(instance: Instance | dict, plan: Plan | dict) -> dict:
    """The report of `python -m scheduler check`: valid, violations, score, blocks."""
    instance = instance if isinstance(instance, Instance) else parse_instance(instance)
    plan = plan if isinstance(plan, Plan) else parse_plan(plan)
    return check_plan(instance, plan)
