"""A person's rounds in the published plan: when, where and with whom (for mail, calendar, page and print)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from netzwerktreffen.core.i18n import local
from netzwerktreffen.core.models import CONFIRMED, Meeting, PlanVersion, Registration
from netzwerktreffen.core.text import one_line
from netzwerktreffen.planning import scheduler_io as scheduling


@dataclass
class Partner:
    name: str
    organisation: str
    sector: str

    @property
    def line(self) -> str:
        details = ", ".join(p for p in (self.organisation, self.sector) if p)
        return f"{self.name} ({details})" if details else self.name


@dataclass
class PersonalRound:
    """One round of one person: when, where and with whom."""

    block_id: int
    block_title: str
    round: int  # from 0
    is_cafe: bool
    start: datetime  # aware, Europe/Berlin
    end: datetime
    room: str
    spot: str  # "Platz 3" / "Tisch 2"
    question: str = ""  # café: the table's question
    host: str = ""  # café: the table's host
    guiding_question: str = ""  # café: the round's guiding question
    is_host: bool = False  # café: the person hosts this table
    partners: list[Partner] = field(default_factory=list)
    is_pause: bool = False  # speed networking: the person sits this round out (spot: "Pause")

    def key(self) -> list:
        return [self.block_id, self.round, self.start.isoformat(), self.end.isoformat(), self.room, self.spot,
                self.question, self.host, [p.line for p in self.partners]]


def _clean(text: str) -> str:
    return one_line(text)


def people_of(meeting: Meeting) -> dict[int, Registration]:
    return {r.id: r for r in meeting.registrations}


def personal_rounds(meeting: Meeting, schedule: scheduling.Schedule, registration: Registration,
                    people: dict[int, Registration] | None = None) -> list[PersonalRound]:
    """The person's rounds in a plan, in time order, with partners or the café table."""
    people = people if people is not None else people_of(meeting)
    rounds = []
    for seat in schedule.seats_of(registration):
        block = seat.block
        times = block.round_times()
        if seat.round >= len(times):
            continue
        start, end = times[seat.round]
        if seat.paused:
            rounds.append(PersonalRound(
                block.id, block.title, seat.round, False, local(meeting.date, start),
                local(meeting.date, end), "", pgettext("Runde", "Pause"), is_pause=True))
        elif seat.cafe_table is not None:
            questions = block.display_guiding_questions
            others = [people[rid] for rid in seat.people
                      if rid != registration.id and rid in people and rid != seat.cafe_table.host_id]
            rounds.append(PersonalRound(
                block.id, block.title, seat.round, True, local(meeting.date, start), local(meeting.date, end),
                seat.room, seat.place, question=seat.cafe_table.display_question,
                host=seat.cafe_table.host_label or "",
                guiding_question=questions[seat.round] if seat.round < len(questions) else "",
                partners=[_partner(p) for p in others], is_host=seat.cafe_table.host_id == registration.id))
        else:
            others = [people[rid] for rid in seat.people if rid != registration.id and rid in people]
            rounds.append(PersonalRound(
                block.id, block.title, seat.round, False, local(meeting.date, start),
                local(meeting.date, end), seat.room, seat.place, partners=[_partner(p) for p in others]))
    rounds.sort(key=lambda r: (r.start, r.block_id, r.round))
    return rounds


def _partner(person: Registration) -> Partner:
    return Partner(_clean(person.name), _clean(person.organisation), _clean(person.sector.display_name if person.sector else ""))


