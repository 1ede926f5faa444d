"""Pro-Action-Café harvest: hosts write their table's results, organisers see and export them, everyone reads them."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from pypdf import PdfReader

from dates import berlin_today
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CafeTable

BASE = "/organisation/treffen/ablauf/ernte"


def people_of(meeting):
    return sorted(meeting.registrations, key=lambda r: r.id)


def host_form(table_id, notes, next_steps=""):
    data = {f"t{table_id}-notes-{k}": text for k, text in enumerate(notes)}
    data[f"t{table_id}-next_steps"] = next_steps
    return data


def test_host_writes_results_through_the_personal_link(client, published_meeting):
    meeting = published_meeting()
    anna, olena = people_of(meeting)[:2]  # hosts of the two café tables
    table = meeting.blocks[1].cafe_tables[0]
    page = client.get(f"/r/{anna.token}").get_data(as_text=True)
    assert "Ihr Café-Tisch" in page and f"/r/{anna.token}/ernte/{table.id}" in page
    form_page = client.get(f"/r/{anna.token}/ernte/{table.id}").get_data(as_text=True)
    assert "Runde 1: Worum geht es wirklich?" in form_page and "Runde 2: Was fehlt noch?" in form_page
    response = client.post(f"/r/{anna.token}/ernte/{table.id}",
                           data=host_form(table.id, ["Kita-Plätze fehlen", "Tagesmütter einbinden"],
                                          "Runder Tisch mit dem Jugendamt im Januar"))
    assert response.status_code == 302 and response.location.endswith(f"/r/{anna.token}#ernte")
    db.session.expire_all()
    table = db.session.get(CafeTable, table.id)
    assert table.harvest_notes == ["Kita-Plätze fehlen", "Tagesmütter einbinden"]
    assert table.harvest_next_steps == "Runder Tisch mit dem Jugendamt im Januar"
    assert table.harvest_author == "Anna Weber" and table.harvest_updated_at is not None
    # another host, a guest, or a made-up table: not found
    assert client.get(f"/r/{olena.token}/ernte/{table.id}").status_code == 404
    assert client.post(f"/r/{people_of(meeting)[3].token}/ernte/{table.id}",
                       data=host_form(table.id, ["übernommen"])).status_code == 404
    assert client.get(f"/r/{anna.token}/ernte/999999").status_code == 404
    assert "Ihr Café-Tisch" not in client.get(f"/r/{people_of(meeting)[3].token}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CafeTable, table.id).harvest_notes[0] == "Kita-Plätze fehlen"


def test_too_long_notes_are_refused_and_nothing_is_stored(client, published_meeting):
    meeting = published_meeting()
    anna = people_of(meeting)[0]
    table = meeting.blocks[1].cafe_tables[0]
    client.post(f"/r/{anna.token}/ernte/{table.id}", data=host_form(table.id, ["erste Fassung", ""]))
    response = client.post(f"/r/{anna.token}/ernte/{table.id}", data=host_form(table.id, ["x" * 5001, "neu"]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Es wurde nichts gespeichert" in page and "neu" in page  # what was typed is shown again
    db.session.expire_all()
    assert db.session.get(CafeTable, table.id).harvest_notes == ["erste Fassung", ""]


def test_everyone_reads_the_results_after_the_meeting(frozen_clock, client, published_meeting):
    meeting = published_meeting()
    people = people_of(meeting)
    table = meeting.blocks[1].cafe_tables[1]
    table.harvest_notes = ["Anerkennungsstelle überlastet", ""]
    table.harvest_next_steps = "Lotsenprojekt beantragen"
    db.session.commit()
    guest = people[4]
    assert "Anerkennungsstelle überlastet" not in client.get(f"/r/{guest.token}").get_data(as_text=True)
    meeting.date = berlin_today() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/r/{guest.token}").get_data(as_text=True)
    assert "Ergebnisse des Pro-Action-Cafés" in page
    assert "Anerkennungsstelle überlastet" in page and "Lotsenprojekt beantragen" in page
    assert "Kinderbetreuung" not in page.split("Ergebnisse des Pro-Action-Cafés", 1)[1].split("Wen Sie")[0]


def test_organiser_transcribes_and_exports(logged_in, published_meeting):
    meeting = published_meeting()
    table = meeting.blocks[1].cafe_tables[1]
    page = logged_in.get(f"{BASE}/").get_data(as_text=True)
    assert "0 von 2 Tischen" in page and "Café-Ernte" in page
    response = logged_in.post(f"{BASE}/{table.id}", data=host_form(
        table.id, ["=HYPERLINK(\"http://x\")", "Mentoring\nfür Zugewanderte"], "Treffen im März"))
    assert response.status_code == 302
    page = logged_in.get(f"{BASE}/").get_data(as_text=True)
    assert "1 von 2 Tischen" in page and "Treffen im März" in page
    db.session.expire_all()
    assert db.session.get(CafeTable, table.id).harvest_author == ""  # typed in by the organisers

    csv_response = logged_in.get(f"{BASE}/ergebnisse.csv")
    text = csv_response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Block", "Tisch", "Frage des Tisches", "Gastgeber:in", "Runde", "Notizen"]
    mine = [r for r in rows[1:] if r[2] == table.question]
    assert [r[5] for r in mine] == ["'=HYPERLINK(\"http://x\")", "Mentoring\nfür Zugewanderte", "Treffen im März"]
    assert mine[0][1] == "8" and mine[0][3] == "Olena Kovalenko" and mine[2][4] == "Nächste Schritte"

    pdf = logged_in.get(f"{BASE}/ergebnisse.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Ergebnisse des Pro-Action-Cafés" in text and "Treffen im März" in text
    assert "Anerkennung beschleunigen" in text and "Noch nichts eingetragen" in text


def test_other_organisers_and_meetings_are_kept_apart(client, auth, make_organiser, published_meeting):
    meeting = published_meeting()
    other = published_meeting(slug="anders")
    own, foreign = meeting.blocks[1].cafe_tables[0], other.blocks[1].cafe_tables[0]
    make_organiser(email="fremd@example.org")
    auth.login(email="fremd@example.org")
    for url in (f"{BASE}/", f"{BASE}/{own.id}", f"{BASE}/ergebnisse.csv", f"{BASE}/ergebnisse.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{BASE}/{own.id}", data=host_form(own.id, ["fremd"])).status_code == 404
    auth.logout()
    auth.login()
    assert client.get(f"{BASE}/{foreign.id}").status_code == 404  # a table of another meeting
    assert client.post(f"{BASE}/{foreign.id}", data=host_form(foreign.id, ["falsch"])).status_code == 404
    # the host of the other meeting's table cannot write into this meeting's table through their link
    other_host = people_of(other)[0]
    assert client.post(f"/r/{other_host.token}/ernte/{own.id}", data=host_form(own.id, ["falsch"])).status_code == 404
    db.session.expire_all()
    assert db.session.get(CafeTable, own.id).harvest_notes is None
    assert db.session.get(CafeTable, foreign.id).harvest_notes is None


def test_more_note_fields_than_rounds_are_not_stored(client, published_meeting):
    meeting = published_meeting()
    anna = people_of(meeting)[0]
    table = meeting.blocks[1].cafe_tables[0]  # two rounds
    response = client.post(f"/r/{anna.token}/ernte/{table.id}", data=host_form(table.id, [f"n{k}" for k in range(50)]))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CafeTable, table.id).harvest_notes == ["n0", "n1"]


def test_no_harvest_tab_without_a_cafe(logged_in, make_meeting, organiser):
    make_meeting(slug="nur-speed", organisers=[organiser], blocks=False)
    page = logged_in.get("/organisation/treffen/nur-speed").get_data(as_text=True)
    assert "Café-Ernte" not in page
    assert "kein Pro-Action-Café" in logged_in.get("/organisation/treffen/nur-speed/ernte/").get_data(as_text=True)


def test_notes_per_round_are_cleaned_like_every_other_field(logged_in, published_meeting):
    """The fields inside the notes list get the one text filter too (NUL and control characters, space)."""
    meeting = published_meeting()
    table = meeting.blocks[1].cafe_tables[0]
    response = logged_in.post(f"{BASE}/{table.id}", data=host_form(
        table.id, ["  Mentor\x00ing\x07 \r\nfür alle  ", "\x00"], " Treffen\x1b im März "))
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(CafeTable, table.id)
    assert stored.harvest_notes == ["Mentoring \nfür alle", ""]
    assert stored.harvest_next_steps == "Treffen im März"
