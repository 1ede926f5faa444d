"""Database models (SQLAlchemy 2 style): meetings with their rooms, blocks, tables, sectors and topics,
registrations, organisers. The records of what was made and sent (plan versions, jobs, outbox, account
links) live in core.records and are re-exported here, so every model is imported from this one module.

Times of day and dates of a meeting are local to the venue (Europe/Berlin) and stored naive;
timestamps of things that happened (registration, consent, cancellation) are stored in UTC.
"""
from __future__ import annotations

import functools
import secrets
from enum import StrEnum
from datetime import date, datetime, time
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Integer,
                        String, Table, Text, Time, UniqueConstraint, func, select)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from netzwerktreffen.core.bilingual import EnglishGuidingQuestions, EnglishName, EnglishQuestion
from netzwerktreffen.core.columns import UTCDateTime, new_token, utcnow
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.records import (  # noqa: F401 (re-exported)
    DRAFT, FAILED, INVITATION, PASSWORD_RESET, PUBLISHED, QUEUED, SENDING, SENT, SUPERSEDED, AccountLink,
    AccountLinkPurpose, InstallationSetting, JobStatus, MailStatus, OutboxMessage, PlanLock, PlanningJob,
    PlanStatus, PlanVersion)
from netzwerktreffen.core.text import place_line


@functools.cache
def _dummy_password_hash() -> str:
    """A hash made as ``Organiser.set_password`` makes one, of a password nobody knows."""
    return generate_password_hash(secrets.token_urlsafe(16))


def prepare_password_checks() -> None:
    """Make the stand-in hash now, so that even the first failed login for an unknown address costs no more
    than one for a known address."""
    _dummy_password_hash()


meeting_organisers = Table(
    "meeting_organisers",
    db.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("organiser_id", ForeignKey("organiser.id", ondelete="CASCADE"), primary_key=True),
)

