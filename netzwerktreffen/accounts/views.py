"""Account pages without a login: "Passwort vergessen?", a new password by one-time link, and accepting
an invitation to a meeting's team. The pages carry the link's token, so they send no Referer and are not
cached."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user

from netzwerktreffen.accounts import service
from netzwerktreffen.accounts.forms import AcceptForm, ForgotPasswordForm, InvitationForm, NewPasswordForm
from netzwerktreffen.core.models import INVITATION, PASSWORD_RESET
from netzwerktreffen.web import throttle
from netzwerktreffen.web.auth import find_organiser

bp = Blueprint("accounts", __name__)


def unusable(problem: service.LinkUnusable):
    """The page for a link that is unknown (404), used or expired (410), with the reason in German."""
    return render_template("accounts/link_unusable.html", message=str(problem)), problem.status


def status(form) -> int:
    return 400 if form.is_submitted() else 200


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@throttle.per_client_and_address("LINK_LIMIT_PER_CLIENT", "LINK_LIMIT_PER_ADDRESS")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.ask_for_password_reset(form.email.data)
        return render_template("accounts/reset_requested.html", email=form.email.data.strip())
    return render_template("accounts/forgot_password.html", form=form), status(form)


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        link = service.usable_link(PASSWORD_RESET, token)
        form = NewPasswordForm(email=link.email)
        if form.validate_on_submit():
            service.reset_password(token, form.password.data)
            flash(_("Ihr neues Passwort gilt. Bitte melden Sie sich damit an."), "success")
            return redirect(url_for("auth.login"))
    except service.LinkUnusable as problem:
        return unusable(problem)
    return render_template("accounts/reset_password.html", form=form, link=link), status(form)


@bp.route("/einladung/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        link = service.usable_link(INVITATION, token)
        existing = find_organiser(link.email)
        form = AcceptForm() if existing else InvitationForm(email=link.email)
        if form.validate_on_submit():
            name, password = ("", "") if existing else (form.name.data, form.password.data)
            organiser = service.accept_invitation(token, name, password)
            return joined(organiser, link, new_account=existing is None)
    except service.LinkUnusable as problem:
        return unusable(problem)
    return render_template("accounts/invitation.html", form=form, link=link, existing=existing), status(form)


def joined(organiser, link, new_account: bool):
    """A new account is logged in and sees the meeting; an existing one logs in as usual."""
    flash(_("Sie gehören jetzt zum Organisationsteam von „%(title)s“.", title=link.meeting.display_title), "success")
    if new_account:
        login_user(organiser)
        return redirect(url_for("meetings.overview", slug=link.meeting.slug))
    return redirect(url_for("auth.login", next=url_for("meetings.overview", slug=link.meeting.slug)))
