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

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerktreffen.core.coverage import must_meet_text
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.text import one_line
from netzwerktreffen.planning.cafe_choices import weigh_cafe_choices
from netzwerktreffen.planning.chain_topics import chain_keys
from netzwerktreffen.planning.coverage_io import add_coverage
from netzwerktreffen.core.models import (CAFE, CONFIRMED, PUBLISHED, SPEED, SUPERSEDED, Block, CafeTable, Meeting,
                                         PlanLock, PlanVersion, Registration)

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
        .options(selectinload(Registration.stations)).order_by(Registration.id)))


def people_by_pid(meeting: Meeting) -> dict[str, Registration]:
    """Participant id -> registration, for every registration of the meeting (whatever its status)."""
    people = db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                .options(selectinload(Registration.sector), selectinload(Registration.meeting)))
    return {participant_id(r): r for r in people}


def named_in_lines(people: list[Registration], lines_of, *, organisations: bool) -> dict[Registration, list]:
    """Per person, the others their free-text lines (``lines_of(person)``) name: by name, or by organisation."""
    by_name = defaultdict(list)
    by_org = defaultdict(list)
    for person in people:
        by_name[_norm(person.name)].append(person)
        by_org[_norm(person.organisation)].append(person)
    named = {}
    for person in people:
        found = [other for line in _lines(lines_of(person))
                 for other in by_name.get(line, []) + (by_org.get(line, []) if organisations else [])]
        named[person] = list(dict.fromkeys(o for o in found if o.id != person.id))
    return named


def _pairs_from_lines(people: list[Registration], attribute: str, *, organisations: bool) -> list[list[str]]:
    """Pairs named in free-text lines (``not_with`` or ``wishes``): by name, or by organisation."""
    named = named_in_lines(people, lambda person: getattr(person, attribute), organisations=organisations)
    pairs = {tuple(sorted((person.id, other.id))) for person, others in named.items() for other in others}
    return [[participant_id(a), participant_id(b)] for a, b in sorted(pairs)]


def earlier_versions(meeting: Meeting) -> list[PlanVersion]:
    """The published plans of the series' meetings before this one."""
    if not meeting.series_name:
        return []
    return list(db.session.scalars(
        select(PlanVersion).join(Meeting)
        .where(Meeting.series_name == meeting.series_name, Meeting.date < meeting.date,
               Meeting.id != meeting.id, PlanVersion.status == PUBLISHED)))


def met_earlier(meeting: Meeting, people: list[Registration]) -> set[tuple[int, int]]:
    """Pairs of ``people`` (registration ids, smaller first) who met at an earlier meeting of the same series,
    by its published plan, the people matched by e-mail. Empty outside a series."""
    by_email = {p.email: p for p in people}
    pairs = set()
    for version in earlier_versions(meeting):
        emails = {r.id: r.email for r in version.meeting.registrations}
        for _block, _round, group in plan_groups(version.plan):
            met = [by_email[emails[registration_id(pid)]] for pid in group
                   if registration_id(pid) in emails and emails[registration_id(pid)] in by_email]
            for a, b in combinations(sorted({p.id for p in met}), 2):
                pairs.add((a, b))
    return pairs


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


def lock_entry(block: Block, lock: PlanLock) -> dict:
    """A stored lock in the instance format, whether or not it can hold (see ``LockChecker``)."""
    if block.kind == CAFE:
        return {"round": lock.round, "participant": participant_id(lock.registration_id),
                "table": table_key(lock.cafe_table_id) if lock.cafe_table_id is not None else ""}
    together = [participant_id(lock.registration_id)]
    if lock.other_id is not None:
        together.append(participant_id(lock.other_id))
    return {"round": lock.round, "together": together}


