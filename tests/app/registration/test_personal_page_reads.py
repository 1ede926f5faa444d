"""Showing the personal page writes nothing: no INSERT, UPDATE or DELETE, no commit."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from netzwerktreffen.core.extensions import db

WRITES = ("insert", "update", "delete")


@contextmanager
def writes_recorded():
    """The SQL writes and commits of everything run inside, as a list."""
    seen = []

    def statement(_conn, _cursor, sql, *args):
        if sql.lstrip().lower().startswith(WRITES):
            seen.append(sql)

    def commit(_conn):
        seen.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)


@pytest.mark.parametrize("when", ["before", "after"])
def test_showing_the_personal_page_writes_nothing(client, published_meeting, when):
    meeting = published_meeting()
    if when == "after":  # contacts and the café's results are shown too
        meeting.date = date.today() - timedelta(days=1)
        db.session.commit()
    person = sorted(meeting.registrations, key=lambda r: r.id)[2]
    with writes_recorded() as writes:
        response = client.get(f"/r/{person.token}")
    assert response.status_code == 200
    assert "Speed Networking" in response.get_data(as_text=True)
    assert writes == []


def test_the_organisers_pages_of_a_person_write_nothing(logged_in, published_meeting):
    meeting = published_meeting()
    person = meeting.registrations[0]
    base = f"/organisation/treffen/{meeting.slug}/anmeldungen"
    with writes_recorded() as writes:
        for url in (base, f"{base}/{person.id}", f"{base}/neu", f"{base}/import", f"{base}/export.csv"):
            assert logged_in.get(url).status_code == 200, url
    assert writes == []
