"""The organiser's page of process chains: add, rename, delete chains; add, edit, move, delete stations."""
from __future__ import annotations

import pytest

from chain_helpers import TRAINING, WORK, chain_meeting, station  # noqa: F401 (fixture)
from netzwerktreffen.core.chains import StationRole
from netzwerktreffen.core.extensions import db


def base(meeting):
    return f"/organisation/treffen/{meeting.slug}/prozessketten"


def test_the_page_lists_chains_and_stations_and_the_meeting_links_to_it(logged_in, chain_meeting):
    meeting = chain_meeting()
    overview = logged_in.get(f"/organisation/treffen/{meeting.slug}").get_data(as_text=True)
    assert f'href="{base(meeting)}/"' in overview and "Prozessketten" in overview
    page = logged_in.get(base(meeting) + "/").get_data(as_text=True)
    assert WORK in page and TRAINING in page and "Integrating refugees into work" in page
    assert page.index("Anerkennung") < page.index("Qualifizierung") < page.index("Arbeit</strong>")
    assert "Integrationskurs und berufsbezogene Deutschsprachförderung." in page


def test_add_rename_and_delete_a_chain(logged_in, chain_meeting):
    meeting = chain_meeting()
    response = logged_in.post(base(meeting) + "/neu", data={"name": "Integration in Studium", "name_en": ""})
    assert response.status_code == 302
    chain = meeting.chains[2]
    assert (chain.name, chain.position, chain.stations) == ("Integration in Studium", 2, [])
    response = logged_in.post(f"{base(meeting)}/{chain.id}", data={"name": "Studium", "name_en": "University"})
    assert response.status_code == 302 and (chain.name, chain.name_en) == ("Studium", "University")
    assert logged_in.post(f"{base(meeting)}/{meeting.chains[0].id}/loeschen").status_code == 302
    assert [(c.name, c.position) for c in meeting.chains] == [(WORK, 0), ("Studium", 1)]


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "Bitte geben Sie einen Namen an."),
    ({"name": "   "}, "Bitte geben Sie einen Namen an."),
    ({"name": "x" * 201}, "nicht länger als 200 Zeichen"),
])
def test_bad_chain_names_are_refused_in_german(logged_in, chain_meeting, data, message):
    meeting = chain_meeting()
    response = logged_in.post(base(meeting) + "/neu", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Die Prozesskette wurde nicht angelegt" in page
    assert message in page.replace("&#34;", '"')
    assert len(meeting.chains) == 2


def test_add_edit_move_and_delete_stations(logged_in, chain_meeting, make_registration):
    meeting = chain_meeting()
    work = meeting.chains[1]
    response = logged_in.post(f"{base(meeting)}/{work.id}/stationen/neu", data={
        "name": "Nachbetreuung", "name_en": "Aftercare", "description": "Im Betrieb bleiben", "description_en": ""})
    assert response.status_code == 302
    assert [s.name for s in work.stations][-2:] == ["Arbeit", "Nachbetreuung"]
    language = station(meeting, WORK, "Sprache")
    response = logged_in.post(f"{base(meeting)}/stationen/{language.id}", data={
        "name": "Deutsch", "name_en": "German", "description": "Kurse", "description_en": "Courses"})
    assert response.status_code == 302
    assert (language.name, language.name_en, language.description_en) == ("Deutsch", "German", "Courses")
    assert logged_in.post(f"{base(meeting)}/stationen/{language.id}/runter").status_code == 302
    db.session.expire_all()
    assert [s.name for s in work.stations][:3] == ["Ankunft", "Beratung", "Deutsch"]
    assert [s.position for s in work.stations] == list(range(7))
    logged_in.post(f"{base(meeting)}/stationen/{language.id}/hoch")
    logged_in.post(f"{base(meeting)}/stationen/{language.id}/hoch")
    db.session.expire_all()
    assert [s.name for s in work.stations][:2] == ["Deutsch", "Ankunft"]
    page = logged_in.post(f"{base(meeting)}/stationen/{language.id}/hoch", follow_redirects=True).get_data(as_text=True)
    assert "steht schon ganz vorn oder ganz hinten" in page
    person = make_registration(meeting, stations=[(language, "Kurse"), (station(meeting, WORK, "Arbeit"), "")])
    assert logged_in.post(f"{base(meeting)}/stationen/{language.id}/loeschen").status_code == 302
    db.session.expire_all()
    assert "Deutsch" not in [s.name for s in work.stations]
    assert [r.station.name for r in person.stations] == ["Arbeit"]
    assert db.session.query(StationRole).count() == 1


def test_bad_station_input_is_refused_in_german(logged_in, chain_meeting):
    meeting = chain_meeting()
    work = meeting.chains[1]
    response = logged_in.post(f"{base(meeting)}/{work.id}/stationen/neu", data={"name": "", "description": "x" * 501})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Bitte geben Sie einen Namen an." in page and "nicht länger als 500 Zeichen" in page
    assert len(work.stations) == 6
    language = station(meeting, WORK, "Sprache")
    response = logged_in.post(f"{base(meeting)}/stationen/{language.id}", data={"name": ""})
    assert response.status_code == 400 and language.name == "Sprache"


def test_other_meetings_ids_are_404(logged_in, chain_meeting, make_meeting):
    mine = chain_meeting()
    theirs = chain_meeting(slug="fremd", organisers=[])
    foreign_chain, foreign_station = theirs.chains[0], theirs.chains[0].stations[0]
    for url in (f"{base(mine)}/{foreign_chain.id}", f"{base(mine)}/{foreign_chain.id}/stationen/neu",
                f"{base(mine)}/stationen/{foreign_station.id}", f"{base(mine)}/99999999999999999999",
                f"{base(mine)}/stationen/0"):
        assert logged_in.get(url).status_code == 404, url
    for url in (f"{base(mine)}/{foreign_chain.id}/loeschen", f"{base(mine)}/stationen/{foreign_station.id}/loeschen",
                f"{base(mine)}/stationen/{foreign_station.id}/hoch", f"{base(mine)}/stationen/{mine.chains[0].stations[0].id}/seitwaerts"):
        assert logged_in.post(url).status_code == 404, url
    assert logged_in.get(base(theirs) + "/").status_code == 404
    assert len(theirs.chains) == 2 and len(theirs.chains[0].stations) == 6


def test_logged_out_visitors_are_sent_to_login(client, chain_meeting):
    response = client.get(base(chain_meeting()) + "/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
