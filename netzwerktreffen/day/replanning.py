"""Re-planning on the day: the rounds not yet held, for the people present, changing as little as possible.

The instance is the meeting's (``scheduling.build_instance``) with the published
plan and the rounds already held (``scheduling.with_published``); who is there
comes from the check-in:

- rounds held stay exactly as published (a no-show who was seated in round 1
  stays there; the plan of the past is not rewritten);
- no-shows are present only in the held rounds they were seated in;
- walk-ins (and anyone not in the published plan) are present from the next
  round on;
- everybody else keeps all rounds.

Each block is planned on its own (the score is a sum over blocks): a block
whose remaining rounds still fit the people present keeps its published
rounds; the others are solved by the scheduler, whose ``change`` weight makes
every changed person-round cost, so as few schedules as possible change. A
café block the scheduler cannot solve yet is repaired greedily (published
seats kept where they are still valid). The result is stored as a new version
with source "replan", published, and the people affected get a change notice.
"""
from __future__ import annotations

import copy
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _

import scheduler

from netzwerktreffen.planning import messages as plan_messages
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CAFE, Block, Meeting, PlanVersion, Registration
from netzwerktreffen.core.worker import enqueue
from netzwerktreffen.planning.today import held_rounds, replan_instance, preload

log = logging.getLogger(__name__)

MIN_SOLVER_SECONDS = 0.5  # below this the scheduler is not started after a valid repair
DEFAULT_TIME_LIMIT = 1.8  # seconds until the plan is chosen; storing and comparing follow (the issue: <= 3 s in all)


@dataclass
class Replanned:
    before: PlanVersion
    after: PlanVersion
    changes: list[planning.Difference]  # every person-round that changed
    affected: list[int]  # registration ids whose schedule changed or who were newly seated
    changed_rounds: set[tuple[str, int]] = field(default_factory=set)  # (block key, round) to reprint
    seconds: float = 0.0
    notices: int | None = None  # change notices queued; None: the mail module is not there; -1: in the background
    methods: dict[str, str] = field(default_factory=dict)  # block key -> kept / solver / repaired


def _present_in(block: dict, pid: str, r: int) -> bool:
    rounds = block.get("present", {}).get(pid)
    return rounds is None or r in rounds


def _still_fits(block: dict, participants: list[str]) -> bool:
    """The published remaining rounds seat exactly the people present: nothing to re-plan."""
    published = block.get("published")
    if not published:
        return False
    for r in range(len(block.get("fixed_rounds") or []), block["rounds"]):
        round_ = published[r]
        seated = [pid for members in scheduling.round_groups(round_) for pid in members]
        wanted = {pid for pid in participants if _present_in(block, pid, r)}
        if len(seated) != len(set(seated)) or set(seated) != wanted:
            return False
    return True


def _block_instance(instance: dict, block: dict) -> dict:
    return dict(instance, blocks=[block])


