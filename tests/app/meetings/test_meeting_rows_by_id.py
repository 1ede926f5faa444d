"""Rows chosen by id inside the meetings pages: a café table's host and physical table come only from
what the form offered (an id of another meeting, a huge or negative number: a German message at the
field, nothing saved, never a 500), team members only from the meeting's team, and tables are found
through their room."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CafeTable, Meeting, MeetingTable
from netzwerktreffen.web.common import MAX_ID, owned_or_404

BASE = "/organisation/treffen"
NOT_OFFERED = "Keine gültige Auswahl."


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    from functools import partial

    from werkzeug.security import generate_password_hash
    monkeypatch.setattr("netzwerktreffen.core.models.generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1000"))


def cafe_tables() -> int:
    return db.session.scalar(select(func.count()).select_from(CafeTable))


def foreign_ids(other: Meeting, stranger) -> list[tuple[str, str]]:
    return [("cafe-host", str(stranger.id)), ("cafe-table", str(other.rooms[0].tables[0].id)),
            ("cafe-host", str(MAX_ID + 1)), ("cafe-table", "99999999999999999999"),
            ("cafe-host", "-5"), ("cafe-table", str(MAX_ID))]


def test_cafe_table_refuses_hosts_and_tables_of_another_meeting(logged_in, make_meeting, make_registration,
                                                                 organiser):
    meeting = make_meeting(organisers=[organiser])
    other = make_meeting(slug="anders", organisers=[organiser])
    stranger = make_registration(other, name="Fremde Person")
    cafe = meeting.blocks[1]
    add = f"{BASE}/treffen/ablauf/{cafe.id}/cafe-tische/neu"
    for field, number in foreign_ids(other, stranger):
        data = {"cafe-question": "Wer fehlt?", "cafe-host": "0", "cafe-host_name": "", "cafe-table": "0",
                "cafe-language": ""} | {field: number}
        response = logged_in.post(add, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and NOT_OFFERED in page, (field, number)
        assert f'id="{field}"' in page  # the message stands at the field
    assert cafe_tables() == 0


def test_editing_a_cafe_table_refuses_foreign_rows_and_keeps_it(logged_in, make_meeting, make_registration,
                                                                 organiser):
    meeting = make_meeting(organisers=[organiser])
    other = make_meeting(slug="anders", organisers=[organiser])
    host, stranger = make_registration(meeting, name="Olena"), make_registration(other, name="Fremde Person")
    cafe = meeting.blocks[1]
    cafe.cafe_tables.append(CafeTable(question="Was fehlt?", host=host, table=meeting.rooms[0].tables[1]))
    db.session.commit()
    cafe_table_id, table_id = cafe.cafe_tables[0].id, meeting.rooms[0].tables[1].id
    for field, number in foreign_ids(other, stranger):
        data = {"cafe-question": "Geändert", "cafe-host": str(host.id), "cafe-host_name": "",
                "cafe-table": str(table_id), "cafe-language": ""} | {field: number}
        response = logged_in.post(f"{BASE}/treffen/cafe-tische/{cafe_table_id}", data=data)
        assert response.status_code == 400 and NOT_OFFERED in response.get_data(as_text=True), (field, number)
    db.session.expire_all()
    kept = db.session.get(CafeTable, cafe_table_id)
    assert (kept.question, kept.host_id, kept.table_id) == ("Was fehlt?", host.id, table_id)


def test_only_members_of_the_team_can_be_removed(logged_in, make_meeting, make_organiser, organiser):
    colleague = make_organiser("kollegin@example.org", name="Kollegin")
    outsider = make_organiser("fremd@example.org", name="Fremd")
    meeting = make_meeting(organisers=[organiser, colleague])
    make_meeting(slug="anders", organisers=[outsider])
    for number in (outsider.id, outsider.id + 1000, MAX_ID):
        assert logged_in.post(f"{BASE}/treffen/team/{number}/entfernen").status_code == 404, number
    assert logged_in.post(f"{BASE}/treffen/team/{MAX_ID + 1}/entfernen").status_code == 404
    db.session.expire_all()
    assert {o.email for o in db.session.get(Meeting, meeting.id).organisers} == {organiser.email, colleague.email}
    assert logged_in.post(f"{BASE}/treffen/team/{colleague.id}/entfernen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).organisers == [organiser]


def test_adding_to_the_team_says_why_not_in_german(logged_in, make_meeting, make_organiser, organiser):
    make_meeting(organisers=[organiser])
    # (an address without an account gets an invitation: tests/app/accounts)
    for email, message in [(organiser.email, "Diese Person gehört schon zum Organisationsteam."),
                           ("kein-at-zeichen", "Ungültige E-Mail-Adresse.")]:
        response = logged_in.post(f"{BASE}/treffen/team", data={"email": email})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page, email
        others = {"Diese Person gehört schon zum Organisationsteam.", "Ungültige E-Mail-Adresse."} - {message}
        assert not any(other in page for other in others), email  # one message at the field, not two


def test_tables_belong_to_the_meeting_of_their_room(app, make_meeting, organiser):
    here = make_meeting(slug="hier", organisers=[organiser])
    there = make_meeting(slug="dort", organisers=[organiser])
    table = here.rooms[0].tables[0]
    with app.test_request_context():
        assert owned_or_404(MeetingTable, table.id, here) is table
        with pytest.raises(NotFound):
            owned_or_404(MeetingTable, table.id, there)
