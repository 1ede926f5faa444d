"""Programme points (talks, presentations, practice examples, breaks, open exchange) on the agenda page:
adding, changing and deleting them, what is refused and why (in German), the public page in time order,
copying a programme to the next meeting of a series, and the demo meeting's programme."""
from __future__ import annotations

import re
from datetime import time, timedelta

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import ProgrammeKind, ProgrammePoint
from netzwerktreffen.core.programme import agenda
from netzwerktreffen.meetings import programme


def url(meeting, tail=""):
    return f"/organisation/treffen/{meeting.slug}/ablauf/programmpunkte/{tail}"


def form(**changes):
    data = {"kind": "talk", "title": "Begrüßung und Überblick", "title_en": "", "speakers": "Sabrina Straub",
            "organisation": "Landratsamt Esslingen", "start_time": "09:30", "minutes": "10"}
    data.update(changes)
    return data


@pytest.fixture
def meeting(make_meeting, organiser):
    """09:30–13:00; speed networking 10:00–10:46, café 11:30–12:55."""
    return make_meeting(organisers=[organiser])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_add_change_and_delete_a_point(meeting, logged_in):
    response = logged_in.post(url(meeting, "neu"), data=form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/ablauf#ablauf")
    point = db.session.scalars(db.select(ProgrammePoint)).one()
    assert (point.title, point.kind, point.start_time, point.minutes, point.sequence) == (
        "Begrüßung und Überblick", ProgrammeKind.TALK, time(9, 30), 10, 0)
    page = text_of(logged_in.get(f"/organisation/treffen/{meeting.slug}/ablauf"))
    assert "Der Programmpunkt „Begrüßung und Überblick“ ist angelegt." in page
    assert "Vortrag, 10 Minuten" in page and "Sabrina Straub (Landratsamt Esslingen)" in page
    # the agenda shows the point before the blocks it opens
    assert page.index("Begrüßung und Überblick") < page.index("Speed Networking zu zweit") < page.index(
        "Pro-Action-Café, ")

    response = logged_in.post(url(meeting, point.id), data=form(title="Begrüßung", start_time="09:35", minutes="5"))
    assert response.status_code == 302
    db.session.refresh(point)
    assert (point.title, point.start_time, point.end_time, point.sequence) == ("Begrüßung", time(9, 35),
                                                                              time(9, 40), 1)
    logged_in.post(url(meeting, point.id), data=form(title="Begrüßung", start_time="09:35", minutes="5"))
    db.session.refresh(point)
    assert point.sequence == 1  # saved unchanged: calendars need no new version

    response = logged_in.post(url(meeting, f"{point.id}/loeschen"))
    assert response.status_code == 302
    assert db.session.scalars(db.select(ProgrammePoint)).all() == []
    assert "Der Programmpunkt „Begrüßung“ ist gelöscht." in text_of(logged_in.get(response.headers["Location"]))


@pytest.mark.parametrize("changes, message", [
    ({"title": "  "}, "Bitte geben Sie einen Titel an"),
    ({"start_time": ""}, "Bitte geben Sie eine Uhrzeit an, z. B. 10:00."),
    ({"start_time": "25:99"}, "Bitte geben Sie eine Uhrzeit an, z. B. 10:00."),
    ({"minutes": "0"}, "Die Dauer muss zwischen 1 und 600 Minuten liegen."),
    ({"minutes": "zehn"}, "Bitte geben Sie die Dauer in ganzen Minuten an, z. B. 10."),
    ({"kind": "keynote"}, "Bitte wählen Sie die Art des Programmpunkts aus der Liste."),
    ({"start_time": "09:00"}, "Der Programmpunkt liefe 09:00–09:10 Uhr, das Treffen geht aber nur 09:30–13:00 Uhr."),
    ({"start_time": "12:55", "minutes": "10"}, "liefe 12:55–13:05 Uhr"),
    ({"start_time": "23:50", "minutes": "30"}, "ab 23:50 bis nach Mitternacht"),
    ({"start_time": "10:40", "minutes": "15"},
     "Der Programmpunkt überschneidet sich mit „Speed Networking“ (10:00–10:46 Uhr)."),
    ({"start_time": "12:50", "minutes": "10"}, "überschneidet sich mit „Pro-Action-Café“ (11:30–12:55 Uhr)"),
])
def test_bad_input_is_refused_in_german(meeting, logged_in, changes, message):
    response = logged_in.post(url(meeting, "neu"), data=form(**changes))
    assert response.status_code == 400
    page = text_of(response)
    assert message in page, page[page.find('class="error"') - 200:page.find('class="error"') + 400]
    assert "Es wurde nichts gespeichert." in page
    assert db.session.scalars(db.select(ProgrammePoint)).all() == []


def test_overlap_with_another_point_names_it_and_its_times_and_touching_ends_are_fine(meeting, logged_in):
    assert logged_in.post(url(meeting, "neu"), data=form(start_time="10:46", minutes="14",
                                                         title="Projekt „Here’n’Now!“")).status_code == 302
    response = logged_in.post(url(meeting, "neu"), data=form(start_time="10:50", minutes="20", title="Pause"))
    assert response.status_code == 400
    assert "überschneidet sich mit „Projekt „Here’n’Now!““ (10:46–11:00 Uhr)" in text_of(response)
    assert logged_in.post(url(meeting, "neu"), data=form(start_time="11:00", minutes="30",
                                                         kind="break", title="Pause")).status_code == 302
    # changing a point does not count it as overlapping itself
    point = db.session.scalars(db.select(ProgrammePoint).where(ProgrammePoint.title == "Pause")).one()
    assert logged_in.post(url(meeting, point.id), data=form(start_time="11:05", minutes="25", kind="break",
                                                            title="Pause")).status_code == 302


def test_a_block_moved_onto_a_point_is_saved_with_a_warning_naming_the_point(meeting, logged_in):
    programme.add_point(meeting, {"kind": "break", "title": "Kaffeepause", "start_time": time(11, 0),
                                  "minutes": 30})
    speed = next(block for block in meeting.blocks if block.title == "Speed Networking")
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/ablauf/{speed.id}", follow_redirects=True,
                              data={"title": "Speed Networking", "start_time": "10:40", "rounds": "6",
                                    "minutes_per_round": "6", "changeover_minutes": "2", "group_size": "2",
                                    "room": "0"})
    assert ("„Speed Networking“ überschneidet sich mit „Kaffeepause“ (11:00 Uhr – 11:30 Uhr)"
            in text_of(response))


