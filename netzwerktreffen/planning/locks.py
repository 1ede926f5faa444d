"""Locks: an organiser's decision the optimiser keeps (two people together, a person at a café table).

Each lock is checked against the meeting as it is today (registrations, attendance,
tables) and against the instance a plan is checked with; only locks that can hold
apply. ``version_locks`` gives a plan version's instance with today's applicable locks.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import (CANCELLED, CONFIRMED, WAITLISTED, Block, CafeTable, Meeting, PlanLock,
                                         PlanVersion, Registration)
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning.today import today_instance
from netzwerktreffen.web.common import MAX_ID

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


def removed_message(removed: LockState) -> str:
    """The sentence that tells the organiser which lock was removed (``remove_lock``'s answer)."""
    names = removed.people + [_("unbekannte Person")] * (2 - len(removed.people))
    if removed.block.is_cafe:
        return _("Die Festlegung von %(a)s an Tisch %(t)s in „%(block)s“, Runde %(n)s ist entfernt.",
                 a=names[0], t=removed.table.number if removed.table else "?", block=removed.block.title,
                 n=removed.lock.round + 1)
    return _("Die Festlegung von %(a)s und %(b)s in „%(block)s“, Runde %(n)s ist entfernt.",
             a=names[0], b=names[1], block=removed.block.title, n=removed.lock.round + 1)


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


def fold(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def find_cafe_table(block: Block, text) -> CafeTable:
    """The café table of the block that an organiser typed as the page shows it: its number as printed
    (also with "Tisch" before it), its physical table's name, or its question; case and spaces do not matter."""
    wanted = fold(text)
    if not wanted:
        raise PlanningError(_("Bitte geben Sie den Tisch an (seine Nummer oder sein Thema)."))
    options = [wanted]
    if wanted.startswith(fold(_("Tisch")) + " "):
        options.append(wanted.split(" ", 1)[1])
    tests = (
        lambda t, w: fold(t.number) == w,
        lambda t, w: t.table is not None and (str(t.table.number) == w or (t.table.name and fold(t.table.name) == w)),
        lambda t, w: fold(t.question) == w,
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


# --------------------------------------------------------------------------
# A plan version with today's locks


def current_instance(version: PlanVersion) -> dict:
    """The version's instance with today's locks (those that can hold): what changes and publishing are
    checked against."""
    return version_locks(version)[0]


def version_locks(version: PlanVersion) -> tuple[dict, dict[int, list["LockState"]]]:
    """The version's instance with today's applicable locks, and every lock of the meeting with its state."""
    instance = copy.deepcopy(version.instance)
    states = check_locks(version.meeting, instance)
    keys = {scheduling.block_key(b): b.id for b in version.meeting.blocks}
    for block in instance["blocks"]:
        block["locks"] = [state.entry for state in states.get(keys.get(block["id"]), []) if state.applies]
    return instance, states
