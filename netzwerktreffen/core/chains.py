"""Process chains ("Prozessketten", seed report 002, Landkreis Stendal): ordered stations from arrival
to work, and who acts at which station, so that "alle wissen, wer was macht und wer was nicht macht".

A meeting has one or more chains (``Meeting.chains``); a chain has ordered stations with a short
description; a registration marks the stations where the person or their organisation acts and what they
offer there (``Registration.stations``, organisers can correct it). The rows go with the meeting
(chains, stations) or with the registration (what someone does at a station) when either is deleted.
The migration is ``e18a0chain001``.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerktreffen.core.bilingual import EnglishName
from netzwerktreffen.core.extensions import db


class ProcessChain(EnglishName, db.Model):
    """One chain of a meeting, e.g. "Integration von Geflüchteten in Arbeit"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting = relationship("Meeting", backref=db.backref(
        "chains", cascade="all, delete-orphan", order_by="ProcessChain.position"))
    stations: Mapped[list["ChainStation"]] = relationship(
        back_populates="chain", cascade="all, delete-orphan", order_by="ChainStation.position")


class ChainStation(EnglishName, db.Model):
    """A station of a chain (Ankunft, Sprache, Beratung, …), in order (``position``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("process_chain.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    description_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    chain: Mapped[ProcessChain] = relationship(back_populates="stations")


class StationRole(db.Model):
    """A registration acts at a station, with what they offer there (free text, may be empty)."""

    __table_args__ = (UniqueConstraint("registration_id", "station_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("chain_station.id", ondelete="CASCADE"), index=True)
    offer: Mapped[str] = mapped_column(Text, default="", server_default="")

    registration = relationship("Registration", backref=db.backref(
        "stations", cascade="all, delete-orphan", order_by="StationRole.id"))
    station: Mapped[ChainStation] = relationship(backref=db.backref(
        "roles", cascade="all, delete-orphan", passive_deletes=True))
