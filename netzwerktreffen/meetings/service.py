"""Write operations on a meeting and its set-up: the meeting itself, its team, rooms, tables,
agenda blocks, café tables, sectors, topics and affinities.

Each function changes the database and commits (or raises a named error and changes nothing);
the views only parse a form and call one of them.
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, select, update

from netzwerktreffen.afterwards import retention
from netzwerktreffen.chains import service as chains
from netzwerktreffen.core import defaults
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import (Block, CafeChoice, CafeTable, Meeting, MeetingTable, Organiser, PlanLock,
                                         Registration, Room, Sector, SectorAffinity, Topic, registration_blocks,
                                         registration_needs, registration_offers)
from netzwerktreffen.core.text import slugify
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.planning.personal import refresh_sequences_of
from netzwerktreffen.registration import service as registrations

log = logging.getLogger(__name__)

RESERVED_SLUGS = {"neu"}  # /organisation/treffen/neu is the form for a new meeting


def unique(base: str, taken: set[str], fallback: str) -> str:
    """``base``, or ``base-2``, ``base-3``… so that it is not in ``taken``."""
    base = base or fallback
    candidate, n = base, 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


class LastOrganiser(Exception):
    """A meeting always keeps at least one organiser."""


def _apply(target, data: dict) -> None:
    for name, value in data.items():
        setattr(target, name, value)


def _commit_shown_in_schedules(meeting: Meeting) -> None:
    """Commit a change that published schedules may show (times, rooms, tables, questions, sectors):
    everyone whose schedule now reads differently gets a higher iCal SEQUENCE in the same commit."""
    db.session.flush()
    refresh_sequences_of(meeting)
    db.session.commit()


def create_meeting(organiser: Organiser, data: dict) -> Meeting:
    """A new meeting with the default catalogue and process chains (those of the last meeting of its series,
    where there is one); its creator is its first organiser."""
    meeting = Meeting(**data)
    if not meeting.slug:
        taken = set(db.session.scalars(select(Meeting.slug)))
        meeting.slug = unique(slugify(meeting.display_title), taken, fallback="treffen")
    previous = previous_of_series(organiser, meeting)  # before the meeting joins the organiser's meetings
    meeting.organisers.append(organiser)
    defaults.add_default_catalogue(meeting)
    chains.start_chains(meeting, previous)
    db.session.add(meeting)
    db.session.commit()
    log.info("meeting %s created by %s", meeting.slug, organiser.email)
    return meeting


def previous_of_series(organiser: Organiser, meeting: Meeting) -> Meeting | None:
    """The organiser's latest other meeting of the same series (None without a series name)."""
    if not meeting.series_name:
        return None
    same = [m for m in organiser.meetings if m is not meeting and m.series_name == meeting.series_name]
    return max(same, key=lambda m: (m.date, m.id or 0), default=None)


def update_meeting(meeting: Meeting, data: dict) -> list[Registration]:
    """Change a meeting; more places move people up from the waiting list (returned, notified).

    A new date, time or place after the schedules went out is not mailed here: the organiser is offered
    the change mail on the overview (``mail.schedules.pending_change`` / ``announce_change``)."""
    old_capacity = meeting.capacity
    schedule_mail.record_before_edit(meeting)
    _apply(meeting, data)
    _commit_shown_in_schedules(meeting)
    log.info("meeting %s changed", meeting.slug)
    if meeting.capacity > old_capacity:
        return registrations.capacity_changed(meeting)
    return []


def add_organiser(meeting: Meeting, organiser: Organiser) -> None:
    if organiser not in meeting.organisers:
        meeting.organisers.append(organiser)
        db.session.commit()
        log.info("organiser %s added to %s", organiser.email, meeting.slug)


def remove_organiser(meeting: Meeting, organiser: Organiser) -> None:
    if organiser not in meeting.organisers:
        return
    if len(meeting.organisers) <= 1:
        raise LastOrganiser()
    meeting.organisers.remove(organiser)
    db.session.commit()
    log.info("organiser %s removed from %s", organiser.email, meeting.slug)


def add_room(meeting: Meeting, data: dict) -> Room:
    room = Room(position=max((r.position for r in meeting.rooms), default=-1) + 1, **data)
    meeting.rooms.append(room)
    db.session.commit()
    return room


def update_room(room: Room, data: dict) -> None:
    _apply(room, data)
    _commit_shown_in_schedules(room.meeting)


def delete_room(room: Room) -> None:
    """Delete a room and its tables; blocks and café tables that used them keep going without."""
    table_ids = [t.id for t in room.tables]
    db.session.execute(update(Block).where(Block.room_id == room.id).values(room_id=None))
    if table_ids:
        db.session.execute(update(CafeTable).where(CafeTable.table_id.in_(table_ids)).values(table_id=None))
    db.session.delete(room)
    db.session.commit()


def add_table(room: Room, data: dict) -> MeetingTable:
    table = MeetingTable(**data)
    room.tables.append(table)
    db.session.commit()
    return table


def update_table(table: MeetingTable, data: dict) -> None:
    _apply(table, data)
    _commit_shown_in_schedules(table.room.meeting)


def delete_table(table: MeetingTable) -> None:
    db.session.execute(update(CafeTable).where(CafeTable.table_id == table.id).values(table_id=None))
    db.session.delete(table)
    db.session.commit()


