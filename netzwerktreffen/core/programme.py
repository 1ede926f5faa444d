"""Programme points ("Programmpunkte", seed report 003, Zwickau): the talks, project presentations, practice
examples, breaks and open exchange of a meeting, beside its agenda blocks (speed networking, café).

They are not blocks: the scheduler and its export go through ``Meeting.blocks`` only. Everywhere the
day's agenda is shown, ``agenda(meeting)`` puts blocks and points together in time order (templates: the
``agenda`` filter). ``ProgrammePoint.sequence`` grows whenever a point changes, so that calendars take
the new version of its event. The migration is ``e18e0progr01``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerktreffen.core.bilingual import in_ui_language
from netzwerktreffen.core.extensions import db

BERLIN = ZoneInfo("Europe/Berlin")


class ProgrammeKind(StrEnum):
    TALK = "talk"
    PRESENTATION = "presentation"
    PRACTICE = "practice"
    BREAK = "break"
    EXCHANGE = "exchange"


KIND_LABELS = {
    ProgrammeKind.TALK: _l("Vortrag"),
    ProgrammeKind.PRESENTATION: _l("Projektvorstellung"),
    ProgrammeKind.PRACTICE: _l("Praxisbeispiel"),
    ProgrammeKind.BREAK: lazy_pgettext("Programmpunkt", "Pause"),
    ProgrammeKind.EXCHANGE: _l("Offener Austausch"),
}


def end_of(start: time, minutes: int) -> time:
    """The time of day ``minutes`` after ``start`` (a point never runs past midnight: the forms check it)."""
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def venue_time(day: date, clock: time) -> datetime:
    """A time of the meeting's day (stored naive, Europe/Berlin) as an aware datetime."""
    return datetime.combine(day, clock).replace(tzinfo=BERLIN)


def time_span(start: time, end: time) -> str:
    """"14:30–15:00 Uhr" (English: "14:30–15:00")."""
    return gettext("%(start)s–%(end)s Uhr", start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))


class ProgrammePoint(db.Model):
    """A talk, presentation, practice example, break or open exchange: when, how long, who speaks."""

    __tablename__ = "programme_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=ProgrammeKind.TALK)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    speakers: Mapped[str] = mapped_column(Text, default="", server_default="")  # names, as the organiser types them
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    start_time: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order of points that start at the same time
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # raised on every change

    meeting = relationship("Meeting", backref=db.backref(
        "programme_points", cascade="all, delete-orphan",
        order_by="[ProgrammePoint.start_time, ProgrammePoint.position, ProgrammePoint.id]"))

    @property
    def end_time(self) -> time:
        return end_of(self.start_time, self.minutes)

    @property
    def display_title(self) -> str:
        return in_ui_language(self.title, self.title_en)

    @property
    def kind_label(self) -> str:
        try:
            return str(KIND_LABELS[ProgrammeKind(self.kind)])
        except ValueError:
            return self.kind

    @property
    def is_break(self) -> bool:
        return self.kind == ProgrammeKind.BREAK

    @property
    def who(self) -> str:
        """"Dr. A. Beispiel (Büro für Chancengleichheit)", either part may be missing."""
        speakers = " ".join((self.speakers or "").split())
        if speakers and self.organisation:
            return f"{speakers} ({self.organisation})"
        return speakers or self.organisation or ""


@dataclass(frozen=True)
class AgendaItem:
    """One line of the day's agenda: a block or a programme point (exactly one of them is set)."""

    start_time: time
    end_time: time
    title: str
    kind_label: str
    block: Any = None
    point: ProgrammePoint | None = None

    @property
    def is_programme(self) -> bool:
        return self.point is not None

    @property
    def times(self) -> str:
        return time_span(self.start_time, self.end_time)

    @property
    def who(self) -> str:
        return self.point.who if self.point is not None else ""


def _block_label(block) -> str:
    return gettext("Pro-Action-Café") if block.is_cafe else gettext("Speed Networking")


def agenda(meeting) -> list[AgendaItem]:
    """The day's agenda: blocks (with rounds) and programme points, in time order (a point before a block
    that starts at the same time: a welcome comes before the rounds it opens)."""
    items = [(block.start_time, 1, block.position, AgendaItem(block.start_time, block.end_time, block.title,
                                                              _block_label(block), block=block))
             for block in meeting.blocks]
    items += [(point.start_time, 0, point.position, AgendaItem(point.start_time, point.end_time,
                                                               point.display_title, point.kind_label, point=point))
              for point in meeting.programme_points]
    items.sort(key=lambda row: row[:3])
    return [row[3] for row in items]


@dataclass(frozen=True)
class ProgrammeRow:
    """A programme point among a person's rounds (mails): start and end aware, Europe/Berlin."""

    start: datetime
    end: datetime
    title: str
    kind_label: str
    who: str
    point_id: int
    is_programme: bool = True


def with_programme(rounds: list, meeting) -> list:
    """A person's rounds (``planning.personal.PersonalRound``) and the meeting's programme points, in time
    order (a point before a round that starts at the same time)."""
    rows = [(point.start_time, 0, ProgrammeRow(venue_time(meeting.date, point.start_time),
                                                venue_time(meeting.date, point.end_time),
                                                point.display_title, point.kind_label, point.who, point.id))
            for point in meeting.programme_points]
    rows += [(item.start.astimezone(BERLIN).time(), 1, item) for item in rounds]
    rows.sort(key=lambda row: row[:2])
    return [row[2] for row in rows]


def init_app(app) -> None:
    """Templates show the day's agenda as ``meeting|agenda``, a person's rounds with the programme points as
    ``rounds|with_programme(meeting)``."""
    app.jinja_env.filters["agenda"] = agenda
    app.jinja_env.filters["with_programme"] = with_programme
