"""One backup file for one installation: the database, the secret key and the outbox.

``flask backup --out FILE`` writes a tar.gz with

- ``manifest.json``: format, database kind, time of the backup;
- ``database.sqlite`` (SQLite's online backup API: a consistent copy while the
  app keeps running) or ``database.pgdump`` (``pg_dump --format=custom``);
- ``secret_key`` (``instance/secret_key``, if there is one): sessions, CSRF
  tokens and the personal links' signatures stay valid after a restore;
- ``outbox/``: mail written to files (without SMTP).

``flask restore FILE`` puts these back; it refuses a database that already
holds rows unless told to overwrite it. Nothing here knows the features: the
database is copied as a whole.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

FORMAT = 1
SQLITE_MEMBER = "database.sqlite"
POSTGRES_MEMBER = "database.pgdump"


class BackupError(Exception):
    """A refusal or failure, in German, for the person at the terminal."""


@dataclass
class Installation:
    """Where one installation keeps its data."""
    database_uri: str
    secret_key_file: Path
    outbox_dir: Path

    @property
    def kind(self) -> str:
        backend = make_url(self.database_uri).get_backend_name()
        if backend in ("sqlite", "postgresql"):
            return backend
        raise BackupError(f"Sicherung für diese Datenbank nicht möglich (DATABASE_URL: {backend}); "
                          "unterstützt sind SQLite und PostgreSQL.")


# --- PostgreSQL through pg_dump / pg_restore -----------------------------------------------------

def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} ist nicht installiert; für die Sicherung von PostgreSQL bitte "
                          "das Paket postgresql-client installieren (apt-get install postgresql-client).")
    return path


def _libpq(uri: str) -> tuple[str, dict[str, str], str | None]:
    """(libpq URL, environment with the password, the schema from search_path or None)."""
    url = make_url(uri)
    schema = None
    options = url.query.get("options") or ()
    for option in (options,) if isinstance(options, str) else options:
        for part in option.split():
            if part.startswith("-csearch_path="):
                schema = part.split("=", 1)[1].split(",")[0].strip()
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    # the password travels in PGPASSWORD, not on the command line (where ps would show it)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    return plain.render_as_string(hide_password=False), env, schema


def _pg_dump(uri: str, target: Path) -> None:
    dsn, env, schema = _libpq(uri)
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    if schema:  # the app lives in a schema of its own (search_path in DATABASE_URL): only that one
        command.append(f"--schema={schema}")
    _run(command + [f"--dbname={dsn}"], env, "pg_dump")


def _pg_restore(uri: str, source: Path) -> None:
    dsn, env, _ = _libpq(uri)
    command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
               "--single-transaction", "--exit-on-error", f"--dbname={dsn}", str(source)]
    _run(command, env, "pg_restore")


def _run(command: list[str], env: dict, name: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{name} ist fehlgeschlagen: {result.stderr.strip()[-1000:]}")


# --- SQLite through its online backup API --------------------------------------------------------

def _sqlite_path(uri: str) -> Path:
    database = make_url(uri).database
    if not database or database == ":memory:":
        raise BackupError("Eine SQLite-Datenbank im Arbeitsspeicher lässt sich nicht sichern (DATABASE_URL).")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a whole SQLite database page by page; readers and writers of the source may go on."""
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


# --- the archive ---------------------------------------------------------------------------------

def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    info.mtime = int(datetime.now(timezone.utc).timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(installation: Installation, out: Path) -> dict:
    """Write the backup file ``out``; returns what went into it."""
    kind = installation.kind
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="netzwerktreffen-backup-") as scratch:
        dump = Path(scratch) / (SQLITE_MEMBER if kind == "sqlite" else POSTGRES_MEMBER)
        if kind == "sqlite":
            source = _sqlite_path(installation.database_uri)
            if not source.exists():
                raise BackupError(f"Die SQLite-Datenbank {source} gibt es nicht (DATABASE_URL).")
            _sqlite_copy(source, dump)
        else:
            _pg_dump(installation.database_uri, dump)
        mails = sorted(p for p in installation.outbox_dir.rglob("*") if p.is_file()) \
            if installation.outbox_dir.is_dir() else []
        manifest = {"format": FORMAT, "database": kind, "created": datetime.now(timezone.utc).isoformat(),
                    "secret_key": installation.secret_key_file.exists(), "outbox_files": len(mails)}
        partial = out.with_name(out.name + ".part")
        partial.touch(mode=0o600)
        partial.chmod(0o600)  # the file holds personal data and the secret key
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
                archive.add(dump, arcname=dump.name)
                if installation.secret_key_file.exists():
                    archive.add(installation.secret_key_file, arcname="secret_key")
                for mail in mails:
                    archive.add(mail, arcname="outbox/" + mail.relative_to(installation.outbox_dir).as_posix())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(out)  # a complete file or none: an interrupted backup never looks like a good one
    return manifest


def _manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile("manifest.json")
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not manifest or manifest.get("format") != FORMAT:
        raise BackupError("Diese Datei ist keine Sicherung von netzwerktreffen (manifest.json fehlt oder passt nicht).")
    return manifest


def rows_in(database_uri: str) -> int:
    """How many rows the database's tables hold (0: empty or no tables yet); alembic_version not counted."""
    if make_url(database_uri).get_backend_name() == "sqlite" and not _sqlite_path(database_uri).exists():
        return 0
    engine = create_engine(database_uri)
    try:
        with engine.connect() as connection:
            total = 0
            for name in inspect(connection).get_table_names():
                if name != "alembic_version":
                    total += connection.scalar(select(func.count()).select_from(table(name)))
            return total
    except SQLAlchemyError as error:
        raise BackupError(f"Die Datenbank ist nicht erreichbar (DATABASE_URL): {str(error).splitlines()[0]}") \
            from error
    finally:
        engine.dispose()


def restore_backup(installation: Installation, backup: Path, *, force: bool = False) -> dict:
    """Put a backup file back into this installation; refuses a non-empty database unless ``force``."""
    kind = installation.kind
    try:
        archive = tarfile.open(backup, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Die Sicherung {backup} lässt sich nicht lesen: {error}") from error
    with archive, tempfile.TemporaryDirectory(prefix="netzwerktreffen-restore-") as scratch:
        manifest = _manifest(archive)
        if manifest["database"] != kind:
            raise BackupError(f"Die Sicherung enthält eine {manifest['database']}-Datenbank, diese Installation "
                              f"nutzt {kind} (DATABASE_URL). Bitte in eine passende Datenbank zurückspielen.")
        existing = rows_in(installation.database_uri)
        if existing and not force:
            raise BackupError(f"Die Datenbank ist nicht leer ({existing} Zeilen). Zum Überschreiben "
                              "„--force“ angeben (vorher am besten eine Sicherung anlegen).")
        archive.extractall(scratch, filter="data")
        folder = Path(scratch)
        if kind == "sqlite":
            target = _sqlite_path(installation.database_uri)
            target.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(folder / SQLITE_MEMBER, target)
        else:
            _pg_restore(installation.database_uri, folder / POSTGRES_MEMBER)
        if (folder / "secret_key").exists():
            installation.secret_key_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / "secret_key", installation.secret_key_file)
            installation.secret_key_file.chmod(0o600)
        mails = folder / "outbox"
        if mails.is_dir():
            shutil.copytree(mails, installation.outbox_dir, dirs_exist_ok=True)
    return manifest