def _renumber_blocks(meeting: Meeting) -> None:
    """Blocks are listed in the order they happen."""
    for position, block in enumerate(sorted(meeting.blocks, key=lambda b: (b.start_time, b.id or 0))):
        block.position = position


def add_block(meeting: Meeting, kind: str, data: dict) -> Block:
    block = Block(kind=kind, **data)
    meeting.blocks.append(block)
    db.session.flush()
    _renumber_blocks(meeting)
    db.session.commit()
    return block


def update_block(block: Block, data: dict) -> None:
    _apply(block, data)
    db.session.flush()
    _renumber_blocks(block.meeting)
    _commit_shown_in_schedules(block.meeting)


def _forget_cafe_tables(ids: list[int]) -> None:
    """Remove what refers to café tables about to go (SQLite does not cascade by itself)."""
    if ids:
        db.session.execute(delete(CafeChoice).where(CafeChoice.cafe_table_id.in_(ids)))
        db.session.execute(delete(PlanLock).where(PlanLock.cafe_table_id.in_(ids)))


def delete_block(block: Block) -> None:
    """Delete a block with its café tables; registrations simply no longer take part in it."""
    meeting = block.meeting
    _forget_cafe_tables([c.id for c in block.cafe_tables])
    db.session.execute(delete(PlanLock).where(PlanLock.block_id == block.id))
    db.session.execute(delete(registration_blocks).where(registration_blocks.c.block_id == block.id))
    meeting.blocks.remove(block)
    db.session.flush()
    _renumber_blocks(meeting)
    db.session.commit()


def add_cafe_table(block: Block, data: dict) -> CafeTable:
    cafe_table = CafeTable(position=max((c.position for c in block.cafe_tables), default=-1) + 1, **data)
    block.cafe_tables.append(cafe_table)
    db.session.commit()
    return cafe_table


def update_cafe_table(cafe_table: CafeTable, data: dict) -> None:
    _apply(cafe_table, data)
    _commit_shown_in_schedules(cafe_table.block.meeting)


def delete_cafe_table(cafe_table: CafeTable) -> None:
    _forget_cafe_tables([cafe_table.id])
    cafe_table.block.cafe_tables.remove(cafe_table)
    db.session.commit()


def add_sector(meeting: Meeting, data: dict) -> Sector:
    sector = Sector(**data)
    meeting.sectors.append(sector)
    db.session.commit()
    return sector


def update_sector(sector: Sector, data: dict) -> None:
    _apply(sector, data)
    _commit_shown_in_schedules(sector.meeting)


def delete_sector(sector: Sector) -> None:
    """Delete a sector with its affinities; registrations in it keep their other details."""
    meeting = sector.meeting
    db.session.execute(update(Registration).where(Registration.sector_id == sector.id).values(sector_id=None))
    for affinity in [a for a in meeting.affinities if sector.id in (a.sector_a_id, a.sector_b_id)]:
        meeting.affinities.remove(affinity)
    meeting.sectors.remove(sector)
    db.session.commit()


def add_topic(meeting: Meeting, data: dict) -> Topic:
    topic = Topic(**data)
    meeting.topics.append(topic)
    db.session.commit()
    return topic


def update_topic(topic: Topic, data: dict) -> None:
    _apply(topic, data)
    db.session.commit()


def delete_topic(topic: Topic) -> None:
    for link in (registration_offers, registration_needs):
        db.session.execute(delete(link).where(link.c.topic_id == topic.id))
    topic.meeting.topics.remove(topic)
    db.session.commit()


def save_affinities(meeting: Meeting, values: dict[tuple[int, int], float | None]) -> None:
    """Store the matrix: one row per pair (smaller sector id first); None removes the row (default)."""
    sectors = {s.id: s for s in meeting.sectors}
    existing = {(a.sector_a_id, a.sector_b_id): a for a in meeting.affinities}
    for affinity in list(meeting.affinities):  # rows stored the other way round, from elsewhere
        if affinity.sector_a_id > affinity.sector_b_id:
            key = (affinity.sector_b_id, affinity.sector_a_id)
            meeting.affinities.remove(affinity)
            if key not in existing and key not in values:
                values = values | {key: affinity.value}
            existing.pop((affinity.sector_a_id, affinity.sector_b_id), None)
    db.session.flush()
    for (low, high), value in values.items():
        row = existing.get((low, high))
        if value is None:
            if row is not None:
                meeting.affinities.remove(row)
        elif row is not None:
            row.value = value
        elif low in sectors and high in sectors:
            meeting.affinities.append(SectorAffinity(sector_a=sectors[low], sector_b=sectors[high], value=value))
    db.session.commit()
    log.info("affinities of %s saved", meeting.slug)


def delete_meeting(meeting: Meeting) -> None:
    """The meeting and everything in it, in one transaction: the personal data as at the end of the
    retention period (also plans, jobs and mails), and the meeting with its rooms and agenda."""
    retention.purge(meeting, delete_meeting=True)


def purge_personal_data(meeting: Meeting) -> int:
    """Delete the personal data now, before the retention period ends; the number of registrations deleted."""
    return retention.purge(meeting).registrations
