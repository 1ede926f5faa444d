"""Planning: run the optimiser, store drafts, publish, and change plans by hand.

Views and the command line call these functions. Every change to a plan is
checked with the scheduler's validator before anything is stored.
"""
from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

import scheduler

from . import plan_messages, scheduling
from .extensions import db
from .models import (DRAFT, PUBLISHED, SUPERSEDED, Block, CafeTable, Meeting, PlanLock, PlanningJob,
                     PlanVersion, utcnow)
from .worker import enqueue, task

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")


class PlanningError(Exception):
    """A plan cannot be made or changed; the message is for the organiser."""


# --------------------------------------------------------------------------
# Versions


def next_number(meeting: Meeting) -> int:
    return (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.meeting_id == meeting.id))
            or 0) + 1


def store_version(meeting: Meeting, instance: dict, plan: dict, source: str, note: str = "",
                  bound: float | None = None) -> PlanVersion:
    """Store a plan as a new draft; the score is recomputed from scratch by the validator."""
    report = scheduler.check(instance, plan)
    if not report["valid"]:
        found = violations(instance, plan)
        raise PlanningError(" ".join(v["message"] for v in found[:5]))
    plan = dict(plan, score=report["score"])
    if bound is not None:
        plan["bound"] = bound
    version = PlanVersion(meeting=meeting, number=next_number(meeting), status=DRAFT, source=source,
                          note=note, plan=plan, instance=instance, score=report["score"], bound=bound)
    db.session.add(version)
    db.session.commit()
    return version


def publish(version: PlanVersion) -> None:
    """Make a draft the live plan; the plan published before stays, marked superseded."""
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


def active_job(meeting: Meeting) -> PlanningJob | None:
    return db.session.scalar(select(PlanningJob).where(PlanningJob.meeting_id == meeting.id,
                                                       PlanningJob.status.in_(ACTIVE))
                             .order_by(PlanningJob.id.desc()).limit(1))


def start_job(meeting: Meeting, time_limit: float = 30.0) -> PlanningJob:
    """Queue an optimiser run for the meeting; the web request returns at once."""
    if active_job(meeting) is not None:
        raise PlanningError(_("Für dieses Treffen läuft bereits eine Planung."))
    check_plannable(meeting)
    job = PlanningJob(meeting=meeting, time_limit=time_limit, status="queued")
    db.session.add(job)
    db.session.commit()
    enqueue(run_job, job.id, timeout=int(time_limit) + 300)
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
    from .plan_check import refuse_impossible
    refuse_impossible(meeting)


@dataclass
class Solved:
    version: PlanVersion
    score: float
    bound: float
    gap: float
    seconds: float
    stopped: bool = False


def solve_meeting(meeting: Meeting, time_limit: float = 30.0, seed: int = 0, *,
                  on_progress=None, should_stop=None) -> Solved:
    """Build the instance, solve, store a draft. Raises PlanningError with the reason."""
    from scheduler.solve import solve  # OR-Tools is loaded when planning, not when the app starts
    check_plannable(meeting)
    instance = scheduling.build_instance(meeting)
    started = time.monotonic()
    try:
        parsed = scheduler.parse_instance(instance)
        result = solve(parsed, time_limit=time_limit, seed=seed, on_improvement=on_progress,
                       should_stop=should_stop)
    except (scheduler.InstanceError, scheduler.Infeasible, TimeoutError) as error:
        raise PlanningError(refusal(meeting, instance, error)) from error
    plan = result.plan.to_dict()
    version = store_version(meeting, instance, plan, source="optimiser", bound=result.bound)
    stopped = bool(should_stop and should_stop())
    return Solved(version, result.score, result.bound, result.gap, time.monotonic() - started, stopped)


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


