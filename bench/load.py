"""Load benchmark: gunicorn on loopback, many clients, the pages people open after the schedule mails.

    .venv/bin/python -m bench.load                       # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.load

A demo meeting (120 people by default) gets a published plan; then, per page, ``--connections``
clients (threads, one keep-alive connection each) ask for the page for ``--seconds`` seconds
(and at most ``--max-requests`` requests): the home page, the registration form, a person's
personal page (each client its own person) and their calendar feed. Prints requests/s and the
50th/99th percentile of the response time. Bounded and loopback only: nothing leaves the machine.
On PostgreSQL the benchmark works in a schema of its own and drops it at the end.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(folder: Path) -> tuple[str, str | None]:
    """The database for the run and, on PostgreSQL, the schema to drop afterwards."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{folder / 'load.sqlite'}", None
    import psycopg
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    import psycopg
    with psycopg.connect(os.environ["BENCH_DATABASE_URL"], autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def prepare(env: dict, participants: int) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "netzwerktreffen"]
    for command in (["db", "upgrade"], ["demo", "--participants", str(participants), "--slug", "last"],
                    ["plan", "last", "--publish", "--time-limit", "10"]):
        subprocess.run(flask + command, env=env, check=True, capture_output=True, timeout=600, cwd=ROOT)


def people(env: dict) -> list[tuple[str, str]]:
    """(personal token, feed token) of everyone confirmed in the published plan."""
    script = ("from netzwerktreffen import create_app\n"
              "from netzwerktreffen.core.models import Registration, CONFIRMED\n"
              "app = create_app()\n"
              "with app.app_context():\n"
              "    for r in Registration.query.filter_by(status=CONFIRMED).order_by(Registration.id):\n"
              "        print(r.token, r.feed_token)\n")
    done = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    return [tuple(line.split()) for line in done.stdout.splitlines() if line.strip()]


def hammer(port: int, paths: list[str], connections: int, seconds: float, max_requests: int) -> dict:
    """``connections`` clients ask for their path (client k: paths[k % len]) until time or requests run out."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    left = [max_requests]
    stop_at = time.monotonic() + seconds

    def client(k: int) -> None:
        nonlocal errors
        path = paths[k % len(paths)]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop_at:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                times.append(elapsed)
                errors += not ok
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    times.sort()
    return {"requests": len(times), "errors": errors, "per_second": len(times) / wall if wall else 0.0,
            "p50": statistics.median(times) * 1000 if times else 0.0,
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000 if times else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--participants", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0, help="per page")
    parser.add_argument("--max-requests", type=int, default=20000, help="per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, schema = database_url(folder)
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-load", MAIL_DELIVERY="manual",
                   OUTBOX_DIR=str(folder / "outbox"), BASE_URL="http://127.0.0.1", RATELIMIT_ENABLED="0")
        server = None
        try:
            prepare(env, args.participants)
            tokens = people(env)
            port = free_port()
            command = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                       "--log-level", "warning"]
            if args.threads > 1:
                command += ["-k", "gthread", "--threads", str(args.threads)]
            server = subprocess.Popen(command + ["netzwerktreffen:create_app()"], env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while hammer(port, ["/"], 1, 1, 1)["errors"]:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start")
                time.sleep(0.2)
            pages = [("Startseite /", ["/"]), ("Anmeldeformular /m/last", ["/m/last"]),
                     ("persönliche Seite /r/…", [f"/r/{t}" for t, _f in tokens]),
                     ("Kalender /kalender/….ics", [f"/kalender/{f}.ics" for _t, f in tokens])]
            database = "PostgreSQL" if schema else "SQLite"
            print(f"{database}, gunicorn {args.workers} worker(s) x {args.threads} thread(s), "
                  f"{args.connections} connections, {args.participants} people, {os.cpu_count()} cores")
            header = f"{'page':<30} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
            print(header)
            print("-" * len(header))
            for label, paths in pages:
                hammer(port, paths, min(args.connections, 8), 2, 200)  # warm up the workers
                row = hammer(port, paths, args.connections, args.seconds, args.max_requests)
                print(f"{label:<30} {row['requests']:>9} {row['per_second']:>8.1f} {row['p50']:>8.1f} "
                      f"{row['p99']:>8.1f} {row['errors']:>7}", flush=True)
        finally:
            if server is not None:
                server.terminate()
                server.wait(30)
            if schema:
                drop_schema(schema)


if __name__ == "__main__":
    main()
