"""Planning: run the optimiser, store drafts, publish, and change plans by hand.

Views, the background job (``jobs``) and the command line call these functions.
Every change to a plan is checked with the scheduler's validator before anything
is stored. Locks live in ``locks``, the background job in ``jobs``.
"""
from __future__ import annotations

import copy
import inspect
import json
import logging
import time
from dataclasses import dataclass
from types import SimpleNamespace

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select

import scheduler
from scheduler.values import PairValues

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import DRAFT, PUBLISHED, SUPERSEDED, Meeting, PlanVersion, utcnow
from netzwerktreffen.planning import messages as plan_messages
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.locks import current_instance, find_cafe_table, fold
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning.personal import refresh_sequences
from netzwerktreffen.web.common import MAX_ID

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------
# Versions


def next_number(meeting: Meeting) -> int:
    return (db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.meeting_id == meeting.id))
            or 0) + 1


def store_version(meeting: Meeting, instance: dict, plan: dict, source: str, note: str = "",
                  bound: float | None = None) -> PlanVersion:
    """Store a plan as a new draft; the score is recomputed from scratch by the validator."""
    version = new_version(meeting, instance, plan, source, note, bound)
    db.session.commit()
    return version


def new_version(meeting: Meeting, instance: dict, plan: dict, source: str, note: str = "",
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


def publish(version: PlanVersion, commit: bool = True) -> None:
    """Make a draft the live plan; the plan published before stays, marked superseded.

    Only a plan that keeps every hard rule and today's locks (``current_instance``) is published;
    else PlanningError with the reasons, and nothing changes. Whose rounds change gets a higher
    iCal SEQUENCE (``personal.refresh_sequences``), in the same transaction. With ``commit=False``
    the caller commits (re-planning: together with the change notices)."""
    found = violations(current_instance(version), version.plan, block_titles(version.meeting))
    if found:
        db.session.rollback()
        reasons = [v["message"] for v in found]
        raise PlanningError(_("Version %(n)s wurde nicht veröffentlicht, weil sie Regeln verletzt:",
                              n=version.number), reasons)
    for other in version.meeting.plan_versions:
        if other.status == PUBLISHED and other.id != version.id:
            other.status = SUPERSEDED
    version.status = PUBLISHED
    version.published_at = utcnow()
    refresh_sequences(version.meeting, scheduling.Schedule(version.meeting, version.plan))
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def get_version(meeting: Meeting, number: int | str) -> PlanVersion | None:
    """The meeting's plan version with this number (also as written in a link, ``?von=3``); None for
    anything else, numbers no version can have included (PostgreSQL would refuse them)."""
    if isinstance(number, str):
        number = int(number) if number.strip().isdigit() else None
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number <= MAX_ID:
        return None
    return db.session.scalar(select(PlanVersion).where(PlanVersion.meeting_id == meeting.id,
                                                       PlanVersion.number == number))


def version_or_404(meeting: Meeting, number: int | str) -> PlanVersion:
    """``get_version`` for the views: 404 for every number the meeting has no version for."""
    version = get_version(meeting, number)
    if version is None:
        abort(404)
    return version


# --------------------------------------------------------------------------
# Solving


def check_plannable(meeting: Meeting) -> None:
    """PlanningError with the reason when the meeting cannot be planned yet (no block, too few people, …)."""
    if not meeting.blocks:
        raise PlanningError(_("Das Treffen hat noch keinen Block (Speed Networking oder Pro-Action-Café)."))
    if len(scheduling.participants(meeting)) < 2:
        raise PlanningError(_("Für eine Planung braucht es mindestens zwei bestätigte Anmeldungen."))
    for block in meeting.blocks:
        if block.is_cafe and not block.cafe_tables:
            raise PlanningError(_("Das Pro-Action-Café „%(title)s“ hat noch keine Tische.", title=block.title))
    from netzwerktreffen.planning.check import refuse_impossible
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
                  on_progress=None, should_stop=None, on_plan=None) -> Solved:
    """Build the instance, solve, store a draft. Raises PlanningError with the reason.

    ``on_plan(instance, plan)`` hears each better complete plan while solving.
    """
    instance, result, seconds = run_solver(meeting, time_limit, seed, on_progress=on_progress,
                                           should_stop=should_stop, on_plan=on_plan)
    version = store_version(meeting, instance, result.plan.to_dict(), source="optimiser", bound=result.bound)
    stopped = bool(should_stop and should_stop())
    return Solved(version, result.score, result.bound, result.gap, seconds, stopped)


def run_solver(meeting: Meeting, time_limit: float, seed: int = 0, *, on_progress=None, should_stop=None,
               on_plan=None):
    """(instance, the scheduler's result, seconds), nothing stored; raises PlanningError with the reason."""
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


# --------------------------------------------------------------------------
# Manual changes


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
        spot = fold(target)
        if spot.startswith(fold(_("Platz")) + " "):
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
    return explained(scheduler.validate(instance, plan), instance, blocks)


def explained(found: list, instance: dict, blocks: dict[str, str] | None = None) -> list[dict]:
    """Validator findings as the page shows them, each with its sentence for the organiser."""
    names = {p["id"]: p.get("name") or _("eine Person") for p in instance["participants"]}
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
    plan = changed_plan(version, change)
    return plan, violations(current_instance(version), plan, block_titles(version.meeting))


@dataclass
class ChangeCheck:
    """What one manual change would do: the rules it breaks and what it costs or gains in score."""
    violations: list[dict]
    score_change: float  # new plan's score minus the changed version's, both against today's instance


def check_change(version: PlanVersion, change: dict) -> ChangeCheck:
    """``apply_change`` with the score of the version and of the changed plan, both scored against the
    same instance (today's locks) by the validator, so the difference is the change's alone."""
    plan = changed_plan(version, change)
    instance = current_instance(version)
    parsed, changed = scheduler.parse_instance(instance), scheduler.parse_plan(plan)
    values = PairValues(parsed)  # the pair values once, for the check and both scores
    found = scheduler.validate_plan(parsed, changed, values)
    before, _blocks = scheduler.score_plan(parsed, scheduler.parse_plan(version.plan), values)
    after, _blocks = scheduler.score_plan(parsed, changed, values)
    return ChangeCheck(explained(found, instance, block_titles(version.meeting)), round(after - before, 6))


def changed_plan(version: PlanVersion, change: dict) -> dict:
    """The plan after one manual change (``apply_change``), unchecked."""
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
    return plan


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


def import_plan_file(meeting: Meeting, data: bytes) -> PlanVersion:
    """An uploaded plan file (JSON) stored as a draft; else PlanningError: the message, and the reasons as lines."""
    try:
        plan = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PlanningError(_("Die Datei ist kein gültiges JSON: %(error)s", error=str(error))) from error
    except RecursionError as error:
        raise PlanningError(_("Die Datei ist kein gültiges JSON: sie ist zu tief verschachtelt.")) from error
    except ValueError as error:  # an integer beyond Python's digit limit
        raise PlanningError(_("Die Datei ist kein gültiges JSON: sie enthält eine zu lange Zahl.")) from error
    try:
        return import_plan(meeting, plan)
    except PlanningError as error:
        raise PlanningError(_("Der Plan wurde nicht übernommen:"), str(error).splitlines()) from error


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
