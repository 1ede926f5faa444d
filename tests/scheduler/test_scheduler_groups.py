"""Speed networking in groups of three and four, and the Social Golfer Problem."""

from __future__ import annotations

import time
from collections import Counter
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import Infeasible, parse_instance, validate
import scheduler.groups.bounds as groups_bounds
from scheduler.groups import CliqueLP, GroupsProblem, clique_bound, clique_size, groups_bound, solve_groups_block
from scheduler.groups.designs import affine_rounds, prime_power
from scheduler.problem import Plan
from scheduler.search import MOVES_PER_SECOND, best_pairs_bound, move_budget
from scheduler.validate import score_plan, speed_group_sizes
from scheduler.values import PairValues


def golfers(groups: int, size: int, weeks: int) -> dict:
    n = groups * size
    return {"format": "netzwerktreffen-instance/1", "weights": {"repeat": 1},
            "participants": [{"id": f"g{i:02d}", "organisation": f"Org {i}", "sector": "x"} for i in range(n)],
            "blocks": [{"id": "speed", "kind": "speed-networking", "rounds": weeks, "group_size": size,
                        "allow_repeats": True}]}


def run(data: dict, seconds: float = 2.0, seed: int = 0):
    instance = parse_instance(data)
    values = PairValues(instance)
    block = instance.blocks[0]
    result = solve_groups_block(instance, block, values, time.monotonic() + seconds, seed)
    plan = Plan(blocks={block.id: tuple(tuple(tuple(g) for g in r) for r in result.rounds)})
    return instance, plan, result


def meetings(plan: Plan, block_id: str = "speed") -> Counter:
    return Counter(frozenset(pair) for groups in plan.blocks[block_id] for group in groups
                   for pair in combinations(group, 2))


# ----------------------------------------------------------------------------
# Social Golfer


def test_kirkman_schoolgirls_have_no_repeats():
    instance, plan, result = run(golfers(5, 3, 7), seconds=20)
    assert validate(instance, plan) == []
    assert max(meetings(plan).values()) == 1
    assert score_plan(instance, plan)[1]["speed"].repeats == 0
    assert result.bound == 0 and result.optimal


def test_eight_groups_of_four_for_nine_weeks_come_from_the_design():
    started = time.monotonic()
    instance, plan, result = run(golfers(8, 4, 9), seconds=30)
    assert max(meetings(plan).values()) == 1
    assert time.monotonic() - started < 10
    assert validate(instance, plan) == []


@pytest.mark.parametrize("n, size, rounds, expected", [(32, 4, 9, 9), (16, 4, 5, 5), (27, 3, 13, 13),
                                                       (25, 5, 6, 6), (9, 3, 4, 4), (15, 3, 7, 0),
                                                       (30, 5, 6, 0)])
def test_affine_design_rounds_never_repeat_a_pair(n, size, rounds, expected):
    design = affine_rounds(n, size, rounds, time.monotonic() + 1)
    assert len(design) == expected
    seen = Counter()
    for groups in design:
        assert sorted(i for g in groups for i in g) == list(range(n))
        assert all(len(g) == size for g in groups)
        seen.update(frozenset(p) for g in groups for p in combinations(g, 2))
    assert all(c == 1 for c in seen.values())


def test_prime_power():
    assert prime_power(32) == (2, 5)
    assert prime_power(27) == (3, 3)
    assert prime_power(30) is None
    assert prime_power(1) is None


def test_move_budget_is_counted_not_timed():
    assert move_budget(9.97) == move_budget(7.01) < move_budget(10.0)


# ----------------------------------------------------------------------------
# Weighted groups


def people(n: int, orgs: int | None = None) -> list[dict]:
    offers = ["sprachkurs", "beratung", "praktika", "anerkennung"]
    return [{"id": f"p{i:02d}", "organisation": f"Org {i % orgs if orgs else i}",
             "sector": ["jobcenter", "sprachschule", "mbe", "arbeitgeber"][i % 4],
             "offers": [offers[i % 4]], "needs": [offers[(i * 7 + 1) % 4]],
             "languages": ["de"] if i % 9 else ["de", "en"]}
            for i in range(n)]


def speed(rounds: int, size: int, **extra) -> dict:
    return {"id": "speed", "kind": "speed-networking", "rounds": rounds, "group_size": size, **extra}


def instance(n: int, block: dict, **extra) -> dict:
    return {"format": "netzwerktreffen-instance/1", "participants": people(n, extra.pop("orgs", None)),
            "blocks": [block], **extra}


