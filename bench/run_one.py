"""Solve one instance in this (child) process and print a JSON line:
`python -m bench.run_one METHOD INSTANCE.json SECONDS`; METHOD is `solve`
(the planner) or `rounds` (the round-by-round matching baseline)."""

from __future__ import annotations

import json
import resource
import sys
import time


def main() -> None:
    started = time.monotonic()
    method, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    from scheduler import parse_instance
    from scheduler.problem import Plan
    from scheduler.validate import score_plan, validate_plan

    instance = parse_instance(json.load(open(path, encoding="utf-8")))
    deadline = started + seconds
    if method == "solve":
        from scheduler.solve import solve

        result = solve(instance, deadline=deadline)
        plan, bound, how = result.plan, result.bound, ",".join(result.methods.values())
    else:
        from scheduler.pairs import PairsProblem, plan_round_by_round
        from scheduler.values import PairValues

        values = PairValues(instance)
        blocks = {}
        for block in instance.blocks:
            problem = PairsProblem.build(instance, block, values)
            planned = plan_round_by_round(problem, deadline)
            if planned is None:
                print(json.dumps({"error": "no plan in time"}))
                return
            blocks[block.id] = tuple(list(block.fixed_rounds) + [
                [tuple(values.ids[i] for i in g) for g in planned[t]] for t in problem.free_rounds])
        plan, bound, how = Plan(blocks=blocks), None, "round-by-round"
    score, _ = score_plan(instance, plan)
    valid = not validate_plan(instance, plan)
    print(json.dumps({"score": score, "bound": bound, "valid": valid, "method": how,
                      "seconds": time.monotonic() - started, "plan": plan.to_dict(),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
