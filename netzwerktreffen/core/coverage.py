"""Guaranteed meetings (issue 16, seed report 004 "Stark im Beruf"): coverage rules and "unbedingt treffen".

A ``CoverageRule`` says in plain words "Jede Person aus [Bereichen] trifft mindestens [k] Personen aus
[Bereichen]", for one speed-networking block of the meeting or for all of them (``block_id`` empty);
the sectors are stored by their keys. ``MustMeet`` holds the people a participant must meet, one name per
line (at most ``MUST_MEET_LIMIT``), beside the softer wishes. ``planning.coverage`` turns both into the
instance's ``blocks[].coverage`` and reads a plan back against them. The migration is ``e18c0cover01``.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import JSON, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerktreffen.core.extensions import db

MUST_MEET_LIMIT = 3
AT_LEAST_MAX = 10


class CoverageRule(db.Model):
    """Everyone of ``who_sectors`` meets at least ``at_least`` people of ``meets_sectors`` (speed networking)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    block_id: Mapped[Optional[int]] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"))  # empty: all
    who_sectors: Mapped[list[str]] = mapped_column(JSON, default=list)  # sector keys
    meets_sectors: Mapped[list[str]] = mapped_column(JSON, default=list)  # sector keys
    at_least: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting = relationship("Meeting", backref=db.backref(
        "coverage_rules", cascade="all, delete-orphan", order_by="CoverageRule.position"))
    block = relationship("Block", backref=db.backref("coverage_rules", cascade="all, delete-orphan"))


class MustMeet(db.Model):
    """The people a participant must meet ("Unbedingt treffen"), one name per line."""

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"),
                                                 primary_key=True)
    names: Mapped[str] = mapped_column(Text, default="")

    registration = relationship("Registration", backref=db.backref(
        "must_meet_row", uselist=False, cascade="all, delete-orphan", passive_deletes=True))


def must_meet_text(registration) -> str:
    """The names a registration must meet, one per line ("" for none)."""
    row = registration.must_meet_row
    return row.names if row is not None else ""


def must_meet_lines(text: str) -> list[str]:
    """The non-empty lines of a "must meet" text (a line per person; ";" also separates)."""
    return [line.strip() for line in (text or "").replace(";", "\n").splitlines() if line.strip()]


def set_must_meet(registration, text: str) -> None:
    """Store the names (no commit); an empty text removes the row."""
    text = "\n".join(must_meet_lines(text))
    if not text:
        registration.must_meet_row = None
    elif registration.must_meet_row is None:
        registration.must_meet_row = MustMeet(names=text)
    else:
        registration.must_meet_row.names = text
