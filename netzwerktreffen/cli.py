"""Command-line tools: ``flask --app netzwerktreffen <command>``."""
from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import func, select

from .extensions import db
from .models import Meeting


def init_app(app) -> None:
    app.cli.add_command(create_organiser)
    app.cli.add_command(demo)


@click.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Anzeigename")
@click.password_option(prompt="Passwort", confirmation_prompt="Passwort wiederholen")
def create_organiser(email: str, name: str, password: str) -> None:
    """Create an organiser account (asks for the password)."""
    from .auth import create_organiser as create, find_organiser
    if "@" not in email:
        raise click.BadParameter("keine gültige E-Mail-Adresse", param_hint="EMAIL")
    if find_organiser(email) is not None:
        raise click.ClickException(f"Es gibt bereits ein Konto für {email}.")
    if len(password) < 8:
        raise click.ClickException("Das Passwort muss mindestens 8 Zeichen haben.")
    create(email, password, name)
    db.session.commit()
    click.echo(f"Konto für {email.strip().lower()} angelegt.")


@click.command("demo")
@click.option("--participants", default=60, show_default=True, type=click.IntRange(2, 2000),
              help="Anzahl bestätigter Anmeldungen")
@click.option("--slug", default="demo", show_default=True, help="Kurzname für die öffentliche Adresse")
@click.option("--seed", default=7, show_default=True, help="Zufallsstartwert")
@click.option("--if-empty", is_flag=True, help="Nur anlegen, wenn es noch kein Treffen gibt")
def demo(participants: int, slug: str, seed: int, if_empty: bool) -> None:
    """Create a realistic German demo meeting with N registrations."""
    from .demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo_meeting
    existing = db.session.scalar(select(func.count(Meeting.id)))
    if not (if_empty and existing):
        if db.session.scalar(select(Meeting).where(Meeting.slug == slug)) is not None:
            raise click.ClickException(f"Ein Treffen mit dem Kurznamen „{slug}“ gibt es schon.")
        meeting = create_demo_meeting(participants=participants, slug=slug, seed=seed)
        click.echo(f"Demo-Treffen „{meeting.display_title}“ mit {participants} Anmeldungen angelegt: /m/{slug}")
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"
    click.echo(f"Anmeldung für Organisierende: {base}/login  E-Mail: {DEMO_EMAIL}  Passwort: {DEMO_PASSWORD}")
