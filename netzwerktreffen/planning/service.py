"""Planning: run the optimiser, store drafts, publish, and change plans by hand.

Views and the command line call these functions. Every change to a plan is
checked with the scheduler's validator before anything is stored.
"""
from __future__ import annotations

import copy
import inspect
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

import scheduler

from netzwerktreffen.planning import messages as plan_messages
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import (JobStatus, CANCELLED, CONFIRMED, DRAFT, PUBLISHED, SUPERSEDED, WAITLISTED, Block, CafeTable, Meeting,
                     PlanLock, PlanningJob, PlanVersion, Registration, utcnow)
from netzwerktreffen.core.worker import enqueue, rq_job_gone
from netzwerktreffen.planning.today import today_instance
from netzwerktreffen.planning.messages import PlanningError

log = logging.getLogger(__name__)

RUN_JOB = "netzwerktreffen.tasks.run_planning_job"  # the worker runs run_job by this name

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


MAX_ID = 2**31 - 1  # INTEGER primary keys: larger numbers cannot be ids (and PostgreSQL refuses them)


# --------------------------------------------------------------------------
# Versions


def next_number(meeting: Meeting) -> int:
    return (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.meeting_id == meeting.id))
            or 0) + 1


def store_version(meeting: Meeting, instance: dict, plan: dict, source: str, note: str = "",
                  bound: float | None = None) -> PlanVersion:
    """Store a plan as a new draft; the score is recomputed from scratch by the validator."""
    version = _new_version(meeting, instance, plan, source, note, bound)
    db.session.commit()
    return version


def _new_version(meeting: Meeting, instance: dict, plan: dict, source: str, note: str = "",
                 bound: float | None = None, report: dict | None = None) -> PlanVersion:
    """A checked draft added to the session, not yet committed (``report``: the validator's, when known)."""
    report = report or scheduler.check(instance, plan)
    if not report["valid"]:
        reasons = [v["message"] for v in violations(instance, plan)]
        raise PlanningError("; ".join(reasons[:5]), reasons)
    plan = dict(plan, score=report["score"])
    if bound is not None:
        plan["bound"] = bound
    version = PlanVersion(meeting=meeting, number=next_number(meeting), status=DRAFT, source=source,
                          note=note, plan=plan, instance=instance, score=report["score"], bound=bound)
    db.session.add(version)
    return version


def publish(version: PlanVersion) -> None:
    """Make a draft the live plan; the plan published before stays, marked superseded.

    Only a plan that keeps every hard rule and today's locks (``current_instance``) is published;
    else PlanningError with the reasons, and nothing changes."""
    found = violations(current_instance(version), version.plan, block_titles(version.meeting))
    if found:
        reasons = [v["message"] for v in found]
        raise PlanningError(_("Version %(n)s wurde nicht veröffentlicht, weil sie Regeln verletzt:",
                              n=version.number), reasons)
    for other in version.meeting.plan_versions:
        if other.status == PUBLISHED and other.id != version.id:
            other.status = SUPERSEDED
    version.status = PUBLISHED
    version.published_at = utcnow()
    db.session.commit()


def get_version(meeting: Meeting, number: int) -> PlanVersion | None:
    return db.session.scalar(select(PlanVersion).where(PlanVersion.meeting_id == meeting.id,
                                                       PlanVersion.number == number))


