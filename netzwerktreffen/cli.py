"""Command-line tools: ``flask --app netzwerktreffen <command>``."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Meeting


class CliError(click.ClickException):
    """A refusal for the person at the terminal: "Fehler: <German message>" on stderr, exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Fehler: {self.format_message()}", err=True, file=file)


def init_app(app) -> None:
    app.cli.add_command(create_organiser)
    app.cli.add_command(demo)
    app.cli.add_command(plan)
    app.cli.add_command(export)
    app.cli.add_command(import_registrations)
    app.cli.add_command(worker)
    app.cli.add_command(print_documents)
    app.cli.add_command(report)
    app.cli.add_command(send_schedules)
    app.cli.add_command(send_reminders)
    app.cli.add_command(purge_due)
    app.cli.add_command(send_mail)
    app.cli.add_command(backup)
    app.cli.add_command(restore)


@click.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Anzeigename")
@click.password_option(prompt="Passwort", confirmation_prompt="Passwort wiederholen")
def create_organiser(email: str, name: str, password: str) -> None:
    """Create an organiser account (asks for the password)."""
    from netzwerktreffen.accounts.passwords import password_problem
    from netzwerktreffen.web.auth import create_organiser as create, find_organiser
    if "@" not in email:
        raise click.BadParameter("keine gültige E-Mail-Adresse", param_hint="EMAIL")
    if find_organiser(email) is not None:
        raise click.ClickException(f"Es gibt bereits ein Konto für {email}.")
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    create(email, password, name)
    db.session.commit()
    click.echo(f"Konto für {email.strip().lower()} angelegt.")


@click.command("demo")
@click.option("--participants", default=60, show_default=True, type=click.IntRange(2, 2000),
              help="Anzahl bestätigter Anmeldungen")
@click.option("--slug", default="demo", show_default=True, help="Kurzname für die öffentliche Adresse")
@click.option("--seed", default=7, show_default=True, help="Zufallsstartwert")
@click.option("--if-empty", is_flag=True, help="Nur anlegen, wenn es noch kein Treffen gibt")
@click.option("--held", is_flag=True,
              help="Ein Treffen, das schon stattgefunden hat (mit dem früheren Treffen der Reihe): für den Bericht")
def demo(participants: int, slug: str, seed: int, if_empty: bool, held: bool) -> None:
    """Create a realistic German demo meeting with N registrations."""
    from netzwerktreffen.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo_meeting
    existing = db.session.scalar(select(func.count(Meeting.id)))
    if not (if_empty and existing):
        taken = [s for s in ([slug, f"{slug}-3"] if held else [slug])
                 if db.session.scalar(select(Meeting).where(Meeting.slug == s)) is not None]
        if taken:
            raise click.ClickException(f"Ein Treffen mit dem Kurznamen „{taken[0]}“ gibt es schon.")
        if held:
            from netzwerktreffen.demo_held import create_held_demo
            meeting = create_held_demo(participants=participants, slug=slug, seed=seed)
        else:
            meeting = create_demo_meeting(participants=participants, slug=slug, seed=seed)
        click.echo(f"Demo-Treffen „{meeting.display_title}“ mit {participants} Anmeldungen angelegt: /m/{slug}")
    from netzwerktreffen.web.addresses import NoExternalURL, external_root
    try:
        base = external_root()
    except NoExternalURL:
        base = "http://127.0.0.1:5000"  # nothing known yet: the address `make run` serves at
    click.echo(f"Anmeldung für Organisierende: {base}/login  E-Mail: {DEMO_EMAIL}  Passwort: {DEMO_PASSWORD}")


def _external_root() -> str:
    """Where the links in mails and QR codes point (BASE_URL or the address organisers use); refuses when unknown."""
    from netzwerktreffen.web.addresses import NoExternalURL, external_root
    try:
        return external_root()
    except NoExternalURL as error:
        raise CliError(str(error)) from error


def _meeting(slug: str) -> Meeting:
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == slug))
    if meeting is None:
        raise CliError(f"Es gibt kein Treffen mit dem Kurznamen „{slug}“.")
    return meeting


