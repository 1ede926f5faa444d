"""Planning: run the optimiser, store drafts, publish, and change plans by hand.

Views and the command line call these functions. Every change to a plan is
checked with the scheduler's validator before anything is stored.
"""
from __future__ import annotations

import copy
import logging
import re
import threading
import time
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

import scheduler

from . import scheduling
from .extensions import db
from .models import (CANCELLED, CONFIRMED, DRAFT, PUBLISHED, SUPERSEDED, WAITLISTED, Block, CafeTable, Meeting,
                     PlanLock, PlanningJob, PlanVersion, Registration, utcnow)
from .worker import enqueue, task

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")


MAX_ID = 2**31 - 1  # INTEGER primary keys: larger numbers cannot be ids (and PostgreSQL refuses them)


class PlanningError(Exception):
    """A plan cannot be made or changed; the message is for the organiser.

    ``reasons`` lists the single findings (each a sentence) when there are several."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message)
        self.reasons = list(reasons or [])


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
        reasons = [v["message"] for v in violations(instance, plan)]
        raise PlanningError("; ".join(reasons[:5]), reasons)
    plan = dict(plan, score=report["score"])
    if bound is not None:
        plan["bound"] = bound
    version = PlanVersion(meeting=meeting, number=next_number(meeting), status=DRAFT, source=source,
                          note=note, plan=plan, instance=instance, score=report["score"], bound=bound)
    db.session.add(version)
    db.session.commit()
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
    except scheduler.InstanceError as error:
        raise PlanningError(_("Die Angaben lassen sich nicht planen: %(reason)s", reason=str(error))) from error
    except scheduler.Infeasible as error:
        raise PlanningError(_("Es gibt keinen gültigen Plan: %(reason)s", reason=str(error))) from error
    except TimeoutError as error:
        raise PlanningError(_("In der Rechenzeit wurde kein Plan gefunden. Bitte geben Sie mehr Zeit.")) from error
    plan = result.plan.to_dict()
    version = store_version(meeting, instance, plan, source="optimiser", bound=result.bound)
    stopped = bool(should_stop and should_stop())
    return Solved(version, result.score, result.bound, result.gap, time.monotonic() - started, stopped)


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


def today_instance(meeting: Meeting) -> dict:
    """The meeting as the app knows it now: who is registered and attends which block and, once a plan
    is published, the check-in (no-shows, late arrivals) and the rounds already held."""
    published = scheduling.latest(meeting, PUBLISHED)
    if published is None:
        return scheduling.build_instance(meeting)
    from .replanning import replan_instance  # replanning builds on this module
    return replan_instance(meeting, published)


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
    """A plain sentence for a validator finding, in the UI language (never an internal id)."""
    people = [names.get(pid, _("eine unbekannte Person")) for pid in violation.participants]
    first = people[0] if people else ""
    second = people[1] if len(people) > 1 else ""
    round_label = _("Runde %(n)s", n=violation.round + 1) if violation.round is not None else ""
    title = (blocks or {}).get(getattr(violation, "block", None))
    if title:
        round_label = _("%(block)s, Runde %(n)s", block=title, n=violation.round + 1) \
            if violation.round is not None else title
    sentences = {
        "same-organisation": _("%(a)s und %(b)s arbeiten in derselben Organisation.", a=first, b=second),
        "avoid": _("%(a)s und %(b)s sollen nicht zusammensitzen.", a=first, b=second),
        "no-common-language": _("%(a)s und %(b)s haben keine gemeinsame Sprache.", a=first, b=second),
        "repeat": _("%(a)s und %(b)s treffen sich ein zweites Mal.", a=first, b=second),
        "table-repeat": _("%(a)s sitzt zum zweiten Mal an diesem Tisch.", a=first),
        "group-size": _("Eine Gruppe hat die falsche Größe (%(people)s).", people=", ".join(people)),
        "too-many-larger-groups": _("Es gibt mehr größere Gruppen als nötig."),
        "missing-participant": _("%(a)s ist anwesend, aber nirgends eingeteilt.", a=first),
        "seated-twice": _("%(a)s ist mehrfach eingeteilt.", a=first),
        "absent-seated": _("%(a)s ist eingeteilt, aber nicht anwesend.", a=first),
        "lock-broken": (_("%(a)s ist an einen Tisch festgelegt, sitzt aber an einem anderen.", a=first)
                        if len(people) == 1 else
                        _("Eine Festlegung wird nicht eingehalten: %(people)s sollen zusammensitzen.",
                          people=", ".join(people))),
        "host-away": _("%(a)s ist Gastgeberin oder Gastgeber und muss am eigenen Tisch bleiben.", a=first),
        "seats-exceeded": _("An einem Tisch sitzen mehr Personen, als Plätze da sind."),
        "table-language": _("%(a)s spricht die Sprache des Tisches nicht.", a=first),
        "tables-unbalanced": _("Die Tische sind ungleich besetzt (Unterschied größer als eins)."),
        "fixed-round-changed": _("Eine bereits stattgefundene Runde wurde verändert."),
        "unknown-participant": _("Im Plan steht eine Person, die nicht (mehr) dazugehört."),
        "unknown-table": _("Im Plan steht ein Tisch, den es nicht (mehr) gibt."),
        "round-count": _("Der Plan hat nicht so viele Runden wie der Block."),
        "unknown-block": _("Im Plan steht ein Block, den es nicht (mehr) gibt."),
        "missing-block": _("Ein Block des Treffens fehlt im Plan."),
        "wrong-round-shape": _("Ein Block des Plans hat die falsche Form."),
    }
    sentence = sentences.get(violation.code, _("Der Plan verletzt eine Regel."))
    return f"{round_label}: {sentence}" if round_label else sentence


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
        raise PlanningError(str(error)) from error
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
    """(block, round, person) -> group-mates (speed networking) or [table] (café)."""
    out = {}
    for block in plan.get("blocks", []):
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
