"""`python -m bench.day`: the day's print-outs and re-planning, timed; prints one table.

Builds the demo meeting (speed networking, 8 rounds in pairs, and a 3-round
Pro-Action-Café) in a temporary SQLite database, plans and publishes it, then
 1. writes every PDF for 300 participants (issue 7: <= 20 s);
 2. marks no-shows and walk-ins among 200 participants and re-plans the rounds
    not yet held (issue 7: <= 3 s), against planning those rounds from scratch.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import tempfile
import time
from pathlib import Path

from flask_babel import force_locale


def make_app(folder: Path):
    from netzwerktreffen import create_app
    return create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
                       "OUTBOX_DIR": str(folder / "outbox"), "SMTP_HOST": "",
                       "BASE_URL": "http://netzwerktreffen.test"})


def published_meeting(participants: int, slug: str, time_limit: float, seed: int = 7):
    """The demo meeting with a published plan (café by the greedy builder while the solver lacks it)."""
    from netzwerktreffen.planning import service as planning
    from netzwerktreffen.day import replanning
    from netzwerktreffen.planning import scheduler_io as scheduling
    from netzwerktreffen.demo import create_demo_meeting
    meeting = create_demo_meeting(participants=participants, slug=slug, seed=seed)
    instance = scheduling.build_instance(meeting)
    plan, methods = replanning.solve_blocks(instance, time.monotonic() + time_limit)
    version = planning.store_version(meeting, instance, plan, source="optimiser")
    planning.publish(version)
    return meeting, methods


def _cpu(resource) -> float:
    """CPU seconds used by this process and its finished children (the PDF workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_print(participants: int, out: Path, time_limit: float) -> dict:
    from netzwerktreffen.day import printing
    meeting, methods = published_meeting(participants, f"druck{participants}", time_limit)
    import resource
    cpu_before = _cpu(resource)
    started = time.monotonic()
    files = printing.write_all(meeting, out)
    seconds = time.monotonic() - started
    cpu = _cpu(resource) - cpu_before
    pages = 0
    from pypdf import PdfReader
    for path in files:
        pages += len(PdfReader(path).pages)
    return {"task": f"print all PDFs, {participants} people, 8 rounds + café 3", "seconds": seconds,
            "limit": 20.0, "detail": f"{len(files)} files, {pages} pages, {cpu:.1f} CPU s in all processes "
                                     f"on {os.cpu_count()} CPUs (load {os.getloadavg()[0]:.1f} before)"}


def bench_replan(participants: int, time_limit: float, no_shows: int, walk_ins: int, held: int) -> list[dict]:
    from netzwerktreffen.planning.today import held_rounds, replan_instance
    from netzwerktreffen.planning import service as planning
    from netzwerktreffen.day import replanning
    from netzwerktreffen.planning import scheduler_io as scheduling
    from netzwerktreffen.core.extensions import db
    from netzwerktreffen.core.models import CONFIRMED, Registration
    meeting, _ = published_meeting(participants, f"neu{participants}", time_limit)
    rng = random.Random(3)
    people = [r for r in meeting.registrations if r.status == CONFIRMED]
    hosts = {t.host_id for b in meeting.blocks for t in b.cafe_tables}
    for person in rng.sample([p for p in people if p.id not in hosts], no_shows):
        person.no_show = True
    speed = meeting.blocks[0]
    for k in range(walk_ins):
        meeting.registrations.append(Registration(
            name=f"Spontan {k + 1}", email=f"walkin{k}@bench.example", organisation=f"Spontan-Organisation {k}",
            sector=meeting.sectors[k % len(meeting.sectors)], languages=["de"], blocks=list(meeting.blocks),
            status=CONFIRMED, walk_in=True, consent_version="bench", consent_at=people[0].consent_at))
    db.session.commit()
    before = scheduling.published(meeting)
    db.session.expire_all()  # as in a fresh web request
    result = replanning.replan(meeting, {scheduling.block_key(speed): held}, time_limit=min(replanning.DEFAULT_TIME_LIMIT, time_limit),
                               notify=False)
    started = time.monotonic()
    notices = replanning.send_notices(meeting, before.plan, result.after.plan)
    notice_seconds = time.monotonic() - started
    scratch_instance = replan_instance(meeting, before, held_rounds(meeting))
    for block in scratch_instance["blocks"]:  # the same rounds from scratch: no published plan to keep
        block["published"] = None
    started = time.monotonic()
    scratch, _ = replanning.solve_blocks(scratch_instance, time.monotonic() + 10)
    scratch_seconds = time.monotonic() - started
    scratch_changes = planning.differences(meeting, before.plan, scratch)
    scratch_people = {c.registration_id for c in scratch_changes}
    return [
        {"task": f"re-plan {participants} people, {no_shows} no-shows, {walk_ins} walk-ins, after round {held}",
         "seconds": result.seconds, "limit": 3.0,
         "detail": f"{len(result.affected)} people affected, {len(result.changes)} person-rounds changed "
                   f"({', '.join(f'{k}: {v}' for k, v in result.methods.items())})"},
        {"task": "  change notices rendered and queued (a background job in the web app)",
         "seconds": notice_seconds, "limit": None, "detail": f"{notices} notices"},
        {"task": "  same rounds planned from scratch (comparison)", "seconds": scratch_seconds, "limit": None,
         "detail": f"{len(scratch_people)} people affected, {len(scratch_changes)} person-rounds changed"},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.day")
    parser.add_argument("--print-participants", type=int, default=300)
    parser.add_argument("--replan-participants", type=int, default=200)
    parser.add_argument("--no-shows", type=int, default=12)
    parser.add_argument("--walk-ins", type=int, default=5)
    parser.add_argument("--held", type=int, default=2, help="speed-networking rounds already held")
    parser.add_argument("--plan-seconds", type=float, default=20.0, help="time limit for the initial plans")
    parser.add_argument("--out", type=Path, help="keep the PDFs in this folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = make_app(folder)
        with app.app_context(), app.test_request_context(), force_locale("de"):
            from flask_migrate import upgrade
            upgrade()
            rows = [bench_print(args.print_participants, args.out or folder / "pdf", args.plan_seconds)]
            rows += bench_replan(args.replan_participants, args.plan_seconds, args.no_shows, args.walk_ins,
                                 args.held)
    print(f"{'task':<75} {'seconds':>8} {'limit':>6}  ok   detail")
    for row in rows:
        limit = f"{row['limit']:.0f}" if row["limit"] else "–"
        ok = "yes" if row["limit"] is None or row["seconds"] <= row["limit"] else "NO"
        print(f"{row['task']:<75} {row['seconds']:>8.2f} {limit:>6}  {ok:<4} {row['detail']}")


if __name__ == "__main__":
    main()
