"""Coverage rules into the scheduler instance (spec revision 2, ``blocks[].coverage``).

The organiser's rules ("Jede Person aus [Bereichen] trifft mindestens k Personen aus [Bereichen]",
``core.coverage.CoverageRule``) go into their speed-networking block, or into every one; each
participant's "Unbedingt treffen" list becomes one rule over the people named: who = the person,
meets = the people named who take part in the block and whom the person may meet (another
organisation, a common language, not on a "nicht mit" list), at least as many as are left. Rules
that speak of nobody present are left out.
"""
from __future__ import annotations

from typing import Callable

SPEED_KIND = "speed-networking"


def _attending(instance: dict, row: dict) -> list[dict]:
    """The participants of the instance taking part in the block (build_instance marks the others [])."""
    present = row.get("present") or {}
    return [p for p in instance["participants"] if present.get(p["id"]) != []]


def may_meet(a: dict, b: dict, avoid: set[frozenset]) -> bool:
    """Two instance participants the scheduler lets meet: another organisation, a common language,
    not avoided."""
    return (a["organisation"] != b["organisation"] and bool(set(a.get("languages") or ["de"])
                                                             & set(b.get("languages") or ["de"]))
            and frozenset((a["id"], b["id"])) not in avoid)


def sector_rule(rule, here: list[dict], known: set[str]) -> dict | None:
    """One organiser's rule for the people in a block; None when it speaks of nobody there."""
    who = sorted(set(rule.who_sectors) & known)
    meets = sorted(set(rule.meets_sectors) & known)
    if not any(p["sector"] in who for p in here) or not any(p["sector"] in meets for p in here):
        return None
    return {"who": {"sectors": who}, "meets": {"sectors": meets}, "at_least": rule.at_least}


def must_meet_rules(here: list[dict], named: dict[str, list[str]], avoid: set[frozenset]) -> list[dict]:
    """One rule per person present with a "must meet" list: the people named who are here and may meet them."""
    by_id = {p["id"]: p for p in here}
    rules = []
    for person in here:
        others = [pid for pid in named.get(person["id"], ())
                  if pid in by_id and may_meet(person, by_id[pid], avoid)]
        if others:
            rules.append({"who": {"participants": [person["id"]]}, "meets": {"participants": others},
                          "at_least": len(others)})
    return rules


def add_coverage(instance: dict, meeting, named: dict, participant_id: Callable) -> dict:
    """Each speed-networking block's ``coverage``: the meeting's rules, then the "must meet" lists.
    ``named``: registration -> the registrations their "Unbedingt treffen" lines name."""
    known = {s.key for s in meeting.sectors}
    avoid = {frozenset(pair) for pair in instance.get("avoid", [])}
    wanted = {participant_id(r): [participant_id(o) for o in others] for r, others in named.items() if others}
    for block, row in zip(meeting.blocks, instance["blocks"]):
        if row.get("kind") != SPEED_KIND:
            continue
        here = _attending(instance, row)
        rules = [sector_rule(rule, here, known) for rule in meeting.coverage_rules
                 if rule.block_id in (None, block.id)]
        rules = [r for r in rules if r] + must_meet_rules(here, wanted, avoid)
        if rules:
            row["coverage"] = rules
    return instance
