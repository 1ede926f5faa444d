"""Café bound and search (issue 17): the score of the planned café beside the
new LP bound (`scheduler.cafe.lp_bounds`) and, in the note, the old b-matching
bound, on the same instances in one run.

    .venv/bin/python -m bench.cafe_bound [--quick] [--time-limit S]

Instances: `bench.groups_cafe.cafe_instance` with 60, 120, 200 and 400 people
and 3 and 4 rounds, and the shared whole meeting (120 people, pairs then café),
each with the spec's default choice weights [3, 2, 1] and with strong ones
[30, 20, 10].  Each runs in a forked process (peak memory is that process's);
the café alone is solved with `time_limit` seconds of counted work (the same
plan on a busy machine; the block's own table LP runs within it after the
search, so the "s" column holds both), the meeting by `scheduler.solve` in
that wall time; the bounds are computed after the solve, the LP with at most 25 rounds of
column generation, the table LP (`scheduler.cafe.table_lp`: choices and pairs
bounded together over whole tables) until its column generation ends or
`TABLE_SECONDS` pass.  The row's bound is the smallest of them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

STRONG = [30, 20, 10]
TABLE_SECONDS = 900  # the table LP after the solve: time to finish its column generation (cut at this)
SIZES = [(60, 3), (60, 4), (120, 3), (120, 4), (200, 3), (200, 4), (400, 3), (400, 4)]


def _instance(n: int | None, rounds: int | None, strong: bool) -> dict:
    from .groups_cafe import SHARED, cafe_instance

    if n is None:
        data = json.loads((SHARED / "both-n120.json").read_text(encoding="utf-8"))
    else:
        data = cafe_instance(n, rounds)
    if strong:
        data["weights"] = {**data.get("weights", {}), "preference": STRONG}
    return data


def _run(n: int | None, rounds: int | None, strong: bool, limit: float, iterations: int) -> dict:
    from scheduler import parse_instance
    from scheduler.cafe import CafeProblem, solve_cafe_block
    from scheduler.cafe.bounds import matching_bound
    from scheduler.cafe.lp_bounds import lp_bound
    from scheduler.cafe.problem import seating_of
    from scheduler.cafe.table_lp import table_bound
    from scheduler.problem import CafeBlock, Plan
    from scheduler.validate import score_plan, validate_plan
    from scheduler.values import PairValues

    from .groups_cafe import _deadline, _frozen, _peak_mb

    from scheduler.solver import work_budget

    started = time.monotonic()
    instance = parse_instance(_instance(n, rounds, strong))
    values = PairValues(instance)
    cafe = next(b for b in instance.blocks if isinstance(b, CafeBlock))
    if len(instance.blocks) > 1:
        from scheduler.solve import solve

        plan = solve(instance, seed=0, deadline=_deadline(started, limit)).plan
    else:  # counted work: the same plan on a busy machine (the deadline is only a safety stop)
        with work_budget(limit):
            result = solve_cafe_block(instance, cafe, values, started + 4 * limit, 0, lambda text: None)
        plan = Plan(blocks={cafe.id: tuple(_frozen(r) for r in result.rounds)})
    seconds = time.monotonic() - started
    total, blocks = score_plan(instance, plan, values)
    valid = not validate_plan(instance, plan, values)
    mb = _peak_mb()
    problem = CafeProblem.build(instance, cafe, values)
    t = time.monotonic()
    old = matching_bound(problem, t + 60)
    old_seconds = time.monotonic() - t
    t = time.monotonic()
    new = lp_bound(problem, t + 600, iterations)
    new = old if new is None else new
    new_seconds = time.monotonic() - t
    t = time.monotonic()
    tables = table_bound(problem, seating_of(problem, plan.blocks[cafe.id]), t + TABLE_SECONDS)
    return {"score": blocks[cafe.id].score, "total": total, "old": old, "new": min(new, old, tables or math.inf),
            "lp": new, "tables": tables, "seconds": seconds, "old_seconds": old_seconds, "new_seconds": new_seconds,
            "table_seconds": time.monotonic() - t, "mb": mb, "valid": valid, "people": len(instance.participants),
            "rounds": cafe.rounds}


def _gap(bound: float, score: float) -> float:
    return 100.0 * (bound - score) / abs(bound) if bound else 0.0


def rows(quick: bool = False, time_limit: float = 20.0, on_row=None) -> list[dict]:
    """One row per instance and weight: café score, new bound and gap; old bound and gap in the note."""
    from .groups_cafe import _in_child

    cases = [(None, None)] + [(n, r) for n, r in SIZES]
    limit, iterations = time_limit, 25
    if quick:
        cases, limit, iterations = [(60, 3)], 5.0, 15
    out = []
    for n, r in cases:
        for strong in (False, True):
            name = ("meeting n=120 (pairs+café)" if n is None else f"café n={n} R={r}") + \
                (" strong" if strong else "")
            got = _in_child(_run, n, r, strong, limit, iterations)
            if "error" in got:
                row = {"case": name, "n": n or 120, "rounds": r or 3, "score": None, "bound": None, "gap": None,
                       "seconds": None, "mb": None, "note": got["error"]}
            else:
                score = got["score"]
                note = (f"old bound {got['old']:.1f} gap {_gap(got['old'], score):.1f} % ({got['old_seconds']:.1f} s); "
                        f"LP bound {got['lp']:.1f} ({got['new_seconds']:.1f} s, {iterations} rounds at most); "
                        + (f"table LP {got['tables']:.1f} gap {_gap(got['tables'], score):.1f} % "
                           f"({got['table_seconds']:.0f} s); " if got["tables"] is not None else "table LP none; ")
                        + f"choices {'x'.join(map(str, STRONG)) if strong else 'default'}"
                        + (f"; meeting total {got['total']:.1f}" if n is None else "")
                        + ("" if got["valid"] else "; INVALID plan"))
                row = {"case": name, "n": got["people"], "rounds": got["rounds"], "score": score,
                       "bound": got["new"], "gap": _gap(got["new"], score), "seconds": got["seconds"],
                       "mb": got["mb"], "note": note}
            out.append(row)
            if on_row:
                on_row(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cafe_bound", description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per solve (default 20)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="run the sizes n given, e.g. 60,120")
    args = parser.parse_args(argv)
    if args.only:
        keep = {int(x) for x in args.only.split(",")}
        SIZES[:] = [(n, r) for n, r in SIZES if n in keep]
    print("| case | score | bound | gap % | s | MB | note |\n|---|---|---|---|---|---|---|", flush=True)

    def show(row):
        def f(x, d=1):
            return "" if x is None else f"{x:.{d}f}"
        print(f"| {row['case']} | {f(row['score'])} | {f(row['bound'])} | {f(row['gap'])} | "
              f"{f(row['seconds'])} | {f(row['mb'], 0)} | {row['note']} |", flush=True)

    rows(args.quick, args.time_limit, show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
