"""Coverage rules of a meeting: check and store them ("Jede Person aus … trifft mindestens k Personen aus …").

``rule_problems`` says in German what is wrong with a rule before it is stored (no speed-networking
block, no sector on a side, k beyond what the rounds allow); ``create_rule``, ``update_rule`` and
``delete_rule`` are the named write operations (they commit). ``rule_text`` puts a rule in words and
``head_counts`` tells the organiser how many registered people each side has today. The instance part
is ``coverage_io``; what a plan makes of the rules is ``coverage_report``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from netzwerktreffen.core.coverage import AT_LEAST_MAX, CoverageRule
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, Meeting
from netzwerktreffen.planning.messages import PlanningError


@dataclass
class RuleData:
    """A rule as the organiser entered it; ``block_id`` None: every speed-networking block."""

    who: list[str] = field(default_factory=list)  # sector keys
    meets: list[str] = field(default_factory=list)  # sector keys
    at_least: int = 1
    block_id: int | None = None


def speed_blocks(meeting: Meeting) -> list:
    return [b for b in meeting.blocks if not b.is_cafe]


def sector_names(meeting: Meeting, keys) -> str:
    """"Jobcenter oder Agentur für Arbeit": the sectors' names in the meeting's order."""
    names = [s.display_name for s in meeting.sectors if s.key in set(keys)]
    if len(names) < 2:
        return "".join(names) or "–"
    return _("%(first)s oder %(last)s", first=", ".join(names[:-1]), last=names[-1])


def rule_text(meeting: Meeting, rule) -> str:
    """The rule in words, as the organiser wrote it."""
    return ngettext("Jede Person aus %(who)s trifft mindestens eine Person aus %(meets)s",
                    "Jede Person aus %(who)s trifft mindestens %(num)s Personen aus %(meets)s",
                    rule.at_least, who=sector_names(meeting, rule.who_sectors),
                    meets=sector_names(meeting, rule.meets_sectors))


def rule_blocks(meeting: Meeting, rule) -> list:
    """The speed-networking blocks a rule applies to."""
    return [b for b in speed_blocks(meeting) if rule.block_id in (None, b.id)]


def most_meetings(block) -> int:
    """The most different people one person meets in a speed-networking block (in groups of its size)."""
    return block.rounds * max((block.group_size or 2) - 1, 1)


def rule_problems(meeting: Meeting, data: RuleData) -> list[str]:
    """What is wrong with a rule, in German; empty when it can be stored."""
    blocks = speed_blocks(meeting)
    if not blocks:
        return [_("Dieses Treffen hat keinen Speed-Networking-Block. Regeln für Begegnungen gelten nur dort: "
                  "Legen Sie zuerst einen Speed-Networking-Block an.")]
    problems = []
    known = {s.key for s in meeting.sectors}
    if not set(data.who) & known:
        problems.append(_("Bitte wählen Sie bei „Jede Person aus“ mindestens einen Bereich."))
    if not set(data.meets) & known:
        problems.append(_("Bitte wählen Sie bei „trifft mindestens … Personen aus“ mindestens einen Bereich."))
    if not 1 <= (data.at_least or 0) <= AT_LEAST_MAX:
        problems.append(_("Bitte geben Sie bei „mindestens“ eine Zahl von 1 bis %(max)s an.", max=AT_LEAST_MAX))
    if data.block_id is not None and data.block_id not in {b.id for b in blocks}:
        problems.append(_("Bitte wählen Sie einen Speed-Networking-Block dieses Treffens."))
    chosen = [b for b in blocks if data.block_id in (None, b.id)]
    if not problems:
        for block in chosen:
            most = most_meetings(block)
            if data.at_least > most:
                problems.append(ngettext(
                    "Im Block „%(block)s“ trifft eine Person in %(rounds)s Runde höchstens %(most)s andere; "
                    "mindestens %(k)s ist nicht möglich.",
                    "Im Block „%(block)s“ trifft eine Person in %(rounds)s Runden höchstens %(most)s andere; "
                    "mindestens %(k)s ist nicht möglich.", block.rounds,
                    block=block.title, rounds=block.rounds, most=most, k=data.at_least))
    return problems


def _store(meeting: Meeting, rule: CoverageRule, data: RuleData) -> CoverageRule:
    problems = rule_problems(meeting, data)
    if problems:
        raise PlanningError(" ".join(problems))
    known = [s.key for s in meeting.sectors]
    rule.who_sectors = [k for k in known if k in set(data.who)]
    rule.meets_sectors = [k for k in known if k in set(data.meets)]
    rule.at_least = data.at_least
    rule.block_id = data.block_id
    db.session.add(rule)
    db.session.commit()
    return rule


def create_rule(meeting: Meeting, data: RuleData) -> CoverageRule:
    """Add a rule at the end of the meeting's list; PlanningError (German) when it cannot be stored."""
    problems = rule_problems(meeting, data)
    if problems:
        raise PlanningError(" ".join(problems))
    position = max((r.position for r in meeting.coverage_rules), default=-1) + 1
    return _store(meeting, CoverageRule(meeting=meeting, position=position), data)


def update_rule(meeting: Meeting, rule: CoverageRule, data: RuleData) -> CoverageRule:
    """Change a rule; PlanningError (German) when the change cannot be stored (the rule stays as it was)."""
    return _store(meeting, rule, data)


def delete_rule(rule: CoverageRule) -> None:
    db.session.delete(rule)
    db.session.commit()


def _counts(meeting: Meeting, rule) -> tuple[int, int, int]:
    """(confirmed people the rule speaks of, people they should meet, the most meetings those can give)."""
    people = [r for r in meeting.registrations if r.status == CONFIRMED and r.sector is not None]
    who = sum(1 for r in people if r.sector.key in rule.who_sectors)
    meets = sum(1 for r in people if r.sector.key in rule.meets_sectors)
    return who, meets, meets * min((most_meetings(b) for b in rule_blocks(meeting, rule)), default=0)


def _shortfall(rule, who: int, capacity: int) -> str:
    if who and who * rule.at_least > capacity:
        return _("zu wenige für alle: höchstens %(capacity)s Begegnungen, verlangt %(wanted)s",
                 capacity=capacity, wanted=who * rule.at_least)
    return ""


def head_counts(meeting: Meeting, rule) -> str:
    """How many confirmed people each side has today, e.g. "angemeldet: 9 aus Stark im Beruf, 2 aus
    Jobcenter/Arbeitsagentur"; with a warning when the rule cannot hold for everyone."""
    who, meets, capacity = _counts(meeting, rule)
    text = _("angemeldet: %(who)s aus %(who_names)s, %(meets)s aus %(meets_names)s", who=who,
             who_names=sector_names(meeting, rule.who_sectors), meets=meets,
             meets_names=sector_names(meeting, rule.meets_sectors))
    short = _shortfall(rule, who, capacity)
    return f"{text} – {short}" if short else text


def shortfalls(meeting: Meeting) -> list[str]:
    """Before planning: the rules that cannot hold for everyone with today's registrations, in words."""
    found = []
    for rule in meeting.coverage_rules:
        who, _meets, capacity = _counts(meeting, rule)
        short = _shortfall(rule, who, capacity)
        if short:
            found.append(f"{rule_text(meeting, rule)}: {short}.")
    return found
