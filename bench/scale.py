"""Large meetings within the time limit (issue 17):

    .venv/bin/python -m bench.scale [--quick]

`python -m scheduler solve --time-limit L` on generated pairs meetings
(bench.generate, 8 rounds): 800 people with limits of 2, 5 and 10 s, 1,600
people with 10 s, and 1,600 people with 60 s.  Each solve is a child process
timed from outside (start-up included, as the limit counts it); the peak
memory is that child's own peak resident size (wait4).  The plan is checked
with `scheduler.check`; the note says whether the wall time kept within
limit + 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = [(800, 2), (800, 5), (800, 10), (1600, 10), (1600, 60)]
QUICK = [(800, 2), (800, 5)]


def _solve(n: int, limit: float, folder: Path) -> dict:
    from bench.generate import generate
    from scheduler import check, parse_instance

    data = generate(n, 8, seed=n)
    path, plan_path = folder / f"n{n}.json", folder / f"plan-n{n}-{limit:g}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    began = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "scheduler", "solve", str(path), "-o", str(plan_path),
                              "--time-limit", str(limit)], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    row = {"case": f"pairs n={n} R=8, limit {limit:g} s", "n": n, "rounds": 8, "score": None, "bound": None,
           "gap": None, "seconds": round(wall, 2), "mb": round(usage.ru_maxrss / 1024, 1), "note": ""}
    if child.returncode != 0:
        row["note"] = f"exit {child.returncode}: {stderr.decode(errors='replace').strip()[-200:]}"
        return row
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    report = check(parse_instance(data), plan)
    score, bound = report["score"], plan.get("bound")
    row.update(score=round(score, 2), bound=bound)
    if bound:
        row["gap"] = round(100 * (bound - score) / abs(bound), 3)
    within = "within" if wall <= limit + 1 else "OVER"
    row["note"] = (f"{within} limit + 1 s; {'valid' if report['valid'] else 'INVALID'}; "
                   f"load {os.getloadavg()[0]:.1f}")
    return row


def rows(quick: bool = False) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        return [_solve(n, limit, Path(folder)) for n, limit in (QUICK if quick else CASES)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="800 people with 2 and 5 s only")
    args = parser.parse_args()
    print(f"{'case':34} {'score':>10} {'bound':>10} {'gap %':>7} {'wall s':>7} {'MB':>7}  note")
    for row in rows(args.quick):
        fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
        print(f"{row['case']:34} {fmt(row['score'], '10.2f')} {fmt(row['bound'], '10.2f')} "
              f"{fmt(row['gap'], '7.3f')} {fmt(row['seconds'], '7.2f')} {fmt(row['mb'], '7.1f')}  {row['note']}",
              flush=True)


if __name__ == "__main__":
    main()