def test_weighted_groups_of_three_score_close_to_the_bound():
    inst, plan, result = run(instance(30, speed(4, 3)), seconds=6)
    assert validate(inst, plan) == []
    score = score_plan(inst, plan)[0]
    assert score <= result.bound + 1e-6
    assert score >= 0.85 * result.bound


def test_head_counts_that_do_not_divide_use_as_few_larger_groups_as_possible():
    inst, plan, _ = run(instance(22, speed(2, 4)), seconds=2)
    assert validate(inst, plan) == []
    for groups in plan.blocks["speed"]:
        assert Counter(len(g) for g in groups) == Counter({4: 3, 5: 2})  # 22 = 4 + 4 + 4 + 5 + 5
    assert speed_group_sizes(22, 4) == (3, 2)


def test_too_few_groups_for_a_second_round_is_infeasible():
    # 14 people: groups of 5, 5 and 4; in round 1 a group of five must hold
    # two people from one group of round 0
    with pytest.raises(Infeasible, match="3 groups, so a group of 5 would hold two people who met"):
        run(instance(14, speed(2, 4)))
    inst, plan, _ = run(instance(14, speed(2, 4, allow_repeats=True)))
    assert validate(inst, plan) == []


def test_impossible_head_count_is_infeasible():
    with pytest.raises(Infeasible, match="cannot be split into groups of 4 and 5"):
        run(instance(7, speed(2, 4)))


def test_too_few_people_to_meet_without_repeats_is_infeasible():
    data = instance(12, speed(3, 3))
    data["participants"][5]["languages"] = ["en"]  # may meet p00 and p09 only
    with pytest.raises(Infeasible, match="p05 is present in 3 rounds still to plan but may meet only 2 people"):
        run(data)
    data["blocks"][0]["rounds"] = 1
    inst, plan, _ = run(data)  # one round: two partners are enough
    assert validate(inst, plan) == []


def test_lock_that_joins_colleagues_is_infeasible():
    data = instance(12, speed(2, 3, locks=[{"round": 1, "together": ["p00", "p04"]}]), orgs=4)
    with pytest.raises(Infeasible, match="share an organisation"):
        run(data)


def test_locks_that_repeat_a_pair_are_infeasible():
    data = instance(12, speed(3, 3, locks=[{"round": 1, "together": ["p00", "p05"]},
                                          {"round": 2, "together": ["p05", "p00", "p07"]}]))
    with pytest.raises(Infeasible, match="rounds 1 and 2: locks join p00 and p05 twice"):
        run(data)
    data["blocks"][0]["allow_repeats"] = True
    inst, plan, _ = run(data)
    assert validate(inst, plan) == []
    assert {"p00", "p05", "p07"} <= set(next(g for g in plan.blocks["speed"][2] if "p00" in g))


def test_same_seed_same_plan():
    """The search counts its work (here 2 s worth of moves) and the deadline only caps it: with a
    deadline far enough away, a busy machine makes every move and the plan is the same."""
    from scheduler.solver import work_budget

    data = instance(24, speed(4, 3))
    with work_budget(2.0):
        first = run(data, seconds=30, seed=3)[1]
        second = run(data, seconds=30, seed=3)[1]
    assert first.blocks == second.blocks


def test_published_plan_is_kept_when_it_is_as_good():
    data = instance(18, speed(3, 3))
    _, plan, _ = run(data, seconds=3)
    published = [[list(g) for g in groups] for groups in plan.blocks["speed"]]
    data["blocks"][0]["published"] = published
    data["blocks"][0]["fixed_rounds"] = published[:1]
    inst, again, _ = run(data, seconds=3)
    assert validate(inst, again) == []
    assert score_plan(inst, again)[1]["speed"].changes == 0


# ----------------------------------------------------------------------------
# Properties: every plan valid, locks kept, fixed rounds kept


