"""The day at the desk: check-in, walk-ins, no-shows, re-planning from the page, the projector's clock."""
from __future__ import annotations

import re

import pytest

from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.day.checkin import WALK_IN_DOMAIN
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED

from day_helpers import make_day_meeting, publish_plan


@pytest.fixture
def day_meeting(app, make_meeting, make_registration, organiser):
    return make_day_meeting(make_meeting, make_registration, organiser, tables=6)


def url(meeting, path=""):
    return f"/organisation/treffen/{meeting.slug}/tag/{path}"


def person(meeting, name):
    return next(r for r in meeting.registrations if r.name == name)


def test_check_in_page_lists_and_searches(day_meeting, logged_in):
    page = logged_in.get(url(day_meeting)).get_data(as_text=True)
    assert "Weber, Anna" in page and "Aydın, Zeynep" in page and "Angekommen" in page
    found = logged_in.get(url(day_meeting) + "?q=jobcenter").get_data(as_text=True)
    assert "Weber, Anna" in found and "Koch, Jens" in found and "Lange, Heike" not in found
    found = logged_in.get(url(day_meeting) + "?q=heike lange").get_data(as_text=True)
    assert "Lange, Heike" in found and "Weber, Anna" not in found


def test_check_in_page_is_sorted_by_family_name_with_umlauts_folded(day_meeting, logged_in, make_registration):
    """The desk looks people up by family name: "Nachname, Vorname", "von Berg" under B, "Özdemir"
    between "Oz…" and "P…" (DIN 5007), one-name people by that name."""
    day_meeting.capacity += 5
    for name in ("Ayşe Özdemir", "Anna von Berg", "Ozan Ozan", "Madonna", "Ludwig  Ärmel"):
        make_registration(day_meeting, name=name)
    page = logged_in.get(url(day_meeting)).get_data(as_text=True)
    listed = re.findall(r'<div class="who">\s*<strong>([^<]+)</strong>', page)
    assert listed == ["Ärmel, Ludwig", "Aydın, Zeynep", "von Berg, Anna", "Haddad, Tarek", "Hosseini, Amina",
                      "Kaya, Mehmet", "Koch, Jens", "Kovalenko, Olena", "Lange, Heike", "Madonna",
                      "Mensah, Grace", "Øster-Müller, Björn", "Ozan, Ozan", "Özdemir, Ayşe", "Richter, Uwe",
                      "Weber, Anna", "Wolf, Sabine"]


def test_arrive_no_show_and_reset(day_meeting, logged_in):
    anna = person(day_meeting, "Anna Weber")
    response = logged_in.post(url(day_meeting, f"{anna.id}/angekommen"), data={"q": "anna"})
    assert response.status_code == 302 and "q=anna" in response.location and response.location.endswith(f"#r{anna.id}")
    db.session.refresh(anna)
    assert anna.checked_in_at is not None and not anna.no_show
    assert "angekommen um" in logged_in.get(url(day_meeting) + "?q=anna").get_data(as_text=True)
    logged_in.post(url(day_meeting, f"{anna.id}/nicht-erschienen"))
    db.session.refresh(anna)
    assert anna.no_show and anna.checked_in_at is None
    logged_in.post(url(day_meeting, f"{anna.id}/zuruecksetzen"))
    db.session.refresh(anna)
    assert not anna.no_show and anna.checked_in_at is None


def test_mark_everyone_open_as_no_show(day_meeting, logged_in):
    logged_in.post(url(day_meeting, f"{person(day_meeting, 'Anna Weber').id}/angekommen"))
    logged_in.post(url(day_meeting, "offene-fehlen"))
    db.session.expire_all()
    states = {r.name: r.no_show for r in day_meeting.registrations}
    assert states["Anna Weber"] is False and sum(states.values()) == len(states) - 1