def block_locks(block: Block, attending: set[int] | None = None) -> list[dict]:
    """The organiser's locks of a block in the instance format, oldest first (only people attending, when given).

    Nothing here says whether a lock can hold: ``build_instance`` keeps only those that can
    (``keep_usable_locks``); the others would make the scheduler refuse the whole instance."""
    def attends(*ids) -> bool:
        return attending is None or all(rid in attending for rid in ids)
    locks = []
    for lock in sorted(block.locks, key=lambda lock: lock.id or 0):
        ids = [lock.registration_id] + ([lock.other_id] if lock.other_id is not None else [])
        if attends(*ids):
            locks.append(lock_entry(block, lock))
    return locks


def table_labels(meeting: Meeting) -> dict[str, str]:
    """Café table key -> the table as organisers see it on the plan page (its printed number)."""
    return {table_key(t): t.number for b in meeting.blocks if b.is_cafe for t in b.cafe_tables}


class LockChecker:
    """Checks the locks of one instance block one after the other: a lock is accepted when it can
    hold in that instance together with the locks accepted before it. ``add`` answers None or
    the reason (a sentence for the organiser); only accepted locks are kept.

    The rules are the scheduler's hard rules (``scheduler.validate``) as far as locks alone
    decide them: the people are in the instance and present in that round, a pair may meet
    (same rules as the instance's ``avoid`` list, organisation and languages), a person is in
    one group or at one table per round, a group or table holds no more people than it can,
    a host stays at their own table, a guest speaks the table's language and visits a table
    once, a pair does not meet twice without ``allow_repeats``, rounds already held stay as they were.
    """

    def __init__(self, instance: dict, block: dict | None, labels: dict[str, str] | None = None):
        self.block = block
        self.people = {p["id"]: p for p in instance.get("participants", [])}
        self.avoid = {frozenset(pair) for pair in instance.get("avoid", [])}
        self.labels = labels or {}
        self.accepted: list[dict] = []

    # -- helpers
    def name(self, pid: str) -> str:
        person = self.people.get(pid)
        return (person.get("name") or _("eine Person")) if person else _("eine Person")

    def names(self, pids) -> str:
        names = [self.name(pid) for pid in pids]
        return names[0] if len(names) == 1 else _("%(list)s und %(last)s", list=", ".join(names[:-1]),
                                                   last=names[-1])

    def table(self, tid: str) -> str:
        if tid in self.labels:
            return self.labels[tid]
        row = next((t for t in self.block.get("tables", []) if t["id"] == tid), None)
        return (row or {}).get("topic") or "?"

    def present(self, pid: str, r: int) -> bool:
        rounds = self.block.get("present", {}).get(pid)
        return rounds is None or r in rounds

    def present_in(self, r: int) -> list[str]:
        return [pid for pid in self.people if self.present(pid, r)]

    def forbidden(self, a: str, b: str) -> str | None:
        """Why a and b may never meet (the scheduler's rules), or None."""
        p, q = self.people[a], self.people[b]
        first, second = self.name(a), self.name(b)
        if p.get("organisation", "") == q.get("organisation", ""):
            return _("%(a)s und %(b)s arbeiten in derselben Organisation.", a=first, b=second)
        if frozenset((a, b)) in self.avoid:
            return _("%(a)s und %(b)s sollen nicht zusammensitzen.", a=first, b=second)
        if not set(p.get("languages") or ["de"]) & set(q.get("languages") or ["de"]):
            return _("%(a)s und %(b)s haben keine gemeinsame Sprache.", a=first, b=second)
        return None

    # -- the check
    def add(self, lock: dict) -> str | None:
        reason = self.problem(lock)
        if reason is None:
            self.accepted.append(lock)
        return reason

    def problem(self, lock: dict) -> str | None:
        if self.block is None:
            return _("Diesen Block gibt es in dieser Planversion nicht.")
        r = lock.get("round")
        if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < self.block["rounds"]:
            return _("Diese Runde gibt es in diesem Block nicht.")
        if r < len(self.block.get("fixed_rounds") or []):
            return _("Runde %(n)s ist schon vorbei.", n=r + 1)
        if self.block.get("kind") == CAFE:
            return self.cafe_problem(lock, r)
        return self.speed_problem(lock, r)

    def _people_problem(self, pids: list[str], r: int) -> str | None:
        for pid in pids:
            if pid not in self.people:
                return _("Eine der Personen ist nicht (mehr) bestätigt angemeldet.")
        for pid in pids:
            if not self.present(pid, r):
                return _("%(a)s ist in Runde %(n)s nicht da.", a=self.name(pid), n=r + 1)
        return None

    def speed_problem(self, lock: dict, r: int) -> str | None:
        together = list(lock.get("together") or [])
        if len(together) < 2:
            return _("Zu dieser Festlegung fehlt die zweite Person.")
        if len(set(together)) < len(together):
            return _("%(a)s ist mit sich selbst festgelegt.", a=self.name(together[0]))
        reason = self._people_problem(together, r)
        if reason:
            return reason
        for a, b in combinations(together, 2):
            reason = self.forbidden(a, b)
            if reason:
                return reason
        groups = self.groups(r)
        if any(set(together) <= group for group in groups):
            return _("%(people)s sind für Runde %(n)s schon zusammen festgelegt.", people=self.names(together),
                     n=r + 1)
        merged = set(together).union(*(g for g in groups if g & set(together)))
        others = [g for g in groups if not g & set(together)]
        ordered = [pid for pid in self.people if pid in merged]
        for a, b in combinations(ordered, 2):
            reason = self.forbidden(a, b)
            if reason:
                return _("Mit den übrigen Festlegungen von Runde %(n)s säßen %(people)s in einer Gruppe. "
                         "%(reason)s", n=r + 1, people=self.names(ordered), reason=reason)
        sizes = self.group_sizes(r)
        needed = sorted([len(g) for g in others] + [len(merged)], reverse=True)
        if sizes is not None and any(k >= len(sizes) or size > sizes[k] for k, size in enumerate(needed)):
            if len(merged) > (sizes[0] if sizes else 0):
                return _("Mit den übrigen Festlegungen von Runde %(n)s säßen %(count)s Personen in einer "
                         "Gruppe (%(people)s); eine Gruppe hat dort höchstens %(max)s.", n=r + 1,
                         count=len(merged), people=self.names(ordered), max=sizes[0] if sizes else 0)
            return _("Für alle Festlegungen von Runde %(n)s gibt es nicht genug große Gruppen.", n=r + 1)
        if not self.block.get("allow_repeats", False):
            for a, b in combinations(ordered, 2):
                for k, groups_k in enumerate(self.block.get("fixed_rounds") or []):
                    if any(a in g and b in g for g in groups_k):
                        return _("%(a)s und %(b)s haben sich in Runde %(k)s schon getroffen; ein zweites Mal "
                                 "treffen sie sich in diesem Block nicht.", a=self.name(a), b=self.name(b),
                                 k=k + 1)
                for other in range(self.block["rounds"]):
                    if other != r and any(a in g and b in g for g in self.groups(other)):
                        return _("%(a)s und %(b)s sind schon für Runde %(k)s zusammen festgelegt; ein zweites "
                                 "Mal treffen sie sich in diesem Block nicht.", a=self.name(a), b=self.name(b),
                                 k=other + 1)
        return None

    def groups(self, r: int) -> list[set[str]]:
        """The people the accepted locks of round r put together, merged into groups."""
        groups: list[set[str]] = []
        for lock in self.accepted:
            if lock["round"] != r:
                continue
            people = set(lock["together"])
            touching = [g for g in groups if g & people]
            groups = [g for g in groups if not g & people] + [people.union(*touching)]
        return groups

    def group_sizes(self, r: int) -> list[int] | None:
        """The sizes of the round's groups, largest first (None when the people present cannot be split)."""
        from scheduler.validate import speed_group_sizes
        size = self.block.get("group_size", 2)
        split = speed_group_sizes(len(self.present_in(r)), size)
        if split is None:
            return None
        regular, larger = split
        return [size + 1] * larger + [size] * regular

    def cafe_problem(self, lock: dict, r: int) -> str | None:
        pid, tid = lock.get("participant"), lock.get("table")
        tables = {t["id"]: t for t in self.block.get("tables", [])}
        if tid not in tables:
            return _("Diesen Tisch gibt es in diesem Block nicht.")
        reason = self._people_problem([pid], r)
        if reason:
            return reason
        hosting = {t["host"]: t["id"] for t in tables.values() if t.get("host")}
        if pid in hosting and hosting[pid] != tid:
            return _("%(a)s ist Gastgeberin oder Gastgeber an Tisch %(t)s und bleibt dort.", a=self.name(pid),
                     t=self.table(hosting[pid]))
        same_round = [lock for lock in self.accepted if lock["round"] == r and lock["participant"] == pid]
        if any(lock["table"] == tid for lock in same_round):
            return _("%(a)s ist für Runde %(n)s schon an Tisch %(t)s festgelegt.", a=self.name(pid), n=r + 1,
                     t=self.table(tid))
        if same_round:
            return _("%(a)s ist für Runde %(n)s schon an Tisch %(t)s festgelegt und kann nicht zugleich an "
                     "einem anderen Tisch sitzen.", a=self.name(pid), n=r + 1, t=self.table(same_round[0]["table"]))
        if pid in hosting:
            return None  # the host at their own table: nothing more to check
        table = tables[tid]
        languages = set(self.people[pid].get("languages") or ["de"])
        if table.get("language") and table["language"] not in languages:
            from netzwerktreffen.core.i18n import language_name
            return _("%(a)s spricht %(language)s nicht, die Sprache von Tisch %(t)s.", a=self.name(pid),
                     language=language_name(table["language"]), t=self.table(tid))
        for k, seating in enumerate(self.block.get("fixed_rounds") or []):
            if pid in seating.get(tid, []):
                return _("%(a)s saß in Runde %(k)s schon an Tisch %(t)s; an jeden Tisch setzt man sich nur "
                         "einmal.", a=self.name(pid), k=k + 1, t=self.table(tid))
        for lock in self.accepted:
            if lock["participant"] == pid and lock["table"] == tid:
                return _("%(a)s ist schon für Runde %(k)s an Tisch %(t)s festgelegt; an jeden Tisch setzt man "
                         "sich nur einmal.", a=self.name(pid), k=lock["round"] + 1, t=self.table(tid))
        here = self.present_in(r)
        hosts_here = [host for host in hosting if host in here]
        guests = len(here) - len(hosts_here)
        host_here = 1 if table.get("host") in here else 0
        most = min(table.get("seats", DEFAULT_CAFE_SEATS) - host_here,
                   -(-guests // len(tables)) if tables else 0)  # tables differ by at most one guest
        locked = 1 + sum(1 for lock in self.accepted if lock["round"] == r and lock["table"] == tid
                         and lock["participant"] not in hosting)
        if locked > most:
            return _("An Tisch %(t)s wären in Runde %(n)s %(count)s Gäste festgelegt; dort ist Platz für "
                     "höchstens %(max)s.", t=self.table(tid), n=r + 1, count=locked, max=max(most, 0))
        return None


def usable_locks(instance: dict, block: dict, locks: list[dict], labels: dict[str, str] | None = None
                 ) -> list[tuple[dict, str | None]]:
    """Each lock with None (it can hold) or the reason it cannot, checked in order."""
    checker = LockChecker(instance, block, labels)
    return [(lock, checker.add(lock)) for lock in locks]


def keep_usable_locks(instance: dict, labels: dict[str, str] | None = None) -> dict:
    """Drop, in place, every block's locks that cannot hold in this instance (see ``LockChecker``)."""
    for block in instance.get("blocks", []):
        block["locks"] = [lock for lock, reason in usable_locks(instance, block, block.get("locks") or [], labels)
                          if reason is None]
    return instance


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
    chain = {p.id: chain_keys(p) for p in people}  # neighbouring stations of a process chain: a handover
    instance = {
        "format": INSTANCE_FORMAT,
        "name": meeting.display_title,
        "weights": weights,
        "sector_affinity": affinity,
        "participants": [{
            "id": participant_id(p), "name": p.name, "organisation": p.organisation,
            "sector": p.sector.key if p.sector else NO_SECTOR,
            "offers": sorted({t.key for t in p.offers} | chain[p.id][0]),
            "needs": sorted({t.key for t in p.needs} | chain[p.id][1]),
            "languages": list(p.languages or ["de"]),
        } for p in people],
        "avoid": _pairs_from_lines(people, "not_with", organisations=False),
        "wish": _pairs_from_lines(people, "wishes", organisations=True),
        "history": [[participant_id(a), participant_id(b)] for a, b in sorted(met_earlier(meeting, people))],
        "blocks": blocks,
    }
    add_coverage(instance, meeting, named_in_lines(people, must_meet_text, organisations=False), participant_id)
    return weigh_cafe_choices(keep_usable_locks(instance, table_labels(meeting)), meeting.cafe_choices)


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

    @property
    def room(self) -> str:
        """The name of the room the seat is in: a café table's own room where it has one, else the block's."""
        if self.paused:
            return ""
        table = self.cafe_table.table if self.cafe_table is not None else None
        if table is not None:
            return table.room.name
        return self.block.room.name if self.block.room else ""

    @property
    def place(self) -> str:
        """Where the person sits, as they are told: "Platz 3", "Tisch 6" or "Café, Tisch 1" ("" for a pause)."""
        if self.paused:
            return ""
        if self.cafe_table is not None:
            return _cafe_spot(self.cafe_table, self.label)
        return _("Platz %(n)s", n=self.spot)


def _cafe_spot(cafe_table, label: str) -> str:
    """A café table as a person is told: "Tisch 1", or with the table's name "Café, Tisch 1"
    (not "Tisch 1 Café 1" from the table's label; a name ending in the table's number drops it)."""
    table = cafe_table.table
    name = one_line(table.name if table is not None else "")
    if name:
        name = name.removesuffix(f" {table.number}").strip() or name
        return _("%(name)s, Tisch %(n)s", name=name, n=table.number)
    return _("Tisch %(t)s", t=label)


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
        # the café tables with their physical tables in two queries, not one per table (the personal page asks often)
        db.session.scalars(select(CafeTable).join(Block).where(Block.meeting_id == meeting.id)
                           .options(selectinload(CafeTable.table))).all()
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
                    if isinstance(round_, dict):  # a café table as printed; a table deleted since: no internal key
                        label = cafe_table.number if cafe_table is not None else _("gelöschter Tisch")
                    else:
                        label = key
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


def published(meeting: Meeting) -> PlanVersion | None:
    """The meeting's published plan (the live one), or None: the one way to ask for it."""
    return db.session.scalar(select(PlanVersion).where(PlanVersion.meeting_id == meeting.id,
                                                       PlanVersion.status == PUBLISHED)
                             .order_by(PlanVersion.number.desc()).limit(1))


def previously_published(meeting: Meeting) -> PlanVersion | None:
    """The plan that was live before the current one (superseded most recently), if any."""
    return db.session.scalar(select(PlanVersion).where(PlanVersion.meeting_id == meeting.id,
                                                       PlanVersion.status == SUPERSEDED,
                                                       PlanVersion.published_at.is_not(None))
                             .order_by(PlanVersion.published_at.desc(), PlanVersion.number.desc()).limit(1))


def spot_numbers(block: Block, count: int) -> list[str]:
    """The printed number of each speed-networking spot: spot k sits at the k-th table of the block's room."""
    tables = list(block.room.tables) if block.room else []
    numbers = [t.label for t in tables[:count]]
    used = {t.number for t in tables}
    following = max(used, default=0)
    while len(numbers) < count:
        following += 1
        numbers.append(str(following))
    return numbers