@st.composite
def group_instances(draw):
    size = draw(st.sampled_from([3, 4]))
    n = draw(st.integers(min_value=size * 2, max_value=size * 5 + 2))
    rounds = draw(st.integers(min_value=1, max_value=4))
    allow = draw(st.booleans())
    orgs = draw(st.one_of(st.none(), st.integers(min_value=n // 2, max_value=n)))
    data = instance(n, speed(rounds, size, allow_repeats=allow), orgs=orgs)
    ids = [p["id"] for p in data["participants"]]
    late = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    present = {}
    for pid in late:
        present[pid] = sorted(draw(st.sets(st.integers(0, rounds - 1), max_size=rounds)))
    data["blocks"][0]["present"] = present
    if draw(st.booleans()):
        r = draw(st.integers(0, rounds - 1))
        here = [pid for pid in ids if pid not in present or r in present[pid]]
        a, b = draw(st.lists(st.sampled_from(here), min_size=2, max_size=2, unique=True)) if len(here) > 1 else (None, None)
        if a:
            data["blocks"][0]["locks"] = [{"round": r, "together": [a, b]}]
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group_instances())
def test_every_plan_is_valid(data):
    try:
        inst, plan, result = run(data, seconds=0.6)
    except Infeasible:
        return  # e.g. a head-count that cannot be split, a lock joining forbidden people
    except TimeoutError:
        # no valid plan found in time: only where repeats or colleagues make
        # it hard (with allow_repeats and no forbidden pairs there always is one)
        orgs = {p["organisation"] for p in data["participants"]}
        assert not data["blocks"][0]["allow_repeats"] or len(orgs) < len(data["participants"])
        return
    assert validate(inst, plan) == []
    block = inst.blocks[0]
    for lock in block.locks:
        assert any(set(lock.together) <= set(g) for g in plan.blocks["speed"][lock.round])
    score = score_plan(inst, plan)[0]
    assert score <= result.bound + 1e-6


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=9, max_value=20), st.integers(min_value=2, max_value=4))
def test_allow_repeats_always_gives_a_plan(n, rounds):
    data = instance(n, speed(rounds, 3, allow_repeats=True))
    for p in data["participants"]:
        p["languages"] = ["de"]
    inst, plan, _ = run(data, seconds=0.6)
    assert validate(inst, plan) == []


def test_fixed_rounds_are_kept_and_count_for_repeats():
    data = golfers(3, 3, 4)
    data["blocks"][0]["allow_repeats"] = False
    fixed = [[["g00", "g01", "g02"], ["g03", "g04", "g05"], ["g06", "g07", "g08"]]]
    data["blocks"][0]["fixed_rounds"] = fixed
    inst, plan, _ = run(data, seconds=5)
    assert [[list(g) for g in plan.blocks["speed"][0]]] == fixed
    assert validate(inst, plan) == []
    assert max(meetings(plan).values()) == 1


def test_problem_sizes_per_round():
    inst = parse_instance(instance(13, speed(2, 3, present={"p00": [1]})))
    problem = GroupsProblem.build(inst, inst.blocks[0], PairValues(inst))
    assert problem.sizes[0] == [3, 3, 3, 3]  # 12 present
    assert problem.sizes[1] == [4, 3, 3, 3]  # 13 present: one group of four


# ----------------------------------------------------------------------------
# The clique LP bound


def partitions(people: list[int], size: int):
    """Every split of `people` into groups of `size` (as tuples of tuples)."""
    if not people:
        yield ()
        return
    first, rest = people[0], people[1:]
    from itertools import combinations as choose
    for mates in choose(rest, size - 1):
        left = [i for i in rest if i not in mates]
        for others in partitions(left, size):
            yield ((first, *mates),) + others


def best_plan_value(n: int, size: int, present: list[list[int]], value, forbidden) -> float | None:
    """The best pair value of rounds of groups of `size` (round t among the
    people `present[t]`) in which no pair meets twice and no forbidden pair
    meets, by trying every plan; None when there is none."""
    per_round = []
    for people in present:
        options = []
        for split in partitions(people, size):
            mask, worth, bad = 0, 0.0, False
            for group in split:
                for a, b in combinations(group, 2):
                    bad = bad or forbidden[a][b]
                    mask |= 1 << (a * n + b)
                    worth += value[a][b]
            if not bad:
                options.append((mask, worth))
        per_round.append(options)
    best = None

    def extend(t: int, used: int, total: float):
        nonlocal best
        if t == len(per_round):
            best = total if best is None else max(best, total)
            return
        for mask, worth in per_round[t]:
            if not mask & used:
                extend(t + 1, used | mask, total + worth)

    extend(0, 0, 0.0)
    return best


def tiny_problem(n: int, size: int, present: list[list[int]], value, forbidden) -> GroupsProblem:
    data = instance(n, speed(len(present), size))
    for p in data["participants"]:
        p["languages"] = ["de"]
    ids = [p["id"] for p in data["participants"]]
    data["blocks"][0]["present"] = {ids[i]: [t for t, people in enumerate(present) if i in people]
                                    for i in range(n)}
    inst = parse_instance(data)
    problem = GroupsProblem.build(inst, inst.blocks[0], PairValues(inst))
    problem.first = [row[:] for row in value]
    problem.forbidden = [row[:] for row in forbidden]
    return problem


