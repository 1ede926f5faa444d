"""Every public page fits a phone (390 px wide) without sideways scrolling, with long German content: the
personal page with a published plan, café, contacts and calendar address, the forms, the waiting list,
the cancellation question, login, password reset, error pages and the host's harvest page. The same pages
at desktop width (1280 px) stay within the window too. Screenshots land in $PHONE_SCREENSHOTS (if set)."""
from __future__ import annotations

import os
from pprint import pformat
from datetime import date, timedelta
from pathlib import Path

import pytest

from netzwerktreffen.accounts import service as accounts
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import INVITATION, PASSWORD_RESET, WAITLISTED

from browser_helpers import log_in, too_wide

LONG_ORGANISATIONS = [
    "Industrie- und Handelskammer Region Stuttgart, Bezirkskammer Esslingen-Nürtingen",
    "Volkshochschule Esslingen am Neckar – Fachbereich Deutsch als Zweitsprache",
    "Landratsamt Esslingen, Amt für Migration und Integration – Integrationsmanagement",
    "Afrikanischer Kultur- und Bildungsverein Göppingen-Geislingen e. V.",
    "Caritas Fils-Neckar-Alb – Migrationsberatung für erwachsene Zugewanderte (MBE)",
    "Gemeinsame Einrichtung Jobcenter Landkreis Esslingen, Standort Nürtingen",
]
NAMES = ["Anna-Lena Weber-Schäfer", "Olena Kovalenko-Schwarzenbergerová", "Mehmet Kaya", "Grace Mensah-Oppong",
         "Sabine Wolf", "Tarek Haddad al-Khatib"]


@pytest.fixture
def long_meeting(published_meeting, make_registration):
    """The published six-person meeting, yesterday, with long names, organisations and titles, a café
    table's results and a person on the waiting list."""
    meeting = published_meeting(slug="integrationsnetzwerk-landkreis-esslingen-herbst", names=NAMES)
    meeting.title = "Netzwerktreffen Migration und Integration im Landkreis Esslingen – Arbeitsmarkt, Sprache, Anerkennung"
    meeting.series_name = meeting.title
    meeting.venue = "Großer Sitzungssaal im Kreisberufsschulzentrum Nürtingen-Oberensingen"
    meeting.address = "Bismarckstraße 15–17, Gebäude C, 3. Obergeschoss\n72622 Nürtingen-Oberensingen"
    meeting.contact_name = "Dr. Friederike Hohenstaufen-Württemberger"
    meeting.contact_email = "integrationsbeauftragte.landratsamt@landkreis-esslingen-beispiel.example"
    for person, organisation in zip(sorted(meeting.registrations, key=lambda r: r.id), LONG_ORGANISATIONS):
        person.organisation = organisation
        person.role = "Koordinatorin für Integrationsmanagement und Arbeitsmarktzugang"
        person.email = f"{person.email.split('@')[0]}.ansprechperson@landkreis-esslingen-beispiel.example"
        person.consent_contact = True
        person.consent_listing = True
    table = meeting.blocks[1].cafe_tables[0]
    table.harvest_notes = ["Kinderbetreuungsplätze parallel zu Integrationskursen fehlen in Nürtingen und "
                           "Kirchheim; https://www.landkreis-esslingen-beispiel.example/integration/kinderbetreuung-waehrend-sprachkurs",
                           "Tagesmütter-Netzwerk einbinden."]
    table.harvest_next_steps = "Runder Tisch im Januar mit Jugendamt, Jobcenter und Volkshochschule."
    meeting.capacity = len(meeting.registrations)
    meeting.date = date.today() - timedelta(days=1)
    db.session.commit()
    waiting = make_registration(meeting, name="Wolfgang Müller-Lüdenscheidt", email="wartet@example.org",
                                organisation=LONG_ORGANISATIONS[0])
    assert waiting.status == WAITLISTED
    return meeting


