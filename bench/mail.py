"""`python -m bench.mail`: N personal schedule mails with .ics to a local SMTP server.

A demo meeting (8 speed-networking rounds, a 3-round café) with N people and a
published plan made by rotation (no optimiser: this measures mail only) in a
temporary SQLite database; the schedules are queued through the outbox and
sent over one SMTP connection to an aiosmtpd server on 127.0.0.1 (a process
of its own, which shares the two cores). Prints a table.
"""
from __future__ import annotations

import argparse
import email
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from email import policy
from pathlib import Path


class Counter:
    def __init__(self):
        self.count, self.bytes, self.with_ics, self.message_ids = 0, 0, 0, set()

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.bytes += len(envelope.content)
        if b"Content-Type: text/calendar" in envelope.content:
            self.with_ics += 1
        message = email.message_from_bytes(envelope.content.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n",
                                           policy=policy.default)
        self.message_ids.add(message["Message-ID"])
        return "250 OK"


def serve(port: int, report: str) -> None:
    """The SMTP server, in a process of its own; writes what it received when interrupted."""
    from aiosmtpd.controller import Controller
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
        Path(report).write_text(json.dumps({"count": counter.count, "bytes": counter.bytes,
                                            "with_ics": counter.with_ics, "distinct": len(counter.message_ids)}))


def _wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"SMTP server did not start on port {port}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rotation_plan(meeting) -> dict:
    """Pairs by the circle method (speed networking); café guests rotate over the tables, hosts stay."""
    from netzwerktreffen.planning import scheduler_io as scheduling
    people = [scheduling.participant_id(r) for r in scheduling.participants(meeting)]
    speed, cafe = meeting.blocks
    ring = people + ([None] if len(people) % 2 else [])
    speed_rounds = []
    for _ in range(speed.rounds):
        half = len(ring) // 2
        pairs = [[a, b] for a, b in zip(ring[:half], reversed(ring[half:]))]
        groups = [[p for p in pair if p] for pair in pairs]
        lone = [g for g in groups if len(g) == 1]
        groups = [g for g in groups if len(g) == 2]
        if lone:
            groups[-1] += lone[0]
        speed_rounds.append(groups)
        ring = [ring[0], ring[-1]] + ring[1:-1]
    tables = [scheduling.table_key(t) for t in cafe.cafe_tables]
    hosts = {scheduling.participant_id(t.host_id): scheduling.table_key(t) for t in cafe.cafe_tables}
    guests = [p for p in people if p not in hosts]
    cafe_rounds = []
    for r in range(cafe.rounds):
        round_ = {key: [host] for host, key in hosts.items()}
        for n, guest in enumerate(guests):
            round_[tables[(n + r) % len(tables)]].append(guest)
        cafe_rounds.append(round_)
    return {"format": scheduling.PLAN_FORMAT, "blocks": [
        {"id": scheduling.block_key(speed), "rounds": speed_rounds},
        {"id": scheduling.block_key(cafe), "rounds": cafe_rounds}]}


def _database(url: str | None, folder: Path):
    """(SQLAlchemy URI, cleanup): a temporary SQLite file, or a fresh schema on the given PostgreSQL."""
    if not url:
        return f"sqlite:///{folder / 'bench.sqlite'}", lambda: None
    import uuid

    import psycopg
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')

    def drop():
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
    separator = "&" if "?" in plain else "?"
    return "postgresql+psycopg://" + plain.split("://", 1)[1] + f"{separator}options=-csearch_path%3D{schema}", drop


def run(people: int, database_url: str | None = None) -> list[tuple[str, float, str]]:
    from netzwerktreffen import create_app
    from netzwerktreffen.mail import outbox
    from netzwerktreffen.mail import schedules as schedule_mail
    from netzwerktreffen.planning import scheduler_io as scheduling
    from netzwerktreffen.demo import create_demo_meeting
    from netzwerktreffen.core.extensions import db
    from netzwerktreffen.core.models import PUBLISHED, PlanVersion, utcnow

    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bench.mail", "--serve", str(port), "--report",
                               str(folder / "server.json")], cwd=Path(__file__).resolve().parents[1])
    _wait_for_port(port)
    uri, drop_database = _database(database_url, folder)
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench",
                      "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none",
                      "MAIL_DELIVERY": "manual", "BASE_URL": "https://treffen.example", "TESTING": True,
                      "OUTBOX_DIR": str(folder / "outbox")})
    rows = []
    try:
        with app.app_context():
            db.create_all()
            meeting = create_demo_meeting(participants=people, slug="bench")
            db.session.add(PlanVersion(meeting=meeting, number=1, status=PUBLISHED, source="import",
                                       plan=rotation_plan(meeting), instance=scheduling.build_instance(meeting),
                                       published_at=utcnow()))
            db.session.commit()
            started = time.perf_counter()
            ids = schedule_mail.queue_schedules(meeting, kick_delivery=False)
            queued = time.perf_counter()
            result = outbox.send_and_wait(ids, timeout=300)
            done = time.perf_counter()
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    counter = json.loads((folder / "server.json").read_text())
    total = done - started
    n = len(ids)
    rows.append(("render + .ics + queue", queued - started, f"{n / (queued - started):.0f} mails/s"))
    rows.append(("send over SMTP (1 connection)", done - queued, f"{n / (done - queued):.0f} mails/s"))
    rows.append(("total", total, f"{n} queued, {result['sent']} sent, {result['failed']} failed"))
    rows.append(("received by the server", 0.0,
                 f"{counter['count']} mails, {counter['with_ics']} with .ics, {counter['distinct']} distinct "
                 f"Message-IDs, {counter['bytes'] / max(counter['count'], 1) / 1024:.1f} KiB each"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--limit", type=float, default=30.0, help="target in seconds")
    parser.add_argument("--database-url", help="PostgreSQL URL (a temporary schema is used); default: SQLite file")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # internal: run the SMTP server
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.report)
        return
    rows = run(args.people, args.database_url)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"schedule mails with .ics to a local SMTP server: {args.people} people, {cores} cores, {database}")
    print(f"{'phase':32} {'seconds':>8}  detail")
    for phase, seconds, detail in rows:
        print(f"{phase:32} {seconds:8.2f}  {detail}")
    total = rows[2][1]
    verdict = "ok" if total <= args.limit else "TOO SLOW"
    print(f"{'target':32} {args.limit:8.2f}  {verdict}")


if __name__ == "__main__":
    main()
