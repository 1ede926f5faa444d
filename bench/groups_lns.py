"""Weighted speed networking in groups of three and four (60, 120, 240 people,
six rounds, the shared pool's people and wishes): the groups search with and
without its large-neighbourhood stage, on the same instance and work budget.

Each run is a forked child (honest peak memory).  The row's score, bound and
gap are those after the large neighbourhoods; the note gives the annealing
alone (the stage switched off, its share of the work given to the annealing)
and the number of improving steps.

    python -m bench.groups_lns [--quick] [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time

SIZES = (60, 120, 240)
ROUNDS = 6
LIMIT = 120.0  # seconds per run, as the issue measures


def _run(n: int, g: int, limit: float, seed: int, lns: bool) -> dict:
    from bench.groups_cafe import weighted_groups_instance
    from scheduler import parse_instance, validate
    from scheduler.groups import lns as lns_module
    from scheduler.groups import solve_groups_block
    from scheduler.problem import Plan
    from scheduler.solver import work_budget
    from scheduler.validate import score_plan
    from scheduler.values import PairValues

    if not lns:
        lns_module.LNS_SHARE = 0.0
    lines: list[str] = []
    started = time.monotonic()
    instance = parse_instance(weighted_groups_instance(n, g, ROUNDS))
    values = PairValues(instance)
    block = instance.blocks[0]
    with work_budget(0.85 * limit):  # counted: the same plan for a seed on a busy machine
        result = solve_groups_block(instance, block, values, started + limit, seed, lines.append)
    seconds = time.monotonic() - started
    plan = Plan(blocks={block.id: tuple(tuple(tuple(x) for x in r) for r in result.rounds)})
    score = score_plan(instance, plan, values)[0]
    steps = next((line.split(": ", 1)[1] for line in lines if "large neighbourhoods" in line), "")
    return {"score": score, "bound": result.bound, "seconds": seconds, "valid": not validate(instance, plan),
            "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "steps": steps}


def _full_bound(n: int, g: int, seconds: float) -> dict:
    """The clique LP run to its end (or `seconds`), apart from the timed runs:
    within a run's time limit the LP is cut early on a busy machine."""
    from itertools import combinations

    from bench.groups_cafe import weighted_groups_instance
    from scheduler import parse_instance
    from scheduler.groups import GroupsProblem, clique_bound, groups_bound
    from scheduler.values import PairValues

    instance = parse_instance(weighted_groups_instance(n, g, ROUNDS))
    values = PairValues(instance)
    p = GroupsProblem.build(instance, instance.blocks[0], values)
    edges = [(i, j) for i, j in combinations(range(p.n), 2) if not p.forbidden[i][j] and not p.met_before[i][j]]
    started = time.monotonic()
    bound = clique_bound(p, edges, started + seconds)
    if bound is None:
        bound = groups_bound(p, started + seconds)
    return {"bound": bound, "seconds": time.monotonic() - started}


def _in_child(*args, target=_run) -> dict:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        try:
            return pool.apply(target, args)
        except Exception as error:  # noqa: BLE001 - one failing row must not lose the table
            return {"error": f"{type(error).__name__}: {error}"}


def _gap(score, bound):
    return None if not bound else max(0.0, 100 * (1 - score / bound))


def rows(quick: bool = False, limit: float | None = None, seed: int = 0, groups=(3, 4)) -> list[dict]:
    sizes = (48,) if quick else SIZES
    limit = limit or (6.0 if quick else LIMIT)
    out = []
    for g in groups:
        for n in sizes:
            case = f"groups of {g} n={n} R={ROUNDS}"
            before = _in_child(n, g, limit, seed, False)
            after = _in_child(n, g, limit, seed, True)
            if "error" in after or "error" in before:
                out.append({"case": case, "n": n, "rounds": ROUNDS, "score": None, "bound": None, "gap": None,
                            "seconds": None, "mb": None, "note": after.get("error") or before.get("error")})
                continue
            full = _in_child(n, g, 10.0 if quick else 600.0, target=_full_bound)
            bound = min(before["bound"], after["bound"], full.get("bound", float("inf")))  # all proven
            note = (f"bound within the run {after['bound']:.1f}, clique LP to its end "
                    f"{full.get('bound', float('nan')):.1f} ({full.get('seconds', 0):.0f} s); "
                    f"annealing only: score {before['score']:.1f}, gap {_gap(before['score'], bound):.2f} % "
                    f"({before['seconds']:.0f} s); LNS: {after['steps'] or 'not run'}; "
                    f"valid {before['valid'] and after['valid']}; limit {limit:.0f} s, seed {seed}")
            out.append({"case": case, "n": n, "rounds": ROUNDS, "score": after["score"], "bound": bound,
                        "gap": _gap(after["score"], bound), "seconds": after["seconds"], "mb": after["mb"],
                        "note": note})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--limit", type=float, default=None)
    parser.add_argument("--only", type=str, default=None, help="e.g. 4:60 (group size : people)")
    args = parser.parse_args(argv)
    global SIZES
    if args.only:
        g, n = (int(x) for x in args.only.split(":"))
        SIZES = (n,)
        table = rows(args.quick, args.limit, groups=(g,))
    else:
        table = rows(args.quick, args.limit)
    for r in table:
        gap = "-" if r["gap"] is None else f"{r['gap']:.2f} %"
        print(f"{r['case']:<26} score {r['score']} bound {r['bound']} gap {gap} "
              f"{(r['seconds'] or 0):.0f} s {(r['mb'] or 0):.0f} MB | {r['note']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
