"""The one place that translates between the database and the scheduler.

``build_instance`` turns a meeting's rows into a ``netzwerktreffen-instance/1``
dict (see ../shared/spec/scheduler-io.md); ``Schedule`` reads a stored plan
back as rows per person, round and table for the views, mails and print-outs.
Ids: participants are ``r<registration id>``, blocks ``b<block id>``, café
tables ``t<café table id>``.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import select

from .extensions import db
from .models import (CAFE, CONFIRMED, PUBLISHED, SPEED, Block, CafeTable, Meeting, PlanVersion,
                     Registration)

INSTANCE_FORMAT = "netzwerktreffen-instance/1"
PLAN_FORMAT = "netzwerktreffen-plan/1"
WEIGHT_KEYS = ("offer_need", "sector", "wish", "history", "preference", "repeat", "forbidden",
               "fairness", "change")
DEFAULT_CAFE_SEATS = 6
NO_SECTOR = "ohne-bereich"


def participant_id(registration: Registration | int) -> str:
    return f"r{registration if isinstance(registration, int) else registration.id}"


def registration_id(pid: str) -> int:
    return int(pid[1:])


def block_key(block: Block | int) -> str:
    return f"b{block if isinstance(block, int) else block.id}"


def table_key(table: CafeTable | int) -> str:
    return f"t{table if isinstance(table, int) else table.id}"


def _norm(text: str) -> str:
    """Casefolded, accents kept, whitespace and punctuation folded: for matching names by hand-typed lines."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w@.-]+", " ", text).split())


def _lines(text: str) -> list[str]:
    return [_norm(line) for line in re.split(r"[\n;]+", text or "") if _norm(line)]


def participants(meeting: Meeting) -> list[Registration]:
    """The people the plan is for: confirmed registrations, in a stable order."""
    return list(db.session.scalars(
        select(Registration).where(Registration.meeting_id == meeting.id, Registration.status == CONFIRMED)
        .order_by(Registration.id)))


def _pairs_from_lines(people: list[Registration], attribute: str, *, organisations: bool) -> list[list[str]]:
    """Pairs named in free-text lines (``not_with`` or ``wishes``): by name, or by organisation."""
    by_name = defaultdict(list)
    by_org = defaultdict(list)
    for person in people:
        by_name[_norm(person.name)].append(person)
        by_org[_norm(person.organisation)].append(person)
    pairs = set()
    for person in people:
        for line in _lines(getattr(person, attribute)):
            matches = by_name.get(line, []) + (by_org.get(line, []) if organisations else [])
            for other in matches:
                if other.id != person.id:
                    pairs.add(tuple(sorted((person.id, other.id))))
    return [[participant_id(a), participant_id(b)] for a, b in sorted(pairs)]


def _history(meeting: Meeting, people: list[Registration]) -> list[list[str]]:
    """Pairs who met at an earlier meeting of the same series (by their published plans, matched by e-mail)."""
    if not meeting.series_name:
        return []
    by_email = {p.email: p for p in people}
    earlier = db.session.scalars(
        select(PlanVersion).join(Meeting)
        .where(Meeting.series_name == meeting.series_name, Meeting.date < meeting.date,
               Meeting.id != meeting.id, PlanVersion.status == PUBLISHED)).all()
    pairs = set()
    for version in earlier:
        emails = {r.id: r.email for r in version.meeting.registrations}
        for _block, _round, group in plan_groups(version.plan):
            met = [by_email[emails[registration_id(pid)]] for pid in group
                   if registration_id(pid) in emails and emails[registration_id(pid)] in by_email]
            for a, b in combinations(sorted({p.id for p in met}), 2):
                pairs.add((a, b))
    return [[participant_id(a), participant_id(b)] for a, b in sorted(pairs)]


def round_groups(round_) -> list:
    """The groups of one plan round: a speed round's groups, or the people at each café table."""
    return list(round_.values()) if isinstance(round_, dict) else list(round_)