def test_walk_in_without_address_gets_a_placeholder_and_is_confirmed_beyond_capacity(day_meeting, logged_in):
    day_meeting.capacity = len(day_meeting.registrations)  # full
    db.session.commit()
    sector = day_meeting.sectors[2]
    response = logged_in.post(url(day_meeting, "spontan"), data={
        "given_name": " Walter ", "family_name": "Spontan", "organisation": "Bildungswerk Süd", "sector": sector.id,
        "email": "",        "languages": ["de"], "blocks": [b.id for b in day_meeting.blocks], "consent": "y"})
    assert response.status_code == 302
    walk_in = person(day_meeting, "Walter Spontan")
    assert (walk_in.given_name, walk_in.family_name) == ("Walter", "Spontan")
    assert walk_in.status == CONFIRMED and walk_in.walk_in and walk_in.checked_in_at is not None
    assert walk_in.email.endswith("@" + WALK_IN_DOMAIN) and walk_in.sector == sector
    assert [b.id for b in walk_in.blocks] == [b.id for b in day_meeting.blocks]
    assert walk_in.consent_version.startswith("walk-in/") and walk_in.consent_at is not None
    page = logged_in.get(response.location).get_data(as_text=True)
    assert "Walter Spontan" in page and "spontan" in page


def test_walk_in_form_errors_and_existing_address(day_meeting, logged_in):
    response = logged_in.post(url(day_meeting, "spontan"), data={"family_name": "", "organisation": ""},
                              follow_redirects=True)
    assert "Nachname: Bitte geben Sie einen Nachnamen an." in response.get_data(as_text=True)
    assert "Ohne Einwilligung" in response.get_data(as_text=True)
    assert len(day_meeting.registrations) == 12
    response = logged_in.post(url(day_meeting, "spontan"), data={
        "given_name": "Anna", "family_name": "W.", "organisation": "Jobcenter", "sector": day_meeting.sectors[0].id,
        "email": "person0@example.org", "languages": ["de"], "consent": "y"}, follow_redirects=True)
    assert "bereits Anna Weber angemeldet" in response.get_data(as_text=True)


def test_replan_from_the_page_shows_the_affected_and_offers_reprints(day_meeting, logged_in):
    publish_plan(day_meeting)
    speed, cafe = day_meeting.blocks
    for name in ("Heike Lange", "Uwe Richter"):
        logged_in.post(url(day_meeting, f"{person(day_meeting, name).id}/nicht-erschienen"))
    response = logged_in.post(url(day_meeting, "neu-planen"), data={
        f"held-{scheduling.block_key(speed)}": "1", f"held-{scheduling.block_key(cafe)}": "0"})
    assert response.status_code == 302 and "/tag/neuplanung" in response.location
    db.session.expire_all()
    assert speed.rounds_held == 1
    latest = scheduling.published(day_meeting)
    assert latest.source == "replan"
    page = logged_in.get(response.location).get_data(as_text=True)
    assert "Betroffene" in page and "personen=" in page and "runden=" in page
    affected = page.split("Betroffene (", 1)[1].split("</table>")[0]
    assert affected.count("<strong>") >= 2  # the no-shows' partners
    assert "<strong>Heike Lange</strong>" not in affected and "<strong>Uwe Richter</strong>" not in affected
    import re
    for link in re.findall(r'href="([^"]*/drucken/[^"]*)"', page):
        pdf = logged_in.get(link.replace("&amp;", "&"))
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), link


def test_replan_without_published_plan_is_explained(day_meeting, logged_in):
    response = logged_in.post(url(day_meeting, "neu-planen"), data={}, follow_redirects=True)
    assert "noch keinen veröffentlichten Rundenplan" in response.get_data(as_text=True)


