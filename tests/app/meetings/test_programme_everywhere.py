"""Programme points wherever the day's agenda shows: the confirmation and schedule mails, the .ics files and
feeds (one event per point, Europe/Berlin times, stable UIDs, SEQUENCE raised on a change), the projector's
round clock, and the one-page programme PDF."""
from __future__ import annotations

import re
from datetime import datetime, time

import icalendar
import pytest
from sqlalchemy import select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import BERLIN
from netzwerktreffen.core.models import OutboxMessage, ProgrammePoint
from netzwerktreffen.mail import schedules
from netzwerktreffen.meetings import programme

POINTS = [  # kind, title, speakers, organisation, start, minutes
    ("talk", "Begrüßung und Überblick", "Sabrina Straub", "Landratsamt Esslingen", time(9, 30), 10),
    ("presentation", "Projekt „Here’n’Now!“", "Thomas Weiß", "BAW", time(10, 30), 20),
    ("exchange", "Offener Austausch", "", "", time(12, 0), 30),
]


@pytest.fixture
def meeting(published_meeting):
    """Speed networking 10:00–10:22 (3 rounds), café 11:00–11:45 (2 rounds), published; three points."""
    meeting = published_meeting()
    for kind, title, speakers, organisation, start, minutes in POINTS:
        programme.add_point(meeting, {"kind": kind, "title": title, "speakers": speakers,
                                      "organisation": organisation, "start_time": start, "minutes": minutes})
    return meeting


def anna(meeting):
    return next(r for r in meeting.registrations if r.name == "Anna Weber")


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(needle) for needle in needles]
    assert -1 not in found, (needles, found, text)
    return found


def test_confirmation_mail_shows_the_agenda_with_the_points_in_time_order(meeting, make_registration):
    from netzwerktreffen.registration.service import queue_notice
    person = make_registration(meeting, name="Olena Kovalenko", email="olena@vhs.example")
    queue_notice(person, "confirmation")
    db.session.commit()
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == person.id,
                                                         OutboxMessage.kind == "confirmation")).one()
    lines = ["09:30 Uhr – 09:40 Uhr · Begrüßung und Überblick (Vortrag) – Sabrina Straub (Landratsamt Esslingen)",
             "10:00 Uhr – 10:22 Uhr · Speed Networking",
             "10:30 Uhr – 10:50 Uhr · Projekt „Here’n’Now!“ (Projektvorstellung) – Thomas Weiß (BAW)",
             "11:00 Uhr – 11:45 Uhr · Pro-Action-Café", "12:00 Uhr – 12:30 Uhr · Offener Austausch (Offener Austausch)"]
    found = positions(row.body_text, lines)
    assert found == sorted(found)
    assert row.body_text.index("Ort:") < found[0] < row.body_text.index("Ihr persönlicher Link")
    html = re.sub(r"<[^>]+>|\s+", " ", row.body_html)
    found = positions(html, ["Begrüßung und Überblick", "Speed Networking", "Here’n’Now!", "Offener Austausch"])
    assert found == sorted(found)


def test_schedule_mail_puts_the_points_between_the_rounds(meeting):
    schedules.queue_schedules(meeting, kick_delivery=False)
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == anna(meeting).id,
                                                         OutboxMessage.kind == "schedule")).one()
    text = row.body_text
    found = positions(text, ["09:30 Uhr – 09:40 Uhr · Begrüßung und Überblick (Vortrag) – Sabrina Straub",
                             "10:00 Uhr – 10:06 Uhr · Speed Networking, Runde 1",
                             "10:16 Uhr – 10:22 Uhr · Speed Networking, Runde 3",
                             "10:30 Uhr – 10:50 Uhr · Projekt „Here’n’Now!“ (Projektvorstellung",
                             "11:00 Uhr – 11:20 Uhr · Pro-Action-Café, Runde 1",
                             "12:00 Uhr – 12:30 Uhr · Offener Austausch"])
    assert found == sorted(found)
    html = re.sub(r"<[^>]+>|\s+", " ", row.body_html)
    found = positions(html, ["Begrüßung und Überblick", "Speed Networking, Runde 1", "Here’n’Now!",
                             "Pro-Action-Café, Runde 1", "Offener Austausch"])
    assert found == sorted(found)
    [attachment] = row.attachments
    events = icalendar.Calendar.from_ical(attachment["content"]).walk("VEVENT")
    assert len(events) == 5 + len(POINTS)  # three speed rounds, two café rounds, three points


