"""Public pages: upcoming meetings, registration, and the personal link."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from netzwerktreffen.afterwards import contacts
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import CANCELLED, Meeting
from netzwerktreffen.registration import queries
from netzwerktreffen.web import throttle
from netzwerktreffen.web.auth import participant_or_404
from netzwerktreffen.registration import service as registrations
from netzwerktreffen.registration.idea_forms import ideas_forms
from netzwerktreffen.registration.forms import (CancelForm, PersonalForm, RegistrationForm, ResendLinkForm, build_form,
                                                form_data, validate_submitted)

bp = Blueprint("public", __name__)


def public_meeting(slug: str) -> Meeting:
    meeting = queries.public_meeting(slug)
    if meeting is None:
        abort(404)
    return meeting


@bp.route("/")
def index():
    return render_template("public/index.html", meetings=queries.upcoming_meetings(local_now().date()))


@bp.route("/m/<slug>", methods=["GET", "POST"])
@throttle.per_client_and_address("REGISTRATION_LIMIT_PER_CLIENT", "REGISTRATION_LIMIT_PER_ADDRESS",
                                 address_counts=throttle.accepted)
def meeting(slug: str):
    meeting = public_meeting(slug)
    is_open = registrations.registration_open(meeting)
    form = build_form(RegistrationForm, meeting)
    if is_open and validate_submitted(form):
        try:
            registration = registrations.register(
                meeting, form_data(form, meeting), locale=str(get_locale()))
        except registrations.AlreadyRegistered:
            form.email.errors = list(form.email.errors) + [
                _("Mit dieser E-Mail-Adresse ist bereits jemand angemeldet. "
                  "Wir können Ihnen Ihren persönlichen Link noch einmal schicken.")]
            return render_template("public/meeting.html", meeting=meeting, form=form, is_open=is_open,
                                   resend_form=ResendLinkForm(email=form.email.data)), 409
        return redirect(url_for("public.registered", token=registration.token))
    status = 400 if form.is_submitted() else 200
    return render_template("public/meeting.html", meeting=meeting, form=form, is_open=is_open), status


@bp.route("/m/<slug>/datenschutz")
def privacy(slug: str):
    meeting = public_meeting(slug)
    return render_template("public/privacy.html", meeting=meeting)


@bp.route("/m/<slug>/link", methods=["GET", "POST"])
@throttle.per_client_and_address("LINK_LIMIT_PER_CLIENT", "LINK_LIMIT_PER_ADDRESS")
def resend_link(slug: str):
    """Send the personal link again. Says the same, after the same work, whether or not the address is
    registered."""
    meeting = public_meeting(slug)
    form = ResendLinkForm()
    if form.validate_on_submit():
        registrations.resend_link(meeting, form.email.data, locale=str(get_locale()))
        flash(_("Wenn diese Adresse angemeldet ist, haben wir den persönlichen Link gerade dorthin geschickt."),
              "success")
        return redirect(url_for("public.meeting", slug=slug))
    return render_template("public/resend.html", meeting=meeting, form=form)


@bp.route("/r/<token>/danke")
def registered(token: str):
    registration = participant_or_404(token)
    return render_template("public/registered.html", registration=registration, meeting=registration.meeting)


@bp.route("/r/<token>", methods=["GET", "POST"])
def personal(token: str):
    """The person's own page: change or cancel the registration, see the rounds; a GET changes nothing."""
    registration = participant_or_404(token)
    form = build_form(PersonalForm, registration.meeting, registration)
    if registration.status != CANCELLED and validate_submitted(form):
        try:
            registrations.update_registration(registration, form_data(form, registration.meeting, registration))
        except registrations.AlreadyRegistered:
            form.email.errors = list(form.email.errors) + [
                _("Mit dieser E-Mail-Adresse ist bereits jemand anderes angemeldet.")]
        else:
            flash(_("Ihre Änderungen sind gespeichert."), "success")
            return redirect(url_for("public.personal", token=token))
    return render_template("public/personal.html", form=form, **queries.personal_page(registration),
                           **ideas_forms(registration)), 400 if form.is_submitted() else 200


@bp.route("/laufzettel/<token>")
def slip_plan(token: str):
    """The printed slip's QR code: the person's rounds, read only (no forms: a lost slip cancels nobody)."""
    registration = queries.by_slip_token(token)
    if registration is None:
        abort(404)
    return render_template("public/slip_plan.html", **queries.slip_page(registration))


@bp.route("/r/<token>/kontakte.vcf")
def contacts_vcard(token: str):
    """The contacts met who share their details, for the address book; after the meeting only."""
    registration = participant_or_404(token)
    meeting = registration.meeting
    if not contacts.meeting_over(meeting) or not contacts.attended(registration):
        abort(404)
    cards = contacts.vcards(contacts.contacts_of(registration), meeting)
    response = make_response(cards)
    response.headers["Content-Type"] = "text/vcard; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="kontakte-{meeting.slug}.vcf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/r/<token>/absagen", methods=["GET", "POST"])
def cancel(token: str):
    """Asks first ("Wirklich absagen?"); cancels only a POST with the confirmation ticked."""
    registration = participant_or_404(token)
    form = CancelForm()
    if registration.status == CANCELLED:
        return redirect(url_for("public.personal", token=token))
    if form.validate_on_submit():
        registrations.cancel_registration(registration)
        flash(_("Ihre Anmeldung ist storniert. Sie erhalten eine Bestätigung per E-Mail."), "success")
        return redirect(url_for("public.personal", token=token))
    return render_template("public/cancel.html", form=form, registration=registration,
                           meeting=registration.meeting), 400 if form.is_submitted() else 200
