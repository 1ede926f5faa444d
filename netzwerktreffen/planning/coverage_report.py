"""Which coverage rules a stored plan keeps, and for whom not, in the organiser's words.

``plan_rules(meeting, version)``: per speed-networking block and organiser's rule of the plan's
instance, for how many of the people it speaks of it holds ("erfüllt für 14 von 16 Personen"), who
misses whom and why ("Amira Kaya (Stark im Beruf Stendal) trifft niemanden aus
Jobcenter/Arbeitsagentur – nur 2 Personen aus Jobcenter/Arbeitsagentur für 9 Personen in 3 Runden"),
and when a rule cannot hold for everyone, why. The misses are the scheduler's ``coverage-missed``
notes (``scheduler.explain``); the reasons are read off the instance. ``must_meet(meeting, version,
registration)``: the people a participant must meet, each met (✓) or why not.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

import scheduler
from scheduler.explain import explain_plan

from netzwerktreffen.core.coverage import MustMeet, must_meet_lines, must_meet_text
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, WAITLISTED, Registration
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.coverage import sector_names
from netzwerktreffen.planning.coverage_io import may_meet

log = logging.getLogger(__name__)


@dataclass
class Miss:
    registration_id: int | None
    text: str  # "Amira Kaya (…) trifft niemanden aus … – reason"


@dataclass
class RuleResult:
    block: str  # the block's title
    text: str  # the rule in words
    people: list[str]  # participant ids it speaks of
    misses: list[Miss] = field(default_factory=list)
    impossible: str = ""  # why it cannot hold for everyone ("" when it can)
    advice: bool = False  # some misses were possible: more time or a higher weight may help
    missed_ids: set[str] = field(default_factory=set)

    @property
    def held(self) -> int:
        return len(self.people) - len(self.misses)


@dataclass
class Wanted:
    name: str  # the person named, or the line as typed
    met: bool
    reason: str = ""  # why not
    possible: bool = True  # False: the plan could not have done it (absent, colleague, no common language)


class _Plan:
    """A stored plan read for coverage: participants, who attends which block, who met whom."""

    def __init__(self, version):
        self.instance = version.instance or {}
        self.people = {p["id"]: p for p in self.instance.get("participants", [])}
        self.avoid = {frozenset(pair) for pair in self.instance.get("avoid", [])}
        self.blocks = [b for b in self.instance.get("blocks", []) if b.get("kind") == scheduling.SPEED]
        self.mates: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for block_id, _round, group in scheduling.plan_groups(version.plan or {}):
            for pid in group:
                self.mates[block_id][pid].update(m for m in group if m != pid)

    def rounds_of(self, row: dict, pid: str) -> int:
        present = (row.get("present") or {}).get(pid)
        return row["rounds"] if present is None else len(present)

    def attending(self, row: dict) -> list[dict]:
        return [p for p in self.people.values() if self.rounds_of(row, p["id"])]

    def who(self, pid: str) -> str:
        person = self.people.get(pid, {})
        name = person.get("name") or _("eine nicht mehr angemeldete Person")
        return f"{name} ({person['organisation']})" if person.get("organisation") else name


def _matches(selector: dict, person: dict) -> bool:
    if "participants" in selector:
        return person["id"] in selector["participants"]
    sectors = selector.get("sectors") or [selector.get("sector")]
    return person["sector"] in sectors


def _missed_notes(version) -> dict[tuple[str, int], dict[str, int]]:
    """(block, rule index) -> person -> meetings missing, from the scheduler's explain notes."""
    if not any(b.get("coverage") for b in (version.instance or {}).get("blocks", [])):
        return {}  # no rule: no need to explain the plan
    try:
        notes = explain_plan(scheduler.parse_instance(version.instance), scheduler.parse_plan(version.plan))
    except (scheduler.InstanceError, KeyError, ValueError, TypeError) as error:  # an old or broken version
        log.info("no coverage notes for version %s: %s", version.number, error)
        return {}
    missed: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for note in notes:
        if note.code == "coverage-missed":
            missed[note.block, note.numbers["rule"]][note.participants[0]] = note.numbers["missing"]
    return missed


