"""Ideas for next time: topic suggestions and feedback from the personal page, the organisers' page with
the suggestions grouped and counted and the feedback figures, and what stays (anonymous) after the purge."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dates import berlin_today
from netzwerktreffen.afterwards import ideas, retention
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CAFE, Feedback, TopicSuggestion

BASE = "/organisation/treffen/ablauf/ideen/"


def people_of(meeting):
    return sorted(meeting.registrations, key=lambda r: r.id)


def held(meeting, days_ago=1):
    meeting.date = berlin_today() - timedelta(days=days_ago)
    db.session.commit()
    return meeting


def suggest(client, person, text):
    return client.post(f"/r/{person.token}/ideen", data={"idea-text": text})


def rate(client, person, **values):
    return client.post(f"/r/{person.token}/rueckmeldung", data={f"feedback-{k}": v for k, v in values.items()})


def test_suggestions_from_the_personal_page_before_the_meeting_and_up_to_five(client, published_meeting):
    meeting = published_meeting()  # in 30 days
    anna, olena = people_of(meeting)[:2]
    page = client.get(f"/r/{anna.token}").get_data(as_text=True)
    assert "Ideen für das nächste Treffen" in page and "Ihre Rückmeldung zum Treffen" not in page
    response = suggest(client, anna, "  Anerkennung   ausländischer Abschlüsse ")
    assert response.status_code == 302 and response.location.endswith(f"/r/{anna.token}#ideen")
    assert [s.text for s in anna.topic_suggestions] == ["Anerkennung ausländischer Abschlüsse"]
    # the same topic again (other case and umlaut spelling) is refused, an empty one too
    again = suggest(client, anna, "anerkennung AUSLAENDISCHER abschluesse")
    assert again.status_code == 400 and "Dieses Thema haben Sie schon vorgeschlagen." in again.get_data(as_text=True)
    assert "Bitte schreiben Sie ein Thema" in suggest(client, anna, "   ").get_data(as_text=True)
    assert "höchstens 200 Zeichen" in suggest(client, anna, "x" * 201).get_data(as_text=True)
    for text in ("Kinderbetreuung", "Wohnraum", "Sprachkurse B2", "Ehrenamt"):
        assert suggest(client, anna, text).status_code == 302
    refused = suggest(client, anna, "Digitalisierung")
    assert refused.status_code == 400 and "mehr gehen nicht" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert len(anna.topic_suggestions) == ideas.MAX_SUGGESTIONS
    # taking one back: only one's own
    own = anna.topic_suggestions[1]
    assert client.post(f"/r/{olena.token}/ideen/{own.id}/loeschen").status_code == 302
    db.session.expire_all()
    assert db.session.get(TopicSuggestion, own.id) is not None
    client.post(f"/r/{anna.token}/ideen/{own.id}/loeschen")
    db.session.expire_all()
    assert db.session.get(TopicSuggestion, own.id) is None and len(anna.topic_suggestions) == 4
    assert client.post(f"/r/{anna.token}/ideen/99999999999/loeschen").status_code == 404  # beyond the id range


def test_feedback_opens_at_the_start_and_can_be_changed(client, published_meeting):
    meeting = published_meeting()
    anna = people_of(meeting)[0]
    early = rate(client, anna, speed="4", cafe="5")
    assert early.status_code == 302
    assert client.get(early.location).status_code == 200 and anna.feedback is None
    held(meeting)
    page = client.get(f"/r/{anna.token}").get_data(as_text=True)
    assert "Ihre Rückmeldung zum Treffen" in page and "Speed-Networking-Runden" in page
    assert rate(client, anna, speed="4", cafe="5", comment="Gern wieder!").status_code == 302
    db.session.expire_all()
    assert (anna.feedback.speed, anna.feedback.cafe, anna.feedback.comment) == (4, 5, "Gern wieder!")
    assert rate(client, anna, speed="2", comment="").status_code == 302  # changed: no café rating now
    db.session.expire_all()
    assert (anna.feedback.speed, anna.feedback.cafe, anna.feedback.comment) == (2, None, "")
    assert db.session.scalar(select(db.func.count(Feedback.id))) == 1


@pytest.mark.parametrize("bad", ["0", "6", "abc", "4.5"])
def test_a_rating_outside_one_to_five_gets_a_german_message(client, published_meeting, bad):
    meeting = held(published_meeting())
    anna = people_of(meeting)[0]
    response = rate(client, anna, speed=bad, cafe="3")
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Bewertung von 1 (wenig) bis 5 (sehr)." in response.get_data(as_text=True)
    db.session.expire_all()
    assert anna.feedback is None


def test_only_the_kinds_of_block_the_meeting_has_are_rated(client, published_meeting):
    meeting = held(published_meeting())
    cafe = next(b for b in meeting.blocks if b.kind == CAFE)
    meeting.blocks.remove(cafe)
    db.session.commit()
    anna = people_of(meeting)[0]
    page = client.get(f"/r/{anna.token}").get_data(as_text=True)
    assert "Speed-Networking-Runden" in page and "Pro-Action-Café für Sie" not in page
    rate(client, anna, speed="5", cafe="1")
    db.session.expire_all()
    assert (anna.feedback.speed, anna.feedback.cafe) == (5, None)
    assert [r.kind for r in ideas.feedback_summary(meeting).ratings] == ["speed-networking"]


def test_cancelled_people_neither_suggest_nor_rate(client, published_meeting):
    meeting = held(published_meeting())
    anna = people_of(meeting)[0]
    anna.status = "cancelled"
    db.session.commit()
    assert "Ideen für das nächste Treffen" not in client.get(f"/r/{anna.token}").get_data(as_text=True)
    assert suggest(client, anna, "Wohnraum").status_code == 400
    rate(client, anna, speed="5")
    db.session.expire_all()
    assert anna.topic_suggestions == [] and anna.feedback is None


def test_grouping_rule():
    same = ["Anerkennung ausländischer Abschlüsse", "anerkennung auslaendischer ABSCHLÜSSE!",
            "Abschlüsse, ausländische: Anerkennung", "Die Anerkennung von ausländischen Abschlüssen"]
    assert len({ideas.group_key(text) for text in same}) == 1
    assert ideas.group_key("Sprachkurs") == ideas.group_key("Sprachkurse") == ideas.group_key("Sprachkursen")
    assert ideas.group_key("Wohnraum") != ideas.group_key("Wohnraum für Familien")
    assert ideas.group_key("Café") == ideas.group_key("cafe")
    assert ideas.normalise("  Straße   Öffnung  ") == "strasse oeffnung"


def test_organisers_see_suggestions_grouped_and_counted_and_the_feedback(logged_in, published_meeting):
    meeting = held(published_meeting())
    people = people_of(meeting)
    for person, text in zip(people, ["Anerkennung ausländischer Abschlüsse", "Kinderbetreuung",
                                     "anerkennung auslaendischer abschluesse", "Wohnraum",
                                     "Anerkennung ausländischer Abschlüsse", "Kinderbetreuung"]):
        ideas.add_suggestion(person, text)
    ideas.add_suggestion(people[1], "Wohnraum")
    groups = ideas.suggestion_groups(meeting)
    assert [(g.label, g.count) for g in groups] == [
        ("Anerkennung ausländischer Abschlüsse", 3), ("Kinderbetreuung", 2), ("Wohnraum", 2)]
    assert groups[0].wordings == [("Anerkennung ausländischer Abschlüsse", 2),
                                  ("anerkennung auslaendischer abschluesse", 1)]
    for person, speed, cafe, comment in zip(people, [5, 4, 4, 2], [3, None, 5, 4], ["Sehr gut", "", "Mehr Zeit", ""]):
        ideas.save_feedback(person, speed, cafe, comment)
    summary = ideas.feedback_summary(meeting)
    speed, cafe = summary.ratings
    assert summary.responses == 4 and summary.comments == ["Sehr gut", "Mehr Zeit"]
    assert (speed.answers, speed.average, speed.share_useful) == (4, 3.75, 0.75)
    assert (cafe.answers, cafe.average, cafe.counts) == (3, 4.0, {1: 0, 2: 0, 3: 1, 4: 1, 5: 1})
    page = logged_in.get(BASE).get_data(as_text=True)
    assert "Anerkennung ausländischer Abschlüsse" in page and "(2×)" in page
    assert "3,75" in page and "75,00 %" in page and "66,67 %" in page and "Mehr Zeit" in page
    for person in people:
        assert person.name not in page and person.email not in page
    assert 'aria-current="page">Ideen</a>' in page


def test_another_organisers_meeting_is_not_found(client, auth, make_organiser, published_meeting):
    published_meeting()
    make_organiser(email="andere@example.org")
    auth.login(email="andere@example.org")
    assert client.get(BASE).status_code == 404


def test_suggestions_and_feedback_stay_anonymous_after_the_purge(published_meeting):
    meeting = held(published_meeting(), days_ago=100)
    anna, olena = people_of(meeting)[:2]
    ideas.add_suggestion(anna, "Wohnraum")
    ideas.save_feedback(olena, 4, 2, "Zu kurz")
    retention.purge(meeting)
    db.session.expire_all()
    suggestions = db.session.scalars(select(TopicSuggestion)).all()
    feedback = db.session.scalars(select(Feedback)).all()
    assert [(s.text, s.registration_id) for s in suggestions] == [("Wohnraum", None)]
    assert [(f.speed, f.cafe, f.comment, f.registration_id) for f in feedback] == [(4, 2, "Zu kurz", None)]
    assert [(g.label, g.count) for g in ideas.suggestion_groups(meeting)] == [("Wohnraum", 1)]


def test_deleting_a_registration_keeps_its_suggestion_without_the_link(published_meeting):
    meeting = held(published_meeting())
    anna = people_of(meeting)[0]
    suggestion = ideas.add_suggestion(anna, "Ehrenamt")
    ideas.save_feedback(anna, 5, 5, "")
    db.session.delete(anna)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(TopicSuggestion, suggestion.id).registration_id is None
    assert db.session.scalar(select(Feedback.registration_id)) is None


def test_deleting_the_meeting_deletes_its_ideas(published_meeting):
    from netzwerktreffen.meetings import service
    meeting = held(published_meeting())
    ideas.add_suggestion(people_of(meeting)[0], "Ehrenamt")
    ideas.save_feedback(people_of(meeting)[0], 5, 5, "")
    service.delete_meeting(meeting)
    assert db.session.scalars(select(TopicSuggestion)).all() == []
    assert db.session.scalars(select(Feedback)).all() == []


def test_the_privacy_text_says_so_in_german_and_english(client, published_meeting):
    meeting = published_meeting()
    german = client.get(f"/m/{meeting.slug}/datenschutz").get_data(as_text=True)
    english = client.get(f"/m/{meeting.slug}/datenschutz?lang=en").get_data(as_text=True)
    assert "bleiben sie als Ergebnis des Treffens erhalten, ohne Verbindung zu Ihnen" in german
    assert "they stay as a result of the meeting, no longer linked to you" in english
