"""Re-planning on the day: the rounds not yet held, for the people present, changing as little as possible.

The instance is the meeting's (``scheduling.build_instance``) with the published
plan and the rounds already held (``scheduling.with_published``); who is there
comes from the check-in:

- rounds held stay exactly as published (a no-show who was seated in round 1
  stays there; the plan of the past is not rewritten);
- no-shows are present only in the held rounds they were seated in;
- walk-ins (and anyone not in the published plan) are present from the next
  round on;
- everybody else keeps all rounds.

Each block is planned on its own (the score is a sum over blocks): a block
whose remaining rounds still fit the people present keeps its published
rounds; the others are solved by the scheduler, whose ``change`` weight makes
every changed person-round cost, so as few schedules as possible change. A
café block the scheduler cannot solve yet is repaired greedily (published
seats kept where they are still valid). The result is stored as a new version
with source "replan", published, and the people affected get a change notice.
"""
from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import pgettext

import scheduler
from scheduler import repair as block_repair

from netzwerktreffen.planning import messages as plan_messages
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import CAFE, Block, Meeting, PlanVersion, Registration
from netzwerktreffen.planning.today import held_rounds, replan_instance, preload

log = logging.getLogger(__name__)

MIN_SOLVER_SECONDS = 0.5  # below this the scheduler is not started after a valid repair
DEFAULT_TIME_LIMIT = 1.8  # seconds until the plan is chosen; storing and comparing follow (the issue: <= 3 s in all)


@dataclass
class Replanned:
    before: PlanVersion
    after: PlanVersion
    changes: list[planning.Difference]  # every person-round that changed
    affected: list[int]  # registration ids whose schedule changed or who were newly seated
    changed_rounds: set[tuple[str, int]] = field(default_factory=set)  # (block key, round) to reprint
    seconds: float = 0.0
    notices: int | None = None  # change notices queued; None: the mail module is not there
    methods: dict[str, str] = field(default_factory=dict)  # block key -> kept / solver / repaired


def _present_in(block: dict, pid: str, r: int) -> bool:
    rounds = block.get("present", {}).get(pid)
    return rounds is None or r in rounds


def _still_fits(block: dict, participants: list[str]) -> bool:
    """The published remaining rounds seat exactly the people present: nothing to re-plan."""
    published = block.get("published")
    if not published:
        return False
    for r in range(len(block.get("fixed_rounds") or []), block["rounds"]):
        round_ = published[r]
        seated = [pid for members in scheduling.round_groups(round_) for pid in members]
        wanted = {pid for pid in participants if _present_in(block, pid, r)}
        if len(seated) != len(set(seated)) or set(seated) != wanted:
            return False
    return True


def _block_instance(instance: dict, block: dict) -> dict:
    return dict(instance, blocks=[block])


def repair_cafe(instance: dict, block: dict) -> list[dict]:
    """A café block's rounds without the solver (``scheduler.repair.repair_cafe``: held rounds kept, guests
    seated by a min-cost flow, published tables kept where they can be). Raises PlanningError when no such
    seating exists."""
    try:
        return block_repair.repair_cafe(instance, block)
    except block_repair.RepairFailed as error:
        raise _repair_error(error) from error


def repair_speed(instance: dict, block: dict, seed: int = 0) -> list[list[list[str]]]:
    """A speed-networking block's rounds without the solver, changing few schedules
    (``scheduler.repair.repair_speed``: held rounds and intact published groups kept, the others grouped
    anew). Raises PlanningError when even that fails."""
    try:
        return block_repair.repair_speed(instance, block, seed)
    except block_repair.RepairFailed as error:
        raise _repair_error(error) from error


def _repair_error(error) -> PlanningError:
    """The organiser's sentence for a failed repair (``scheduler.repair.RepairFailed``), rounds counted from 1."""
    n = error.round + 1
    if error.code == "repair-cafe-seats":
        return PlanningError(_("Runde %(n)s: Im Café lassen sich nicht alle Gäste an Tische setzen, "
                                        "an denen sie noch nicht waren.", n=n))
    if error.code == "repair-cafe-uneven":
        return PlanningError(_("Runde %(n)s: Die Café-Tische lassen sich nicht gleichmäßig besetzen.",
                                        n=n))
    return PlanningError(_("Runde %(n)s: Die Anwesenden lassen sich nicht mehr ohne "
                                    "Wiederholung einteilen.", n=n))