def repair_cafe(instance: dict, block: dict) -> list[dict]:
    """A café block's rounds without the solver: held rounds kept; in every later round the guests
    present are assigned to tables by a min-cost flow: every table gets the same number of guests
    (give or take one), nobody sits at a table twice or at a table whose language they do not speak,
    no table holds more than its seats; keeping one's published table costs nothing, a new table
    costs, a ranked choice a little less. Raises PlanningError when no such assignment exists."""
    from ortools.graph.python import min_cost_flow

    languages = {p["id"]: set(p.get("languages") or ["de"]) for p in instance["participants"]}
    tables = block["tables"]
    table_ids = [t["id"] for t in tables]
    hosts = {t["host"]: t["id"] for t in tables if t.get("host")}
    preferences = block.get("preferences", {})
    fixed = [{k: list(v) for k, v in round_.items()} for round_ in (block.get("fixed_rounds") or [])]
    published = block.get("published") or []
    visited: dict[str, set[str]] = defaultdict(set)
    for round_ in fixed:
        for table, members in round_.items():
            for pid in members:
                if hosts.get(pid) != table:
                    visited[pid].add(table)
    everyone = [p["id"] for p in instance["participants"]]
    result = list(fixed)
    must = 10_000  # per guest below a table's lower bound: forces balanced tables when possible
    for r in range(len(fixed), block["rounds"]):
        present = [pid for pid in everyone if _present_in(block, pid, r)]
        seated = {t: [] for t in table_ids}
        for pid in present:
            if pid in hosts:
                seated[hosts[pid]].append(pid)
        guests = [pid for pid in present if pid not in hosts]
        if not guests:
            result.append(seated)
            continue
        was = {}
        if r < len(published):
            for table, members in published[r].items():
                for pid in members:
                    was[pid] = table
        low = len(guests) // len(tables)
        flow = min_cost_flow.SimpleMinCostFlow()
        source, sink = 0, 1 + len(guests) + len(tables)
        arcs = []
        for g, pid in enumerate(guests, start=1):
            flow.add_arc_with_capacity_and_unit_cost(source, g, 1, 0)
            ranked = preferences.get(pid, [])
            for k, row in enumerate(tables):
                table = row["id"]
                if table in visited[pid] or (row.get("language") and row["language"] not in languages.get(pid, {"de"})):
                    continue
                cost = 0 if was.get(pid) == table else 100 + (ranked.index(table) if table in ranked else 10)
                arcs.append((flow.add_arc_with_capacity_and_unit_cost(g, 1 + len(guests) + k, 1, cost), pid, table))
        for k, row in enumerate(tables):
            room = max(0, row.get("seats", 6) - len(seated[row["id"]]))
            node = 1 + len(guests) + k
            flow.add_arc_with_capacity_and_unit_cost(node, sink, min(low, room), -must)
            if room > low:
                flow.add_arc_with_capacity_and_unit_cost(node, sink, 1, 0)
        flow.set_node_supply(source, len(guests))
        flow.set_node_supply(sink, -len(guests))
        if flow.solve() != flow.OPTIMAL:
            raise PlanningError(_("Runde %(n)s: Im Café lassen sich nicht alle Gäste an Tische setzen, "
                                           "an denen sie noch nicht waren.", n=r + 1))
        for arc, pid, table in arcs:
            if flow.flow(arc):
                seated[table].append(pid)
        counts = [len([p for p in seated[t] if p not in hosts]) for t in table_ids]
        if max(counts) - min(counts) > 1:
            raise PlanningError(_("Runde %(n)s: Die Café-Tische lassen sich nicht gleichmäßig besetzen.",
                                           n=r + 1))
        for table, members in seated.items():
            for pid in members:
                if hosts.get(pid) != table:
                    visited[pid].add(table)
        result.append(seated)
    return result


