"""„Nächstes Treffen der Reihe anlegen“: the next meeting of a series is set up like the last one (rooms,
tables, agenda, café questions or none, sectors, topics, affinities, weights, chains), on a new date, without
anything personal; chosen topic suggestions become café questions."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dates import berlin_today
from netzwerktreffen.afterwards import ideas
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import (CafeTable, ChainStation, Meeting, PlanVersion, ProcessChain, Registration,
                                        StationRole, TopicSuggestion)
from netzwerktreffen.meetings import series

URL = "/organisation/treffen/ablauf/naechstes-treffen/"


@pytest.fixture
def source(published_meeting):
    """The published meeting of six, held yesterday, with affinities, weights, a chain with a person's role,
    a café table's harvest and topic suggestions."""
    meeting = published_meeting()
    meeting.date = berlin_today() - timedelta(days=1)
    meeting.registration_opens = datetime.combine(meeting.date - timedelta(days=40), datetime.min.time())
    meeting.registration_closes = datetime.combine(meeting.date - timedelta(days=2), datetime.min.time())
    meeting.weights, meeting.cafe_choices = {"affinity": 3.0}, "medium"
    meeting.rooms[0].grid_columns, meeting.rooms[0].tables[1].grid_x = 8, 5
    meeting.blocks[1].guiding_questions_en = ["What is it really about?", "What is missing?"]
    assert meeting.affinities  # the default catalogue's
    meeting.affinities[0].value = 0.15
    chain = ProcessChain(name="Integration in Arbeit", stations=[
        ChainStation(name="Ankunft", position=0), ChainStation(name="Sprache", description="B1", position=1)])
    meeting.chains.append(chain)
    people = sorted(meeting.registrations, key=lambda r: r.id)
    db.session.add(StationRole(registration=people[0], station=chain.stations[1], offer="Sprachkurse"))
    meeting.blocks[1].cafe_tables[0].harvest_notes = ["Kita-Plätze fehlen"]
    db.session.commit()
    for person, text in zip(people, ["Wohnraum", "Ehrenamt", "wohnraum!", "Anerkennung von Abschlüssen"]):
        ideas.add_suggestion(person, text)
    return meeting


def post_copy(client, **values):
    data = {"date": "", "title": "Netzwerktreffen Migration", "series_number": "4", "cafe_questions": "reuse"}
    data.update(values)
    return client.post(URL, data=data)


def test_the_form_suggests_thirteen_weeks_later_and_lists_the_suggestions(logged_in, source):
    page = logged_in.get(URL).get_data(as_text=True)
    expected = source.date + timedelta(weeks=13)
    assert expected.weekday() == source.date.weekday()
    assert f'value="{expected.isoformat()}"' in page and 'value="4"' in page
    assert "Wohnraum" in page and "2 Vorschläge" in page and "Ehrenamt" in page
    assert "Nächstes Treffen der Reihe anlegen" in logged_in.get("/organisation/treffen/ablauf").get_data(as_text=True)


def test_suggested_date_is_never_in_the_past(source):
    source.date = date(2020, 3, 5)
    suggested = series.suggested_date(source, today=date(2026, 11, 30))
    assert suggested > date(2026, 11, 30) and suggested.weekday() == date(2020, 3, 5).weekday()