def _solve_block(instance: dict, block: dict, deadline: float, seed: int) -> tuple[list, str, list | None]:
    """The block's rounds, how they were made (kept, repaired, solver) and, from the solver, who pauses
    in each round (speed networking; None when nobody does).

    The repair is fast and keeps every schedule it can; the scheduler then gets the time left and
    wins when its plan scores higher (the score counts every changed person-round against it).
    """
    participants = [p["id"] for p in instance["participants"]]
    if len(block.get("fixed_rounds") or []) >= block["rounds"]:
        return [copy.deepcopy(r) for r in block["fixed_rounds"]], "kept", None
    sub = _block_instance(instance, block)
    if _still_fits(block, participants) and scheduler.check(sub, {
            "format": scheduling.PLAN_FORMAT, "blocks": [{"id": block["id"], "rounds": block["published"]}]})["valid"]:
        return copy.deepcopy(block["published"]), "kept", None
    best, method, best_score = None, "", float("-inf")
    try:
        best = repair_cafe(instance, block) if block["kind"] == CAFE else repair_speed(instance, block, seed)
        report = scheduler.check(sub, {"format": scheduling.PLAN_FORMAT,
                                       "blocks": [{"id": block["id"], "rounds": best}]})
        if report["valid"]:
            method, best_score = "repaired", report["score"]
        else:
            log.info("re-planning: repair of %s invalid: %s", block["id"], report["violations"][:3])
            best = None
    except PlanningError as error:
        log.info("re-planning: repair of %s failed: %s", block["id"], error)  # the scheduler may still find one
    if best is not None and deadline - time.monotonic() < MIN_SOLVER_SECONDS:
        return best, method, None
    try:
        from scheduler.solve import solve
        parsed = scheduler.parse_instance(sub)
        result = solve(parsed, time_limit=max(MIN_SOLVER_SECONDS, deadline - time.monotonic()), seed=seed)
    except (scheduler.InstanceError, TimeoutError, scheduler.Infeasible) as error:  # no plan in time, or none
        if best is not None:
            return best, method, None
        names = plan_messages.Names({p["id"]: p.get("name", "") for p in instance["participants"]})
        if isinstance(error, scheduler.Infeasible):
            reason = plan_messages.explain_infeasible(error, names).message
            raise PlanningError(_("Es gibt keinen gültigen Plan: %(reason)s", reason=reason)) from error
        found = (plan_messages.explain_timeout() if isinstance(error, TimeoutError)
                 else plan_messages.explain_instance_error(error, names, sub))
        raise PlanningError(found.message) from error
    solved = result.plan.to_dict()["blocks"][0]
    if best is None or result.score > best_score + 1e-6:
        return solved["rounds"], "solver", solved.get("pauses")
    return best, method, None


def solve_blocks(instance: dict, deadline: float, seed: int = 0) -> tuple[dict, dict[str, str]]:
    """A plan for every block of the instance, block by block, within the monotonic ``deadline``.

    Also plans a meeting from scratch (no ``published``) where the scheduler cannot plan a café block yet.
    """
    plan_blocks, methods = [], {}
    for k, block in enumerate(instance["blocks"]):
        remaining = len(instance["blocks"]) - k
        block_deadline = time.monotonic() + max(0.0, deadline - time.monotonic()) / remaining
        rounds, methods[block["id"]], pauses = _solve_block(instance, block, block_deadline, seed)
        plan_blocks.append({"id": block["id"], "rounds": rounds})
        if pauses and any(pauses):
            plan_blocks[-1]["pauses"] = pauses
    return {"format": scheduling.PLAN_FORMAT, "blocks": plan_blocks}, methods


def affected_people(changes: list[planning.Difference], before: dict, after: dict) -> tuple[list[int], set]:
    """Registration ids whose schedule changed or who are newly seated, and the (block, round) pairs to reprint."""
    people = {c.registration_id for c in changes}
    rounds = {(c.block_id, c.round) for c in changes}
    old, new = planning.placements(before), planning.placements(after)
    for key in new.keys() - old.keys():  # walk-ins and late arrivals
        block_id, r, pid = key
        people.add(scheduling.registration_id(pid))
        rounds.add((block_id, r))
    for key in old.keys() - new.keys():  # no-shows taken out: their round's room plan changes
        rounds.add((key[0], key[1]))
    return sorted(people), rounds


def replan(meeting: Meeting, held: dict[str, int] | None = None, *, time_limit: float = DEFAULT_TIME_LIMIT,
           seed: int = 0, notify: bool = True) -> Replanned:
    """Re-plan the rounds not yet held for the people present; store, publish, tell the people affected.

    ``held`` maps block keys to rounds already over; it is stored in ``Block.rounds_held``.
    The new version, its publication and the change notices in the outbox are committed together
    (a failure on the way leaves the published plan as it was and no notice); the notices are sent
    in the background after the commit.
    ``seconds`` is the time until the new plan is published and its changes are known.
    """
    started = time.monotonic()
    deadline = started + time_limit
    published = scheduling.published(meeting)
    if published is None:
        raise PlanningError(_("Es gibt noch keinen veröffentlichten Rundenplan, der angepasst werden kann."))
    loaded = preload(meeting)  # noqa: F841 - kept while the instance is built
    before_plan = published.plan
    try:
        version, methods = _store_and_publish(meeting, published, held, deadline, seed)
        changes = planning.differences(meeting, before_plan, version.plan)
        affected, rounds = affected_people(changes, before_plan, version.plan)
        seconds = time.monotonic() - started
        notices: int | None = 0
        if notify and affected:
            notices = send_notices(meeting, before_plan, version.plan)  # commits the version with its notices
        db.session.commit()
    except BaseException:
        db.session.rollback()  # nothing asked for is kept, not even the rounds held
        raise
    log.info("re-planned %s in %.2f s: %d people affected (%s)", meeting.slug, seconds, len(affected), methods)
    return Replanned(published, version, changes, affected, rounds, seconds, notices, methods)


