"""The solver's progress reports and stop button (used by the web app's progress bar)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler import check, parse_instance
from scheduler.solve import solve

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"


def instance(name):
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is missing (../shared/bench beside the project)")
    return parse_instance(json.loads(path.read_text()))


def test_improvements_are_reported_up_to_the_result():
    problem = instance("pairs-n97-r7-late.json")
    seen = []
    result = solve(problem, time_limit=20, seed=1, on_improvement=lambda score, bound: seen.append((score, bound)))
    assert seen, "no progress was reported"
    scores = [score for score, _ in seen]
    assert scores == sorted(scores)  # the best so far never gets worse
    assert scores[-1] == pytest.approx(result.score)
    bounds = [bound for _, bound in seen if bound is not None]
    assert bounds and bounds[-1] == pytest.approx(result.bound)
    assert all(score <= bound + 1e-6 for score, bound in seen if bound is not None)


def test_stop_returns_a_valid_plan_at_once():
    problem = instance("pairs-n97-r7-late.json")
    result = solve(problem, time_limit=300, seed=1, should_stop=lambda: True)
    report = check(problem, result.plan)
    assert report["valid"], report["violations"][:3]
    assert result.seconds < 60  # far from the 300 s it was given: the stop was heard
