"""Who and what the scheduler's ids stand for, and the facts one message may quote.

``Names`` turns participant ids (``r<registration id>``), block keys and café table
keys into what the organiser sees; ``Facts`` is what an entry of the message table
(``message_table.MESSAGES``) reads. Also the small word helpers ("A, B und C").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from flask_babel import gettext as _
from flask_babel import ngettext

from netzwerktreffen.core.i18n import language_name

MAX_NAMES = 10  # a longer list of people ends in "und 12 weitere"
TOPIC_LENGTH = 60


# --------------------------------------------------------------------------
# Who and what the ids stand for


class Names:
    """Participants, blocks and café tables behind the scheduler's ids.

    ``people`` maps participant ids to names; ``blocks`` block keys to ``Block`` rows
    (title, group size); ``tables`` café table keys to ``CafeTable`` rows.  An id
    that is not known is never shown: it becomes "eine nicht mehr angemeldete Person"
    and the like."""

    def __init__(self, people: dict[str, str] | None = None, blocks: dict | None = None,
                 tables: dict | None = None):
        self.people = dict(people or {})
        self.blocks = dict(blocks or {})
        self.tables = dict(tables or {})

    @classmethod
    def of_meeting(cls, meeting, instance: dict | None = None) -> "Names":
        from netzwerktreffen.planning import scheduler_io as scheduling
        people = {}
        for person in (instance or {}).get("participants", []):
            if person.get("name"):
                people[person["id"]] = person["name"]
        people.update({scheduling.participant_id(r): r.name for r in meeting.registrations})
        blocks = {scheduling.block_key(b): b for b in meeting.blocks}
        tables = {scheduling.table_key(t): t for b in meeting.blocks for t in b.cafe_tables}
        return cls(people, blocks, tables)

    def person(self, pid: str) -> str:
        return self.people.get(pid) or _("eine nicht mehr angemeldete Person")

    def block(self, key: str | None):
        return self.blocks.get(key) if key else None

    def block_title(self, key: str | None) -> str:
        block = self.block(key)
        return block.title if block is not None else ""

    def table(self, key: str | None) -> str:
        """A café table as the pages show it: its number and its question."""
        table = self.tables.get(key) if key else None
        if table is None:
            return _("ein Café-Tisch, den es nicht mehr gibt")
        topic = " ".join((table.question or "").split())
        if len(topic) > TOPIC_LENGTH:
            topic = topic[:TOPIC_LENGTH - 1].rstrip() + "…"
        return _("Tisch %(number)s („%(topic)s“)", number=table.number, topic=topic) if topic else \
            _("Tisch %(number)s", number=table.number)


def registration_ids(pids: Iterable[str]) -> list[int]:
    """The registration ids behind participant ids (others, e.g. of an imported instance, left out)."""
    return [int(pid[1:]) for pid in pids if re.fullmatch(r"r\d+", str(pid))]


def join(items: list[str]) -> str:
    """"A, B und C" ("A, B and C")."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s und %(last)s", first=", ".join(items[:-1]), last=items[-1])


def join_or(items: list[str]) -> str:
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s oder %(last)s", first=", ".join(items[:-1]), last=items[-1])


def people_list(names: list[str]) -> str:
    """Names joined, at most MAX_NAMES of them, then "und 12 weitere"."""
    if len(names) <= MAX_NAMES:
        return join(names)
    more = len(names) - MAX_NAMES
    return ngettext("%(names)s und %(num)s weitere Person", "%(names)s und %(num)s weitere Personen", more,
                    names=", ".join(names[:MAX_NAMES]))


def languages(codes) -> str:
    return join([language_name(code) for code in codes or []])


def languages_or(codes) -> str:
    return join_or([language_name(code) for code in codes or []])


# --------------------------------------------------------------------------
# The facts one message may quote


@dataclass
class Facts:
    names: Names
    block_key: str | None
    participants: list[str]
    numbers: dict

    @property
    def count(self) -> int:
        return len(self.participants)

    @property
    def a(self) -> str:
        return self.names.person(self.participants[0]) if self.participants else _("eine Person")

    @property
    def b(self) -> str:
        return self.names.person(self.participants[1]) if len(self.participants) > 1 else _("eine Person")

    @property
    def people(self) -> str:
        return people_list([self.names.person(pid) for pid in self.participants]) or _("niemand")

    @property
    def block(self):
        return self.names.block(self.block_key)

    @property
    def group_size(self) -> int | None:
        block = self.block
        return getattr(block, "group_size", None) if block is not None else None

    def n(self, key: str, default=0):
        return self.numbers.get(key, default)

    @property
    def table(self) -> str:
        return self.names.table(self.numbers.get("table"))

    @property
    def tables(self) -> str:
        keys = self.numbers.get("tables")
        return join([self.names.table(key) for key in keys]) if isinstance(keys, list) else ""

    @property
    def langs(self) -> str:
        return languages(self.numbers.get("languages"))

    @property
    def langs_or(self) -> str:
        return languages_or(self.numbers.get("languages"))

    @property
    def language(self) -> str:
        code = self.numbers.get("language")
        return language_name(code) if code else ""
