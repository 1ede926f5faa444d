"""Before planning, and after: what makes a plan worse, and why, in the organiser's words.

``check_meeting`` runs before the optimiser (the plan index page shows it):
the scheduler's ``diagnose`` (people who share no language with anyone, colleagues
of everyone, too few possible partners, café tables too few in a language, and
what makes a plan impossible) and what only the app knows: a speed-networking
room with fewer tables than groups (those spots have no table), tables with
fewer seats than a group, café tables without a place in the room (their seats
are guessed) and café tables in a language no guest speaks.  Impossible
findings refuse planning (``refuse_impossible``); the others are warnings.

``plan_notes`` explains a stored plan: every pause, revisit, overfull café table
and missed coverage rule (``scheduler.explain.explain_plan``), per person, and the
rounds with more groups than the room has tables (``extra_spot_notes``: extra spots,
printed beside the room plan, never in it).
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import replace

from flask_babel import gettext as _

import scheduler
from scheduler.explain import diagnose, explain_plan
from scheduler.validate import speed_group_sizes

from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.scheduler_io import spot_numbers
from netzwerktreffen.planning.today import preload
from netzwerktreffen.planning.messages import (ERROR, PlanningError, WARNING, Explanation, Names, describe, explain_instance_error, explain_notes,
                            join)

log = logging.getLogger(__name__)


def _attending(instance: dict, block_key: str) -> list[str]:
    """Participant ids taking part in the block (build_instance marks the others with present [])."""
    block = next(b for b in instance["blocks"] if b["id"] == block_key)
    present = block.get("present") or {}
    return [p["id"] for p in instance["participants"] if present.get(p["id"]) != []]


def room_findings(meeting, instance: dict, names: Names,
                  sitting_out: dict[str, set[str]] | None = None) -> list[Explanation]:
    """What only the app knows: rooms, tables and seats, café table places and languages.
    ``sitting_out``: per block key, who will pause in every round (they need no table)."""
    found = []
    languages = {p["id"]: set(p.get("languages") or ["de"]) for p in instance["participants"]}
    for block in meeting.blocks:
        key = scheduling.block_key(block)
        attending = _attending(instance, key)
        if not block.is_cafe:
            attending = [pid for pid in attending if pid not in (sitting_out or {}).get(key, ())]
            if block.room is None or not attending:
                continue
            size = block.group_size or 2
            sizes = speed_group_sizes(len(attending), size) or (len(attending) // size, 0)
            groups = sum(sizes)
            tables = list(block.room.tables)
            if groups > len(tables):
                numbers = spot_numbers(block, groups)
                found.append(describe("room-too-few-tables", names, block=key, numbers={
                    "people": len(attending), "groups": groups, "tables": len(tables), "room": block.room.name,
                    "first": numbers[len(tables)], "last": numbers[-1]}))
            biggest = size + (1 if sizes[1] else 0)
            small = [t for t in tables[:groups] if t.seats < biggest]
            if small:
                found.append(describe("room-small-tables", names, block=key, numbers={
                    "room": block.room.name, "size": biggest,
                    "numbers": join([_("Tisch %(number)s", number=t.label) for t in small])}))
            continue
        if not block.cafe_tables:
            continue
        rows = {t["id"]: t for b in instance["blocks"] if b["id"] == key for t in b.get("tables", [])}
        hosts = {t.host_id for t in block.cafe_tables if t.host_id}
        without = [scheduling.table_key(t) for t in block.cafe_tables if t.table is None]
        if without:
            found.append(describe("cafe-table-no-place", names, block=key, numbers={
                "tables": without, "seats": rows.get(without[0], {}).get("seats", scheduling.DEFAULT_CAFE_SEATS)}))
        guests = [pid for pid in attending if scheduling.registration_id(pid) not in hosts]
        for table in block.cafe_tables:  # a host who cancelled or does not attend the café leaves the table alone
            if table.host_id and scheduling.participant_id(table.host_id) not in attending:
                found.append(describe("cafe-host-missing", names, block=key, numbers={
                    "table": scheduling.table_key(table), "host": table.host.name if table.host else ""}))
        for table in block.cafe_tables:
            if table.language and not any(table.language in languages[pid] for pid in guests):
                found.append(describe("cafe-language-unused", names, block=key, numbers={
                    "table": scheduling.table_key(table), "language": table.language}))
    return found


_CACHE: OrderedDict[str, list] = OrderedDict()
_CACHE_SIZE = 32
_cache_lock = threading.Lock()


def _diagnosed(instance: dict, parsed) -> list:
    """``diagnose`` of an instance, remembered for the instances seen last (a 300-person meeting takes
    seconds; the plan page and the start of planning ask for the same instance)."""
    key = hashlib.sha256(json.dumps(instance, sort_keys=True, default=str).encode()).hexdigest()
    with _cache_lock:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    notes = diagnose(parsed)
    with _cache_lock:
        _CACHE[key] = notes
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return notes


def check_meeting(meeting) -> list[Explanation]:
    """Everything that will make the meeting's plan worse, or impossible: errors first, then by block."""
    loaded = preload(meeting)  # noqa: F841 - kept while the instance is built (the session holds rows weakly)
    if not meeting.blocks or len(scheduling.participants(meeting)) < 2:
        return []
    instance = scheduling.build_instance(meeting)
    names = Names.of_meeting(meeting, instance)
    # a café without tables is refused by planning.check_plannable; diagnose it not
    plannable = dict(instance, blocks=[b for b in instance["blocks"]
                                       if b["kind"] != scheduling.CAFE or b.get("tables")])
    try:
        parsed = scheduler.parse_instance(plannable)
    except scheduler.InstanceError as error:
        log.info("check of %s: %s", meeting.slug, error)
        return [explain_instance_error(error, names, plannable)] + room_findings(meeting, instance, names)
    notes = _diagnosed(plannable, parsed)
    sitting_out: dict[str, set[str]] = {}
    for note in notes:
        if note.code in ("no-language", "colleagues"):
            sitting_out.setdefault(note.block, set()).update(note.participants)
    found = explain_notes(notes, names, by="reason") + room_findings(meeting, instance, names, sitting_out)
    order = {scheduling.block_key(b): k for k, b in enumerate(meeting.blocks)}
    return sorted(found, key=lambda e: (e.severity != ERROR, order.get(e.block, -1)))


