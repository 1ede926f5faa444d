"""Café search and bound against the best plan, on a café small enough to
enumerate (issue 17): which of the two is far from the truth?

    .venv/bin/python -m bench.cafe_small

`bench.groups_cafe.cafe_instance(12, 3)`: 3 hosts, 9 guests, 3 tables of 3
guests, 3 rounds, with the default and the strong choice weights.  Every
plan in which each guest sits at each table once and every table holds three
guests is enumerated (1,680 seatings per round; the third round follows from
the first two): the best of them is a plan, so the optimum is at least its
score, and the bound must be at least that.  Plans with a revisit or an
uneven table are left out (they cost 60 and 100 a time), so "best even" is a
lower end of the optimum, not the optimum itself.
"""

from __future__ import annotations

import sys
import time
from itertools import combinations

STRONG = [30, 20, 10]


def best_even_plan(problem) -> tuple[float, list]:
    """The best score over every plan of a 3-table, 3-round café in which each guest sits at each
    table once and every table holds three guests, and that plan (rounds of guest groups per table)."""
    p = problem
    rounds = p.free_rounds
    guests = p.guests[rounds[0]]
    if len(p.tables) != 3 or len(rounds) != 3 or len(guests) != 9 or any(p.guests[r] != guests for r in rounds):
        raise ValueError("only 3 tables, 3 rounds and the same 9 guests in each")
    pair_bit = {e: 1 << k for k, e in enumerate(combinations(guests, 2))}

    def node(i: int, k: int) -> float:
        h = p.host[k]
        return p.points[i][k] + (p.gain[i][h] if h is not None else 0.0)

    seatings = {}  # table of each guest -> (value of the guests' seats, pairs at the tables)
    for first in combinations(guests, 3):
        rest = [i for i in guests if i not in first]
        for second in combinations(rest, 3):
            groups = (first, second, tuple(i for i in rest if i not in second))
            table = tuple(next(k for k, g in enumerate(groups) if i in g) for i in guests)
            mask = 0
            for g in groups:
                for e in combinations(g, 2):
                    mask |= pair_bit[e]
            seatings[table] = (sum(node(i, k) for k, g in enumerate(groups) for i in g), mask, groups)
    gain = {bit: p.gain[a][b] for (a, b), bit in pair_bit.items()}
    again = {bit: p.again[a][b] for (a, b), bit in pair_bit.items()}

    def pairs_value(once: int, twice: int, thrice: int) -> float:
        total = 0.0
        for bit, value in gain.items():
            if once & bit:
                total += value - (again[bit] if twice & bit else 0.0) - (again[bit] if thrice & bit else 0.0)
        return total

    best, plan = float("-inf"), None
    for table_a, (value_a, a, groups_a) in seatings.items():
        for table_b, (value_b, b, groups_b) in seatings.items():
            if any(x == y for x, y in zip(table_a, table_b)):
                continue
            third = seatings.get(tuple(3 - x - y for x, y in zip(table_a, table_b)))
            if third is None:
                continue
            value_c, c, groups_c = third
            value = value_a + value_b + value_c + pairs_value(a | b | c, (a & b) | (a & c) | (b & c), a & b & c)
            if value > best:
                best, plan = value, [groups_a, groups_b, groups_c]
    return best, plan


def small_cafe(strong: bool):
    """(instance, values, block, problem) of `cafe_instance(12, 3)`, with the strong choice weights or not."""
    from scheduler import parse_instance
    from scheduler.cafe import CafeProblem
    from scheduler.values import PairValues

    from .groups_cafe import cafe_instance

    data = cafe_instance(12, 3)
    if strong:
        data["weights"] = {"preference": STRONG}
    instance = parse_instance(data)
    values = PairValues(instance)
    block = instance.blocks[0]
    return instance, values, block, CafeProblem.build(instance, block, values)


def as_rounds(problem, groups: list) -> tuple:
    """`best_even_plan`'s groups as the block's rounds in plan form (table id -> host first, then guests)."""
    from scheduler.cafe.problem import as_ids

    rounds = []
    for part in groups:
        seated = as_ids(problem, [[problem.host[k], *g] for k, g in enumerate(part)])
        rounds.append({table: tuple(people) for table, people in seated.items()})
    return tuple(rounds)


def _run(strong: bool, work: float) -> dict:
    from scheduler.cafe import solve_cafe_block
    from scheduler.cafe.lp_bounds import lp_bound
    from scheduler.problem import Plan
    from scheduler.solver import work_budget
    from scheduler.validate import score_plan

    from .groups_cafe import _frozen

    instance, values, block, problem = small_cafe(strong)
    started = time.monotonic()
    with work_budget(work):
        found = solve_cafe_block(instance, block, values, started + 60 * work, 0, lambda text: None)
    seconds = time.monotonic() - started
    plan = Plan(blocks={block.id: tuple(_frozen(r) for r in found.rounds)})
    score = score_plan(instance, plan, values)[0]
    best, _ = best_even_plan(problem)
    bound = lp_bound(problem, time.monotonic() + 120, 60)
    return {"score": score, "best": best, "bound": bound, "seconds": seconds}


def rows(quick: bool = False) -> list[dict]:
    out = []
    for strong in (False, True):
        got = _run(strong, 1.0 if quick else 5.0)
        out.append({"case": "café n=12 R=3 enumerated" + (" strong" if strong else ""), "n": 12, "rounds": 3,
                    "score": got["score"], "bound": got["bound"],
                    "gap": 100 * (got["bound"] - got["score"]) / abs(got["bound"]), "seconds": got["seconds"],
                    "mb": None,
                    "note": f"best even plan {got['best']:.1f}: search {100 * (got['best'] - got['score']) / got['best']:.1f} % "
                            f"below it, LP bound {100 * (got['bound'] - got['best']) / got['bound']:.1f} % above it"})
    return out


def main() -> int:
    for row in rows():
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
