"""App set-up: configuration, migrations, CSRF, languages, demo data, SMTP."""
from __future__ import annotations

import re
import socket

import pytest
from sqlalchemy import func, select

from netzwerktreffen.core import config
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, Meeting, Registration


def test_secret_key_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.from_environment(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32
    assert config.from_environment(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "aus-der-umgebung")
    assert config.from_environment(tmp_path)["SECRET_KEY"] == "aus-der-umgebung"


@pytest.mark.parametrize("url, expected", [
    (None, "sqlite:///"),
    ("postgresql://u@db:5432/nt", "postgresql+psycopg://u@db:5432/nt"),
    ("postgres://u@db/nt", "postgresql+psycopg://u@db/nt"),
    ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
])
def test_database_url_from_environment(tmp_path, monkeypatch, url, expected):
    if url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    assert config.from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"].startswith(expected)


def test_mail_and_redis_settings_are_read(tmp_path, monkeypatch):
    for key, value in {"SMTP_HOST": "mail.example", "SMTP_PORT": "2525", "SMTP_USER": "u",
                       "SMTP_PASSWORD": "p", "MAIL_FROM": "treffen@example.org",
                       "REDIS_URL": "redis://127.0.0.1:6379/0"}.items():
        monkeypatch.setenv(key, value)
    settings = config.from_environment(tmp_path)
    assert settings["SMTP_HOST"] == "mail.example" and settings["SMTP_PORT"] == 2525
    assert settings["MAIL_FROM"] == "treffen@example.org"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_migrations_match_the_models(app):
    """The migrated schema has everything the models declare (no forgotten revision)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_without_csrf_token_are_refused(client, make_meeting, make_registration, make_organiser,
                                              app_config):
    meeting = make_meeting()
    person = make_registration(meeting)
    make_organiser()
    posts = {
        f"/m/{meeting.slug}": {"name": "X", "email": "x@example.org"},
        f"/m/{meeting.slug}/link": {"email": "x@example.org"},
        f"/r/{person.token}": {"name": "X"},
        "/login": {"email": "orga@example.org", "password": "richtig-geheim-42"},
    }
    for url, data in posts.items():
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "Formular abgelaufen" in response.get_data(as_text=True)
    # the cancel button is refused without a token too, and nothing happened
    client.post(f"/r/{person.token}/absagen", data={"confirm": "y"})
    db.session.expire_all()
    assert person.status == CONFIRMED
    assert db.session.scalar(select(func.count(Registration.id))) == 1


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_form_with_csrf_token_is_accepted(client, organiser, app_config):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": organiser.email, "password": "richtig-geheim-42",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_english_can_be_chosen(client, make_meeting):
    make_meeting()
    german = client.get("/").get_data(as_text=True)
    assert 'lang="de"' in german and "Kommende Netzwerktreffen" in german
    english = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "Upcoming network meetings" in english
    # the choice sticks for the session
    assert "Upcoming network meetings" in client.get("/").get_data(as_text=True)
    assert "Kommende Netzwerktreffen" in client.get("/?lang=de").get_data(as_text=True)


def test_german_formats(app):
    from datetime import date, datetime, time, timezone
    from netzwerktreffen.core.i18n import format_date, format_datetime, format_time
    with app.test_request_context("/"):
        assert format_date(date(2026, 11, 22)) == "22.11.2026"
        assert format_time(time(14, 30)) == "14:30 Uhr"
        # UTC timestamps are shown in Europe/Berlin, with daylight saving
        assert format_datetime(datetime(2026, 7, 1, 12, 30, tzinfo=timezone.utc)) == "01.07.2026, 14:30 Uhr"
        assert format_datetime(datetime(2026, 11, 22, 12, 30, tzinfo=timezone.utc)) == "22.11.2026, 13:30 Uhr"


def test_demo_command_creates_realistic_meeting(runner):
    result = runner.invoke(args=["demo", "--participants", "40", "--slug", "demo-test"])
    assert result.exit_code == 0, result.output
    assert "demo@netzwerktreffen.example" in result.output
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == "demo-test"))
    assert meeting.count(CONFIRMED) == 40
    assert [b.kind for b in meeting.blocks] == ["speed-networking", "pro-action-cafe"]
    assert meeting.blocks[0].rounds == 8 and meeting.blocks[1].rounds == 3
    assert len(meeting.blocks[1].cafe_tables) == 10  # about one host per four participants
    assert all(t.host is not None and t.question for t in meeting.blocks[1].cafe_tables)
    people = meeting.registrations
    assert len({p.sector.key for p in people}) >= 8
    assert any("de" not in p.languages for p in people)  # a few people without German
    assert len({p.organisation for p in people}) >= 15
    assert all(p.given_name and p.family_name and p.name == f"{p.given_name} {p.family_name}" for p in people)
    # --if-empty does nothing when there is a meeting already
    again = runner.invoke(args=["demo", "--if-empty", "--participants", "10"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    # the same slug twice is refused with a message
    clash = runner.invoke(args=["demo", "--slug", "demo-test"])
    assert clash.exit_code != 0 and "gibt es schon" in clash.output


@pytest.mark.parametrize("app_config", [{"SMTP_HOST": "127.0.0.1", "SMTP_SECURITY": "none"}])
def test_mail_goes_over_smtp_when_configured(app, client, make_meeting, app_config, outbox):
    """A real SMTP server (aiosmtpd) receives the confirmation; nothing lands in the outbox."""
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    handler = Collect()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["SMTP_PORT"] = port
        meeting = make_meeting()
        sector = meeting.sectors[0]
        response = client.post(f"/m/{meeting.slug}", data={
            "given_name": "Ahmad", "family_name": "Al-Hassan", "email": "ahmad@example.org", "organisation": "Syrischer Verein",
            "sector": str(sector.id), "languages": ["de", "en"], "consent_processing": "y"})
        assert response.status_code == 302
    finally:
        controller.stop()
    [envelope] = handler.messages
    assert envelope.rcpt_tos == ["ahmad@example.org"]
    assert b"Anmeldebest" in envelope.content
    assert outbox() == []


def test_failed_smtp_keeps_the_registration(app, client, make_meeting):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_SECURITY="none")  # nothing listens there
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}", data={
        "given_name": "Grace", "family_name": "Mensah", "email": "grace@example.org", "organisation": "Afrikanischer Kulturverein",
        "sector": str(meeting.sectors[1].id), "languages": ["en"], "consent_processing": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Registration.id))) == 1
