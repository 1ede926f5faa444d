"""Calendar feeds: the secret personal feed shows the plan published now; the public agenda."""
from __future__ import annotations

import icalendar
import vobject

from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED


def events_of(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.data)
    vobject.readOne(response.get_data(as_text=True))  # a second parser reads it too
    return calendar, sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))


def test_personal_feed_follows_the_published_plan(client, published_meeting):
    meeting = published_meeting()
    people = sorted(meeting.registrations, key=lambda r: r.id)
    url = f"/kalender/{people[2].feed_token}.ics"
    calendar, events = events_of(client.get(url))
    assert str(calendar["x-wr-calname"]) == "3. Netzwerktreffen Migration – mein Ablauf"
    assert str(calendar["method"]) == "PUBLISH" and calendar.walk("VTIMEZONE")
    assert len(events) == 5 and {int(e["sequence"]) for e in events} == {0}
    assert "Mehmet" not in str(events[0]["description"]) and "Grace Mensah" in str(events[0]["description"])
    assert client.get(url).headers["Cache-Control"].startswith("private")
    # a re-plan is published: the feed shows it, with a higher SEQUENCE and the same UIDs
    before = scheduling.published(meeting)
    pids = [scheduling.participant_id(r) for r in people]
    after = planning.store_version(
        meeting, before.instance,
        planning.swap(before.plan, scheduling.block_key(meeting.blocks[0]), 0, pids[3], pids[5]), source="manual")
    planning.publish(after)
    _calendar, changed = events_of(client.get(url))
    assert [str(e["uid"]) for e in changed] == [str(e["uid"]) for e in events]
    assert {int(e["sequence"]) for e in changed} == {1}
    assert "Tarek Haddad" in str(changed[0]["description"])
    _calendar, again = events_of(client.get(url))
    assert {int(e["sequence"]) for e in again} == {1}  # unchanged since: the same sequence
    # someone whose rounds did not change keeps sequence 0
    _calendar, unchanged = events_of(client.get(f"/kalender/{people[0].feed_token}.ics"))
    assert {int(e["sequence"]) for e in unchanged} == {0}


def test_feed_before_a_plan_shows_the_meeting(client, make_meeting, make_registration):
    meeting = make_meeting()
    person = make_registration(meeting)
    _calendar, [event] = events_of(client.get(f"/kalender/{person.feed_token}.ics"))
    assert str(event["summary"]) == "3. Netzwerktreffen Migration"
    assert "Stadthalle Nürtingen" in str(event["location"])


def test_unknown_and_cancelled_feeds(client, make_meeting, make_registration):
    meeting = make_meeting()
    person = make_registration(meeting)
    assert client.get("/kalender/falsch.ics").status_code == 404
    assert client.get(f"/kalender/{person.token}.ics").status_code == 404  # the personal link is not a feed token
    person.status = CANCELLED
    db.session.commit()
    _calendar, [event] = events_of(client.get(f"/kalender/{person.feed_token}.ics"))  # 200, called off
    assert str(event["status"]) == "CANCELLED"


def test_personal_page_offers_webcal_and_https(client, published_meeting):
    meeting = published_meeting()
    person = meeting.registrations[0]
    page = client.get(f"/r/{person.token}").get_data(as_text=True)
    assert f'href="webcal://localhost/kalender/{person.feed_token}.ics"' in page
    assert f'href="http://localhost/kalender/{person.feed_token}.ics"' in page
    assert f'href="/m/{meeting.slug}/programm.ics"' in page


def test_public_agenda(client, published_meeting, make_meeting):
    meeting = published_meeting()
    calendar, events = events_of(client.get(f"/m/{meeting.slug}/programm.ics"))
    assert str(calendar["x-wr-calname"]) == "3. Netzwerktreffen Migration"
    assert [str(e["summary"]) for e in events] == ["3. Netzwerktreffen Migration", "Speed Networking",
                                                    "Pro-Action-Café"]
    hidden = make_meeting(slug="intern", is_public=False)
    assert client.get(f"/m/{hidden.slug}/programm.ics").status_code == 404
