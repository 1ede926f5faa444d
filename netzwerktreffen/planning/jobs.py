"""The optimiser as a background job: start it, run it, keep its lease, give it up.

A job is queued until a worker takes it, then running until it ends as done,
stopped or failed (``JobStatus``). The process running a job writes a heartbeat
into the row every quarter of PLANNING_LEASE_SECONDS; a running job whose
heartbeat is older than the lease belonged to a process that died (kill -9,
a reload of the web server, an RQ work-horse that was killed) and is given up
the next time anybody looks at the meeting's jobs (active_job, expire_if_dead,
start_job): no cron needed. A queued job is given up when Redis says its RQ
job will never run, or when it waited longer than PLANNING_QUEUE_SECONDS.
Every change of a job's status is a compare-and-set on the row, so a job
given up cannot be finished a second time and vice versa.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

import scheduler

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import JobStatus, Meeting, PlanningJob, utcnow
from netzwerktreffen.core.worker import enqueue, rq_job_gone
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning.quality import meaningful_gap
from netzwerktreffen.planning.service import check_plannable, new_version, run_solver

log = logging.getLogger(__name__)

RUN_JOB = "netzwerktreffen.tasks.run_planning_job"  # the worker runs run_job by this name

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)

OVERRUN_SECONDS = 300  # a run may take this long beyond its time limit (last stages, storing the plan)


def _setting(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


def active_job(meeting: Meeting) -> PlanningJob | None:
    """The meeting's newest queued or running job, after giving up those whose process is gone."""
    jobs = db.session.scalars(select(PlanningJob).where(PlanningJob.meeting_id == meeting.id,
                                                        PlanningJob.status.in_(ACTIVE))
                              .order_by(PlanningJob.id.desc())
                              .execution_options(populate_existing=True)).all()
    alive = [job for job in jobs if not expire_if_dead(job)]
    return alive[0] if alive else None


def start_job(meeting: Meeting, time_limit: float = 30.0) -> PlanningJob:
    """Queue an optimiser run for the meeting; the web request returns at once.

    When the queue (Redis) refuses the job, it runs in this process
    (PLANNING_INPROCESS_FALLBACK) or is marked failed with the reason; it never stays queued.
    """
    if active_job(meeting) is not None:
        raise PlanningError(_("Für dieses Treffen läuft bereits eine Planung."))
    check_plannable(meeting)
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())  # one start at a time
    if db.session.scalar(select(PlanningJob.id).where(PlanningJob.meeting_id == meeting.id,
                                                      PlanningJob.status.in_(ACTIVE))) is not None:
        db.session.rollback()
        raise PlanningError(_("Für dieses Treffen läuft bereits eine Planung."))
    on_redis = bool(current_app.config.get("REDIS_URL"))
    job = PlanningJob(meeting=meeting, time_limit=time_limit, status=JobStatus.QUEUED,
                      queue_id=f"planning-{uuid.uuid4().hex}" if on_redis else None)
    db.session.add(job)
    db.session.commit()
    job_id, timeout = job.id, int(time_limit) + OVERRUN_SECONDS
    try:
        enqueue(RUN_JOB, job_id, timeout=timeout, job_id=job.queue_id)
    except Exception as error:  # noqa: BLE001 - whatever the queue's trouble, the job must not stay queued
        db.session.rollback()
        if on_redis and current_app.config.get("PLANNING_INPROCESS_FALLBACK", True):
            log.warning("planning job %s: the queue refused it (%s: %s); running it in this process instead",
                        job_id, type(error).__name__, error)
            db.session.execute(_update_job().where(PlanningJob.id == job_id, PlanningJob.status == JobStatus.QUEUED)
                               .values(queue_id=None))
            db.session.commit()
            try:
                enqueue(RUN_JOB, job_id, timeout=timeout, in_process=True)
            except Exception:  # noqa: BLE001
                log.exception("planning job %s could not be started in this process either", job_id)
                _give_up(job_id, _("Die Planung konnte nicht gestartet werden. Bitte versuchen Sie es in "
                                   "einigen Minuten noch einmal."), PlanningJob.status == JobStatus.QUEUED)
        else:
            log.error("planning job %s: the queue refused it (%s: %s); marked failed", job_id,
                      type(error).__name__, error)
            _give_up(job_id, _("Die Planung konnte nicht gestartet werden, weil der Rechendienst (Redis) "
                               "nicht erreichbar ist. Bitte versuchen Sie es in einigen Minuten noch einmal."),
                     PlanningJob.status == JobStatus.QUEUED)
    job = db.session.get(PlanningJob, job_id)
    db.session.refresh(job)
    return job


