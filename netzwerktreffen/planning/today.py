"""The meeting as it stands on the day: the published plan, the rounds already held and who is here
(check-in: no-shows, late arrivals) turned into the instance that re-planning and lock checks use."""
from __future__ import annotations
import copy
from collections import defaultdict
from netzwerktreffen.planning import scheduler_io as scheduling
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Meeting, PlanVersion, Registration


# On the day a changed schedule means a reprinted slip and a confused person: weigh changes
# much more than in the default weights (2), but still below a forbidden meeting.
REPLAN_CHANGE_WEIGHT = 30.0


def held_rounds(meeting: Meeting) -> dict[str, int]:
    return {scheduling.block_key(b): min(b.rounds_held or 0, b.rounds) for b in meeting.blocks}


def seated_rounds(rounds) -> dict[str, set[int]]:
    """pid -> the rounds (indices) a plan block's rounds seat them in."""
    seated: dict[str, set[int]] = defaultdict(set)
    for r, round_ in enumerate(rounds):
        for members in scheduling.round_groups(round_):
            for pid in members:
                seated[pid].add(r)
    return seated


def replan_instance(meeting: Meeting, published: PlanVersion, held: dict[str, int] | None = None) -> dict:
    """The instance for re-planning: published plan, rounds held, and who is present from the check-in."""
    held = held_rounds(meeting) if held is None else held
    instance = scheduling.with_published(scheduling.build_instance(meeting), published.plan, held)
    weights = instance.setdefault("weights", {})
    weights["change"] = max(float(weights.get("change", 2)), REPLAN_CHANGE_WEIGHT)
    people = {scheduling.participant_id(r): r for r in meeting.registrations}
    known = {p["id"] for p in instance["participants"]}
    # people seated in a held round who are no longer confirmed (cancelled on the day): keep them as they were
    old = {p["id"]: p for p in published.instance.get("participants", [])}
    for block in instance["blocks"]:
        for pid in seated_rounds(block.get("fixed_rounds") or []):
            if pid not in known and pid in old:
                instance["participants"].append(copy.deepcopy(old[pid]))
                known.add(pid)
    for block in instance["blocks"]:
        fixed = block.get("fixed_rounds") or []
        in_fixed = seated_rounds(fixed)
        later = set(range(len(fixed), block["rounds"]))
        present = block.setdefault("present", {})
        # locks speak about the rounds to come; the held rounds are as they were
        block["locks"] = [lock for lock in block.get("locks", []) if lock["round"] >= len(fixed)]
        if block.get("published"):  # people no longer in the meeting are taken out of the published rounds
            block["published"] = [
                {t: [p for p in members if p in known] for t, members in round_.items()}
                if isinstance(round_, dict) else
                [g for g in ([p for p in members if p in known] for members in round_) if g]
                for round_ in block["published"]]
            block["fixed_rounds"] = block["published"][:len(fixed)]
        for pid in known:
            person = people.get(pid)
            attends = present.get(pid) != [] and person is not None  # build_instance gives [] outside the block
            here_now = attends and person.status == "confirmed" and not person.no_show
            rounds_here = in_fixed.get(pid, set()) | (later if here_now else set())
            if len(rounds_here) == block["rounds"]:
                present.pop(pid, None)  # missing means every round
            else:
                present[pid] = sorted(rounds_here)
    # who is here changed (no-shows, late arrivals): keep only the locks that can still hold
    return scheduling.keep_usable_locks(instance, scheduling.table_labels(meeting))


def preload(meeting: Meeting) -> list[Registration]:
    """Load the meeting's registrations with everything the instance needs in a few queries
    (instead of several per person): re-planning 200 people stays well under a second here.
    The caller keeps the list while it builds the instance: the session holds loaded rows only
    weakly, so a list thrown away takes the loaded relationships with it."""
    return db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id).options(
        selectinload(Registration.offers), selectinload(Registration.needs), selectinload(Registration.blocks),
        selectinload(Registration.sector), selectinload(Registration.cafe_choices),
        selectinload(Registration.stations))).all()


def today_instance(meeting: Meeting) -> dict:
    """The meeting as the app knows it now: who is registered and attends which block and, once a plan
    is published, the check-in (no-shows, late arrivals) and the rounds already held."""
    published = scheduling.published(meeting)
    if published is None:
        return scheduling.build_instance(meeting)
    return replan_instance(meeting, published)