registration_offers = Table(
    "registration_offers",
    db.metadata,
    Column("registration_id", ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)

registration_needs = Table(
    "registration_needs",
    db.metadata,
    Column("registration_id", ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)

registration_blocks = Table(
    "registration_blocks",
    db.metadata,
    Column("registration_id", ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True),
    Column("block_id", ForeignKey("block.id", ondelete="CASCADE"), primary_key=True),
)


class Organiser(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # part of every session and remember cookie (get_id): raising it ends all sessions signed with the old one
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    meetings: Mapped[list["Meeting"]] = relationship(
        secondary=meeting_organisers, back_populates="organisers")

    def set_password(self, password: str) -> None:
        """A new password also ends every session and remember cookie of the old one."""
        if self.password_hash:
            self.end_sessions()
        self.password_hash = generate_password_hash(password)

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 1) + 1

    def get_id(self) -> str:
        """Flask-Login's alternative id: the account and its session version (see ``web.auth.load_organiser``)."""
        return f"{self.id}:{self.session_version or 1}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_unknown_password(password: str) -> bool:
        """The work of ``check_password`` for an address without an account (always False), so that a failed
        login takes as long whether or not the address is known."""
        check_password_hash(_dummy_password_hash(), password)
        return False

    def __repr__(self) -> str:
        return f"<Organiser {self.email}>"


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    series_name: Mapped[str] = mapped_column(String(200), default="")
    series_number: Mapped[Optional[int]]
    date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    registration_opens: Mapped[Optional[datetime]] = mapped_column(DateTime)  # local time
    registration_closes: Mapped[Optional[datetime]] = mapped_column(DateTime)  # local time
    capacity: Mapped[int] = mapped_column(Integer, default=100)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["de"])
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    controller: Mapped[str] = mapped_column(Text, default="")  # data controller, name and address
    retention_days: Mapped[int] = mapped_column(Integer, default=90)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    reminder_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")  # 0 = no reminder
    announced: Mapped[Optional[dict]] = mapped_column(JSON)  # date, times, place as last mailed (mail.schedules)
    # optimiser weights (scheduler-io "weights"); missing keys take the scheduler's defaults
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    # how much café guests' ranked table choices count against whom they meet (planning.cafe_choices)
    cafe_choices: Mapped[str] = mapped_column(String(10), default="strong", server_default="strong")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # set when the retention period ended and the personal data was deleted (netzwerktreffen.afterwards.retention)
    purged_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    purged_registrations: Mapped[Optional[int]] = mapped_column(Integer)

    organisers: Mapped[list[Organiser]] = relationship(
        secondary=meeting_organisers, back_populates="meetings")
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Room.position")
    blocks: Mapped[list["Block"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Block.position")
    sectors: Mapped[list["Sector"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Sector.position")
    topics: Mapped[list["Topic"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Topic.name")
    affinities: Mapped[list["SectorAffinity"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Registration.created_at")

    @property
    def display_title(self) -> str:
        """'3. Netzwerktreffen Migration' when part of a series, else the title."""
        if self.series_name and self.series_number:
            return f"{self.series_number}. {self.series_name}"
        return self.title

    @property
    def place(self) -> str:
        """Venue and address on one line, however many lines the address was typed on (``core.text``)."""
        return place_line(self.venue, self.address)

    def count(self, status: str) -> int:
        return db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.meeting_id == self.id, Registration.status == status)) or 0


class Room(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    grid_columns: Mapped[int] = mapped_column(Integer, default=6)
    grid_rows: Mapped[int] = mapped_column(Integer, default=4)

    meeting: Mapped[Meeting] = relationship(back_populates="rooms")
    tables: Mapped[list["MeetingTable"]] = relationship(
        back_populates="room", cascade="all, delete-orphan", order_by="MeetingTable.number")


class MeetingTable(db.Model):
    """A physical table (or numbered spot) in a room."""

    __tablename__ = "meeting_table"
    __table_args__ = (UniqueConstraint("room_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    seats: Mapped[int] = mapped_column(Integer, default=4)
    grid_x: Mapped[int] = mapped_column(Integer, default=0)
    grid_y: Mapped[int] = mapped_column(Integer, default=0)

    room: Mapped[Room] = relationship(back_populates="tables")

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}".strip() if self.name else str(self.number)


class CafeChoices(StrEnum):
    """'Tischwahl zählt: wenig / mittel / stark' (Meeting.cafe_choices)."""
    LITTLE = "little"
    MEDIUM = "medium"
    STRONG = "strong"


class BlockKind(StrEnum):
    SPEED = "speed-networking"
    CAFE = "pro-action-cafe"


SPEED, CAFE = BlockKind.SPEED, BlockKind.CAFE
BLOCK_KINDS = tuple(BlockKind)


class Block(EnglishGuidingQuestions, db.Model):
    """An agenda block: speed networking or a Pro-Action-Café."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    start_time: Mapped[time] = mapped_column(Time)
    rounds: Mapped[int] = mapped_column(Integer)
    minutes_per_round: Mapped[int] = mapped_column(Integer)
    changeover_minutes: Mapped[int] = mapped_column(Integer, default=0)
    group_size: Mapped[int] = mapped_column(Integer, default=2)  # speed networking only
    allow_repeats: Mapped[bool] = mapped_column(Boolean, default=False)
    room_id: Mapped[Optional[int]] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    guiding_questions: Mapped[list[str]] = mapped_column(JSON, default=list)  # café: one per round
    rounds_held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # on the day: rounds over

    meeting: Mapped[Meeting] = relationship(back_populates="blocks")
    room: Mapped[Optional[Room]] = relationship()
    cafe_tables: Mapped[list["CafeTable"]] = relationship(
        back_populates="block", cascade="all, delete-orphan", order_by="CafeTable.position")

    @property
    def is_cafe(self) -> bool:
        return self.kind == CAFE

    def round_times(self) -> list[tuple[time, time]]:
        """Start and end of each round, local time."""
        start = datetime.combine(date(2000, 1, 1), self.start_time)
        result = []
        for _ in range(self.rounds):
            end = start + _minutes(self.minutes_per_round)
            result.append((start.time(), end.time()))
            start = end + _minutes(self.changeover_minutes)
        return result

    @property
    def end_time(self) -> time:
        return self.round_times()[-1][1] if self.rounds else self.start_time


def _minutes(n: int):
    from datetime import timedelta
    return timedelta(minutes=n)


class CafeTable(EnglishQuestion, db.Model):
    """A Pro-Action-Café table: a host with a question, at a physical table."""

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    question: Mapped[str] = mapped_column(Text)
    host_id: Mapped[Optional[int]] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    host_name: Mapped[str] = mapped_column(String(200), default="")  # when the host is not registered
    table_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting_table.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8), default="")  # "" = any language
    # the table's harvest (netzwerktreffen.afterwards.harvest): notes per round, then the next steps
    harvest_notes: Mapped[Optional[list]] = mapped_column(JSON)
    harvest_next_steps: Mapped[str] = mapped_column(Text, default="", server_default="")
    harvest_author: Mapped[str] = mapped_column(String(200), default="", server_default="")
    harvest_updated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    block: Mapped[Block] = relationship(back_populates="cafe_tables")
    host: Mapped[Optional["Registration"]] = relationship(foreign_keys=[host_id])
    table: Mapped[Optional[MeetingTable]] = relationship()

    @property
    def host_label(self) -> str:
        """The host as pages and mails name them; nobody once the host has cancelled."""
        if self.host is not None:
            return self.host.name if self.host.status == CONFIRMED else ""
        return self.host_name

    @property
    def number(self) -> str:
        """What is printed and said for the table: its physical table's label, else its place in the block."""
        return self.table.label if self.table else str(self.block.cafe_tables.index(self) + 1)


class Sector(EnglishName, db.Model):
    """An actor type (Jobcenter, Sprachschule/VHS, …); ``position`` orders the process chain."""

    __table_args__ = (UniqueConstraint("meeting_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str] = mapped_column(String(7), default="#888888")

    meeting: Mapped[Meeting] = relationship(back_populates="sectors")


class Topic(EnglishName, db.Model):
    __table_args__ = (UniqueConstraint("meeting_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))

    meeting: Mapped[Meeting] = relationship(back_populates="topics")


class SectorAffinity(db.Model):
    """How much two sectors gain from meeting (symmetric; stored once with a <= b by id)."""

    __table_args__ = (UniqueConstraint("meeting_id", "sector_a_id", "sector_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    sector_a_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"))
    sector_b_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)

    meeting: Mapped[Meeting] = relationship(back_populates="affinities")
    sector_a: Mapped[Sector] = relationship(foreign_keys=[sector_a_id])
    sector_b: Mapped[Sector] = relationship(foreign_keys=[sector_b_id])


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


CONFIRMED, WAITLISTED, CANCELLED = RegistrationStatus
STATUSES = tuple(RegistrationStatus)


class Registration(db.Model):
    __table_args__ = (UniqueConstraint("meeting_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    status: Mapped[str] = mapped_column(String(12), default=CONFIRMED, index=True)
    name: Mapped[str] = mapped_column(String(200))  # display name "Vorname Nachname" (core.names)
    given_name: Mapped[str] = mapped_column(String(200), default="", server_default="")  # may be empty
    family_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254))  # stored lower-case
    organisation: Mapped[str] = mapped_column(String(200))
    sector_id: Mapped[Optional[int]] = mapped_column(ForeignKey("sector.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["de"])
    wishes: Mapped[str] = mapped_column(Text, default="")  # people or organisations to meet, one per line
    not_with: Mapped[str] = mapped_column(Text, default="")  # colleagues, one per line
    accessibility: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(5), default="de")  # language for mails
    consent_version: Mapped[str] = mapped_column(String(80))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_listing: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_listing_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_contact_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    waitlisted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # queue order
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # calendar: a secret feed URL of its own (not the personal link, which can change the registration)
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    slip_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)  # slip QR: read-only page
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # raised on every change
    schedule_fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # on the day
    checked_in_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    no_show: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    meeting: Mapped[Meeting] = relationship(back_populates="registrations")
    sector: Mapped[Optional[Sector]] = relationship()
    offers: Mapped[list[Topic]] = relationship(secondary=registration_offers, order_by=Topic.name)
    needs: Mapped[list[Topic]] = relationship(secondary=registration_needs, order_by=Topic.name)
    blocks: Mapped[list[Block]] = relationship(secondary=registration_blocks, order_by=Block.position)

    def set_consent_listing(self, value: bool, now: datetime) -> None:
        if value != self.consent_listing or self.consent_listing_at is None:
            self.consent_listing, self.consent_listing_at = value, now

    def set_consent_contact(self, value: bool, now: datetime) -> None:
        if value != self.consent_contact or self.consent_contact_at is None:
            self.consent_contact, self.consent_contact_at = value, now


class CafeChoice(db.Model):
    """A participant's ranked choice of a café table (rank 0 = first choice)."""

    __table_args__ = (UniqueConstraint("registration_id", "cafe_table_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    cafe_table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)

    registration: Mapped[Registration] = relationship(
        backref=db.backref("cafe_choices", cascade="all, delete-orphan", order_by="CafeChoice.rank"))
    cafe_table: Mapped[CafeTable] = relationship()
from netzwerktreffen.core.chains import ChainStation, ProcessChain, StationRole  # noqa: F401,E402 (re-exported)
from netzwerktreffen.core.questions import Answer, Question, QuestionKind  # noqa: F401,E402 (re-exported)
from netzwerktreffen.core.programme import ProgrammeKind, ProgrammePoint  # noqa: F401,E402 (re-exported)
from netzwerktreffen.core.coverage import CoverageRule, MustMeet  # noqa: F401,E402 (re-exported)
from netzwerktreffen.core.feedback import Feedback, TopicSuggestion  # noqa: F401,E402 (re-exported)