def repair_speed(instance: dict, block: dict, seed: int = 0) -> list[list[list[str]]]:
    """A speed-networking block's rounds without the solver, changing few schedules.

    Held rounds are kept; in every later round a published group stays as it was when all its
    members are present (it loses at most its extra member); the others (partners of no-shows,
    walk-ins, late arrivals) are grouped anew: never with someone met before in the block, never a
    forbidden pair, the better-valued partner first. When they cannot be grouped, kept groups are
    opened one at a time. Raises PlanningError when even that fails.
    """
    import random

    from scheduler.values import PairValues
    values = PairValues(scheduler.parse_instance(_block_instance(instance, block)))
    rng = random.Random(seed)
    size = block.get("group_size", 2)
    fixed = [[list(g) for g in round_] for round_ in (block.get("fixed_rounds") or [])]
    published = block.get("published") or []
    everyone = [p["id"] for p in instance["participants"]]
    allow_repeats = block.get("allow_repeats", False)
    met: set[frozenset] = set()

    def pairs_of(group):
        return [frozenset((a, b)) for i, a in enumerate(group) for b in group[i + 1:]]

    for round_ in fixed:
        for group in round_:
            met.update(pairs_of(group))

    def fits(person: str, group: list[str], taken: set[frozenset]) -> bool:
        return all(not values.forbidden(person, other)
                   and (allow_repeats or frozenset((person, other)) not in taken) for other in group)

    free = range(len(fixed), block["rounds"])
    present = {r: [pid for pid in everyone if _present_in(block, pid, r)] for r in free}
    locks = defaultdict(list)
    for lock in block.get("locks", []):
        if lock.get("together") and lock["round"] in present:
            locks[lock["round"]].append(list(lock["together"]))
    kept: dict[int, list[list[str]]] = {}
    for r in free:
        here = set(present[r])
        groups = []
        for group in (published[r] if r < len(published) else []):
            members = [pid for pid in group if pid in here]
            if len(members) >= size and all(fits(p, members[:k], set()) for k, p in enumerate(members)):
                groups.append(members)
        larger = len(here) % size
        while sum(1 for g in groups if len(g) > size) > larger:  # a group too many with an extra member
            groups.remove(next(g for g in groups if len(g) > size))
        kept[r] = groups
    for groups in kept.values():
        for group in groups:
            met.update(pairs_of(group))

    def group_pool(pool: list[str], seeds: list[list[str]], larger: int, taken: set[frozenset]):
        """Groups of ``size`` from pool (``larger`` of them one bigger), or None."""
        for _attempt in range(30):
            order = pool[:]
            rng.shuffle(order)
            groups = [list(s) for s in seeds]
            left = [p for p in order if not any(p in s for s in seeds)]
            options = {p: sum(1 for q in left if q != p and fits(p, [q], taken)) for p in left}
            left.sort(key=lambda p: options[p])
            failed = False
            while left:
                open_group = next((g for g in groups if len(g) < size), None)
                if open_group is None:
                    if len(left) < size and len(left) <= larger:
                        break
                    open_group = [left.pop(0)]
                    groups.append(open_group)
                candidates = [q for q in left if fits(q, open_group, taken)]
                if not candidates:
                    failed = True
                    break
                best = max(candidates, key=lambda q: sum(values.s(q, o) for o in open_group) + rng.random())
                open_group.append(best)
                left.remove(best)
            if failed or any(len(g) < size for g in groups):
                continue
            extra_ok = True
            for person in left:  # the extra members: into groups that can take them
                target = next((g for g in groups if len(g) == size and fits(person, g, taken)), None)
                if target is None:
                    extra_ok = False
                    break
                target.append(person)
            if extra_ok:
                return groups
        return None

    rounds = [list(map(list, round_)) for round_ in fixed]
    for r in free:
        groups = kept[r]
        for together in locks[r]:
            if not any(set(together) <= set(g) for g in groups):
                groups = [g for g in groups if not set(g) & set(together)]
        while True:
            in_groups = {pid for g in groups for pid in g}
            pool = [pid for pid in present[r] if pid not in in_groups]
            seeds = [t for t in locks[r] if set(t) <= set(pool)]
            # pairs met in other rounds stay taken; the pairs of this round's opened groups are free again
            taken = met - {pair for g in kept[r] if g not in groups for pair in pairs_of(g)}
            larger = len(present[r]) % size - sum(1 for g in groups if len(g) > size)
            made = group_pool(pool, seeds, max(larger, 0), taken) if pool else []
            if made is not None:
                break
            if not groups:
                raise PlanningError(_("Runde %(n)s: Die Anwesenden lassen sich nicht mehr ohne "
                                               "Wiederholung einteilen.", n=r + 1))
            groups = groups[:]
            groups.pop(rng.randrange(len(groups)))
        for group in kept[r]:
            if group not in groups:
                met.difference_update(pairs_of(group))
        for group in made:
            met.update(pairs_of(group))
        rounds.append(groups + made)
    return rounds