# --------------------------------------------------------------------------
# The optimiser as a background job
#
# A job is "queued" until a worker takes it, then "running" until it ends as
# "done", "stopped" or "failed". The process running a job writes a heartbeat
# into the row every quarter of PLANNING_LEASE_SECONDS; a running job whose
# heartbeat is older than the lease belonged to a process that died (kill -9,
# a reload of the web server, an RQ work-horse that was killed) and is given up
# the next time anybody looks at the meeting's jobs (active_job, job_status,
# start_job): no cron needed. A queued job is given up when Redis says its RQ
# job will never run, or when it waited longer than PLANNING_QUEUE_SECONDS.
# Every change of a job's status is a compare-and-set on the row, so a job
# given up cannot be finished a second time and vice versa.

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
    job = PlanningJob(meeting=meeting, time_limit=time_limit, status="queued",
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
            db.session.execute(_update_job().where(PlanningJob.id == job_id, PlanningJob.status == "queued")
                               .values(queue_id=None))
            db.session.commit()
            try:
                enqueue(RUN_JOB, job_id, timeout=timeout, in_process=True)
            except Exception:  # noqa: BLE001
                log.exception("planning job %s could not be started in this process either", job_id)
                _give_up(job_id, _("Die Planung konnte nicht gestartet werden. Bitte versuchen Sie es in "
                                   "einigen Minuten noch einmal."), PlanningJob.status == "queued")
        else:
            log.error("planning job %s: the queue refused it (%s: %s); marked failed", job_id,
                      type(error).__name__, error)
            _give_up(job_id, _("Die Planung konnte nicht gestartet werden, weil der Rechendienst (Redis) "
                               "nicht erreichbar ist. Bitte versuchen Sie es in einigen Minuten noch einmal."),
                     PlanningJob.status == "queued")
    job = db.session.get(PlanningJob, job_id)
    db.session.refresh(job)
    return job


def request_stop(job: PlanningJob) -> None:
    job.stop_requested = True
    db.session.commit()


def check_plannable(meeting: Meeting) -> None:
    if not meeting.blocks:
        raise PlanningError(_("Das Treffen hat noch keinen Block (Speed Networking oder Pro-Action-Café)."))
    if len(scheduling.participants(meeting)) < 2:
        raise PlanningError(_("Für eine Planung braucht es mindestens zwei bestätigte Anmeldungen."))
    for block in meeting.blocks:
        if block.is_cafe and not block.cafe_tables:
            raise PlanningError(_("Das Pro-Action-Café „%(title)s“ hat noch keine Tische.", title=block.title))
    from netzwerktreffen.planning.check import refuse_impossible
    refuse_impossible(meeting)


def expire_if_dead(job: PlanningJob) -> bool:
    """Give up a queued or running job whose process is gone; True when the job is not active (any more)."""
    if job.status not in ACTIVE:
        return True
    now = utcnow()
    if job.status == "running":
        cutoff = now - timedelta(seconds=_setting("PLANNING_LEASE_SECONDS", 60))
        last_sign = job.heartbeat_at or job.started_at or job.created_at
        if last_sign >= cutoff:
            return False
        log.warning("planning job %s: no heartbeat since %s; its process died", job.id, last_sign)
        return _give_up(job.id, _("Die Planung wurde unterbrochen, weil der Rechenprozess beendet wurde. "
                                  "Bitte starten Sie sie neu."),
                        PlanningJob.status == "running",
                        func.coalesce(PlanningJob.heartbeat_at, PlanningJob.started_at,
                                      PlanningJob.created_at) < cutoff) or _not_active(job)
    waited_too_long = job.created_at < now - timedelta(seconds=_setting("PLANNING_QUEUE_SECONDS", 900))
    if not waited_too_long and job.queue_id and current_app.config.get("REDIS_URL"):
        if rq_job_gone(job.queue_id):
            log.warning("planning job %s: its RQ job %s will never run", job.id, job.queue_id)
            return _give_up(job.id, _("Die Planung wurde nicht ausgeführt, weil ihr Auftrag in der "
                                      "Warteschlange verloren gegangen ist. Bitte starten Sie sie neu."),
                            PlanningJob.status == "queued") or _not_active(job)
    if not waited_too_long:
        return False
    log.warning("planning job %s: queued since %s and never started", job.id, job.created_at)
    return _give_up(job.id, _("Die Planung hat nicht begonnen, weil lange kein Rechenprozess frei war. "
                              "Bitte starten Sie sie neu."), PlanningJob.status == "queued") or _not_active(job)


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
                .values(status="failed", message=message, finished_at=utcnow())).rowcount
            if changed != 1:
                db.session.rollback()
                return False
            if keep_plan:
                meeting = db.session.get(Meeting, meeting_id)
                version = _new_version(meeting, instance, plan, "optimiser",
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


@dataclass
class Solved:
    version: PlanVersion
    score: float
    bound: float
    gap: float
    seconds: float
    stopped: bool = False


def solve_meeting(meeting: Meeting, time_limit: float = 30.0, seed: int = 0, *,
                  on_progress=None, should_stop=None, on_plan=None) -> Solved:
    """Build the instance, solve, store a draft. Raises PlanningError with the reason.

    ``on_plan(instance, plan)`` hears each better complete plan while solving.
    """
    instance, result, seconds = _solve(meeting, time_limit, seed, on_progress=on_progress,
                                       should_stop=should_stop, on_plan=on_plan)
    version = store_version(meeting, instance, result.plan.to_dict(), source="optimiser", bound=result.bound)
    stopped = bool(should_stop and should_stop())
    return Solved(version, result.score, result.bound, result.gap, seconds, stopped)


def _solve(meeting: Meeting, time_limit: float, seed: int = 0, *, on_progress=None, should_stop=None,
           on_plan=None):
    """(instance, the scheduler's result, seconds); raises PlanningError with the reason."""
    from scheduler.solve import solve  # OR-Tools is loaded when planning, not when the app starts
    check_plannable(meeting)
    instance = scheduling.build_instance(meeting)
    hooks = {}
    if on_plan is not None and _accepts(solve, "on_plan"):  # the scheduler's hook, where it has it
        hooks["on_plan"] = lambda plan: on_plan(instance, plan)
    started = time.monotonic()
    try:
        parsed = scheduler.parse_instance(instance)
        result = solve(parsed, time_limit=time_limit, seed=seed, on_improvement=on_progress,
                       should_stop=should_stop, **hooks)
    except (scheduler.InstanceError, scheduler.Infeasible, TimeoutError) as error:
        raise PlanningError(refusal(meeting, instance, error)) from error
    return instance, result, time.monotonic() - started


def _accepts(function, keyword: str) -> bool:
    parameters = inspect.signature(function).parameters
    return keyword in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def refusal(meeting: Meeting, instance: dict, error: Exception) -> str:
    """Why the optimiser found no plan, for the organiser (names and titles, no ids, no scheduler text)."""
    log.info("no plan for %s: %s", meeting.slug, error)
    names = plan_messages.Names.of_meeting(meeting, instance)
    if isinstance(error, scheduler.Infeasible):
        found = plan_messages.explain_infeasible(error, names)
    elif isinstance(error, scheduler.InstanceError):
        found = plan_messages.explain_instance_error(error, names, instance)
    else:
        found = plan_messages.explain_timeout()
    return _("Es gibt keinen gültigen Plan: %(reason)s", reason=found.message) \
        if isinstance(error, scheduler.Infeasible) else found.message


def run_job(job_id: int) -> None:
    """The background task: solve, report progress into the job row, store the draft.

    A heartbeat thread keeps the job's lease while it runs; the best plan so far
    is kept in the row, so that a crash or an error still leaves a draft.
    """
    now = utcnow()
    claimed = db.session.execute(_update_job().where(PlanningJob.id == job_id, PlanningJob.status == "queued")
                                 .values(status="running", started_at=now, heartbeat_at=now)).rowcount
    db.session.commit()
    if claimed != 1:  # given up meanwhile, or already taken by another worker
        return
    job = db.session.get(PlanningJob, job_id)
    progress = _JobProgress(job_id, db.engine, lease_seconds=_setting("PLANNING_LEASE_SECONDS", 60),
                            run_seconds=job.time_limit + OVERRUN_SECONDS)
    progress.start_heartbeat()
    try:
        _run(job, progress)
    finally:
        progress.stop_heartbeat()


def _run(job: PlanningJob, progress: _JobProgress) -> None:
    job_id = job.id
    try:
        try:
            instance, result, _seconds = _solve(job.meeting, job.time_limit, on_progress=progress.improved,
                                                should_stop=progress.should_stop, on_plan=progress.plan_found)
        finally:
            # what the solver reported is written, and no more heartbeats: from here on, this
            # transaction decides how the job ends (and holds no lock another connection waits for)
            db.session.rollback()
            progress.stop_heartbeat()
        version = _new_version(job.meeting, instance, result.plan.to_dict(), "optimiser", bound=result.bound)
        db.session.flush()
    except PlanningError as error:
        db.session.rollback()
        _give_up(job_id, str(error), PlanningJob.status == "running")
        return
    except Exception:  # the organiser sees that it failed; the log has the details
        log.exception("planning job %s failed", job_id)
        db.session.rollback()
        _give_up(job_id, _("Bei der Planung ist ein unerwarteter Fehler aufgetreten. Bitte starten Sie sie neu; "
                           "wenn das wieder geschieht, wenden Sie sich an die technische Betreuung."),
                 PlanningJob.status == "running")
        return
    stop_requested = db.session.scalar(select(PlanningJob.stop_requested).where(PlanningJob.id == job_id))
    finished = db.session.execute(
        _update_job().where(PlanningJob.id == job_id, PlanningJob.status == "running")
        .values(status="stopped" if stop_requested else "done", best_score=result.score, bound=result.bound,
                plan_version_id=version.id, finished_at=utcnow(), best_plan=None, best_plan_instance=None)).rowcount
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


class _JobProgress:
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
                                                               table.c.status == "running").values(**values)).rowcount
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
# Manual changes


