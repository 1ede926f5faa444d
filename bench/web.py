"""Benchmark of planning in the web app (issue 5).

    .venv/bin/python -m bench.web

1. Server time of the plan page for 300 participants x 8 rounds + a 3-round café
   (median of several requests through the WSGI app, no network).
2. Planning from the app (instance from the database, solve, validate, store)
   against the command line `python -m scheduler solve` on the same instance,
   n = 200, same time limit and seed.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _app(tmp: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite'}"
    os.environ.setdefault("SECRET_KEY", "bench")
    from netzwerktreffen import create_app
    app = create_app({"WTF_CSRF_ENABLED": False, "OUTBOX_DIR": str(tmp / "outbox")})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
    return app


def plan_page(app, participants: int = 300, time_limit: float = 60.0) -> dict:
    from netzwerktreffen.planning import service as planning
    from netzwerktreffen.demo import create_demo_meeting
    with app.app_context():
        meeting = create_demo_meeting(participants, slug=f"seite{participants}")
        solved = planning.solve_meeting(meeting, time_limit=time_limit)
        client = app.test_client()
        client.post("/login", data={"email": "demo@netzwerktreffen.example", "password": "netzwerktreffen-demo"})
        url = f"/organisation/treffen/{meeting.slug}/plan/v{solved.version.number}"
        client.get(url)  # warm the template cache
        times = []
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        rounds = sum(b.rounds for b in meeting.blocks)
        return {"what": f"plan page, {participants} people, {rounds} rounds (8 speed + 3 café)",
                "median_ms": 1000 * statistics.median(times), "max_ms": 1000 * max(times),
                "bytes": len(response.data)}


def app_overhead(app, tmp: Path, participants: int = 200, time_limit: float = 20.0) -> dict:
    from netzwerktreffen.planning import service as planning
    from netzwerktreffen.planning import scheduler_io as scheduling
    from netzwerktreffen.demo import create_demo_meeting
    with app.app_context():
        meeting = create_demo_meeting(participants, slug=f"plan{participants}")
        instance_path = tmp / "instance.json"
        instance_path.write_text(json.dumps(scheduling.build_instance(meeting)))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scheduler", "solve", str(instance_path), "-o", str(tmp / "plan.json"),
                        "--time-limit", str(time_limit), "--seed", "0"], check=True, capture_output=True)
        cli_seconds = time.perf_counter() - started
        started = time.perf_counter()
        planning.solve_meeting(meeting, time_limit=time_limit, seed=0)
        app_seconds = time.perf_counter() - started
    return {"what": f"planning n={participants}, 8 speed rounds + 3 café rounds",
            "cli_s": cli_seconds, "app_s": app_seconds, "overhead_s": app_seconds - cli_seconds}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        app = _app(tmp)
        page = plan_page(app)
        overhead = app_overhead(app, tmp)
    print("| measurement | result | target |")
    print("|---|---|---|")
    print(f"| {page['what']} | median {page['median_ms']:.0f} ms, max {page['max_ms']:.0f} ms "
          f"({page['bytes'] / 1024:.0f} KiB) | ≤ 300 ms |")
    print(f"| {overhead['what']}: command line | {overhead['cli_s']:.2f} s | |")
    print(f"| {overhead['what']}: from the app | {overhead['app_s']:.2f} s "
          f"({overhead['overhead_s']:+.2f} s) | ≤ +1 s |")


if __name__ == "__main__":
    main()
