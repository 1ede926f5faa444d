"""Organiser pages: list, search, edit, cancel and promote registrations; CSV import and export."""
from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass, field

from babel import Locale
from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from netzwerktreffen.registration import csv_io
from netzwerktreffen.registration import service
from netzwerktreffen.web.auth import organiser_meeting
from netzwerktreffen.web.common import owned_or_404
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, STATUSES, WAITLISTED, Block, Meeting, Registration, utcnow
from netzwerktreffen.registration.forms import OrganiserRegistrationForm, build_form, form_data, validate_submitted
from netzwerktreffen.registration.service import refuse_after_purge
from netzwerktreffen.web.fields import Form

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # INTEGER primary keys

bp = Blueprint("registrations", __name__, url_prefix="/organisation/treffen/<slug>/anmeldungen")


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is for logged-in organisers only."""


class ManualRegistrationForm(OrganiserRegistrationForm):
    """An organiser registers someone by hand (phone, paper), recording the consent given to them."""

    consent_processing = BooleanField(
        _l("Die Person hat mir gegenüber in die Verarbeitung ihrer Angaben eingewilligt "
           "(z. B. am Telefon), nachdem sie die Datenschutzhinweise erhalten hat."),
        validators=[DataRequired(message=_l("Ohne Einwilligung der Person dürfen Sie sie nicht anmelden."))])
    consent_listing = BooleanField(_l("Sie ist einverstanden, auf der Teilnehmendenliste zu erscheinen."))
    consent_contact = BooleanField(_l("Sie ist einverstanden, dass Personen, die sie trifft, "
                                      "nach dem Treffen ihre Kontaktdaten erhalten."))
    locale = SelectField(_l("Sprache der E-Mails"), default="de")
    send_confirmation = BooleanField(_l("Bestätigung mit persönlichem Link per E-Mail schicken"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [(code, Locale(code).display_name) for code in current_app.config["LANGUAGES"]]


class ImportForm(Form):
    file = FileField(_l("CSV-Datei"), validators=[FileRequired(_l("Bitte wählen Sie eine CSV-Datei aus."))])


# ---------------------------------------------------------------- helpers


def organiser_consent(how: str, email: str | None = None) -> str:
    """consent_version for consent given to an organiser: "organiser:<e-mail>" or "import:<e-mail>"
    (the logged-in organiser's, unless ``email`` is given)."""
    return f"{how}:{email or current_user.email}"[:80]


CLI_IMPORT = "import-cli"  # consent_version of people imported on the command line without --organiser


def consent_source(version: str) -> str:
    """Where the consent to processing was given, for people to read."""
    how, _colon, who = version.partition(":")
    if how == "organiser":
        return _("gegenüber dem Organisationsteam (%(who)s), von dort eingetragen", who=who)
    if how == "import":
        return _("gegenüber dem Organisationsteam, per CSV-Import von %(who)s übernommen", who=who)
    if how == CLI_IMPORT:
        return _("gegenüber dem Organisationsteam, per CSV-Import über die Kommandozeile übernommen")
    return _("im Anmeldeformular")


def status_counts(meeting: Meeting) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.meeting_id == meeting.id).group_by(Registration.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: number for status, number in rows})
    return counts


def waitlist_positions(meeting: Meeting) -> dict[int, int]:
    return {person.id: position for position, person in enumerate(service.waiting_list(meeting), start=1)}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def matches(registration: Registration, query: str) -> bool:
    """Search in name, e-mail and organisation, ignoring case (also Ö/ö, ß/ss) on every database."""
    needle = _fold(query.strip())
    return any(needle in _fold(value) for value in
               (registration.name, registration.email, registration.organisation))


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    sector: str = ""  # sector key
    block: int | None = None

    @classmethod
    def from_args(cls, args, meeting: Meeting) -> "Filters":
        """Filters from the query string; unknown values are ignored."""
        status = args.get("status", "")
        sector = args.get("sector", "")
        block = args.get("block", "")
        return cls(
            q=args.get("q", "").strip()[:200],
            status=status if status in STATUSES else "",
            sector=sector if any(s.key == sector for s in meeting.sectors) else "",
            block=int(block) if block.isascii() and block.isdigit()
            and any(b.id == int(block) for b in meeting.blocks) else None)

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.sector or self.block)


