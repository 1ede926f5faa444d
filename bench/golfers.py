"""Social Golfer round robins where a resolvable design is known, up to 64
people (issue 17): speed networking with groups of k, `weights.repeat` only,
repeats allowed, as many rounds as the design has.  The goal is 0 excess
repeats within 10 s.

`rows(quick)` follows the common bench row interface: each case solved by
`scheduler.solve` in a forked child (its own peak RSS), then scored with
`scheduler.validate.score_plan`.  `python -m bench.golfers [--quick]` prints them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time

TIME_LIMIT = 10.0

# (groups, group size, rounds): every design of `scheduler.groups.designs.KNOWN` with k >= 3,
# one round robin of pairs, 28 people in foursomes, and 45 in fives (no construction here)
CASES = [(3, 3, 4), (5, 3, 7), (7, 3, 10), (9, 3, 13), (11, 3, 16), (13, 3, 19), (15, 3, 22),
         (17, 3, 25), (19, 3, 28), (21, 3, 31), (4, 4, 5), (10, 4, 13), (13, 4, 17), (16, 4, 21),
         (5, 5, 6), (7, 7, 8), (8, 8, 9), (32, 2, 63), (7, 4, 7), (7, 4, 9), (9, 5, 11)]
QUICK = [(3, 3, 4), (7, 3, 10), (11, 3, 16)]

# excess repeats of main before the constructions (30 Nov 2026, --time-limit 10, loaded 2-core machine)
BEFORE = {(7, 3, 10): 5, (11, 3, 16): 14, (10, 4, 13): 64, (13, 3, 19): 31, (15, 3, 22): 33,
          (21, 3, 31): 101, (7, 4, 7): 2, (7, 4, 9): 26, (32, 2, 63): 64, (9, 5, 11): 106}


def golfer_instance(groups: int, size: int, rounds: int) -> dict:
    n = groups * size
    return {"format": "netzwerktreffen-instance/1", "name": f"Social Golfer {groups}-{size}-{rounds}",
            "weights": {"repeat": 1},
            "participants": [{"id": f"g{i:03d}", "name": f"Golfer {i}", "organisation": f"Org {i}",
                              "sector": "x"} for i in range(n)],
            "blocks": [{"id": "speed", "kind": "speed-networking", "rounds": rounds, "group_size": size,
                        "allow_repeats": True}]}


def _solve_case(groups: int, size: int, rounds: int, limit: float) -> dict:
    from scheduler import parse_instance, validate
    from scheduler.solve import solve
    from scheduler.validate import score_plan

    started = time.monotonic()
    instance = parse_instance(golfer_instance(groups, size, rounds))
    result = solve(instance, time_limit=limit)
    seconds = time.monotonic() - started
    score, blocks = score_plan(instance, result.plan)
    return {"score": score, "bound": result.bound, "repeats": blocks["speed"].repeats,
            "valid": not validate(instance, result.plan), "seconds": seconds,
            "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "method": ",".join(result.methods.values())}


def _in_child(*args) -> dict:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        try:
            return pool.apply(_solve_case, args)
        except Exception as error:  # noqa: BLE001 - one failing row must not lose the table
            return {"error": f"{type(error).__name__}: {error}"}


def _gap(score: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    if score >= bound - 1e-9:
        return 0.0
    return None if abs(bound) < 1e-9 else min(100.0, 100 * (bound - score) / abs(bound))


def rows(quick: bool = False) -> list[dict]:
    limit = 6.0 if quick else TIME_LIMIT
    out = []
    for groups, size, rounds in QUICK if quick else CASES:
        n = groups * size
        case = f"golfers {groups}-{size}-{rounds} (n={n}, groups of {size})"
        r = _in_child(groups, size, rounds, limit)
        if "error" in r:
            out.append({"case": case, "n": n, "rounds": rounds, "score": None, "bound": None, "gap": None,
                        "seconds": None, "mb": None, "note": r["error"]})
            continue
        note = f"{r['repeats']} excess repeats ({r['method']}, limit {limit:g} s)"
        if (groups, size, rounds) in BEFORE:
            note += f"; before: {BEFORE[groups, size, rounds]}"
        if not r["valid"]:
            note += "; INVALID plan"
        out.append({"case": case, "n": n, "rounds": rounds, "score": r["score"], "bound": r["bound"],
                    "gap": _gap(r["score"], r["bound"]), "seconds": round(r["seconds"], 2),
                    "mb": round(r["mb"], 1), "note": note})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(f"{'case':44} {'score':>7} {'bound':>7} {'gap':>6} {'s':>6} {'MB':>6}  note")
    for row in rows(args.quick):
        def num(x, fmt):
            return "-" if x is None else format(x, fmt)
        print(f"{row['case']:44} {num(row['score'], '7.1f')} {num(row['bound'], '7.1f')} "
              f"{num(row['gap'], '6.2f')} {num(row['seconds'], '6.2f')} {num(row['mb'], '6.0f')}  {row['note']}",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
