"""Forms with language checkboxes can be sent with one language ticked: "required" means at least one
(checked on the server, in German), never every checkbox in the browser."""
from __future__ import annotations

import re

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Registration

from browser_helpers import log_in

LANGUAGES = ["de", "en", "tr", "ar"]


def _required_checkboxes(html: str, name: str) -> list[str]:
    return [tag for tag in re.findall(r"<input[^>]*>", html)
            if f'name="{name}"' in tag and 'type="checkbox"' in tag and re.search(r"\srequired", tag)]


@pytest.mark.slow
def test_walk_in_with_one_language_ticked_is_added_in_the_browser(live_server, browser_page, make_meeting,
                                                                  organiser):
    make_meeting(slug="spontan", organisers=[organiser], languages=LANGUAGES)
    page = browser_page
    log_in(page, live_server, organiser.email)
    page.goto(f"{live_server}/organisation/treffen/spontan/tag/")
    form = page.locator("#spontan form")
    form.locator("#given_name").fill("Gülşen")
    form.locator("#family_name").fill("Öztürk-Schäfer")
    form.locator("#organisation").fill("Türkisch-Deutscher Elternverein Göppingen e. V.")
    form.locator("#sector").select_option(index=1)
    for box in form.locator("input[name=languages]").all():
        box.set_checked(box.get_attribute("value") == "tr")
    form.locator("#consent").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=Öztürk-Schäfer, Gülşen")  # the check-in list: "Nachname, Vorname"
    db.session.expire_all()
    added = db.session.scalar(db.select(Registration).where(Registration.name == "Gülşen Öztürk-Schäfer"))
    assert added is not None and added.walk_in and added.languages == ["tr"]


@pytest.mark.slow
def test_public_registration_with_one_language_ticked_in_the_browser(live_server, browser_page, make_meeting):
    make_meeting(slug="eine-sprache", languages=LANGUAGES)
    page = browser_page
    page.goto(f"{live_server}/m/eine-sprache")
    page.fill("#given_name", "Ayşe")
    page.fill("#family_name", "Yılmaz")
    page.fill("#email", "ayse@beratung.example")
    page.fill("#organisation", "Migrationsberatung für erwachsene Zugewanderte Göppingen")
    page.select_option("#sector", index=1)
    for box in page.locator("input[name=languages]").all():
        box.set_checked(box.get_attribute("value") == "ar")
    page.check("text=Ich willige in die Verarbeitung")
    page.click("text=Verbindlich anmelden")
    page.wait_for_selector("text=Vielen Dank, Sie sind angemeldet")
    db.session.expire_all()
    person = db.session.scalar(db.select(Registration).where(Registration.email == "ayse@beratung.example"))
    assert person.languages == ["ar"]


def test_walk_in_without_a_language_is_refused_in_german(make_meeting, organiser, logged_in):
    meeting = make_meeting(slug="spontan", organisers=[organiser], languages=LANGUAGES)
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/tag/spontan", data={
        "given_name": "Walter", "family_name": "Spontan", "organisation": "Bildungswerk Süd", "sector": meeting.sectors[0].id,
        "email": "", "consent": "y"}, follow_redirects=True)
    assert "Bitte wählen Sie mindestens eine Sprache." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Registration).where(Registration.name == "Walter Spontan")) is None


def test_no_form_renders_every_language_checkbox_required(client, make_meeting, make_registration, organiser,
                                                         logged_in):
    meeting = make_meeting(slug="formulare", organisers=[organiser], languages=LANGUAGES)
    person = make_registration(meeting, languages=["de"])
    base = f"/organisation/treffen/{meeting.slug}"
    for url in (f"/m/{meeting.slug}", f"/r/{person.token}", f"{base}/tag/", f"{base}/anmeldungen/neu",
                f"{base}/anmeldungen/{person.id}", f"{base}/bearbeiten"):
        html = logged_in.get(url).get_data(as_text=True)
        assert 'name="languages"' in html, url
        assert _required_checkboxes(html, "languages") == [], url