def current_instance(version: PlanVersion) -> dict:
    """The version's instance with today's locks (those that can hold): what changes and publishing are checked against."""
    return version_locks(version)[0]


def version_locks(version: PlanVersion) -> tuple[dict, dict[int, list["LockState"]]]:
    """The version's instance with today's applicable locks, and every lock of the meeting with its state."""
    instance = copy.deepcopy(version.instance)
    states = check_locks(version.meeting, instance)
    keys = {scheduling.block_key(b): b.id for b in version.meeting.blocks}
    for block in instance["blocks"]:
        block["locks"] = [state.entry for state in states.get(keys.get(block["id"]), []) if state.applies]
    return instance, states


# --------------------------------------------------------------------------
# Locks: an organiser's decision the optimiser keeps (two people together, a person at a café table)


@dataclass
class LockState:
    """A stored lock, what it says (names and table as the plan page shows them) and whether it applies."""

    lock: PlanLock
    block: Block
    entry: dict  # the instance format
    reason: str | None = None  # None: the lock applies
    people: list[str] = field(default_factory=list)
    table: CafeTable | None = None

    @property
    def applies(self) -> bool:
        return self.reason is None


def _meeting_people(meeting: Meeting) -> dict[int, Registration]:
    return {r.id: r for r in meeting.registrations}