def test_public_agenda_ics_has_one_event_per_point_in_berlin_time(meeting, client):
    response = client.get(f"/m/{meeting.slug}/programm.ics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    calendar = icalendar.Calendar.from_ical(response.data)
    events = [e for e in calendar.walk("VEVENT") if "-punkt-" in str(e["uid"])]
    assert [str(e["summary"]) for e in sorted(events, key=lambda e: e.decoded("dtstart"))] == [
        "Begrüßung und Überblick", "Projekt „Here’n’Now!“", "Offener Austausch"]
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert first.decoded("dtstart") == datetime.combine(meeting.date, time(9, 30), tzinfo=BERLIN)
    assert first.decoded("dtend") == datetime.combine(meeting.date, time(9, 40), tzinfo=BERLIN)
    assert f"DTSTART;TZID=Europe/Berlin:{meeting.date:%Y%m%d}T093000" in body
    assert "Vortrag – Sabrina Straub (Landratsamt Esslingen)" in str(first["description"])
    uids = {str(e["uid"]) for e in events}
    assert len(uids) == 3 and {int(e["sequence"]) for e in events} == {0}
    # a point moves: same UID, higher SEQUENCE, new time
    point = db.session.scalars(select(ProgrammePoint).where(ProgrammePoint.title == "Offener Austausch")).one()
    programme.update_point(point, {"start_time": time(12, 15), "minutes": 30})
    calendar = icalendar.Calendar.from_ical(client.get(f"/m/{meeting.slug}/programm.ics").data)
    moved = [e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Offener Austausch"]
    assert [int(e["sequence"]) for e in moved] == [1] and str(moved[0]["uid"]) in uids
    assert moved[0].decoded("dtstart") == datetime.combine(meeting.date, time(12, 15), tzinfo=BERLIN)


def test_personal_feed_has_the_points_with_stable_uids_and_a_higher_sequence_after_a_change(meeting, client):
    url = f"/kalender/{anna(meeting).feed_token}.ics"
    calendar = icalendar.Calendar.from_ical(client.get(url).data)
    events = calendar.walk("VEVENT")
    points = sorted((e for e in events if re.search(r"-p\d+@", str(e["uid"]))), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in points] == [title for _k, title, *_rest in POINTS]
    assert points[1].decoded("dtstart") == datetime.combine(meeting.date, time(10, 30), tzinfo=BERLIN)
    assert len(events) == 5 + 3
    before = {str(e["uid"]): int(e["sequence"]) for e in points}
    point = db.session.scalars(select(ProgrammePoint).where(ProgrammePoint.title == "Begrüßung und Überblick")).one()
    programme.update_point(point, {"title": "Begrüßung"})
    points = [e for e in icalendar.Calendar.from_ical(client.get(url).data).walk("VEVENT")
              if str(e["uid"]) in before]
    assert len(points) == 3
    changed = {str(e["uid"]): int(e["sequence"]) for e in points if str(e["summary"]) == "Begrüßung"}
    assert len(changed) == 1 and all(sequence > before[uid] for uid, sequence in changed.items())


def test_projector_agenda_lists_points_in_order_with_the_rounds(meeting, logged_in):
    data = logged_in.get(f"/organisation/treffen/{meeting.slug}/beamer/ablauf.json").get_json()
    rows = [(row["kind"], row["block"], row["round"]) for row in data["rounds"]]
    assert rows == [("programme", "Begrüßung und Überblick", None),
                    ("speed-networking", "Speed Networking", 1), ("speed-networking", "Speed Networking", 2),
                    ("speed-networking", "Speed Networking", 3),
                    ("programme", "Projekt „Here’n’Now!“", None),
                    ("pro-action-cafe", "Pro-Action-Café", 1), ("pro-action-cafe", "Pro-Action-Café", 2),
                    ("programme", "Offener Austausch", None)]
    starts = [row["start"] for row in data["rounds"]]
    assert starts == sorted(starts)
    talk = data["rounds"][0]
    assert (talk["programme"], talk["who"], talk["spots"]) == ("Vortrag", "Sabrina Straub (Landratsamt Esslingen)", [])
    assert talk["end"] - talk["start"] == 10 * 60 * 1000
    script = logged_in.get("/static/projector.js").get_data(as_text=True)
    assert 'item.kind === "programme"' in script


def test_programme_pdf_lists_blocks_and_points_with_their_times(meeting, logged_in):
    pytest.importorskip("weasyprint")
    from day_helpers import pdf_pages_text
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/ablauf").get_data(as_text=True)
    link = f"/organisation/treffen/{meeting.slug}/tag/drucken/programm.pdf"
    assert link in page
    day_page = logged_in.get(f"/organisation/treffen/{meeting.slug}/tag/").get_data(as_text=True)
    assert link in day_page
    response = logged_in.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [text] = pdf_pages_text(response.data)  # one page
    found = positions(text, ["09:30 Uhr – 09:40 Uhr Begrüßung und Überblick", "Sabrina Straub (Landratsamt Esslingen)",
                             "10:00 Uhr – 10:22 Uhr Speed Networking",
                             "10:30 Uhr – 10:50 Uhr Projekt „Here’n’Now!“",
                             "11:00 Uhr – 11:45 Uhr Pro-Action-Café", "12:00 Uhr – 12:30 Uhr Offener Austausch"])
    assert found == sorted(found)
    assert "3. Netzwerktreffen Migration" in text and "Projektvorstellung" in text


def test_programme_pdf_without_any_agenda_is_refused_in_german(make_meeting, organiser, logged_in):
    empty = make_meeting(slug="leer", organisers=[organiser], blocks=False)
    response = logged_in.get(f"/organisation/treffen/{empty.slug}/tag/drucken/programm.pdf", follow_redirects=True)
    assert "Das Treffen hat noch keinen Ablauf: Legen Sie zuerst Blöcke oder Programmpunkte an." in \
        response.get_data(as_text=True)


def test_moving_a_point_after_the_schedules_went_out_sends_no_mail_but_says_so(meeting, logged_in):
    schedules.queue_schedules(meeting, kick_delivery=False)
    mails = db.session.query(OutboxMessage).count()
    announced = dict(meeting.announced)
    point = db.session.scalars(select(ProgrammePoint).where(ProgrammePoint.title == "Offener Austausch")).one()
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/ablauf/programmpunkte/{point.id}",
                              follow_redirects=True,
                              data={"kind": "exchange", "title": "Offener Austausch", "start_time": "12:15",
                                    "minutes": "30"})
    page = re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert "Die Abläufe sind schon verschickt. Abonnierte Kalender zeigen den geänderten Programmpunkt" in page
    assert db.session.query(OutboxMessage).count() == mails
    db.session.refresh(meeting)
    assert meeting.announced == announced and schedules.pending_change(meeting) == []  # no date/time/place notice
