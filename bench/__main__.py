"""`python -m bench`: the planner against round-by-round matching.

Runs the shared instances (../shared/bench, pairs blocks only; the others are
in the groups/café table printed after it, bench/groups_cafe.py) and generated
ones, each solve in a subprocess so peak memory (the child's own ru_maxrss) is
honest, and prints one table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .generate import instances, with_no_shows
from .groups_cafe import HEADER, format_rows
from .groups_cafe import rows as groups_cafe_rows

ROOT = Path(__file__).resolve().parents[1]
BASELINE_TIME_FACTOR = 4  # the baseline gets more time: it is measured, not raced
SHARED = ROOT.parent / "shared" / "bench"


def run(method: str, path: Path, seconds: float) -> dict:
    """One solve in a fresh process, which reports its own peak memory
    (ru_maxrss of RUSAGE_SELF at its end)."""
    done = subprocess.run([sys.executable, "-m", "bench.run_one", method, str(path), str(seconds)],
                          cwd=ROOT, capture_output=True, text=True)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}


def supported(data: dict) -> str | None:
    for block in data["blocks"]:
        if block["kind"] != "speed-networking":
            return "pro-action-cafe: see the groups/café table below"
        if block.get("group_size", 2) != 2:
            return f"groups of {block['group_size']}: see the groups/café table below"
    return None


def collect(workdir: Path, seconds: float) -> list[tuple[str, Path | None, str | None]]:
    rows = []
    if SHARED.is_dir():
        for path in sorted(SHARED.glob("*.json")):
            rows.append((path.stem, path, supported(json.loads(path.read_text(encoding="utf-8")))))
    else:
        print(f"note: {SHARED} not found, shared instances skipped", file=sys.stderr)
    for name, data in instances():
        path = workdir / f"{name}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        rows.append((name, path, None))
        if name == "gen-n200-r8":
            rows.append((f"{name}-replan", path, "replan"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve")
    parser.add_argument("--only", help="run instances whose name contains this")
    args = parser.parse_args()
    header = (f"{'instance':<24} {'n':>4} {'R':>3} {'score':>9} {'bound':>9} {'gap%':>7} {'sec':>6} "
              f"{'MB':>6}  {'base':>9} {'b-sec':>6}  method")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, note in collect(Path(tmp), args.time_limit):
            if args.only and args.only not in name:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            n, rounds = len(data["participants"]), data["blocks"][0]["rounds"]
            if note and note != "replan":
                print(f"{name:<24} {n:>4} {rounds:>3}  {note}")
                continue
            if note == "replan":
                first = run("solve", path, args.time_limit)
                path = Path(tmp) / f"{name}.json"
                path.write_text(json.dumps(with_no_shows(data, first["plan"], held=rounds // 2,
                                                         share=0.1, seed=1)), encoding="utf-8")
            ours = run("solve", path, args.time_limit)
            base = run("rounds", path, BASELINE_TIME_FACTOR * args.time_limit)
            print(_row(name, n, rounds, ours, base), flush=True)
    print("\nGroups, Social Golfer and Pro-Action-Café (issue 4), per instance at most "
          f"{args.time_limit:g} s:\n" + "\n".join(HEADER), flush=True)
    groups_cafe_rows(args.time_limit, only=args.only,
                     on_row=lambda row: print(format_rows([row], header=False), flush=True))


def _row(name, n, rounds, ours, base) -> str:
    if "error" in ours:
        return f"{name:<24} {n:>4} {rounds:>3}  error: {ours['error']}"
    gap = 100 * (ours["bound"] - ours["score"]) / abs(ours["bound"]) if ours["bound"] else 0.0
    mem = f"{ours['peak_mb']:.0f}"
    valid = "" if ours["valid"] else " INVALID"
    base_score = f"{base['score']:.1f}" if "score" in base else "none"
    base_sec = f"{base['seconds']:.1f}" if "seconds" in base else "-"
    return (f"{name:<24} {n:>4} {rounds:>3} {ours['score']:>9.1f} {ours['bound']:>9.1f} {gap:>7.3f} "
            f"{ours['seconds']:>6.1f} {mem:>6}  {base_score:>9} {base_sec:>6}  {ours['method']}{valid}")


if __name__ == "__main__":
    main()
