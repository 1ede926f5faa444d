"""Organiser pages of a meeting: create and edit, team, rooms and tables, agenda, catalogue, affinities."""
from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from dates import berlin_today
from netzwerktreffen.core import defaults
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import (CAFE, CONFIRMED, SPEED, WAITLISTED, Block, CafeTable, Meeting, MeetingTable,
                                    PlanLock, Room, Sector, SectorAffinity, Topic)

BASE = "/organisation/treffen"


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """A cheap password hash for the test accounts: these tests are about meetings, not passwords."""
    from functools import partial

    from werkzeug.security import generate_password_hash
    monkeypatch.setattr("netzwerktreffen.core.models.generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1000"))


def meeting_form(meeting=None, **overrides):
    """Everything the meeting form sends, taken from ``meeting`` or a plausible new meeting."""
    if meeting is not None:
        data = {
            "title": meeting.title, "series_name": meeting.series_name,
            "series_number": str(meeting.series_number or ""), "slug": meeting.slug,
            "description": meeting.description, "date": meeting.date.isoformat(),
            "start_time": meeting.start_time.strftime("%H:%M"), "end_time": meeting.end_time.strftime("%H:%M"),
            "venue": meeting.venue, "address": meeting.address,
            "registration_opens": meeting.registration_opens.strftime("%Y-%m-%dT%H:%M") if meeting.registration_opens else "",
            "registration_closes": meeting.registration_closes.strftime("%Y-%m-%dT%H:%M") if meeting.registration_closes else "",
            "capacity": str(meeting.capacity), "languages": list(meeting.languages),
            "contact_name": meeting.contact_name, "contact_email": meeting.contact_email,
            "controller": meeting.controller, "retention_days": str(meeting.retention_days),
            "reminder_hours": str(meeting.reminder_hours),
            "is_public": "y" if meeting.is_public else None,
        }
    else:
        day = berlin_today() + timedelta(days=40)
        data = {
            "title": "Netzwerktreffen Migration und Arbeit", "series_name": "Netzwerktreffen Migration",
            "series_number": "3", "slug": "nt-migration-3", "description": "Wer macht was?",
            "date": day.isoformat(), "start_time": "09:30", "end_time": "13:00",
            "venue": "Landratsamt, Großer Sitzungssaal", "address": "Hospitalstraße 1\n39576 Stendal",
            "registration_opens": "", "registration_closes": f"{(day - timedelta(days=2)).isoformat()}T23:59",
            "capacity": "80", "languages": ["de", "en", "uk"], "contact_name": "Stella Khalafyan",
            "contact_email": "Integration@Landkreis.example", "controller": "Landkreis Stendal, Der Landrat",
            "retention_days": "90", "reminder_hours": "24", "is_public": "y",
        }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(model, **where):
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def text(response):
    return response.get_data(as_text=True)


# -- Meetings ------------------------------------------------------------------------------------------


def test_create_meeting_with_default_catalogue(logged_in, organiser):
    response = logged_in.post(f"{BASE}/neu", data=meeting_form())
    assert response.status_code == 302, text(response)
    assert response.location == f"{BASE}/nt-migration-3"
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == "nt-migration-3"))
    assert meeting.display_title == "3. Netzwerktreffen Migration"
    assert meeting.start_time == time(9, 30) and meeting.end_time == time(13, 0)
    assert meeting.languages == ["de", "en", "uk"]
    assert meeting.contact_email == "integration@landkreis.example"
    assert meeting.registration_opens is None and meeting.registration_closes.hour == 23
    assert meeting.is_public and meeting.capacity == 80
    assert meeting.organisers == [organiser]
    assert [s.key for s in meeting.sectors] == [key for key, _, _ in defaults.SECTORS]
    assert len(meeting.topics) == len(defaults.TOPICS)
    assert len(meeting.affinities) == len(defaults.AFFINITY)
    page = text(logged_in.get(response.location))
    assert "3. Netzwerktreffen Migration" in page
    assert f"{BASE}/nt-migration-3/anmeldungen" in page  # the tab to the registration list
    assert "0 / 80" in page


def test_slug_is_made_from_the_title_when_left_empty(logged_in, make_meeting, organiser):
    make_meeting(slug="3-netzwerktreffen-migration", organisers=[organiser])
    response = logged_in.post(f"{BASE}/neu", data=meeting_form(slug=""))
    assert response.status_code == 302
    assert response.location == f"{BASE}/3-netzwerktreffen-migration-2"


def test_new_meeting_form_continues_the_latest_series(logged_in, make_meeting, organiser):
    page = text(logged_in.get(f"{BASE}/neu"))
    assert 'value="09:30"' in page and "Vorausgefüllt" not in page
    make_meeting(organisers=[organiser], series_number=3, controller="Landratsamt Esslingen")
    page = text(logged_in.get(f"{BASE}/neu"))
    assert "Vorausgefüllt mit den Angaben von „3. Netzwerktreffen Migration“" in page
    assert 'name="series_number" type="number" value="4"' in page
    assert "Landratsamt Esslingen</textarea>" in page
    assert 'name="slug" type="text" value=""' in page


