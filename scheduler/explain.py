"""Why a plan is worse than it could be, and what will make it so, in codes.

`explain_plan(instance, plan)` lists every pause, table revisit, table beyond
even filling and missed coverage of a plan, each with the reason read off the
instance: a `Note` with a stable `code`, the block, the round (0-based), the
people and the figures, and an English sentence naming people as
`Rana Haddad (p17)`.  `diagnose(instance)` says before solving what will
force such costs (people who share no language with anyone, colleagues of
everyone, fewer possible partners than rounds, café seats and languages),
and what makes a plan impossible.  The web app turns the codes into German
sentences; the command line prints the English ones.

Codes:
- pause-no-language: shares no language with anyone present in that round
- pause-colleagues: everyone present they share a language with is a
  colleague (same organisation) or on their "not with" list
- pause-all-met: has met everyone present they may meet (no repeats)
- pause-few-partners: has n possible partners for m rounds in the block
- pause-group-size: people they may meet are present, but the groups of the
  round are full (the head-count does not divide into groups they fit)
- revisit-language: speaks the language of fewer tables than rounds
- revisit-seats: every other table was full or would have cost more
- overfull-table: a table holds more guests than even filling (and why:
  the guests who may sit only there)
- cafe-no-common-language: shares no language with anyone at their café table
  (diagnose: with few people at all, and no table is held in theirs)
- coverage-missed: a coverage rule's person meets fewer people than asked;
  numbers["reason"] says why (`scheduler.coverage.COVERAGE_REASONS`): none-present,
  few-present, forbidden (colleagues, no common language, "not with"), rounds,
  capacity (too few of them for everyone), plan (a plan could have met it)
- diagnose codes: few-partners, no-language, colleagues (a person), cafe-seats,
  cafe-language-seats, cafe-no-language, host-language (impossible),
  cafe-revisits (a language's tables fewer than rounds)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .problem import CafeBlock, Instance, Plan, SpeedBlock
from .coverage import coverage_reasons
from .validate import cafe_overfull, cafe_revisits, coverage_missing, effective_pauses
from .values import PairValues

__all__ = ["Note", "explain_plan", "diagnose"]


@dataclass(frozen=True)
class Note:
    code: str
    block: str
    round: int | None  # 0-based; None for the whole block
    participants: tuple[str, ...]
    message: str  # English, people named as `Name (id)`
    numbers: dict = field(default_factory=dict)
    severity: str = "cost"  # "cost": the plan is worse; "impossible": no plan exists

    def to_dict(self) -> dict:
        return {"code": self.code, "block": self.block, "round": self.round,
                "participants": list(self.participants), "message": self.message,
                "numbers": dict(self.numbers), "severity": self.severity}


class _People:
    """Who may meet whom, and how many possible partners each person has in a block."""

    def __init__(self, instance: Instance, values: PairValues):
        self.instance, self.values = instance, values
        self.by_id = {p.id: p for p in instance.participants}

    def may_meet(self, a: str, b: str) -> bool:
        return a != b and not self.values.forbidden(a, b)

    def partners(self, block: SpeedBlock, pid: str) -> list[str]:
        rounds = [r for r in range(block.rounds) if block.is_present(pid, r)]
        return [o for o in self.values.ids if self.may_meet(pid, o)
                and any(block.is_present(o, r) for r in rounds)]

    def pause_reason(self, block: SpeedBlock, r: int, pid: str, met: set[str]) -> tuple[str, dict]:
        present = [o for o in self.instance.present_in(block, r) if o != pid]
        me = self.by_id[pid]
        speaking = [o for o in present if me.languages & self.by_id[o].languages]
        rounds = sum(1 for t in range(block.rounds) if block.is_present(pid, t))
        partners = self.partners(block, pid)
        numbers = {"partners": len(partners), "rounds": rounds, "languages": sorted(me.languages)}
        if not speaking:
            return "pause-no-language", numbers
        allowed = [o for o in speaking if self.may_meet(pid, o)]
        if not allowed:
            return "pause-colleagues", numbers
        if len(partners) < (block.group_size - 1) * rounds:
            return "pause-few-partners", numbers
        if not block.allow_repeats and all(o in met for o in allowed):
            return "pause-all-met", numbers
        return "pause-group-size", numbers


_PAUSE_TEXT = {
    "pause-no-language": "shares no language with anyone present",
    "pause-colleagues": "everyone present they share a language with is a colleague or on their 'not with' list",
    "pause-all-met": "has met everyone present they may meet",
    "pause-few-partners": "has only {partners} possible partners for {rounds} rounds",
    "pause-group-size": "the groups of this round are full and none they may join has room",
}


def _speed_notes(instance: Instance, people: _People, block: SpeedBlock, plan: Plan) -> list[Note]:
    rounds = plan.blocks.get(block.id, ())
    pauses = effective_pauses(instance, block, rounds, plan.pauses.get(block.id, ()))
    mates: dict[str, set[str]] = defaultdict(set)
    for groups in rounds:
        for group in groups:
            for pid in group:
                mates[pid].update(m for m in group if m != pid)
    notes = []
    for r, paused in enumerate(pauses):
        for pid in sorted(paused, key=people.values.index.get):
            code, numbers = people.pause_reason(block, r, pid, mates[pid])
            text = _PAUSE_TEXT[code].format(**numbers)
            notes.append(Note(code, block.id, r, (pid,), f"{block.id} round {r}: {instance.who(pid)} pauses: {text}",
                              numbers))
    missed = coverage_missing(instance, block, rounds)
    reasons = coverage_reasons(instance, block, people.values, missed)
    for k, pid, missing in missed:
        rule = block.coverage[k]
        numbers = reasons[k, pid]
        notes.append(Note("coverage-missed", block.id, None, (pid,),
                          f"{block.id}: {instance.who(pid)} meets {rule.at_least - missing} of the "
                          f"{rule.at_least} people rule {k + 1} asks for: "
                          + _COVERAGE_TEXT[numbers["reason"]].format(**numbers), numbers))
    return notes


_COVERAGE_TEXT = {
    "none-present": "nobody the rule asks for is there when they are",
    "few-present": "only {matching} of the people the rule asks for are there when they are",
    "forbidden": "they may meet only {possible} of the {matching} people the rule asks for "
                 "(same organisation, no common language or 'not with')",
    "rounds": "too few rounds to meet them all",
    "capacity": "{people} people need {asked} such meetings, the people the rule asks for hold at most "
                "{achievable} in {rounds} rounds",
    "plan": "a plan could meet the rule for them; the plan missed it",
}


def _cafe_notes(instance: Instance, people: _People, block: CafeBlock, plan: Plan) -> list[Note]:
    rounds = plan.blocks.get(block.id, ())
    tables = {t.id: t for t in block.tables}
    notes = []
    for r, pid, tid in cafe_revisits(block, rounds):
        me = people.by_id[pid]
        speaks = _their_tables(instance, people, block, pid)
        rounds_here = sum(1 for t in range(block.rounds) if block.is_present(pid, t))
        numbers = {"table": tid, "tables": len(speaks), "rounds": rounds_here, "languages": sorted(me.languages)}
        if len(speaks) < rounds_here:
            code = "revisit-language"
            text = f"speaks the language of {len(speaks)} tables for {rounds_here} rounds"
        else:
            code = "revisit-seats"
            text = ("each other table was full or would have cost more (an uneven table, or people "
                    "they share no language with)")
        notes.append(Note(code, block.id, r, (pid,),
                          f"{block.id} round {r}: {instance.who(pid)} sits at table {tid} again: {text}", numbers))
    for r, seating in enumerate(rounds):
        for tid, seated in seating.items():
            for pid in seated:
                others = [o for o in seated if o != pid and o in people.by_id]
                if pid in people.by_id and others and not any(
                        people.by_id[pid].languages & people.by_id[o].languages for o in others):
                    notes.append(Note("cafe-no-common-language", block.id, r, (pid,),
                                      f"{block.id} round {r}: {instance.who(pid)} shares no language with anyone "
                                      f"at table {tid}", {"table": tid, "languages": sorted(people.by_id[pid].languages)}))
    for r, tid, extra in cafe_overfull(block, rounds):
        table = tables[tid]
        guests = [pid for pid in rounds[r].get(tid, ()) if pid != table.host]
        only = [pid for pid in guests
                if [t.id for t in block.tables if not t.language or t.language in people.by_id[pid].languages] == [tid]]
        numbers = {"table": tid, "extra": extra, "guests": len(guests), "language": table.language,
                   "only_here": len(only)}
        reason = (f"{len(only)} guests speak only its language" if only
                  else "even tables would have cost more (revisits, or guests without a common language "
                       "at one table, often because a table in another language draws few guests)")
        notes.append(Note("overfull-table", block.id, r, tuple(only),
                          f"{block.id} round {r}: table {tid} holds {extra} guests beyond even filling: {reason}",
                          numbers))
    return notes


def _their_tables(instance: Instance, people: _People, block: CafeBlock, pid: str) -> list[str]:
    """Tables a guest can talk at: held in a language they speak, or of any language while they share
    one with at least half of the others in the block."""
    me = people.by_id[pid]
    others = [p for p in instance.participants if p.id != pid]
    common = sum(1 for p in others if p.languages & me.languages) >= len(others) / 2
    return [t.id for t in block.tables if (t.language in me.languages if t.language else common)]


def explain_plan(instance: Instance, plan: Plan, values: PairValues | None = None) -> list[Note]:
    """Every pause, revisit, table beyond even filling and missed coverage of the plan, with its reason."""
    values = values or PairValues(instance)
    people = _People(instance, values)
    notes: list[Note] = []
    for block in instance.blocks:
        if block.id not in plan.blocks:
            continue
        if isinstance(block, SpeedBlock):
            notes += _speed_notes(instance, people, block, plan)
        else:
            notes += _cafe_notes(instance, people, block, plan)
    return notes


def diagnose(instance: Instance, values: PairValues | None = None) -> list[Note]:
    """Before solving: what will cost (pauses, revisits) and what makes a plan impossible."""
    values = values or PairValues(instance)
    people = _People(instance, values)
    notes: list[Note] = []
    for block in instance.blocks:
        if isinstance(block, SpeedBlock):
            notes += _diagnose_speed(instance, people, block)
        else:
            notes += _diagnose_cafe(instance, people, block)
    return notes


def _diagnose_speed(instance: Instance, people: _People, block: SpeedBlock) -> list[Note]:
    notes = []
    g = block.group_size
    for person in instance.participants:
        pid = person.id
        rounds = sum(1 for r in range(block.rounds) if block.is_present(pid, r))
        if not rounds:
            continue
        present = [o for o in values_ids(people) if o != pid and any(
            block.is_present(o, r) and block.is_present(pid, r) for r in range(block.rounds))]
        speaking = [o for o in present if person.languages & people.by_id[o].languages]
        partners = [o for o in speaking if people.may_meet(pid, o)]
        numbers = {"partners": len(partners), "rounds": rounds, "languages": sorted(person.languages)}
        if not speaking:
            notes.append(Note("no-language", block.id, None, (pid,),
                              f"{block.id}: {instance.who(pid)} shares no language with anyone else "
                              f"({', '.join(sorted(person.languages))}) and will pause in all {rounds} rounds",
                              numbers))
        elif not partners:
            notes.append(Note("colleagues", block.id, None, (pid,),
                              f"{block.id}: {instance.who(pid)} may meet nobody (colleagues or 'not with' "
                              f"of everyone they share a language with) and will pause in all {rounds} rounds",
                              numbers))
        elif len(partners) < (g - 1) * rounds:
            notes.append(Note("few-partners", block.id, None, (pid,),
                              f"{block.id}: {instance.who(pid)} has {len(partners)} possible partners for "
                              f"{rounds} rounds and will pause in some", numbers))
    return notes


def values_ids(people: _People) -> list[str]:
    return people.values.ids


def _diagnose_cafe(instance: Instance, people: _People, block: CafeBlock) -> list[Note]:
    from .problem import Infeasible
    from .cafe.start import start_cafe

    notes = []
    try:
        start_cafe(instance, block, people.values)
    except Infeasible as error:
        notes.append(Note(error.code, block.id, error.round, error.participants, str(error),
                          error.numbers, severity="impossible"))
        return notes
    by_language: dict[str, list[str]] = defaultdict(list)
    for table in block.tables:
        if table.language:
            by_language[table.language].append(table.id)
    hosts = {t.host for t in block.tables}
    for person in instance.participants:
        if person.id in hosts:
            continue
        rounds = sum(1 for r in range(block.rounds) if block.is_present(person.id, r))
        tables = _their_tables(instance, people, block, person.id)
        if rounds and not tables:
            notes.append(Note("cafe-no-common-language", block.id, None, (person.id,),
                              f"{block.id}: {instance.who(person.id)} shares a language with few people and no "
                              f"table is held in theirs ({', '.join(sorted(person.languages))}): they will sit "
                              "with people they share no language with",
                              {"rounds": rounds, "languages": sorted(person.languages)}))
        elif rounds and len(tables) < rounds:
            notes.append(Note("cafe-revisits", block.id, None, (person.id,),
                              f"{block.id}: {instance.who(person.id)} speaks the language of {len(tables)} "
                              f"tables for {rounds} rounds and will sit at one again",
                              {"tables": len(tables), "rounds": rounds, "languages": sorted(person.languages)}))
    return notes
