"""Results of the questions at registration: figures against the database, the small-count rule per sector,
free texts with and without names, the charts (matplotlib SVG), the organiser's page and the projector's."""
from __future__ import annotations

import base64
import re

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.registration import survey
from question_helpers import CHALLENGES, COOPERATION, SCALE, TOPICS, add_questions, answer


def people(make_registration, meeting, counts: dict[str, int]):
    """``counts``: sector key → how many people of it."""
    return [make_registration(meeting, sector=key, name=f"{key.title()} {n}", organisation=f"Org {key}")
            for key, many in counts.items() for n in range(many)]


@pytest.mark.parametrize("sizes, shown", [
    # 2 alone would follow from the totals: the smallest sector shown joins them
    ({"jobcenter": 6, "sprachschule": 5, "kammer": 2}, [("Jobcenter", 6), ("weitere Bereiche", 7)]),
    ({"jobcenter": 6, "sprachschule": 5, "kammer": 5}, [("Sprachschule/VHS", 5), ("Jobcenter", 6),
                                                        ("IHK/HWK", 5)]),
    ({"jobcenter": 7, "sprachschule": 1}, [("alle Bereiche", 8)]),
    ({"jobcenter": 3, "sprachschule": 1}, []),  # fewer than 5 in all: no split
    ({"jobcenter": 5, "kammer": 5, "kommune": 3, "agentur": 2}, [("Jobcenter", 5), ("IHK/HWK", 5),
                                                                 ("weitere Bereiche", 5)]),
])
def test_small_sectors_are_not_shown_on_their_own(make_meeting, make_registration, sizes, shown):
    meeting = make_meeting()
    [cooperation] = add_questions(meeting, COOPERATION)
    for k, person in enumerate(people(make_registration, meeting, sizes)):
        answer(person, cooperation, "Ja" if k % 3 else "Nein")
    result = survey.question_result(cooperation, with_charts=False)
    assert [(row.label, row.answered) for row in result.by_sector] == shown
    assert all(row.answered >= survey.MIN_GROUP for row in result.by_sector)
    if shown:  # the rows add up to the totals
        assert [sum(col) for col in zip(*(row.counts for row in result.by_sector))] == result.counts


def test_figures_match_the_database(make_meeting, make_registration):
    from netzwerktreffen.registration.service import cancel_registration
    meeting = make_meeting()
    topics, cooperation, scale, challenges = add_questions(
        meeting, TOPICS, COOPERATION, SCALE, CHALLENGES + ({"anonymous_results": True},))
    crowd = people(make_registration, meeting, {"jobcenter": 5, "sprachschule": 2})
    chosen = [["Sprache"], ["Sprache", "Kinderbetreuung"], ["Anerkennung"], [], ["Sprache"], ["Sprache"], []]
    for person, topics_chosen, level in zip(crowd, chosen, [1, 2, 2, 5, 5, 5, 3]):
        answer(person, topics, topics_chosen)
        answer(person, scale, level)
    answer(crowd[0], challenges, "Zu wenig Kita-Plätze")
    answer(crowd[1], challenges, "   ")
    answer(crowd[6], cooperation, "Ja")
    cancel_registration(crowd[5])  # no longer counted
    results = survey.question_results(meeting)
    assert [r.question.text for r in results] == [TOPICS[1], COOPERATION[1], SCALE[1], CHALLENGES[1]]
    by_text = {r.question.text: r for r in results}
    assert by_text[TOPICS[1]].labels == ["Sprache", "Kinderbetreuung", "Anerkennung"]
    assert by_text[TOPICS[1]].counts == [3, 1, 1] and by_text[TOPICS[1]].answered == 4
    assert by_text[SCALE[1]].labels == ["1", "2", "3", "4", "5"]
    assert by_text[SCALE[1]].counts == [1, 2, 1, 0, 2] and by_text[SCALE[1]].answered == 6
    assert by_text[COOPERATION[1]].counts == [1, 0]
    assert [(t.text, t.name) for t in by_text[CHALLENGES[1]].texts] == [("Zu wenig Kita-Plätze", "")]
    svg = by_text[TOPICS[1]].chart_svg
    assert svg.startswith("<?xml") and "<svg" in svg
    for label in ("Sprache", "Kinderbetreuung", "Anerkennung", "Anzahl der Nennungen"):
        assert label in svg  # text stays text
    assert survey.question_results(meeting)[0].chart_svg == svg  # the same figures, the same file
    assert by_text[CHALLENGES[1]].chart_svg == ""


