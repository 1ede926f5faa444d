"""Records of what was made and sent: plan versions and locks, planning jobs, the mail outbox, one-time
account links, and the installation's own settings row.

They point to meetings, registrations and organisers (netzwerktreffen.core.models) by table and class
name only; SQLAlchemy resolves the names when the mappers are configured, so this module needs no import
of the models and core.models can re-export everything from one place.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from netzwerktreffen.core.columns import UTCDateTime, utcnow
from netzwerktreffen.core.extensions import db


class InstallationSetting(db.Model):
    """The installation's settings, one row (id 1); ``external_url``: see netzwerktreffen.web.addresses."""
    id: Mapped[int] = mapped_column(primary_key=True)
    external_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlanStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


DRAFT, PUBLISHED, SUPERSEDED = PlanStatus


class PlanVersion(db.Model):
    """A round plan for a meeting, in the scheduler's plan format.

    The optimiser and manual changes make drafts; publishing one makes it the
    live plan and marks the earlier published one as superseded (kept for comparison).
    """

    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    source: Mapped[str] = mapped_column(String(20), default="optimiser")  # optimiser, manual, import, replan
    note: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[dict] = mapped_column(JSON)  # netzwerktreffen-plan/1
    instance: Mapped[dict] = mapped_column(JSON)  # the netzwerktreffen-instance/1 it was made for
    score: Mapped[float] = mapped_column(Float, default=0.0)
    bound: Mapped[Optional[float]] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(
        backref=db.backref("plan_versions", cascade="all, delete-orphan", order_by="PlanVersion.number"))

    @property
    def gap(self) -> Optional[float]:
        if self.bound is None or self.bound == 0:
            return None
        return max(0.0, (self.bound - self.score) / abs(self.bound))


class PlanLock(db.Model):
    """An organiser's decision the optimiser must keep: two people together, or a person at a café table."""

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    other_id: Mapped[Optional[int]] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    cafe_table_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))

    block: Mapped[Block] = relationship(backref=db.backref("locks", cascade="all, delete-orphan"))
    registration: Mapped[Registration] = relationship(foreign_keys=[registration_id])
    other: Mapped[Optional[Registration]] = relationship(foreign_keys=[other_id])
    cafe_table: Mapped[Optional[CafeTable]] = relationship()


class JobStatus(StrEnum):
    """A planning job: queued until a worker takes it, running until it ends as done, failed or stopped."""
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STOPPED = "stopped"


class PlanningJob(db.Model):
    """One run of the optimiser for a meeting, with its progress for the progress bar."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=JobStatus.QUEUED)
    time_limit: Mapped[float] = mapped_column(Float, default=30.0)
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    best_score: Mapped[Optional[float]] = mapped_column(Float)
    bound: Mapped[Optional[float]] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # written every few seconds by the process running the job; a running job whose
    # heartbeat is older than PLANNING_LEASE_SECONDS belonged to a process that died
    heartbeat_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    queue_id: Mapped[Optional[str]] = mapped_column(String(64))  # the RQ job id, when queued on Redis
    # the best complete plan found so far and the instance it belongs to; turned into a
    # draft when the job ends without a result (crash, expired lease, error)
    best_plan: Mapped[Optional[dict]] = mapped_column(JSON)
    best_plan_instance: Mapped[Optional[dict]] = mapped_column(JSON)
    plan_version_id: Mapped[Optional[int]] = mapped_column(ForeignKey("plan_version.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    plan_version: Mapped[Optional[PlanVersion]] = relationship()


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # taken by a worker (with a lease: next_attempt_at)
    SENT = "sent"
    FAILED = "failed"


QUEUED, SENDING, SENT, FAILED = MailStatus


class OutboxMessage(db.Model):
    """A mail, first stored, then sent by the worker; retried with backoff until sent.

    ``dedupe_key`` makes a mail that must go out once (a reminder, a schedule
    of one plan version) impossible to queue twice.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[Optional[int]] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    # the plan version whose rounds the mail carries (schedule, change notice, reminder): what the person got
    plan_version_id: Mapped[Optional[int]] = mapped_column(ForeignKey("plan_version.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))  # confirmation, waitlisted, promoted, cancelled, link, schedule, change, reminder
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(200), unique=True)
    to_email: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list] = mapped_column(JSON, default=list)  # [{"filename", "content_type", "content"}]
    message_id: Mapped[str] = mapped_column(String(200))  # stable across retries
    status: Mapped[str] = mapped_column(String(12), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    meeting: Mapped[Optional[Meeting]] = relationship()
    registration: Mapped[Optional[Registration]] = relationship()


class AccountLinkPurpose(StrEnum):
    INVITATION = "invitation"  # join a meeting's team (and make an account when there is none)
    PASSWORD_RESET = "password_reset"


INVITATION, PASSWORD_RESET = AccountLinkPurpose


class AccountLink(db.Model):
    """A one-time link sent by mail: an invitation to a meeting's team, or a password reset.

    Only the SHA-256 of the link's token is stored, so a copy of the database opens no account;
    ``used_at`` is set once, when the link is used.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    organiser_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organiser.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organiser.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    organiser: Mapped[Optional[Organiser]] = relationship(foreign_keys=[organiser_id])
    invited_by: Mapped[Optional[Organiser]] = relationship(foreign_keys=[invited_by_id])
    meeting: Mapped[Optional[Meeting]] = relationship(
        backref=backref("account_links", cascade="all, delete-orphan"))
