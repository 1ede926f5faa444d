"""Organiser accounts: login, logout, and access to a meeting."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email

from netzwerktreffen.core.extensions import db, login_manager
from netzwerktreffen.core.models import Meeting, Organiser, Registration
from netzwerktreffen.web.fields import Form
from netzwerktreffen.web.throttle import login_limits

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")


@login_manager.user_loader
def load_organiser(session_id: str) -> Organiser | None:
    """The organiser of a session or remember cookie ("id:version"), while that version is current.

    Logging out and a new password raise the version, so every older cookie (on any device) stops working.
    """
    organiser_id, _sep, version = session_id.partition(":")
    if not (organiser_id.isdigit() and version.isdigit()) or len(organiser_id) > 18:
        return None
    organiser = db.session.get(Organiser, int(organiser_id))
    if organiser is None or str(organiser.session_version) != version:
        return None
    return organiser


class LoginForm(Form):
    email = EmailField(_l("E-Mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Passwort"), validators=[DataRequired()])
    remember = BooleanField(_l("Angemeldet bleiben"))


def find_organiser(email: str) -> Organiser | None:
    return db.session.scalar(select(Organiser).where(Organiser.email == email.strip().lower()))


def authenticate(email: str, password: str) -> Organiser | None:
    """The organiser with this address and password, else None; an unknown address costs the same password
    check as a known one, so the time of a failed login does not tell which addresses have accounts."""
    organiser = find_organiser(email)
    if organiser is None:
        Organiser.check_unknown_password(password)
        return None
    return organiser if organiser.check_password(password) else None


def create_organiser(email: str, password: str, name: str = "") -> Organiser:
    organiser = Organiser(email=email.strip().lower(), name=name)
    organiser.set_password(password)
    db.session.add(organiser)
    return organiser


def end_sessions(organiser: Organiser) -> None:
    """Log the organiser out everywhere: every session and remember cookie issued so far stops working."""
    organiser.end_sessions()
    db.session.commit()


def change_password(organiser: Organiser, password: str) -> None:
    """Set a new password; the sessions of the old one end (see ``end_sessions``)."""
    organiser.set_password(password)
    db.session.commit()


def organisers_only(blueprint: Blueprint) -> Blueprint:
    """Every page of ``blueprint`` for logged-in organisers only (others go to the login page): the one place
    that says so, instead of a ``before_request`` in each feature's views."""
    blueprint.before_request(login_required(lambda: None))
    return blueprint


def organiser_meeting(slug: str) -> Meeting:
    """The meeting with this slug, if the logged-in organiser belongs to it; else 404.

    404 rather than 403, so that organisers cannot probe other meetings' slugs.
    """
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == slug))
    if meeting is None or current_user not in meeting.organisers:
        abort(404)
    return meeting


def participant_or_404(token: str) -> Registration:
    """The participant whose personal link carries ``token``; else 404 (the participants' counterpart of
    ``organiser_meeting``: the token is their key)."""
    found = db.session.scalar(select(Registration).where(Registration.token == token)) if token else None
    if found is None:
        abort(404)
    return found


def _safe_next(target: str | None) -> str | None:
    """Only follow ?next= to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("meetings.index"))
    form = LoginForm()
    if form.validate_on_submit():
        organiser = authenticate(form.email.data, form.password.data)
        if organiser is None:
            flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
        else:
            login_user(organiser, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("meetings.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_sessions(current_user)
    logout_user()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("public.index"))
