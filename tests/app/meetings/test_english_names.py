"""Sectors, topics, café questions and guiding questions may have an English name: the English form, pages
and mails use it; German stays the default, and an empty English name falls back to the German one."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select

from netzwerktreffen.core import defaults
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CAFE, Block, CafeTable, Sector, Topic
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.planning.personal import current_rounds

BASE = "/organisation/treffen"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_english_form_shows_english_names_and_falls_back_to_german(client, make_meeting):
    meeting = make_meeting()
    meeting.sectors.append(Sector(key="tafel", name="Tafel und Kleiderkammer", position=20))  # no English name
    next(t for t in meeting.topics if t.key == "ankommen").name_en = "   "  # blank counts as none
    cafe = meeting.blocks[1]
    cafe.cafe_tables = [CafeTable(question="Wie gelingt Kinderbetreuung?", question_en="How can childcare work?"),
                        CafeTable(question="Anerkennung beschleunigen – aber wie?")]
    db.session.commit()

    english = text(client.get(f"/m/{meeting.slug}?lang=en"))
    assert ">Job centre</option>" in english and ">Jobcenter</option>" not in english
    assert "Recognition of foreign qualifications" in english and "Anerkennung ausländischer Abschlüsse" not in english
    assert "Tafel und Kleiderkammer" in english  # no English name: the German one
    # topics in the order of their English names
    assert english.index("Benefits and counselling") < english.index("Integration courses") < english.index("Women and")
    assert "Erstorientierung und Ankommen" in english and "First orientation" not in english
    assert "How can childcare work?" in english and "Wie gelingt Kinderbetreuung?" not in english
    assert "Anerkennung beschleunigen – aber wie?" in english

    german = text(client.get(f"/m/{meeting.slug}?lang=de"))
    assert ">Jobcenter</option>" in german and "Job centre" not in german
    assert "Anerkennung ausländischer Abschlüsse" in german and "Wie gelingt Kinderbetreuung?" in german
    assert "How can childcare work?" not in german


def test_a_first_visit_from_an_english_browser_sees_english_names(client, make_meeting):
    meeting = make_meeting()
    page = text(client.get(f"/m/{meeting.slug}", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert ">Job centre</option>" in page and ">Employment agency</option>" in page


def test_mails_to_an_english_speaking_registrant_use_the_english_names(published_meeting):
    meeting = published_meeting(locales=["en"])
    cafe = next(b for b in meeting.blocks if b.kind == CAFE)
    cafe.cafe_tables[0].question_en = "How can childcare during the language course work?"
    cafe.guiding_questions_en = ["What is it really about?", ""]  # the second one: German
    db.session.commit()
    anna, olena = meeting.registrations[0], meeting.registrations[1]  # they meet in round 1

    english, _files = schedule_mail.render("schedule", anna, current_rounds(anna))
    assert "Language school/adult education centre" in english.text and "Sprachschule/VHS" not in english.text
    assert "How can childcare during the language course work?" in english.text
    assert "What is it really about?" in english.text and "Was fehlt noch?" in english.text
    assert "Wie gelingt Kinderbetreuung" not in english.text and "Worum geht es wirklich?" not in english.text

    german, _files = schedule_mail.render("schedule", olena, current_rounds(olena))
    assert "Jobcenter" in german.text and "Job centre" not in german.text
    assert "What is it really about?" not in german.text


def test_the_personal_page_in_english_uses_english_names(client, published_meeting):
    meeting = published_meeting(locales=["en"])
    cafe = next(b for b in meeting.blocks if b.kind == CAFE)
    cafe.cafe_tables[0].question_en = "How can childcare during the language course work?"
    db.session.commit()
    anna = meeting.registrations[0]
    page = text(client.get(f"/r/{anna.token}?lang=en"))
    assert "Language school/adult education centre" in page and "Sprachschule/VHS" not in page
    assert "How can childcare during the language course work?" in page
    page = text(client.get(f"/r/{anna.token}?lang=de"))
    assert "Sprachschule/VHS" in page and "How can childcare" not in page


def test_organisers_edit_the_english_names(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    jobcenter = next(s for s in meeting.sectors if s.key == "jobcenter")
    url = f"{BASE}/{meeting.slug}/bereiche/{jobcenter.id}"
    page = text(logged_in.get(url))
    assert "Name auf Englisch (freiwillig)" in page and 'value="Job centre"' in page
    response = logged_in.post(url, data={"sector-name": "Jobcenter", "sector-name_en": " Jobcentre (SGB II) ",
                                         "sector-key": "jobcenter", "sector-color": "#dc3545", "sector-position": "5"})
    assert response.status_code == 302
    topic = meeting.topics[0]
    response = logged_in.post(f"{BASE}/{meeting.slug}/themen/{topic.id}",
                              data={"topic-name": topic.name, "topic-name_en": "", "topic-key": topic.key})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Sector, jobcenter.id).name_en == "Jobcentre (SGB II)"
    assert db.session.get(Topic, topic.id).name_en == ""
    catalogue = text(logged_in.get(f"{BASE}/{meeting.slug}/bereiche"))
    assert "Jobcentre (SGB II)" in catalogue

    cafe = meeting.blocks[1]
    add = f"{BASE}/{meeting.slug}/ablauf/{cafe.id}/cafe-tische/neu"
    response = logged_in.post(add, data={"cafe-question": "Wie gelingt Kinderbetreuung?",
                                         "cafe-question_en": "How can childcare work?", "cafe-host": "0",
                                         "cafe-host_name": "", "cafe-table": "0", "cafe-language": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(CafeTable.question_en)) == "How can childcare work?"


def test_guiding_questions_in_english(logged_in, make_meeting, organiser):
    make_meeting(organisers=[organiser], blocks=False)
    url = f"{BASE}/treffen/ablauf/neu/{CAFE}"
    page = text(logged_in.get(url))
    assert "What is the question behind the question?" in page  # the classic ones suggested in English too
    data = {"title": "Pro-Action-Café", "start_time": "11:00", "rounds": "2", "minutes_per_round": "25",
            "changeover_minutes": "5", "room": "0", "guiding_questions": "", "guiding_questions_en": ""}
    assert logged_in.post(url, data=data).status_code == 302
    block = db.session.scalar(select(Block))
    assert block.guiding_questions_en == defaults.guiding_questions(2, english=True)

    edit = f"{BASE}/treffen/ablauf/{block.id}"
    response = logged_in.post(edit, data=data | {"guiding_questions": "Eins?\nZwei?", "guiding_questions_en": "One?"})
    assert response.status_code == 400 and "2 Runden brauchen 2 Leitfragen" in text(response)
    response = logged_in.post(edit, data=data | {"guiding_questions": "Eins?\nZwei?", "guiding_questions_en": ""})
    assert response.status_code == 302
    db.session.expire_all()
    block = db.session.get(Block, block.id)
    assert (block.guiding_questions, block.guiding_questions_en) == (["Eins?", "Zwei?"], [])


def test_new_meetings_get_the_english_default_names(make_meeting):
    meeting = make_meeting()
    names = {s.key: s.name_en for s in meeting.sectors}
    assert names["jobcenter"] == "Job centre" and names["agentur"] == "Employment agency"
    assert all(s.name_en for s in meeting.sectors) and all(t.name_en for t in meeting.topics)


def test_the_migration_names_only_unchanged_default_sectors_and_topics():
    path = next(Path(__file__).parents[3].joinpath("migrations", "versions").glob("e12d0lang001_*.py"))
    spec = importlib.util.spec_from_file_location("e12d0lang001", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        for table in ("sector", "topic"):
            connection.execute(sa.text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT, "
                                       "name_en TEXT NOT NULL DEFAULT '')"))
        connection.execute(sa.text("INSERT INTO sector (name) VALUES ('Jobcenter'), ('Jobcenter Esslingen'), "
                                   "('jobcenter'), ('Agentur für Arbeit'), ('Tafel')"))
        connection.execute(sa.text("INSERT INTO topic (name) VALUES ('Wohnungssuche'), ('Wohnen')"))
        migration.fill_english_names(connection)
        sectors = dict(connection.execute(sa.text("SELECT name, name_en FROM sector")).all())
        topics = dict(connection.execute(sa.text("SELECT name, name_en FROM topic")).all())
    assert sectors == {"Jobcenter": "Job centre", "Jobcenter Esslingen": "", "jobcenter": "",
                       "Agentur für Arbeit": "Employment agency", "Tafel": ""}
    assert topics == {"Wohnungssuche": "Finding a home", "Wohnen": ""}
    # the migration's copy of the names is the app's
    assert migration.SECTOR_NAMES_EN == defaults.SECTOR_NAMES_EN
    assert migration.TOPIC_NAMES_EN == defaults.TOPIC_NAMES_EN


def test_organiser_pages_in_english_use_the_english_names(logged_in, published_meeting, organiser):
    """The registrations list, the check-in page and the plan page speak the organiser's UI language too."""
    meeting = published_meeting()
    cafe = next(b for b in meeting.blocks if b.kind == CAFE)
    cafe.cafe_tables[0].question_en = "How can childcare during the language course work?"
    db.session.commit()
    pages = [f"{BASE}/{meeting.slug}/anmeldungen/", f"{BASE}/{meeting.slug}/tag/", f"{BASE}/{meeting.slug}/plan/v1"]
    for url in pages:
        english = text(logged_in.get(url, query_string={"lang": "en"}))
        assert "Language school/adult education centre" in english and "Sprachschule/VHS" not in english, url
        german = text(logged_in.get(url, query_string={"lang": "de"}))
        assert "Sprachschule/VHS" in german and "Language school/adult" not in german, url
    english_plan = text(logged_in.get(pages[2], query_string={"lang": "en"}))
    assert "How can childcare during the language course work?" in english_plan
