"""Honest calendars: cancellations call events off, feeds answer conditional requests, places read well."""
from __future__ import annotations

import icalendar

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CafeTable, Room
from netzwerktreffen.mail import ical
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.planning.personal import cancelled_rounds, current_rounds
from netzwerktreffen.registration import service as registrations


def calendar_of(body) -> tuple[icalendar.Calendar, list]:
    calendar = icalendar.Calendar.from_ical(body)
    return calendar, sorted(calendar.walk("VEVENT"), key=lambda e: (e.decoded("dtstart"), str(e["uid"])))


def ics_of(message) -> tuple[str, str]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), part.get_content()


def test_cancellation_mail_and_feed_call_off_the_events_sent_before(client, published_meeting, outbox):
    meeting = published_meeting()
    person = sorted(meeting.registrations, key=lambda r: r.id)[2]
    schedule_mail.queue_schedules(meeting)
    [schedule] = [m for m in outbox() if m["To"].addresses[0].addr_spec == person.email]
    _method, sent_ics = ics_of(schedule)
    _calendar, sent = calendar_of(sent_ics)
    assert len(sent) == 5 and {str(e["status"]) for e in sent} == {"CONFIRMED"}
    feed = f"/kalender/{person.feed_token}.ics"
    before = int(calendar_of(client.get(feed).data)[1][0]["sequence"])

    registrations.cancel_registration(person)

    [cancellation] = [m for m in outbox() if m["To"].addresses[0].addr_spec == person.email][1:]
    method, ics = ics_of(cancellation)
    assert "Die angehängte Kalenderdatei sagt die Termine in Ihrem Kalender ab." in \
        cancellation.get_body(("plain",)).get_content()
    calendar, events = calendar_of(ics)
    assert method == "CANCEL" and str(calendar["method"]) == "CANCEL"
    assert [str(e["uid"]) for e in events] == [str(e["uid"]) for e in sent]  # the very events sent before
    assert {str(e["status"]) for e in events} == {"CANCELLED"}
    assert {int(e["sequence"]) for e in events} == {before + 1}
    assert all(str(e["attendee"]) == f"mailto:{person.email}" for e in events)
    assert all(str(e["organizer"]) == "mailto:integration@lra.example" for e in events)
    # the feed still answers (a 410 would leave the events in subscribed calendars), with the same call-off
    response = client.get(feed)
    assert response.status_code == 200
    _calendar, fed = calendar_of(response.data)
    assert [str(e["uid"]) for e in fed] == [str(e["uid"]) for e in sent]
    assert {str(e["status"]) for e in fed} == {"CANCELLED"} and {int(e["sequence"]) for e in fed} == {before + 1}


def test_registering_again_after_cancelling_brings_the_events_back(client, make_meeting, make_registration):
    meeting = make_meeting()
    person = make_registration(meeting, email="olena@vhs.example")
    feed = f"/kalender/{person.feed_token}.ics"
    registrations.cancel_registration(person)
    _calendar, [cancelled] = calendar_of(client.get(feed).data)
    again = make_registration(meeting, email="olena@vhs.example")
    assert again.id == person.id and again.feed_token == person.feed_token  # the same registration, reused
    _calendar, [event] = calendar_of(client.get(feed).data)
    assert str(event["uid"]) == str(cancelled["uid"]) and str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) > int(cancelled["sequence"])  # calendars take it back


def test_cancellation_before_a_plan_calls_off_the_meeting(client, make_meeting, make_registration, outbox):
    meeting = make_meeting()
    person = make_registration(meeting)
    _calendar, [subscribed] = calendar_of(client.get(f"/kalender/{person.feed_token}.ics").data)
    registrations.cancel_registration(person)
    method, ics = ics_of(outbox()[-1])
    _calendar, [event] = calendar_of(ics)
    assert method == "CANCEL" and str(event["uid"]) == str(subscribed["uid"])
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == int(subscribed["sequence"]) + 1


def test_a_partners_new_name_raises_the_sequence_of_those_who_meet_them(client, published_meeting):
    meeting = published_meeting()
    people = sorted(meeting.registrations, key=lambda r: r.id)
    anna, olena = people[0], people[1]  # they meet in round 1
    feed = f"/kalender/{olena.feed_token}.ics"
    assert {int(e["sequence"]) for e in calendar_of(client.get(feed).data)[1]} == {0}
    for n, name in enumerate(["Anna Weber-Schulz", "Anna Schulz"], start=1):
        data = registrations.RegistrationData(name=name, email=anna.email, organisation=anna.organisation,
                                              sector=anna.sector, blocks=list(anna.blocks))
        registrations.update_registration(anna, data)
        _calendar, events = calendar_of(client.get(feed).data)
        assert name in "".join(str(e["description"]) for e in events)
        assert {int(e["sequence"]) for e in events} == {n}  # every new content, a higher SEQUENCE
        assert db.session.get(type(olena), olena.id).ical_sequence == n


