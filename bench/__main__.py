"""`python -m bench`: the optimiser's benchmark, one table for all of issue 17's rows in one run.

Sections, in this order: `pairs` (the shared pairs instances of ../shared/bench and generated ones,
each solve in a subprocess so peak memory is the child's own ru_maxrss), then the modules other parts
of the issue add, each with `rows(quick=False) -> list[dict]` (/tmp/house/bench_rows.md):
bench.cafe_bound, bench.cafe_small, bench.cafe_choices, bench.groups_lns, bench.golfers, bench.scale, bench.odd,
bench.coverage.
A module that is not there yet is listed as "(not present)"; one that fails gives an error line and
the table goes on. Issue 4's groups/café table is still `python -m bench.groups_cafe`.

    python -m bench [--quick] [--only SUBSTRING] [--section NAME] [--time-limit S] [--baseline]
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

from .generate import instances, with_no_shows

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/bench")
BASELINE_TIME_FACTOR = 4  # the baseline gets more time: it is measured, not raced
QUICK_TIME_LIMIT = 5.0  # seconds per pairs solve with --quick (3 s missed the first plan on a loaded 2-core machine)
SECTIONS = ["pairs", "cafe_bound", "cafe_small", "cafe_choices", "groups_lns", "golfers", "scale", "odd", "coverage"]

# case, n, R, score, bound, gap %, sec, MB, note
COLUMNS = [("case", 28, "<"), ("n", 5, ">"), ("R", 3, ">"), ("score", 10, ">"), ("bound", 10, ">"),
           ("gap %", 7, ">"), ("sec", 7, ">"), ("MB", 6, ">"), ("note", 0, "<")]


# ----------------------------------------------------------------------------
# The table


def _cell(value, decimals: int) -> str:
    """A number plainly (no thousands separators), "-" for None or a value that is no number."""
    if value is None or isinstance(value, bool):
        return "-"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{decimals}f}" if math.isfinite(value) else str(value)
    return str(value)


def header() -> list[str]:
    line = "  ".join(f"{name:{align}{width}}" if width else name for name, width, align in COLUMNS)
    return [line, "-" * len(line)]


def format_row(row: dict) -> str:
    """One line of the table from a row dict (bench_rows.md); missing keys and None show as "-"."""
    cells = [str(row.get("case", "?")), _cell(row.get("n"), 0), _cell(row.get("rounds"), 0),
             _cell(row.get("score"), 1), _cell(row.get("bound"), 1), _cell(row.get("gap"), 2),
             _cell(row.get("seconds"), 1), _cell(row.get("mb"), 0), str(row.get("note") or "")]
    parts = [f"{cell:{align}{width}}" if width else cell for cell, (_, width, align) in zip(cells, COLUMNS)]
    return "  ".join(parts).rstrip()


def section_line(name: str, text: str = "") -> str:
    return f"[{name}]" + (f" {text}" if text else "")


def gap_percent(score: float | None, bound: float | None) -> float | None:
    """(bound - score) / |bound| in percent, as the spec defines the gap; None without both."""
    if score is None or bound is None or bound == 0:
        return None
    return 100 * (bound - score) / abs(bound)


# ----------------------------------------------------------------------------
# Sections from other modules


def load_section(name: str, package: str = "bench"):
    """The module bench.<name>, or None when it does not exist (yet); other import errors propagate."""
    full = f"{package}.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as error:
        if error.name in (full, package):
            return None
        raise


def module_rows(name: str, quick: bool, only: str | None, package: str = "bench") -> tuple[str | None, list[dict]]:
    """(a line to print instead of rows, or None; the rows). `only` is passed on where rows() takes it."""
    try:
        module = load_section(name, package)
    except Exception as error:  # noqa: BLE001 - one broken module must not lose the table
        return f"(import failed: {type(error).__name__}: {error})", []
    if module is None:
        return "(not present)", []
    rows_of = getattr(module, "rows", None)
    if not callable(rows_of):
        return "(no rows() function)", []
    kwargs = {"quick": quick}
    if only and "only" in inspect.signature(rows_of).parameters:
        kwargs["only"] = only
    try:
        found = list(rows_of(**kwargs))
    except Exception as error:  # noqa: BLE001
        return f"(error: {type(error).__name__}: {error})", []
    return None, [r for r in found if not only or only in str(r.get("case", ""))]


# ----------------------------------------------------------------------------
# The pairs section: shared and generated instances, each solve in a subprocess


def run(method: str, path: Path, seconds: float) -> dict:
    """One solve in a fresh process, which reports its own peak memory (ru_maxrss of RUSAGE_SELF at its end)."""
    done = subprocess.run([sys.executable, "-m", "bench.run_one", method, str(path), str(seconds)],
                          cwd=ROOT, capture_output=True, text=True)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}


def _pairs_only(data: dict) -> bool:
    return all(b["kind"] == "speed-networking" and b.get("group_size", 2) == 2 for b in data["blocks"])


def pairs_cases(workdir: Path) -> list[tuple[str, Path, bool]]:
    """(case, instance file, re-plan?) for the shared pairs instances and the generated ones."""
    cases = []
    if SHARED.is_dir():
        for path in sorted(SHARED.glob("*.json")):
            if _pairs_only(json.loads(path.read_text(encoding="utf-8"))):
                cases.append((path.stem, path, False))
    for name, data in instances():
        path = workdir / f"{name}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        cases.append((name, path, False))
        if name == "gen-n200-r8":
            cases.append((f"{name}-replan", path, True))
    return cases


def pairs_rows(quick: bool = False, only: str | None = None, time_limit: float = 30.0,
               baseline: bool = False, on_row: Callable[[dict], None] | None = None) -> list[dict]:
    limit = QUICK_TIME_LIMIT if quick else time_limit
    out = []

    def add(row: dict) -> None:
        out.append(row)
        if on_row is not None:
            on_row(row)
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, replan in pairs_cases(Path(tmp)):
            if only and only not in name:
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            n, rounds = len(data["participants"]), data["blocks"][0]["rounds"]
            note = ""
            if replan:
                first = run("solve", path, limit)
                if "error" in first:
                    add({"case": name, "n": n, "rounds": rounds, "note": f"error: {first['error']}"})
                    continue
                path = Path(tmp) / f"{name}.json"
                path.write_text(json.dumps(with_no_shows(data, first["plan"], held=rounds // 2, share=0.1, seed=1)),
                                encoding="utf-8")
                note = "re-plan after half the rounds, 10 % gone; "
            ours = run("solve", path, limit)
            row = _pairs_row(name, n, rounds, ours, note)
            if baseline and "error" not in ours:
                base = run("rounds", path, BASELINE_TIME_FACTOR * limit)
                row["note"] += ("; round-by-round " + (f"{base['score']:.1f} in {base['seconds']:.1f} s"
                                                        if "score" in base else "none"))
            add(row)
    return out


def _pairs_row(name: str, n: int, rounds: int, ours: dict, note: str) -> dict:
    if "error" in ours:
        return {"case": name, "n": n, "rounds": rounds, "note": f"{note}error: {ours['error']}"}
    return {"case": name, "n": n, "rounds": rounds, "score": ours["score"], "bound": ours["bound"],
            "gap": gap_percent(ours["score"], ours["bound"]), "seconds": ours["seconds"], "mb": ours["peak_mb"],
            "note": note + ours["method"] + ("" if ours["valid"] else " INVALID")}


# ----------------------------------------------------------------------------


def print_table(sections: Iterable[str], quick: bool, only: str | None, time_limit: float, baseline: bool,
                write: Callable[[str], None] = print, package: str = "bench") -> None:
    for line in header():
        write(line)
    for name in sections:
        started = time.monotonic()
        if name == "pairs":
            write(section_line(name, f"{QUICK_TIME_LIMIT if quick else time_limit:g} s per solve"))
            pairs_rows(quick, only, time_limit, baseline, on_row=lambda row: write(format_row(row)))
            continue
        message, rows = module_rows(name, quick, only, package)
        if message:
            write(section_line(name, message))
            continue
        write(section_line(name, f"{len(rows)} rows, {time.monotonic() - started:.0f} s"))
        for row in rows:
            write(format_row(row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"every module with quick=True, pairs at {QUICK_TIME_LIMIT:g} s (about 5 min in all)")
    parser.add_argument("--only", metavar="SUBSTRING", help="rows whose case contains this")
    parser.add_argument("--section", action="append", choices=SECTIONS, metavar="NAME",
                        help="run only this section (repeatable): " + ", ".join(SECTIONS))
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per pairs solve (default 30)")
    parser.add_argument("--baseline", action="store_true",
                        help="pairs: also round-by-round matching (given 4x the time) in the note")
    args = parser.parse_args(argv)
    print_table(args.section or SECTIONS, args.quick, args.only, args.time_limit, args.baseline,
                write=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
