"""`flask backup` and `flask restore`: one file, put back into a fresh installation, finds the same data."""
from __future__ import annotations

import shutil
import tarfile
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from netzwerktreffen import create_app
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Meeting, PlanVersion, Registration
from planning_helpers import planned_meeting  # noqa: F401 (fixture)

OLD_KEY = "a1" * 32


@pytest.fixture
def app_config(tmp_path):
    return {"SECRET_KEY_FILE": str(tmp_path / "old-instance" / "secret_key")}


def snapshot() -> dict:
    """What must survive: meetings, registrations (with their personal links) and plans."""
    return {
        "meetings": [(m.slug, m.title, m.date) for m in db.session.scalars(select(Meeting).order_by(Meeting.id))],
        "registrations": [(r.meeting.slug, r.name, r.email, r.organisation, str(r.status), r.token)
                          for r in db.session.scalars(select(Registration).order_by(Registration.id))],
        "plans": [(p.meeting.slug, p.number, str(p.status), p.plan, p.published_at)
                  for p in db.session.scalars(select(PlanVersion).order_by(PlanVersion.id))],
    }


@pytest.fixture
def fresh_database(app, tmp_path):
    """An empty database of the same kind: a new SQLite file, or a new PostgreSQL database."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if app.config["DB_KIND"] == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'fresh.sqlite'}"
        return
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump ist nicht installiert (apt-get install postgresql-client): "
                    "die PostgreSQL-Sicherung wird nicht geprüft")
    import psycopg
    url = make_url(uri)
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False).split("?")[0]
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    schema = url.query["options"].split("search_path=")[1]  # the test run's schema, as in conftest.py
    with psycopg.connect(admin.rsplit("/", 1)[0] + "/" + name, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_installation(app, runner, published_meeting, planned_meeting,
                                                   fresh_database, tmp_path):
    published_meeting()
    planned_meeting(slug="zweites")
    before = snapshot()
    assert len(before["meetings"]) == 2 and len(before["registrations"]) >= 10 and before["plans"]
    key_file = tmp_path / "old-instance" / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(OLD_KEY)
    outbox = tmp_path / "outbox"
    outbox.mkdir(exist_ok=True)
    (outbox / "1-bestaetigung.eml").write_text("Subject: Anmeldung\n\nHallo")

    archive = tmp_path / "sicherung" / "netzwerktreffen.tar.gz"
    result = runner.invoke(args=["backup", "--out", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Sicherung geschrieben" in result.output
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
    assert {"manifest.json", "secret_key", "outbox/1-bestaetigung.eml"} <= names
    assert ("database.sqlite" if app.config["DB_KIND"] == "sqlite" else "database.pgdump") in names

    fresh = tmp_path / "fresh"
    config = {"TESTING": True, "SECRET_KEY": "fresh", "SQLALCHEMY_DATABASE_URI": fresh_database,
              "SECRET_KEY_FILE": str(fresh / "secret_key"), "OUTBOX_DIR": str(fresh / "outbox"),
              "SQLALCHEMY_ENGINE_OPTIONS": {}}
    fresh.mkdir(exist_ok=True)
    (fresh / "secret_key").write_text("generated-by-the-fresh-install")
    restored = create_app(config)
    with restored.app_context():
        from flask_migrate import upgrade
        upgrade()  # the fresh installation as README describes it: installed and migrated, no data
        db.engine.dispose()
        fresh_runner = restored.test_cli_runner()
        result = fresh_runner.invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "zurückgespielt" in result.output
        assert snapshot() == before
        assert (fresh / "secret_key").read_text() == OLD_KEY
        assert (fresh / "outbox" / "1-bestaetigung.eml").read_text().endswith("Hallo")

        # now the database holds data: a second restore is refused unless --force
        db.session.remove()
        result = fresh_runner.invoke(args=["restore", str(archive)])
        assert result.exit_code == 1
        assert "Datenbank ist nicht leer" in result.output and "--force" in result.output
        db.session.execute(db.delete(Registration).where(Registration.meeting_id ==
                                                         db.session.scalar(select(Meeting.id).where(
                                                             Meeting.slug == "zweites"))))
        db.session.commit()
        assert snapshot() != before
        db.session.remove()
        result = fresh_runner.invoke(args=["restore", "--force", str(archive)])
        assert result.exit_code == 0, result.output
        assert snapshot() == before
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_no_backup(runner, tmp_path):
    bogus = tmp_path / "urlaub.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        archive.add(__file__, arcname="bild.jpg")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code == 1
    assert "keine Sicherung von netzwerktreffen" in result.output


def test_without_pg_dump_the_postgresql_backup_says_what_to_install(monkeypatch, tmp_path):
    from netzwerktreffen.core import backup
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    installation = backup.Installation("postgresql+psycopg://nt@127.0.0.1/nt", tmp_path / "secret_key",
                                       tmp_path / "outbox")
    with pytest.raises(backup.BackupError, match="pg_dump ist nicht installiert.*postgresql-client"):
        backup.create_backup(installation, tmp_path / "sicherung.tar.gz")
    assert not (tmp_path / "sicherung.tar.gz").exists()


def test_sqlite_restore_creates_the_database_file_where_there_is_none(app, runner, published_meeting, tmp_path):
    if app.config["DB_KIND"] != "sqlite":
        pytest.skip("a database file of its own: SQLite only")
    published_meeting()
    before = snapshot()
    archive = tmp_path / "sicherung.tar.gz"
    assert runner.invoke(args=["backup", "--out", str(archive)]).exit_code == 0
    target = tmp_path / "neuer-server" / "instance" / "netzwerktreffen.sqlite"
    restored = create_app({"TESTING": True, "SECRET_KEY": "fresh", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}",
                           "SECRET_KEY_FILE": str(tmp_path / "neuer-server" / "secret_key"),
                           "OUTBOX_DIR": str(tmp_path / "neuer-server" / "outbox"), "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert target.exists() and snapshot() == before
        db.session.remove()
        db.engine.dispose()