@pytest.mark.parametrize("overrides, message", [
    ({"end_time": "09:00"}, "Das Ende muss nach dem Beginn liegen"),
    ({"slug": "Großes Treffen!"}, "Nur Kleinbuchstaben"),
    ({"slug": "neu"}, "verwendet die Anwendung selbst"),
    ({"slug": "anderes"}, "hat schon ein anderes Treffen"),
    ({"registration_opens": "2026-12-01T10:00", "registration_closes": "2026-11-01T10:00"},
     "Das Ende der Anmeldung muss nach ihrem Beginn liegen"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "viele"}, "capacity"),
    ({"capacity": "99999999999999999999"}, "capacity"),
    ({"date": "31.02.2026"}, "date"),
    ({"start_time": "25:99"}, "start_time"),
    ({"languages": None}, "mindestens eine Sprache"),
    ({"languages": ["klingonisch"]}, "languages"),
    ({"contact_email": "keine-adresse"}, "contact_email"),
    ({"controller": ""}, "verantwortliche Stelle"),
    ({"title": "x" * 201}, "title"),
    ({"title": "\x00"}, "title"),
    ({"retention_days": "-5"}, "retention_days"),
    ({"reminder_hours": "-1"}, "reminder_hours"),
    ({"reminder_hours": ""}, "reminder_hours"),
])
def test_bad_meeting_input_is_refused_at_its_field(logged_in, make_meeting, organiser, overrides, message):
    make_meeting(slug="anderes", organisers=[organiser])
    meeting = make_meeting(slug="treffen", organisers=[organiser])
    before = meeting_form(meeting)
    response = logged_in.post(f"{BASE}/treffen/bearbeiten", data=meeting_form(meeting, **({"title": "Geändert"} | overrides)))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Es wurde nichts gespeichert" in page
    assert 'class="error"' in page
    db.session.expire_all()
    assert meeting_form(db.session.get(Meeting, meeting.id)) == before
    # and the same on the form for a new meeting: nothing is created
    response = logged_in.post(f"{BASE}/neu", data=meeting_form(**overrides))
    assert response.status_code == 400
    assert count(Meeting) == 2


def test_edit_meeting_and_change_slug(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    form = meeting_form(meeting, title="Neuer Titel", slug="neuer-name", series_number="4", is_public=None,
                        reminder_hours="0")
    response = logged_in.post(f"{BASE}/treffen/bearbeiten", data=form)
    assert response.status_code == 302 and response.location == f"{BASE}/neuer-name"
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.title, meeting.slug, meeting.display_title) == ("Neuer Titel", "neuer-name",
                                                                   "4. Netzwerktreffen Migration")
    assert meeting.is_public is False
    assert meeting.reminder_hours == 0  # no reminder mail
    assert logged_in.get(f"{BASE}/treffen").status_code == 404


def test_shorter_meeting_must_still_contain_its_blocks(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])  # café 11:30–12:55
    response = logged_in.post(f"{BASE}/treffen/bearbeiten", data=meeting_form(meeting, end_time="12:30"))
    assert response.status_code == 400
    assert "Der Block „Pro-Action-Café“ endet erst um 12:55 Uhr" in text(response)


def test_raising_capacity_moves_people_up_from_the_waiting_list(logged_in, make_meeting, make_registration,
                                                               organiser, monkeypatch):
    meeting = make_meeting(capacity=1, organisers=[organiser])
    first = make_registration(meeting)
    waiting = make_registration(meeting, email="wartet@example.org")
    later = make_registration(meeting, email="spaeter@example.org")
    assert (first.status, waiting.status, later.status) == (CONFIRMED, WAITLISTED, WAITLISTED)
    notified = []
    monkeypatch.setattr("netzwerktreffen.registration.service.notify",
                        lambda registration, template: notified.append((registration.email, template)))
    response = logged_in.post(f"{BASE}/treffen/bearbeiten", data=meeting_form(meeting, capacity="2"),
                              follow_redirects=True)
    assert "1 Person ist von der Warteliste nachgerückt" in text(response)
    db.session.expire_all()
    assert db.session.get(type(waiting), waiting.id).status == CONFIRMED
    assert db.session.get(type(later), later.id).status == WAITLISTED
    assert notified == [("wartet@example.org", "promoted")]
    # lowering the capacity moves nobody and warns when more people are confirmed than places
    response = logged_in.post(f"{BASE}/treffen/bearbeiten", data=meeting_form(meeting, capacity="1"),
                              follow_redirects=True)
    assert "Niemand wird automatisch ausgeladen" in text(response)
    assert notified == [("wartet@example.org", "promoted")]


def test_dashboard_shows_own_meetings_with_counts(logged_in, make_meeting, make_registration, make_organiser,
                                                  organiser):
    mine = make_meeting(slug="mein-treffen", title="Mein Treffen", series_name="", capacity=1, organisers=[organiser])
    make_registration(mine)
    make_registration(mine)
    make_meeting(slug="fremd", title="Fremdes Treffen", series_name="", organisers=[make_organiser("b@example.org")])
    page = text(logged_in.get("/organisation/"))
    assert "Mein Treffen" in page and "Fremdes Treffen" not in page
    assert "1 von 1 bestätigt" in page and "1 auf der Warteliste" in page
    assert f"{BASE}/mein-treffen/bearbeiten" in page


# -- Access and the team -------------------------------------------------------------------------------