TINY = [(9, 3, [list(range(9))] * 2), (12, 3, [list(range(9)), list(range(3, 12))]),
        (12, 4, [list(range(8)), list(range(4, 12))]),
        (12, 4, [list(range(8)), list(range(4, 12)), list(range(4)) + list(range(8, 12))])]


@st.composite
def tiny_values(draw):
    n, size, present = draw(st.sampled_from(TINY))
    value = [[0.0] * n for _ in range(n)]
    forbidden = [[False] * n for _ in range(n)]
    for a, b in combinations(range(n), 2):
        value[a][b] = value[b][a] = float(draw(st.integers(-3, 9)))
        forbidden[a][b] = forbidden[b][a] = draw(st.integers(0, 11)) == 0
    return n, size, present, value, forbidden


def free_edges(problem: GroupsProblem) -> list[tuple[int, int]]:
    """Pairs who may meet and share a round, as `groups_bound` passes them."""
    share = lambda a, b: any(a in problem.present[t] and b in problem.present[t] for t in problem.free_rounds)
    return [(a, b) for a, b in combinations(range(problem.n), 2) if not problem.forbidden[a][b] and share(a, b)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_values(), st.booleans())
def test_clique_bound_is_never_below_the_best_plan(case, triangles_only):
    n, size, present, value, forbidden = case
    best = best_plan_value(n, size, present, value, forbidden)
    problem = tiny_problem(n, size, present, value, forbidden)
    limits = dict(groups_bounds.CLIQUE_SETS_MAX)
    if triangles_only:
        groups_bounds.CLIQUE_SETS_MAX[4] = 0  # groups of four through their triangles
    try:
        assert clique_size(problem) == (3 if triangles_only or size == 3 else 4)
        bound = clique_bound(problem, free_edges(problem), time.monotonic() + 30)
    finally:
        groups_bounds.CLIQUE_SETS_MAX.update(limits)
    assert bound is not None
    if best is not None:  # else no plan at all: any bound will do
        assert bound >= best - 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_values(), st.integers(0, 2 ** 32 - 1), st.sampled_from([0.0, 0.3, 1.0, 4.0]))
def test_any_nonnegative_duals_bound_the_best_plan(case, seed, spread):
    """LP duality: the bound priced from any duals u, v >= 0 is at least the optimum."""
    import numpy

    n, size, present, value, forbidden = case
    best = best_plan_value(n, size, present, value, forbidden)
    problem = tiny_problem(n, size, present, value, forbidden)
    lp = CliqueLP(problem, size, free_edges(problem))
    rng = numpy.random.default_rng(seed)
    u = rng.uniform(0, spread, n) * (rng.random(n) < 0.5)
    v = numpy.triu(rng.uniform(0, spread, (n, n)) * (rng.random((n, n)) < 0.5), 1)
    bound, _entering = lp.price(u, v + v.T, 10)
    if best is not None:
        assert bound >= best - 1e-9


@pytest.mark.parametrize("n, size, rounds", [(9, 3, 4), (16, 4, 5)])
def test_clique_bound_is_exact_on_affine_planes(n, size, rounds):
    # all pairs worth one: the affine plane's rounds meet every pair once, so
    # the optimum is every pair, and the bound must not drop below it
    value = [[1.0] * n for _ in range(n)]
    forbidden = [[False] * n for _ in range(n)]
    problem = tiny_problem(n, size, [list(range(n))] * rounds, value, forbidden)
    design = affine_rounds(n, size, rounds, time.monotonic() + 5)
    assert len(design) == rounds
    best = n * (n - 1) / 2
    assert clique_bound(problem, free_edges(problem), time.monotonic() + 30) == best
    # duals below the LP's optimal ones: the sets' reduced costs must make up for it
    import numpy

    lp = CliqueLP(problem, size, free_edges(problem))
    assert lp.solve(time.monotonic() + 30, []) == pytest.approx(best)
    u, v = lp.duals
    rng = numpy.random.default_rng(n)
    for _ in range(20):
        shrink = rng.uniform(0.5, 1.0, n)
        assert lp.price(u * shrink, v * numpy.outer(shrink, shrink), 10)[0] >= best - 1e-9