def _store_and_publish(meeting: Meeting, published: PlanVersion, held: dict[str, int] | None, deadline: float,
                       seed: int) -> tuple[PlanVersion, dict[str, str]]:
    """Plan the rounds not yet held, store the plan as a new version and publish it (flushed, not committed)."""
    held = _store_held(meeting, held)
    instance = replan_instance(meeting, published, held)
    plan, methods = solve_blocks(instance, deadline, seed)
    note = _("Neuplanung am Tag: %(held)s", held=", ".join(
        f"{b.title} {_('nach Runde %(n)s', n=held[scheduling.block_key(b)])}" for b in meeting.blocks))
    version = planning.new_version(meeting, instance, plan, source="replan", note=note)
    planning.publish(version, commit=False)
    return version, methods


def _store_held(meeting: Meeting, held: dict[str, int] | None) -> dict[str, int]:
    """Keep the rounds held asked for in ``Block.rounds_held`` (flushed, not committed); the rounds held now."""
    if held is not None:
        for block in meeting.blocks:
            key = scheduling.block_key(block)
            if key in held:
                block.rounds_held = max(0, min(int(held[key]), block.rounds))
        db.session.flush()
    return held_rounds(meeting)


def suggested_held(meeting: Meeting, now=None) -> dict[str, int]:
    """Rounds over per block: as stored, or on the day of the meeting by the clock if that says more."""
    now = now or local_now()
    held = held_rounds(meeting)
    if meeting.date == now.date():
        for block in meeting.blocks:
            over = sum(1 for start, _end in block.round_times() if start <= now.time())  # begun = held
            key = scheduling.block_key(block)
            held[key] = max(held[key], min(over, block.rounds))
    return held


def send_notices(meeting: Meeting, before_plan: dict, after_plan: dict) -> int | None:
    """Change notices to the people affected, by the mail module of issue 6 (None while it is missing);
    queued and committed together with whatever the session holds (the re-planned version)."""
    try:
        from netzwerktreffen.mail.schedules import send_change_notices
    except ImportError:  # the mail module of issue 6 is not there yet
        log.warning("re-planning: netzwerktreffen.mail.schedules is missing; no change notices sent")
        return None
    return send_change_notices(meeting, before_plan, after_plan)


def people_of(meeting: Meeting, ids) -> list[Registration]:
    wanted = set(ids)
    return sorted((r for r in meeting.registrations if r.id in wanted), key=lambda r: r.name.casefold())


def block_title(meeting: Meeting, key: str) -> str:
    block: Block | None = next((b for b in meeting.blocks if scheduling.block_key(b) == key), None)
    return block.title if block else key


# --------------------------------------------------------------------------
# The page after a re-planning


@dataclass
class Report:
    """What a re-planning changed, for people to read: who, what for each of them, which rounds to reprint."""

    people: list[Registration]  # affected, by name
    affected: list[int]  # their registration ids (also of people no longer registered)
    by_person: dict[int, list[str]]  # registration id -> "Block, Runde n: jetzt mit … (vorher …)"
    rounds: list[tuple[str, int]]  # (block key, round) whose room plans changed, sorted
    blocks: dict[str, Block]  # block key -> block


def report(meeting: Meeting, before: PlanVersion, after: PlanVersion) -> Report:
    changes = planning.differences(meeting, before.plan, after.plan)
    affected, rounds = affected_people(changes, before.plan, after.plan)
    blocks = {scheduling.block_key(b): b for b in meeting.blocks}
    return Report(people_of(meeting, affected), affected, describe_changes(meeting, changes, blocks),
                  sorted(rounds), blocks)


def describe_changes(meeting: Meeting, changes: list[planning.Difference],
                     blocks: dict[str, Block]) -> dict[int, list[str]]:
    """Each changed person-round in words, by registration id."""
    names = {scheduling.participant_id(r): r.name for r in meeting.registrations}
    tables = {scheduling.table_key(t): t.number for b in meeting.blocks for t in b.cafe_tables}
    by_person: dict[int, list[str]] = {}
    for change in changes:
        block = blocks.get(change.block_id)
        where = _("%(block)s, Runde %(n)s", block=block.title if block else change.block_id, n=change.round + 1)
        if block is not None and block.is_cafe:
            what = _("Tisch %(a)s statt %(b)s", a=", ".join(tables.get(t, t) for t in change.after),
                     b=", ".join(tables.get(t, t) for t in change.before))
        else:
            pause = pgettext("Runde", "Pause")  # no group-mates: a pause
            what = _("jetzt mit %(a)s (vorher %(b)s)", a=", ".join(names.get(p, p) for p in change.after) or pause,
                     b=", ".join(names.get(p, p) for p in change.before) or pause)
        by_person.setdefault(change.registration_id, []).append(f"{where}: {what}")
    return by_person
