"""The solver's progress reports and stop button (used by the web app's progress bar)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.generate import generate  # noqa: E402
from scheduler import check, parse_instance  # noqa: E402
from scheduler.solve import solve  # noqa: E402


def odd_late_instance():
    """97 people (odd), 7 rounds, some arriving late: several solver stages run."""
    return parse_instance(generate(97, 7, seed=5, late=0.1))


def test_improvements_are_reported_up_to_the_result():
    problem = odd_late_instance()
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
    problem = odd_late_instance()
    result = solve(problem, time_limit=300, seed=1, should_stop=lambda: True)
    report = check(problem, result.plan)
    assert report["valid"], report["violations"][:3]
    assert result.seconds < 60  # far from the 300 s it was given: the stop was heard