def expire_if_dead(job: PlanningJob) -> bool:
    """Give up a queued or running job whose process is gone; True when the job is not active (any more)."""
    if job.status not in ACTIVE:
        return True
    now = utcnow()
    if job.status == JobStatus.RUNNING:
        cutoff = now - timedelta(seconds=_setting("PLANNING_LEASE_SECONDS", 60))
        last_sign = job.heartbeat_at or job.started_at or job.created_at
        if last_sign >= cutoff:
            return False
        log.warning("planning job %s: no heartbeat since %s; its process died", job.id, last_sign)
        return _give_up(job.id, _("Die Planung wurde unterbrochen, weil der Rechenprozess beendet wurde. "
                                  "Bitte starten Sie sie neu."),
                        PlanningJob.status == JobStatus.RUNNING,
                        func.coalesce(PlanningJob.heartbeat_at, PlanningJob.started_at,
                                      PlanningJob.created_at) < cutoff) or _not_active(job)
    waited_too_long = job.created_at < now - timedelta(seconds=_setting("PLANNING_QUEUE_SECONDS", 900))
    if not waited_too_long and job.queue_id and current_app.config.get("REDIS_URL"):
        if rq_job_gone(job.queue_id):
            log.warning("planning job %s: its RQ job %s will never run", job.id, job.queue_id)
            return _give_up(job.id, _("Die Planung wurde nicht ausgeführt, weil ihr Auftrag in der "
                                      "Warteschlange verloren gegangen ist. Bitte starten Sie sie neu."),
                            PlanningJob.status == JobStatus.QUEUED) or _not_active(job)
    if not waited_too_long:
        return False
    log.warning("planning job %s: queued since %s and never started", job.id, job.created_at)
    return _give_up(job.id, _("Die Planung hat nicht begonnen, weil lange kein Rechenprozess frei war. "
                              "Bitte starten Sie sie neu."), PlanningJob.status == JobStatus.QUEUED) or _not_active(job)


def _update_job():
    """UPDATE planning_job as a compare-and-set: the WHERE clause says in which state the row must still be."""
    return update(PlanningJob).execution_options(synchronize_session=False)


def _not_active(job: PlanningJob) -> bool:
    """After a compare-and-set that changed nothing: whether someone else ended the job meanwhile."""
    db.session.refresh(job)
    return job.status not in ACTIVE


def _give_up(job_id: int, message: str, *condition) -> bool:
    """Mark a job failed, if ``condition`` still holds; its best plan so far becomes a draft.

    One transaction: the job is failed and the draft stored together, or neither.
    """
    row = db.session.execute(select(PlanningJob.meeting_id, PlanningJob.best_plan, PlanningJob.best_plan_instance)
                             .where(PlanningJob.id == job_id)).one_or_none()
    if row is None:
        return False
    meeting_id, plan, instance = row
    report = None
    if plan and instance:
        try:
            report = scheduler.check(instance, plan)
        except Exception:  # noqa: BLE001 - a plan that cannot be read is no plan to keep
            log.exception("planning job %s: the plan found so far cannot be checked", job_id)
        if report is not None and not report["valid"]:
            log.error("planning job %s: the plan found so far is not valid: %s", job_id, report["violations"][:5])
            report = None
    for keep_plan in (report is not None, False):
        try:
            changed = db.session.execute(
                _update_job().where(PlanningJob.id == job_id, PlanningJob.status.in_(ACTIVE), *condition)
                .values(status=JobStatus.FAILED, message=message, finished_at=utcnow())).rowcount
            if changed != 1:
                db.session.rollback()
                return False
            if keep_plan:
                meeting = db.session.get(Meeting, meeting_id)
                version = new_version(meeting, instance, plan, "optimiser",
                                       note=_("Zwischenstand einer unterbrochenen Planung"),
                                       bound=plan.get("bound"), report=report)
                db.session.flush()
                db.session.execute(_update_job().where(PlanningJob.id == job_id).values(
                    plan_version_id=version.id, best_plan=None, best_plan_instance=None,
                    message=message + " " + _("Der beste bis dahin gefundene Plan ist als Entwurf Version "
                                              "%(n)s gespeichert.", n=version.number)))
            db.session.commit()
            return True
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("planning job %s: could not store its end%s", job_id,
                          " with the plan so far; trying without it" if keep_plan else "")
    return False