def test_feeds_answer_conditional_requests(client, published_meeting):
    meeting = published_meeting()
    person = meeting.registrations[0]
    for url in (f"/kalender/{person.feed_token}.ics", f"/m/{meeting.slug}/programm.ics"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and not again.data
        assert client.get(url, headers={"If-None-Match": 'W/"anders"'}).status_code == 200
    etag = client.get(f"/m/{meeting.slug}/programm.ics").headers["ETag"]
    meeting.blocks[0].title = "Speed-Dating der Netzwerke"
    db.session.commit()
    changed = client.get(f"/m/{meeting.slug}/programm.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"Speed-Dating der Netzwerke" in changed.data


def test_agenda_uids_belong_to_the_installation(client, app, published_meeting):
    meeting = published_meeting()
    uids = {str(e["uid"]) for e in calendar_of(client.get(f"/m/{meeting.slug}/programm.ics").data)[1]}
    assert len(uids) == 3
    app.config["SECRET_KEY"] = "eine andere Installation"
    other = {str(e["uid"]) for e in calendar_of(client.get(f"/m/{meeting.slug}/programm.ics").data)[1]}
    assert not uids & other  # another installation's meeting 1 is not this one's
    assert all(uid.endswith(".netzwerktreffen") and app.config["SECRET_KEY"] not in uid for uid in other)


def test_location_names_each_place_once_and_cafe_tables_read_naturally(client, published_meeting):
    meeting = published_meeting()
    meeting.venue = "Stadthalle, Saal Neckar"  # the venue names the room again (as the demo's does)
    meeting.address = "Karl-Marx-Straße 32,\n\n29410 Salzwedel\n"
    cafe = meeting.blocks[1]
    cafe.cafe_tables[0].table.name = "Café 7"  # named with its own number
    cafe.cafe_tables[1].table.name = "Fenster"
    db.session.commit()
    people = sorted(meeting.registrations, key=lambda r: r.id)
    _calendar, events = calendar_of(ical.personal_calendar(meeting, people[0], current_rounds(people[0])))
    assert str(events[0]["location"]) == "Platz 1, Saal Neckar, Stadthalle, Karl-Marx-Straße 32, 29410 Salzwedel"
    cafe_event = next(e for e in events if "Pro-Action-Café" in str(e["summary"]))
    assert str(cafe_event["summary"]) == "Pro-Action-Café, Runde 1 – Café, Tisch 7"
    assert str(cafe_event["location"]) == "Café, Tisch 7, Foyer, Stadthalle, Saal Neckar, Karl-Marx-Straße 32, " \
                                           "29410 Salzwedel"
    _calendar, events = calendar_of(ical.personal_calendar(meeting, people[1], current_rounds(people[1])))
    assert "Pro-Action-Café, Runde 1 – Fenster, Tisch 8" in {str(e["summary"]) for e in events}
    _calendar, agenda = calendar_of(client.get(f"/m/{meeting.slug}/programm.ics").data)
    speed = next(e for e in agenda if str(e["summary"]) == "Speed Networking")
    assert str(speed["location"]) == "Saal Neckar, Stadthalle, Karl-Marx-Straße 32, 29410 Salzwedel"


def test_two_line_address_reads_as_one_line_everywhere(client, published_meeting):
    meeting = published_meeting()
    meeting.venue = "Kulturhaus"
    meeting.address = "Karl-Marx-Straße 32\r\n29410 Salzwedel"
    db.session.commit()
    line = "Karl-Marx-Straße 32, 29410 Salzwedel"
    person = meeting.registrations[0]
    assert schedule_mail.fill_placeholders("Ort: {ort}", person) == f"Ort: Kulturhaus, {line}"
    rendered, [attachment] = schedule_mail.render("schedule", person, current_rounds(person))
    assert f"Kulturhaus, {line}" in rendered.text and f"Kulturhaus, {line}" in rendered.html
    assert line in calendar_of(attachment["content"])[1][0]["location"]
    assert line in client.get(f"/m/{meeting.slug}").get_data(as_text=True)
    _calendar, [event] = calendar_of(ical.personal_calendar(meeting, person, []))
    assert str(event["location"]) == f"Kulturhaus, {line}"
    assert cancelled_rounds(person)  # still in the plan: what a cancellation would call off


def test_set_up_edits_after_publishing_raise_the_sequence_each_time(client, published_meeting):
    from netzwerktreffen.meetings import service as meetings
    meeting = published_meeting()
    person = meeting.registrations[0]
    feed = f"/kalender/{person.feed_token}.ics"
    room = next(r for r in meeting.rooms if r.name == "Saal Neckar")
    for n, name in enumerate(["Saal Elbe", "Saal Rhein"], start=1):
        meetings.update_room(room, {"name": name})
        _calendar, events = calendar_of(client.get(feed).data)
        assert name in str(events[0]["location"]) and {int(e["sequence"]) for e in events} == {n}
    meetings.update_cafe_table(meeting.blocks[1].cafe_tables[0], {"question": "Was brauchen Familien?"})
    _calendar, events = calendar_of(client.get(feed).data)
    assert {int(e["sequence"]) for e in events} == {3}