def plan_groups(plan: dict):
    """(block id, round, members) for every group or table of a plan."""
    for block in plan.get("blocks", []):
        for r, round_ in enumerate(block.get("rounds", [])):
            for members in round_groups(round_):
                yield block["id"], r, list(members)


def _attending(block: Block, people: list[Registration]) -> set[int]:
    return {p.id for p in people if block in p.blocks}


def block_locks(block: Block, attending: set[int] | None = None) -> list[dict]:
    """The organiser's locks of a block in the instance format (only people attending, when given)."""
    def attends(*ids) -> bool:
        return attending is None or all(rid in attending for rid in ids)
    table_ids = {t.id for t in block.cafe_tables}
    locks = []
    for lock in block.locks:
        if lock.round >= block.rounds:
            continue
        if block.kind == CAFE and lock.cafe_table_id in table_ids and attends(lock.registration_id):
            locks.append({"round": lock.round, "table": table_key(lock.cafe_table_id),
                          "participant": participant_id(lock.registration_id)})
        elif block.kind == SPEED and lock.other_id is not None and attends(lock.registration_id, lock.other_id):
            locks.append({"round": lock.round, "together": [participant_id(lock.registration_id),
                                                            participant_id(lock.other_id)]})
    return locks


def _speed_block(block: Block, people: list[Registration]) -> dict:
    attending = _attending(block, people)
    return {
        "id": block_key(block), "kind": SPEED, "rounds": block.rounds, "group_size": block.group_size,
        "allow_repeats": bool(block.allow_repeats),
        "present": {participant_id(p): [] for p in people if p.id not in attending},
        "fixed_rounds": [], "published": None,
        "locks": block_locks(block, attending),
    }


def _cafe_block(block: Block, people: list[Registration]) -> dict:
    attending = _attending(block, people)
    present_count = max(len(attending), 1)
    tables = []
    fallback_seats = max(DEFAULT_CAFE_SEATS, math.ceil(present_count / max(len(block.cafe_tables), 1)) + 1)
    for cafe_table in block.cafe_tables:
        row = {"id": table_key(cafe_table), "topic": cafe_table.question,
               "seats": cafe_table.table.seats if cafe_table.table else fallback_seats}
        if cafe_table.host_id in attending:
            row["host"] = participant_id(cafe_table.host_id)
        if cafe_table.language:
            row["language"] = cafe_table.language
        tables.append(row)
    table_ids = {cafe_table.id for cafe_table in block.cafe_tables}
    preferences = {}
    for person in people:
        if person.id not in attending:
            continue
        ranked = [table_key(c.cafe_table_id) for c in person.cafe_choices if c.cafe_table_id in table_ids]
        if ranked:
            preferences[participant_id(person)] = ranked
    return {
        "id": block_key(block), "kind": CAFE, "rounds": block.rounds, "tables": tables,
        "preferences": preferences,
        "present": {participant_id(p): [] for p in people if p.id not in attending},
        "fixed_rounds": [], "published": None,
        "locks": block_locks(block, attending),
    }


def build_instance(meeting: Meeting) -> dict:
    """The meeting as a scheduler instance (confirmed registrations, every block)."""
    people = participants(meeting)
    affinity = [[a.sector_a.key, a.sector_b.key, a.value] for a in meeting.affinities]
    weights = {k: v for k, v in (meeting.weights or {}).items() if k in WEIGHT_KEYS}
    blocks = [(_cafe_block if block.kind == CAFE else _speed_block)(block, people) for block in meeting.blocks]
    return {
        "format": INSTANCE_FORMAT,
        "name": meeting.display_title,
        "weights": weights,
        "sector_affinity": affinity,
        "participants": [{
            "id": participant_id(p), "name": p.name, "organisation": p.organisation,
            "sector": p.sector.key if p.sector else NO_SECTOR,
            "offers": sorted(t.key for t in p.offers), "needs": sorted(t.key for t in p.needs),
            "languages": list(p.languages or ["de"]),
        } for p in people],
        "avoid": _pairs_from_lines(people, "not_with", organisations=False),
        "wish": _pairs_from_lines(people, "wishes", organisations=True),
        "history": _history(meeting, people),
        "blocks": blocks,
    }