@click.command("plan")
@click.argument("slug")
@click.option("--time-limit", default=30.0, show_default=True, type=click.FloatRange(1, 3600),
              help="Rechenzeit in Sekunden")
@click.option("--seed", default=0, show_default=True, help="Zufallsstartwert")
@click.option("--publish", is_flag=True, help="Den neuen Plan gleich veröffentlichen")
def plan(slug: str, time_limit: float, seed: int, publish: bool) -> None:
    """Solve a meeting's round plan and store it as a draft (or publish it)."""
    from netzwerktreffen.planning import service as planning
    meeting = _meeting(slug)
    try:
        solved = planning.solve_meeting(meeting, time_limit, seed)
    except PlanningError as error:
        raise click.ClickException(str(error)) from error
    if publish:
        planning.publish(solved.version)
    state = "veröffentlicht" if publish else "Entwurf"
    click.echo(f"Version {solved.version.number} ({state}): score {solved.score:.1f}, "
               f"bound {solved.bound:.1f}, gap {solved.gap:.2%}, {solved.seconds:.1f} s")


@click.command("import-registrations")
@click.argument("slug")
@click.argument("file")
@click.option("--organiser", "organiser_email", default="", metavar="EMAIL",
              help="E-Mail der Person aus dem Organisationsteam, der gegenüber die Importierten eingewilligt "
                   "haben (wird bei der Einwilligung vermerkt)")
def import_registrations(slug: str, file: str, organiser_email: str) -> None:
    """Import registrations from a CSV file (``-``: standard input), all or nothing, like the organiser page."""
    from flask_babel import gettext

    from netzwerktreffen.registration import importing
    from netzwerktreffen.registration.service import CLI_IMPORT, organiser_consent, purged_message
    from netzwerktreffen.web.auth import find_organiser
    meeting = _meeting(slug)
    if meeting.purged_at is not None:
        raise CliError(purged_message())
    if organiser_email:
        organiser = find_organiser(organiser_email)
        if organiser is None or organiser not in meeting.organisers:
            raise CliError(f"„{organiser_email}“ gehört nicht zum Organisationsteam dieses Treffens.")
        consent = organiser_consent("import", organiser.email)
    else:
        consent = CLI_IMPORT
    data = _read_upload(file)
    result = importing.import_registrations(meeting, data, consent)
    if result.errors:
        click.echo(gettext("Es wurde nichts importiert."), err=True)
        for error in result.errors:
            click.echo(error, err=True)
        raise SystemExit(1)
    for message, _category in importing.import_summary(meeting, result):
        click.echo(message)


