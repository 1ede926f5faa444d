"""Reading the personal calendar feed writes nothing; its SEQUENCE is raised where a schedule changes."""
from __future__ import annotations

import icalendar
from sqlalchemy import event

from netzwerktreffen.core.extensions import db
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning

WRITES = ("INSERT", "UPDATE", "DELETE")


def sequences(response) -> set[int]:
    assert response.status_code == 200
    return {int(e["sequence"]) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


class Recorder:
    """The statements and commits on the app's engine while it listens."""

    def __init__(self):
        self.writes: list[str] = []
        self.commits = 0

    def statement(self, connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            self.writes.append(statement)

    def commit(self, connection):
        self.commits += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self.statement)
        event.listen(db.engine, "commit", self.commit)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self.statement)
        event.remove(db.engine, "commit", self.commit)


def stored(registration) -> tuple[int, str]:
    db.session.expire_all()
    row = db.session.get(type(registration), registration.id)
    return row.ical_sequence, row.schedule_fingerprint


def test_fetching_the_feed_writes_nothing_even_when_the_schedule_changed(client, published_meeting):
    meeting = published_meeting()
    people = sorted(meeting.registrations, key=lambda r: r.id)
    person, partner = people[2], people[3]  # they meet in the first round
    url = f"/kalender/{person.feed_token}.ics"
    before = stored(person)
    assert before[1]  # publishing stored what the schedule looks like
    partner.organisation = "Neue Organisation"  # the person's schedule now reads differently
    db.session.commit()
    with Recorder() as recorded:
        assert sequences(client.get(url)) == {before[0] + 1}  # shown one higher ...
        assert sequences(client.get(url)) == {before[0] + 1}  # ... on every read
    assert recorded.writes == [] and recorded.commits == 0
    assert stored(person) == before  # ... and nothing stored


def test_publishing_raises_the_sequence_not_the_feed(client, published_meeting):
    meeting = published_meeting()
    people = sorted(meeting.registrations, key=lambda r: r.id)
    first = scheduling.published(meeting)
    pids = [scheduling.participant_id(r) for r in people]
    after = planning.store_version(
        meeting, first.instance,
        planning.swap(first.plan, scheduling.block_key(meeting.blocks[0]), 0, pids[3], pids[5]), source="manual")
    planning.publish(after)
    assert stored(people[2])[0] == 1 and stored(people[0])[0] == 0  # raised for whose rounds changed, at once
    with Recorder() as recorded:
        assert sequences(client.get(f"/kalender/{people[2].feed_token}.ics")) == {1}
        assert sequences(client.get(f"/kalender/{people[0].feed_token}.ics")) == {0}
    assert recorded.writes == [] and recorded.commits == 0
