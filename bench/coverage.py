"""Coverage rules (issue 16): generated meetings of 60, 120 and 300 people in
pairs (and one in groups of three), where a sixth are "Stark im Beruf"
contact points (seed report 004) and only a few people come from the
Jobcenter or the Arbeitsagentur.  One rule: every contact point meets at
least one of them; two rules: and at least two more partners
(Migrationsberatung, Bildungsträger, Kammer).

Each case is solved twice with the same time limit (the solver's counted work
follows from it: same seed, same plan): with the rules, and the same meeting
without them.  The note shows the coverage meetings held against the most any
plan can hold (`scheduler.coverage.coverage_bound`, what the rules ask minus
what no plan can meet) and the score cost of the rules (the pairs' value the
plan gives up for them).  A last row: a third of 120 people name one to
three people they must meet ("unbedingt treffen"), one rule per person.

    python -m bench.coverage [--quick]
"""

from __future__ import annotations

import copy
import random
import sys
import time

from .generate import generate

CONTACT = "stark-im-beruf"
AGENCIES = ["jobcenter", "arbeitsagentur"]
PARTNERS = ["migrationsberatung", "bildungstraeger", "kammer"]


def instance(n: int, rounds: int, seed: int, rules: int = 1, group_size: int = 2) -> dict:
    """A generated meeting with contact points, few agency people and `rules` coverage rules."""
    data = generate(n, rounds, seed)
    rng = random.Random(seed)
    for person in data["participants"]:
        if person["sector"] in AGENCIES and rng.random() < 0.6:
            person["sector"] = "kommune"  # few Jobcenter and Arbeitsagentur people, as at a real meeting
    for person in rng.sample(data["participants"], n // 6):
        person["sector"] = CONTACT
    coverage = [{"who": {"sector": CONTACT}, "meets": {"sectors": AGENCIES}, "at_least": 1}]
    if rules > 1:
        coverage.append({"who": {"sector": CONTACT}, "meets": {"sectors": PARTNERS}, "at_least": 2})
    block = data["blocks"][0]
    block["coverage"], block["group_size"] = coverage, group_size
    data["name"] += f" coverage x{rules}"
    return data


def must_meet(n: int, rounds: int, seed: int) -> dict:
    """A generated meeting where a third of the people name one to three they must meet ("unbedingt
    treffen"): one coverage rule per person over the named people, `at_least` all of them."""
    data = generate(n, rounds, seed)
    rng = random.Random(seed)
    ids = [p["id"] for p in data["participants"]]
    rules = []
    for pid in rng.sample(ids, n // 3):
        named = sorted(rng.sample([q for q in ids if q != pid], rng.randint(1, 3)))
        rules.append({"who": {"participants": [pid]}, "meets": {"participants": named}, "at_least": len(named)})
    data["blocks"][0]["coverage"] = rules
    data["name"] += " must-meet"
    return data


def measure(data: dict, seconds: float, seed: int = 1) -> dict:
    """Solve with the rules and without them; the figures of one row."""
    from scheduler import parse_instance
    from scheduler.coverage import coverage_bound
    from scheduler.solve import solve
    from scheduler.validate import score_plan, validate_plan

    instance = parse_instance(data)
    block = instance.blocks[0]
    started = time.monotonic()
    result = solve(instance, time_limit=seconds, seed=seed)
    spent = time.monotonic() - started
    breakdown = score_plan(instance, result.plan)[1][block.id]
    asked = sum(rule.at_least for rule in block.coverage for p in instance.participants if rule.who.matches(p)
                and any(block.is_present(p.id, r) for r in range(block.rounds)))
    plain = copy.deepcopy(data)
    plain["blocks"][0].pop("coverage")
    without = solve(parse_instance(plain), time_limit=seconds, seed=seed)
    return {"score": result.score, "bound": result.bound, "seconds": spent,
            "valid": not validate_plan(instance, result.plan), "asked": asked,
            "met": asked - breakdown.coverage_missing, "achievable": coverage_bound(instance, block),
            "without": without.score, "penalty": instance.weights.coverage * breakdown.coverage_missing}


def rows(quick: bool = False) -> list[dict]:
    cases = ([(60, 6, 1, 2, 3.0), (60, 6, 2, 2, 3.0)] if quick else
             [(n, r, k, 2, s) for n, r, s in ((60, 6, 10.0), (120, 8, 20.0), (300, 8, 40.0)) for k in (1, 2)]
             + [(57, 6, 2, 3, 10.0)])
    if not quick:
        cases.append((120, 8, 0, 2, 20.0))  # 0 rules: the must-meet lists
    out = []
    for n, rounds, rules, size, seconds in cases:
        data = instance(n, rounds, seed=4, rules=rules, group_size=size) if rules else must_meet(n, rounds, 4)
        figures = measure(data, seconds)
        cost = figures["without"] - (figures["score"] + figures["penalty"])  # the pairs' value given up
        note = (f"coverage {figures['met']}/{figures['achievable']} (asked {figures['asked']}); "
                f"without rules {figures['without']:.1f}, cost {cost:.1f}")
        if not figures["valid"]:
            note = "INVALID plan; " + note
        gap = 100 * (figures["bound"] - figures["score"]) / abs(figures["bound"]) if figures["bound"] else None
        shape = "pairs" if size == 2 else f"groups of {size}"
        kind = f"coverage x{rules}" if rules else "must-meet"
        out.append({"case": f"{kind} {shape} {seconds:g}s", "n": n, "rounds": rounds,
                    "score": figures["score"], "bound": figures["bound"], "gap": gap,
                    "seconds": figures["seconds"], "mb": None, "note": note})
    return out


if __name__ == "__main__":
    from .__main__ import format_row, header

    print("\n".join(header()))
    for row in rows(quick="--quick" in sys.argv):
        print(format_row(row))