def test_points_of_another_meeting_or_unknown_ids_are_404(meeting, make_meeting, organiser, logged_in):
    other = make_meeting(slug="anderes", organisers=[organiser])
    foreign = programme.add_point(other, {"kind": "talk", "title": "Fremd", "start_time": time(9, 30),
                                          "minutes": 10})
    assert logged_in.get(url(meeting, foreign.id)).status_code == 404
    assert logged_in.post(url(meeting, foreign.id), data=form()).status_code == 404
    assert logged_in.post(url(meeting, f"{foreign.id}/loeschen")).status_code == 404
    assert logged_in.get(url(meeting, 99999)).status_code == 404
    assert logged_in.get(url(meeting, 2**40)).status_code == 404
    assert db.session.get(ProgrammePoint, foreign.id).title == "Fremd"


def test_other_organisers_cannot_see_the_pages(meeting, client, make_organiser, auth):
    make_organiser(email="fremd@example.org")
    auth.login(email="fremd@example.org")
    assert client.get(url(meeting, "neu")).status_code == 404


def test_public_page_lists_blocks_and_points_in_time_order(meeting, client):
    for start, minutes, kind, title in [(time(11, 0), 30, "break", "Kaffeepause"),
                                        (time(9, 30), 10, "talk", "Begrüßung und Überblick"),
                                        (time(12, 55), 5, "exchange", "Ausklang")]:
        programme.add_point(meeting, {"kind": kind, "title": title, "start_time": start, "minutes": minutes,
                                      "speakers": "Sabrina Straub" if kind == "talk" else ""})
    page = re.sub(r"<[^>]+>", "", text_of(client.get(f"/m/{meeting.slug}")))
    order = ["09:30 Uhr – 09:40 Uhr: Begrüßung und Überblick (Vortrag) – Sabrina Straub",
             "10:00 Uhr – 10:46 Uhr: Speed Networking", "11:00 Uhr – 11:30 Uhr: Kaffeepause (Pause)",
             "11:30 Uhr – 12:55 Uhr: Pro-Action-Café", "12:55 Uhr – 13:00 Uhr: Ausklang (Offener Austausch)"]
    found = [page.find(line) for line in order]
    assert -1 not in found, page
    assert found == sorted(found)
    english = text_of(client.get(f"/m/{meeting.slug}?lang=en"))
    assert "(Talk) – Sabrina Straub" in english and "(Break)" in english


def test_copy_programme_keeps_times_of_day_and_leaves_out_what_does_not_fit(meeting, make_meeting, organiser):
    programme.add_point(meeting, {"kind": "talk", "title": "Begrüßung", "title_en": "Welcome",
                                  "speakers": "Sabrina Straub", "organisation": "LRA", "start_time": time(9, 30),
                                  "minutes": 10})
    programme.add_point(meeting, {"kind": "exchange", "title": "Ausklang", "start_time": time(12, 55),
                                  "minutes": 5})
    following = make_meeting(slug="naechstes", organisers=[organiser], blocks=False,
                              date=meeting.date + timedelta(days=91), end_time=time(12, 30))
    copied = programme.copy_programme(meeting, following, days_shift=91)
    db.session.commit()
    assert [(p.title, p.title_en, p.speakers, p.start_time, p.minutes) for p in following.programme_points] == [
        ("Begrüßung", "Welcome", "Sabrina Straub", time(9, 30), 10)]
    assert copied == following.programme_points and len(meeting.programme_points) == 2


def test_demo_meeting_has_a_programme_around_the_rounds(app):
    from netzwerktreffen.demo import create_demo_meeting
    meeting = create_demo_meeting(participants=12, slug="demo-programm")
    items = agenda(meeting)
    titles = [item.title for item in items]
    assert titles[0] == "Begrüßung und Überblick" and items[0].point.minutes == 10
    assert items[0].point.organisation.startswith("Integrationskoordinatorin")
    kinds = [item.point.kind for item in items if item.is_programme]
    assert kinds.count(ProgrammeKind.PRESENTATION) == 2 and ProgrammeKind.PRACTICE in kinds
    assert ProgrammeKind.BREAK in kinds
    assert titles.index("Speed Networking") < titles.index("Kaffeepause") < titles.index("Pro-Action-Café")
    for point in meeting.programme_points:  # nothing overlaps and everything is within the meeting's hours
        assert programme.overlaps(meeting, point.start_time, point.minutes, point) == []
        assert meeting.start_time <= point.start_time and point.end_time <= meeting.end_time


def test_points_go_with_their_meeting(meeting):
    from netzwerktreffen.meetings import service
    programme.add_point(meeting, {"kind": "talk", "title": "Begrüßung", "start_time": time(9, 30), "minutes": 10})
    service.delete_meeting(meeting)
    assert db.session.scalars(db.select(ProgrammePoint)).all() == []