def test_other_organisers_get_404_until_added_to_the_team(client, auth, make_organiser, make_meeting):
    alice, bob = make_organiser("alice@example.org"), make_organiser("bob@example.org", name="Bob")
    meeting = make_meeting(slug="alice", organisers=[alice])
    room, block = meeting.rooms[0], meeting.blocks[1]
    table, sector, topic = room.tables[0], meeting.sectors[0], meeting.topics[0]
    urls = [f"{BASE}/alice", f"{BASE}/alice/bearbeiten", f"{BASE}/alice/team", f"{BASE}/alice/raeume",
            f"{BASE}/alice/raeume/{room.id}", f"{BASE}/alice/tische/{table.id}", f"{BASE}/alice/ablauf",
            f"{BASE}/alice/ablauf/{block.id}", f"{BASE}/alice/bereiche", f"{BASE}/alice/bereiche/{sector.id}",
            f"{BASE}/alice/themen/{topic.id}", f"{BASE}/alice/bereiche/affinitaet"]
    auth.login("bob@example.org")
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"{BASE}/alice/bearbeiten", data=meeting_form(meeting, title="Bob war hier")).status_code == 404
    assert client.post(f"{BASE}/alice/raeume/{room.id}/loeschen").status_code == 404
    assert client.post(f"{BASE}/alice/team", data={"email": "bob@example.org"}).status_code == 404
    assert "alice" not in text(client.get("/organisation/")).split("</header>")[1]
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == "Netzwerktreffen Migration"
    assert count(Room) == 1

    auth.logout()
    auth.login("alice@example.org")
    response = client.post(f"{BASE}/alice/team", data={"email": " BOB@example.org "})
    assert response.status_code == 302
    auth.logout()
    auth.login("bob@example.org")
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "Netzwerktreffen Migration" in text(client.get("/organisation/"))
    assert {o.email for o in db.session.get(Meeting, meeting.id).organisers} == {alice.email, bob.email}


def test_rows_of_another_meeting_are_404_even_with_a_own_slug(logged_in, make_meeting, make_organiser, organiser):
    make_meeting(slug="mein", organisers=[organiser])
    other = make_meeting(slug="fremd", organisers=[make_organiser("b@example.org")])
    for url in [f"/raeume/{other.rooms[0].id}", f"/tische/{other.rooms[0].tables[0].id}",
                f"/ablauf/{other.blocks[0].id}", f"/bereiche/{other.sectors[0].id}", f"/themen/{other.topics[0].id}"]:
        assert logged_in.get(f"{BASE}/mein{url}").status_code == 404, url
        assert logged_in.post(f"{BASE}/mein{url}/loeschen").status_code == 404, url
    assert count(Room) == 2 and count(Block) == 4


def test_team_add_and_remove_but_never_the_last(logged_in, make_meeting, make_organiser, organiser):
    meeting = make_meeting(organisers=[organiser])
    response = logged_in.post(f"{BASE}/treffen/team", data={"email": "orga@example.org"})
    assert response.status_code == 400 and "gehört schon zum Organisationsteam" in text(response)
    response = logged_in.post(f"{BASE}/treffen/team/{organiser.id}/entfernen", follow_redirects=True)
    assert "mindestens eine Person" in text(response)
    assert meeting.organisers == [organiser]
    colleague = make_organiser("kollegin@example.org", name="Kollegin")
    logged_in.post(f"{BASE}/treffen/team", data={"email": "kollegin@example.org"})
    response = logged_in.post(f"{BASE}/treffen/team/{organiser.id}/entfernen")
    assert response.status_code == 302 and response.location == "/organisation/"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).organisers == [colleague]
    assert logged_in.get(f"{BASE}/treffen").status_code == 404


# -- Rooms and tables ----------------------------------------------------------------------------------


