"""The printed slip's QR code opens a read-only plan page (/laufzettel/<slip token>), not the personal link:
a lost slip lets nobody change or cancel the registration."""
from __future__ import annotations

import logging

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from netzwerktreffen import create_app
from netzwerktreffen.web.access_log import TokenMaskingFilter, is_token_path

from migration_helpers import insert_old_meeting


def test_plan_page_shows_the_rounds_read_only(published_meeting, client):
    meeting = published_meeting()
    anna = min(meeting.registrations, key=lambda r: r.id)
    response = client.get(f"/laufzettel/{anna.slip_token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert anna.name in page and "Speed Networking, Runde 3" in page and "Saal Neckar" in page
    assert "10:00 Uhr – 10:06 Uhr" in page and "Olena Kovalenko" in page  # times, whom Anna meets
    personal = client.get(f"/r/{anna.token}").get_data(as_text=True)
    table = personal[personal.index('<h2 id="ablauf">'):personal.index("</table>")]
    assert table in page  # the same schedule as on the personal page
    # nothing to change: no form, no cancelling, no personal link, no e-mail addresses of others
    assert "<form" not in page and "stornieren" not in page and anna.token not in page
    assert not any(p.email in page for p in meeting.registrations)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_plan_page_of_an_unknown_or_personal_token_is_not_found(published_meeting, client):
    meeting = published_meeting()
    anna = min(meeting.registrations, key=lambda r: r.id)
    assert client.get("/laufzettel/gibt-es-nicht").status_code == 404
    assert client.get(f"/laufzettel/{anna.token}").status_code == 404  # the personal link's token opens nothing here
    assert client.get(f"/laufzettel/{anna.feed_token}").status_code == 404


def test_plan_page_of_a_cancelled_registration_shows_no_rounds(published_meeting, client):
    from netzwerktreffen.registration import service
    meeting = published_meeting()
    anna = min(meeting.registrations, key=lambda r: r.id)
    service.cancel_registration(anna)
    page = client.get(f"/laufzettel/{anna.slip_token}").get_data(as_text=True)
    assert "Diese Anmeldung ist storniert." in page and "Runde 1" not in page


def test_slip_tokens_are_masked_in_the_logs():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /laufzettel/geheimes-token-123 HTTP/1.1", "200", "-"), None)
    TokenMaskingFilter().filter(record)
    assert record.getMessage() == '"GET /laufzettel/*** HTTP/1.1" 200 -'
    assert is_token_path("/laufzettel/geheimes-token-123")


def test_migration_gives_existing_registrations_their_own_slip_token(tmp_path):
    uri = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(revision="d798fd65759e")
        engine = create_engine(uri)
        with engine.begin() as connection:
            insert_old_meeting(connection)
            for k in range(3):
                connection.execute(text(
                    "INSERT INTO registration (meeting_id, token, status, name, email, organisation, role, "
                    "languages, wishes, not_with, accessibility, locale, consent_version, consent_at, "
                    "consent_listing, consent_contact, created_at, updated_at, feed_token) VALUES (1, :token, "
                    "'confirmed', :name, :email, 'Jobcenter', '', '[\"de\"]', '', '', '', 'de', 'v1', "
                    "'2026-10-01 10:00:00', 0, 0, '2026-10-01 10:00:00', '2026-10-01 10:00:00', :feed)"),
                    {"token": f"personal-{k}", "name": f"Jürgen Müller {k}", "email": f"p{k}@example.org",
                     "feed": f"feed-{k}"})
        upgrade()
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT token, slip_token FROM registration")).fetchall()
        engine.dispose()
    slips = [slip for _token, slip in rows]
    assert len(rows) == 3 and all(slip and len(slip) >= 40 for slip in slips)
    assert len(set(slips)) == 3 and not set(slips) & {token for token, _slip in rows}


def test_browser_phone_opens_the_slip_plan_read_only(live_server, browser_page, published_meeting, tmp_path):
    meeting = published_meeting()
    grace = next(r for r in meeting.registrations if r.name == "Grace Mensah")
    browser_page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(f"{live_server}/laufzettel/{grace.slip_token}")
    assert browser_page.get_by_role("heading", name="Ihr persönlicher Ablauf").is_visible()
    assert browser_page.get_by_text("Grace Mensah", exact=True).is_visible()
    assert browser_page.locator("form, input, button").count() == 0
    browser_page.screenshot(path=str(tmp_path / "laufzettel-390.png"), full_page=True)
