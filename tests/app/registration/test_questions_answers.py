"""Answers to the questions at registration: through the public form and the personal page (required,
German messages), kept when an organiser edits the person, in the CSV export, and gone with the personal
data (only the counts stay)."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from netzwerktreffen.afterwards import retention
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Answer, Question, Registration
from netzwerktreffen.registration import survey
from netzwerktreffen.registration.csv_io import export_csv
from question_helpers import CHALLENGES, COOPERATION, SCALE, TOPICS, add_questions, answer

REQUIRED = {"required": True}


def form(meeting, questions=(), **answers):
    """The public form's fields, filled in, with ``frage-<id>`` values for the given questions."""
    sector = next(s for s in meeting.sectors if s.key == "sprachschule")
    data = {"given_name": "Olena", "family_name": "Kovalenko", "email": "olena@vhs.example",
            "organisation": "VHS Esslingen", "sector": str(sector.id), "languages": ["de"],
            "blocks": [str(b.id) for b in meeting.blocks], "consent_processing": "y"}
    for question, value in zip(questions, answers.get("values", ())):
        data[f"frage-{question.id}"] = value
    return data


def stored(meeting):
    db.session.expire_all()
    person = db.session.scalar(select(Registration).where(Registration.meeting_id == meeting.id))
    return person, {a.question.text: a.value for a in person.answers} if person else {}


def test_the_public_form_shows_the_questions_and_stores_the_answers(client, make_meeting):
    meeting = make_meeting()
    questions = add_questions(meeting, TOPICS, COOPERATION, SCALE, CHALLENGES)
    page = client.get(f"/m/{meeting.slug}").get_data(as_text=True)
    for question in questions:
        assert question.text in page and f'name="frage-{question.id}"' in page
    assert "Kinderbetreuung" in page and "Ihre Antworten auf unsere Fragen" in page  # the privacy text says so
    response = client.post(f"/m/{meeting.slug}", data=form(
        meeting, questions, values=[["0", "2"], "1", "4", "  Zu wenig Kita-Plätze \x00 "]))
    assert response.status_code == 302
    person, answers = stored(meeting)
    assert answers == {TOPICS[1]: ["Sprache", "Anerkennung"], COOPERATION[1]: "Nein", SCALE[1]: 4,
                       CHALLENGES[1]: "Zu wenig Kita-Plätze"}


def test_unanswered_optional_questions_store_nothing(client, make_meeting):
    meeting = make_meeting()
    add_questions(meeting, TOPICS, SCALE)
    assert client.post(f"/m/{meeting.slug}", data=form(meeting)).status_code == 302
    person, answers = stored(meeting)
    assert person is not None and answers == {}


