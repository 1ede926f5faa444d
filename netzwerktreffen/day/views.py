"""On the day, at the desk: check-in, walk-ins, no-shows, re-planning and the print-outs.

Works without JavaScript (plain forms, server-side search ``q``) on a phone or
a laptop; a little script filters the list while typing.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from netzwerktreffen.core.i18n import format_number
from netzwerktreffen.core.models import CONFIRMED, Registration
from netzwerktreffen.core.names import by_family_name, listed
from netzwerktreffen.planning import service as planning
from netzwerktreffen.day import checkin, print_jobs, printing, replanning
from netzwerktreffen.day.forms import form_errors, held_rounds_asked, walk_in_data, walk_in_form
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.registration.service import AlreadyRegistered, refuse_after_purge
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404
from netzwerktreffen.web.fields import Form

bp = organisers_only(Blueprint("checkin", __name__, url_prefix="/organisation/treffen/<slug>/tag"))


def _back(slug: str, anchor: str = ""):
    q = request.form.get("q", "") or request.args.get("q", "")
    return redirect(url_for("checkin.index", slug=slug, q=q or None) + (f"#{anchor}" if anchor else ""))


# --------------------------------------------------------------------------
# Check-in


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    query = request.args.get("q", "").strip()
    people = by_family_name(r for r in meeting.registrations if r.status == CONFIRMED)
    shown = [p for p in people if checkin.matches(p, query)] if query else people
    return render_template("checkin/index.html", meeting=meeting, people=shown, query=query,
                           counts=checkin.counts(people), state=checkin.state, form=walk_in_form(meeting),
                           listed=listed, published=scheduling.published(meeting),
                           documents=printing.available(meeting),
                           held=replanning.suggested_held(meeting), tab="day", sync_sheets=print_jobs.SYNC_SHEETS)


def _mark(slug: str, registration_id: int, change, message: str, category: str):
    """Set a person's state at the desk (one tap), then back to their row in the list."""
    meeting = organiser_meeting(slug)
    person = owned_or_404(Registration, registration_id, meeting)
    if Form().validate_on_submit():
        change(person)
        flash(message % {"name": person.name}, category)
    return _back(slug, f"r{person.id}")


@bp.route("/<int:registration_id>/angekommen", methods=["POST"])
def arrive(slug: str, registration_id: int):
    return _mark(slug, registration_id, checkin.check_in, _("%(name)s ist angekommen."), "success")


@bp.route("/<int:registration_id>/nicht-erschienen", methods=["POST"])
def no_show(slug: str, registration_id: int):
    return _mark(slug, registration_id, checkin.mark_no_show, _("%(name)s ist als nicht erschienen markiert."),
                 "info")


@bp.route("/<int:registration_id>/zuruecksetzen", methods=["POST"])
def reset(slug: str, registration_id: int):
    return _mark(slug, registration_id, checkin.reopen, _("%(name)s ist wieder offen."), "info")


@bp.route("/offene-fehlen", methods=["POST"])
def open_missing(slug: str):
    """Everyone confirmed who has not checked in is marked as not there."""
    meeting = organiser_meeting(slug)
    if Form().validate_on_submit():
        marked = checkin.mark_open_as_no_show(meeting)
        flash(ngettext("%(n)s Person als nicht erschienen markiert.", "%(n)s Personen als nicht erschienen markiert.", num=marked, n=marked), "info")
    return _back(slug)


@bp.route("/spontan", methods=["POST"])
def walk_in(slug: str):
    meeting = organiser_meeting(slug)
    if meeting.purged_at is not None:
        return refuse_after_purge(meeting)
    form = walk_in_form(meeting)
    if not form.validate_on_submit():
        for message in form_errors(form):
            flash(message, "error")
        return _back(slug, "spontan")
    try:
        person = checkin.add_walk_in(meeting, walk_in_data(form, meeting))
    except AlreadyRegistered as error:
        flash(_("Mit dieser Adresse ist bereits %(name)s angemeldet – bitte dort einchecken.",
                name=error.registration.name), "error")
        return redirect(url_for("checkin.index", slug=slug, q=error.registration.name))
    flash(_("%(name)s ist als spontan gekommen eingetragen und eingecheckt. Für einen Platz in den "
            "nächsten Runden bitte neu planen.", name=person.name), "success")
    return redirect(url_for("checkin.index", slug=slug, q=person.name) + f"#r{person.id}")


