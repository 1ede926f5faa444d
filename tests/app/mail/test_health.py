"""/healthz for monitoring: database, Redis when configured, the outbox backlog and the age of the oldest unsent
mail; 503 when the database (or a configured Redis) cannot be reached; no login, no personal data."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from netzwerktreffen import create_app
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import FAILED, QUEUED, SENT, OutboxMessage, Registration

CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


def health(client):
    response = client.get("/healthz")
    assert response.mimetype == "application/json" and response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_healthy_without_redis(client):
    assert health(client) == (200, {"status": "ok", "database": "ok", "redis": "not configured",
                                    "outbox": {"queued": 0, "failed": 0, "oldest_unsent_seconds": None}})


@pytest.mark.parametrize("app_config", [{"MAIL_DELIVERY": "manual"}])
def test_the_backlog_and_the_oldest_unsent_mail(client, make_meeting, app_config):
    meeting = make_meeting()
    for n in range(4):  # each registration queues its confirmation (sent by cron: MAIL_DELIVERY=manual)
        response = client.post(f"/m/{meeting.slug}", data={
            "given_name": "Olena", "family_name": f"Kovalenko {n}", "email": f"olena{n}@vhs.example",
            "organisation": "VHS Esslingen",
            "sector": str(meeting.sectors[0].id), "languages": ["de"], "consent_processing": "y"})
        assert response.status_code == 302
    people = db.session.scalars(select(Registration)).all()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(rows) == 4 and {row.status for row in rows} == {QUEUED}
    now = datetime.now(timezone.utc)
    rows[0].status, rows[0].created_at = SENT, now - timedelta(days=3)      # sent long ago: not waiting
    rows[1].status, rows[1].created_at = FAILED, now - timedelta(days=2)    # given up: counted apart
    rows[2].created_at = now - timedelta(hours=2)                           # waiting for two hours
    db.session.commit()
    status, report = health(client)
    assert status == 200 and report["database"] == "ok"
    outbox = report["outbox"]
    assert outbox["queued"] == 2 and outbox["failed"] == 1
    assert 7200 <= outbox["oldest_unsent_seconds"] < 7200 + 600
    body = client.get("/healthz").get_data(as_text=True)
    for person in people:  # counts and ages only
        assert person.email not in body and person.name not in body and person.token not in body
    assert "Anmeldebest" not in body and meeting.slug not in body


def test_no_login_needed_and_the_same_answer_for_an_organiser(client, auth, organiser):
    anonymous = health(client)
    auth.login()
    assert health(client) == anonymous and anonymous[0] == 200


def test_a_reachable_redis_is_reported(app, client, redis_url):
    app.config["REDIS_URL"] = redis_url
    status, report = health(client)
    assert (status, report["redis"], report["database"]) == (200, "ok", "ok")


def test_an_unreachable_redis_gives_503(app, client):
    app.config["REDIS_URL"] = CLOSED_REDIS
    status, report = health(client)
    assert status == 503 and report["status"] == "error"
    assert report["redis"] == "error" and report["database"] == "ok" and report["outbox"]["queued"] == 0


def test_an_unreachable_database_gives_503(database, tmp_path):
    """Each database kind, pointed at a server or file that is not there."""
    kind, _uri, _options = database
    unreachable = {"sqlite": f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.sqlite'}",
                   "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=3"}[kind]
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": unreachable,
                      "OUTBOX_DIR": str(tmp_path / "outbox"), "MAIL_DELIVERY": "inline"})
    with app.app_context():
        status, report = health(app.test_client())
        db.engine.dispose()
    assert status == 503
    assert report == {"status": "error", "database": "error", "redis": "not configured", "outbox": None}
