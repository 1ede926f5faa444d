"""Ideas for next time (issue 15): topics participants suggest for the coming meetings of the series, and
their short feedback on the meeting (how useful were the speed-networking rounds and the café, 1–5, and a
comment). Both are written on the personal page (``registration.public_views``) and read by the organisers
(``afterwards.ideas``).

They stay with the meeting when the personal data is deleted (``afterwards.retention``), but anonymous: the
link to the registration is set to NULL and nothing else in them names a person. The migration is
``e18f0ideas01``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerktreffen.core.columns import UTCDateTime, utcnow
from netzwerktreffen.core.extensions import db

SUGGESTION_LENGTH = 200  # a topic is a short line, not an essay
COMMENT_LENGTH = 2000


class TopicSuggestion(db.Model):
    """A topic someone suggests for a coming meeting ("Anerkennung ausländischer Abschlüsse")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    # NULL once the registration is deleted (retention): the suggestion stays, anonymous
    registration_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(String(SUGGESTION_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting = relationship("Meeting", backref=db.backref(
        "topic_suggestions", cascade="all, delete-orphan", order_by="TopicSuggestion.id"))
    registration = relationship("Registration", backref=db.backref(
        "topic_suggestions", order_by="TopicSuggestion.id"))


class Feedback(db.Model):
    """One person's feedback on a meeting: each rating 1–5 or None (not given, or the block kind is not part
    of the meeting), and a comment. One per registration."""

    __table_args__ = (UniqueConstraint("registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    speed: Mapped[Optional[int]] = mapped_column(Integer)
    cafe: Mapped[Optional[int]] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting = relationship("Meeting", backref=db.backref(
        "feedbacks", cascade="all, delete-orphan", order_by="Feedback.id"))
    registration = relationship("Registration", backref=db.backref("feedback", uselist=False))
