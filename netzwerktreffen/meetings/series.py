"""„Nächstes Treffen der Reihe anlegen“: a new meeting set up like an earlier one of the series.

What a series keeps is copied, with new rows (new ids): the meeting's terms (title, place, contact, data
controller, retention, capacity, languages, optimiser weights, café choices), the team, the rooms with their
tables and grid, the agenda blocks at the same times of day (the date is the new one; registration opens and
closes as many days later), the café tables of each café block with their questions (or none, when the
organiser clears them: a café table is its question, and its host is a person of the old meeting), the
sectors, topics and affinities, and the process chains with their stations (``chains.service.copy_chains``).

Nothing personal is copied: no registrations (nor their café choices, station roles, locks), no plans,
mails, hosts, harvest, topic suggestions or feedback. Chosen topic suggestions of the old meeting become
café table questions of the new one's first café block (``take_over``).

The copy is not public yet; its series number is one higher. A new meeting from the plain form
(``meetings.queries.suggested_meeting``) still only takes the title, place and terms.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from netzwerktreffen.chains.service import copy_chains
from netzwerktreffen.meetings.programme import copy_programme
from netzwerktreffen.registration.questions import copy_questions
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import (Block, CafeTable, Meeting, MeetingTable, Organiser, Room, Sector,
                                        SectorAffinity, Topic)
from netzwerktreffen.core.text import slugify
from netzwerktreffen.meetings.service import unique

log = logging.getLogger(__name__)

# the meeting's columns a series keeps as they are
KEPT = ("title", "series_name", "start_time", "end_time", "venue", "address", "description", "capacity",
        "contact_name", "contact_email", "controller", "retention_days", "reminder_hours", "cafe_choices")
WEEKS_AHEAD = 13  # the suggested date: a quarter of a year later, on the same weekday


@dataclass
class SeriesCopy:
    """What the organiser chose on the form."""

    date: date
    title: str
    series_number: int | None
    reuse_questions: bool = True
    take_over: list[str] = field(default_factory=list)  # topic suggestions that become café questions


def suggested_date(source: Meeting, today: date | None = None) -> date:
    """Thirteen weeks after the meeting (same weekday, about three months), and not before next week."""
    today = today or local_now().date()
    suggestion = source.date + timedelta(weeks=WEEKS_AHEAD)
    while suggestion <= today:
        suggestion += timedelta(weeks=WEEKS_AHEAD)
    return suggestion


def suggested_copy(source: Meeting) -> SeriesCopy:
    return SeriesCopy(date=suggested_date(source), title=source.title,
                      series_number=source.series_number + 1 if source.series_number else None)


def _shifted(moment: datetime | None, days: int) -> datetime | None:
    return moment + timedelta(days=days) if moment is not None else None


def _copy_rooms(source: Meeting, target: Meeting) -> tuple[dict[int, Room], dict[int, MeetingTable]]:
    """Rooms and tables; the new rows by the old ids."""
    rooms, tables = {}, {}
    for room in source.rooms:
        rooms[room.id] = Room(name=room.name, position=room.position, grid_columns=room.grid_columns,
                              grid_rows=room.grid_rows)
        for table in room.tables:
            tables[table.id] = MeetingTable(number=table.number, name=table.name, seats=table.seats,
                                            grid_x=table.grid_x, grid_y=table.grid_y)
            rooms[room.id].tables.append(tables[table.id])
        target.rooms.append(rooms[room.id])
    return rooms, tables


def _copy_blocks(source: Meeting, target: Meeting, rooms: dict[int, Room], tables: dict[int, MeetingTable],
                 reuse_questions: bool) -> None:
    for block in source.blocks:
        copy = Block(kind=block.kind, title=block.title, position=block.position, start_time=block.start_time,
                     rounds=block.rounds, minutes_per_round=block.minutes_per_round,
                     changeover_minutes=block.changeover_minutes, group_size=block.group_size,
                     allow_repeats=block.allow_repeats, room=rooms.get(block.room_id),
                     guiding_questions=list(block.guiding_questions or []),
                     guiding_questions_en=list(block.guiding_questions_en) if block.guiding_questions_en else None)
        if reuse_questions:
            copy.cafe_tables = [CafeTable(position=t.position, question=t.question, question_en=t.question_en,
                                          language=t.language, table=tables.get(t.table_id))
                                for t in block.cafe_tables]
        target.blocks.append(copy)


def _copy_catalogue(source: Meeting, target: Meeting) -> None:
    """Sectors, topics and the affinities between the sectors."""
    sectors = {}
    for sector in source.sectors:
        sectors[sector.id] = Sector(key=sector.key, name=sector.name, name_en=sector.name_en,
                                    position=sector.position, color=sector.color)
        target.sectors.append(sectors[sector.id])
    target.topics = [Topic(key=t.key, name=t.name, name_en=t.name_en) for t in source.topics]
    target.affinities = [SectorAffinity(sector_a=sectors[a.sector_a_id], sector_b=sectors[a.sector_b_id],
                                        value=a.value)
                         for a in source.affinities if a.sector_a_id in sectors and a.sector_b_id in sectors]


def _take_over(target: Meeting, questions: list[str]) -> int:
    """Topic suggestions as café table questions of the first café block (a question it already has is not
    added twice); how many were added."""
    cafe = next((b for b in target.blocks if b.is_cafe), None)
    if cafe is None:
        return 0
    present = {t.question.casefold() for t in cafe.cafe_tables}
    added = 0
    for question in (q.strip() for q in questions):
        if question and question.casefold() not in present:
            present.add(question.casefold())
            position = max((t.position for t in cafe.cafe_tables), default=-1) + 1
            cafe.cafe_tables.append(CafeTable(position=position, question=question))
            added += 1
    return added


def take_over_suggestions(target: Meeting, questions: list[str]) -> int:
    """Topic suggestions (of an earlier meeting) as new café tables of ``target``'s first café; committed."""
    added = _take_over(target, questions)
    db.session.commit()
    log.info("%s topic suggestions taken over as café questions of %s", added, target.slug)
    return added


def copy_meeting(source: Meeting, organiser: Organiser, choice: SeriesCopy) -> Meeting:
    """Create the next meeting of ``source``'s series (see the module) and commit it."""
    days = (choice.date - source.date).days
    target = Meeting(**{name: getattr(source, name) for name in KEPT})
    target.title, target.series_number, target.date = choice.title, choice.series_number, choice.date
    target.languages, target.weights = list(source.languages or ["de"]), dict(source.weights or {})
    target.registration_opens = _shifted(source.registration_opens, days)
    target.registration_closes = _shifted(source.registration_closes, days)
    target.is_public = False
    taken = set(db.session.scalars(select(Meeting.slug)))
    target.slug = unique(slugify(target.display_title), taken, fallback="treffen")
    with db.session.no_autoflush:  # the new rows go in together, once complete
        target.organisers = [organiser] + [o for o in source.organisers if o.id != organiser.id]
        rooms, tables = _copy_rooms(source, target)
        _copy_blocks(source, target, rooms, tables, choice.reuse_questions)
        _copy_catalogue(source, target)
        copy_chains(source, target)  # the chains and their stations; who acts where is personal
    db.session.add(target)
    db.session.flush()  # the target has its id for the hooks below
    copy_questions(source, target)  # the questions at registration, without answers
    copy_programme(source, target, days)  # programme points: times of day kept
    _take_over(target, choice.take_over)
    db.session.commit()
    log.info("meeting %s created by %s as the next of %s", target.slug, organiser.email, source.slug)
    return target