def lock_problem(block: Block, lock: PlanLock, people: dict[int, Registration]) -> str | None:
    """What makes a lock wrong for the meeting as it is today (registrations, attendance, tables), or None."""
    if not 0 <= lock.round < block.rounds:
        return _("Runde %(n)s gibt es in „%(block)s“ nicht.", n=lock.round + 1, block=block.title)
    ids = [lock.registration_id] + ([lock.other_id] if not block.is_cafe else [])
    if not block.is_cafe:
        if lock.other_id is None:
            return _("Zu dieser Festlegung fehlt die zweite Person.")
        if lock.other_id == lock.registration_id:
            person = people.get(lock.registration_id)
            return _("%(a)s ist mit sich selbst festgelegt.", a=person.name if person else _("eine Person"))
    for rid in ids:
        person = people.get(rid)
        if person is None:
            return _("Eine der Personen ist nicht für dieses Treffen angemeldet.")
        if person.status == CANCELLED:
            return _("%(a)s hat abgesagt.", a=person.name)
        if person.status == WAITLISTED:
            return _("%(a)s steht auf der Warteliste.", a=person.name)
        if person.status != CONFIRMED:
            return _("%(a)s ist nicht bestätigt angemeldet.", a=person.name)
        if block not in person.blocks:
            return _("%(a)s nimmt an „%(block)s“ nicht teil.", a=person.name, block=block.title)
        if person.no_show:
            return _("%(a)s ist als nicht erschienen vermerkt.", a=person.name)
    if block.is_cafe:
        if lock.cafe_table_id is None or lock.cafe_table_id not in {t.id for t in block.cafe_tables}:
            return _("Diesen Tisch gibt es in „%(block)s“ nicht.", block=block.title)
    return None