def test_required_questions_are_enforced_in_german(client, make_meeting):
    meeting = make_meeting()
    questions = add_questions(meeting, TOPICS + (REQUIRED,), SCALE + (REQUIRED,), CHALLENGES + (REQUIRED,))
    response = client.post(f"/m/{meeting.slug}", data=form(meeting, questions, values=[[], "", "   "]))
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("Bitte beantworten Sie diese Frage.") == 3
    assert stored(meeting)[0] is None
    # what was filled in stays in the form
    response = client.post(f"/m/{meeting.slug}", data=form(meeting, questions, values=[["1"], "", "Viel"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and page.count("Bitte beantworten Sie diese Frage.") == 1
    assert ">Viel</textarea>" in page and f'name="frage-{questions[0].id}" value="1" checked' in page


def test_made_up_values_are_refused_in_german(client, make_meeting):
    meeting = make_meeting()
    questions = add_questions(meeting, TOPICS, COOPERATION, SCALE, CHALLENGES)
    response = client.post(f"/m/{meeting.slug}", data=form(
        meeting, questions, values=[["0", "7"], "-1", "6", "x" * 2001]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Bitte wählen Sie nur unter den angebotenen Antworten.",
                    "Bitte wählen Sie eine der angebotenen Antworten.", "Bitte wählen Sie einen Wert von 1 bis 5.",
                    "Ihre Antwort ist zu lang (höchstens 2000 Zeichen)."):
        assert message in page
    assert stored(meeting)[0] is None


def test_the_english_form_shows_english_and_stores_the_german_option(client, make_meeting):
    meeting = make_meeting()
    [question] = add_questions(meeting, COOPERATION)
    question.text_en, question.options_en = "Do you cooperate?", ["Yes", "No"]
    db.session.commit()
    page = client.get(f"/m/{meeting.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Do you cooperate?" in page and "> No</label>" in page
    client.post(f"/m/{meeting.slug}", data=form(meeting, [question], values=["1"]),
                headers={"Accept-Language": "en"})
    assert stored(meeting)[1] == {COOPERATION[1]: "Nein"}


def test_the_personal_page_shows_and_changes_the_answers(client, make_meeting, make_registration):
    meeting = make_meeting()
    topics, scale = add_questions(meeting, TOPICS, SCALE + (REQUIRED,))
    person = make_registration(meeting, sector="sprachschule")
    answer(person, topics, ["Sprache"])
    answer(person, scale, 2)
    page = client.get(f"/r/{person.token}").get_data(as_text=True)
    assert f'name="frage-{topics.id}" value="0" checked' in page
    assert f'name="frage-{scale.id}" value="2" checked' in page
    data = form(meeting, [topics, scale], values=[[], ""]) | {"email": person.email}
    response = client.post(f"/r/{person.token}", data=data)
    assert response.status_code == 400 and "Bitte beantworten Sie diese Frage." in response.get_data(as_text=True)
    response = client.post(f"/r/{person.token}", data=data | {f"frage-{scale.id}": "5"})
    assert response.status_code == 302
    assert stored(meeting)[1] == {SCALE[1]: 5}  # the emptied choice is gone, the scale changed


def test_an_organiser_edit_keeps_the_answers(logged_in, make_meeting, make_registration, organiser):
    meeting = make_meeting(organisers=[organiser])
    [scale] = add_questions(meeting, SCALE + (REQUIRED,))
    person = make_registration(meeting, sector="sprachschule")
    answer(person, scale, 3)
    data = form(meeting) | {"email": person.email, "family_name": "Neu"}
    del data["consent_processing"]
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/anmeldungen/{person.id}", data=data)
    assert response.status_code == 302
    assert stored(meeting)[1] == {SCALE[1]: 3}


def test_csv_has_one_column_per_question(logged_in, make_meeting, make_registration, organiser):
    meeting = make_meeting(organisers=[organiser])
    topics, cooperation, scale, challenges = add_questions(meeting, TOPICS, COOPERATION, SCALE, CHALLENGES)
    anna, ben = make_registration(meeting, name="Anna A"), make_registration(meeting, name="Ben B")
    answer(anna, topics, ["Sprache", "Anerkennung"])
    answer(anna, scale, 4)
    answer(anna, challenges, "=HYPERLINK(\"x\")")
    answer(ben, cooperation, "Ja")
    response = logged_in.get(f"/organisation/treffen/{meeting.slug}/anmeldungen/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    assert header[-4:] == ["Frage 1: Welche Themen sind wichtig?", "Frage 2: Arbeiten Sie zusammen?",
                           "Frage 3: Wie gut gelingt es vor Ort?", "Frage 4: Was sind die größten Herausforderungen?"]
    by_name = {row[header.index("Nachname")]: row for row in rows[1:]}
    assert by_name["A"][-4:] == ["Sprache; Anerkennung", "", "4", "'=HYPERLINK(\"x\")"]
    assert by_name["B"][-4:] == ["", "Ja", "", ""]
    long = add_questions(meeting, (CHALLENGES[0], "Wo " + "sehr " * 30 + "?", []))[0]
    assert export_csv([], [long]).decode("utf-8-sig").split(";")[-1].strip().endswith("…")


def test_deleting_the_personal_data_keeps_only_the_counts(client, make_meeting, make_registration):
    meeting = make_meeting()
    topics, scale, challenges = add_questions(meeting, TOPICS, SCALE, CHALLENGES)
    people = [make_registration(meeting) for _ in range(3)]
    for person, chosen in zip(people, (["Sprache"], ["Sprache", "Anerkennung"], [])):
        answer(person, topics, chosen)
        answer(person, challenges, f"Text von {person.name}")
    answer(people[0], scale, 5)
    before = [(r.answered, r.counts) for r in survey.question_results(meeting, with_charts=False)]
    retention.purge(meeting)
    assert db.session.scalars(select(Answer)).all() == []
    assert db.session.scalars(select(Registration)).all() == []
    kept = {q.text: q.kept_counts for q in db.session.scalars(select(Question))}
    assert kept[TOPICS[1]] == {"answered": 2, "counts": {"Sprache": 2, "Anerkennung": 1}}
    assert kept[SCALE[1]] == {"answered": 1, "counts": {"5": 1}}
    assert kept[CHALLENGES[1]] == {"answered": 3, "counts": {}}  # how many wrote, not what
    after = survey.question_results(meeting, with_charts=False)
    assert [(r.answered, r.counts) for r in after] == before
    assert after[2].texts == [] and after[0].by_sector == []


def test_cancelled_answers_are_not_kept(make_meeting, make_registration):
    from netzwerktreffen.registration.service import cancel_registration
    meeting = make_meeting()
    [cooperation] = add_questions(meeting, COOPERATION)
    stays, leaves = make_registration(meeting), make_registration(meeting)
    answer(stays, cooperation, "Ja")
    answer(leaves, cooperation, "Nein")
    cancel_registration(leaves)
    assert survey.question_result(cooperation, with_charts=False).counts == [1, 0]
    retention.purge(meeting)
    db.session.expire_all()
    assert db.session.get(Question, cooperation.id).kept_counts == {"answered": 1, "counts": {"Ja": 1}}


def test_deleting_the_meeting_takes_its_questions_and_answers(make_meeting, make_registration):
    meeting = make_meeting()
    [cooperation] = add_questions(meeting, COOPERATION)
    answer(make_registration(meeting), cooperation, "Ja")
    other = make_meeting(slug="bleibt")
    [kept] = add_questions(other, COOPERATION)
    answer(make_registration(other), kept, "Nein")
    retention.purge(meeting, delete_meeting=True)
    assert [q.meeting.slug for q in db.session.scalars(select(Question))] == ["bleibt"]
    assert [a.value for a in db.session.scalars(select(Answer))] == ["Nein"]


def test_the_english_privacy_text_tells_about_the_answers(client, make_meeting):
    meeting = make_meeting()
    page = client.get(f"/m/{meeting.slug}/datenschutz", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your answers to our questions" not in page  # no questions, nothing to say
    add_questions(meeting, SCALE)
    page = client.get(f"/m/{meeting.slug}/datenschutz", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your answers to our questions" in page and "only how often each option was chosen remains" in page
