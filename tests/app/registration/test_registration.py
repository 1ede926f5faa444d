"""Public registration: consent, duplicates, capacity and waiting list, personal link, mails."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dates import berlin_now
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, WAITLISTED, Registration


def form_data(meeting, **overrides):
    sector = next(s for s in meeting.sectors if s.key == "sprachschule")
    topics = {t.key: t.id for t in meeting.topics}
    data = {
        "given_name": "Olena",
        "family_name": "Kovalenko",
        "email": "olena.kovalenko@vhs.example",
        "organisation": "Kreisvolkshochschule Esslingen",
        "sector": str(sector.id),
        "role": "Sprachkursleitung",
        "offers": [str(topics["integrationskurs"]), str(topics["berufssprachkurs"])],
        "needs": [str(topics["kinderbetreuung"])],
        "languages": ["de", "en"],
        "blocks": [str(b.id) for b in meeting.blocks],
        "wishes": "Jobcenter Esslingen",
        "not_with": "Anna Müller",
        "accessibility": "Rollstuhlgerechter Zugang",
        "consent_processing": "y",
        "consent_listing": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def registrations(meeting):
    return list(db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                   .order_by(Registration.id)))


def test_register_stores_everything_and_consent(client, make_meeting, outbox):
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting))
    assert response.status_code == 302
    [person] = registrations(meeting)
    assert person.status == CONFIRMED
    assert person.email == "olena.kovalenko@vhs.example"
    assert person.sector.key == "sprachschule"
    assert sorted(t.key for t in person.offers) == ["berufssprachkurs", "integrationskurs"]
    assert [t.key for t in person.needs] == ["kinderbetreuung"]
    assert person.languages == ["de", "en"]
    assert len(person.blocks) == 2
    assert person.not_with == "Anna Müller"
    assert person.accessibility == "Rollstuhlgerechter Zugang"
    # consent: version identifies the text, time stored; optional consents separately
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}/de/[0-9a-f]{12}", person.consent_version)
    assert person.consent_at is not None
    assert person.consent_listing is True and person.consent_listing_at is not None
    assert person.consent_contact is False
    assert len(person.token) >= 40
    # confirmation mail in the outbox with date, time, place and personal link
    [message] = outbox()
    assert message["To"].addresses[0].addr_spec == "olena.kovalenko@vhs.example"
    assert "Anmeldebestätigung" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert meeting.date.strftime("%d.%m.%Y") in body
    assert "09:30 Uhr" in body
    assert "Stadthalle Nürtingen" in body
    assert f"/r/{person.token}" in body
    assert message.get_body(("html",)) is not None


def test_consent_version_changes_with_the_text(app, make_meeting):
    from netzwerktreffen.registration.service import consent_version
    meeting = make_meeting()
    before = consent_version(meeting)
    meeting.controller = "Stadt Nürtingen"
    assert consent_version(meeting) != before
    assert consent_version(meeting, "en") != consent_version(meeting, "de")


def test_register_without_consent_is_refused(client, make_meeting):
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting, consent_processing=None))
    assert response.status_code == 400
    assert "Ohne diese Einwilligung" in response.get_data(as_text=True)
    assert registrations(meeting) == []


@pytest.mark.parametrize("field, value, message", [
    ("email", "keine-adresse", "Ungültige E-Mail-Adresse"),
    ("email", "", "Dieses Feld wird benötigt"),
    ("family_name", "", "Bitte geben Sie einen Nachnamen an."),
    ("sector", "-1", "Bitte wählen Sie einen Bereich"),
    ("languages", None, "mindestens eine Sprache"),
])
def test_bad_input_names_the_problem(client, make_meeting, field, value, message):
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting, **{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert registrations(meeting) == []


def test_duplicate_email_gets_message_and_link_can_be_resent(client, make_meeting, outbox):
    meeting = make_meeting()
    client.post(f"/m/{meeting.slug}", data=form_data(meeting))
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting, email="OLENA.Kovalenko@vhs.example ",
                                                                  given_name="Jemand", family_name="anders"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "bereits jemand angemeldet" in page
    assert "Persönlichen Link noch einmal schicken" in page
    assert len(registrations(meeting)) == 1
    assert registrations(meeting)[0].name == "Olena Kovalenko"
    response = client.post(f"/m/{meeting.slug}/link", data={"email": "olena.kovalenko@vhs.example"})
    assert response.status_code == 302
    messages = outbox()
    assert len(messages) == 2
    assert f"/r/{registrations(meeting)[0].token}" in messages[1].get_body(("plain",)).get_content()


def test_resend_for_unknown_address_reveals_nothing(client, make_meeting, outbox):
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}/link", data={"email": "niemand@example.org"}, follow_redirects=True)
    assert "Wenn diese Adresse angemeldet ist" in response.get_data(as_text=True)
    assert outbox() == []


def test_capacity_waitlist_and_automatic_promotion(client, make_meeting, outbox):
    meeting = make_meeting(capacity=2)
    for n in range(4):
        client.post(f"/m/{meeting.slug}", data=form_data(meeting, email=f"p{n}@example.org",
                                                           given_name="P", family_name=str(n)))
    people = registrations(meeting)
    assert [p.status for p in people] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert "Warteliste" in outbox()[2]["Subject"]
    # the first confirmed person cancels via the personal link: the first on the waiting list moves up
    response = client.post(f"/r/{people[0].token}/absagen", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [p.status for p in registrations(meeting)] == [CANCELLED, CONFIRMED, CONFIRMED, WAITLISTED]
    subjects = [m["Subject"] for m in outbox()]
    assert any("Absage bestätigt" in s for s in subjects)
    promoted = [m for m in outbox() if "nachgerückt" in m["Subject"]]
    assert len(promoted) == 1
    assert promoted[0]["To"].addresses[0].addr_spec == "p2@example.org"
    # cancelling a waitlisted person frees no place and promotes nobody
    client.post(f"/r/{people[3].token}/absagen", data={"confirm": "y"})
    db.session.expire_all()
    assert [p.status for p in registrations(meeting)] == [CANCELLED, CONFIRMED, CONFIRMED, CANCELLED]


def test_personal_link_shows_changes_and_cancels(client, make_meeting):
    meeting = make_meeting()
    client.post(f"/m/{meeting.slug}", data=form_data(meeting))
    [person] = registrations(meeting)
    page = client.get(f"/r/{person.token}").get_data(as_text=True)
    assert "Olena Kovalenko" in page and "angemeldet" in page
    response = client.post(f"/r/{person.token}", data=form_data(meeting, role="Fachbereichsleitung",
                                                                 consent_processing=None, consent_listing=None))
    assert response.status_code == 302
    db.session.expire_all()
    assert person.role == "Fachbereichsleitung"
    assert person.consent_listing is False  # an optional consent can be revoked
    client.post(f"/r/{person.token}/absagen", data={"confirm": "y"})
    db.session.expire_all()
    assert person.status == CANCELLED
    assert "storniert" in client.get(f"/r/{person.token}").get_data(as_text=True)


def test_unknown_token_is_404(client, make_meeting):
    make_meeting()
    assert client.get("/r/gibt-es-nicht").status_code == 404


def test_cancelled_person_may_register_again(client, make_meeting):
    meeting = make_meeting()
    client.post(f"/m/{meeting.slug}", data=form_data(meeting))
    [person] = registrations(meeting)
    client.post(f"/r/{person.token}/absagen", data={"confirm": "y"})
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting))
    assert response.status_code == 302
    db.session.expire_all()
    [again] = registrations(meeting)
    assert again.status == CONFIRMED


def test_closed_registration_accepts_nothing(frozen_clock, client, make_meeting):
    from datetime import timedelta
    meeting = make_meeting(registration_closes=berlin_now() - timedelta(hours=1))
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting))
    assert "nicht geöffnet" in response.get_data(as_text=True)
    assert registrations(meeting) == []


def test_unpublished_meeting_is_not_public(client, make_meeting):
    meeting = make_meeting(is_public=False)
    assert client.get(f"/m/{meeting.slug}").status_code == 404
    assert meeting.title not in client.get("/").get_data(as_text=True)


def test_home_page_lists_meeting_in_german(client, make_meeting):
    meeting = make_meeting()
    page = client.get("/").get_data(as_text=True)
    assert "Kommende Netzwerktreffen" in page
    assert "3. Netzwerktreffen Migration" in page
    assert meeting.date.strftime("%d.%m.%Y") in page
    assert "09:30 Uhr" in page


def test_header_injection_in_name_is_neutralised(client, make_meeting, outbox):
    meeting = make_meeting()
    client.post(f"/m/{meeting.slug}", data=form_data(meeting, given_name="Eve\r\nBcc:",
                                                       family_name="victim@example.org"))
    [message] = outbox()
    assert message["Bcc"] is None
    assert "\n" not in str(message["To"])


def test_control_characters_in_the_public_form_are_removed_not_a_500(client, make_meeting, outbox):
    """NUL (which PostgreSQL refuses in text) and other control characters, as a pasted text or a
    script may send them, are removed by the one text filter of every form; the rest is kept."""
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}", data=form_data(
        meeting, given_name="Olena\x00", family_name=" Kovalenko\x07",
        organisation="\x00Kreisvolkshochschule\x1b Esslingen",
        role="Sprach\x00kursleitung", wishes="Jobcenter\x00 Esslingen\r\nund Arbeitsagentur",
        not_with="Anna\x0b Müller", accessibility="\x00"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    person, = registrations(meeting)
    assert person.name == "Olena Kovalenko"
    assert person.organisation == "Kreisvolkshochschule Esslingen"
    assert person.role == "Sprachkursleitung"
    assert person.wishes == "Jobcenter Esslingen\nund Arbeitsagentur"
    assert person.not_with == "Anna Müller"
    assert person.accessibility == ""


def test_form_asks_given_and_family_name(client, make_meeting):
    """Vorname and Nachname are two fields; the display name is made of them; someone with one name
    leaves Vorname empty, and an empty Nachname is refused in German."""
    meeting = make_meeting()
    page = client.get(f"/m/{meeting.slug}").get_data(as_text=True)
    assert re.search(r'<label for="given_name">Vorname</label>', page)
    assert re.search(r'<label for="family_name">Nachname <span aria-hidden="true">\*</span></label>', page)
    assert 'id="name"' not in page
    client.post(f"/m/{meeting.slug}", data=form_data(meeting, given_name=" Anna ", family_name="von  Berg"))
    client.post(f"/m/{meeting.slug}", data=form_data(meeting, given_name="", family_name="Madonna",
                                                     email="madonna@example.org"))
    assert [(p.given_name, p.family_name, p.name) for p in registrations(meeting)] == [
        ("Anna", "von Berg", "Anna von Berg"), ("", "Madonna", "Madonna")]
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting, given_name="Anna", family_name=" ",
                                                                email="x@example.org"))
    assert response.status_code == 400 and "Bitte geben Sie einen Nachnamen an." in response.get_data(as_text=True)
