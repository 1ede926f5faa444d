"""Constructions and symmetric searches for schedules without repeat meetings
(scheduler.groups.designs, scheduler.groups.golfers): the rounds they return are valid for
the sizes they claim.  Deadlines are generous; the tests check structure, not speed."""

from __future__ import annotations

import time
from collections import Counter
from itertools import combinations

import pytest

from scheduler.groups.designs import affine_rounds, zero_repeat_rounds
from scheduler.groups.golfers import cyclic_rounds, doubled_affine_rounds, is_valid

GENEROUS = 120.0


def assert_schedule(rounds, n, group_size, expected_rounds):
    """Every person once per round, groups of the right size, no pair twice."""
    assert len(rounds) == expected_rounds
    pairs = Counter()
    for groups in rounds:
        assert sorted(p for group in groups for p in group) == list(range(n))
        assert all(len(group) == group_size for group in groups)
        for group in groups:
            pairs.update(frozenset(pair) for pair in combinations(group, 2))
    assert not [pair for pair, count in pairs.items() if count > 1]
    return pairs


def test_is_valid_rejects_broken_schedules():
    good = [[[0, 1], [2, 3]], [[0, 2], [1, 3]]]
    assert is_valid(good, 4, 2)
    assert not is_valid(good + [[[0, 1], [2, 3]]], 4, 2)    # pair 0-1 again
    assert not is_valid([[[0, 1, 2], [3]]], 4, 2)           # wrong group size
    assert not is_valid([[[0, 1], [1, 3]]], 4, 2)           # 1 twice, 2 missing


def test_affine_rounds_8_4_9():
    assert_schedule(affine_rounds(32, 4, 9, time.monotonic() + GENEROUS), 32, 4, 9)


def test_affine_rounds_nothing_for_mixed_primes():
    assert affine_rounds(30, 5, 6, time.monotonic() + GENEROUS) == []


def test_doubled_affine_8_4_10_misses_a_perfect_matching():
    rounds = doubled_affine_rounds(32, 4, 10)
    pairs = assert_schedule(rounds, 32, 4, 10)
    assert len(pairs) == 480
    missed = [pair for pair in map(frozenset, combinations(range(32), 2)) if pair not in pairs]
    # everybody misses exactly one other person: a 4-GDD of type 2^16
    assert sorted(p for pair in missed for p in pair) == list(range(32))


def test_doubled_affine_fewer_rounds_and_other_sizes():
    assert_schedule(doubled_affine_rounds(32, 4, 7), 32, 4, 7)
    assert doubled_affine_rounds(36, 4, 10) == []
    assert doubled_affine_rounds(32, 8, 4) == []


@pytest.mark.parametrize("groups,size,rounds", [(5, 3, 7), (6, 5, 6), (7, 3, 5)])
def test_cyclic_rounds(groups, size, rounds):
    n = groups * size
    assert_schedule(cyclic_rounds(n, size, rounds, time.monotonic() + GENEROUS), n, size, rounds)


def test_cyclic_rounds_impossible_sizes_give_nothing():
    # 9 people in threes can meet everybody in 4 rounds, never in 5
    assert cyclic_rounds(9, 3, 5, time.monotonic() + GENEROUS) == []


@pytest.mark.parametrize("spec", ["5-3-7", "8-4-8", "8-4-9", "8-4-10", "10-3-13", "6-5-6"])
def test_zero_repeat_rounds_social_golfer_instances(spec):
    groups, size, rounds = map(int, spec.split("-"))
    n = groups * size
    assert_schedule(zero_repeat_rounds(n, size, rounds, time.monotonic() + GENEROUS), n, size, rounds)


def test_cyclic_rounds_skips_models_too_large_to_build():
    # 120 people in threes: every cyclic model is past MAX_CLAUSES, left to local search
    assert cyclic_rounds(120, 3, 6, time.monotonic() + GENEROUS) == []