def filtered_registrations(meeting: Meeting, filters: Filters) -> list[Registration]:
    query = (select(Registration).where(Registration.meeting_id == meeting.id)
             .options(selectinload(Registration.sector), selectinload(Registration.blocks))
             .order_by(Registration.created_at, Registration.id))
    if filters.status:
        query = query.where(Registration.status == filters.status)
    if filters.sector:
        sector = next(s for s in meeting.sectors if s.key == filters.sector)
        query = query.where(Registration.sector_id == sector.id)
    if filters.block:
        query = query.where(Registration.blocks.any(Block.id == filters.block))
    people = db.session.scalars(query).all()
    # The text search runs here, not in SQL: SQLite's lower() leaves Ö, Ü, Ç as they are.
    # A meeting has a few hundred registrations at most.
    return [person for person in people if matches(person, filters.q)] if filters.q else list(people)


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


@dataclass
class ImportResult:
    imported: int = 0  # how many registrations were stored
    waitlisted: int = 0  # … of which on the waiting list
    errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def import_registrations(meeting: Meeting, data: bytes, consent: str) -> ImportResult:
    """Import a CSV file, all or nothing: check every row first, then store all in one transaction.

    No mails are sent. Status comes from the file, else by capacity like on the public form.
    """
    parsed = csv_io.parse_csv(data)
    if parsed.errors:
        return ImportResult(errors=parsed.errors, ignored_columns=parsed.ignored_columns)
    service._lock_meeting(meeting)  # noqa: SLF001 - the same lock as registration.register
    taken = db.session.scalars(select(Registration.email).where(
        Registration.meeting_id == meeting.id, Registration.status != CANCELLED)).all()
    rows, errors = csv_io.to_registrations(parsed.rows, meeting, taken)
    if errors:
        db.session.rollback()
        return ImportResult(errors=errors, ignored_columns=parsed.ignored_columns)
    statuses = []
    try:
        for row in rows:
            person = service.new_registration(meeting, row.data, locale="de", consent=consent)
            if row.status and row.status != person.status:
                now = utcnow()
                person.status = row.status
                person.waitlisted_at = now if row.status == WAITLISTED else None
                person.cancelled_at = now if row.status == CANCELLED else None
                db.session.flush()
            statuses.append(person.status)
        db.session.commit()
    except service.AlreadyRegistered as duplicate:  # registered on the public form in the meantime
        db.session.rollback()
        return ImportResult(errors=[_("E-Mail „%(email)s“ wurde gerade angemeldet. Es wurde nichts importiert; "
                                      "bitte versuchen Sie es noch einmal.", email=duplicate.registration.email)])
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("CSV import into %s failed", meeting.slug)
        return ImportResult(errors=[_("Die Datenbank hat den Import abgelehnt. Es wurde nichts importiert.")])
    except BaseException:
        db.session.rollback()
        raise
    log.info("%s imported %d registrations into %s", consent, len(statuses), meeting.slug)
    return ImportResult(imported=len(statuses), waitlisted=statuses.count(WAITLISTED),
                        ignored_columns=parsed.ignored_columns)


def import_summary(meeting: Meeting, result: ImportResult) -> list[tuple[str, str]]:
    """What a successful import tells the organiser: (message, category), on the page and on the command line."""
    messages = [(ngettext("%(num)s Anmeldung importiert", "%(num)s Anmeldungen importiert", result.imported),
                 "success")]
    if result.waitlisted:
        messages.append((ngettext("Davon steht %(num)s Person auf der Warteliste.",
                                  "Davon stehen %(num)s Personen auf der Warteliste.", result.waitlisted), "warning"))
    confirmed = meeting.count(CONFIRMED)
    if confirmed > meeting.capacity:
        messages.append((_("Damit sind %(confirmed)s Personen angemeldet, bei %(capacity)s Plätzen.",
                           confirmed=confirmed, capacity=meeting.capacity), "warning"))
    if result.ignored_columns:
        messages.append((_("Nicht übernommene Spalten: %(columns)s", columns=", ".join(result.ignored_columns)),
                         "info"))
    return messages


# ---------------------------------------------------------------- views