def _solve_block(instance: dict, block: dict, deadline: float, seed: int) -> tuple[list, str, list | None]:
    """The block's rounds, how they were made (kept, repaired, solver) and, from the solver, who pauses
    in each round (speed networking; None when nobody does).

    The repair is fast and keeps every schedule it can; the scheduler then gets the time left and
    wins when its plan scores higher (the score counts every changed person-round against it).
    """
    participants = [p["id"] for p in instance["participants"]]
    if len(block.get("fixed_rounds") or []) >= block["rounds"]:
        return [copy.deepcopy(r) for r in block["fixed_rounds"]], "kept", None
    sub = _block_instance(instance, block)
    if _still_fits(block, participants) and scheduler.check(sub, {
            "format": scheduling.PLAN_FORMAT, "blocks": [{"id": block["id"], "rounds": block["published"]}]})["valid"]:
        return copy.deepcopy(block["published"]), "kept", None
    best, method, best_score = None, "", float("-inf")
    try:
        best = repair_cafe(instance, block) if block["kind"] == CAFE else repair_speed(instance, block, seed)
        report = scheduler.check(sub, {"format": scheduling.PLAN_FORMAT,
                                       "blocks": [{"id": block["id"], "rounds": best}]})
        if report["valid"]:
            method, best_score = "repaired", report["score"]
        else:
            log.info("re-planning: repair of %s invalid: %s", block["id"], report["violations"][:3])
            best = None
    except PlanningError as error:
        log.info("re-planning: repair of %s failed: %s", block["id"], error)  # the scheduler may still find one
    if best is not None and deadline - time.monotonic() < MIN_SOLVER_SECONDS:
        return best, method, None
    try:
        from scheduler.solve import solve
        parsed = scheduler.parse_instance(sub)
        result = solve(parsed, time_limit=max(MIN_SOLVER_SECONDS, deadline - time.monotonic()), seed=seed)
    except (scheduler.InstanceError, TimeoutError, scheduler.Infeasible) as error:  # no plan in time, or none
        if best is not None:
            return best, method, None
        names = plan_messages.Names({p["id"]: p.get("name", "") for p in instance["participants"]})
        if isinstance(error, scheduler.Infeasible):
            reason = plan_messages.explain_infeasible(error, names).message
            raise PlanningError(_("Es gibt keinen gültigen Plan: %(reason)s", reason=reason)) from error
        found = (plan_messages.explain_timeout() if isinstance(error, TimeoutError)
                 else plan_messages.explain_instance_error(error, names, sub))
        raise PlanningError(found.message) from error
    solved = result.plan.to_dict()["blocks"][0]
    if best is None or result.score > best_score + 1e-6:
        return solved["rounds"], "solver", solved.get("pauses")
    return best, method, None


def solve_blocks(instance: dict, deadline: float, seed: int = 0) -> tuple[dict, dict[str, str]]:
    """A plan for every block of the instance, block by block, within the monotonic ``deadline``.

    Also plans a meeting from scratch (no ``published``) where the scheduler cannot plan a café block yet.
    """
    plan_blocks, methods = [], {}
    for k, block in enumerate(instance["blocks"]):
        remaining = len(instance["blocks"]) - k
        block_deadline = time.monotonic() + max(0.0, deadline - time.monotonic()) / remaining
        rounds, methods[block["id"]], pauses = _solve_block(instance, block, block_deadline, seed)
        plan_blocks.append({"id": block["id"], "rounds": rounds})
        if pauses and any(pauses):
            plan_blocks[-1]["pauses"] = pauses
    return {"format": scheduling.PLAN_FORMAT, "blocks": plan_blocks}, methods