# --------------------------------------------------------------------------
# Re-planning


def _flash_replanned(result: replanning.Replanned) -> None:
    flash(ngettext("Neu geplant in %(s)s s: %(n)s Person hat einen geänderten Plan.", "Neu geplant in %(s)s s: %(n)s Personen haben einen geänderten Plan.",
            s=format_number(result.seconds), num=len(result.affected), n=len(result.affected)), "success")
    if result.notices is None:
        flash(_("Änderungsmitteilungen konnten nicht verschickt werden (Mail-Modul fehlt)."), "warning")
    elif result.notices:
        flash(ngettext("%(n)s Änderungsmitteilung ist im Postausgang.", "%(n)s Änderungsmitteilungen sind im Postausgang.", num=result.notices, n=result.notices), "info")


@bp.route("/neu-planen", methods=["POST"])
def replan(slug: str):
    meeting = organiser_meeting(slug)
    if not Form().validate_on_submit():
        abort(400)
    try:
        result = replanning.replan(meeting, held_rounds_asked(meeting, request.form))
    except PlanningError as error:
        flash(_("Neu planen ging nicht: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("checkin.index", slug=slug) + "#neu-planen")
    _flash_replanned(result)
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
    before = planning.version_or_404(meeting, request.args.get("von", ""))
    after = planning.version_or_404(meeting, request.args.get("nach", ""))
    report = replanning.report(meeting, before, after)
    return render_template("checkin/replanned.html", meeting=meeting, before=before, after=after,
                           people=report.people, by_person=report.by_person, blocks=report.blocks,
                           rounds=report.rounds, people_param=",".join(map(str, report.affected)),
                           rounds_param=_rounds_param(report.rounds), current=scheduling.published(meeting))


# --------------------------------------------------------------------------
# Print-outs


def _pdf(pdf: bytes, filename: str) -> Response:
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/drucken/<kind>.pdf")
def download(slug: str, kind: str):
    """One document as PDF; ``personen`` and ``runden`` limit slips/badges and room plans (reprints),
    ``falten=1`` makes table cards to fold.
    A large one is made in the background: the answer is then its job page."""
    meeting = organiser_meeting(slug)
    if kind not in printing.DOCUMENTS:
        abort(404)
    people, rounds = request.args.get("personen", ""), request.args.get("runden", "")
    folded = request.args.get("falten") == "1"  # table cards as tent cards
    try:
        html = printing.document_html(meeting, kind, people=_parse_people(people), rounds=_parse_rounds(rounds),
                                      folded=folded)
    except printing.PrintError as error:
        flash(str(error), "error")
        return redirect(url_for("checkin.index", slug=slug) + "#drucken")
    filename = printing.download_name(meeting, kind, reprint=bool(people or rounds), folded=folded)
    made = print_jobs.make(meeting, html, filename, str(printing.DOCUMENTS[kind][1]))
    if isinstance(made, bytes):
        return _pdf(made, filename)
    return redirect(url_for("checkin.print_job", slug=slug, job_id=made.id), 303)


@bp.route("/drucken/auftrag/<job_id>")
def print_job(slug: str, job_id: str):
    """A large print-out being made: its progress (the page reloads itself), then the download."""
    meeting = organiser_meeting(slug)
    job = print_jobs.get(meeting, job_id)
    return render_template("checkin/print_job.html", meeting=meeting, job=job, tab="day",
                           kept_hours=print_jobs.KEEP_HOURS), 200 if job else 404


@bp.route("/drucken/auftrag/<job_id>/<filename>")
def print_job_file(slug: str, job_id: str, filename: str):
    """The finished PDF of a print job, once: it is deleted from the server as it is handed out."""
    meeting = organiser_meeting(slug)
    taken = print_jobs.take(meeting, job_id)
    if taken is None:
        flash(_("Dieses PDF ist nicht mehr da (schon heruntergeladen oder älter als einen Tag). Bitte erstellen "
                "Sie es neu."), "error")
        return redirect(url_for("checkin.index", slug=slug) + "#drucken")
    return _pdf(taken[1], taken[0].filename)