def check_locks(meeting: Meeting, instance: dict, extra: tuple[Block, PlanLock] | None = None
                ) -> dict[int, list[LockState]]:
    """Every lock of the meeting (block id -> states, oldest first) checked against the meeting today and
    against ``instance``: a lock applies when nothing is wrong with it and it can hold together with the
    applicable locks before it. ``extra`` is a lock not stored yet, checked last in its block."""
    labels = scheduling.table_labels(meeting)
    people = _meeting_people(meeting)
    instance_blocks = {b["id"]: b for b in instance.get("blocks", [])}
    out: dict[int, list[LockState]] = {}
    for block in meeting.blocks:
        checker = scheduling.LockChecker(instance, instance_blocks.get(scheduling.block_key(block)), labels)
        tables = {t.id: t for t in block.cafe_tables}
        locks = sorted(block.locks, key=lambda lock: lock.id or 0)
        if extra is not None and extra[0].id == block.id:
            locks.append(extra[1])
        states = []
        for lock in locks:
            entry = scheduling.lock_entry(block, lock)
            reason = lock_problem(block, lock, people) or checker.add(entry)
            ids = [lock.registration_id] + ([lock.other_id] if lock.other_id is not None and not block.is_cafe
                                            else [])
            names = [people[rid].name if rid in people else _("unbekannte Person") for rid in ids]
            states.append(LockState(lock, block, entry, reason, names,
                                    tables.get(lock.cafe_table_id) if block.is_cafe else None))
        out[block.id] = states
    return out


def add_lock(block: Block, round_index: int, registration_id: int, other_id: int | None = None,
             cafe_table: CafeTable | None = None) -> PlanLock:
    """Lock two people together (speed networking) or a person to a café table, in one round.

    Refused (PlanningError with the reason) when the lock is wrong for the meeting or can never hold,
    alone or together with the locks already there."""
    if block.is_cafe and (cafe_table is None or other_id is not None):
        raise PlanningError(_("Im Pro-Action-Café wird eine Person an einen Tisch festgelegt."))
    if not block.is_cafe and (other_id is None or cafe_table is not None):
        raise PlanningError(_("Beim Speed Networking werden zwei Personen zusammen festgelegt."))
    for rid in (registration_id, other_id):
        if rid is not None and not 0 < rid <= MAX_ID:
            raise PlanningError(_("Eine der Personen ist nicht für dieses Treffen angemeldet."))
    candidate = PlanLock(block_id=block.id, round=round_index, registration_id=registration_id, other_id=other_id,
                         cafe_table_id=cafe_table.id if cafe_table is not None else None)
    states = check_locks(block.meeting, today_instance(block.meeting), extra=(block, candidate))
    state = next(state for state in states[block.id] if state.lock is candidate)
    if not state.applies:
        raise PlanningError(state.reason)
    lock = PlanLock(block=block, round=round_index, registration_id=registration_id, other_id=other_id,
                    cafe_table=cafe_table)
    db.session.add(lock)
    db.session.commit()
    return lock