def public_pages(meeting, waiting, open_meeting) -> dict[str, str]:
    host = min(meeting.registrations, key=lambda r: r.id)
    table = meeting.blocks[1].cafe_tables[0]
    _link, reset = accounts._issue(PASSWORD_RESET, meeting.organisers[0].email, timedelta(hours=1),
                                   organiser=meeting.organisers[0])
    _link, invitation = accounts._issue(INVITATION, "neu.im.team@landkreis-esslingen-beispiel.example",
                                        timedelta(days=7), meeting=meeting)
    db.session.commit()
    return {
        "start": "/",
        "anmeldung": f"/m/{open_meeting.slug}",
        "anmeldung-vorbei": f"/m/{meeting.slug}",
        "datenschutz": f"/m/{open_meeting.slug}/datenschutz",
        "link-erneut": f"/m/{open_meeting.slug}/link",
        "persoenlich": f"/r/{host.token}",
        "absagen": f"/r/{host.token}/absagen",
        "ernte": f"/r/{host.token}/ernte/{table.id}",
        "warteliste-danke": f"/r/{waiting.token}/danke",
        "warteliste": f"/r/{waiting.token}",
        "login": "/login",
        "passwort-vergessen": "/passwort-vergessen",
        "passwort-neu": f"/passwort-neu/{reset}",
        "einladung": f"/einladung/{invitation}",
        "link-verbraucht": "/passwort-neu/gibt-es-nicht",
        "nicht-gefunden": "/r/gibt-es-nicht",
    }


def measure(page, base: str, pages: dict[str, str], width: int, shots: Path | None) -> dict[str, dict]:
    page.set_viewport_size({"width": width, "height": 800})
    wide = {}
    for name, path in pages.items():
        page.goto(base + path)
        found = too_wide(page)
        if found["scroll"] > width or found["wide"]:
            wide[name] = found
        if shots:
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    return wide


@pytest.mark.slow
def test_every_public_page_fits_a_phone(live_server, browser_page, long_meeting, make_meeting):
    waiting = next(r for r in long_meeting.registrations if r.status == WAITLISTED)
    open_meeting = make_meeting(slug="anerkennung-auslaendischer-berufsabschluesse-fruehjahr",
                                title=long_meeting.title, venue=long_meeting.venue, address=long_meeting.address,
                                contact_name=long_meeting.contact_name, contact_email=long_meeting.contact_email,
                                languages=["de", "en", "tr", "ar", "uk", "ru", "fa"])
    pages = public_pages(long_meeting, waiting, open_meeting)
    page = browser_page
    # the pages show what they are meant to (else a narrow page might only be an empty one)
    page.goto(live_server + pages["persoenlich"])
    text = page.inner_text("main")
    for expected in ("Ihr persönlicher Ablauf", "Sie treffen", "Tisch 7", "Wen Sie getroffen haben",
                     "Ergebnisse des Pro-Action-Cafés", "Im Kalender", "/kalender/", LONG_ORGANISATIONS[2]):
        assert expected in text, expected
    shots = Path(os.environ["PHONE_SCREENSHOTS"]) if os.environ.get("PHONE_SCREENSHOTS") else None
    for width in (390, 1280):
        wide = measure(page, live_server, pages, width, shots)
        assert not wide, pformat(wide)
    # the registration form with every error shown
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}{pages['anmeldung']}")
    page.fill("#email", "keine-adresse")
    page.fill("#organisation", LONG_ORGANISATIONS[4])
    page.click("text=Verbindlich anmelden")
    page.wait_for_selector(".has-error")
    found = too_wide(page)
    assert found["scroll"] <= 390 and found["wide"] == [], pformat(found)


@pytest.mark.slow
def test_organiser_pages_stay_within_a_desktop_window(live_server, browser_page, long_meeting, organiser):
    """The stylesheet's phone rules leave the organiser's pages intact at desktop width."""
    page = browser_page
    log_in(page, live_server, organiser.email)
    base = f"/organisation/treffen/{long_meeting.slug}"
    person = min(long_meeting.registrations, key=lambda r: r.id)
    pages = {"orga-uebersicht": base, "orga-anmeldungen": f"{base}/anmeldungen",
             "orga-person": f"{base}/anmeldungen/{person.id}", "orga-bearbeiten": f"{base}/bearbeiten",
             "orga-tag": f"{base}/tag/", "orga-ernte": f"{base}/ernte/"}
    shots = Path(os.environ["PHONE_SCREENSHOTS"]) if os.environ.get("PHONE_SCREENSHOTS") else None
    wide = measure(page, live_server, pages, 1280, shots)
    assert not wide, pformat(wide)
    page.goto(live_server + pages["orga-anmeldungen"])
    assert LONG_ORGANISATIONS[2] in page.inner_text("main")
