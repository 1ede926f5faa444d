"""A café table stands in its own room: the personal page and the printed slip name that room, not the
café block's room."""
from __future__ import annotations

import io
import re

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import MeetingTable, Room

pytest.importorskip("weasyprint")
from pypdf import PdfReader  # noqa: E402

from netzwerktreffen.day import printing  # noqa: E402

from day_helpers import flat  # noqa: E402


def _table_six_in_saal_1(meeting):
    """The café block is in the "Foyer"; its first table is table 6 in "Saal 1"."""
    cafe = meeting.blocks[1]
    foyer = next(room for room in meeting.rooms if room.name == "Foyer")
    saal = Room(name="Saal 1", tables=[MeetingTable(number=6, seats=6)])
    meeting.rooms.append(saal)
    cafe.room = foyer
    db.session.flush()
    cafe.cafe_tables[0].table = saal.tables[0]
    db.session.commit()
    return meeting.registrations[0]  # hosts the first table in both café rounds


def test_personal_page_names_the_cafe_tables_own_room(client, published_meeting):
    host = _table_six_in_saal_1(published_meeting())
    html = client.get(f"/r/{host.token}").get_data(as_text=True)
    schedule = html[html.index('id="ablauf"'):]
    schedule = schedule[:schedule.index("</table>")]
    cafe_rows = [row for row in re.findall(r"<tr>.*?</tr>", schedule, re.S) if "Pro-Action-Café" in row]
    assert len(cafe_rows) == 2
    for row in cafe_rows:
        assert "Tisch 6" in row and "Saal 1" in row and "Foyer" not in row
    speed_rows = [row for row in re.findall(r"<tr>.*?</tr>", schedule, re.S) if "Speed Networking" in row]
    assert speed_rows and all("Saal Neckar" in row for row in speed_rows)


def test_printed_slip_names_the_room_of_each_round(app, published_meeting):
    meeting = published_meeting()
    host = _table_six_in_saal_1(meeting)
    guest = meeting.registrations[2]  # round 1 at table 6 (Saal 1), round 2 at table 8 (Foyer)
    with app.test_request_context():
        pdf = printing.render_pdf(meeting, "laufzettel", people={host.id})
        guest_pdf = printing.render_pdf(meeting, "laufzettel", people={guest.id})
    text = flat(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "Tisch 6 (Saal 1)" in text and "Foyer" not in text
    assert "Platz 1 (Saal Neckar)" in text
    guest_text = flat(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(guest_pdf)).pages))
    assert "Tisch 6 (Saal 1)" in guest_text and "Tisch 8 (Foyer)" in guest_text
