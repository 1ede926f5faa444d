"""Planning jobs never dead-end: leases, a queue that refuses, the best plan so far, live progress.

A job whose process dies is given up once its heartbeat is older than the
lease, keeping its best plan so far as a draft; a job Redis refuses runs in
the web process or fails with the reason; the progress JSON follows the
running job.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update

import scheduler
import scheduler.solve as solve_module
from netzwerktreffen.planning import jobs
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import DRAFT, PlanningJob, PlanVersion, utcnow
from waiting import wait_until
from planning_helpers import planned_meeting, wait_for  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[3]
REAL_SOLVE = solve_module.solve
INTERRUPTED = "Zwischenstand einer unterbrochenen Planung"
CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


def status_url(meeting, job_id):
    return f"/organisation/treffen/{meeting.slug}/plan/lauf/{job_id}"


def fresh(job_id) -> PlanningJob:
    db.session.expire_all()
    return db.session.get(PlanningJob, job_id)


def queued_job(meeting, **fields) -> PlanningJob:
    """A job row as start_job leaves it (queued, nobody runs it yet); ``fields`` change it."""
    job = PlanningJob(meeting=meeting, **{"time_limit": 5, "status": "queued", **fields})
    db.session.add(job)
    db.session.commit()
    return job


def run_in_thread(app, job_id) -> threading.Thread:
    """run_job as a worker thread runs it: own app context, own session."""
    def target():
        with app.app_context():
            try:
                jobs.run_job(job_id)
            finally:
                db.session.remove()
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def real_result(instance, seed=0):
    return REAL_SOLVE(instance, time_limit=10, seed=seed)


# --------------------------------------------------------------------------
# 1. Leases: a job whose process died is given up, and planning is possible again


KILLED_WORKER = textwrap.dedent("""
    import sys, time
    import scheduler.solve as solve_module
    from netzwerktreffen import create_app
    from netzwerktreffen.planning import jobs

    real = solve_module.solve

    def hanging_solve(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None,
                      on_plan=None, **ignored):
        result = real(instance, time_limit=10, seed=seed)
        on_improvement(result.score, result.bound)
        on_plan(result.plan.to_dict())
        print("plan reported", flush=True)
        time.sleep(3600)  # until kill -9

    solve_module.solve = hanging_solve
    app = create_app()
    with app.app_context():
        jobs.run_job(int(sys.argv[1]))