def test_the_copy_copies_what_a_series_keeps_with_new_ids_and_the_new_date(logged_in, source):
    new_date = source.date + timedelta(days=91)
    response = post_copy(logged_in, date=new_date.isoformat())
    assert response.status_code == 302
    db.session.expire_all()
    target = db.session.scalar(select(Meeting).where(Meeting.id != source.id))
    assert response.location.endswith(f"/organisation/treffen/{target.slug}")
    assert (target.date, target.series_number, target.display_title) == (new_date, 4, "4. Netzwerktreffen Migration")
    assert target.slug != source.slug and not target.is_public
    for name in ("venue", "address", "start_time", "end_time", "capacity", "languages", "controller",
                 "retention_days", "weights", "cafe_choices", "contact_email"):
        assert getattr(target, name) == getattr(source, name), name
    assert target.registration_opens == source.registration_opens + timedelta(days=91)
    assert target.registration_closes == source.registration_closes + timedelta(days=91)
    assert [o.email for o in target.organisers] == ["orga@example.org"]
    # rooms and tables with their grid, new rows
    shape = [(r.name, r.grid_columns, r.grid_rows, [(t.number, t.seats, t.grid_x, t.grid_y) for t in r.tables])
             for r in source.rooms]
    assert [(r.name, r.grid_columns, r.grid_rows, [(t.number, t.seats, t.grid_x, t.grid_y) for t in r.tables])
            for r in target.rooms] == shape
    assert not {t.id for r in target.rooms for t in r.tables} & {t.id for r in source.rooms for t in r.tables}
    # blocks at the same times, in the copied rooms; café tables with their questions at the copied tables
    for old, new in zip(source.blocks, target.blocks, strict=True):
        assert (new.kind, new.title, new.start_time, new.rounds, new.minutes_per_round, new.changeover_minutes,
                new.group_size, new.guiding_questions, new.guiding_questions_en) == (
            old.kind, old.title, old.start_time, old.rounds, old.minutes_per_round, old.changeover_minutes,
            old.group_size, old.guiding_questions, old.guiding_questions_en)
        assert new.id != old.id and new.rounds_held == 0
        assert (new.room.name if new.room else None) == (old.room.name if old.room else None)
        assert new.room is None or new.room.meeting_id == target.id
    old_cafe, new_cafe = source.blocks[1], target.blocks[1]
    assert [(t.question, t.table.number, t.table.room.meeting_id) for t in new_cafe.cafe_tables] == [
        (t.question, t.table.number, target.id) for t in old_cafe.cafe_tables]
    # the catalogue and the chains
    assert [(s.key, s.name, s.position, s.color) for s in target.sectors] == [
        (s.key, s.name, s.position, s.color) for s in source.sectors]
    assert sorted(t.key for t in target.topics) == sorted(t.key for t in source.topics)
    assert sorted((a.sector_a.key, a.sector_b.key, a.value, a.sector_a.meeting_id) for a in target.affinities) == \
        sorted((a.sector_a.key, a.sector_b.key, a.value, target.id) for a in source.affinities)
    assert 0.15 in {a.value for a in target.affinities}
    assert [(c.name, [(s.name, s.description) for s in c.stations]) for c in target.chains] == [
        ("Integration in Arbeit", [("Ankunft", ""), ("Sprache", "B1")])]
    assert target.chains[0].id != source.chains[0].id


def test_nothing_personal_is_copied(logged_in, source):
    before = {model: db.session.scalar(select(func.count(model.id)))
              for model in (Registration, PlanVersion, StationRole, TopicSuggestion)}
    post_copy(logged_in, date=(source.date + timedelta(days=91)).isoformat())
    db.session.expire_all()
    target = db.session.scalar(select(Meeting).where(Meeting.id != source.id))
    assert target.registrations == [] and target.topic_suggestions == [] and target.feedbacks == []
    assert {model: db.session.scalar(select(func.count(model.id))) for model in before} == before
    for table in target.blocks[1].cafe_tables:
        assert (table.host_id, table.host_name, table.harvest_notes, table.harvest_author) == (None, "", None, "")
    assert target.purged_at is None and target.announced is None


def test_cafe_questions_can_be_cleared_and_suggestions_taken_over(logged_in, source):
    groups = ideas.suggestion_groups(source)
    assert [g.label for g in groups] == ["Wohnraum", "Anerkennung von Abschlüssen", "Ehrenamt"]
    response = post_copy(logged_in, date=(source.date + timedelta(days=91)).isoformat(), cafe_questions="clear",
                         take_over=["0", "2"])
    assert response.status_code == 302
    db.session.expire_all()
    target = db.session.scalar(select(Meeting).where(Meeting.id != source.id))
    assert [(t.question, t.position, t.table) for t in target.blocks[1].cafe_tables] == [
        ("Wohnraum", 0, None), ("Ehrenamt", 1, None)]
    # the old meeting keeps its own
    assert len(db.session.get(Meeting, source.id).blocks[1].cafe_tables) == 2


def test_taken_over_suggestions_follow_the_reused_questions(logged_in, source):
    post_copy(logged_in, date=(source.date + timedelta(days=91)).isoformat(), take_over=["1"])
    db.session.expire_all()
    target = db.session.scalar(select(Meeting).where(Meeting.id != source.id))
    questions = [t.question for t in target.blocks[1].cafe_tables]
    assert questions[-1] == "Anerkennung von Abschlüssen" and len(questions) == 3


def test_the_copy_can_take_suggestions_over_as_programme_points(logged_in, source):
    response = post_copy(logged_in, date=(source.date + timedelta(days=91)).isoformat(), take_over=["0", "2"],
                         take_over_as="programme")
    assert response.status_code == 302
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 Themen sind jetzt Programmpunkte" in page
    db.session.expire_all()
    target = db.session.scalar(select(Meeting).where(Meeting.id != source.id))
    points = sorted(target.programme_points, key=lambda p: p.start_time)
    assert [(p.title, p.kind, p.minutes) for p in points] == [("Wohnraum", "exchange", 15), ("Ehrenamt", "exchange", 15)]
    assert all(target.start_time <= p.start_time and p.end_time <= target.end_time for p in points)
    # the café questions are the re-used ones only
    assert [t.question for t in target.blocks[1].cafe_tables] == [t.question for t in source.blocks[1].cafe_tables]


