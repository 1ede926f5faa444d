"""Write operations on a meeting's programme points (talks, presentations, practice examples, breaks,
open exchange; ``core.programme``), the overlap check the form uses, ``copy_programme`` for the next
meeting of a series and ``add_suggested_points`` for topic suggestions taken over from the ideas page.

A point may not overlap an agenda block or another point: people cannot listen to a talk while they sit
in a round. Every change raises the point's ``sequence``, so that calendars (``mail.ical``) replace its
event. Changing a point sends no mail by itself (``mail.schedules`` announces date, time and place of the
meeting only); subscribed calendars and every mail sent afterwards show the new times.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Meeting
from netzwerktreffen.core.programme import ProgrammeKind, ProgrammePoint, end_of, time_span

log = logging.getLogger(__name__)

SUGGESTED_MINUTES = 15  # a topic suggestion taken over as a programme point (open exchange)
FIELDS = ("kind", "title", "title_en", "speakers", "organisation", "start_time", "minutes")


@dataclass(frozen=True)
class Overlap:
    """Another item of the agenda that runs at the same time."""

    title: str
    start: time
    end: time

    @property
    def times(self) -> str:
        return time_span(self.start, self.end)


def _minute(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def overlaps(meeting: Meeting, start: time, minutes: int, point: ProgrammePoint | None = None) -> list[Overlap]:
    """The blocks and other points that run during ``start`` + ``minutes`` (touching ends do not count)."""
    begin = _minute(start)
    end = begin + minutes
    found = []
    for block in meeting.blocks:
        if block.rounds and _minute(block.start_time) < end and begin < _minute(block.start_time) + _length(block):
            found.append(Overlap(block.title, block.start_time, block.end_time))
    for other in meeting.programme_points:
        if other is point:
            continue
        if _minute(other.start_time) < end and begin < _minute(other.start_time) + other.minutes:
            found.append(Overlap(other.title, other.start_time, other.end_time))
    return sorted(found, key=lambda o: o.start)


def _length(block) -> int:
    return block.rounds * block.minutes_per_round + max(block.rounds - 1, 0) * block.changeover_minutes


def _renumber(meeting: Meeting) -> None:
    ordered = sorted(meeting.programme_points, key=lambda p: (p.start_time, p.position, p.id or 0))
    for position, point in enumerate(ordered):
        point.position = position


def add_point(meeting: Meeting, data: dict) -> ProgrammePoint:
    point = ProgrammePoint(position=len(meeting.programme_points), **data)
    meeting.programme_points.append(point)
    db.session.flush()
    _renumber(meeting)
    db.session.commit()
    log.info("programme point %s added to %s", point.id, meeting.slug)
    return point


def update_point(point: ProgrammePoint, data: dict) -> bool:
    """Store the new values; True when something changed (then the point's ``sequence`` is raised)."""
    changed = any(getattr(point, name) != data[name] for name in FIELDS if name in data)
    for name in FIELDS:
        if name in data:
            setattr(point, name, data[name])
    if changed:
        point.sequence = (point.sequence or 0) + 1
        _renumber(point.meeting)
    db.session.commit()
    return changed


def delete_point(point: ProgrammePoint) -> None:
    meeting = point.meeting
    meeting.programme_points.remove(point)
    db.session.flush()
    _renumber(meeting)
    db.session.commit()


def copy_programme(source: Meeting, target: Meeting, days_shift: int = 0) -> list[ProgrammePoint]:
    """Copy ``source``'s programme points to ``target`` (the next meeting of a series), keeping their
    times of day; ``days_shift`` is how many days later the target is (times of day do not move with it,
    it is accepted so that callers can say what they copy). Not committed: the caller commits with the
    rest of what it copies. Points that would not fit into the target's hours are left out."""
    copied = []
    for point in sorted(source.programme_points, key=lambda p: (p.start_time, p.position)):
        if not _fits(target, point.start_time, point.minutes):
            continue
        copy = ProgrammePoint(**{name: getattr(point, name) for name in FIELDS}, position=point.position)
        target.programme_points.append(copy)
        copied.append(copy)
    return copied


def _free_start(meeting: Meeting, earliest: time, minutes: int) -> time | None:
    """The first time from ``earliest`` on where ``minutes`` fit into the meeting's hours without overlapping
    a block or a point (a free stretch starts at ``earliest`` or where an item ends); None when none is left."""
    ends = [block.end_time for block in meeting.blocks if block.rounds]
    ends += [point.end_time for point in meeting.programme_points]
    for start in sorted({earliest, *(end for end in ends if end > earliest)}):
        if _fits(meeting, start, minutes) and not overlaps(meeting, start, minutes):
            return start
    return None


def add_suggested_points(meeting: Meeting, titles: list[str],
                         minutes: int = SUGGESTED_MINUTES) -> tuple[list[ProgrammePoint], list[str]]:
    """Topic suggestions (of an earlier meeting) as programme points of ``meeting``: open exchange,
    ``minutes`` long each, one after the other from the end of its last programme point (or from the start
    of the meeting when it has none), each in the first free time that fits into the meeting's hours. A
    title it already has is not added twice. Returns the new points and the titles that found no free time
    any more. Committed."""
    present = {point.title.casefold() for point in meeting.programme_points}
    last = max((point.end_time for point in meeting.programme_points), default=meeting.start_time)
    added, no_room = [], []
    for title in (" ".join(t.split())[:200] for t in titles):
        if not title or title.casefold() in present:
            continue
        present.add(title.casefold())
        start = _free_start(meeting, max(last, meeting.start_time), minutes)
        if start is None:
            no_room.append(title)
            continue
        point = ProgrammePoint(kind=ProgrammeKind.EXCHANGE, title=title, start_time=start, minutes=minutes,
                               position=len(meeting.programme_points))
        meeting.programme_points.append(point)
        added.append(point)
        last = point.end_time
    db.session.flush()
    _renumber(meeting)
    db.session.commit()
    log.info("%s topic suggestions taken over as programme points of %s", len(added), meeting.slug)
    return added, no_room


def _fits(meeting: Meeting, start: time, minutes: int) -> bool:
    day = date(2000, 1, 1)
    begin = datetime.combine(day, start)
    return (datetime.combine(day, meeting.start_time) <= begin
            and begin + timedelta(minutes=minutes) <= datetime.combine(day, meeting.end_time))


__all__ = ["Overlap", "add_point", "add_suggested_points", "copy_programme", "delete_point", "end_of", "overlaps",
           "update_point"]