def run_job(job_id: int) -> None:
    """The background task: solve, report progress into the job row, store the draft.

    A heartbeat thread keeps the job's lease while it runs; the best plan so far
    is kept in the row, so that a crash or an error still leaves a draft.
    """
    now = utcnow()
    claimed = db.session.execute(
        _update_job().where(PlanningJob.id == job_id, PlanningJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)).rowcount
    db.session.commit()
    if claimed != 1:  # given up meanwhile, or already taken by another worker
        return
    job = db.session.get(PlanningJob, job_id)
    progress = JobProgress(job_id, db.engine, lease_seconds=_setting("PLANNING_LEASE_SECONDS", 60),
                           run_seconds=job.time_limit + OVERRUN_SECONDS)
    progress.start_heartbeat()
    try:
        _run(job, progress)
    finally:
        progress.stop_heartbeat()


def _run(job: PlanningJob, progress: JobProgress) -> None:
    job_id = job.id
    try:
        try:
            instance, result, _seconds = run_solver(job.meeting, job.time_limit, on_progress=progress.improved,
                                                should_stop=progress.should_stop, on_plan=progress.plan_found)
        finally:
            # what the solver reported is written, and no more heartbeats: from here on, this
            # transaction decides how the job ends (and holds no lock another connection waits for)
            db.session.rollback()
            progress.stop_heartbeat()
        version = new_version(job.meeting, instance, result.plan.to_dict(), "optimiser", bound=result.bound)
        db.session.flush()
    except PlanningError as error:
        db.session.rollback()
        _give_up(job_id, str(error), PlanningJob.status == JobStatus.RUNNING)
        return
    except Exception:  # the organiser sees that it failed; the log has the details
        log.exception("planning job %s failed", job_id)
        db.session.rollback()
        _give_up(job_id, _("Bei der Planung ist ein unerwarteter Fehler aufgetreten. Bitte starten Sie sie neu; "
                           "wenn das wieder geschieht, wenden Sie sich an die technische Betreuung."),
                 PlanningJob.status == JobStatus.RUNNING)
        return
    stop_requested = db.session.scalar(select(PlanningJob.stop_requested).where(PlanningJob.id == job_id))
    finished = db.session.execute(
        _update_job().where(PlanningJob.id == job_id, PlanningJob.status == JobStatus.RUNNING)
        .values(status=JobStatus.STOPPED if stop_requested else JobStatus.DONE, best_score=result.score,
                bound=result.bound, plan_version_id=version.id, finished_at=utcnow(), best_plan=None,
                best_plan_instance=None)).rowcount
    if finished != 1:  # the job was given up while it still ran (its lease ran out); the plan is kept anyway
        log.warning("planning job %s finished after it had been given up; keeping version %s",
                    job_id, version.number)
        message = db.session.scalar(select(PlanningJob.message).where(PlanningJob.id == job_id)) or ""
        db.session.execute(_update_job().where(PlanningJob.id == job_id).values(
            plan_version_id=version.id, best_plan=None, best_plan_instance=None,
            message=(message + " " + _("Die Planung ist danach doch noch fertig geworden: Entwurf Version %(n)s.",
                                       n=version.number)).strip()))
    db.session.commit()


PROGRESS_EVERY = 0.25  # seconds: progress is written at most this often (the page polls every 0.7 s)
PLAN_EVERY = 1.0  # seconds: the best plan so far is written at most this often


