"""Organiser pages: list, search, edit, cancel and promote registrations; CSV import and export."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, WAITLISTED, Meeting, Registration
from netzwerktreffen.planning import coverage_report
from netzwerktreffen.registration import csv_io, importing, queries, service
from netzwerktreffen.registration.forms import (ImportForm, ManualRegistrationForm, OrganiserRegistrationForm,
                                                build_form, form_data, validate_submitted)
from netzwerktreffen.registration.service import refuse_after_purge
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404

bp = organisers_only(Blueprint("registrations", __name__, url_prefix="/organisation/treffen/<slug>/anmeldungen"))


# ---------------------------------------------------------------- helpers


def _warn_when_over_capacity(meeting: Meeting) -> None:
    confirmed = meeting.count(CONFIRMED)
    if confirmed > meeting.capacity:
        flash(_("Damit sind %(confirmed)s Personen angemeldet, bei %(capacity)s Plätzen.",
                confirmed=confirmed, capacity=meeting.capacity), "warning")


def _back_to(slug: str, fallback: str) -> str:
    """Where an action returns to: the list with its filters when it came from there."""
    target = request.form.get("next", "")
    if target.startswith(url_for(".index", slug=slug)) and "//" not in target:
        return target
    return fallback


def _email_taken(form, duplicate: service.AlreadyRegistered) -> None:
    form.email.errors = list(form.email.errors) + [
        _("Mit dieser E-Mail-Adresse ist bereits %(name)s angemeldet.", name=duplicate.registration.name)]


def _flash_registered(person: Registration) -> None:
    if person.status == CONFIRMED:
        flash(_("%(name)s ist angemeldet.", name=person.name), "success")
    else:
        flash(_("Alle Plätze sind vergeben: %(name)s steht auf der Warteliste.", name=person.name), "warning")


# ---------------------------------------------------------------- views


def render_page(template: str, **context) -> str:
    """A page inside the meeting's layout (templates/meetings/_layout.html), with the "Anmeldungen" tab."""
    return render_template(template, tab="registrations", **context)


@bp.route("", strict_slashes=False)
def index(slug: str):
    meeting = organiser_meeting(slug)
    filters = queries.Filters.from_args(request.args, meeting)
    people = queries.filtered_registrations(meeting, filters)
    return render_page("registrations/index.html", meeting=meeting, people=people, filters=filters,
                       counts=queries.status_counts(meeting), positions=queries.waitlist_positions(meeting))


@bp.route("/<int:registration_id>", methods=["GET", "POST"])
def edit(slug: str, registration_id: int):
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    form = build_form(OrganiserRegistrationForm, meeting, person)
    status = 400 if form.is_submitted() else 200
    if validate_submitted(form):
        try:
            service.update_registration(person, form_data(form, meeting, person))
        except service.AlreadyRegistered as duplicate:
            _email_taken(form, duplicate)
            status = 409
        else:
            flash(_("Die Angaben von %(name)s sind gespeichert.", name=person.name), "success")
            return redirect(url_for(".edit", slug=slug, registration_id=person.id))
    return render_page("registrations/edit.html", meeting=meeting, person=person, form=form,
                       position=queries.waitlist_positions(meeting).get(person.id),
                       consent_source=queries.consent_source(person.consent_version),
                       must_meet=coverage_report.named_lines(meeting, person)), status


@bp.route("/neu", methods=["GET", "POST"])
def new(slug: str):
    meeting = organiser_meeting(slug)
    if meeting.purged_at is not None:
        return refuse_after_purge(meeting)
    form = build_form(ManualRegistrationForm, meeting)
    if not validate_submitted(form):
        return render_page("registrations/new.html", meeting=meeting, form=form), 400 if form.is_submitted() else 200
    try:
        person = service.register_by_organiser(
            meeting, form_data(form, meeting), form.locale.data,
            service.organiser_consent("organiser", current_user.email), send_confirmation=form.send_confirmation.data)
    except service.AlreadyRegistered as duplicate:
        _email_taken(form, duplicate)
        return render_page("registrations/new.html", meeting=meeting, form=form, duplicate=duplicate.registration), 409
    _flash_registered(person)
    return redirect(url_for(".edit", slug=slug, registration_id=person.id))


@bp.route("/<int:registration_id>/stornieren", methods=["POST"])
def cancel(slug: str, registration_id: int):
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    if person.status == CANCELLED:
        flash(_("Die Anmeldung von %(name)s ist schon storniert.", name=person.name), "info")
    else:
        promoted = service.cancel_registration(person)
        flash(_("Die Anmeldung von %(name)s ist storniert; sie hat eine Bestätigung per E-Mail bekommen.",
                name=person.name), "success")
        if promoted:
            flash(_("Von der Warteliste nachgerückt und per E-Mail benachrichtigt: %(names)s.",
                    names=", ".join(p.name for p in promoted)), "success")
    return redirect(_back_to(slug, url_for(".edit", slug=slug, registration_id=person.id)))


@bp.route("/<int:registration_id>/nachruecken", methods=["POST"])
def promote(slug: str, registration_id: int):
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    if person.status != WAITLISTED:
        flash(_("%(name)s steht nicht auf der Warteliste.", name=person.name), "info")
    else:
        service.promote_registration(person)
        flash(_("%(name)s ist von der Warteliste nachgerückt und wurde per E-Mail benachrichtigt.",
                name=person.name), "success")
        _warn_when_over_capacity(meeting)
    return redirect(_back_to(slug, url_for(".edit", slug=slug, registration_id=person.id)))


@bp.route("/<int:registration_id>/link", methods=["POST"])
def send_link(slug: str, registration_id: int):
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    if person.status == CANCELLED:
        flash(_("Die Anmeldung von %(name)s ist storniert.", name=person.name), "info")
    elif service.notify(person, "link"):
        flash(_("%(name)s hat den persönlichen Link per E-Mail bekommen.", name=person.name), "success")
    else:
        flash(_("Die E-Mail an %(name)s konnte nicht verschickt werden.", name=person.name), "error")
    return redirect(url_for(".edit", slug=slug, registration_id=person.id))


def _csv_download(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # personal data
    return response


@bp.route("/export.csv")
def export_csv(slug: str):
    meeting = organiser_meeting(slug)
    people = queries.registrations_for_export(meeting)
    return _csv_download(csv_io.export_csv(people, meeting.questions), f"anmeldungen-{meeting.slug}-{local_now():%Y-%m-%d}.csv")


@bp.route("/vorlage.csv")
def template_csv(slug: str):
    """An empty file with the column headers, to fill in with Excel."""
    organiser_meeting(slug)
    return _csv_download(csv_io.export_csv([]), "anmeldungen-vorlage.csv")


@bp.route("/import", methods=["GET", "POST"])
def import_csv(slug: str):
    meeting = organiser_meeting(slug)
    if meeting.purged_at is not None:
        return refuse_after_purge(meeting)
    form = ImportForm()
    result = importing.ImportResult()
    if form.validate_on_submit():
        consent = service.organiser_consent("import", current_user.email)
        result = importing.import_registrations(meeting, form.file.data.read(), consent)
        if not result.errors:
            for message, category in importing.import_summary(meeting, result):
                flash(message, category)
            return redirect(url_for(".index", slug=slug))
    return render_page("registrations/import.html", meeting=meeting, form=form, result=result,
                       columns=csv_io.COLUMNS, required=csv_io.REQUIRED), 400 if form.is_submitted() else 200
