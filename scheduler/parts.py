"""The parts of an instance as frozen dataclasses: weights, participants,
blocks with their tables, locks and coverage rules; the format names; and
the two errors of the contract.  `scheduler.problem` builds the `Instance`
and the `Plan` from them and reads and writes both as JSON (and re-exports
every name here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

INSTANCE_FORMAT = "netzwerktreffen-instance/1"
PLAN_FORMAT = "netzwerktreffen-plan/1"
SPEED = "speed-networking"
CAFE = "pro-action-cafe"


class InstanceError(ValueError):
    """The input is invalid (exit code 2); the message names the field."""


class Infeasible(Exception):
    """The instance has no feasible plan (exit code 3); the message says why.

    `code` is a stable key for translation (e.g. "cafe-seats"), `block` the
    block id, `round` the round (0-based) or None, `participants` the ids of
    the people concerned and `numbers` the figures the message quotes."""

    def __init__(self, message: str, *, code: str = "infeasible", block: str | None = None,
                 round: int | None = None, participants: tuple[str, ...] = (),
                 numbers: dict | None = None):
        super().__init__(message)
        self.code, self.block, self.round = code, block, round
        self.participants = tuple(participants)
        self.numbers = dict(numbers or {})


# A speed-networking round is a tuple of groups; a café round maps table id to
# the people seated there (host included).
SpeedRound = tuple[tuple[str, ...], ...]
CafeRound = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Weights:
    offer_need: float = 3  # per matching offer/need topic, both directions
    sector: float = 2  # times the sector affinity
    wish: float = 5  # the pair asked to meet
    history: float = 4  # subtracted: the pair met at an earlier meeting
    preference: tuple[float, ...] = (3, 2, 1)  # café: k-th ranked table
    repeat: float = 10  # each further round a pair shares a group
    forbidden: float = 100  # café: each round a forbidden pair shares a table
    fairness: float = 0  # speed: times the worst-off participant's value
    change: float = 2  # per person and round changed against `published`
    pause: float = 60  # speed: each person and round sat out
    revisit: float = 60  # café: each time a guest sits at a table they sat at before
    balance: float = 100  # café: each guest beyond even filling of the tables
    coverage: float = 40  # speed: each meeting a coverage rule misses


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    organisation: str
    sector: str
    offers: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset({"de"})

    @property
    def label(self) -> str:
        """As messages name a person: `Rana Haddad (p17)`; the id alone where the name is it or missing."""
        return f"{self.name} ({self.id})" if self.name and self.name != self.id else self.id


@dataclass(frozen=True)
class SpeedLock:
    round: int
    together: tuple[str, ...]  # people who share one group in that round


@dataclass(frozen=True)
class CafeLock:
    round: int
    table: str
    participant: str


@dataclass(frozen=True)
class CafeTable:
    id: str
    topic: str = ""
    host: str | None = None
    seats: int = 5
    language: str | None = None


@dataclass(frozen=True)
class Selector:
    """Who a coverage rule speaks of: people of some sectors, or named people."""

    sectors: frozenset[str] | None = None
    participants: frozenset[str] | None = None

    def matches(self, person: "Participant") -> bool:
        if self.sectors is not None:
            return person.sector in self.sectors
        return self.participants is not None and person.id in self.participants

    def to_dict(self) -> dict:
        if self.sectors is not None:
            return {"sectors": sorted(self.sectors)}
        return {"participants": sorted(self.participants or ())}


@dataclass(frozen=True)
class CoverageRule:
    """Everyone matching `who` (present in the block) meets at least `at_least` people matching `meets`."""

    who: Selector
    meets: Selector
    at_least: int

    def to_dict(self) -> dict:
        return {"who": self.who.to_dict(), "meets": self.meets.to_dict(), "at_least": self.at_least}


@dataclass(frozen=True)
class SpeedBlock:
    id: str
    rounds: int
    group_size: int = 2
    allow_repeats: bool = False
    present: dict[str, tuple[int, ...]] = field(default_factory=dict)  # missing: all
    fixed_rounds: tuple[SpeedRound, ...] = ()  # the first rounds, already held
    published: tuple[SpeedRound, ...] | None = None  # all rounds people were sent
    locks: tuple[SpeedLock, ...] = ()
    coverage: tuple[CoverageRule, ...] = ()
    kind: str = SPEED

    def is_present(self, person: str, round_index: int) -> bool:
        rounds = self.present.get(person)
        return rounds is None or round_index in rounds


@dataclass(frozen=True)
class CafeBlock:
    id: str
    rounds: int
    tables: tuple[CafeTable, ...]
    preferences: dict[str, tuple[str, ...]] = field(default_factory=dict)
    present: dict[str, tuple[int, ...]] = field(default_factory=dict)
    fixed_rounds: tuple[CafeRound, ...] = ()
    published: tuple[CafeRound, ...] | None = None
    locks: tuple[CafeLock, ...] = ()
    kind: str = CAFE

    def is_present(self, person: str, round_index: int) -> bool:
        rounds = self.present.get(person)
        return rounds is None or round_index in rounds


Block = SpeedBlock | CafeBlock
