"""What the planner says, in plain German (English in the English UI): one table for every code.

The scheduler reports in codes (``scheduler.Violation``, ``scheduler.Infeasible``,
``scheduler.explain.Note``) with internal ids: participants ``r<registration id>``,
blocks ``b<id>``, café tables ``t<id>`` and rounds counted from 0.  An organiser
sees none of these: ``message_table.MESSAGES`` turns each code into a sentence that names people
by their names, blocks by their titles, café tables as the pages show them
(number and question), rounds counted from 1, and says what the organiser can do.

- ``explain_violation``: a validator finding ("Runde 2: …"; ``planning.explain``)
- ``explain_infeasible``: why no plan can exist (``scheduler.Infeasible``)
- ``explain_instance_error``: an instance the scheduler refuses (``scheduler.InstanceError``)
- ``explain_timeout``: no plan within the time
- ``explain_notes``: the notes of ``explain_plan`` or ``diagnose``, rounds merged
- ``Names`` (in ``names``): who and what the ids stand for (from a meeting, or just a dict of names)
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from flask_babel import gettext as _
from flask_babel import ngettext

from netzwerktreffen.planning.message_table import MESSAGES, WARNING_CODES
from netzwerktreffen.planning.names import Facts, Names, join, registration_ids

ERROR, WARNING = "error", "warning"  # refused / the plan is worse


# --------------------------------------------------------------------------
# Explanations


@dataclass
class Explanation:
    """One finding as the organiser reads it: where, what and why, what to do."""

    code: str
    severity: str  # ERROR (refused) or WARNING (the plan is worse)
    where: str  # "Speed Networking, Runde 2"; "" when not tied to a block
    text: str
    advice: str = ""
    people: list[int] = field(default_factory=list)  # registration ids, for links
    block: str | None = None  # block key (internal: for grouping, never shown)
    rounds: list[int] = field(default_factory=list)  # 0-based (internal: for grouping, never shown)

    @property
    def sentence(self) -> str:
        """Where and what, without the advice."""
        return f"{self.where}: {self.text}" if self.where else self.text

    @property
    def message(self) -> str:
        return f"{self.sentence} {self.advice}".strip()

    def __str__(self) -> str:
        return self.message


def rounds_label(rounds: list[int], block=None) -> str:
    """"Runde 2", "Runden 1, 2 und 4", "alle 3 Runden" (rounds given 0-based)."""
    numbers = sorted(set(rounds))
    total = getattr(block, "rounds", None)
    if total and len(numbers) == total and total > 1:
        return _("alle %(n)s Runden", n=total)
    return ngettext("Runde %(rounds)s", "Runden %(rounds)s", len(numbers),
                    rounds=join([str(r + 1) for r in numbers]))


def where(names: Names, block_key: str | None, rounds: list[int]) -> str:
    title = names.block_title(block_key)
    label = rounds_label(rounds, names.block(block_key)) if rounds else ""
    return ", ".join(part for part in (title, label) if part)


def describe(code: str, names: Names, *, block: str | None = None, rounds: Iterable[int] = (),
             participants: Iterable[str] = (), numbers: dict | None = None,
             severity: str | None = None) -> Explanation:
    """The explanation of one code (unknown codes: a general sentence, never the scheduler's text)."""
    participants = list(participants)
    rounds = sorted({r for r in rounds if r is not None})
    facts = Facts(names, block, participants, dict(numbers or {}))
    text, advice = MESSAGES.get(code, MESSAGES["infeasible"])(facts)
    text = text[:1].upper() + text[1:]  # "Eine nicht mehr angemeldete Person …"
    if severity is None:
        severity = WARNING if code in WARNING_CODES else ERROR
    return Explanation(code, severity, where(names, block, rounds), text, advice,
                       registration_ids(participants), block, rounds)


def _names(names: Names | dict | None) -> Names:
    if isinstance(names, Names):
        return names
    return Names(people=names or {})


def explain_violation(violation, names: Names | dict | None) -> str:
    """A validator finding as one line: "Runde 2: …" (the block's title first when known)."""
    names = _names(names)
    found = describe(violation.code, names, block=violation.block,
                     rounds=[violation.round] if violation.round is not None else [],
                     participants=violation.participants, severity=ERROR)
    return found.message


def explain_infeasible(error, names: Names | dict | None) -> Explanation:
    """Why no plan exists (``scheduler.Infeasible``), in the organiser's words."""
    names = _names(names)
    code = getattr(error, "code", "infeasible") or "infeasible"
    found = describe(code, names, block=getattr(error, "block", None),
                     rounds=[error.round] if getattr(error, "round", None) is not None else [],
                     participants=getattr(error, "participants", ()), numbers=getattr(error, "numbers", {}),
                     severity=ERROR)
    return found


_INSTANCE_PATH = re.compile(r"^(participants|blocks)\[(\d+)\]")


def explain_instance_error(error, names: Names | dict | None, instance: dict | None = None) -> Explanation:
    """An instance the scheduler refuses, with the person or block it names (never the field path)."""
    names = _names(names)
    match = _INSTANCE_PATH.match(str(error))
    if match and instance is not None:
        index = int(match.group(2))
        rows = instance.get(match.group(1)) or []
        if index < len(rows):
            if match.group(1) == "participants":
                return describe("instance-participant", names, participants=[rows[index].get("id")],
                                severity=ERROR)
            return describe("instance-block", names, block=rows[index].get("id"), severity=ERROR)
    return describe("instance", names, severity=ERROR)


def explain_timeout() -> Explanation:
    return describe("timeout", Names(), severity=ERROR)


def explain_notes(notes, names: Names | dict | None, *, by: str = "person") -> list[Explanation]:
    """Notes of ``explain_plan`` or ``diagnose``, merged and explained.

    ``by="person"`` (a plan's notes): one explanation per person, code, block and
    table, its rounds merged ("Runden 1, 2 und 3").  ``by="reason"`` (diagnose):
    the people with the same code, block and figures in one explanation."""
    names = _names(names)
    groups: dict[tuple, dict] = {}
    for note in notes:
        numbers = dict(note.numbers or {})
        if by == "person":  # one line per person and reason; an overfull table per table and figures
            key = (note.code, note.block, tuple(note.participants), numbers.get("table"),
                   repr(sorted(numbers.items())) if note.code == "overfull-table" else None)
        else:
            key = (note.code, note.block, note.round, repr(sorted(numbers.items())))
        group = groups.setdefault(key, {"note": note, "rounds": [], "people": [], "numbers": numbers})
        if note.round is not None:
            group["rounds"].append(note.round)
        for pid in note.participants:
            if pid not in group["people"]:
                group["people"].append(pid)
    found = []
    for group in groups.values():
        note = group["note"]
        severity = ERROR if getattr(note, "severity", "cost") == "impossible" else None
        found.append(describe(note.code, names, block=note.block, rounds=group["rounds"],
                              participants=group["people"], numbers=group["numbers"], severity=severity))
    return found


def by_person(explanations: list[Explanation]) -> dict[int, list[Explanation]]:
    """Registration id -> the explanations that name the person."""
    out: dict[int, list[Explanation]] = defaultdict(list)
    for item in explanations:
        for rid in item.people:
            out[rid].append(item)
    return out


class PlanningError(Exception):
    """A plan cannot be made or changed; the message is for the organiser.

    ``reasons`` lists the single findings (each a sentence) when there are several."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message)
        self.reasons = list(reasons or [])
