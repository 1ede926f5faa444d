"""`--time-limit` at scale (issue 17): `python -m scheduler solve` on 800
people in pairs finishes within the limit plus one second, start-up
included, and writes a plan that `check` accepts; the memory of the pair
data grows linearly in the number of possible pairs."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.generate import generate  # noqa: E402
from scheduler import check, parse_instance  # noqa: E402
from scheduler.pairs.problem import PairsProblem  # noqa: E402
from scheduler.values import PairValues  # noqa: E402


@pytest.fixture(scope="module")
def meeting_800(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "n800.json"
    path.write_text(json.dumps(generate(800, 8, seed=800)), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("limit", [2, 5, 10])
def test_the_time_limit_holds_at_800_people(meeting_800, tmp_path, limit):
    plan_path = tmp_path / "plan.json"
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "scheduler", "solve", str(meeting_800), "-o", str(plan_path),
                           "--time-limit", str(limit)], cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - began
    assert done.returncode == 0, done.stderr[-2000:]
    assert wall <= limit + 1.0, f"{wall:.2f} s for a limit of {limit} s"
    instance = parse_instance(json.loads(meeting_800.read_text(encoding="utf-8")))
    report = check(instance, json.loads(plan_path.read_text(encoding="utf-8")))
    assert report["valid"], report["violations"][:3]
    assert report["score"] > 0


def _pair_data_peak(n: int) -> tuple[int, int]:
    """(peak bytes while the pair values and the pairs problem are built, number of possible pairs)."""
    instance = parse_instance(generate(n, 8, seed=n))
    tracemalloc.start()
    try:
        values = PairValues(instance)
        problem = PairsProblem.build(instance, instance.blocks[0], values)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, len(problem.edges)


@pytest.mark.slow
def test_pair_data_grows_linearly_in_the_possible_pairs():
    small_peak, small_pairs = _pair_data_peak(200)
    large_peak, large_pairs = _pair_data_peak(600)
    assert large_pairs > 8 * small_pairs
    per_pair_small, per_pair_large = small_peak / small_pairs, large_peak / large_pairs
    assert per_pair_large <= 1.3 * per_pair_small  # linear, not worse
    # bytes a possible pair (about 220 here): the pair list and its values; the n x n lists
    # of floats and flags this replaced took about 340
    assert per_pair_large < 280
