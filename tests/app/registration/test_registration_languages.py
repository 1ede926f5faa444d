"""Conversation languages (issue 11): every registration form offers the meeting's languages, and the
server refuses any other value with a German message (public form, personal link, organiser's edit,
phone registration, walk-in at the desk)."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Registration

MESSAGE = "„{wrong}“ ist bei diesem Treffen keine Gesprächssprache. Zur Wahl stehen: {offered}."


def offered(page: str) -> list[str]:
    """The values of the language checkboxes on a page."""
    return re.findall(r'<input[^>]*name="languages"[^>]*value="([^"]*)"', page)


def checked(page: str) -> list[str]:
    return re.findall(r'<input checked[^>]*name="languages"[^>]*value="([^"]*)"', page)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count() -> int:
    return db.session.scalar(select(func.count(Registration.id)))


def public_data(meeting, **overrides):
    sector = next(s for s in meeting.sectors if s.key == "sprachschule")
    data = {"given_name": "Olena", "family_name": "Kovalenko", "email": "olena@vhs.example",
            "organisation": "VHS Esslingen",
            "sector": str(sector.id), "languages": ["de"], "blocks": [str(b.id) for b in meeting.blocks],
            "consent_processing": "y"}
    data.update(overrides)
    return data


def test_public_form_offers_only_the_meetings_languages(client, make_meeting):
    meeting = make_meeting(languages=["de", "en", "uk"])
    page = client.get(f"/m/{meeting.slug}").get_data(as_text=True)
    assert offered(page) == ["de", "en", "uk"]
    assert checked(page) == ["de"]
    other = make_meeting(slug="englisch", languages=["en"])
    page = client.get(f"/m/{other.slug}").get_data(as_text=True)
    assert offered(page) == ["en"] and checked(page) == ["en"]


@pytest.mark.parametrize("languages, wrong", [(["de", "uk"], "Ukrainisch"), (["xx"], "xx"),
                                              (["en", "ar", "tr"], "Arabisch, Türkisch")])
def test_public_form_refuses_other_languages(client, make_meeting, languages, wrong):
    meeting = make_meeting()  # Deutsch and Englisch
    response = client.post(f"/m/{meeting.slug}", data=public_data(meeting, languages=languages))
    assert response.status_code == 400
    assert MESSAGE.format(wrong=wrong, offered="Deutsch, Englisch") in text(response)
    assert count() == 0


def test_public_form_accepts_the_meetings_languages(client, make_meeting):
    meeting = make_meeting(languages=["en", "uk"])
    response = client.post(f"/m/{meeting.slug}", data=public_data(meeting, languages=["uk", "en"]))
    assert response.status_code == 302
    [person] = db.session.scalars(select(Registration)).all()
    assert sorted(person.languages) == ["en", "uk"]
    response = client.post(f"/m/{meeting.slug}", data=public_data(meeting, email="b@example.org", languages=["de"]))
    assert response.status_code == 400
    assert MESSAGE.format(wrong="Deutsch", offered="Englisch, Ukrainisch") in text(response)


def test_english_form_refuses_in_english(client, make_meeting):
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}?lang=en", data=public_data(meeting, languages=["uk"]))
    assert response.status_code == 400
    assert "“Ukrainian” is not a conversation language of this meeting. You can choose: German, English." \
        in text(response)


def test_personal_link_keeps_the_persons_own_languages(client, make_meeting, make_registration):
    meeting = make_meeting()
    person = make_registration(meeting, name="Mehmet Kaya", languages=["de", "tr"])  # e.g. before a change
    page = client.get(f"/r/{person.token}").get_data(as_text=True)
    assert offered(page) == ["de", "en", "tr"] and checked(page) == ["de", "tr"]
    data = public_data(meeting, given_name="Mehmet", family_name="Kaya", email=person.email,
                       organisation=person.organisation,
                       sector=str(person.sector_id), languages=["tr", "en"])
    del data["consent_processing"]
    assert client.post(f"/r/{person.token}", data=data).status_code == 302
    db.session.refresh(person)
    assert sorted(person.languages) == ["en", "tr"]
    response = client.post(f"/r/{person.token}", data=dict(data, languages=["de", "ru"]))
    assert response.status_code == 400
    assert MESSAGE.format(wrong="Russisch", offered="Deutsch, Englisch, Türkisch") in text(response)
    db.session.refresh(person)
    assert sorted(person.languages) == ["en", "tr"]


def organiser_data(meeting, person=None, **overrides):
    jobcenter = next(s for s in meeting.sectors if s.key == "jobcenter")
    data = {"given_name": person.given_name if person else "Telefon",
            "family_name": person.family_name if person else "Anruferin",
            "email": person.email if person else "anruf@example.org",
            "organisation": person.organisation if person else "Jobcenter Kreis", "sector": str(jobcenter.id),
            "languages": ["de"], "blocks": [str(b.id) for b in meeting.blocks], "consent_processing": "y",
            "locale": "de"}
    data.update(overrides)
    return data


def test_organiser_edit_offers_the_meetings_and_the_persons_languages(logged_in, make_meeting, organiser,
                                                                      make_registration):
    meeting = make_meeting(organisers=[organiser])
    person = make_registration(meeting, name="Amina Hosseini", languages=["fa"])
    url = f"/organisation/treffen/{meeting.slug}/anmeldungen/{person.id}"
    page = logged_in.get(url).get_data(as_text=True)
    assert offered(page) == ["de", "en", "fa"] and checked(page) == ["fa"]
    response = logged_in.post(url, data=organiser_data(meeting, person, languages=["fa", "ar"]))
    assert response.status_code == 400
    assert MESSAGE.format(wrong="Arabisch", offered="Deutsch, Englisch, Persisch") in text(response)
    db.session.refresh(person)
    assert person.languages == ["fa"]
    assert logged_in.post(url, data=organiser_data(meeting, person, languages=["de", "fa"])).status_code == 302
    db.session.refresh(person)
    assert person.languages == ["de", "fa"]


def test_phone_registration_offers_only_the_meetings_languages(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser], languages=["de", "tr"])
    url = f"/organisation/treffen/{meeting.slug}/anmeldungen/neu"
    assert offered(logged_in.get(url).get_data(as_text=True)) == ["de", "tr"]
    response = logged_in.post(url, data=organiser_data(meeting, languages=["de", "en"]))
    assert response.status_code == 400
    assert MESSAGE.format(wrong="Englisch", offered="Deutsch, Türkisch") in text(response)
    assert count() == 0
    assert logged_in.post(url, data=organiser_data(meeting, languages=["tr"])).status_code == 302
    assert db.session.scalars(select(Registration.languages)).all() == [["tr"]]


def test_walk_in_offers_only_the_meetings_languages(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser], languages=["de", "ar"])
    url = f"/organisation/treffen/{meeting.slug}/tag/"
    assert offered(logged_in.get(url).get_data(as_text=True)) == ["de", "ar"]
    data = {"given_name": "Walter", "family_name": "Spontan", "organisation": "Bildungswerk Süd",
            "sector": meeting.sectors[0].id,
            "email": "", "languages": ["de", "uk"], "blocks": [b.id for b in meeting.blocks], "consent": "y"}
    response = logged_in.post(url + "spontan", data=data, follow_redirects=True)
    assert "Sprachen: " + MESSAGE.format(wrong="Ukrainisch", offered="Deutsch, Arabisch") in text(response)
    assert count() == 0
    response = logged_in.post(url + "spontan", data=dict(data, languages=[]), follow_redirects=True)
    assert "Sprachen: Bitte wählen Sie mindestens eine Sprache." in text(response)
    response = logged_in.post(url + "spontan", data=dict(data, languages=["ar"]))
    assert response.status_code == 302
    assert db.session.scalars(select(Registration.languages)).all() == [["ar"]]
