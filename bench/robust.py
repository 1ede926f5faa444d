"""`python -m bench.robust`: messy meetings never dead-end.

Generated meetings of 60, 120 and 300 people as they come: mostly German,
some also English, a few only English, one person who speaks only Arabic,
organisations that send up to eight colleagues, then a Pro-Action-Café with
one table held in English.  For each: the time to the first valid plan (the
constructive start, measured from the call), the final score, the proven
bound and the gap, and how many pauses, revisits and guests beyond even
tables the plan has.  Each meeting is solved in a fresh process.

    .venv/bin/python -m bench.robust [--seconds 30] [--sizes 60,120,300]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from .generate import SECTORS, TOPICS

ROOT = Path(__file__).resolve().parents[1]


def messy_meeting(n: int, seed: int = 1, speed_rounds: int = 6, cafe_rounds: int = 3) -> dict:
    rng = random.Random(seed)
    people = []
    org = 0
    while len(people) < n:
        org += 1
        size = 8 if org == 1 else rng.choice([1, 1, 2, 2, 3, 4])  # the Jobcenter comes with eight
        for _ in range(min(size, n - len(people))):
            k = len(people)
            roll = rng.random()
            languages = ["de"] if roll < 0.8 else ["de", "en"] if roll < 0.95 else ["en"]
            people.append({"id": f"p{k:03d}", "name": f"Teilnehmerin {k} Müller-Öztürk",
                           "organisation": f"Organisation {org}", "sector": rng.choice(SECTORS),
                           "offers": sorted(rng.sample(TOPICS, rng.randint(1, 3))),
                           "needs": sorted(rng.sample(TOPICS, rng.randint(1, 3))),
                           "languages": languages})
    people[-1]["languages"] = ["ar"]  # speaks only Arabic: nobody else does
    people[-1]["name"] = "Rana Haddad"
    ids = [p["id"] for p in people]
    tables = max(3, n // 5)
    hosts = rng.sample(ids[:-1], tables)
    english_host = next((h for h in hosts if "en" in people[ids.index(h)]["languages"]), None)
    if english_host is None:
        english_host = hosts[0]
        people[ids.index(english_host)]["languages"] = ["de", "en"]
    cafe_tables = [{"id": f"t{k + 1}", "topic": f"Frage {k + 1}", "host": h, "seats": 6}
                   for k, h in enumerate(hosts)]  # any language, as the app's tables are by default
    cafe_tables[hosts.index(english_host)]["language"] = "en"  # one table held in English
    preferences = {pid: rng.sample([t["id"] for t in cafe_tables], 3) for pid in ids if pid not in hosts}
    return {
        "format": "netzwerktreffen-instance/1",
        "name": f"messy n={n}",
        "participants": people,
        "avoid": [sorted(rng.sample(ids, 2)) for _ in range(n // 30)],
        "wish": [sorted(rng.sample(ids, 2)) for _ in range(n // 10)],
        "blocks": [{"id": "speed", "kind": "speed-networking", "rounds": speed_rounds, "group_size": 2},
                   {"id": "cafe", "kind": "pro-action-cafe", "rounds": cafe_rounds, "tables": cafe_tables,
                    "preferences": preferences}],
    }


def solve_one(path: str, seconds: float) -> dict:
    """In the child process: solve, and report the first plan's time and the result."""
    from scheduler import parse_instance
    from scheduler.solve import solve
    from scheduler.validate import check_plan

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    started = time.monotonic()
    instance = parse_instance(data)
    first: list[float] = []
    result = solve(instance, time_limit=seconds, seed=1,
                   on_plan=lambda plan: first.append(time.monotonic() - started) if not first else None)
    report = check_plan(instance, result.plan)
    blocks = report["blocks"]
    return {"first": first[0] if first else None, "score": result.score, "bound": result.bound,
            "gap": result.gap, "seconds": time.monotonic() - started, "valid": report["valid"],
            "pauses": sum(b.get("pauses", 0) for b in blocks.values()),
            "revisits": sum(b.get("revisits", 0) for b in blocks.values()),
            "overfull": sum(b.get("overfull", 0) for b in blocks.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.robust")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--sizes", default="60,120,300")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(solve_one(args.child[0], float(args.child[1]))))
        return 0
    import tempfile
    print(f"| people | first valid plan s | score | bound | gap | pauses | revisits | beyond even | "
          f"s (limit {args.seconds:g}) | valid |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as workdir:
        for n in [int(x) for x in args.sizes.split(",")]:
            path = Path(workdir) / f"messy-{n}.json"
            path.write_text(json.dumps(messy_meeting(n, seed=n)), encoding="utf-8")
            done = subprocess.run([sys.executable, "-m", "bench.robust", "--child", str(path), str(args.seconds)],
                                  cwd=ROOT, capture_output=True, text=True)
            try:
                row = json.loads(done.stdout.strip().splitlines()[-1])
            except (IndexError, json.JSONDecodeError):
                print(f"| {n} | error: {(done.stderr.strip().splitlines() or ['no output'])[-1]} |")
                continue
            print(f"| {n} | {row['first']:.2f} | {row['score']:.1f} | {row['bound']:.1f} | "
                  f"{100 * row['gap']:.1f} % | {row['pauses']} | {row['revisits']} | {row['overfull']} | "
                  f"{row['seconds']:.1f} | {'yes' if row['valid'] else 'NO'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
