"""netzwerktreffen's optimiser: speed networking and Pro-Action-Café plans.

A pure library (no web framework, no database).  The contract is
../shared/spec/scheduler-io.md.  Typical use from the web app::

    instance = parse_instance(data)             # dict -> Instance, InstanceError (exit 2)
    violations = validate(instance, plan_dict)  # live validation, list of Violation
    result = solve(instance, time_limit=30)     # SolveResult; Infeasible (exit 3)
    result.plan.to_dict()
"""

from __future__ import annotations

from typing import Any

from .problem import (CafeBlock, CafeLock, CafeTable, Infeasible, Instance, InstanceError,
                      Participant, Plan, SpeedBlock, SpeedLock, Weights)
from .validate import Violation, check_fixed_rounds, check_plan, score_plan, validate_plan

__all__ = [
    "Instance", "Participant", "Weights", "SpeedBlock", "SpeedLock", "CafeBlock", "CafeTable",
    "CafeLock", "Plan", "Violation", "SolveResult", "InstanceError", "Infeasible",
    "parse_instance", "parse_plan", "validate", "check", "check_plan", "validate_plan",
    "score_plan", "solve",
]


def solve(instance: Instance, time_limit: float = 60.0, seed: int = 0, **options):
    """Plan every block (see `scheduler.solve.solve`); imports the solver
    only when called, so validation stays free of OR-Tools."""
    from .solve import solve as run

    return run(instance, time_limit, seed, **options)


def __getattr__(name: str):
    if name == "SolveResult":
        from .solve import SolveResult

        return SolveResult
    raise AttributeError(name)


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
