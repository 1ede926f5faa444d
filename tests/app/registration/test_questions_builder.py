"""The organiser's question builder: each kind, required and anonymous, the ready set, bad input, other
meetings' ids, reordering, deleting, copying to the next meeting."""
from __future__ import annotations

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Question
from netzwerktreffen.registration.questions import READY_SET, copy_questions
from question_helpers import CHALLENGES, COOPERATION, SCALE, TOPICS, add_questions, answer


def url(meeting, tail=""):
    return f"/organisation/treffen/{meeting.slug}/fragen{tail}"


def texts(meeting):
    db.session.expire_all()
    return [q.text for q in meeting.questions]


def test_builder_is_for_the_meetings_organisers(client, make_meeting, organiser, make_organiser, auth):
    meeting = make_meeting(organisers=[organiser])
    assert client.get(url(meeting)).status_code == 302  # to the login
    make_organiser(email="fremd@example.org")
    auth.login(email="fremd@example.org")
    assert client.get(url(meeting)).status_code == 404


def test_new_meeting_offers_the_ready_set_to_take(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    page = logged_in.get(url(meeting)).get_data(as_text=True)
    assert "Fragenset aus dem Fachaustausch übernehmen" in page
    assert READY_SET[0].text in page
    response = logged_in.post(url(meeting, "/fragenset"))
    assert response.status_code == 302
    assert texts(meeting) == [q.text for q in READY_SET]
    assert len(READY_SET) == 6
    assert all(q.text_en and q.anonymous_results and not q.required for q in meeting.questions)
    assert {q.kind for q in meeting.questions} == {"text", "single", "multiple"}
    assert meeting.questions[0].options_en[0] == "Language learning"
    # once the meeting has questions, the set is not offered again
    assert "Fragenset übernehmen" not in logged_in.get(url(meeting)).get_data(as_text=True)


@pytest.mark.parametrize("kind, options, expected", [
    ("text", "", []),
    ("single", "Ja\nNein\n", ["Ja", "Nein"]),
    ("multiple", "Sprache\n\n  Kinderbetreuung \nAnerkennung", ["Sprache", "Kinderbetreuung", "Anerkennung"]),
    ("scale", "", []),
])
def test_add_each_kind(logged_in, make_meeting, organiser, kind, options, expected):
    meeting = make_meeting(organisers=[organiser])
    response = logged_in.post(url(meeting, "/neu"), data={
        "kind": kind, "text": "Was meinen Sie?", "text_en": "What do you think?", "options": options,
        "required": "y", "anonymous_results": "y" if kind == "text" else ""})
    assert response.status_code == 302
    db.session.expire_all()
    [question] = meeting.questions
    assert (question.kind, question.text, question.text_en, question.options) == (
        kind, "Was meinen Sie?", "What do you think?", expected)
    assert question.required is True
    assert question.anonymous_results is (kind == "text")


@pytest.mark.parametrize("kind, text, options, message", [
    ("single", "Frage?", "", "mindestens zwei Antwortmöglichkeiten"),
    ("multiple", "Frage?", "nur eine", "mindestens zwei Antwortmöglichkeiten"),
    ("scale", "Frage?", "eins\nzwei", "keine Antwortmöglichkeiten"),
    ("text", "Frage?", "eins\nzwei", "keine Antwortmöglichkeiten"),
    ("text", "x" * 501, "", "Der Text der Frage ist zu lang"),
    ("single", "Frage?", "a\n" + "b" * 201, "Eine Antwortmöglichkeit ist zu lang"),
    ("single", "Frage?", "Ja\nja", "nur einmal vorkommen"),
    ("single", "", "Ja\nNein", "Bitte geben Sie den Text der Frage ein"),
    ("quiz", "Frage?", "", "Bitte wählen Sie eine Art der Frage"),
])
def test_bad_input_is_refused_in_german(logged_in, make_meeting, organiser, kind, text, options, message):
    meeting = make_meeting(organisers=[organiser])
    response = logged_in.post(url(meeting, "/neu"), data={"kind": kind, "text": text, "options": options})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert texts(meeting) == []


def test_edit_move_and_delete(logged_in, make_meeting, organiser, make_registration):
    meeting = make_meeting(organisers=[organiser])
    topics, cooperation, scale = add_questions(meeting, TOPICS, COOPERATION, SCALE)
    answer(make_registration(meeting), cooperation, "Ja")
    topics_id = topics.id
    page = logged_in.get(url(meeting, f"/{cooperation.id}")).get_data(as_text=True)
    assert "Ja\nNein</textarea>" in page and "schon 1 Antwort" in page
    response = logged_in.post(url(meeting, f"/{cooperation.id}"), data={
        "kind": "single", "text": "Arbeiten Sie schon zusammen?", "options": "Ja\nNein\nWeiß nicht",
        "anonymous_results": "y"})
    assert response.status_code == 302
    assert texts(meeting) == [TOPICS[1], "Arbeiten Sie schon zusammen?", SCALE[1]]
    assert meeting.questions[1].options == ["Ja", "Nein", "Weiß nicht"]
    logged_in.post(url(meeting, f"/{scale.id}/verschieben"), data={"richtung": "hoch"})
    logged_in.post(url(meeting, f"/{topics.id}/verschieben"), data={"richtung": "runter"})
    assert texts(meeting) == [SCALE[1], TOPICS[1], "Arbeiten Sie schon zusammen?"]
    logged_in.post(url(meeting, f"/{cooperation.id}/verschieben"), data={"richtung": "runter"})  # last: stays
    logged_in.post(url(meeting, f"/{scale.id}/verschieben"), data={"richtung": "hoch"})  # first: stays
    assert texts(meeting) == [SCALE[1], TOPICS[1], "Arbeiten Sie schon zusammen?"]
    assert logged_in.post(url(meeting, f"/{topics.id}/loeschen")).status_code == 302
    assert texts(meeting) == [SCALE[1], "Arbeiten Sie schon zusammen?"]
    assert [q.position for q in meeting.questions] == [0, 1]
    assert db.session.get(Question, topics_id) is None


def test_bad_edit_keeps_the_question(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    [scale] = add_questions(meeting, SCALE)
    response = logged_in.post(url(meeting, f"/{scale.id}"), data={"kind": "scale", "text": "Neu?", "options": "a"})
    assert response.status_code == 400
    assert "keine Antwortmöglichkeiten" in response.get_data(as_text=True)
    assert texts(meeting) == [SCALE[1]]


def test_other_meetings_questions_are_not_found(logged_in, make_meeting, organiser, make_organiser):
    mine = make_meeting(organisers=[organiser])
    other = make_meeting(slug="andere", organisers=[make_organiser(email="b@example.org")])
    [foreign] = add_questions(other, COOPERATION)
    for path, method in [(f"/{foreign.id}", "get"), (f"/{foreign.id}", "post"), (f"/{foreign.id}/loeschen", "post"),
                         (f"/{foreign.id}/verschieben", "post"), ("/99999999999", "get"), ("/0", "get")]:
        response = getattr(logged_in, method)(url(mine, path), data={"kind": "text", "text": "x"})
        assert response.status_code == 404, path
    assert texts(other) == [COOPERATION[1]]


def test_copy_questions_to_the_next_meeting(make_meeting, make_registration):
    source = make_meeting()
    target = make_meeting(slug="naechstes")
    add_questions(target, SCALE)
    topics, challenges = add_questions(source, TOPICS, CHALLENGES + ({"required": True, "anonymous_results": True},))
    answer(make_registration(source), topics, ["Sprache"])
    topics.kept_counts = {"answered": 3, "counts": {"Sprache": 3}}
    db.session.commit()
    copies = copy_questions(source, target)
    assert [q.text for q in target.questions] == [SCALE[1], TOPICS[1], CHALLENGES[1]]
    assert [q.position for q in target.questions] == [0, 1, 2]
    assert copies[0].options == TOPICS[2] and copies[0].answers == [] and copies[0].kept_counts is None
    assert copies[1].required and copies[1].anonymous_results
    assert [q.text for q in source.questions] == [TOPICS[1], CHALLENGES[1]]