def lock_from_form(meeting: Meeting, change: dict) -> PlanLock:
    """A lock from the plan page's form (block, round, person a, and b or the café table as shown)."""
    block = meeting_block(meeting, change.get("block", ""))
    round_index = round_of(block, change.get("round", ""))
    person = _registration_id(change.get("a", ""))
    if block.is_cafe:
        return add_lock(block, round_index, person, cafe_table=find_cafe_table(block, change.get("target", "")))
    return add_lock(block, round_index, person, other_id=_registration_id(change.get("b", "")))


def remove_lock(meeting: Meeting, lock_id: int) -> LockState:
    """Delete one of the meeting's locks; what it said is returned for the message."""
    lock = db.session.get(PlanLock, lock_id) if 0 < lock_id <= MAX_ID else None
    if lock is None or lock.block.meeting_id != meeting.id:
        raise PlanningError(_("Diese Festlegung gibt es nicht (mehr)."))
    people = _meeting_people(meeting)
    names = [people[rid].name if rid in people else _("unbekannte Person")
             for rid in (lock.registration_id, lock.other_id) if rid is not None]
    copy_ = PlanLock(block_id=lock.block_id, round=lock.round, registration_id=lock.registration_id,
                     other_id=lock.other_id, cafe_table_id=lock.cafe_table_id)  # not in the session: outlives the delete
    state = LockState(copy_, lock.block, scheduling.lock_entry(lock.block, lock), None, names, lock.cafe_table)
    db.session.delete(lock)
    db.session.commit()
    return state


def _registration_id(pid) -> int:
    """A registration id from a participant id ("r12"); PlanningError for anything else."""
    match = re.fullmatch(r"r([0-9]{1,10})", str(pid or "").strip())
    if match is None or not 0 < int(match.group(1)) <= MAX_ID:
        raise PlanningError(_("Bitte wählen Sie eine Person aus der Liste."))
    return int(match.group(1))


def meeting_block(meeting: Meeting, key) -> Block:
    block = next((b for b in meeting.blocks if scheduling.block_key(b) == str(key or "")), None)
    if block is None:
        raise PlanningError(_("Bitte wählen Sie einen Block des Treffens."))
    return block


def round_of(block: Block, value) -> int:
    """A 0-based round index of the block from a form value (the value is 0-based, the page counts from 1)."""
    try:
        round_index = int(str(value).strip())
    except ValueError:
        raise PlanningError(_("Bitte wählen Sie eine Runde.")) from None
    if not 0 <= round_index < block.rounds:
        raise PlanningError(_("„%(block)s“ hat die Runden 1 bis %(n)s.", block=block.title, n=block.rounds))
    return round_index