def refuse_impossible(meeting) -> None:
    """PlanningError with the German reason when no plan can exist."""
    errors = [item for item in check_meeting(meeting) if item.severity == ERROR]
    if errors:
        raise PlanningError(" ".join(item.message for item in errors[:3]))


def plan_notes(meeting, version) -> list[Explanation]:
    """Every pause, revisit, overfull café table and missed coverage of a stored plan, explained per person."""
    try:
        instance = scheduler.parse_instance(version.instance)
        plan = scheduler.parse_plan(version.plan)
        notes = explain_plan(instance, plan)
    except (scheduler.InstanceError, KeyError, ValueError, TypeError) as error:  # an old or broken version
        log.info("no notes for %s version %s: %s", meeting.slug, version.number, error)
        return []
    names = Names.of_meeting(meeting, version.instance)
    order = {scheduling.block_key(b): k for k, b in enumerate(meeting.blocks)}
    found = explain_notes([_with_short_tables(note, version) for note in notes], names, by="person")
    found += extra_spot_notes(meeting, version, names)
    return sorted(found, key=lambda e: (order.get(e.block, -1), e.code != "overfull-table",
                                        min(e.rounds, default=-1)))


def extra_spot_notes(meeting, version, names: Names) -> list[Explanation]:
    """Rounds of a stored plan with more speed-networking groups than the room has tables, one finding per
    block and number of groups (its rounds merged): those spots are extra spots outside the room plan."""
    schedule = scheduling.Schedule(meeting, version.plan)
    found = []
    for block in meeting.blocks:
        if block.is_cafe or block.room is None:
            continue
        tables = len(block.room.tables)
        rounds_by_groups: dict[int, list[int]] = {}
        for r in range(block.rounds):
            groups = len(schedule.spots(block, r))
            if groups > tables:
                rounds_by_groups.setdefault(groups, []).append(r)
        for groups, rounds in sorted(rounds_by_groups.items()):
            numbers = spot_numbers(block, groups)
            found.append(describe("round-extra-spots", names, block=scheduling.block_key(block), rounds=rounds,
                                  numbers={"groups": groups, "tables": tables, "room": block.room.name,
                                           "extra": groups - tables, "first": numbers[tables],
                                           "last": numbers[-1]}))
    return found


def _with_short_tables(note, version):
    """An overfull café table that no guest needed (``only_here`` 0): the tables in a language that got
    fewer guests than even filling in that round, the likely reason (read off the plan)."""
    if note.code != "overfull-table" or note.numbers.get("only_here") or note.round is None:
        return note
    block = next((b for b in version.instance.get("blocks", []) if b["id"] == note.block), None)
    rounds = next((b.get("rounds", []) for b in version.plan.get("blocks", []) if b["id"] == note.block), [])
    if block is None or note.round >= len(rounds) or not block.get("tables"):
        return note
    hosts = {t["id"]: t.get("host") for t in block["tables"]}
    seating = rounds[note.round]
    guests = {t["id"]: sum(1 for pid in seating.get(t["id"], []) if pid != hosts[t["id"]]) for t in block["tables"]}
    even = -(-sum(guests.values()) // len(block["tables"]))
    short = [t for t in block["tables"] if t.get("language") and guests[t["id"]] < even]
    if not short:
        return note
    numbers = dict(note.numbers, short=[t["id"] for t in short],
                   short_languages=sorted({t["language"] for t in short}))
    return replace(note, numbers=numbers)


__all__ = ["check_meeting", "refuse_impossible", "plan_notes", "extra_spot_notes", "room_findings", "WARNING", "ERROR"]