def test_without_a_cafe_the_copy_offers_suggestions_as_programme_points(logged_in, source):
    db.session.delete(source.blocks[1])
    db.session.commit()
    page = logged_in.get(URL).get_data(as_text=True)
    assert "Wohnraum" in page and "kein Pro-Action-Café" in page
    response = post_copy(logged_in, date=(source.date + timedelta(days=91)).isoformat(), take_over=["1"])
    assert response.status_code == 302
    db.session.expire_all()
    target = db.session.scalar(select(Meeting).where(Meeting.id != source.id))
    assert [p.title for p in target.programme_points] == ["Anerkennung von Abschlüssen"]


@pytest.mark.parametrize("values, message", [
    ({"date": ""}, "Bitte geben Sie ein gültiges Datum an."),
    ({"date": "morgen"}, "Kein gültiges Datum."),  # WTForms' own German message
    ({"date": "2020-01-01"}, "Das Datum liegt in der Vergangenheit."),
    ({"title": ""}, "Bitte geben Sie einen Titel an."),
    ({"series_number": "0"}, "Bitte eine Nummer von 1 bis 999."),
    ({"take_over": ["7"]}, "Diesen Themenvorschlag gibt es nicht."),
    ({"cafe_questions": "vielleicht"}, "Bitte wählen Sie, ob die Café-Fragen übernommen werden."),
    ({"take_over": ["0"], "take_over_as": "irgendwie"},
     "Bitte wählen Sie, ob die Themen Café-Fragen oder Programmpunkte werden."),
])
def test_bad_input_is_refused_in_german_and_nothing_is_created(logged_in, source, values, message):
    values = {"date": (source.date + timedelta(days=91)).isoformat()} | values
    response = post_copy(logged_in, **values)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


def test_another_organisers_meeting_is_not_found(client, auth, make_organiser, source):
    make_organiser(email="andere@example.org")
    auth.login(email="andere@example.org")
    assert client.get(URL).status_code == 404
    assert post_copy(client, date=(source.date + timedelta(days=91)).isoformat()).status_code == 404
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


def test_the_plain_new_meeting_form_still_takes_title_place_and_terms(logged_in, source):
    page = logged_in.get("/organisation/treffen/neu").get_data(as_text=True)
    assert source.venue in page and 'value="4"' in page


def test_suggestions_go_to_a_later_meeting_from_the_ideas_page(logged_in, source, make_meeting, organiser,
                                                               make_organiser):
    later = make_meeting(slug="spaeter", organisers=[organiser], date=berlin_today() + timedelta(days=60))
    others = make_meeting(slug="fremd", organisers=[make_organiser(email="andere@example.org")],
                          date=berlin_today() + timedelta(days=60))
    page = logged_in.get("/organisation/treffen/ablauf/ideen/").get_data(as_text=True)
    assert 'value="spaeter"' in page and 'value="fremd"' not in page
    take_over = "/organisation/treffen/ablauf/naechstes-treffen/uebernehmen"
    response = logged_in.post(take_over, data={"take_over": ["0", "1"], "target": "spaeter"})
    assert response.status_code == 302 and response.location.endswith("/ideen/#vorschlaege")
    db.session.expire_all()
    questions = [t.question for t in db.session.get(Meeting, later.id).blocks[1].cafe_tables]
    assert questions == ["Wohnraum", "Anerkennung von Abschlüssen"]
    # again: nothing twice; another organiser's meeting, none chosen, a made-up topic: refused in German
    logged_in.post(take_over, data={"take_over": ["0"], "target": "spaeter"})
    for data, message in [({"take_over": ["0"], "target": "fremd"}, "Bitte wählen Sie eines Ihrer späteren Treffen"),
                          ({"target": "spaeter"}, "Bitte wählen Sie mindestens ein Thema."),
                          ({"take_over": ["9"], "target": "spaeter"}, "Diesen Themenvorschlag gibt es nicht.")]:
        response = logged_in.post(take_over, data=data, follow_redirects=True)
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Meeting, later.id).blocks[1].cafe_tables) == 2
    assert db.session.get(Meeting, others.id).blocks[1].cafe_tables == []