@pytest.mark.parametrize("n, size", [(24, 4), (25, 5)])
def test_the_triangles_duals_carried_to_sets_of_four_bound_no_higher(n, size):
    """The triangle LP's optimal duals, carried over (`carried_duals`), satisfy every row of the
    LP over sets of four: priced there they bound no higher than the triangles' LP value, and no
    lower than that LP's own optimum (any duals >= 0 bound it)."""
    inst = parse_instance(instance(n, speed(3, size)))
    problem = GroupsProblem.build(inst, inst.blocks[0], PairValues(inst))
    edges = free_edges(problem)
    triangles = CliqueLP(problem, 3, edges)
    by_triangles = triangles.solve(time.monotonic() + 30, [])
    fours = CliqueLP(problem, 4, edges, triples=triangles.triples)
    carried, _entering = fours.price(*groups_bounds.carried_duals(triangles.duals, size), 10)
    by_fours = CliqueLP(problem, 4, edges).solve(time.monotonic() + 30, [])
    assert by_fours - 1e-6 <= carried <= by_triangles + 1e-6 * by_triangles
    assert clique_bound(problem, edges, time.monotonic() + 60) <= by_fours + 1e-6 * by_fours


def test_clique_bound_applies_without_repeats_and_with_one_group_size():
    inst = parse_instance(instance(24, speed(3, 4)))
    values = PairValues(inst)
    assert clique_size(GroupsProblem.build(inst, inst.blocks[0], values)) == 4
    inst = parse_instance(instance(25, speed(3, 5)))
    assert clique_size(GroupsProblem.build(inst, inst.blocks[0], PairValues(inst))) == 4
    inst = parse_instance(instance(24, speed(3, 4, allow_repeats=True)))
    assert clique_size(GroupsProblem.build(inst, inst.blocks[0], PairValues(inst))) is None
    inst = parse_instance(instance(25, speed(2, 4)))  # one group of five
    assert clique_size(GroupsProblem.build(inst, inst.blocks[0], PairValues(inst))) is None


def test_clique_bound_is_tighter_than_the_b_matching():
    inst = parse_instance(instance(24, speed(3, 4)))
    problem = GroupsProblem.build(inst, inst.blocks[0], PairValues(inst))
    edges = [(a, b) for a, b in combinations(range(24), 2) if not problem.forbidden[a][b]]
    caps = [3 * 3] * 24
    b_matching = best_pairs_bound(problem.first, caps, edges, time.monotonic() + 30)
    clique = clique_bound(problem, edges, time.monotonic() + 30)
    assert clique < b_matching
    assert groups_bound(problem, time.monotonic() + 30) <= clique


# ----------------------------------------------------------------------------
# The weighted search keeps fixed rounds, locks and the published plan's rules


@st.composite
def replanned_instances(draw):
    size = draw(st.sampled_from([3, 4]))
    groups = draw(st.integers(min_value=size + 1, max_value=size + 2))  # enough groups for no repeats
    n = size * groups + draw(st.integers(0, groups - 1))
    rounds = draw(st.integers(min_value=2, max_value=3))
    data = instance(n, speed(rounds, size))
    for p in data["participants"]:
        p["languages"] = ["de"]
    return (data, draw(st.integers(0, rounds - 1)), draw(st.booleans()), draw(st.integers(0, 99)),
            draw(st.integers(0, 99)))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replanned_instances(), st.integers(0, 3))
def test_weighted_search_keeps_fixed_rounds_and_locks(case, seed):
    data, fixed, publish, lock_round, lock_group = case
    try:
        first = run(data, seconds=3, seed=seed)[1].blocks["speed"]
    except TimeoutError:
        return  # no plan to re-plan
    block = data["blocks"][0]
    block["fixed_rounds"] = [[list(g) for g in r] for r in first[:fixed]]
    if publish:
        block["published"] = [[list(g) for g in r] for r in first]
    r = fixed + lock_round % (block["rounds"] - fixed)
    group = first[r][lock_group % len(first[r])]
    block["locks"] = [{"round": r, "together": list(group[:2])}]
    try:
        inst, plan, result = run(data, seconds=1.0, seed=seed)
    except TimeoutError:
        return  # the search may fail to find a plan, never return a wrong one
    assert validate(inst, plan) == []
    rounds = plan.blocks["speed"]
    assert [[list(g) for g in r] for r in rounds[:fixed]] == block["fixed_rounds"]
    for lock in block["locks"]:
        assert any(set(lock["together"]) <= set(g) for g in rounds[lock["round"]])
    assert score_plan(inst, plan)[0] <= result.bound + 1e-6


def test_annealing_budget_has_its_own_rate():
    assert move_budget(10.0, 400000) == 4000000
    assert move_budget(10.0) == move_budget(10.0, MOVES_PER_SECOND)