""")


@pytest.mark.parametrize("app_config", [{"PLANNING_LEASE_SECONDS": 3}])
def test_job_of_a_killed_process_expires_and_keeps_its_best_plan(app, planned_meeting, logged_in, database,
                                                                 tmp_path, app_config):
    meeting = planned_meeting()
    job = queued_job(meeting, time_limit=60)
    script = tmp_path / "worker.py"
    script.write_text(KILLED_WORKER)
    env = dict(os.environ, DATABASE_URL=database[1], SECRET_KEY="test", PLANNING_LEASE_SECONDS="3",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.pop("REDIS_URL", None)
    log_file = tmp_path / "worker.log"  # a file, not a pipe: a full pipe would block the worker
    with open(log_file, "wb") as output:
        worker = subprocess.Popen([sys.executable, str(script), str(job.id)], env=env, cwd=str(tmp_path),
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: fresh(job.id).best_plan is not None or worker.poll() is not None, 120,
                   "the worker to report a plan")
        assert worker.poll() is None, log_file.read_text(errors="replace")[-3000:]
        assert fresh(job.id).status == "running"
        assert jobs.active_job(meeting).id == job.id  # alive: the heartbeat renews the lease
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    # nobody writes the heartbeat any more: once the lease is over, the job is given up on the next look
    answer = wait_until(lambda: (lambda a: a if a["status"] != "running" else None)(
        logged_in.get(status_url(meeting, job.id)).get_json()), 60, "the job to expire")
    assert answer["status"] == "failed"
    assert "Die Planung wurde unterbrochen, weil der Rechenprozess beendet wurde." in answer["message"]
    assert "Entwurf Version 1" in answer["message"]
    job = fresh(job.id)
    version = job.plan_version
    assert version.number == 1 and version.status == DRAFT and version.note == INTERRUPTED
    assert scheduler.check(version.instance, version.plan)["valid"]
    assert job.best_plan is None and job.best_plan_instance is None  # it lives on in the version

    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/").get_data(as_text=True)
    assert "Die letzte Planung ist fehlgeschlagen:" in page and "Version 1 ansehen" in page
    new = jobs.start_job(meeting, time_limit=2)  # the organiser can plan again at once
    assert wait_for(new.id).status == "done"


@pytest.mark.parametrize("app_config", [{"PLANNING_LEASE_SECONDS": 3}])
def test_heartbeat_keeps_a_long_running_job_alive(app, planned_meeting, monkeypatch, app_config):
    meeting = planned_meeting()
    job = queued_job(meeting, time_limit=30)
    release = threading.Event()

    def slow_solve(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None, **ignored):
        result = real_result(instance, seed)
        release.wait(60)
        return result
    monkeypatch.setattr(solve_module, "solve", slow_solve)
    thread = run_in_thread(app, job.id)
    wait_until(lambda: fresh(job.id).status == "running", 30, "the job to start")
    ends = time.monotonic() + 2.5 * 3  # two and a half leases without a single progress report
    while time.monotonic() < ends:
        assert jobs.active_job(meeting) is not None
        assert fresh(job.id).status == "running"
        time.sleep(0.2)
    assert fresh(job.id).heartbeat_at > fresh(job.id).started_at
    release.set()
    thread.join(60)
    assert fresh(job.id).status == "done"


def test_job_waiting_too_long_in_the_queue_expires(app, planned_meeting, logged_in):
    meeting = planned_meeting()
    old = queued_job(meeting, created_at=utcnow() - timedelta(hours=2))
    answer = logged_in.get(status_url(meeting, old.id)).get_json()
    assert answer["status"] == "failed" and answer["remaining"] == 0
    assert answer["message"] == ("Die Planung hat nicht begonnen, weil lange kein Rechenprozess frei war. "
                                 "Bitte starten Sie sie neu.")
    assert jobs.active_job(meeting) is None

    young = queued_job(meeting)  # just queued: waits, and blocks a second start
    assert jobs.active_job(meeting).id == young.id
    with pytest.raises(PlanningError, match="läuft bereits"):
        jobs.start_job(meeting)


@pytest.mark.parametrize("app_config", [{"PLANNING_LEASE_SECONDS": 60}])
def test_running_job_from_before_the_upgrade_expires_by_its_start(app, planned_meeting, logged_in, app_config):
    """Rows running when the heartbeat column came have none: their start time counts."""
    meeting = planned_meeting()
    stale = queued_job(meeting, status="running", started_at=utcnow() - timedelta(minutes=5))
    recent = queued_job(planned_meeting(slug="andere"), status="running", started_at=utcnow())
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/plan/starten", data={"time_limit": "2"})
    assert response.status_code == 302
    assert fresh(stale.id).status == "failed"
    assert "weil der Rechenprozess beendet wurde" in fresh(stale.id).message
    new = db.session.scalar(select(PlanningJob).where(PlanningJob.meeting_id == meeting.id,
                                                      PlanningJob.id != stale.id))
    assert wait_for(new.id).status == "done"
    assert fresh(recent.id).status == "running"  # within its lease: left alone


def test_stop_button_of_a_dead_job(app, planned_meeting, logged_in):
    meeting = planned_meeting()
    dead = queued_job(meeting, status="running", started_at=utcnow() - timedelta(hours=1),
                      heartbeat_at=utcnow() - timedelta(hours=1))
    response = logged_in.post(f"{status_url(meeting, dead.id)}/stoppen", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Diese Planung läuft nicht mehr." in page
    assert "Die letzte Planung ist fehlgeschlagen:" in page and "weil der Rechenprozess beendet wurde" in page
    assert fresh(dead.id).status == "failed" and not fresh(dead.id).stop_requested


def test_job_lost_from_redis_expires(app, planned_meeting, redis_url):
    url = redis_url
    from rq.job import Job

    from netzwerktreffen.core.worker import queue, redis_connection
    meeting = planned_meeting()
    app.config.update(REDIS_URL=url, RQ_QUEUE=f"test-{uuid.uuid4().hex[:8]}")
    try:
        job = jobs.start_job(meeting, time_limit=5)  # no worker runs: it waits in Redis
        assert job.status == "queued" and job.queue_id
        assert jobs.active_job(meeting).id == job.id  # Redis still has it
        Job.fetch(job.queue_id, connection=redis_connection(url)).delete()  # e.g. Redis was flushed
        assert jobs.active_job(meeting) is None
        job = fresh(job.id)
        assert job.status == "failed"
        assert "in der Warteschlange verloren gegangen" in job.message
    finally:
        queue(app).delete(delete_jobs=True)


def test_job_given_up_while_still_running_stops_and_keeps_its_plan(app, planned_meeting, monkeypatch):
    """When a live job lost its lease (e.g. a very slow machine), its heartbeat notices and the solve stops;
    the row stays as the one who gave it up left it, and the finished plan is kept as a draft too."""
    meeting = planned_meeting()
    job = queued_job(meeting, time_limit=60)
    app.config["PLANNING_LEASE_SECONDS"] = 0.4  # heartbeat every 0.1 s
    stopped = threading.Event()

    def solve_until_stopped(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None, **ignored):
        result = real_result(instance, seed)
        deadline = time.monotonic() + 60
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(0.05)
        if should_stop():
            stopped.set()
        return result
    monkeypatch.setattr(solve_module, "solve", solve_until_stopped)
    thread = run_in_thread(app, job.id)
    wait_until(lambda: fresh(job.id).status == "running", 30, "the job to start")
    db.session.execute(update(PlanningJob).where(PlanningJob.id == job.id)
                       .values(status="failed", message="Aufgegeben."))
    db.session.commit()
    thread.join(90)
    assert stopped.is_set()
    job = fresh(job.id)
    assert job.status == "failed"
    assert job.message == "Aufgegeben. Die Planung ist danach doch noch fertig geworden: Entwurf Version 1."
    assert job.plan_version.number == 1


# --------------------------------------------------------------------------
# 2. A queue that refuses the job


@pytest.mark.parametrize("app_config", [{"REDIS_URL": CLOSED_REDIS, "PLANNING_INPROCESS_FALLBACK": True}])
def test_unreachable_redis_runs_the_job_in_process(app, planned_meeting, caplog, app_config):
    meeting = planned_meeting()
    with caplog.at_level(logging.WARNING, logger="netzwerktreffen.planning.jobs"):
        job = jobs.start_job(meeting, time_limit=2)
    assert job.queue_id is None
    assert any("running it in this process" in r.getMessage() for r in caplog.records)
    job = wait_for(job.id)
    assert job.status == "done", job.message
    assert job.plan_version is not None and job.plan_version.status == DRAFT


REDIS_DOWN = ("Die Planung konnte nicht gestartet werden, weil der Rechendienst (Redis) nicht erreichbar ist. "
              "Bitte versuchen Sie es in einigen Minuten noch einmal.")


@pytest.mark.parametrize("app_config", [{"REDIS_URL": CLOSED_REDIS, "PLANNING_INPROCESS_FALLBACK": False}])
def test_unreachable_redis_without_fallback_fails_the_job(app, planned_meeting, logged_in, app_config):
    meeting = planned_meeting()
    job = jobs.start_job(meeting, time_limit=2)
    assert job.status == "failed" and job.message == REDIS_DOWN
    assert jobs.active_job(meeting) is None
    again = jobs.start_job(meeting, time_limit=2)  # no "läuft bereits": a new start is possible
    assert again.id != job.id and again.status == "failed"
    # the organiser's page: a redirect and the reason, no error page
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/plan/starten", data={"time_limit": "2"})
    assert response.status_code == 302
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Die letzte Planung ist fehlgeschlagen:" in page and "Rechendienst (Redis) nicht erreichbar" in page
    assert db.session.scalar(select(func.count(PlanningJob.id)).where(PlanningJob.status != "failed")) == 0


@pytest.mark.parametrize("app_config", [{"REDIS_URL": "redis://127.0.0.1:6379/0",
                                         "PLANNING_INPROCESS_FALLBACK": False}])
def test_any_queue_error_fails_the_job(app, planned_meeting, monkeypatch, app_config):
    from netzwerktreffen.core import worker

    def broken_queue(*args, **kwargs):
        raise RuntimeError("queue misconfigured")
    monkeypatch.setattr(worker, "queue", broken_queue)
    job = jobs.start_job(planned_meeting(), time_limit=2)
    assert job.status == "failed" and job.message == REDIS_DOWN


# --------------------------------------------------------------------------
# 3. The best plan so far


def test_best_plan_so_far_becomes_a_draft_when_the_solver_crashes(app, planned_meeting, monkeypatch):
    meeting = planned_meeting()
    job = queued_job(meeting)
    seen = {}

    def crashing_solve(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None, on_plan=None):
        result = real_result(instance, seed)
        on_plan(result.plan.to_dict())
        seen["job"] = (lambda j: (j.best_plan, j.best_plan_instance))(fresh(job.id))
        raise RuntimeError("segfault in the search, for instance")
    monkeypatch.setattr(solve_module, "solve", crashing_solve)
    jobs.run_job(job.id)
    stored_plan, stored_instance = seen["job"]
    assert stored_plan["blocks"] and "score" in stored_plan
    job = fresh(job.id)
    assert job.status == "failed"
    assert job.message.startswith("Bei der Planung ist ein unerwarteter Fehler aufgetreten.")
    assert "RuntimeError" not in job.message and "segfault" not in job.message
    assert job.message.endswith("Der beste bis dahin gefundene Plan ist als Entwurf Version 1 gespeichert.")
    version = job.plan_version
    assert version.note == INTERRUPTED and version.source == "optimiser" and version.status == DRAFT
    assert version.instance == stored_instance  # the plan is kept with the instance it was made for
    assert version.plan["blocks"] == stored_plan["blocks"]
    assert scheduler.check(version.instance, version.plan)["valid"]


def test_failure_without_any_plan_stores_nothing(app, planned_meeting, monkeypatch):
    meeting = planned_meeting()
    job = queued_job(meeting)

    def infeasible(instance, time_limit=60, seed=0, **hooks):
        raise scheduler.Infeasible("cafe round 0: 2 tables with 8 seats < 12 people present", code="cafe-seats",
                                   round=0, numbers={"tables": 2, "seats": 8, "people": 12})
    monkeypatch.setattr(solve_module, "solve", infeasible)
    jobs.run_job(job.id)
    job = fresh(job.id)
    assert job.status == "failed" and job.message.startswith("Es gibt keinen gültigen Plan: Runde 1:")
    assert "12" in job.message and "cafe round" not in job.message  # the German sentence, not the scheduler's
    assert job.plan_version is None
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 0


def test_normal_finish_stores_the_final_plan_once(app, planned_meeting, monkeypatch):
    meeting = planned_meeting()
    job = queued_job(meeting)
    reported = []

    def improving_solve(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None, on_plan=None):
        first = real_result(instance, seed)
        on_plan(first.plan.to_dict())
        reported.append(fresh(job.id).best_plan)
        return first
    monkeypatch.setattr(solve_module, "solve", improving_solve)
    jobs.run_job(job.id)
    job = fresh(job.id)
    assert reported[0] is not None
    assert job.status == "done" and job.plan_version.note == ""
    assert job.best_plan is None and job.best_plan_instance is None
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 1


def test_solver_without_on_plan_is_not_given_it(app, planned_meeting, monkeypatch):
    """Until scheduler.solve.solve has ``on_plan``, planning works without it."""
    meeting = planned_meeting()
    job = queued_job(meeting)

    def solve_without_on_plan(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None):
        return real_result(instance, seed)
    monkeypatch.setattr(solve_module, "solve", solve_without_on_plan)
    jobs.run_job(job.id)
    assert fresh(job.id).status == "done"


def test_solver_taking_any_keyword_is_given_on_plan(app, planned_meeting, monkeypatch):
    meeting = planned_meeting()
    job = queued_job(meeting)
    given = {}

    def wrapping_solve(instance, **hooks):  # e.g. a wrapper around the scheduler's solve
        given.update(hooks)
        return real_result(instance)
    monkeypatch.setattr(solve_module, "solve", wrapping_solve)
    jobs.run_job(job.id)
    assert fresh(job.id).status == "done"
    assert callable(given["on_plan"]) and callable(given["on_improvement"])


# --------------------------------------------------------------------------
# 4. Live progress


def stepping_solve(monkeypatch, steps):
    """Replace the solver by one that reports each (score, bound) of `steps` and waits for the test:
    `reported` is released after each report, the test releases `proceed` to go on."""
    reported, proceed = threading.Semaphore(0), threading.Semaphore(0)

    def solve(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None, **ignored):
        result = real_result(instance, seed)
        for score, bound in steps:
            on_improvement(score, bound)
            reported.release()
            assert proceed.acquire(timeout=60)
        return result
    monkeypatch.setattr(solve_module, "solve", solve)
    return reported, proceed


def test_job_status_follows_the_run_while_the_request_session_is_open(app, planned_meeting, logged_in,
                                                                      monkeypatch):
    """Progress is written by the running job on its own connection; each poll must see the newest values,
    also when the session answering the poll has read the job before (the test client shares it)."""
    meeting = planned_meeting()
    job = queued_job(meeting, time_limit=60)
    steps = [(100.0, None), (120.0, 400.0), (380.0, 400.0), (385.0, 390.0)]
    # the gap only where the bound means something (at most 25 %), rounded up to a tenth of a percent
    shown_gaps = [None, None, 0.05, 0.013]
    reported, proceed = stepping_solve(monkeypatch, steps)
    url = status_url(meeting, job.id)
    assert logged_in.get(url).get_json()["best_score"] is None
    db.session.get(PlanningJob, job.id).status  # the session holds the job, as read before
    thread = run_in_thread(app, job.id)

    def answer_showing(score, bound):
        """Polls as the page does; progress reported in quick succession is written within a moment."""
        response = logged_in.get(url)
        assert response.headers["Cache-Control"] == "no-store"
        answer = response.get_json()
        assert answer["status"] == "running"
        return answer if (answer["best_score"], answer["bound"]) == (score, bound) else None
    try:
        for (score, bound), gap in zip(steps, shown_gaps):
            assert reported.acquire(timeout=60)
            answer = wait_until(lambda: answer_showing(score, bound), 30, f"the panel to show {score}, {bound}")
            assert answer["gap"] == (None if gap is None else pytest.approx(gap))
            proceed.release()
    finally:
        for _ in steps:
            proceed.release()
        thread.join(60)
    answer = logged_in.get(url).get_json()
    assert answer["status"] == "done" and answer["version"] == 1


def test_frequent_reports_are_written_in_moderation_and_the_newest_is_kept(app, planned_meeting, monkeypatch):
    """A solver may report thousands of times; the row is written a few times, and a crash keeps the newest plan."""
    meeting = planned_meeting()
    job = queued_job(meeting)
    writes = []

    def count(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE PLANNING_JOB") and "best_plan" in statement:
            writes.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)

    def chatty_solve(instance, time_limit=60, seed=0, *, on_improvement=None, should_stop=None, on_plan=None):
        plan = real_result(instance, seed).plan.to_dict()
        for k in range(2000):
            on_improvement(float(k), 5000.0)
            on_plan(dict(plan, seconds=k))  # "seconds" tells the plans apart
        raise RuntimeError("crash right after the last report")
    monkeypatch.setattr(solve_module, "solve", chatty_solve)
    try:
        jobs.run_job(job.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    job = fresh(job.id)
    assert 1 <= len(writes) < 100
    assert job.status == "failed" and job.plan_version.plan["seconds"] == 1999
    assert job.best_score == 1999.0  # the newest progress was written before the failure


def test_a_failing_progress_write_does_not_end_the_solve(app, planned_meeting, caplog):
    class BrokenEngine:
        def begin(self):
            from sqlalchemy.exc import OperationalError
            raise OperationalError("UPDATE planning_job", {}, Exception("database is locked"))
    progress = jobs.JobProgress(1, BrokenEngine())
    with caplog.at_level(logging.WARNING, logger="netzwerktreffen.planning.jobs"):
        progress.improved(10.0, 20.0)
        progress.plan_found({}, {"blocks": []})
        progress.beat()
    assert not progress.lost  # a failed write says nothing about the lease
    assert sum("could not write" in r.getMessage() for r in caplog.records) == 3


@pytest.mark.slow
def test_progress_panel_is_live_and_survives_failed_polls(app, live_server, browser_page, planned_meeting,
                                                          organiser, monkeypatch):
    """In a real browser: the panel shows each new best score and bound while the job runs, keeps polling
    through a few failed answers (a restarting server), and opens the new version at the end."""
    meeting = planned_meeting()
    job = queued_job(meeting, time_limit=60)
    steps = [(100.0, 400.0), (150.0, 400.0), (385.0, 390.0)]
    reported, proceed = stepping_solve(monkeypatch, steps)
    answer_status = app.view_functions["plans.job_status"]
    broken = threading.Event()

    def sometimes_down(*args, **kwargs):
        if broken.is_set():
            return "Service Unavailable", 503
        return answer_status(*args, **kwargs)
    monkeypatch.setitem(app.view_functions, "plans.job_status", sometimes_down)

    from playwright.sync_api import expect
    page = browser_page
    page.goto(f"{live_server}/login")
    page.fill("#email", organiser.email)
    page.fill("#password", "richtig-geheim-42")
    page.click("button:has-text('Anmelden')")
    thread = run_in_thread(app, job.id)
    try:
        page.goto(f"{live_server}/organisation/treffen/{meeting.slug}/plan/")
        assert reported.acquire(timeout=60)
        # locator waits, not wait_for_function: the page's CSP forbids the eval that polling a string needs
        expect(page.locator("#best")).to_have_text("100,0", timeout=30_000)
        assert page.inner_text("#bound") == "400,0"
        assert page.inner_text("#gap") == ("Für diesen Plan gibt es noch keine aussagekräftige Schranke: "
                                           "die Prozentzahl wäre irreführend.")  # a 75 % gap says nothing
        broken.set()
        page.wait_for_selector("#progress-offline", state="visible")
        proceed.release()
        assert reported.acquire(timeout=60)
        broken.clear()
        expect(page.locator("#best")).to_have_text("150,0", timeout=60_000)
        assert page.is_hidden("#progress-offline")
        proceed.release()
        assert reported.acquire(timeout=60)
        expect(page.locator("#bound")).to_have_text("390,0", timeout=30_000)
        assert page.inner_text("#gap") == "Nachweislich höchstens 1,3 % unter dem Bestmöglichen"
        proceed.release()
        page.wait_for_url(f"{live_server}/organisation/treffen/{meeting.slug}/plan/v1", timeout=60_000)
    finally:
        for _ in steps:
            proceed.release()
        thread.join(60)
