"""Schedule mails and their .ics, read back with icalendar and vobject and compared with the plan."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from conftest import CAFE_TABLES, SCHEDULE_PEOPLE, SPEED_PAIRS
from netzwerktreffen.mail import ical
from netzwerktreffen.mail import outbox
from netzwerktreffen.planning import service as planning
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.planning.personal import current_rounds
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db

BERLIN = ZoneInfo("Europe/Berlin")
NAMES = [name for name, _org, _sector in SCHEDULE_PEOPLE]


def calendars_by_person(server) -> dict[int, tuple[str, str]]:
    """person index -> (mail text, .ics text) of the mails the server received."""
    found = {}
    for message in server.messages():
        index = int(message["To"].addresses[0].addr_spec.removeprefix("person").split("@")[0])
        [attachment] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert attachment.get_filename() == "netzwerktreffen-ablauf.ics"
        assert attachment.get_param("method") == "PUBLISH"
        found[index] = (message.get_body(("plain",)).get_content(), attachment.get_content())
    return found


def expected_rounds(k: int, meeting) -> list[dict]:
    """What the hand-written plan in conftest says about person k, in time order."""
    day = meeting.date
    rounds = []
    for r, pairs in enumerate(SPEED_PAIRS):
        spot, (a, b) = next((n, pair) for n, pair in enumerate(pairs) if k in pair)
        start = datetime.combine(day, datetime.min.time()).replace(hour=10, tzinfo=BERLIN) + timedelta(minutes=8 * r)
        rounds.append({"start": start, "end": start + timedelta(minutes=6), "where": [f"Platz {spot + 1}", "Saal Neckar"],
                       "with": [NAMES[b if a == k else a]]})
    for r, tables in enumerate(CAFE_TABLES):
        t, seated = next((n, people) for n, people in enumerate(tables) if k in people)
        start = datetime.combine(day, datetime.min.time()).replace(hour=11, tzinfo=BERLIN) + timedelta(minutes=25 * r)
        rounds.append({"start": start, "end": start + timedelta(minutes=20), "where": [f"Tisch {7 + t}", "Foyer"],
                       "with": [NAMES[p] for p in seated if p != k and p != seated[0]],
                       "question": ["Kinderbetreuung", "Anerkennung"][t]})
    return rounds


def test_schedule_mail_and_ics_match_the_plan(published_meeting, smtp_server):
    meeting = published_meeting()
    ids = schedule_mail.queue_schedules(meeting, kick_delivery=False)
    assert outbox.deliver_due().sent == len(ids) == 6
    mails = calendars_by_person(smtp_server)
    assert sorted(mails) == list(range(6))
    uids = set()
    for k, (text, raw) in mails.items():
        expected = expected_rounds(k, meeting)
        calendar = icalendar.Calendar.from_ical(raw)
        assert str(calendar["method"]) == "PUBLISH"
        assert str(calendar["x-wr-calname"]) == "3. Netzwerktreffen Migration – mein Ablauf"
        [tz] = calendar.walk("VTIMEZONE")
        assert str(tz["tzid"]) == "Europe/Berlin"
        events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
        assert len(events) == len(expected) == 5
        for event, want in zip(events, expected):
            assert event["dtstart"].params["TZID"] == "Europe/Berlin"
            assert event.decoded("dtstart") == want["start"] and event.decoded("dtend") == want["end"]
            assert event.decoded("dtstart").utcoffset() == timedelta(hours=1)  # December: CET
            for part in want["where"]:
                assert part in str(event["location"])
            for name in want["with"]:
                assert name in str(event["description"])
            if "question" in want:
                assert want["question"] in str(event["description"])
            assert int(event["sequence"]) == 0
            uid = str(event["uid"])
            assert uid.endswith("@netzwerktreffen") and uid not in uids
            uids.add(uid)
        # the mail's text says the same
        for want in expected:
            assert want["start"].strftime("%H:%M Uhr") in text
            for name in want["with"]:
                assert name in text
        # a second parser reads the same events
        parsed = vobject.readOne(raw)
        assert parsed.method.value == "PUBLISH"
        second = sorted(parsed.vevent_list, key=lambda e: e.dtstart.value)
        assert [e.uid.value for e in second] == [str(e["uid"]) for e in events]
        assert [e.dtstart.value.astimezone(timezone.utc) for e in second] == \
            [w["start"].astimezone(timezone.utc) for w in expected]
        assert [e.location.value for e in second] == [str(e["location"]) for e in events]
    # hosts are told they host
    assert "Sie sind Gastgeber:in an diesem Tisch." in mails[0][0]


def test_change_notice_only_to_people_whose_schedule_changed(published_meeting, smtp_server):
    meeting = published_meeting()
    schedule_mail.queue_schedules(meeting, kick_delivery=False)
    outbox.deliver_due()
    before = scheduling.published(meeting)
    first_uids = {k: sorted(str(e["uid"]) for e in icalendar.Calendar.from_ical(raw).walk("VEVENT"))
                  for k, (_text, raw) in calendars_by_person(smtp_server).items()}
    people = [scheduling.participant_id(r) for r in sorted(meeting.registrations, key=lambda r: r.id)]
    speed = scheduling.block_key(meeting.blocks[0])
    # round 1: (2,3) and (4,5) become (2,5) and (4,3)
    after_plan = planning.swap(before.plan, speed, 0, people[3], people[5])
    after = planning.store_version(meeting, before.instance, after_plan, source="manual")
    planning.publish(after)
    smtp_server.envelopes.clear()
    assert schedule_mail.send_change_notices(meeting, before.plan, after.plan, kick_delivery=False) == 4
    outbox.deliver_due()
    mails = calendars_by_person(smtp_server)
    assert sorted(mails) == [2, 3, 4, 5]
    assert all("Geänderter Ablauf" in m["Subject"] for m in smtp_server.messages())
    for k, (text, raw) in mails.items():
        events = sorted(icalendar.Calendar.from_ical(raw).walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
        assert sorted(str(e["uid"]) for e in events) == first_uids[k]  # same events, updated
        assert {int(e["sequence"]) for e in events} == {1}
        partner = {2: 5, 5: 2, 3: 4, 4: 3}[k]
        assert NAMES[partner] in str(events[0]["description"])
        assert "hat sich geändert" in text
    # asked again for the same change: nothing new
    assert schedule_mail.send_change_notices(meeting, before.plan, after.plan, kick_delivery=False) == 0
    db.session.expire_all()
    sequences = {r.name: r.ical_sequence for r in meeting.registrations}
    assert sequences[NAMES[0]] == sequences[NAMES[1]] == 0 and sequences[NAMES[2]] == 1


def test_times_follow_daylight_saving(published_meeting):
    meeting = published_meeting()
    meeting.date = date(2026, 7, 1)
    db.session.commit()
    person = meeting.registrations[0]
    rounds = current_rounds(person)
    raw = ical.personal_calendar(meeting, person, rounds).decode()
    first = sorted(vobject.readOne(raw).vevent_list, key=lambda e: e.dtstart.value)[0]
    assert first.dtstart.value.astimezone(timezone.utc).hour == 8  # 10:00 CEST
    assert "DTSTART;TZID=Europe/Berlin:20260701T100000" in raw


def test_uid_is_stable_and_does_not_reveal_the_feed_token(published_meeting):
    meeting = published_meeting()
    person = meeting.registrations[0]
    uid = ical.round_uid(person, 5, 0)
    assert uid == ical.round_uid(person, 5, 0) and uid.endswith("-b5-r1@netzwerktreffen")
    assert person.feed_token not in uid and person.token not in uid
    assert ical.round_uid(meeting.registrations[1], 5, 0) != uid


def test_agenda_calendar_lists_the_blocks(published_meeting):
    meeting = published_meeting()
    calendar = icalendar.Calendar.from_ical(ical.agenda_calendar(meeting))
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["3. Netzwerktreffen Migration", "Speed Networking", "Pro-Action-Café"]
    cafe = calendar.walk("VEVENT")[2]
    assert "Anerkennung beschleunigen" in str(cafe["description"])
    assert all(name not in calendar.to_ical().decode() for name in NAMES[2:])  # no personal data


@pytest.mark.parametrize("name", ["Komma, Semikolon; Doppelpunkt: \\Backslash", "Zeile\neins\r\nzwei"])
def test_text_values_survive_the_round_trip(published_meeting, name):
    meeting = published_meeting(names=[name])
    other = meeting.registrations[1]  # meets person 0 in round 1
    raw = ical.personal_calendar(meeting, other, current_rounds(other)).decode()
    first = sorted(icalendar.Calendar.from_ical(raw).walk("VEVENT"), key=lambda e: e.decoded("dtstart"))[0]
    assert " ".join(name.split()) in str(first["description"])
    second = sorted(vobject.readOne(raw).vevent_list, key=lambda e: e.dtstart.value)[0]
    assert " ".join(name.split()) in second.description.value