@task
def run_job(job_id: int) -> None:
    """The background task: solve, report progress into the job row, store the draft."""
    job = db.session.get(PlanningJob, job_id)
    if job is None or job.status not in ACTIVE:
        return
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    progress = _JobProgress(job.id, db.session.get_bind())
    try:
        solved = solve_meeting(job.meeting, job.time_limit, on_progress=progress.improved,
                               should_stop=progress.should_stop)
    except PlanningError as error:
        db.session.rollback()
        job = db.session.get(PlanningJob, job_id)
        job.status, job.message, job.finished_at = "failed", str(error), utcnow()
        db.session.commit()
        return
    except Exception as error:  # the organiser sees that it failed; the log has the details
        log.exception("planning job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(PlanningJob, job_id)
        job.status, job.message, job.finished_at = "failed", f"{type(error).__name__}: {error}", utcnow()
        db.session.commit()
        return
    job = db.session.get(PlanningJob, job_id)
    db.session.refresh(job)
    job.status = "stopped" if job.stop_requested else "done"
    job.best_score, job.bound = solved.score, solved.bound
    job.plan_version = solved.version
    job.finished_at = utcnow()
    db.session.commit()


class _JobProgress:
    """Writes the best score so far into the job row and reads the stop button, on its own connection."""

    def __init__(self, job_id: int, engine):
        self.job_id, self.engine = job_id, engine
        self._checked, self._stop = 0.0, False
        self._lock = threading.Lock()

    def improved(self, score: float, bound: float | None = None) -> None:
        with self._lock, self.engine.begin() as connection:
            values = {"best_score": float(score)}
            if bound is not None:
                values["bound"] = float(bound)
            connection.execute(PlanningJob.__table__.update()
                               .where(PlanningJob.__table__.c.id == self.job_id).values(**values))

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self._stop and now - self._checked > 0.3:
            self._checked = now
            with self._lock, self.engine.connect() as connection:
                self._stop = bool(connection.scalar(
                    select(PlanningJob.__table__.c.stop_requested).where(PlanningJob.__table__.c.id == self.job_id)))
        return self._stop


# --------------------------------------------------------------------------
# Manual changes


def current_instance(version: PlanVersion) -> dict:
    """The version's instance with today's locks: what manual changes are checked against."""
    instance = copy.deepcopy(version.instance)
    locks = {scheduling.block_key(b): scheduling.block_locks(b) for b in version.meeting.blocks}
    for block in instance["blocks"]:
        block["locks"] = [lock for lock in locks.get(block["id"], []) if _people_known(instance, lock)]
    return instance


def _people_known(instance: dict, lock: dict) -> bool:
    known = {p["id"] for p in instance["participants"]}
    people = lock.get("together") or [lock.get("participant")]
    return all(pid in known for pid in people)


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
            raise PlanningError(_("Diesen Tisch gibt es nicht."))
        destination = round_[target]
    else:
        try:
            destination = round_[int(target) - 1]
        except (ValueError, IndexError):
            raise PlanningError(_("Diesen Platz gibt es nicht.")) from None
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


def violations(instance: dict, plan: dict) -> list[dict]:
    """The validator's findings, each with a German (or English) sentence for the organiser."""
    names = {p["id"]: p.get("name") or p["id"] for p in instance["participants"]}
    found = scheduler.validate(instance, plan)
    return [{"code": v.code, "round": v.round, "participants": list(v.participants),
             "message": explain(v, names)} for v in found]


def explain(violation, names: dict[str, str]) -> str:
    """A plain sentence for a validator finding, in the UI language ("Runde 2: …"); see plan_messages."""
    return plan_messages.explain_violation(violation, names)


def apply_change(version: PlanVersion, change: dict) -> tuple[dict, list[dict]]:
    """The plan after one manual change and the violations it would have (nothing stored)."""
    block_id, round_index = change["block"], int(change["round"])
    if change["action"] == "swap":
        plan = swap(version.plan, block_id, round_index, change["a"], change["b"])
    elif change["action"] == "move":
        plan = move(version.plan, block_id, round_index, change["a"], str(change["target"]))
    else:
        raise PlanningError(_("Unbekannte Änderung."))
    return plan, violations(current_instance(version), plan)


def save_change(version: PlanVersion, plan: dict, note: str) -> PlanVersion:
    """Store a checked manual change as a new draft (the changed version stays as it was)."""
    return store_version(version.meeting, current_instance(version), plan, source="manual", note=note,
                         bound=version.bound)


def add_lock(block: Block, round_index: int, registration_id: int, other_id: int | None = None,
             cafe_table: CafeTable | None = None) -> PlanLock:
    lock = PlanLock(block=block, round=round_index, registration_id=registration_id, other_id=other_id,
                    cafe_table=cafe_table)
    db.session.add(lock)
    db.session.commit()
    return lock


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
