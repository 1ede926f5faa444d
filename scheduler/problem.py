"""The problem: an instance and a plan as frozen dataclasses.

`Instance.from_dict` checks every field of the JSON contract
(../shared/spec/scheduler-io.md) and raises `InstanceError` with a message
that names the field, e.g. ``participants[3].sector: missing``.  Hard rules
that a *fixed* round breaks are checked in `scheduler.validate`, which the
public `parse_instance` runs afterwards.  The parts of an instance (blocks,
participants, weights, the errors) are defined in `scheduler.parts` and
re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from .parts import (CAFE, INSTANCE_FORMAT, PLAN_FORMAT, SPEED, Block, CafeBlock, CafeLock, CafeRound, CafeTable,
                    CoverageRule, Infeasible, InstanceError, Participant, Selector, SpeedBlock, SpeedLock,
                    SpeedRound, Weights)

__all__ = ["INSTANCE_FORMAT", "PLAN_FORMAT", "SPEED", "CAFE", "InstanceError", "Infeasible", "SpeedRound",
           "CafeRound", "Weights", "Participant", "SpeedLock", "CafeLock", "CafeTable", "Selector",
           "CoverageRule", "SpeedBlock", "CafeBlock", "Block", "Instance", "Plan", "read_plan",
           "instance_to_dict"]


@dataclass(frozen=True)
class Instance:
    participants: tuple[Participant, ...]
    blocks: tuple[Block, ...]
    weights: Weights = Weights()
    name: str = ""
    sector_affinity: tuple[tuple[str, str, float], ...] = ()
    avoid: tuple[tuple[str, str], ...] = ()
    wish: tuple[tuple[str, str], ...] = ()
    history: tuple[tuple[str, str], ...] = ()

    @cached_property
    def _by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    def who(self, pid: str) -> str:
        """A participant as messages name them (`Participant.label`); an unknown id as it is."""
        person = self._by_id.get(pid)
        return person.label if person is not None else pid

    def who_all(self, pids) -> str:
        """Several participants as messages name them, separated by commas."""
        return ", ".join(self.who(pid) for pid in pids)

    def only(self, block: Block) -> "Instance":
        """The instance with this one block, to score or check it alone."""
        return replace(self, blocks=(block,))

    def present_in(self, block: Block, round_index: int) -> list[str]:
        """Participants present in a round, in instance order."""
        return [p.id for p in self.participants if block.is_present(p.id, round_index)]

    @classmethod
    def from_dict(cls, data: Any) -> "Instance":
        return _InstanceReader().read(data)

    def to_dict(self) -> dict:
        return instance_to_dict(self)


@dataclass(frozen=True)
class Plan:
    blocks: dict[str, tuple]  # block id -> rounds (SpeedRound or CafeRound)
    score: float | None = None
    bound: float | None = None
    extra: dict = field(default_factory=dict)  # e.g. "gap", "status"
    pauses: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # speed block id -> per round

    def paused(self, block_id: str, round_index: int) -> tuple[str, ...]:
        """Who sits round `round_index` of a speed block out (as the plan lists it)."""
        rounds = self.pauses.get(block_id, ())
        return rounds[round_index] if round_index < len(rounds) else ()

    @classmethod
    def from_dict(cls, data: Any) -> "Plan":
        return read_plan(data)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"format": PLAN_FORMAT, "blocks": []}
        for block_id, rounds in self.blocks.items():
            row = {"id": block_id, "rounds": [_round_to_json(r) for r in rounds]}
            pauses = self.pauses.get(block_id)
            if pauses and any(pauses):
                row["pauses"] = [list(p) for p in pauses]
            out["blocks"].append(row)
        if self.score is not None:
            out["score"] = self.score
        if self.bound is not None:
            out["bound"] = self.bound
        out.update(self.extra)
        return out


# --------------------------------------------------------------------------
# Reading JSON with field paths in every message


def _fail(path: str, problem: str) -> InstanceError:
    return InstanceError(f"{path}: {problem}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f'the string "{value}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _string(value: Any, path: str, *, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise _fail(path, f"must be a string, got {_json_type(value)}")
    if not empty_ok and not value.strip():
        raise _fail(path, "must not be empty")
    return value


def _number(value: Any, path: str, *, minimum: float | None = 0) -> float:
    if not _is_number(value):
        raise _fail(path, f"must be a number, got {_json_type(value)}")
    if value != value or value in (float("inf"), float("-inf")):
        raise _fail(path, "must be a finite number")
    if minimum is not None and value < minimum:
        raise _fail(path, f"must be at least {minimum}, got {value}")
    return value


def _positive_int(value: Any, path: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(path, f"must be a whole number, got {_json_type(value)}")
    if value <= 0:
        raise _fail(path, f"must be positive, got {value}")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise _fail(path, f"must be a list, got {_json_type(value)}")
    return value


def _object(value: Any, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, f"must be an object, got {_json_type(value)}")
    for key in required:
        if key not in value:
            raise _fail(f"{path}.{key}" if path else key, "missing")
    for key in value:
        if key not in allowed:
            raise _fail(f"{path}.{key}" if path else str(key), "unknown field")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _InstanceReader:
    """Reads an instance dict; one method per part of the format."""

    def read(self, data: Any) -> Instance:
        top = _object(
            data,
            "",
            {"format", "name", "weights", "sector_affinity", "participants", "avoid", "wish",
             "history", "blocks"},
            ("format", "participants", "blocks"),
        )
        if top["format"] != INSTANCE_FORMAT:
            raise _fail("format", f'must be "{INSTANCE_FORMAT}", got {_json_type(top["format"])}')
        name = _string(top.get("name", ""), "name", empty_ok=True)
        weights = self.weights(top.get("weights", {}))
        affinity = self.sector_affinity(top.get("sector_affinity", []))
        participants = self.participants(top["participants"])
        self.known = {p.id for p in participants}
        avoid = self.pairs(top.get("avoid", []), "avoid")
        wish = self.pairs(top.get("wish", []), "wish")
        history = self.pairs(top.get("history", []), "history")
        blocks = self.blocks(top["blocks"])
        return Instance(participants=participants, blocks=blocks, weights=weights, name=name,
                        sector_affinity=affinity, avoid=avoid, wish=wish, history=history)

    def weights(self, data: Any) -> Weights:
        fields = set(Weights.__dataclass_fields__)
        _object(data, "weights", fields)
        values: dict[str, Any] = {}
        for key, value in data.items():
            path = f"weights.{key}"
            if key == "preference":
                values[key] = tuple(_number(v, f"{path}[{k}]") for k, v in enumerate(_list(value, path)))
            else:
                values[key] = _number(value, path)
        return Weights(**values)

    def sector_affinity(self, data: Any) -> tuple[tuple[str, str, float], ...]:
        out = []
        for k, row in enumerate(_list(data, "sector_affinity")):
            path = f"sector_affinity[{k}]"
            if not isinstance(row, list) or len(row) != 3:
                raise _fail(path, "must be [sector_a, sector_b, value]")
            out.append((_string(row[0], f"{path}[0]"), _string(row[1], f"{path}[1]"),
                        _number(row[2], f"{path}[2]", minimum=None)))
        return tuple(out)

    def participants(self, data: Any) -> tuple[Participant, ...]:
        people = _list(data, "participants")
        if not people:
            raise _fail("participants", "must not be empty")
        out, seen = [], set()
        allowed = {"id", "name", "organisation", "sector", "offers", "needs", "languages"}
        for k, row in enumerate(people):
            path = f"participants[{k}]"
            _object(row, path, allowed, ("id", "organisation", "sector"))
            pid = _string(row["id"], f"{path}.id")
            if pid in seen:
                raise _fail(f"{path}.id", f'duplicate id "{pid}"')
            seen.add(pid)
            languages = self.topics(row.get("languages", ["de"]), f"{path}.languages")
            if not languages:
                raise _fail(f"{path}.languages", "must name at least one language")
            out.append(Participant(
                id=pid,
                name=_string(row.get("name", ""), f"{path}.name", empty_ok=True),
                organisation=_string(row["organisation"], f"{path}.organisation"),
                sector=_string(row["sector"], f"{path}.sector"),
                offers=self.topics(row.get("offers", []), f"{path}.offers"),
                needs=self.topics(row.get("needs", []), f"{path}.needs"),
                languages=languages,
            ))
        return tuple(out)

    def topics(self, data: Any, path: str) -> frozenset[str]:
        return frozenset(_string(v, f"{path}[{k}]") for k, v in enumerate(_list(data, path)))

    def person(self, value: Any, path: str) -> str:
        pid = _string(value, path)
        if pid not in self.known:
            raise _fail(path, f'unknown participant "{pid}"')
        return pid

    def pairs(self, data: Any, path: str) -> tuple[tuple[str, str], ...]:
        out = []
        for k, row in enumerate(_list(data, path)):
            item = f"{path}[{k}]"
            if not isinstance(row, list) or len(row) != 2:
                raise _fail(item, "must be a pair [id, id]")
            for pid in row:
                if not isinstance(pid, str) or pid not in self.known:
                    raise _fail(item, f"unknown participant {_json_type(pid).replace('the string ', '')}")
            if row[0] == row[1]:
                raise _fail(item, f'pairs "{row[0]}" with themself')
            out.append((row[0], row[1]))
        return tuple(out)

    def blocks(self, data: Any) -> tuple[Block, ...]:
        rows = _list(data, "blocks")
        if not rows:
            raise _fail("blocks", "must not be empty")
        out, seen = [], set()
        for k, row in enumerate(rows):
            path = f"blocks[{k}]"
            if not isinstance(row, dict):
                raise _fail(path, f"must be an object, got {_json_type(row)}")
            if "kind" not in row:
                raise _fail(f"{path}.kind", "missing")
            if row["kind"] == SPEED:
                block = self.speed_block(row, path)
            elif row["kind"] == CAFE:
                block = self.cafe_block(row, path)
            else:
                raise _fail(f"{path}.kind", f'must be "{SPEED}" or "{CAFE}", got {_json_type(row["kind"])}')
            if block.id in seen:
                raise _fail(f"{path}.id", f'duplicate id "{block.id}"')
            seen.add(block.id)
            out.append(block)
        return tuple(out)

    def present(self, data: Any, path: str, rounds: int) -> dict[str, tuple[int, ...]]:
        if not isinstance(data, dict):
            raise _fail(path, f"must be an object, got {_json_type(data)}")
        out = {}
        for pid, value in data.items():
            item = f"{path}.{pid}"
            if pid not in self.known:
                raise _fail(path, f'unknown participant "{pid}"')
            indices = [self.round_index(v, f"{item}[{k}]", rounds) for k, v in enumerate(_list(value, item))]
            if len(set(indices)) != len(indices):
                raise _fail(item, "names a round twice")
            out[pid] = tuple(sorted(indices))
        return out

    def round_index(self, value: Any, path: str, rounds: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _fail(path, f"must be a round number, got {_json_type(value)}")
        if not 0 <= value < rounds:
            raise _fail(path, f"round {value} does not exist (rounds are 0 to {rounds - 1})")
        return value

    def speed_round(self, data: Any, path: str) -> SpeedRound:
        groups = []
        for g, group in enumerate(_list(data, path)):
            gpath = f"{path}[{g}]"
            members = tuple(self.person(pid, f"{gpath}[{m}]") for m, pid in enumerate(_list(group, gpath)))
            groups.append(members)
        return tuple(groups)

    def cafe_round(self, data: Any, path: str, tables: set[str]) -> CafeRound:
        if not isinstance(data, dict):
            raise _fail(path, f"must be an object mapping table ids to people, got {_json_type(data)}")
        out = {}
        for table, people in data.items():
            if table not in tables:
                raise _fail(path, f'unknown table "{table}"')
            tpath = f"{path}.{table}"
            out[table] = tuple(self.person(pid, f"{tpath}[{m}]") for m, pid in enumerate(_list(people, tpath)))
        return out

    def rounds_list(self, data: Any, path: str, rounds: int, read_round, exact: bool):
        rows = _list(data, path)
        if exact and len(rows) != rounds:
            raise _fail(path, f"must list all {rounds} rounds, got {len(rows)}")
        if len(rows) > rounds:
            raise _fail(path, f"lists {len(rows)} rounds but the block has {rounds}")
        return tuple(read_round(row, f"{path}[{k}]") for k, row in enumerate(rows))

    def speed_block(self, row: dict, path: str) -> SpeedBlock:
        _object(row, path, {"id", "kind", "rounds", "group_size", "allow_repeats", "present",
                            "fixed_rounds", "published", "locks", "coverage"}, ("id", "rounds"))
        rounds = _positive_int(row["rounds"], f"{path}.rounds")
        group_size = _positive_int(row.get("group_size", 2), f"{path}.group_size")
        if group_size < 2:
            raise _fail(f"{path}.group_size", f"must be at least 2, got {group_size}")
        allow = row.get("allow_repeats", False)
        if not isinstance(allow, bool):
            raise _fail(f"{path}.allow_repeats", f"must be true or false, got {_json_type(allow)}")
        published = row.get("published")
        locks = []
        for k, lock in enumerate(_list(row.get("locks", []), f"{path}.locks")):
            lpath = f"{path}.locks[{k}]"
            _object(lock, lpath, {"round", "together"}, ("round", "together"))
            together = _list(lock["together"], f"{lpath}.together")
            people = tuple(self.person(pid, f"{lpath}.together[{m}]") for m, pid in enumerate(together))
            if len(people) < 2:
                raise _fail(f"{lpath}.together", "must name at least two people")
            if len(set(people)) != len(people):
                raise _fail(f"{lpath}.together", "names a person twice")
            if len(people) > group_size + 1:
                raise _fail(f"{lpath}.together", f"names {len(people)} people but groups hold at most {group_size + 1}")
            locks.append(SpeedLock(self.round_index(lock["round"], f"{lpath}.round", rounds), people))
        return SpeedBlock(
            id=_string(row["id"], f"{path}.id"),
            rounds=rounds,
            group_size=group_size,
            allow_repeats=allow,
            present=self.present(row.get("present", {}), f"{path}.present", rounds),
            fixed_rounds=self.rounds_list(row.get("fixed_rounds", []), f"{path}.fixed_rounds", rounds,
                                          self.speed_round, exact=False),
            published=None if published is None else self.rounds_list(
                published, f"{path}.published", rounds, self.speed_round, exact=True),
            locks=tuple(locks),
            coverage=self.coverage(row.get("coverage", []), f"{path}.coverage"),
        )

    def selector(self, data: Any, path: str) -> Selector:
        _object(data, path, {"sector", "sectors", "participants"})
        if len(data) != 1:
            raise _fail(path, 'must name exactly one of "sector", "sectors" or "participants"')
        if "sector" in data:
            return Selector(sectors=frozenset({_string(data["sector"], f"{path}.sector")}))
        if "sectors" in data:
            items = _list(data["sectors"], f"{path}.sectors")
            if not items:
                raise _fail(f"{path}.sectors", "must not be empty")
            return Selector(sectors=frozenset(_string(v, f"{path}.sectors[{k}]") for k, v in enumerate(items)))
        items = _list(data["participants"], f"{path}.participants")
        if not items:
            raise _fail(f"{path}.participants", "must not be empty")
        return Selector(participants=frozenset(self.person(v, f"{path}.participants[{k}]")
                                               for k, v in enumerate(items)))

    def coverage(self, data: Any, path: str) -> tuple[CoverageRule, ...]:
        rules = []
        for k, rule in enumerate(_list(data, path)):
            rpath = f"{path}[{k}]"
            _object(rule, rpath, {"who", "meets", "at_least"}, ("who", "meets", "at_least"))
            rules.append(CoverageRule(self.selector(rule["who"], f"{rpath}.who"),
                                      self.selector(rule["meets"], f"{rpath}.meets"),
                                      _positive_int(rule["at_least"], f"{rpath}.at_least")))
        return tuple(rules)

    def cafe_block(self, row: dict, path: str) -> CafeBlock:
        _object(row, path, {"id", "kind", "rounds", "tables", "preferences", "present",
                            "fixed_rounds", "published", "locks"}, ("id", "rounds", "tables"))
        rounds = _positive_int(row["rounds"], f"{path}.rounds")
        tables, hosts = [], set()
        for k, table in enumerate(_list(row["tables"], f"{path}.tables")):
            tpath = f"{path}.tables[{k}]"
            _object(table, tpath, {"id", "topic", "host", "seats", "language"}, ("id", "seats"))
            tid = _string(table["id"], f"{tpath}.id")
            if any(t.id == tid for t in tables):
                raise _fail(f"{tpath}.id", f'duplicate id "{tid}"')
            host = table.get("host")
            if host is not None:
                host = self.person(host, f"{tpath}.host")
                if host in hosts:
                    raise _fail(f"{tpath}.host", f'"{host}" already hosts another table')
                hosts.add(host)
            language = table.get("language")
            tables.append(CafeTable(
                id=tid,
                topic=_string(table.get("topic", ""), f"{tpath}.topic", empty_ok=True),
                host=host,
                seats=_positive_int(table["seats"], f"{tpath}.seats"),
                language=None if language is None else _string(language, f"{tpath}.language"),
            ))
        if not tables:
            raise _fail(f"{path}.tables", "must not be empty")
        table_ids = {t.id for t in tables}
        preferences = {}
        prefs = row.get("preferences", {})
        if not isinstance(prefs, dict):
            raise _fail(f"{path}.preferences", f"must be an object, got {_json_type(prefs)}")
        for pid, ranked in prefs.items():
            ppath = f"{path}.preferences.{pid}"
            if pid not in self.known:
                raise _fail(f"{path}.preferences", f'unknown participant "{pid}"')
            choice = tuple(_string(t, f"{ppath}[{k}]") for k, t in enumerate(_list(ranked, ppath)))
            for k, t in enumerate(choice):
                if t not in table_ids:
                    raise _fail(f"{ppath}[{k}]", f'unknown table "{t}"')
            if len(set(choice)) != len(choice):
                raise _fail(ppath, "names a table twice")
            preferences[pid] = choice
        locks = []
        for k, lock in enumerate(_list(row.get("locks", []), f"{path}.locks")):
            lpath = f"{path}.locks[{k}]"
            _object(lock, lpath, {"round", "table", "participant"}, ("round", "table", "participant"))
            table = _string(lock["table"], f"{lpath}.table")
            if table not in table_ids:
                raise _fail(f"{lpath}.table", f'unknown table "{table}"')
            locks.append(CafeLock(self.round_index(lock["round"], f"{lpath}.round", rounds), table,
                                  self.person(lock["participant"], f"{lpath}.participant")))
        read_round = lambda data, p: self.cafe_round(data, p, table_ids)  # noqa: E731
        published = row.get("published")
        return CafeBlock(
            id=_string(row["id"], f"{path}.id"),
            rounds=rounds,
            tables=tuple(tables),
            preferences=preferences,
            present=self.present(row.get("present", {}), f"{path}.present", rounds),
            fixed_rounds=self.rounds_list(row.get("fixed_rounds", []), f"{path}.fixed_rounds", rounds,
                                          read_round, exact=False),
            published=None if published is None else self.rounds_list(
                published, f"{path}.published", rounds, read_round, exact=True),
            locks=tuple(locks),
        )


# --------------------------------------------------------------------------
# Plans


def read_plan(data: Any) -> Plan:
    """Read a plan's shape.  Unknown people or missing rounds are left for the
    validator to report as violations; only a wrong JSON shape raises."""
    top = _object(data, "", {"format", "blocks", "score", "bound", "gap", "status", "seconds"},
                  ("format", "blocks"))
    if top["format"] != PLAN_FORMAT:
        raise _fail("format", f'must be "{PLAN_FORMAT}", got {_json_type(top["format"])}')
    blocks: dict[str, tuple] = {}
    pauses: dict[str, tuple] = {}
    for k, row in enumerate(_list(top["blocks"], "blocks")):
        path = f"blocks[{k}]"
        _object(row, path, {"id", "rounds", "pauses"}, ("id", "rounds"))
        block_id = _string(row["id"], f"{path}.id")
        if block_id in blocks:
            raise _fail(f"{path}.id", f'duplicate id "{block_id}"')
        if "pauses" in row:
            ppath = f"{path}.pauses"
            pauses[block_id] = tuple(
                tuple(_string(p, f"{ppath}[{r}][{m}]") for m, p in enumerate(_list(people, f"{ppath}[{r}]")))
                for r, people in enumerate(_list(row["pauses"], ppath)))
        rounds = []
        for r, item in enumerate(_list(row["rounds"], f"{path}.rounds")):
            rpath = f"{path}.rounds[{r}]"
            if isinstance(item, dict):
                rounds.append({t: tuple(_string(p, f"{rpath}.{t}[{m}]") for m, p in enumerate(_list(v, f"{rpath}.{t}")))
                               for t, v in item.items()})
            else:
                rounds.append(tuple(
                    tuple(_string(p, f"{rpath}[{g}][{m}]") for m, p in enumerate(_list(group, f"{rpath}[{g}]")))
                    for g, group in enumerate(_list(item, rpath))))
        blocks[block_id] = tuple(rounds)
    score = top.get("score")
    bound = top.get("bound")
    return Plan(blocks=blocks,
                score=None if score is None else _number(score, "score", minimum=None),
                bound=None if bound is None else _number(bound, "bound", minimum=None),
                pauses=pauses)


def _round_to_json(round_: Any) -> Any:
    if isinstance(round_, dict):
        return {table: list(people) for table, people in round_.items()}
    return [list(group) for group in round_]


def instance_to_dict(instance: Instance) -> dict:
    w = instance.weights
    out: dict[str, Any] = {
        "format": INSTANCE_FORMAT,
        "name": instance.name,
        "weights": {k: (list(v) if isinstance(v, tuple) else v) for k, v in w.__dict__.items()},
        "sector_affinity": [list(row) for row in instance.sector_affinity],
        "participants": [
            {"id": p.id, "name": p.name, "organisation": p.organisation, "sector": p.sector,
             "offers": sorted(p.offers), "needs": sorted(p.needs), "languages": sorted(p.languages)}
            for p in instance.participants
        ],
        "avoid": [list(pair) for pair in instance.avoid],
        "wish": [list(pair) for pair in instance.wish],
        "history": [list(pair) for pair in instance.history],
        "blocks": [],
    }
    for block in instance.blocks:
        row: dict[str, Any] = {"id": block.id, "kind": block.kind, "rounds": block.rounds}
        if isinstance(block, SpeedBlock):
            row.update(group_size=block.group_size, allow_repeats=block.allow_repeats)
            row["locks"] = [{"round": lock.round, "together": list(lock.together)} for lock in block.locks]
            if block.coverage:
                row["coverage"] = [rule.to_dict() for rule in block.coverage]
        else:
            row["tables"] = [{"id": t.id, "topic": t.topic, "host": t.host, "seats": t.seats,
                              "language": t.language} for t in block.tables]
            row["preferences"] = {pid: list(ts) for pid, ts in block.preferences.items()}
            row["locks"] = [{"round": lock.round, "table": lock.table, "participant": lock.participant}
                            for lock in block.locks]
        row["present"] = {pid: list(rs) for pid, rs in block.present.items()}
        row["fixed_rounds"] = [_round_to_json(r) for r in block.fixed_rounds]
        row["published"] = None if block.published is None else [_round_to_json(r) for r in block.published]
        out["blocks"].append(row)
    return out
