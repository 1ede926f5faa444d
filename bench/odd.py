"""Odd head-counts and late arrivals in pairs speed networking (issue 17):
101, 201 and 401 people, 8 rounds, some arriving for round 3, some leaving
early, at 30 and 120 s.  Each case is solved in a child process twice: the
planner as it is, and the old path (no bound with real trios, no
re-planning of a few rounds at a time), so the note shows before beside after.

    python -m bench.odd [--quick]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .generate import generate

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 8


def instance(n: int, seed: int) -> dict:
    """A generated meeting: a tenth arrive late or leave early at random,
    and every twentieth of the others comes only for round 3 on."""
    data = generate(n, ROUNDS, seed=seed, late=0.1)
    present = data["blocks"][0]["present"]
    others = [p["id"] for p in data["participants"] if p["id"] not in present]
    for pid in others[::20]:
        present[pid] = list(range(2, ROUNDS))
    data["name"] += " odd, late arrivals"
    return data


def _solve(path: str, seconds: float, old: bool) -> dict:
    command = [sys.executable, "-m", "bench.odd", "--child", path, str(seconds), "old" if old else "new"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=seconds * 3 + 120)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def _gap(score, bound) -> float | None:
    if score is None or bound is None or not bound:
        return None
    return max(0.0, 100 * (bound - score) / abs(bound))


def rows(quick: bool = False) -> list[dict]:
    cases = [(41, 5), (61, 5)] if quick else [(n, s) for n in (101, 201, 401) for s in (30, 120)]
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for n, seconds in cases:
            path = str(Path(folder) / f"odd-{n}.json")
            Path(path).write_text(json.dumps(instance(n, seed=n)), encoding="utf-8")
            new, old = _solve(path, seconds, old=False), _solve(path, seconds, old=True)
            old_gap = _gap(old.get("score"), old.get("bound"))
            note = (f"old path: score {old.get('score')}, bound {old.get('bound')}, gap "
                    + (f"{old_gap:.3f} %" if old_gap is not None else "-"))
            if "error" in new:
                note = f"error: {new['error']}; " + note
            elif not new.get("valid"):
                note = "INVALID plan; " + note
            out.append({"case": f"odd+late n={n} R={ROUNDS} {seconds:g}s", "n": n, "rounds": ROUNDS,
                        "score": new.get("score"), "bound": new.get("bound"),
                        "gap": _gap(new.get("score"), new.get("bound")),
                        "seconds": new.get("seconds"), "mb": new.get("peak_mb"), "note": note})
    return out


def _child(path: str, seconds: str, which: str) -> None:
    """Solve in this process (bench.run_one), the new stages switched off for `old`."""
    if which == "old":
        import scheduler.pairs.solve as pairs_solve

        pairs_solve.trio_bound = lambda *args, **kwargs: None
        pairs_solve.improve_by_rounds = lambda *args, **kwargs: {"steps": 0, "gains": 0, "work": 0.0}
    from . import run_one

    sys.argv = ["run_one", "solve", path, seconds]
    run_one.main()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(*sys.argv[2:5])
    else:
        for row in rows(quick="--quick" in sys.argv):
            print(row)