def test_projector_page_and_agenda(day_meeting, logged_in):
    publish_plan(day_meeting)
    page = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/beamer/").get_data(as_text=True)
    assert "ablauf.json" in page and "Jetzt starten" in page
    data = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/beamer/ablauf.json").get_json()
    speed, cafe = day_meeting.blocks
    assert len(data["rounds"]) == speed.rounds + cafe.rounds
    first = data["rounds"][0]
    assert first["round"] == 1 and first["rounds"] == 4 and first["end"] - first["start"] == 6 * 60 * 1000
    assert data["rounds"][1]["start"] - first["end"] == 2 * 60 * 1000  # changeover
    names = {name for spot in first["spots"] for name in spot["names"]}
    assert names == {r.name for r in day_meeting.registrations}
    cafe_round = data["rounds"][speed.rounds]
    assert cafe_round["question"] == "Was ist die Frage hinter der Frage?"
    assert {spot["question"] for spot in cafe_round["spots"]} == {t.question for t in cafe.cafe_tables}


def test_other_organisers_cannot_see_the_day(day_meeting, client, auth, make_organiser):
    make_organiser(email="fremd@example.org")
    auth.login(email="fremd@example.org")
    assert client.get(url(day_meeting)).status_code == 404
    assert client.get(f"/organisation/treffen/{day_meeting.slug}/beamer/ablauf.json").status_code == 404
    assert client.get(url(day_meeting, "drucken/checkin.pdf")).status_code == 404


def test_rounds_held_suggested_by_the_clock_on_the_day(day_meeting):
    from datetime import datetime

    from netzwerktreffen.day.replanning import suggested_held
    speed, cafe = day_meeting.blocks
    day_meeting.date = datetime(2026, 11, 22).date()
    at = datetime(2026, 11, 22, 10, 17)  # rounds at 10:00, 10:08, 10:16, 10:24
    assert suggested_held(day_meeting, at) == {scheduling.block_key(speed): 3, scheduling.block_key(cafe): 0}
    speed.rounds_held = 4
    assert suggested_held(day_meeting, at)[scheduling.block_key(speed)] == 4
    assert suggested_held(day_meeting, datetime(2026, 11, 21, 12, 0))[scheduling.block_key(cafe)] == 0


@pytest.mark.slow
def test_projector_clock_runs_pauses_and_signals_the_end_of_a_round(day_meeting, live_server, browser_page,
                                                                     organiser):
    from datetime import datetime, time as clock_time

    from netzwerktreffen.core.i18n import BERLIN, local_now
    publish_plan(day_meeting)
    page = browser_page
    nine = datetime.combine(local_now().date(), clock_time(9, 0), tzinfo=BERLIN)  # before the first round
    page.clock.install(time=nine.timestamp())
    page.goto(f"{live_server}/login")
    page.fill("#email", organiser.email)
    page.fill("#password", "richtig-geheim-42")
    page.click("button:has-text('Anmelden')")
    page.goto(f"{live_server}/organisation/treffen/{day_meeting.slug}/beamer/")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator("#spots > *").first.wait_for(state="attached")  # no wait_for_function: the CSP forbids eval
    assert page.inner_text("#round") == "Als Nächstes: Runde 1 von 4"
    assert page.inner_text("#now") in ("09:00", "09:01")  # Berlin's time, whatever the browser's time zone
    assert page.inner_text("#left") in ("60:00", "59:59", "59:58")
    page.keyboard.press("s")  # round 1 starts now
    page.clock.run_for(1000)
    assert page.inner_text("#round") == "Runde 1 von 4"
    page.keyboard.press("ArrowRight")
    page.clock.run_for(1000)
    assert page.inner_text("#round") == "Runde 2 von 4" and page.inner_text("#left") in ("06:00", "05:59")
    assert "Anna Weber" in page.inner_text("#spots")
    page.keyboard.press(" ")
    page.clock.run_for(1000)
    assert "angehalten" in page.inner_text("#state")
    left = page.inner_text("#left")
    page.clock.run_for(5000)
    assert page.inner_text("#left") == left  # paused: the time left stands still
    page.keyboard.press(" ")
    page.clock.run_for(6 * 60 * 1000)
    assert page.inner_text("#round") == "Ende der Runde – bitte wechseln"
    assert "over" in page.get_attribute("body", "class")
    page.clock.run_for(2 * 60 * 1000)  # the changeover is over: round 3 runs by itself
    assert page.inner_text("#round") == "Runde 3 von 4"
