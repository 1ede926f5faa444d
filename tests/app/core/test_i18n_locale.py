"""The UI language of a first visit follows the browser's Accept-Language; an explicit choice wins."""
from __future__ import annotations

import pytest

GERMAN = "Hier melden Sie sich zu Netzwerktreffen an"


def _lang(response) -> str:
    text = response.get_data(as_text=True)
    return text.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("header, expected", [
    ("en-US,en;q=0.9", "en"),
    ("en-GB", "en"),
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("fr-FR,fr;q=0.9,en;q=0.7,de;q=0.5", "en"),  # the best match among the offered languages
    ("tr-TR,ar;q=0.8", "de"),  # none offered: German
    ("", "de"),
])
def test_a_first_visit_follows_accept_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 200
    assert _lang(response) == expected
    assert (GERMAN in response.get_data(as_text=True)) == (expected == "de")


def test_an_explicit_choice_wins_over_the_browser(client):
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    assert _lang(client.get("/?lang=de", headers=english_browser)) == "de"
    # remembered for the next pages of this visit, even though the browser prefers English
    response = client.get("/", headers=english_browser)
    assert _lang(response) == "de" and GERMAN in response.get_data(as_text=True)
    assert _lang(client.get("/", headers={"Accept-Language": "de"})) == "de"
    assert _lang(client.get("/?lang=en", headers={"Accept-Language": "de"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "de"})) == "en"


def test_a_personal_link_opens_in_the_language_the_person_registered_in(client, make_meeting, make_registration):
    meeting = make_meeting()
    english = make_registration(meeting, name="Grace Mensah")
    english.locale = "en"
    german = make_registration(meeting, name="Anna Weber")
    from netzwerktreffen.core.extensions import db
    db.session.commit()
    german_browser = {"Accept-Language": "de-DE,de;q=0.9"}
    assert _lang(client.get(f"/r/{english.token}", headers=german_browser)) == "en"
    assert _lang(client.get(f"/r/{german.token}", headers={"Accept-Language": "en-US"})) == "de"
    # an explicit choice still wins, and then holds for the visit
    assert _lang(client.get(f"/r/{english.token}?lang=de", headers=german_browser)) == "de"
    assert _lang(client.get(f"/r/{english.token}", headers=german_browser)) == "de"
    # an unknown token: the browser's language, and the usual 404
    response = client.get("/r/unbekannt", headers={"Accept-Language": "en"})
    assert response.status_code == 404