def test_rooms_and_tables(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser], blocks=False)
    response = logged_in.post(f"{BASE}/treffen/raeume", data={"name": "Foyer", "grid_columns": "3", "grid_rows": "2"})
    assert response.status_code == 302
    room = db.session.scalar(select(Room).where(Room.name == "Foyer"))
    assert (room.meeting_id, room.grid_columns, room.grid_rows) == (meeting.id, 3, 2)

    add = f"{BASE}/treffen/raeume/{room.id}/tische/neu"
    response = logged_in.post(add, data={"table-number": "1", "table-name": "Fenster", "table-seats": "5",
                                         "table-column": "3", "table-row": "2"})
    assert response.status_code == 302
    [table] = room.tables
    assert (table.number, table.name, table.seats, table.grid_x, table.grid_y) == (1, "Fenster", 5, 2, 1)

    # duplicate number, seats < 1, outside the plan: messages at the fields, nothing stored
    response = logged_in.post(add, data={"table-number": "1", "table-seats": "0", "table-column": "4",
                                         "table-row": "1"})
    assert response.status_code == 400
    page = text(response)
    assert "schon einen Tisch mit der Nummer 1" in page
    assert "Der Raumplan hat nur 3 Spalten" in page
    assert count(MeetingTable) == 1

    # the plan shows the table at its place; the form suggests the next number
    page = text(logged_in.get(f"{BASE}/treffen/raeume/{room.id}"))
    assert 'class="plan-table gx-3 gy-2"' in page  # column 3, row 2 (classes from meetings.css)
    assert 'name="table-number" type="number" value="2"' in page or 'value="2"' in page

    response = logged_in.post(f"{BASE}/treffen/tische/{table.id}", data={
        "table-number": "7", "table-name": "", "table-seats": "3", "table-column": "1", "table-row": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    table = db.session.get(MeetingTable, table.id)
    assert (table.number, table.name, table.seats, table.grid_x, table.grid_y) == (7, "", 3, 0, 0)

    # the room cannot shrink below its tables
    logged_in.post(add, data={"table-number": "8", "table-seats": "4", "table-column": "3", "table-row": "2"})
    response = logged_in.post(f"{BASE}/treffen/raeume/{room.id}",
                              data={"name": "Foyer", "grid_columns": "2", "grid_rows": "2"})
    assert response.status_code == 400 and "Tisch 8 steht in Spalte 3" in text(response)
    response = logged_in.post(f"{BASE}/treffen/raeume/{room.id}",
                              data={"name": "Foyer unten", "grid_columns": "4", "grid_rows": "3"})
    assert response.status_code == 302
    assert db.session.get(Room, room.id).name == "Foyer unten"

    assert logged_in.post(f"{BASE}/treffen/tische/{table.id}/loeschen").status_code == 302
    assert count(MeetingTable) == 1
    assert logged_in.post(f"{BASE}/treffen/raeume/{room.id}/loeschen").status_code == 302
    assert count(Room) == 0 and count(MeetingTable) == 0


def test_deleting_a_room_keeps_blocks_and_cafe_tables(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    room, speed, cafe = meeting.rooms[0], meeting.blocks[0], meeting.blocks[1]
    cafe.cafe_tables.append(CafeTable(question="Was fehlt?", table=room.tables[0]))
    db.session.commit()
    assert logged_in.post(f"{BASE}/treffen/raeume/{room.id}/loeschen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Block, speed.id).room is None
    assert db.session.scalar(select(CafeTable)).table_id is None


@pytest.mark.parametrize("data, message", [
    ({"name": "", "grid_columns": "3", "grid_rows": "2"}, "name"),
    ({"name": "Saal", "grid_columns": "0", "grid_rows": "2"}, "grid_columns"),
    ({"name": "Saal", "grid_columns": "3", "grid_rows": "1000"}, "grid_rows"),
    ({"name": "Saal", "grid_columns": "drei", "grid_rows": "2"}, "grid_columns"),
])
def test_bad_room_input(logged_in, make_meeting, organiser, data, message):
    make_meeting(organisers=[organiser], blocks=False)
    response = logged_in.post(f"{BASE}/treffen/raeume", data=data)
    assert response.status_code == 400 and message in text(response)
    assert count(Room) == 0


# -- Agenda blocks and café tables ---------------------------------------------------------------------


def test_speed_networking_block_crud(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser], blocks=False)
    room = Room(name="Saal")
    meeting.rooms.append(room)
    db.session.commit()
    url = f"{BASE}/treffen/ablauf/neu/{SPEED}"
    assert "Speed Networking" in text(logged_in.get(url))
    response = logged_in.post(url, data={"title": "Kennenlernen", "start_time": "10:00", "rounds": "8",
                                         "minutes_per_round": "6", "changeover_minutes": "2", "group_size": "3",
                                         "allow_repeats": "y", "room": str(room.id)})
    assert response.status_code == 302
    block = db.session.scalar(select(Block))
    assert (block.kind, block.rounds, block.group_size, block.allow_repeats, block.room) == (SPEED, 8, 3, True, room)
    assert block.end_time == time(11, 2)
    page = text(logged_in.get(f"{BASE}/treffen/ablauf"))
    assert "10:00 Uhr –<br>11:02 Uhr" in page and "Kennenlernen" in page
    page = text(logged_in.get(f"{BASE}/treffen/ablauf/{block.id}"))
    assert "11:02 Uhr" in page and "Reserve von 10–20 % etwa" in page and "Im Raum „Saal“ stehen 0 Tische" in page

    response = logged_in.post(f"{BASE}/treffen/ablauf/{block.id}", data={
        "title": "Speed Networking", "start_time": "09:30", "rounds": "6", "minutes_per_round": "8",
        "changeover_minutes": "0", "group_size": "2", "room": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    block = db.session.get(Block, block.id)
    assert (block.rounds, block.group_size, block.allow_repeats, block.room, block.end_time) == (
        6, 2, False, None, time(10, 18))

    assert logged_in.post(f"{BASE}/treffen/ablauf/{block.id}/loeschen").status_code == 302
    assert count(Block) == 0


@pytest.mark.parametrize("overrides, message", [
    ({"start_time": "12:30"}, "Der Block liefe von 12:30 Uhr bis 13:32 Uhr, das Treffen geht aber nur von 09:30 Uhr bis 13:00 Uhr"),
    ({"start_time": "08:00"}, "Der Block liefe von 08:00 Uhr"),
    ({"start_time": "23:50"}, "am Folgetag"),
    ({"group_size": "5"}, "group_size"),
    ({"rounds": "0"}, "rounds"),
    ({"minutes_per_round": "100000000000"}, "minutes_per_round"),
    ({"room": "999999"}, "room"),
    ({"title": ""}, "title"),
])
def test_bad_block_input_is_refused(logged_in, make_meeting, organiser, overrides, message):
    make_meeting(organisers=[organiser], blocks=False)
    data = {"title": "Speed Networking", "start_time": "10:00", "rounds": "8", "minutes_per_round": "6",
            "changeover_minutes": "2", "group_size": "2", "room": "0"} | overrides
    response = logged_in.post(f"{BASE}/treffen/ablauf/neu/{SPEED}", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert count(Block) == 0


def test_overlapping_blocks_are_saved_with_a_warning(logged_in, make_meeting, organiser):
    make_meeting(organisers=[organiser])  # speed networking 10:00–10:46
    response = logged_in.post(f"{BASE}/treffen/ablauf/neu/{SPEED}", follow_redirects=True, data={
        "title": "Zweite Runde", "start_time": "10:30", "rounds": "3", "minutes_per_round": "6",
        "changeover_minutes": "2", "group_size": "2", "room": "0"})
    assert "„Zweite Runde“ überschneidet sich mit „Speed Networking“ (10:00 Uhr – 10:46 Uhr)" in text(response)
    assert count(Block) == 3


def test_unknown_block_kind_is_404(logged_in, make_meeting, organiser):
    make_meeting(organisers=[organiser])
    assert logged_in.get(f"{BASE}/treffen/ablauf/neu/workshop").status_code == 404


def test_cafe_block_gets_the_classic_guiding_questions(logged_in, make_meeting, organiser):
    make_meeting(organisers=[organiser], blocks=False)
    url = f"{BASE}/treffen/ablauf/neu/{CAFE}"
    assert "Was ist die Frage hinter der Frage?" in text(logged_in.get(url))  # suggested in the form
    data = {"title": "Pro-Action-Café", "start_time": "11:00", "rounds": "3", "minutes_per_round": "25",
            "changeover_minutes": "5", "room": "0", "guiding_questions": ""}
    response = logged_in.post(url, data=data)
    assert response.status_code == 302
    block = db.session.scalar(select(Block))
    assert block.kind == CAFE and block.guiding_questions == defaults.guiding_questions(3)
    assert block.end_time == time(12, 25)

    # own questions: one per round
    edit = f"{BASE}/treffen/ablauf/{block.id}"
    response = logged_in.post(edit, data=data | {"rounds": "4", "guiding_questions": "Eins?\nZwei?"})
    assert response.status_code == 400 and "4 Runden brauchen 4 Leitfragen" in text(response)
    response = logged_in.post(edit, data=data | {"rounds": "2", "guiding_questions": "Eins?\n\n Zwei? \n"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Block, block.id).guiding_questions == ["Eins?", "Zwei?"]


def test_cafe_tables_with_registered_or_named_host(logged_in, make_meeting, make_registration, organiser):
    meeting = make_meeting(organisers=[organiser])
    cafe = meeting.blocks[1]
    host = make_registration(meeting, name="Olena Kovalenko", organisation="KVHS")
    tables = meeting.rooms[0].tables
    add = f"{BASE}/treffen/ablauf/{cafe.id}/cafe-tische/neu"
    page = text(logged_in.get(f"{BASE}/treffen/ablauf/{cafe.id}"))
    assert "Olena Kovalenko (KVHS)" in page  # confirmed people are offered as hosts

    response = logged_in.post(add, data={"cafe-question": "Wie gelingt Kinderbetreuung?", "cafe-host": str(host.id),
                                         "cafe-host_name": "", "cafe-table": str(tables[0].id),
                                         "cafe-language": "en"})
    assert response.status_code == 302
    response = logged_in.post(add, data={"cafe-question": "Anerkennung beschleunigen", "cafe-host": "0",
                                         "cafe-host_name": "Dr. Gast", "cafe-table": "0", "cafe-language": ""})
    assert response.status_code == 302
    first, second = cafe.cafe_tables
    assert (first.host, first.table, first.language, first.host_label) == (host, tables[0], "en", "Olena Kovalenko")
    assert (second.host, second.host_name, second.table, second.language) == (None, "Dr. Gast", None, "")

    # the same host or physical table twice in one block, or both kinds of host: refused
    for data, message in [
        ({"cafe-host": str(host.id), "cafe-table": "0"}, "schon Gastgeberin oder Gastgeber"),
        ({"cafe-host": "0", "cafe-table": str(tables[0].id)}, "schon ein anderes Café-Thema"),
        ({"cafe-host": str(host.id), "cafe-host_name": "Noch wer", "cafe-table": "0"}, "nicht beides"),
        ({"cafe-host": "0", "cafe-table": "0", "cafe-question": ""}, "cafe-question"),
        ({"cafe-host": "0", "cafe-table": "0", "cafe-language": "xx"}, "cafe-language"),
    ]:
        response = logged_in.post(add, data={"cafe-question": "Noch eine Frage"} | data)
        assert response.status_code == 400 and message in text(response), message
    assert count(CafeTable) == 2

    edit = f"{BASE}/treffen/cafe-tische/{first.id}"
    response = logged_in.post(edit, data={"cafe-question": "Kinderbetreuung während der Kurse",
                                          "cafe-host": "0", "cafe-host_name": "Jemand", "cafe-table": str(tables[1].id),
                                          "cafe-language": "de"})
    assert response.status_code == 302
    db.session.expire_all()
    first = db.session.get(CafeTable, first.id)
    assert (first.question, first.host, first.host_name, first.table_id) == (
        "Kinderbetreuung während der Kurse", None, "Jemand", tables[1].id)
    assert logged_in.post(f"{edit}/loeschen").status_code == 302
    assert count(CafeTable) == 1
    # deleting the block takes its café tables along
    assert logged_in.post(f"{BASE}/treffen/ablauf/{cafe.id}/loeschen").status_code == 302
    assert count(CafeTable) == 0


def test_speed_block_has_no_cafe_tables(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    response = logged_in.post(f"{BASE}/treffen/ablauf/{meeting.blocks[0].id}/cafe-tische/neu",
                              data={"cafe-question": "?"})
    assert response.status_code == 404


# -- Sectors, topics, affinities -----------------------------------------------------------------------


def test_sector_and_topic_crud(logged_in, make_meeting, make_registration, organiser):
    meeting = make_meeting(organisers=[organiser])
    person = make_registration(meeting, sector="jobcenter")
    response = logged_in.post(f"{BASE}/treffen/bereiche/neu", data={
        "sector-name": "Wohlfahrtsverband", "sector-key": "", "sector-color": "#AA3300", "sector-position": "3"})
    assert response.status_code == 302
    sector = db.session.scalar(select(Sector).where(Sector.name == "Wohlfahrtsverband"))
    assert (sector.key, sector.color, sector.position) == ("wohlfahrtsverband", "#aa3300", 3)

    for data, message in [
        ({"sector-name": "Noch ein Jobcenter", "sector-key": "jobcenter"}, "gibt es in diesem Treffen schon"),
        ({"sector-name": "X", "sector-key": "Mit Leerzeichen"}, "Nur Kleinbuchstaben"),
        ({"sector-name": "X", "sector-color": "rot"}, "#RRGGBB"),
        ({"sector-name": "", "sector-key": "leer"}, "sector-name"),
        ({"sector-name": "X", "sector-position": "-1"}, "sector-position"),
    ]:
        response = logged_in.post(f"{BASE}/treffen/bereiche/neu",
                                  data={"sector-color": "#123456", "sector-position": "1"} | data)
        assert response.status_code == 400 and message in text(response), message
    assert count(Sector, meeting_id=meeting.id) == len(defaults.SECTORS) + 1

    jobcenter = next(s for s in meeting.sectors if s.key == "jobcenter")
    response = logged_in.post(f"{BASE}/treffen/bereiche/{jobcenter.id}", data={
        "sector-name": "Jobcenter (gE)", "sector-key": "jobcenter", "sector-color": "#dc3545", "sector-position": "5"})
    assert response.status_code == 302
    assert db.session.get(Sector, jobcenter.id).name == "Jobcenter (gE)"
    # deleting a sector keeps the people in it, without sector, and drops its affinities
    assert logged_in.post(f"{BASE}/treffen/bereiche/{jobcenter.id}/loeschen").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(person), person.id).sector_id is None
    assert count(SectorAffinity, sector_a_id=jobcenter.id) + count(SectorAffinity, sector_b_id=jobcenter.id) == 0

    response = logged_in.post(f"{BASE}/treffen/themen/neu", data={"topic-name": "Mobilität im ländlichen Raum",
                                                                  "topic-key": ""})
    assert response.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.key == "mobilitaet-im-laendlichen-raum"))
    assert topic is not None
    response = logged_in.post(f"{BASE}/treffen/themen/neu", data={"topic-name": "Doppelt", "topic-key": "wohnen"})
    assert response.status_code == 400 and "gibt es in diesem Treffen schon" in text(response)
    response = logged_in.post(f"{BASE}/treffen/themen/{topic.id}", data={"topic-name": "Mobilität", "topic-key": "mobil"})
    assert response.status_code == 302
    assert db.session.get(Topic, topic.id).key == "mobil"
    assert logged_in.post(f"{BASE}/treffen/themen/{topic.id}/loeschen").status_code == 302
    assert db.session.get(Topic, topic.id) is None


def test_deleting_a_topic_removes_it_from_registrations(logged_in, make_meeting, make_registration, organiser):
    meeting = make_meeting(organisers=[organiser])
    topic = meeting.topics[0]
    person = make_registration(meeting, offers=[topic], needs=[topic])
    assert logged_in.post(f"{BASE}/treffen/themen/{topic.id}/loeschen").status_code == 302
    db.session.expire_all()
    person = db.session.get(type(person), person.id)
    assert person.offers == [] and person.needs == []


def affinity_of(meeting, a, b):
    rows = {(r.sector_a_id, r.sector_b_id): r.value for r in db.session.scalars(
        select(SectorAffinity).where(SectorAffinity.meeting_id == meeting.id))}
    return rows.get(tuple(sorted((a.id, b.id))))


def test_affinity_matrix(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    sectors = {s.key: s for s in meeting.sectors}
    jc, vhs, ag = sectors["jobcenter"], sectors["sprachschule"], sectors["arbeitgeber"]
    url = f"{BASE}/treffen/bereiche/affinitaet"
    page = text(logged_in.get(url))
    n = len(sectors)
    assert page.count('inputmode="decimal"') == n * (n + 1) // 2  # one input per unordered pair
    cell = f"affinity-{min(jc.id, vhs.id)}-{max(jc.id, vhs.id)}"
    assert f'name="{cell}" value="2"' in page

    form = {f"affinity-{min(a.id, b.id)}-{max(a.id, b.id)}": "" for a in sectors.values() for b in sectors.values()}
    form[cell] = "2,5"
    form[f"affinity-{min(jc.id, ag.id)}-{max(jc.id, ag.id)}"] = ""  # back to the default
    form[f"affinity-{jc.id}-{jc.id}"] = "0.5"
    response = logged_in.post(url, data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert affinity_of(meeting, jc, vhs) == 2.5
    assert affinity_of(meeting, jc, ag) is None
    assert affinity_of(meeting, jc, jc) == 0.5
    rows = list(db.session.scalars(select(SectorAffinity).where(SectorAffinity.meeting_id == meeting.id)))
    assert len(rows) == 2 and all(r.sector_a_id <= r.sector_b_id for r in rows)

    for value, message in [("viel", "„viel“ ist keine Zahl"), ("-1", "darf nicht negativ sein"),
                           ("nan", "keine Zahl"), ("1e999", "keine Zahl"), ("1000", "höchstens 100")]:
        bad = form | {cell: "3", f"affinity-{min(vhs.id, ag.id)}-{max(vhs.id, ag.id)}": value}
        response = logged_in.post(url, data=bad)
        assert response.status_code == 400
        page = text(response)
        assert message in page
        assert "Sprachschule/VHS × Arbeitgeber" in page or "Arbeitgeber × Sprachschule/VHS" in page
        assert f'value="{value}"' in page  # the input is kept for correcting
        db.session.expire_all()
        assert affinity_of(meeting, jc, vhs) == 2.5  # nothing saved


# -- Robustness ----------------------------------------------------------------------------------------


def test_every_page_renders_for_the_demo_meeting(logged_in, organiser):
    from netzwerktreffen.demo import create_demo_meeting
    meeting = create_demo_meeting(participants=12, organiser=organiser)
    room, block = meeting.rooms[0], meeting.blocks[1]
    urls = ["/organisation/", f"{BASE}/neu", f"{BASE}/demo", f"{BASE}/demo/bearbeiten", f"{BASE}/demo/team",
            f"{BASE}/demo/raeume", f"{BASE}/demo/raeume/{room.id}", f"{BASE}/demo/tische/{room.tables[0].id}",
            f"{BASE}/demo/ablauf", f"{BASE}/demo/ablauf/{meeting.blocks[0].id}", f"{BASE}/demo/ablauf/{block.id}",
            f"{BASE}/demo/cafe-tische/{block.cafe_tables[0].id}", f"{BASE}/demo/ablauf/neu/{SPEED}",
            f"{BASE}/demo/ablauf/neu/{CAFE}", f"{BASE}/demo/bereiche", f"{BASE}/demo/bereiche/{meeting.sectors[0].id}",
            f"{BASE}/demo/themen/{meeting.topics[0].id}", f"{BASE}/demo/bereiche/affinitaet",
            f"{BASE}/demo/raeume/{room.id}/tische/neu", f"{BASE}/demo/bereiche/neu", f"{BASE}/demo/themen/neu"]
    for url in urls:
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert 'aria-current="page"' in text(response) or url in ("/organisation/", f"{BASE}/neu")


@pytest.mark.parametrize("url", ["/raeume/99999999999999999999", "/ablauf/2147483648", "/tische/0",
                                 "/bereiche/99999999999", "/cafe-tische/99999999999/loeschen"])
def test_impossible_ids_are_404(logged_in, make_meeting, organiser, url):
    make_meeting(organisers=[organiser])
    assert logged_in.get(f"{BASE}/treffen{url}").status_code in (404, 405)
    assert logged_in.post(f"{BASE}/treffen{url}").status_code == 404


@pytest.mark.parametrize("slug", ["%00", "x" * 300, "Gro%C3%9F", "a%20b"])
def test_impossible_slugs_are_404(logged_in, organiser, slug):
    assert logged_in.get(f"{BASE}/{slug}").status_code == 404
    assert logged_in.get(f"{BASE}/{slug}/raeume").status_code == 404


@pytest.mark.parametrize("url", ["/bearbeiten", "/raeume", "/ablauf/neu/speed-networking", "/bereiche/neu",
                                 "/themen/neu", "/bereiche/affinitaet", "/team"])
def test_empty_posts_never_fail(logged_in, make_meeting, organiser, url):
    make_meeting(organisers=[organiser])
    response = logged_in.post(f"{BASE}/treffen{url}", data={})
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_need_the_csrf_token(client, make_meeting, organiser, app_config):
    make_meeting(organisers=[organiser])
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = organiser.get_id(), True  # "id:session version"
    page = text(client.get(f"{BASE}/treffen/raeume"))
    room = {"name": "Foyer", "grid_columns": "3", "grid_rows": "2"}
    response = client.post(f"{BASE}/treffen/raeume", data=room)
    assert response.status_code == 400 and "Formular abgelaufen" in text(response)
    assert client.post(f"{BASE}/treffen/raeume/{db.session.scalar(select(Room.id))}/loeschen").status_code == 400
    assert count(Room) == 1
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{BASE}/treffen/raeume", data=room | {"csrf_token": token}).status_code == 302
    assert count(Room) == 2


FIELDS = ["title", "series_name", "series_number", "slug", "description", "date", "start_time", "end_time", "venue",
          "address", "is_public", "registration_opens", "registration_closes", "capacity", "languages",
          "contact_name", "contact_email", "controller", "retention_days", "reminder_hours", "email", "name", "grid_columns",
          "grid_rows", "table-number", "table-name", "table-seats", "table-column", "table-row", "rounds",
          "minutes_per_round", "changeover_minutes", "room", "group_size", "allow_repeats", "guiding_questions",
          "cafe-question", "cafe-host", "cafe-host_name", "cafe-table", "cafe-language", "sector-key", "sector-name",
          "sector-color", "sector-position", "topic-key", "topic-name"]
JUNK = ["\x00", "x" * 5000, "-1", "99999999999999999999", "1e309", "2026-02-30T10:00", "1"]


def test_junk_input_never_fails(logged_in, make_meeting, make_registration, organiser, app):
    """Every form of this blueprint, fed nonsense in every field, answers 302 or 400, never 500."""
    meeting = make_meeting(organisers=[organiser])
    make_registration(meeting)
    room, cafe = meeting.rooms[0], meeting.blocks[1]
    cafe.cafe_tables.append(CafeTable(question="Was fehlt?"))
    db.session.commit()
    ids = {"slug": "treffen", "kind": CAFE, "room_id": room.id, "table_id": room.tables[0].id,
           "block_id": cafe.id, "cafe_table_id": cafe.cafe_tables[0].id, "sector_id": meeting.sectors[0].id,
           "topic_id": meeting.topics[0].id}
    cells = [f"affinity-{a.id}-{b.id}" for a in meeting.sectors for b in meeting.sectors if a.id <= b.id]
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("meetings.")
             and "POST" in rule.methods and not rule.rule.endswith(("loeschen", "entfernen"))]
    assert len(rules) >= 12
    for rule in rules:
        url = rule.build({k: v for k, v in ids.items() if k in rule.arguments})[1]
        for i, junk in enumerate(JUNK):
            for data in ({name: junk for name in FIELDS + cells},
                         {name: JUNK[(i + j) % len(JUNK)] for j, name in enumerate(FIELDS + cells)}):
                response = logged_in.post(url, data=data)
                assert response.status_code in (302, 400), (url, junk[:20], response.status_code)


def test_delete_a_meeting_with_everything_in_it(logged_in, published_meeting, outbox):
    from netzwerktreffen.mail import schedules as schedule_mail
    from netzwerktreffen.core.models import CafeTable, OutboxMessage, PlanVersion, Registration
    meeting = published_meeting(slug="weg")
    kept = published_meeting(slug="bleibt")
    schedule_mail.queue_schedules(meeting, kick_delivery=False)
    assert len(outbox()) == 6
    db.session.add(PlanLock(block=meeting.blocks[0], round=0, registration=meeting.registrations[0],
                            other=meeting.registrations[1]))
    db.session.commit()
    gone_id, block_ids, room_ids = meeting.id, [b.id for b in meeting.blocks], [r.id for r in meeting.rooms]
    page = text(logged_in.get(f"{BASE}/weg/bearbeiten"))
    assert "Treffen endgültig löschen" in page and "alle 6 Anmeldungen" in page
    # a wrong confirmation deletes nothing
    response = logged_in.post(f"{BASE}/weg/loeschen", data={"confirm": "bleibt"})
    assert response.status_code == 400 and "Bitte geben Sie genau „weg“ ein." in text(response)
    assert count(Meeting) == 2 and count(Registration) == 12
    response = logged_in.post(f"{BASE}/weg/loeschen", data={"confirm": "weg"})
    assert response.status_code == 302 and response.location == "/organisation/"
    assert "ist mit allen Anmeldungen, Plänen und Mails gelöscht" in text(logged_in.get("/organisation/"))
    db.session.expire_all()
    assert [m.slug for m in db.session.scalars(select(Meeting))] == ["bleibt"]
    assert count(Registration) == 6 and count(PlanVersion) == 1 and count(OutboxMessage) == 0
    assert count(Room) == 2 and count(CafeTable) == 2  # the other meeting's
    assert outbox() == []  # the .eml files of its mails are gone too
    assert logged_in.get(f"{BASE}/weg").status_code == 404
    assert db.session.get(Meeting, kept.id).registrations
    # nothing of it is left in any table (SQLite does not enforce ON DELETE, so this is the ORM's doing)
    for table in db.metadata.sorted_tables:
        if "meeting_id" in table.columns:
            rows = db.session.scalar(select(func.count()).select_from(table).where(table.c.meeting_id == gone_id))
            assert rows == 0, table.name
        if "block_id" in table.columns:
            assert db.session.scalar(select(func.count()).select_from(table)
                                     .where(table.c.block_id.in_(block_ids))) == 0, table.name
    assert count(MeetingTable) == 5 and not db.session.scalar(select(func.count()).select_from(MeetingTable)
                                                                .where(MeetingTable.room_id.in_(room_ids)))