def render_page(template: str, **context) -> str:
    """A page inside the meeting's layout (templates/meetings/_layout.html), with the "Anmeldungen" tab."""
    return render_template(template, tab="registrations", **context)


@bp.route("", strict_slashes=False)
def index(slug: str):
    meeting = organiser_meeting(slug)
    filters = Filters.from_args(request.args, meeting)
    people = filtered_registrations(meeting, filters)
    return render_page("registrations/index.html", meeting=meeting, people=people, filters=filters,
                           counts=status_counts(meeting), positions=waitlist_positions(meeting))


@bp.route("/<int:registration_id>", methods=["GET", "POST"])
def edit(slug: str, registration_id: int):
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    form = build_form(OrganiserRegistrationForm, meeting, person)
    status = 200
    if validate_submitted(form):
        try:
            service.update(person, form_data(form, meeting, person))
        except service.AlreadyRegistered as duplicate:
            form.email.errors = list(form.email.errors) + [
                _("Mit dieser E-Mail-Adresse ist bereits %(name)s angemeldet.", name=duplicate.registration.name)]
            status = 409
        else:
            flash(_("Die Angaben von %(name)s sind gespeichert.", name=person.name), "success")
            return redirect(url_for(".edit", slug=slug, registration_id=person.id))
    elif form.is_submitted():
        status = 400
    return render_page("registrations/edit.html", meeting=meeting, person=person, form=form,
                           position=waitlist_positions(meeting).get(person.id),
                           consent_source=consent_source(person.consent_version)), status


@bp.route("/neu", methods=["GET", "POST"])
def new(slug: str):
    meeting = organiser_meeting(slug)
    if meeting.purged_at is not None:
        return refuse_after_purge(meeting)
    form = build_form(ManualRegistrationForm, meeting)
    if validate_submitted(form):
        service._lock_meeting(meeting)  # noqa: SLF001 - the same lock as registration.register
        try:
            person = service.new_registration(meeting, form_data(form, meeting), form.locale.data,
                                              organiser_consent("organiser"))
        except service.AlreadyRegistered as duplicate:
            db.session.rollback()
            form.email.errors = list(form.email.errors) + [
                _("Mit dieser E-Mail-Adresse ist bereits %(name)s angemeldet.", name=duplicate.registration.name)]
            return render_page("registrations/new.html", meeting=meeting, form=form,
                                   duplicate=duplicate.registration), 409
        db.session.commit()
        if form.send_confirmation.data:
            service.notify(person, "confirmation" if person.status == CONFIRMED else "waitlisted")
        if person.status == CONFIRMED:
            flash(_("%(name)s ist angemeldet.", name=person.name), "success")
        else:
            flash(_("Alle Plätze sind vergeben: %(name)s steht auf der Warteliste.", name=person.name), "warning")
        return redirect(url_for(".edit", slug=slug, registration_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_page("registrations/new.html", meeting=meeting, form=form), status


@bp.route("/<int:registration_id>/stornieren", methods=["POST"])
def cancel(slug: str, registration_id: int):
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    if person.status == CANCELLED:
        flash(_("Die Anmeldung von %(name)s ist schon storniert.", name=person.name), "info")
    else:
        promoted = service.cancel(person)
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
        service.promote(person)
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
    people = db.session.scalars(
        select(Registration).where(Registration.meeting_id == meeting.id)
        .options(selectinload(Registration.sector), selectinload(Registration.offers),
                 selectinload(Registration.needs), selectinload(Registration.blocks))
        .order_by(Registration.created_at, Registration.id))
    return _csv_download(csv_io.export_csv(people), f"anmeldungen-{meeting.slug}-{local_now():%Y-%m-%d}.csv")


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
    result = ImportResult()
    if form.validate_on_submit():
        result = import_registrations(meeting, form.file.data.read(), organiser_consent("import"))
        if not result.errors:
            for message, category in import_summary(meeting, result):
                flash(message, category)
            return redirect(url_for(".index", slug=slug))
    status = 400 if form.is_submitted() else 200
    return render_page("registrations/import.html", meeting=meeting, form=form, result=result,
                           columns=csv_io.COLUMNS, required=csv_io.REQUIRED), status
