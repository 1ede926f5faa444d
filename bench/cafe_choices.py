"""Café choices (issue 17): where guests sit with the spec's default preference weights and with the web
app's levels "Tischwahl zählt: wenig / mittel / stark" (netzwerktreffen.planning.cafe_choices).

    .venv/bin/python -m bench.cafe_choices [--quick] [--time-limit S]

For café instances of 60, 120 and 200 people (bench.groups_cafe.cafe_instance, 3–4 rounds) each weighting
is solved by the planner (scheduler.solve, in a forked child: its peak memory is its own). The note gives
the share of seatings (of guests who ranked tables) at their 1st, 2nd, 3rd and an unranked table, the
ranked share against what the seats allow (a flow bound: ranked_seat_limit), and the pair-value part of
the score against the default weights' plan. The score, bound and gap are the planner's own, in the
variant's weights (so they differ in scale between the rows).
"""
from __future__ import annotations

import argparse
import copy
import multiprocessing
import resource
import sys
import time

from bench.groups_cafe import cafe_instance
from netzwerktreffen.planning.cafe_choices import choice_counts, choice_weights, ranked_seat_limit

CASES = ((60, 3), (120, 3), (200, 4))
LEVELS = (("default 3/2/1", None), ("wenig", "little"), ("mittel", "medium"), ("stark", "strong"))


def weighted(n: int, rounds: int, level: str | None) -> dict:
    """The café instance with the spec's default weights (level None) or the web app's for ``level``."""
    data = cafe_instance(n, rounds)
    if level is not None:
        data = copy.deepcopy(data)
        data.setdefault("weights", {}).update(choice_weights(level, data))
    return data


def _solve(data: dict, time_limit: float, seed: int) -> dict:
    from scheduler import parse_instance
    from scheduler.solve import solve
    from scheduler.validate import score_plan, validate_plan

    started = time.monotonic()
    instance = parse_instance(data)
    result = solve(instance, time_limit=time_limit, seed=seed)
    seconds = time.monotonic() - started
    block = data["blocks"][0]
    rounds = [{tid: list(seated) for tid, seated in seating.items()} for seating in result.plan.blocks[block["id"]]]
    _total, blocks = score_plan(instance, result.plan)
    return {"score": result.score, "bound": result.bound, "seconds": seconds, "pairs": blocks[block["id"]].pairs,
            "counts": choice_counts(block, rounds), "valid": not validate_plan(instance, result.plan),
            "weights": data.get("weights", {}),
            "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _in_child(target, *args) -> dict:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        try:
            return pool.apply(target, args)
        except Exception as error:  # noqa: BLE001 - one failing row must not lose the table
            return {"error": f"{type(error).__name__}: {error}"}


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def rows(quick: bool = False, time_limit: float | None = None, seed: int = 0) -> list[dict]:
    """One row per instance and weighting (the bench row interface, /tmp/house/bench_rows.md)."""
    limit = time_limit or (5.0 if quick else 30.0)
    cases = CASES[:1] if quick else CASES
    out = []
    for n, rounds in cases:
        limit_seats = ranked_seat_limit(cafe_instance(n, rounds)["blocks"][0])
        default_pairs = None
        for name, level in LEVELS:
            case = f"café n={n} R={rounds} {name}"
            r = _in_child(_solve, weighted(n, rounds, level), limit, seed)
            if "error" in r:
                out.append({"case": case, "n": n, "rounds": rounds, "score": None, "bound": None, "gap": None,
                            "seconds": None, "mb": None, "note": r["error"]})
                continue
            counts, total = r["counts"], sum(r["counts"])
            if level is None:
                default_pairs = r["pairs"]
            ranked = total - counts[3]
            cost = ("" if default_pairs in (None, 0) or level is None
                    else f" ({100 * (r['pairs'] / default_pairs - 1):+.1f} % vs default)")
            note = (f"1st {_percent(counts[0], total)}, 2nd {_percent(counts[1], total)}, "
                    f"3rd {_percent(counts[2], total)}, unranked {_percent(counts[3], total)}; "
                    f"ranked {ranked}/{limit_seats} seats allow = {_percent(ranked, limit_seats)}; "
                    f"pair value {r['pairs']:.0f}{cost}; preference {r['weights'].get('preference', [3, 2, 1])}"
                    + ("" if r["valid"] else "; INVALID PLAN"))
            gap = 100 * (r["bound"] - r["score"]) / abs(r["bound"]) if r["bound"] else None
            out.append({"case": case, "n": n, "rounds": rounds, "score": r["score"], "bound": r["bound"],
                        "gap": gap, "seconds": r["seconds"], "mb": r["mb"], "note": note})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cafe_choices", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only n=60, 5 s per solve")
    parser.add_argument("--time-limit", type=float, help="seconds per solve (default 30, quick 5)")
    args = parser.parse_args(argv)
    print("| case | score | bound | gap | s | MB | note |\n|---|---|---|---|---|---|---|")
    for r in rows(args.quick, args.time_limit):
        numbers = [f"{r[k]:.1f}" if r[k] is not None else "–" for k in ("score", "bound", "gap", "seconds", "mb")]
        print(f"| {r['case']} | " + " | ".join(numbers) + f" | {r['note']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
