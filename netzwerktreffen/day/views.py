"""On the day, at the desk: check-in, walk-ins, no-shows, re-planning and the print-outs.

Works without JavaScript (plain forms, server-side search ``q``) on a phone or
a laptop; a little script filters the list while typing.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import login_required
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.day import printing
from netzwerktreffen.day import replanning
from netzwerktreffen.planning.today import held_rounds
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.web.auth import organiser_meeting
from netzwerktreffen.web.common import owned_or_404
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import CONFIRMED, Meeting, Registration, utcnow
from netzwerktreffen.registration.service import (AlreadyRegistered, RegistrationData, consent_version, find_registration,
                           new_registration)
from netzwerktreffen.web.fields import Form, LanguagesField, MultiCheckboxField, default_languages, language_choices
from netzwerktreffen.registration.service import refuse_after_purge

bp = Blueprint("checkin", __name__, url_prefix="/organisation/treffen/<slug>/tag")

WALK_IN_DOMAIN = "netzwerktreffen.invalid"  # the reserved .invalid domain (RFC 2606): never delivered


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is for logged-in organisers only."""


class WalkInForm(Form):
    name = StringField(_l("Vor- und Nachname"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    sector = SelectField(_l("Bereich"), coerce=int)
    email = EmailField(_l("E-Mail (freiwillig)"), validators=[Optional(), Email(), Length(max=254)],
                       description=_l("Ohne Adresse wird ein Platzhalter gespeichert; die Person bekommt dann "
                                      "keine Mails, aber einen gedruckten Laufzettel mit QR-Code."))
    languages = LanguagesField(_l("Sprachen"), validators=[DataRequired(message=_l("Bitte wählen Sie mindestens "
                                                                                   "eine Sprache."))])
    blocks = MultiCheckboxField(_l("Nimmt teil an"), coerce=int)
    consent = BooleanField(_l("Die Person hat den Datenschutzhinweis gesehen und ist mit der Verarbeitung "
                              "ihrer Angaben für dieses Treffen einverstanden."),
                           validators=[DataRequired(message=_l("Ohne Einwilligung kann die Person nicht "
                                                               "eingeteilt werden."))])


def walk_in_form(meeting: Meeting) -> WalkInForm:
    form = WalkInForm()
    form.sector.choices = [(s.id, s.name) for s in meeting.sectors]
    form.languages.choices = language_choices(meeting)
    form.blocks.choices = [(b.id, b.title) for b in meeting.blocks]
    if not form.is_submitted():
        form.languages.data = default_languages(meeting)
        form.blocks.data = [b.id for b in meeting.blocks]
    return form


def matches(registration: Registration, query: str) -> bool:
    words = query.casefold().split()
    text = f"{registration.name} {registration.organisation}".casefold()
    return all(word in text for word in words)


def state(registration: Registration) -> str:
    if registration.no_show:
        return "no-show"
    if registration.checked_in_at:
        return "arrived"
    return "open"


def suggested_held(meeting: Meeting, now=None) -> dict[str, int]:
    """Rounds over per block: as stored, or on the day of the meeting by the clock if that says more."""
    now = now or local_now()
    held = held_rounds(meeting)
    if meeting.date == now.date():
        for block in meeting.blocks:
            over = sum(1 for start, _end in block.round_times() if start <= now.time())  # begun = held
            key = scheduling.block_key(block)
            held[key] = max(held[key], min(over, block.rounds))
    return held


def _back(slug: str, anchor: str = ""):
    q = request.form.get("q", "") or request.args.get("q", "")
    return redirect(url_for("checkin.index", slug=slug, q=q or None) + (f"#{anchor}" if anchor else ""))


# --------------------------------------------------------------------------
# Check-in


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    query = request.args.get("q", "").strip()
    people = printing.sort_people(r for r in meeting.registrations if r.status == CONFIRMED)
    counts = {"all": len(people), "arrived": sum(1 for p in people if state(p) == "arrived"),
              "no-show": sum(1 for p in people if p.no_show), "walk-in": sum(1 for p in people if p.walk_in)}
    counts["open"] = counts["all"] - counts["arrived"] - counts["no-show"]
    shown = [p for p in people if matches(p, query)] if query else people
    published = scheduling.published(meeting)
    return render_template("checkin/index.html", meeting=meeting, people=shown, query=query, counts=counts,
                           state=state, form=walk_in_form(meeting), published=published,
                           documents=printing.available(meeting), held=suggested_held(meeting), tab="day")


def _mark(slug: str, registration_id: int, arrived: bool, no_show: bool, message: str, category: str):
    """Set a person's state at the desk (one tap), then back to their row in the list."""
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    if Form().validate_on_submit():
        person.checked_in_at = (person.checked_in_at or utcnow()) if arrived else None
        person.no_show = no_show
        db.session.commit()
        flash(message % {"name": person.name}, category)
    return _back(slug, f"r{person.id}")


@bp.route("/<int:registration_id>/angekommen", methods=["POST"])
def arrive(slug: str, registration_id: int):
    return _mark(slug, registration_id, True, False, _("%(name)s ist angekommen."), "success")


@bp.route("/<int:registration_id>/nicht-erschienen", methods=["POST"])
def no_show(slug: str, registration_id: int):
    return _mark(slug, registration_id, False, True, _("%(name)s ist als nicht erschienen markiert."), "info")


@bp.route("/<int:registration_id>/zuruecksetzen", methods=["POST"])
def reset(slug: str, registration_id: int):
    return _mark(slug, registration_id, False, False, _("%(name)s ist wieder offen."), "info")


@bp.route("/offene-fehlen", methods=["POST"])
def open_missing(slug: str):
    """Everyone confirmed who has not checked in is marked as not there."""
    meeting = organiser_meeting(slug)
    if Form().validate_on_submit():
        marked = 0
        for person in meeting.registrations:
            if person.status == CONFIRMED and not person.checked_in_at and not person.no_show:
                person.no_show = True
                marked += 1
        db.session.commit()
        flash(_("%(n)s Personen als nicht erschienen markiert.", n=marked), "info")
    return _back(slug)


def placeholder_email(meeting: Meeting) -> str:
    while True:
        address = f"walkin-{secrets.token_hex(6)}@{WALK_IN_DOMAIN}"
        if find_registration(meeting, address) is None:
            return address


def is_placeholder(email: str) -> bool:
    return email.endswith("@" + WALK_IN_DOMAIN)


def add_walk_in(meeting: Meeting, data: RegistrationData) -> Registration:
    """A person who came without registering: confirmed (also beyond capacity), checked in, walk_in."""
    registration = new_registration(meeting, data, "de", "walk-in/" + consent_version(meeting, "de"))
    registration.status, registration.waitlisted_at = CONFIRMED, None
    registration.walk_in = True
    registration.checked_in_at = utcnow()
    registration.no_show = False
    db.session.commit()
    return registration


@bp.route("/spontan", methods=["POST"])
def walk_in(slug: str):
    meeting = organiser_meeting(slug)
    if meeting.purged_at is not None:
        return refuse_after_purge(meeting)
    form = walk_in_form(meeting)
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            label = getattr(form, name).label.text if hasattr(form, name) else name
            for error in errors:
                flash(f"{label}: {error}", "error")
        return _back(slug, "spontan")
    sectors = {s.id: s for s in meeting.sectors}
    blocks = [b for b in meeting.blocks if b.id in set(form.blocks.data or [])]
    data = RegistrationData(name=form.name.data, email=form.email.data or placeholder_email(meeting),
                            organisation=form.organisation.data, sector=sectors.get(form.sector.data),
                            languages=list(form.languages.data), blocks=blocks)
    try:
        person = add_walk_in(meeting, data)
    except AlreadyRegistered as error:
        db.session.rollback()
        flash(_("Mit dieser Adresse ist bereits %(name)s angemeldet – bitte dort einchecken.",
                name=error.registration.name), "error")
        return redirect(url_for("checkin.index", slug=slug, q=error.registration.name))
    flash(_("%(name)s ist als spontan gekommen eingetragen und eingecheckt. Für einen Platz in den "
            "nächsten Runden bitte neu planen.", name=person.name), "success")
    return redirect(url_for("checkin.index", slug=slug, q=person.name) + f"#r{person.id}")


# --------------------------------------------------------------------------
# Re-planning


@bp.route("/neu-planen", methods=["POST"])
def replan(slug: str):
    meeting = organiser_meeting(slug)
    if not Form().validate_on_submit():
        abort(400)
    held = {}
    for block in meeting.blocks:
        key = scheduling.block_key(block)
        try:
            held[key] = max(0, min(block.rounds, int(request.form.get(f"held-{key}", block.rounds_held or 0))))
        except ValueError:
            held[key] = block.rounds_held or 0
    try:
        result = replanning.replan(meeting, held, background_notices=True)
    except PlanningError as error:
        db.session.rollback()
        flash(_("Neu planen ging nicht: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("checkin.index", slug=slug) + "#neu-planen")
    flash(_("Neu geplant in %(s)s s: %(n)s Personen haben einen geänderten Plan.",
            s=f"{result.seconds:.1f}".replace(".", ","), n=len(result.affected)), "success")
    if result.notices is None:
        flash(_("Änderungsmitteilungen konnten nicht verschickt werden (Mail-Modul fehlt)."), "warning")
    elif result.notices == -1:
        flash(_("Die Betroffenen bekommen eine Änderungsmitteilung; sie wird im Hintergrund in den "
                "Postausgang gelegt."), "info")
    elif result.notices:
        flash(_("%(n)s Änderungsmitteilungen sind im Postausgang.", n=result.notices), "info")
    return redirect(url_for("checkin.replanned", slug=slug, von=result.before.number, nach=result.after.number))


def _rounds_param(rounds) -> str:
    return ",".join(f"{block}:{r}" for block, r in sorted(rounds))


def _parse_rounds(text: str) -> set[tuple[str, int]] | None:
    if not text:
        return None
    rounds = set()
    for part in text.split(","):
        block, _sep, r = part.partition(":")
        if r.isdigit():
            rounds.add((block, int(r)))
    return rounds


def _parse_people(text: str) -> set[int] | None:
    if not text:
        return None
    return {int(part) for part in text.split(",") if part.strip().isdigit()}


@bp.route("/neuplanung")
def replanned(slug: str):
    """Who is affected by a re-planning, and the reprints: their slips and the changed rounds' room plans."""
    meeting = organiser_meeting(slug)
    try:
        before = planning.get_version(meeting, int(request.args.get("von", "")))
        after = planning.get_version(meeting, int(request.args.get("nach", "")))
    except ValueError:
        abort(404)
    if before is None or after is None:
        abort(404)
    changes = planning.differences(meeting, before.plan, after.plan)
    affected, rounds = replanning.affected_people(changes, before.plan, after.plan)
    blocks = {scheduling.block_key(b): b for b in meeting.blocks}
    names = {scheduling.participant_id(r): r.name for r in meeting.registrations}
    tables = {scheduling.table_key(t): t.number for b in meeting.blocks for t in b.cafe_tables}
    by_person: dict[int, list[str]] = {}
    for change in changes:
        where = _("%(block)s, Runde %(n)s", block=blocks[change.block_id].title if change.block_id in blocks
                  else change.block_id, n=change.round + 1)
        if change.block_id in blocks and blocks[change.block_id].is_cafe:
            what = _("Tisch %(a)s statt %(b)s", a=", ".join(tables.get(t, t) for t in change.after),
                     b=", ".join(tables.get(t, t) for t in change.before))
        else:
            pause = pgettext("Runde", "Pause")  # no group-mates: a pause
            what = _("jetzt mit %(a)s (vorher %(b)s)", a=", ".join(names.get(p, p) for p in change.after) or pause,
                     b=", ".join(names.get(p, p) for p in change.before) or pause)
        by_person.setdefault(change.registration_id, []).append(f"{where}: {what}")
    return render_template("checkin/replanned.html", meeting=meeting, before=before, after=after,
                           people=replanning.people_of(meeting, affected), by_person=by_person, blocks=blocks,
                           rounds=sorted(rounds), people_param=",".join(map(str, affected)),
                           rounds_param=_rounds_param(rounds),
                           current=scheduling.published(meeting))


# --------------------------------------------------------------------------
# Print-outs


@bp.route("/drucken/<kind>.pdf")
def download(slug: str, kind: str):
    """One document as PDF; ``personen`` and ``runden`` limit slips/badges and room plans (reprints)."""
    meeting = organiser_meeting(slug)
    if kind not in printing.DOCUMENTS:
        abort(404)
    try:
        pdf = printing.render_pdf(meeting, kind, people=_parse_people(request.args.get("personen", "")),
                                  rounds=_parse_rounds(request.args.get("runden", "")))
    except printing.PrintError as error:
        flash(str(error), "error")
        return redirect(url_for("checkin.index", slug=slug) + "#drucken")
    filename = printing.DOCUMENTS[kind][0]
    if request.args.get("personen") or request.args.get("runden"):
        filename = filename.replace(".pdf", "-nachdruck.pdf")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{meeting.slug}-{filename}"'})