def affected_people(changes: list[planning.Difference], before: dict, after: dict) -> tuple[list[int], set]:
    """Registration ids whose schedule changed or who are newly seated, and the (block, round) pairs to reprint."""
    people = {c.registration_id for c in changes}
    rounds = {(c.block_id, c.round) for c in changes}
    old, new = planning.placements(before), planning.placements(after)
    for key in new.keys() - old.keys():  # walk-ins and late arrivals
        block_id, r, pid = key
        people.add(scheduling.registration_id(pid))
        rounds.add((block_id, r))
    for key in old.keys() - new.keys():  # no-shows taken out: their round's room plan changes
        rounds.add((key[0], key[1]))
    return sorted(people), rounds


def replan(meeting: Meeting, held: dict[str, int] | None = None, *, time_limit: float = DEFAULT_TIME_LIMIT,
           seed: int = 0, notify: bool = True, background_notices: bool = False) -> Replanned:
    """Re-plan the rounds not yet held for the people present; store, publish, tell the people affected.

    ``held`` maps block keys to rounds already over; it is stored in ``Block.rounds_held``.
    With ``background_notices`` the change notices are rendered and queued by a background job
    (``notices`` is then -1), so that the organiser does not wait for the mails.
    ``seconds`` is the time until the new plan is published and its changes are known.
    """
    started = time.monotonic()
    deadline = started + time_limit
    published = scheduling.published(meeting)
    if published is None:
        raise PlanningError(_("Es gibt noch keinen veröffentlichten Rundenplan, der angepasst werden kann."))
    loaded = preload(meeting)  # noqa: F841 - kept while the instance is built
    if held is not None:
        for block in meeting.blocks:
            key = scheduling.block_key(block)
            if key in held:
                block.rounds_held = max(0, min(int(held[key]), block.rounds))
        db.session.flush()
    held = held_rounds(meeting)
    instance = replan_instance(meeting, published, held)
    plan, methods = solve_blocks(instance, deadline, seed)
    note = _("Neuplanung am Tag: %(held)s", held=", ".join(
        f"{b.title} {_('nach Runde %(n)s', n=held[scheduling.block_key(b)])}" for b in meeting.blocks))
    before_plan = published.plan
    version = planning.store_version(meeting, instance, plan, source="replan", note=note)
    planning.publish(version)
    changes = planning.differences(meeting, before_plan, version.plan)
    affected, rounds = affected_people(changes, before_plan, version.plan)
    seconds = time.monotonic() - started
    notices: int | None = 0
    if notify and affected and background_notices:
        enqueue("netzwerktreffen.tasks.send_change_notices", meeting.id, published.number, version.number)
        notices = -1
    elif notify and affected:
        notices = send_notices(meeting, before_plan, version.plan)
    log.info("re-planned %s in %.2f s: %d people affected (%s)", meeting.slug, seconds, len(affected), methods)
    return Replanned(published, version, changes, affected, rounds, seconds, notices, methods)


def send_notices_task(meeting_id: int, before_number: int, after_number: int) -> int | None:
    """The change notices of one re-planning, as a background job."""
    meeting = db.session.get(Meeting, meeting_id)
    before, after = planning.get_version(meeting, before_number), planning.get_version(meeting, after_number)
    if meeting is None or before is None or after is None:
        return None
    return send_notices(meeting, before.plan, after.plan)


def send_notices(meeting: Meeting, before_plan: dict, after_plan: dict) -> int | None:
    """Change notices to the people affected, by the mail module of issue 6 (None while it is missing)."""
    try:
        from netzwerktreffen.mail.schedules import send_change_notices
    except ImportError:  # the mail module of issue 6 is not there yet
        log.warning("re-planning: netzwerktreffen.mail.schedules is missing; no change notices sent")
        return None
    return send_change_notices(meeting, before_plan, after_plan)


def people_of(meeting: Meeting, ids) -> list[Registration]:
    wanted = set(ids)
    return sorted((r for r in meeting.registrations if r.id in wanted), key=lambda r: r.name.casefold())


def block_title(meeting: Meeting, key: str) -> str:
    block: Block | None = next((b for b in meeting.blocks if scheduling.block_key(b) == key), None)
    return block.title if block else key