def fingerprint(rounds: list[PersonalRound]) -> str:
    """What a person's schedule looks like, as a short hash (language-independent keys)."""
    payload = json.dumps([[r.block_id, r.round, r.start.isoformat(), r.end.isoformat(), r.room,
                           r.spot, r.question, r.host, sorted(p.line for p in r.partners)] for r in rounds],
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def refresh_sequence(registration: Registration, rounds: list[PersonalRound]) -> bool:
    """Raise the person's iCal SEQUENCE when their schedule changed since last stored (not committed).

    ``rounds`` in German (the fingerprint must not depend on the language)."""
    current = _fingerprint_de(rounds)
    if current == registration.schedule_fingerprint:
        return False
    if registration.schedule_fingerprint:
        registration.ical_sequence = (registration.ical_sequence or 0) + 1
    registration.schedule_fingerprint = current
    return True


def sequence_of(registration: Registration, rounds: list[PersonalRound]) -> int:
    """The iCal SEQUENCE for these rounds (in German), read only: the stored one, one higher when the
    schedule changed since it was stored (the change is stored where it happens: ``refresh_sequence``)."""
    stored = registration.ical_sequence or 0
    changed = bool(registration.schedule_fingerprint) and _fingerprint_de(rounds) != registration.schedule_fingerprint
    return stored + 1 if changed else stored


def _fingerprint_de(rounds: list[PersonalRound]) -> str:
    with force_locale("de"):
        return fingerprint(rounds)


def published_schedule(meeting: Meeting) -> tuple[PlanVersion | None, scheduling.Schedule | None]:
    """The published plan (``scheduler_io.published``) and its rows, or (None, None)."""
    version = scheduling.published(meeting)
    return version, (scheduling.Schedule(meeting, version.plan) if version else None)


def _german_rounds(registration: Registration, schedule: scheduling.Schedule | None,
                   people: dict[int, Registration] | None) -> list[PersonalRound] | None:
    """The person's rounds in German (what the fingerprint is taken of); None without a plan or when not confirmed."""
    if schedule is None or registration.status != CONFIRMED:
        return None
    with force_locale("de"):
        return personal_rounds(registration.meeting, schedule, registration, people)


def _rounds(registration: Registration, schedule: scheduling.Schedule | None = None,
            people: dict[int, Registration] | None = None) -> tuple[list[PersonalRound] | None, list[PersonalRound]]:
    """The person's rounds in the published plan: in German (None: no plan, or not confirmed) and as shown."""
    if schedule is None:
        _version, schedule = published_schedule(registration.meeting)
    german = _german_rounds(registration, schedule, people)
    if german is None:
        return None, []
    if (registration.locale or "de") == "de":
        return german, german
    with force_locale(registration.locale):
        return german, personal_rounds(registration.meeting, schedule, registration, people)


def current_rounds(registration: Registration, schedule: scheduling.Schedule | None = None,
                   people: dict[int, Registration] | None = None) -> list[PersonalRound]:
    """The person's rounds in the published plan, in the person's language; the sequence raised when they
    changed (not committed: for the services that queue mails and commit)."""
    german, rounds = _rounds(registration, schedule, people)
    if german is not None:
        refresh_sequence(registration, german)
    return rounds


def feed_rounds(registration: Registration) -> tuple[list[PersonalRound], int]:
    """The person's rounds in the published plan (in their language) and the iCal SEQUENCE they carry.

    Nothing is written (a calendar feed is a GET): see ``sequence_of``."""
    german, rounds = _rounds(registration)
    if german is None:
        return rounds, registration.ical_sequence or 0
    return rounds, sequence_of(registration, german)


def cancelled_rounds(registration: Registration) -> list[PersonalRound]:
    """The rounds a cancelled person held in the published plan (in their language; [] when none), so that
    the cancellation mail and the feed can call off the very events sent before (same UIDs)."""
    _version, schedule = published_schedule(registration.meeting)
    if schedule is None:
        return []
    with force_locale(registration.locale or "de"):
        return personal_rounds(registration.meeting, schedule, registration)


def raise_sequence(registration: Registration) -> None:
    """The person cancelled (their events are called off) or registers again after cancelling (the same
    events come back): either way a higher iCal SEQUENCE than the last one sent (not committed)."""
    registration.ical_sequence = (registration.ical_sequence or 0) + 1


def refresh_sequences_of(meeting: Meeting) -> None:
    """After a change outside publishing (a person's details, seen by their partners): ``refresh_sequences``
    for the published plan, so that every changed schedule carries a higher SEQUENCE than before."""
    _version, schedule = published_schedule(meeting)
    if schedule is not None:
        refresh_sequences(meeting, schedule)


def refresh_sequences(meeting: Meeting, schedule: scheduling.Schedule) -> None:
    """When a plan is published: everyone confirmed whose rounds in it differ from those stored gets a
    higher iCal SEQUENCE (not committed)."""
    people = people_of(meeting)
    for registration in meeting.registrations:
        german = _german_rounds(registration, schedule, people)
        if german is not None:
            refresh_sequence(registration, german)