def _read_upload(name: str) -> bytes:
    """The file's bytes, at most as many as the upload form accepts; a ClickException in German when not."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 5 * 1024 * 1024
    try:
        if name == "-":
            import sys
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(limit + 1)
    except FileNotFoundError:
        raise CliError(f"Die Datei „{name}“ gibt es nicht.") from None
    except IsADirectoryError:
        raise CliError(f"„{name}“ ist ein Ordner, keine Datei.") from None
    except PermissionError:
        raise CliError(f"Die Datei „{name}“ darf nicht gelesen werden (keine Berechtigung).") from None
    except OSError as error:
        raise CliError(f"Die Datei „{name}“ lässt sich nicht lesen (Fehler {error.errno}).") from None
    if len(data) > limit:
        raise CliError(f"Die Datei ist zu groß (höchstens {limit // (1024 * 1024)} MB).")
    return data


@click.command("export")
@click.argument("slug")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Zielordner")
def export(slug: str, out_dir: str) -> None:
    """Write instance.json and plan.json (the published plan) in the scheduler's format."""
    import json
    from pathlib import Path

    from netzwerktreffen.planning import scheduler_io as scheduling
    meeting = _meeting(slug)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    published = scheduling.published(meeting)
    instance = published.instance if published else scheduling.build_instance(meeting)
    (folder / "instance.json").write_text(json.dumps(instance, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"{folder / 'instance.json'} geschrieben.")
    if published is None:
        click.echo("Es gibt noch keinen veröffentlichten Plan; plan.json wurde nicht geschrieben.", err=True)
        return
    (folder / "plan.json").write_text(json.dumps(published.plan, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"{folder / 'plan.json'} geschrieben (Version {published.number}).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Beenden, sobald die Warteschlange leer ist")
def worker(burst: bool) -> None:
    """Run background jobs from Redis (needs REDIS_URL)."""
    from netzwerktreffen.jobs import run_worker
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL ist nicht gesetzt; ohne Redis laufen Aufträge im Webprozess.")
    run_worker(current_app._get_current_object(), burst=burst)


@click.command("send-schedules")
@click.argument("slug")
@click.option("--note", default="", help="Zusätzliche Nachricht (Platzhalter wie {name} möglich)")
@click.option("--timeout", default=300.0, show_default=True, type=click.FloatRange(1, 86400),
              help="So lange auf den Versand warten (Sekunden)")
def send_schedules(slug: str, note: str, timeout: float) -> None:
    """Queue the schedule mails of the published plan and wait until they are sent."""
    from netzwerktreffen.mail import outbox
    from netzwerktreffen.mail import schedules as schedule_mail
    meeting = _meeting(slug)
    _external_root()
    unknown = schedule_mail.unknown_placeholders(note)
    if unknown:
        raise click.ClickException("Unbekannte Platzhalter: " + ", ".join("{%s}" % n for n in unknown))
    try:
        ids = schedule_mail.queue_schedules(meeting, note=note, kick_delivery=False)
    except PlanningError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{len(ids)} Ablauf-Mails in die Warteschlange gestellt.")
    if not ids:
        return
    result = outbox.send_and_wait(ids, timeout=timeout)
    click.echo(f"{result['sent']} gesendet, {result['failed']} fehlgeschlagen, "
               f"{result['waiting']} warten noch auf einen neuen Versuch.")
    if result["failed"] or result["waiting"]:
        raise SystemExit(1)


@click.command("send-reminders")
def send_reminders() -> None:
    """Queue and send the reminders that are due now (run it from cron, e.g. every 10 minutes)."""
    from netzwerktreffen.mail import outbox
    from netzwerktreffen.mail import schedules as schedule_mail
    _external_root()
    queued = schedule_mail.send_reminders(kick_delivery=False)
    result = outbox.deliver_due()
    click.echo(f"{queued} Erinnerungen in die Warteschlange gestellt; {result.sent} Mails gesendet, "
               f"{result.retrying + result.failed} nicht zugestellt.")


@click.command("purge-due")
@click.option("--dry-run", is_flag=True, help="Nur anzeigen, was gelöscht würde")
def purge_due(dry_run: bool) -> None:
    """Delete the personal data of meetings whose retention period has ended (run it from cron, daily)."""
    from netzwerktreffen.afterwards import retention
    from netzwerktreffen.core.i18n import format_date
    if dry_run:
        due = retention.due_meetings()
        for meeting in due:
            click.echo(f"{meeting.slug}: {len(meeting.registrations)} Anmeldungen, Löschung fällig seit "
                       f"{format_date(retention.deletion_date(meeting))}")
        click.echo(f"{len(due)} Treffen zu löschen (Probelauf, nichts gelöscht).")
        return
    done = retention.purge_due()
    for meeting, purged in done:
        click.echo(f"{meeting.slug}: {purged.registrations} Anmeldungen, {purged.plan_versions} Planversionen, "
                   f"{purged.messages} Mails gelöscht.")
    click.echo(f"Personenbezogene Daten von {len(done)} Treffen gelöscht.")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Weiterlaufen und jede Minute senden, was fällig ist")
def send_mail(loop: bool) -> None:
    """Send the mails that are due in the outbox (also takes up mails of a crashed worker)."""
    import time

    from netzwerktreffen import jobs
    from netzwerktreffen.mail import outbox
    while True:
        result = jobs.sweep() if loop else outbox.deliver_due().__dict__
        click.echo(f"{result['sent']} gesendet, {result['retrying']} später erneut, {result['failed']} fehlgeschlagen."
                   + (f" ({result['stopped']})" if result["stopped"] else ""))
        if not loop:
            return
        time.sleep(current_app.config.get("MAIL_SWEEP_SECONDS", 60))


@click.command("print")
@click.argument("slug")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Zielordner")
def print_documents(slug: str, out_dir: str) -> None:
    """Write every print-out of the day as PDF (room plans, table cards, slips, badges, check-in list, harvest)."""
    import time

    from netzwerktreffen.day import printing
    from netzwerktreffen.planning import scheduler_io as scheduling
    meeting = _meeting(slug)
    base = _external_root()
    if scheduling.published(meeting) is None:
        click.echo("Es gibt noch keinen veröffentlichten Rundenplan: nur Namensschilder, Check-in-Liste und Ernte-Bögen.",
                   err=True)
    started = time.monotonic()
    # the QR codes link to the address people reach the app under, as the mails do
    with current_app.test_request_context(base_url=base):
        files = printing.write_all(meeting, out_dir)
    for path in files:
        click.echo(f"{path} geschrieben.")
    click.echo(f"{len(files)} PDF-Dateien in {time.monotonic() - started:.1f} s.")


@click.command("report")
@click.argument("slug")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei: bericht.pdf, oder bericht.docx zum Bearbeiten")
def report(slug: str, out: Path) -> None:
    """Write the meeting's report (who came, programme, answers, new contacts, café, ideas) as PDF or .docx."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "docx"):
        raise CliError(f"Die Zieldatei muss auf .pdf oder .docx enden, nicht „{out.name}“.")
    if not out.parent.is_dir():
        raise CliError(f"Den Ordner „{out.parent}“ gibt es nicht.")
    from netzwerktreffen.report import document, word
    from netzwerktreffen.report.figures import meeting_report
    meeting = _meeting(slug)
    with current_app.test_request_context():
        figures = meeting_report(meeting)
        data = document.report_pdf(figures) if fmt == "pdf" else word.report_docx(figures)
    out.write_bytes(data)
    click.echo(f"{out} geschrieben ({len(data) // 1024} KB).")


def _installation():
    from netzwerktreffen.core.backup import Installation
    config = current_app.config
    return Installation(config["SQLALCHEMY_DATABASE_URI"], Path(config["SECRET_KEY_FILE"]),
                        Path(config["OUTBOX_DIR"]))


def _berlin(moment: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return datetime.fromisoformat(moment).astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y, %H:%M Uhr")


@click.command("backup")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Zieldatei, z. B. netzwerktreffen-2026-11-22.tar.gz")
def backup(out: Path) -> None:
    """Save the database, the secret key and the outbox into one file (while the app keeps running)."""
    from netzwerktreffen.core.backup import BackupError, create_backup
    try:
        manifest = create_backup(_installation(), out)
    except BackupError as error:
        raise CliError(str(error)) from error
    key = "mit" if manifest["secret_key"] else "ohne"
    click.echo(f"Sicherung geschrieben: {out} ({manifest['database']}, {key} Schlüsseldatei, "
               f"{manifest['outbox_files']} Dateien im Postausgang).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Eine Datenbank überschreiben, die schon Daten enthält")
def restore(file: Path, force: bool) -> None:
    """Put a backup from `flask backup` back (into an empty database; --force overwrites)."""
    from netzwerktreffen.core.backup import BackupError, restore_backup
    db.session.remove()
    db.engine.dispose()  # no connection of this process may hold the old database open
    try:
        manifest = restore_backup(_installation(), file, force=force)
    except BackupError as error:
        raise CliError(str(error)) from error
    click.echo(f"Sicherung vom {_berlin(manifest['created'])} zurückgespielt.")
    if os.environ.get("SECRET_KEY") and manifest["secret_key"]:
        click.echo("Hinweis: SECRET_KEY ist gesetzt und gilt vor der zurückgespielten Schlüsseldatei "
                   "instance/secret_key.")
    click.echo("Danach: flask --app netzwerktreffen db upgrade (falls die Sicherung von einer älteren Version "
               "stammt) und die Dienste neu starten.")