def _sector_rule(meeting, plan: _Plan, row: dict, rule: dict, missed: dict[str, int], title: str) -> RuleResult:
    here = plan.attending(row)
    who = [p for p in here if _matches(rule["who"], p)]
    meets = [p for p in here if _matches(rule["meets"], p)]
    k, rounds, per_round = rule["at_least"], row["rounds"], max(row.get("group_size", 2) - 1, 1)
    who_names = sector_names(meeting, rule["who"].get("sectors") or [rule["who"].get("sector")])
    meets_names = sector_names(meeting, rule["meets"].get("sectors") or [rule["meets"].get("sector")])
    text = ngettext("Jede Person aus %(who)s trifft mindestens eine Person aus %(meets)s",
                    "Jede Person aus %(who)s trifft mindestens %(num)s Personen aus %(meets)s", k,
                    who=who_names, meets=meets_names)
    result = RuleResult(title, text, [p["id"] for p in who], missed_ids=set(missed))
    capacity = sum(plan.rounds_of(row, q["id"]) * per_round for q in meets)
    short = ""
    if len(who) * k > capacity:
        short = ngettext("nur %(meets)s Personen aus %(names)s für %(who)s Personen in einer Runde",
                         "nur %(meets)s Personen aus %(names)s für %(who)s Personen in %(num)s Runden", rounds,
                         meets=len(meets), names=meets_names, who=len(who))
        result.impossible = _("Nicht für alle erreichbar: %(why)s (höchstens %(most)s Begegnungen, verlangt "
                              "%(wanted)s). Laden Sie mehr Personen aus %(names)s ein, planen Sie mehr Runden "
                              "oder verlangen Sie weniger.", why=short, most=capacity, wanted=len(who) * k,
                              names=meets_names)
    for pid, missing in missed.items():
        person = plan.people.get(pid)
        if person is None:
            continue
        met = k - missing
        possible = [q for q in meets if q["id"] != pid and may_meet(person, q, plan.avoid)]
        if len(possible) < k:
            reason = ngettext("nur eine Person aus %(names)s, die sie treffen darf (andere Organisation, "
                              "gemeinsame Sprache, nicht bei „nicht mit“)",
                              "nur %(num)s Personen aus %(names)s, die sie treffen darf (andere Organisation, "
                              "gemeinsame Sprache, nicht bei „nicht mit“)", len(possible), names=meets_names)
        elif plan.rounds_of(row, pid) * per_round < k:
            reason = ngettext("nimmt nur an einer Runde teil", "nimmt nur an %(num)s Runden teil",
                              plan.rounds_of(row, pid))
        elif short:
            reason = short
        else:
            reason = _("möglich wäre es; andere Begegnungen brachten dem Plan mehr")
            result.advice = True
        if met == 0:
            head = _("%(person)s trifft niemanden aus %(names)s", person=plan.who(pid), names=meets_names)
        else:
            head = ngettext("%(person)s trifft nur eine Person aus %(names)s",
                            "%(person)s trifft nur %(num)s Personen aus %(names)s", met,
                            person=plan.who(pid), names=meets_names)
        result.misses.append(Miss(_rid(pid), f"{head} – {reason}"))
    result.misses.sort(key=lambda m: m.text.casefold())
    return result


def _rid(pid: str) -> int | None:
    return scheduling.registration_id(pid) if pid[1:].isdigit() else None


def plan_rules(meeting, version) -> list[RuleResult]:
    """Every organiser's rule of the plan's instance, per speed-networking block: held for how many, who
    misses and why (must-meet rules over named people are left to ``must_meet``)."""
    plan = _Plan(version)
    missed = _missed_notes(version)
    titles = {scheduling.block_key(b): b.title for b in meeting.blocks}
    results = []
    for row in plan.blocks:
        for k, rule in enumerate(row.get("coverage") or []):
            if "participants" not in rule["who"]:
                results.append(_sector_rule(meeting, plan, row, rule, missed.get((row["id"], k), {}),
                                            titles.get(row["id"], "")))
    return results


def _named(meeting, registration, line: str):
    """The registration a "must meet" line names (as the instance matches names), or None."""
    people = list(meeting.registrations)
    named = scheduling.named_in_lines(people, lambda p: line if p.id == registration.id else "",
                                      organisations=False)
    found = named.get(registration) or []
    return next((p for p in found if p.status == CONFIRMED), found[0] if found else None)


def named_lines(meeting, registration) -> list[tuple[str, object]]:
    """Each "must meet" line of a registration with the registration it names (None: nobody of that name)."""
    return [(line, _named(meeting, registration, line)) for line in must_meet_lines(must_meet_text(registration))]


def _why_not(plan: _Plan, me: str, other, blocks: list[dict]) -> str:
    if other.status == WAITLISTED:
        return _("steht auf der Warteliste")
    if other.status != CONFIRMED:
        return _("hat abgesagt")
    pid = scheduling.participant_id(other)
    if pid not in plan.people:
        return _("war bei diesem Plan noch nicht angemeldet")
    a, b = plan.people[me], plan.people[pid]
    if a["organisation"] == b["organisation"]:
        return _("gleiche Organisation")
    if not set(a.get("languages") or ["de"]) & set(b.get("languages") or ["de"]):
        return _("keine gemeinsame Sprache")
    if frozenset((me, pid)) in plan.avoid:
        return _("steht bei „nicht mit“")
    if not any(plan.rounds_of(row, me) and plan.rounds_of(row, pid) for row in blocks):
        return _("nicht im selben Speed-Networking-Block")
    return ""


def must_meet(meeting, version, registration, plan: _Plan | None = None) -> list[Wanted]:
    """The people ``registration`` must meet, each met in the plan (any speed-networking block) or why not."""
    plan = plan or _Plan(version)
    me = scheduling.participant_id(registration)
    wanted = []
    for line in must_meet_lines(must_meet_text(registration)):
        other = _named(meeting, registration, line)
        if other is None:
            wanted.append(Wanted(line, False, _("nicht möglich: niemand mit diesem Namen angemeldet"), False))
            continue
        pid = scheduling.participant_id(other)
        if any(pid in plan.mates[row["id"]].get(me, ()) for row in plan.blocks):
            wanted.append(Wanted(other.name, True))
            continue
        why = _why_not(plan, me, other, plan.blocks) if me in plan.people else _("nicht im Plan")
        wanted.append(Wanted(other.name, False, _("nicht möglich: %(why)s", why=why) if why else
                             _("nicht eingeplant – andere Begegnungen brachten dem Plan mehr"), not why))
    return wanted


def must_meet_all(meeting, version) -> list[tuple[object, list[Wanted]]]:
    """Everyone in the plan with a "must meet" list: (registration, what became of each name)."""
    plan = _Plan(version)
    listed = db.session.scalars(select(Registration).join(MustMeet).where(Registration.meeting_id == meeting.id))
    rows = []
    for registration in sorted(listed, key=lambda r: r.name.casefold()):
        if scheduling.participant_id(registration) in plan.people and must_meet_text(registration):
            rows.append((registration, must_meet(meeting, version, registration, plan)))
    return rows


__all__ = ["plan_rules", "must_meet", "must_meet_all", "named_lines", "RuleResult", "Miss", "Wanted"]