def test_suggestions_become_programme_points_of_a_later_meeting(logged_in, source, make_meeting, organiser,
                                                                make_organiser):
    """Open exchange, 15 minutes each, from the end of the last programme point on, in free time only (not
    during a block, never after the meeting's end); a title it already has is not added twice."""
    from datetime import time

    from netzwerktreffen.core.programme import ProgrammePoint
    later = make_meeting(slug="spaeter", organisers=[organiser], date=berlin_today() + timedelta(days=60))
    later.programme_points += [ProgrammePoint(title="Begrüßung", start_time=time(9, 30), minutes=15),
                               ProgrammePoint(title="ehrenamt", start_time=time(9, 45), minutes=15, position=1)]
    plain = make_meeting(slug="ohne-cafe", organisers=[organiser], blocks=False,
                         date=berlin_today() + timedelta(days=90))
    others = make_meeting(slug="fremd", organisers=[make_organiser(email="andere@example.org")],
                          date=berlin_today() + timedelta(days=60))
    db.session.commit()
    page = logged_in.get("/organisation/treffen/ablauf/ideen/").get_data(as_text=True)
    assert 'value="programme"' in page and 'value="cafe"' in page and 'value="ohne-cafe"' in page
    assert "ohne Pro-Action-Café: nur als Programmpunkte" in page and 'value="fremd"' not in page
    take_over = "/organisation/treffen/ablauf/naechstes-treffen/uebernehmen"
    # 0 Wohnraum, 1 Anerkennung von Abschlüssen, 2 Ehrenamt (already there as "ehrenamt")
    response = logged_in.post(take_over, data={"take_over": ["0", "1", "2"], "target": "spaeter",
                                               "mode": "programme"}, follow_redirects=True)
    assert "2 Themen sind jetzt Programmpunkte von" in response.get_data(as_text=True)
    db.session.expire_all()
    points = [(p.title, p.kind, p.start_time, p.minutes) for p in db.session.get(Meeting, later.id).programme_points]
    # the speed networking runs 10:00–10:46: the first free quarter of an hour after 10:00 starts at 10:46
    assert points == [("Begrüßung", "talk", time(9, 30), 15), ("ehrenamt", "talk", time(9, 45), 15),
                      ("Wohnraum", "exchange", time(10, 46), 15),
                      ("Anerkennung von Abschlüssen", "exchange", time(11, 1), 15)]
    assert db.session.get(Meeting, later.id).blocks[1].cafe_tables == []  # not café questions as well
    # again: nothing twice
    response = logged_in.post(take_over, data={"take_over": ["0", "2"], "target": "spaeter", "mode": "programme"},
                              follow_redirects=True)
    assert "Diese Themen sind dort schon Programmpunkte." in response.get_data(as_text=True)
    assert len(db.session.get(Meeting, later.id).programme_points) == 4
    # a meeting without café: programme points yes (from its start), café questions no
    response = logged_in.post(take_over, data={"take_over": ["2"], "target": "ohne-cafe", "mode": "cafe"},
                              follow_redirects=True)
    assert "Dieses Treffen hat kein Pro-Action-Café." in response.get_data(as_text=True)
    logged_in.post(take_over, data={"take_over": ["2"], "target": "ohne-cafe", "mode": "programme"})
    db.session.expire_all()
    assert [(p.title, p.start_time) for p in db.session.get(Meeting, plain.id).programme_points] == [
        ("Ehrenamt", time(9, 30))]
    # another organiser's meeting, a made-up mode: refused in German, nothing added
    for data, message in [({"take_over": ["0"], "target": "fremd", "mode": "programme"},
                           "Bitte wählen Sie eines Ihrer späteren Treffen."),
                          ({"take_over": ["0"], "target": "spaeter", "mode": "x"},
                           "Bitte wählen Sie, ob die Themen Café-Fragen oder Programmpunkte werden.")]:
        response = logged_in.post(take_over, data=data, follow_redirects=True)
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, others.id).programme_points == []
    assert len(db.session.get(Meeting, later.id).programme_points) == 4


def test_suggested_points_never_run_past_the_meetings_end(app, make_meeting):
    from datetime import time

    from netzwerktreffen.core.programme import ProgrammePoint
    from netzwerktreffen.meetings.programme import add_suggested_points
    meeting = make_meeting(slug="voll")
    meeting.programme_points.append(ProgrammePoint(title="Abschluss", start_time=time(12, 40), minutes=5))
    db.session.commit()
    added, no_room = add_suggested_points(meeting, ["Wohnraum", "Ehrenamt"])
    # after 12:45 the café runs until 12:55; 12:55–13:10 would end after 13:00
    assert added == [] and no_room == ["Wohnraum", "Ehrenamt"]
    meeting.end_time = time(13, 15)
    added, no_room = add_suggested_points(meeting, ["Wohnraum", "Ehrenamt"])
    assert [(p.title, p.start_time) for p in added] == [("Wohnraum", time(12, 55))] and no_room == ["Ehrenamt"]