class JobProgress:
    """The running job's side of the row, on connections of its own (never the job's session):

    the best score and bound so far, the best plan so far, the heartbeat, and the stop button.
    The solver may report as often as it likes: the newest values are written at once when the
    last write is long enough ago, else by the background thread within a moment (and before a
    failure is recorded). Writes are best effort: a failed write is logged and never ends the solve.
    """

    def __init__(self, job_id: int, engine, *, lease_seconds: float = 60.0, run_seconds: float | None = None):
        self.job_id, self.engine = job_id, engine
        self.lease_seconds = lease_seconds
        self.lost = False  # the job was given up by someone else (its lease ran out): stop solving
        self._checked, self._stop = 0.0, False
        self._lock = threading.Lock()  # one write or read of the row at a time; guards the pending values
        self._pending_progress: tuple[float, float | None] | None = None
        self._pending_plan: tuple[dict, dict] | None = None
        self._progress_at = self._plan_at = float("-inf")
        self._instance_stored = False
        self._ends = time.monotonic() + run_seconds if run_seconds else None
        self._beating = threading.Event()
        self._thread: threading.Thread | None = None

    def _write(self, what: str, **values) -> int:
        """UPDATE the row while it is running (the caller holds the lock); -1 when the write failed."""
        table = PlanningJob.__table__
        try:
            with self.engine.begin() as connection:
                return connection.execute(table.update().where(table.c.id == self.job_id,
                                                               table.c.status == JobStatus.RUNNING)
                                          .values(**values)).rowcount
        except Exception as error:  # noqa: BLE001 - progress is not worth ending the solve for
            log.warning("planning job %s: could not write the %s: %s", self.job_id, what, error)
            return -1

    def improved(self, score: float, bound: float | None = None) -> None:
        """The solver's best score so far and its bound (None: no bound known for it yet)."""
        with self._lock:
            self._pending_progress = (float(score), None if bound is None else float(bound))
            if time.monotonic() - self._progress_at >= PROGRESS_EVERY:
                self._write_progress()

    def plan_found(self, instance: dict, plan: dict) -> None:
        """A better complete plan: kept in the row (with its instance, written once) until the job ends."""
        with self._lock:
            self._pending_plan = (instance, plan)
            if time.monotonic() - self._plan_at >= PLAN_EVERY:
                self._write_plan()

    def _write_progress(self) -> None:
        if self._pending_progress is not None:
            score, bound = self._pending_progress
            self._pending_progress, self._progress_at = None, time.monotonic()
            self._write("progress", best_score=score, bound=bound)

    def _write_plan(self) -> None:
        if self._pending_plan is not None:
            instance, plan = self._pending_plan
            self._pending_plan, self._plan_at = None, time.monotonic()
            values = {"best_plan": plan}
            if not self._instance_stored:
                values["best_plan_instance"] = instance
            if self._write("best plan so far", **values) == 1:
                self._instance_stored = True

    def flush(self) -> None:
        """Write what the solver reported and is not written yet."""
        with self._lock:
            self._write_progress()
            self._write_plan()

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self._stop and now - self._checked > 0.3:
            self._checked = now
            try:
                with self._lock, self.engine.connect() as connection:
                    self._stop = bool(connection.scalar(select(PlanningJob.__table__.c.stop_requested)
                                                        .where(PlanningJob.__table__.c.id == self.job_id)))
            except Exception as error:  # noqa: BLE001
                log.warning("planning job %s: could not read the stop button: %s", self.job_id, error)
        return self._stop or self.lost or (self._ends is not None and now > self._ends)

    def beat(self) -> None:
        """Renew the lease; when the row is no longer running, the job was given up: stop solving."""
        with self._lock:
            if self._write("heartbeat", heartbeat_at=utcnow()) == 0:
                log.warning("planning job %s was given up while it still ran; stopping", self.job_id)
                self.lost = True

    def start_heartbeat(self) -> None:
        """The background thread: writes pending progress and renews the lease every quarter of it."""
        beat_every = max(0.05, self.lease_seconds / 4)
        tick = min(beat_every, PLAN_EVERY / 2)

        def loop():
            next_beat = time.monotonic() + beat_every
            while not self._beating.wait(tick):
                self.flush()
                if time.monotonic() < next_beat:
                    continue
                next_beat = time.monotonic() + beat_every
                if self._ends is not None and time.monotonic() > self._ends:
                    # far beyond its time limit: a hanging solve loses its lease like a dead one
                    log.error("planning job %s runs far beyond its time limit; no more heartbeats", self.job_id)
                    return
                self.beat()
                if self.lost:
                    return

        self._thread = threading.Thread(target=loop, name=f"planning-job-{self.job_id}-heartbeat", daemon=True)
        self._thread.start()

    def stop_heartbeat(self) -> None:
        """No more heartbeats (waits for one being written), then write what is pending; may be called again."""
        self._beating.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        self.flush()


# --------------------------------------------------------------------------
# What the pages ask about a job


def latest_job(meeting: Meeting) -> PlanningJob | None:
    """The meeting's newest job, whatever its status."""
    return db.session.scalar(select(PlanningJob).where(PlanningJob.meeting_id == meeting.id)
                             .order_by(PlanningJob.id.desc()).limit(1))


def settle(job: PlanningJob) -> bool:
    """The job's row read afresh (the job writes on connections of its own), and given up when its
    process is gone (``expire_if_dead``); True when the job is not active (any more)."""
    db.session.refresh(job)
    return expire_if_dead(job)


def request_stop(job: PlanningJob) -> None:
    job.stop_requested = True
    db.session.commit()


def progress_of(job: PlanningJob) -> dict:
    """The progress bar's figures: status, elapsed and remaining seconds, best score so far, bound and gap."""
    elapsed = 0.0
    if job.started_at:
        end = job.finished_at or datetime.now(timezone.utc)
        elapsed = (end - job.started_at).total_seconds()
    # None while no bound is known or when it says nothing (quality.meaningful_gap): the panel says so in words
    gap = meaningful_gap(job.best_score, job.bound)
    remaining = round(max(0.0, job.time_limit - elapsed), 1) if job.status in ACTIVE else 0
    return {"status": job.status, "elapsed": round(elapsed, 1), "remaining": remaining,
            "time_limit": job.time_limit, "best_score": job.best_score, "bound": job.bound, "gap": gap,
            "message": job.message}
