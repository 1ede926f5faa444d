"""People mark the stations where they act (public form, personal page), organisers correct it; CSV export and
import; the marks go with the personal data."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from chain_helpers import TRAINING, WORK, chain_meeting, station, station_names  # noqa: F401 (fixture)
from netzwerktreffen.core.chains import StationRole
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Registration
from netzwerktreffen.meetings import service as meetings
from netzwerktreffen.registration.csv_io import export_csv, parse_csv, to_registrations


def public_form(meeting, **overrides):
    sector = next(s for s in meeting.sectors if s.key == "sprachschule")
    data = {"given_name": "Olena", "family_name": "Kovalenko", "email": "olena@vhs.example",
            "organisation": "Kreisvolkshochschule Stendal", "sector": str(sector.id), "languages": ["de"],
            "blocks": [str(b.id) for b in meeting.blocks], "consent_processing": "y"}
    data.update(overrides)
    return data


def the_person(meeting):
    return db.session.scalar(select(Registration).where(Registration.meeting_id == meeting.id))


def test_the_public_form_shows_a_fieldset_per_chain_and_stores_the_marks(client, chain_meeting):
    meeting = chain_meeting()
    page = client.get(f"/m/{meeting.slug}").get_data(as_text=True)
    assert page.count('<fieldset class="chain">') == 2
    assert f"<legend>{TRAINING}</legend>" in page and "Berufsorientierung" in page
    assert "Integrationskurs und berufsbezogene Deutschsprachförderung." in page  # the description
    language, counselling = station(meeting, WORK, "Sprache"), station(meeting, WORK, "Beratung")
    response = client.post(f"/m/{meeting.slug}", data=public_form(meeting, **{
        "station_ids": [str(language.id), str(counselling.id)],
        f"station_offer_{language.id}": "  Integrationskurse am Abend  ",
        f"station_offer_{station(meeting, TRAINING, 'Schule').id}": "not ticked, not kept"}))
    assert response.status_code == 302
    person = the_person(meeting)
    assert station_names(person) == [f"{WORK}: Beratung", f"{WORK}: Sprache"]
    assert {r.station.name: r.offer for r in person.stations} == {"Sprache": "Integrationskurse am Abend",
                                                                   "Beratung": ""}


def test_english_form_shows_english_names(client, chain_meeting):
    meeting = chain_meeting()
    page = client.get(f"/m/{meeting.slug}?lang=en").get_data(as_text=True)
    assert "Integrating refugees into work" in page and "Recognition" in page
    assert "Bridging courses, further training, skilled-worker programmes." in page


def test_bad_station_input_is_refused_in_german(client, chain_meeting):
    meeting = chain_meeting()
    language = station(meeting, WORK, "Sprache")
    response = client.post(f"/m/{meeting.slug}", data=public_form(meeting, **{
        "station_ids": [str(language.id)], f"station_offer_{language.id}": "x" * 301}))
    assert response.status_code == 400
    assert "Feld kann nicht länger als 300 Zeichen sein." in response.get_data(as_text=True)
    response = client.post(f"/m/{meeting.slug}", data=public_form(meeting, station_ids=["999999"]))
    assert response.status_code == 400 and the_person(meeting) is None
    assert "Eine der angekreuzten Stationen gibt es bei diesem Treffen nicht (mehr)." in response.get_data(as_text=True)
    response = client.post(f"/m/{meeting.slug}", data=public_form(meeting, station_ids=["Sprache"]))
    assert response.status_code == 400 and the_person(meeting) is None


def test_the_personal_page_changes_the_marks(client, chain_meeting, make_registration):
    meeting = chain_meeting()
    person = make_registration(meeting, stations=[(station(meeting, WORK, "Sprache"), "Kurse")])
    page = client.get(f"/r/{person.token}").get_data(as_text=True)
    language = station(meeting, WORK, "Sprache")
    assert f'value="{language.id}" checked' in page and 'value="Kurse"' in page
    recognition = station(meeting, WORK, "Anerkennung")
    response = client.post(f"/r/{person.token}", data=public_form(
        meeting, given_name="", family_name=person.family_name, email=person.email, organisation="VHS",
        consent_processing=None, **{"station_ids": [str(language.id), str(recognition.id)],
                                    f"station_offer_{language.id}": "Abendkurse",
                                    f"station_offer_{recognition.id}": "Lotsen"}))
    assert response.status_code == 302
    db.session.expire_all()
    assert {r.station.name: r.offer for r in person.stations} == {"Sprache": "Abendkurse", "Anerkennung": "Lotsen"}
    client.post(f"/r/{person.token}", data=public_form(
        meeting, given_name="", family_name=person.family_name, email=person.email, organisation="VHS",
        consent_processing=None))
    db.session.expire_all()
    assert person.stations == []


def test_the_organiser_corrects_the_marks(logged_in, chain_meeting, make_registration):
    meeting = chain_meeting()
    person = make_registration(meeting, stations=[(station(meeting, WORK, "Sprache"), "Kurse")])
    work = station(meeting, WORK, "Arbeit")
    url = f"/organisation/treffen/{meeting.slug}/anmeldungen/{person.id}"
    assert "Integrationskurs und berufsbezogene" in logged_in.get(url).get_data(as_text=True)
    response = logged_in.post(url, data={
        "given_name": person.given_name, "family_name": person.family_name, "email": person.email,
        "organisation": person.organisation, "sector": str(person.sector_id), "languages": ["de"],
        "station_ids": [str(work.id)], f"station_offer_{work.id}": "Stellen in der Pflege"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert [(r.station.name, r.offer) for r in person.stations] == [("Arbeit", "Stellen in der Pflege")]


def test_csv_export_has_a_stations_column_and_import_reads_it(chain_meeting, make_registration):
    meeting = chain_meeting()
    make_registration(meeting, stations=[(station(meeting, WORK, "Sprache"), "Kurse"),
                                         (station(meeting, WORK, "Anerkennung"), "")])
    make_registration(meeting)
    text = export_csv(meeting.registrations).decode("utf-8-sig")
    header, first, second = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert header[header.index("Bedarfe") + 1] == "Stationen"
    column = header.index("Stationen")
    # "Sprache" is a station of both chains, "Anerkennung" of one only
    assert first[column] == f"{WORK}: Sprache; Anerkennung"
    assert second[column] == ""
    rows = ("Nachname;E-Mail;Organisation;Bereich;Stationen\n"
            f'Berg;berg@example.org;VHS;sprachschule;"Anerkennung; {WORK}:Sprache"\n'
            "Kaya;kaya@example.org;IHK;kammer;Sprache\n"
            "Lang;lang@example.org;IHK;kammer;Mond\n")
    _imported, errors = to_registrations(parse_csv(rows.encode()).rows, meeting)
    assert errors == [
        "Zeile 3: Die Station „Sprache“ gibt es in mehreren Prozessketten; bitte „Prozesskette: Station“ "
        f"schreiben, z. B. „{TRAINING}: Sprache“",
        "Zeile 4: Station „Mond“ unbekannt"]
    good, _errors = to_registrations(parse_csv(
        ("Nachname;E-Mail;Organisation;Bereich;Stationen\n"
         f'Berg;berg@example.org;VHS;sprachschule;"Anerkennung; {WORK} : Sprache"\n').encode()).rows, meeting)
    assert [(s.chain.name, s.name, offer) for s, offer in good[0].data.stations] == [
        (WORK, "Anerkennung", ""), (WORK, "Sprache", "")]


def test_the_marks_go_with_the_personal_data(chain_meeting, make_registration):
    meeting = chain_meeting()
    for _k in range(3):
        make_registration(meeting, stations=[(station(meeting, WORK, "Sprache"), "Kurse")])
    other = chain_meeting(slug="anderes")
    make_registration(other, stations=[(station(other, WORK, "Sprache"), "bleibt")])
    assert db.session.scalar(select(func.count(StationRole.id))) == 4
    meetings.purge_personal_data(meeting)
    assert [r.offer for r in db.session.scalars(select(StationRole))] == ["bleibt"]
    assert len(meeting.chains) == 2  # the chains themselves are the meeting's, not personal data
    meetings.delete_meeting(other)
    assert db.session.scalar(select(func.count(StationRole.id))) == 0


def test_the_import_page_names_the_stations(logged_in, chain_meeting):
    meeting = chain_meeting()
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/anmeldungen/import").get_data(as_text=True)
    assert "<code>Stationen</code>" in page
    assert f"{WORK}: Ankunft → Sprache → Beratung → Anerkennung → Qualifizierung → Arbeit" in page
