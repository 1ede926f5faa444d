"""The validator: every hard rule of the spec and the score, from scratch.

Plain Python on purpose (no solver import): `python -m scheduler check`, the
tests and the web app's live validation all use it, for any plan, including
groups of any size and Pro-Action-Café blocks.

Each broken rule is a `Violation` with a stable `code` (for translation), the
block, the round, the people involved and an English message such as
``speed round 2: p03 and p04 share an organisation``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

from .problem import CafeBlock, Instance, InstanceError, Plan, SpeedBlock
from .values import PairValues

__all__ = ["Violation", "BlockScore", "validate_plan", "score_plan", "check_plan",
           "speed_group_sizes", "check_fixed_rounds", "effective_pauses", "coverage_missing",
           "cafe_revisits", "cafe_overfull"]


@dataclass(frozen=True)
class Violation:
    code: str  # stable key, e.g. "same-organisation"
    block: str
    round: int | None  # 0-based, None for block-wide problems
    participants: tuple[str, ...]
    message: str  # English; the web app translates by `code`

    def to_dict(self) -> dict:
        return {"code": self.code, "block": self.block, "round": self.round,
                "participants": list(self.participants), "message": self.message}


@dataclass
class BlockScore:
    score: float = 0.0  # the block's total
    pairs: float = 0.0  # s(i,j) over distinct pairs that met
    repeats: int = 0  # further meetings of a pair
    forbidden_meetings: int = 0  # café: rounds a forbidden pair shared a table
    preferences: float = 0.0  # café: ranked-choice points
    worst_off: float | None = None  # speed with fairness: the lowest participant value
    changes: int = 0  # person-rounds changed against `published`
    pauses: int = 0  # speed: person-rounds sat out
    coverage_missing: int = 0  # speed: meetings the coverage rules miss
    revisits: int = 0  # café: a guest at a table they sat at before
    overfull: int = 0  # café: guests beyond even filling
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {"score": _round(self.score), "pairs": _round(self.pairs), "repeats": self.repeats,
               "changes": self.changes}
        for key in ("pauses", "coverage_missing", "revisits", "overfull"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.worst_off is not None:
            out["worst_off"] = _round(self.worst_off)
        if self.preferences or self.forbidden_meetings:
            out["preferences"] = _round(self.preferences)
            out["forbidden_meetings"] = self.forbidden_meetings
        return out


def _round(x: float) -> float:
    return round(x, 6) + 0.0


def speed_group_sizes(head_count: int, group_size: int) -> tuple[int, int] | None:
    """(groups of `group_size`, groups of `group_size + 1`) with as few of the
    larger ones as possible, or None when no such split exists."""
    if head_count == 0:
        return (0, 0)
    larger = head_count % group_size
    regular, rest = divmod(head_count - larger * (group_size + 1), group_size)
    if head_count < larger * (group_size + 1) or rest:
        return None
    return (regular, larger)


# --------------------------------------------------------------------------
# Hard rules


class _BlockChecker:
    """Collects the violations of one block; one method per rule family."""

    def __init__(self, instance: Instance, values: PairValues, block, rounds: tuple):
        self.instance, self.values, self.block, self.rounds = instance, values, block, rounds
        self.known = set(values.ids)
        self.who = instance.who
        self.found: list[Violation] = []

    def add(self, code: str, round_: int | None, people: Iterable[str], message: str) -> None:
        prefix = self.block.id if round_ is None else f"{self.block.id} round {round_}"
        self.found.append(Violation(code, self.block.id, round_, tuple(people), f"{prefix}: {message}"))

    def round_count(self) -> None:
        if len(self.rounds) != self.block.rounds:
            self.add("round-count", None, (),
                     f"{len(self.rounds)} rounds planned, the block has {self.block.rounds}")

    def attendance(self, r: int, seated: list[str], paused: list[str] = ()) -> None:
        """Everyone present exactly once (seated or paused), no one absent, no unknown ids."""
        counts = Counter(seated)
        for pid, count in counts.items():
            if pid not in self.known:
                self.add("unknown-participant", r, (pid,), f'unknown participant "{pid}"')
            elif count > 1:
                self.add("seated-twice", r, (pid,), f"{self.who(pid)} is seated {count} times"
                         + (" (paused and in a group)" if pid in paused else ""))
            if pid in self.known and not self.block.is_present(pid, r):
                if pid in paused:
                    self.add("absent-paused", r, (pid,), f"{self.who(pid)} is paused but not present")
                else:
                    self.add("absent-seated", r, (pid,), f"{self.who(pid)} is seated but not present")
        for pid in self.instance.present_in(self.block, r):
            if pid not in counts:
                self.add("missing-participant", r, (pid,), f"{self.who(pid)} is present but not seated")

    def fixed_rounds(self, same_round) -> None:
        for r, fixed in enumerate(self.block.fixed_rounds):
            if r < len(self.rounds) and not same_round(fixed, self.rounds[r]):
                self.add("fixed-round-changed", r, (), "differs from the fixed round")


class _SpeedChecker(_BlockChecker):
    def __init__(self, instance: Instance, values: PairValues, block, rounds: tuple,
                 pauses: tuple = ()):
        super().__init__(instance, values, block, rounds)
        self.pauses = pauses

    def run(self) -> list[Violation]:
        self.round_count()
        self.fixed_rounds(lambda a, b: _group_sets(a) == _group_sets(b))
        if len(self.pauses) > len(self.rounds):
            self.add("pause-rounds", None, (),
                     f"pauses list {len(self.pauses)} rounds, the plan has {len(self.rounds)}")
        for r, groups in enumerate(self.rounds):
            self.check_round(r, groups)
        self.repeats()
        self.locks()
        return self.found

    def paused(self, r: int, groups) -> list[str]:
        """Who sits round r out: as listed, and in a fixed round whoever is present but in no group."""
        listed = list(self.pauses[r]) if r < len(self.pauses) else []
        if r < len(self.block.fixed_rounds):
            seated = {pid for group in groups for pid in group}
            listed += [pid for pid in self.instance.present_in(self.block, r)
                       if pid not in seated and pid not in listed]
        return listed

    def check_round(self, r: int, groups) -> None:
        paused = self.paused(r, groups)
        self.attendance(r, [pid for group in groups for pid in group] + paused, paused)
        self.group_sizes(r, groups, len(set(paused)))
        self.forbidden_pairs(r, groups)

    def group_sizes(self, r: int, groups, paused: int = 0) -> None:
        g = self.block.group_size
        for k, group in enumerate(groups):
            if len(group) not in (g, g + 1):
                self.add("group-size", r, group,
                         f"spot {k + 1} has {len(group)} {'person' if len(group) == 1 else 'people'}; "
                         f"groups have {g} (or {g + 1} where the head-count does not divide)")
        head_count = len(self.instance.present_in(self.block, r)) - paused
        sizes = speed_group_sizes(head_count, g)
        larger = sum(1 for group in groups if len(group) == g + 1)
        if sizes is not None and larger != sizes[1] and all(len(gr) in (g, g + 1) for gr in groups):
            self.add("too-many-larger-groups", r, (),
                     f"{larger} groups of {g + 1}, but {head_count} people present"
                     f"{' and not paused' if paused else ''} need {sizes[1]}")

    def forbidden_pairs(self, r: int, groups) -> None:
        for group in groups:
            for a, b in combinations(group, 2):
                if a in self.known and b in self.known and a != b:
                    reason = self.values.forbidden_reason(a, b)
                    if reason:
                        self.add(REASON_CODES[reason], r, (a, b), f"{self.who(a)} and {self.who(b)} {reason}")

    def repeats(self) -> None:
        if self.block.allow_repeats:
            return
        first_met: dict[frozenset, int] = {}
        for r, groups in enumerate(self.rounds):
            for group in groups:
                for a, b in combinations(sorted(set(group)), 2):
                    pair = frozenset((a, b))
                    if pair in first_met and first_met[pair] != r:
                        self.found.append(Violation(
                            "repeat", self.block.id, r, (a, b),
                            f"{self.block.id} rounds {first_met[pair]} and {r}: {self.who(a)} and {self.who(b)} meet twice"))
                    first_met.setdefault(pair, r)

    def locks(self) -> None:
        for lock in self.block.locks:
            if lock.round >= len(self.rounds):
                continue
            together = set(lock.together)
            if not any(together <= set(group) for group in self.rounds[lock.round]):
                self.add("lock-broken", lock.round, lock.together,
                         f"{' and '.join(map(self.who, lock.together))} are locked together but sit apart")


class _CafeChecker(_BlockChecker):
    def run(self) -> list[Violation]:
        self.tables = {t.id: t for t in self.block.tables}
        self.round_count()
        self.fixed_rounds(lambda a, b: _table_sets(a) == _table_sets(b))
        for r, seating in enumerate(self.rounds):
            self.check_round(r, seating)
        self.locks()
        return self.found

    def check_round(self, r: int, seating: dict) -> None:
        for table in seating:
            if table not in self.tables:
                self.add("unknown-table", r, (), f'unknown table "{table}"')
        self.attendance(r, [pid for people in seating.values() for pid in people])
        self.hosts(r, seating)
        self.seats_and_language(r, seating)

    def hosts(self, r: int, seating: dict) -> None:
        for table in self.block.tables:
            host = table.host
            if host and self.block.is_present(host, r) and host not in seating.get(table.id, ()):
                self.add("host-away", r, (host,), f"host {self.who(host)} is not at their table {table.id}")

    def seats_and_language(self, r: int, seating: dict) -> None:
        people = {p.id: p for p in self.instance.participants}
        for tid, seated in seating.items():
            table = self.tables.get(tid)
            if table is None:
                continue
            if len(seated) > table.seats:
                self.add("seats-exceeded", r, seated,
                         f"table {tid} has {table.seats} seats but {len(seated)} people")
            if table.language:
                for pid in seated:
                    if pid in people and table.language not in people[pid].languages:
                        self.add("table-language", r, (pid,),
                                 f"{self.who(pid)} does not speak {table.language}, the language of table {tid}")

    def locks(self) -> None:
        for lock in self.block.locks:
            if lock.round < len(self.rounds) and lock.participant not in self.rounds[lock.round].get(lock.table, ()):
                self.add("lock-broken", lock.round, (lock.participant,),
                         f"{self.who(lock.participant)} is locked to table {lock.table} but sits elsewhere")


REASON_CODES = {
    "share an organisation": "same-organisation",
    "are on the avoid list": "avoid",
    "share no language": "no-common-language",
}


def _group_sets(groups) -> Counter:
    return Counter(frozenset(group) for group in groups)


def _table_sets(seating: dict) -> dict:
    return {table: frozenset(people) for table, people in seating.items() if people}


def _checker(instance: Instance, values: PairValues, block, rounds, pauses: tuple = ()) -> _BlockChecker:
    if isinstance(block, SpeedBlock):
        return _SpeedChecker(instance, values, block, rounds, pauses)
    return _CafeChecker(instance, values, block, rounds)


def validate_plan(instance: Instance, plan: Plan, values: PairValues | None = None) -> list[Violation]:
    """Every hard-rule violation of `plan`; an empty list means valid."""
    values = values or PairValues(instance)
    found: list[Violation] = []
    block_ids = {block.id for block in instance.blocks}
    for block_id in plan.blocks:
        if block_id not in block_ids:
            found.append(Violation("unknown-block", block_id, None, (), f'{block_id}: unknown block'))
    for block in instance.blocks:
        rounds = plan.blocks.get(block.id)
        if rounds is None:
            found.append(Violation("missing-block", block.id, None, (), f"{block.id}: not planned"))
            continue
        if not _rounds_match_kind(block, rounds):
            kind = "lists of groups" if isinstance(block, SpeedBlock) else "objects mapping tables to people"
            found.append(Violation("wrong-round-shape", block.id, None, (), f"{block.id}: rounds must be {kind}"))
            continue
        if isinstance(block, CafeBlock) and plan.pauses.get(block.id):
            found.append(Violation("cafe-pauses", block.id, None, (),
                                   f"{block.id}: a Pro-Action-Café block has no pauses"))
        found.extend(_checker(instance, values, block, rounds, plan.pauses.get(block.id, ())).run())
    return found


def _rounds_match_kind(block, rounds) -> bool:
    if isinstance(block, CafeBlock):
        return all(isinstance(r, dict) for r in rounds)
    return all(isinstance(r, (list, tuple)) for r in rounds)


def check_fixed_rounds(instance: Instance, values: PairValues | None = None) -> None:
    """Raise InstanceError when a fixed round breaks a hard rule."""
    if not any(block.fixed_rounds for block in instance.blocks):
        return
    values = values or PairValues(instance)
    for k, block in enumerate(instance.blocks):
        if not block.fixed_rounds:
            continue
        checker = _checker(instance, values, block, block.fixed_rounds)
        checker.run()
        for violation in checker.found:
            if violation.code in ("round-count", "fixed-round-changed"):
                continue
            where = f"blocks[{k}].fixed_rounds" + (f"[{violation.round}]" if violation.round is not None else "")
            message = violation.message.split(": ", 1)[1]
            raise InstanceError(f"{where}: {message}")


# --------------------------------------------------------------------------
# Score


def effective_pauses(instance: Instance, block: SpeedBlock, rounds, pauses=()) -> list[set[str]]:
    """Per round, who sits it out: the plan's `pauses` of people present, and in
    a fixed round whoever is present but in no group."""
    out = []
    for r, groups in enumerate(rounds):
        present = set(instance.present_in(block, r))
        paused = set(pauses[r]) & present if r < len(pauses) else set()
        if r < len(block.fixed_rounds):
            paused |= present - {pid for group in groups for pid in group}
        out.append(paused)
    return out


def coverage_missing(instance: Instance, block: SpeedBlock, rounds) -> list[tuple[int, str, int]]:
    """Per coverage rule and person it speaks of: (rule index, person, meetings missing)."""
    if not block.coverage:
        return []
    people = {p.id: p for p in instance.participants}
    mates: dict[str, set[str]] = defaultdict(set)
    for groups in rounds:
        for group in groups:
            for pid in group:
                mates[pid].update(m for m in group if m != pid)
    attending = [p for p in instance.participants
                 if any(block.is_present(p.id, r) for r in range(block.rounds))]
    out = []
    for k, rule in enumerate(block.coverage):
        for person in attending:
            if not rule.who.matches(person):
                continue
            met = sum(1 for m in mates[person.id] if m in people and rule.meets.matches(people[m]))
            if met < rule.at_least:
                out.append((k, person.id, rule.at_least - met))
    return out


def _speed_score(instance: Instance, values: PairValues, block: SpeedBlock, rounds, pauses=()) -> BlockScore:
    w = instance.weights
    meetings: Counter = Counter()
    for groups in rounds:
        for group in groups:
            for a, b in combinations(sorted(set(group)), 2):
                if a in values.index and b in values.index:
                    meetings[a, b] += 1
    result = BlockScore()
    person_value: dict[str, float] = defaultdict(float)
    for (a, b), count in meetings.items():
        s = values.s(a, b)
        result.pairs += s
        result.repeats += count - 1
        person_value[a] += s
        person_value[b] += s
    result.score = result.pairs - w.repeat * result.repeats
    if w.fairness > 0:
        counted = [pid for pid in values.ids if any(block.is_present(pid, r) for r in range(block.rounds))]
        result.worst_off = min((person_value[pid] for pid in counted), default=0.0)
        result.score += w.fairness * result.worst_off
    paused = effective_pauses(instance, block, rounds, pauses)
    result.pauses = sum(len(p) for p in paused)
    result.coverage_missing = sum(missing for _k, _pid, missing in coverage_missing(instance, block, rounds))
    result.changes = _changes(block, rounds, lambda r: _speed_mates(rounds[r], paused[r]))
    result.score -= (w.change * result.changes + w.pause * result.pauses
                     + w.coverage * result.coverage_missing)
    return result


def cafe_revisits(block: CafeBlock, rounds) -> list[tuple[int, str, str]]:
    """(round, guest, table) each time a guest sits at a table they sat at in an earlier round."""
    hosts = {t.id: t.host for t in block.tables}
    seen: set[tuple[str, str]] = set()
    out = []
    for r, seating in enumerate(rounds):
        for tid, seated in seating.items():
            for pid in set(seated):
                if pid == hosts.get(tid):
                    continue
                if (pid, tid) in seen:
                    out.append((r, pid, tid))
                seen.add((pid, tid))
    return out


def cafe_overfull(block: CafeBlock, rounds) -> list[tuple[int, str, int]]:
    """(round, table, guests beyond even filling): in a round with G guests at
    the block's T tables, a table holding more than ceil(G / T) guests."""
    hosts = {t.id: t.host for t in block.tables}
    out = []
    for r, seating in enumerate(rounds):
        guests = {tid: sum(1 for pid in seated if pid != hosts.get(tid)) for tid, seated in seating.items()}
        even = -(-sum(guests.values()) // len(block.tables))
        out += [(r, tid, count - even) for tid, count in guests.items() if count > even]
    return out


def _cafe_score(instance: Instance, values: PairValues, block: CafeBlock, rounds) -> BlockScore:
    w = instance.weights
    hosts = {t.id: t.host for t in block.tables}
    result = BlockScore()
    meetings: Counter = Counter()
    for seating in rounds:
        for tid, seated in seating.items():
            for pid in seated:
                if pid == hosts.get(tid):
                    continue
                ranked = block.preferences.get(pid, ())
                if tid in ranked and ranked.index(tid) < len(w.preference):
                    result.preferences += w.preference[ranked.index(tid)]
            for a, b in combinations(sorted(set(seated)), 2):
                if a in values.index and b in values.index:
                    meetings[a, b] += 1
    for (a, b), count in meetings.items():
        result.pairs += values.s(a, b)
        result.repeats += count - 1
        if values.forbidden(a, b):
            result.forbidden_meetings += count
    result.changes = _changes(block, rounds, lambda r: _cafe_tables(rounds[r]))
    result.revisits = len(cafe_revisits(block, rounds))
    result.overfull = sum(extra for _r, _t, extra in cafe_overfull(block, rounds))
    result.score = (result.preferences + result.pairs - w.repeat * result.repeats
                    - w.forbidden * result.forbidden_meetings - w.change * result.changes
                    - w.revisit * result.revisits - w.balance * result.overfull)
    return result


def _speed_mates(round_, paused=()) -> dict[str, frozenset]:
    mates = {pid: frozenset() for pid in paused}
    mates.update({pid: frozenset(group) - {pid} for group in round_ for pid in group})
    return mates


def _cafe_tables(round_) -> dict[str, str]:
    return {pid: tid for tid, seated in round_.items() for pid in seated}


def _changes(block, rounds, placement) -> int:
    """Person-rounds after the fixed ones, in both plans, placed differently
    (a pause counts as a group of one's own)."""
    if block.published is None:
        return 0
    changed = 0
    sent_placement = _speed_mates if isinstance(block, SpeedBlock) else _cafe_tables
    for r in range(len(block.fixed_rounds), min(len(rounds), len(block.published))):
        now, sent = placement(r), sent_placement(block.published[r])
        changed += sum(1 for pid, where in now.items() if pid in sent and sent[pid] != where)
    return changed


def score_plan(instance: Instance, plan: Plan, values: PairValues | None = None) -> tuple[float, dict[str, BlockScore]]:
    """The plan's score recomputed from scratch: (total, per-block breakdown)."""
    values = values or PairValues(instance)
    blocks: dict[str, BlockScore] = {}
    for block in instance.blocks:
        rounds = plan.blocks.get(block.id, ())
        if not _rounds_match_kind(block, rounds):
            blocks[block.id] = BlockScore()
        elif isinstance(block, SpeedBlock):
            blocks[block.id] = _speed_score(instance, values, block, rounds, plan.pauses.get(block.id, ()))
        else:
            blocks[block.id] = _cafe_score(instance, values, block, rounds)
    return sum(b.score for b in blocks.values()), blocks


def check_plan(instance: Instance, plan: Plan, values: PairValues | None = None) -> dict:
    """The JSON report of `python -m scheduler check`."""
    values = values or PairValues(instance)
    violations = validate_plan(instance, plan, values)
    total, blocks = score_plan(instance, plan, values)
    report_blocks = {}
    for block_id, block_score in blocks.items():
        row = block_score.to_dict()
        row["violations"] = [v.to_dict() for v in violations if v.block == block_id]
        report_blocks[block_id] = row
    return {"valid": not violations, "violations": [v.message for v in violations],
            "score": _round(total), "blocks": report_blocks}