def with_published(instance: dict, published: dict | None, fixed_rounds: dict[str, int] | None = None) -> dict:
    """The instance for re-planning: the published plan and the rounds already held per block."""
    plan_blocks = {b["id"]: b["rounds"] for b in (published or {}).get("blocks", [])}
    for block in instance["blocks"]:
        rounds = plan_blocks.get(block["id"])
        if rounds is None or len(rounds) != block["rounds"]:
            continue
        block["published"] = rounds
        held = (fixed_rounds or {}).get(block["id"], 0)
        block["fixed_rounds"] = rounds[:held]
    return instance


# --------------------------------------------------------------------------
# Reading a plan back


@dataclass
class Seat:
    """One person in one round: where they sit and with whom."""

    block: Block
    round: int
    spot: str  # speed networking: spot number; café: table key
    label: str  # the spot number / the café table's printed number ("" for a pause)
    people: list[int] = field(default_factory=list)  # registration ids at the same spot, incl. this person
    cafe_table: CafeTable | None = None
    paused: bool = False  # speed networking: the person sits this round out (a pause), no spot


class Schedule:
    """A stored plan as rows: who sits where in each round, per person and per spot.

    A pause (speed networking: the plan's ``pauses``, one list per round) is a
    seat of its own for the person (``paused``), never a spot: room plans and
    table cards do not show it, the person's schedule does."""

    def __init__(self, meeting: Meeting, plan: dict):
        self.meeting = meeting
        self.plan = plan
        self.blocks = {block_key(b): b for b in meeting.blocks}
        self.by_person: dict[int, list[Seat]] = defaultdict(list)
        self.by_spot: dict[tuple[int, int], list[Seat]] = defaultdict(list)  # (block id, round) -> seats
        self.by_pause: dict[tuple[int, int], list[int]] = defaultdict(list)  # (block id, round) -> who pauses
        tables = {table_key(t): t for b in meeting.blocks for t in b.cafe_tables}
        for block_plan in plan.get("blocks", []):
            block = self.blocks.get(block_plan["id"])
            if block is None:
                continue
            for r, round_ in enumerate(block_plan["rounds"]):
                if isinstance(round_, dict):  # café: in the block's table order, every table
                    order = [table_key(t) for t in block.cafe_tables]
                    order += [key for key in round_ if key not in order]
                    spots = [(key, tables.get(key), round_.get(key, [])) for key in order]
                else:
                    spots = [(str(k + 1), None, members) for k, members in enumerate(round_)]
                for key, cafe_table, members in spots:
                    ids = [registration_id(pid) for pid in members]
                    label = cafe_table.number if cafe_table is not None else key
                    seat = Seat(block, r, key, label, ids, cafe_table)
                    self.by_spot[(block.id, r)].append(seat)
                    for rid in ids:
                        self.by_person[rid].append(seat)
            pauses = block_plan.get("pauses") or []
            for r, paused in enumerate(pauses[:len(block_plan["rounds"])]):
                for pid in paused:
                    rid = registration_id(pid)
                    self.by_pause[(block.id, r)].append(rid)
                    self.by_person[rid].append(Seat(block, r, "", "", [rid], paused=True))

    def seats_of(self, registration: Registration | int) -> list[Seat]:
        rid = registration if isinstance(registration, int) else registration.id
        return sorted(self.by_person.get(rid, []), key=lambda s: (s.block.position, s.round))

    def spots(self, block: Block, round_: int) -> list[Seat]:
        return self.by_spot.get((block.id, round_), [])

    def paused(self, block: Block, round_: int) -> list[int]:
        """Registration ids of the people who sit this round of the block out."""
        return self.by_pause.get((block.id, round_), [])


def latest(meeting: Meeting, status: str | None = None) -> PlanVersion | None:
    query = select(PlanVersion).where(PlanVersion.meeting_id == meeting.id)
    if status:
        query = query.where(PlanVersion.status == status)
    return db.session.scalar(query.order_by(PlanVersion.number.desc()).limit(1))