def _fold(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def find_cafe_table(block: Block, text) -> CafeTable:
    """The café table of the block that an organiser typed as the page shows it: its number as printed
    (also with "Tisch" before it), its physical table's name, or its question; case and spaces do not matter."""
    wanted = _fold(text)
    if not wanted:
        raise PlanningError(_("Bitte geben Sie den Tisch an (seine Nummer oder sein Thema)."))
    options = [wanted]
    if wanted.startswith(_fold(_("Tisch")) + " "):
        options.append(wanted.split(" ", 1)[1])
    tests = (
        lambda t, w: _fold(t.number) == w,
        lambda t, w: t.table is not None and (str(t.table.number) == w or (t.table.name and _fold(t.table.name) == w)),
        lambda t, w: _fold(t.question) == w,
        lambda t, w: scheduling.table_key(t) == w,  # the internal key, for scripts
    )
    for test in tests:
        for option in options:
            hits = [t for t in block.cafe_tables if test(t, option)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise PlanningError(_("„%(t)s“ passt zu mehreren Tischen (%(tables)s). Bitte geben Sie das Thema an.",
                                      t=str(text).strip(), tables=", ".join(t.number for t in hits)))
    shown = ", ".join(f"{t.number} ({t.question})" for t in block.cafe_tables) or "–"
    raise PlanningError(_("Einen Tisch „%(t)s“ gibt es in „%(block)s“ nicht. Die Tische: %(tables)s.",
                          t=str(text).strip(), block=block.title, tables=shown))


def _find(rounds_of_block, round_index: int, pid: str):
    """(spot key, members list) where pid sits in that round, or (None, None)."""
    round_ = rounds_of_block[round_index]
    spots = round_.items() if isinstance(round_, dict) else enumerate(round_)
    for key, members in spots:
        if pid in members:
            return key, members
    return None, None


def _block_rounds(plan: dict, block_id: str):
    for block in plan["blocks"]:
        if block["id"] == block_id:
            return block["rounds"]
    raise PlanningError(_("Diesen Block gibt es im Plan nicht."))


def swap(plan: dict, block_id: str, round_index: int, a: str, b: str) -> dict:
    """A new plan in which a and b have swapped places in one round."""
    plan = copy.deepcopy(plan)
    rounds = _block_rounds(plan, block_id)
    _check_round(rounds, round_index)
    if a == b:
        raise PlanningError(_("Bitte wählen Sie zwei verschiedene Personen."))
    key_a, members_a = _find(rounds, round_index, a)
    key_b, members_b = _find(rounds, round_index, b)
    if members_a is None or members_b is None:
        raise PlanningError(_("Beide Personen müssen in dieser Runde eingeteilt sein."))
    if key_a == key_b:
        return plan
    members_a[members_a.index(a)] = b
    members_b[members_b.index(b)] = a
    return plan


def move(plan: dict, block_id: str, round_index: int, pid: str, target: str) -> dict:
    """A new plan in which pid sits at spot/table ``target`` in one round (spot numbers from 1)."""
    plan = copy.deepcopy(plan)
    rounds = _block_rounds(plan, block_id)
    _check_round(rounds, round_index)
    key, members = _find(rounds, round_index, pid)
    if members is None:
        raise PlanningError(_("Die Person ist in dieser Runde nicht eingeteilt."))
    round_ = rounds[round_index]
    if isinstance(round_, dict):
        if target not in round_:
            raise PlanningError(_("Diesen Tisch gibt es in dieser Runde des Plans nicht."))
        destination = round_[target]
    else:
        spot = _fold(target)
        if spot.startswith(_fold(_("Platz")) + " "):
            spot = spot.split(" ", 1)[1]
        if not spot.isdigit() or not 1 <= int(spot) <= len(round_):
            raise PlanningError(_("Einen Platz „%(t)s“ gibt es in Runde %(n)s nicht; die Plätze sind 1 bis %(max)s.",
                                  t=str(target).strip(), n=round_index + 1, max=len(round_)))
        destination = round_[int(spot) - 1]
    if destination is members:
        return plan
    members.remove(pid)
    destination.append(pid)
    if not isinstance(round_, dict):
        rounds[round_index] = [group for group in round_ if group]
    return plan


def _check_round(rounds, round_index: int) -> None:
    if not 0 <= round_index < len(rounds):
        raise PlanningError(_("Diese Runde gibt es nicht."))


def block_titles(meeting: Meeting) -> dict[str, str] | None:
    """Block key -> title, to name the block in findings when the meeting has more than one."""
    return {scheduling.block_key(b): b.title for b in meeting.blocks} if len(meeting.blocks) > 1 else None


def violations(instance: dict, plan: dict, blocks: dict[str, str] | None = None) -> list[dict]:
    """The validator's findings, each with a German (or English) sentence for the organiser."""
    names = {p["id"]: p.get("name") or _("eine Person") for p in instance["participants"]}
    found = scheduler.validate(instance, plan)
    return [{"code": v.code, "round": v.round, "participants": list(v.participants),
             "message": explain(v, names, blocks)} for v in found]


def explain(violation, names: dict[str, str], blocks: dict[str, str] | None = None) -> str:
    """A plain sentence for a validator finding, in the UI language ("Runde 2: …", the block's title
    first where ``blocks`` names them); see plan_messages."""
    titled = {key: SimpleNamespace(title=title) for key, title in (blocks or {}).items()}
    return plan_messages.explain_violation(violation, plan_messages.Names(people=names, blocks=titled))


def apply_change(version: PlanVersion, change: dict) -> tuple[dict, list[dict]]:
    """The plan after one manual change and the violations it would have (nothing stored).

    A café table may be given as the page shows it (number or question, see ``find_cafe_table``),
    a speed-networking spot by its number."""
    block_id = str(change.get("block", ""))
    block = next((b for b in version.meeting.blocks if scheduling.block_key(b) == block_id), None)
    try:
        round_index = int(str(change.get("round", "")).strip())
    except ValueError:
        raise PlanningError(_("Bitte wählen Sie eine Runde.")) from None
    action = change.get("action")
    if action == "swap":
        plan = swap(version.plan, block_id, round_index, change.get("a", ""), change.get("b", ""))
    elif action == "move":
        target = change.get("target", "")
        if block is not None and block.is_cafe:
            target = scheduling.table_key(find_cafe_table(block, target))
        plan = move(version.plan, block_id, round_index, change.get("a", ""), str(target))
    else:
        raise PlanningError(_("Unbekannte Änderung."))
    return plan, violations(current_instance(version), plan, block_titles(version.meeting))


def save_change(version: PlanVersion, plan: dict, note: str) -> PlanVersion:
    """Store a checked manual change as a new draft (the changed version stays as it was)."""
    return store_version(version.meeting, current_instance(version), plan, source="manual", note=note,
                         bound=version.bound)


def import_plan(meeting: Meeting, plan: dict, instance: dict | None = None) -> PlanVersion:
    """Store an uploaded plan as a draft if it is valid for the meeting; else PlanningError with the reasons."""
    instance = instance or scheduling.build_instance(meeting)
    try:
        scheduler.parse_plan(plan)
    except scheduler.InstanceError as error:
        raise PlanningError(_("Die Datei ist kein Plan im Format netzwerktreffen-plan/1.")) from error
    found = violations(instance, plan)
    if found:
        raise PlanningError("\n".join(v["message"] for v in found))
    return store_version(meeting, instance, plan, source="import", note=_("importiert"))


@dataclass
class Difference:
    registration_id: int
    block_id: str
    round: int
    before: list[str]  # group-mates (speed) or [table] (café)
    after: list[str]


def placements(plan: dict) -> dict[tuple[str, int, str], list[str]]:
    """(block, round, person) -> group-mates (speed networking) or [table] (café); a pause: no one ([])."""
    out = {}
    for block in plan.get("blocks", []):
        for r, paused in enumerate(block.get("pauses") or []):
            for pid in paused:
                out[(block["id"], r, pid)] = []
        for r, round_ in enumerate(block.get("rounds", [])):
            if isinstance(round_, dict):
                for table, members in round_.items():
                    for pid in members:
                        out[(block["id"], r, pid)] = [table]
            else:
                for members in round_:
                    for pid in members:
                        out[(block["id"], r, pid)] = sorted(m for m in members if m != pid)
    return out


def differences(meeting: Meeting, before: dict, after: dict) -> list[Difference]:
    """Every person-round whose group-mates or table differ between two plans (present in both)."""
    old, new = placements(before), placements(after)
    found = []
    for key in sorted(old.keys() & new.keys(), key=lambda k: (k[2], k[0], k[1])):
        if old[key] != new[key]:
            block_id, r, pid = key
            found.append(Difference(scheduling.registration_id(pid), block_id, r, old[key], new[key]))
    return found