def test_named_free_texts_show_name_and_organisation(make_meeting, make_registration):
    meeting = make_meeting()
    [challenges] = add_questions(meeting, CHALLENGES)
    answer(make_registration(meeting, name="Anna Weber", organisation="Jobcenter Esslingen"), challenges, "Wohnraum")
    [text] = survey.question_result(challenges).texts
    assert (text.text, text.name, text.organisation) == ("Wohnraum", "Anna Weber", "Jobcenter Esslingen")


def test_results_page_shows_charts_and_the_sector_view(logged_in, make_meeting, make_registration, organiser):
    meeting = make_meeting(organisers=[organiser])
    cooperation, challenges = add_questions(meeting, COOPERATION, CHALLENGES)
    for k, person in enumerate(people(make_registration, meeting, {"jobcenter": 5, "kammer": 2})):
        answer(person, cooperation, "Ja" if k < 4 else "Nein")
    answer(meeting.registrations[0], challenges, "Mehr Sprachkurse")
    base = f"/organisation/treffen/{meeting.slug}/fragen/ergebnisse"
    page = logged_in.get(base).get_data(as_text=True)
    [src] = re.findall(r'<img class="chart" src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert "Ja" in base64.b64decode(src).decode()
    assert "Mehr Sprachkurse" in page and "Jobcenter 0" in page  # named: not anonymous
    assert "7 Antworten" in page
    page = logged_in.get(base + "?ansicht=sektor").get_data(as_text=True)
    [src] = re.findall(r'<img class="chart" src="data:image/svg\+xml;base64,([^"]+)"', page)
    chart = base64.b64decode(src).decode()
    assert "alle Bereiche" in chart and "IHK/HWK" not in chart  # 2 from the chamber: not on their own
    assert "weniger als 5 Antworten" in page


def test_results_page_is_for_the_meetings_organisers(client, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    assert client.get(f"/organisation/treffen/{meeting.slug}/fragen/ergebnisse").status_code == 302


def test_projector_shows_one_question_per_screen(logged_in, make_meeting, make_registration, organiser):
    meeting = make_meeting(organisers=[organiser])
    scale, challenges = add_questions(meeting, SCALE, CHALLENGES + ({"anonymous_results": True},))
    person = make_registration(meeting, name="Anna Weber")
    answer(person, scale, 4)
    answer(person, challenges, "Wohnraum fehlt")
    base = f"/organisation/treffen/{meeting.slug}/beamer/fragen"
    first = logged_in.get(base).get_data(as_text=True)
    assert "Was Sie uns gesagt haben" in first and "Frage 1 von 2" in first and SCALE[1] in first
    assert 'src="data:image/svg+xml;base64,' in first
    assert f'id="next" rel="next" href="{base}/2"' in first and 'id="prev"' not in first
    second = logged_in.get(f"{base}/2").get_data(as_text=True)
    assert "Wohnraum fehlt" in second and "Anna Weber" not in second  # anonymous
    assert f'id="prev" rel="prev" href="{base}/1"' in second and 'id="next"' not in second
    assert logged_in.get(f"{base}/3").status_code == 404
    assert logged_in.get(f"{base}/0").status_code == 404
    logged_in.post("/logout")
    assert logged_in.get(base).status_code == 302


def test_projector_without_questions_says_so(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/beamer/fragen").get_data(as_text=True)
    assert "keine Fragen" in page


def test_the_demo_meeting_has_the_ready_set_answered(app):
    from netzwerktreffen.demo import create_demo_meeting
    from netzwerktreffen.registration.questions import READY_SET
    meeting = create_demo_meeting(participants=12, slug="demo-fragen")
    results = survey.question_results(meeting, with_charts=False)
    assert [r.question.text for r in results] == [q.text for q in READY_SET]
    assert all(0 < r.answered <= 12 for r in results)
    assert results[0].counts and sum(results[0].counts) >= results[0].answered  # several topics each
    assert results[1].texts and all(t.name == "" for t in results[1].texts)  # anonymous
