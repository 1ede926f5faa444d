"""The organiser's "Wer macht was" page and its downloads: who acts at each station, the gaps, names only of
those who agreed, only for the meeting's own organisers, and a helpful text where there is nothing yet."""
from __future__ import annotations

import pytest
import vobject

from netzwerktreffen.chains import overview
from netzwerktreffen.core.chains import ProcessChain
from netzwerktreffen.core.extensions import db
from poster_data import HIDDEN, SHARING, STATIONS, add_chain, chain_meeting

URL = "/organisation/treffen/{slug}/wer-macht-was/"


@pytest.fixture
def meeting(app, make_meeting, make_registration, organiser):
    return chain_meeting(make_meeting, make_registration, organiser)


def test_who_does_what_in_station_order_with_gaps_and_only_confirmed_people(meeting):
    [chain] = overview.who_does_what(meeting)
    assert [s.name for s in chain.stations] == STATIONS and [s.number for s in chain.stations] == [1, 2, 3, 4, 5]
    assert [s.name for s in chain.gaps] == ["Anerkennung"]  # the IHK person cancelled
    beratung = {a.organisation: a for a in chain.stations[2].actors}
    assert list(beratung) == ["Migrationsberatung Süd", "Jobcenter Stendal"]  # along the sectors' chain
    jobcenter = beratung["Jobcenter Stendal"]  # "Jobcenter  Stendal" is the same organisation
    assert [p.name for p in jobcenter.people] == ["Ayşe Yılmaz"] and jobcenter.others == 1
    assert jobcenter.offers == ["Beratung zu Leistungen"]
    assert beratung["Migrationsberatung Süd"].people == [] and beratung["Migrationsberatung Süd"].offers == []
    assert [p.name for p in overview.sharing_people([chain])] == sorted(SHARING)


def test_page_shows_stations_organisations_gap_and_only_consenting_names(logged_in, meeting):
    response = logged_in.get(URL.format(slug=meeting.slug))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("Lücke: hier ist niemand") == 1 and "1 Lücke" in page
    for station in STATIONS:
        assert station in page
    places = [page.index(f"</span> {station}</h3>") for station in STATIONS]
    assert places == sorted(places)
    for shown in ["Sprachschule Ölsnitz &amp; Söhne", "Migrationsberatung Süd", "Integrationskurse B1, auch abends",
                  "Jürgen Müller-Lüdenscheidt", "Ayşe Yılmaz", "Kursleitung Integrationskurse"]:
        assert shown in page
    for hidden in HIDDEN:
        assert hidden not in page
    assert "dazu 1 Person ohne Namensnennung" in page
    assert "IHK Magdeburg" not in page
    assert 'href="/organisation/treffen/kette/wer-macht-was/plakat.pdf?format=a4"' in page
    assert 'aria-current="page">Wer macht was</a>' in page  # its tab


def test_page_in_english(logged_in, meeting):
    meeting.chains[0].stations[3].name_en = "Recognition"
    db.session.commit()
    page = logged_in.get(URL.format(slug=meeting.slug) + "?lang=en").get_data(as_text=True)
    assert "Gap: nobody here" in page and "Recognition" in page and "Who does what" in page


def test_poster_download(logged_in, meeting):
    response = logged_in.get(URL.format(slug=meeting.slug) + "plakat.pdf?format=a4")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert 'filename="kette-wer-macht-was-a4.pdf"' in response.headers["Content-Disposition"]


def test_unknown_paper_format_is_a_message(logged_in, meeting):
    response = logged_in.get(URL.format(slug=meeting.slug) + "plakat.pdf?format=letter", follow_redirects=True)
    assert response.status_code == 200
    assert "Das Plakat gibt es in A3 oder A4 (quer), nicht in „letter“." in response.get_data(as_text=True)


def test_contact_cards_of_the_named_people(logged_in, meeting):
    response = logged_in.get(URL.format(slug=meeting.slug) + "kontakte.vcf")
    cards = list(vobject.readComponents(response.get_data(as_text=True)))
    assert sorted(c.fn.value for c in cards) == sorted(SHARING)
    assert all(hidden not in response.get_data(as_text=True) for hidden in HIDDEN)


@pytest.mark.parametrize("path", ["", "plakat.pdf", "plakat.pdf?format=a4", "kontakte.vcf"])
def test_another_organisers_meeting_is_not_found(client, auth, make_organiser, meeting, path):
    make_organiser(email="andere@example.org")
    auth.login(email="andere@example.org")
    assert client.get(URL.format(slug=meeting.slug) + path).status_code == 404
    assert client.get(URL.format(slug="gibt-es-nicht") + path).status_code == 404


def test_login_required(client, meeting):
    response = client.get(URL.format(slug=meeting.slug))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_meeting_without_chains(logged_in, make_meeting, organiser):
    make_meeting(slug="leer", organisers=[organiser], blocks=False)
    page = logged_in.get(URL.format(slug="leer")).get_data(as_text=True)
    assert "Für dieses Treffen gibt es noch keine Prozesskette." in page and "plakat.pdf" not in page
    response = logged_in.get(URL.format(slug="leer") + "plakat.pdf", follow_redirects=True)
    assert response.status_code == 200
    assert "noch keine Prozesskette mit Stationen: das Plakat wäre leer" in response.get_data(as_text=True)


def test_chain_without_stations(logged_in, make_meeting, organiser):
    meeting = make_meeting(slug="leer", organisers=[organiser], blocks=False)
    meeting.chains.append(ProcessChain(name="Neue Kette"))
    db.session.commit()
    page = logged_in.get(URL.format(slug="leer")).get_data(as_text=True)
    assert "Diese Kette hat noch keine Stationen." in page and "Legen Sie zuerst die Stationen an" in page


def test_nobody_marked_a_station(logged_in, app, make_meeting, make_registration, organiser):
    meeting = chain_meeting(make_meeting, make_registration, organiser, slug="unmarkiert", roles=False)
    page = logged_in.get(URL.format(slug=meeting.slug)).get_data(as_text=True)
    assert "Noch hat niemand angegeben, an welcher Station er oder sie mitwirkt." in page
    assert page.count("Lücke: hier ist niemand") == len(STATIONS) and "plakat.pdf" not in page
    response = logged_in.get(URL.format(slug=meeting.slug) + "plakat.pdf?format=a3", follow_redirects=True)
    assert "das Plakat zeigte nur Lücken" in response.get_data(as_text=True)


def test_a_second_chain_with_its_own_gaps(logged_in, meeting):
    add_chain(meeting, "Junge Geflüchtete in Ausbildung", ["Ankunft", "Schule"], position=1)
    [first, second] = overview.who_does_what(meeting)
    assert len(first.gaps) == 1 and [s.name for s in second.gaps] == ["Ankunft", "Schule"]
    page = logged_in.get(URL.format(slug=meeting.slug)).get_data(as_text=True)
    assert page.count("Lücke: hier ist niemand") == 3 and "2 Lücken" in page


def test_stations_of_another_meeting_do_not_leak(app, meeting, make_meeting, make_registration, organiser):
    other = make_meeting(slug="anders", organisers=[organiser], blocks=False)
    person = make_registration(other, name="Fremde Person", organisation="Fremder Verein", consent_contact=True)
    from netzwerktreffen.core.chains import StationRole
    person.stations.append(StationRole(station=meeting.chains[0].stations[3], offer="x"))
    db.session.commit()
    [chain] = overview.who_does_what(meeting)
    assert [s.name for s in chain.gaps] == ["Anerkennung"]
