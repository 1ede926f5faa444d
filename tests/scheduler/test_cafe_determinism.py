"""Same café, same seed, same seating -- also on a busy machine (issue 17).

The café's searches count their work (the flow model's deterministic time,
annealing moves) in shares of the time limit; the wall clock only cuts a
machine too slow for it.  Each test plans the same café twice, once quiet and
once while busy loops burn both cores (or while the clock jumps), with limits
generous for the counted work, and wants the same seating.
"""

from __future__ import annotations

import time

import pytest

import scheduler.solve as scheduler_solve
from bench.groups_cafe import cafe_instance
from busy import busy_cpu, stall_the_clock
from scheduler import parse_instance, validate
from scheduler.solve import solve

GENEROUS_SHARE = 0.2  # of the time limit counted out as work (the dispatcher's is 0.85)


def messy_cafe(n: int, rounds: int) -> dict:
    """The bench's café with ranked tables, some guests away in the last round and an English table."""
    data = cafe_instance(n, rounds)
    block = data["blocks"][0]
    block["tables"][1]["language"] = "en"
    away = [p["id"] for p in data["participants"][3::11]]
    block["present"] = {**block.get("present", {}), **{pid: list(range(rounds - 1)) for pid in away}}
    return data


@pytest.mark.slow
@pytest.mark.parametrize("n, rounds, limit", [(60, 3, 8.0), (120, 4, 12.0)])
def test_a_cafe_gets_the_same_seating_on_a_busy_machine(monkeypatch, n, rounds, limit):
    monkeypatch.setattr(scheduler_solve, "WORK_SHARE", GENEROUS_SHARE)
    instance = parse_instance(messy_cafe(n, rounds))
    quiet = solve(instance, time_limit=limit, seed=4)
    with busy_cpu(3):
        started = time.monotonic()
        busy = solve(instance, time_limit=limit, seed=4)
        wall = time.monotonic() - started
    assert validate(instance, quiet.plan) == [] and validate(instance, busy.plan) == []
    assert busy.plan.blocks == quiet.plan.blocks
    assert busy.score == quiet.score
    assert wall <= limit + 1  # the limit stays a hard cap


def test_a_stalled_process_gets_the_same_seating(monkeypatch):
    monkeypatch.setattr(scheduler_solve, "WORK_SHARE", GENEROUS_SHARE)
    instance = parse_instance(messy_cafe(60, 3))
    quiet = solve(instance, time_limit=6.0, seed=1)
    stall_the_clock(monkeypatch, 2.0)  # a third of the limit
    again = solve(instance, time_limit=6.0, seed=1)
    assert again.plan.blocks == quiet.plan.blocks
