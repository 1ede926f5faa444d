"""Organiser pages for the round plan: plan, watch progress, review, adjust, publish, export/import."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import (Blueprint, Response, abort, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import FloatField
from wtforms.validators import NumberRange

from netzwerktreffen.planning import check as plan_check
from netzwerktreffen.planning import messages as plan_messages
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning import quality
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.web.auth import organiser_meeting
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import PUBLISHED, PlanningJob, Registration
from netzwerktreffen.web.fields import Form

bp = Blueprint("plans", __name__, url_prefix="/organisation/treffen/<slug>/plan")


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is for logged-in organisers only."""


class StartForm(Form):
    time_limit = FloatField(_l("Rechenzeit in Sekunden"), default=30,
                            validators=[NumberRange(min=1, max=600)])


class ImportForm(Form):
    plan_file = FileField(_l("Plan-Datei (JSON)"), validators=[FileRequired()])


def load_version(meeting, number: int):
    if number > planning.MAX_ID:
        abort(404)  # no version has such a number (and PostgreSQL would refuse it)
    version = planning.get_version(meeting, number)
    if version is None:
        abort(404)
    return version


def people_by_id(meeting) -> dict[str, Registration]:
    people = db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                .options(selectinload(Registration.sector), selectinload(Registration.meeting)))
    return {scheduling.participant_id(r): r for r in people}


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    versions = list(reversed(meeting.plan_versions))
    job = planning.active_job(meeting)
    last_job = db.session.scalar(select(PlanningJob).where(PlanningJob.meeting_id == meeting.id)
                                 .order_by(PlanningJob.id.desc()).limit(1))
    findings = [] if job else plan_check.check_meeting(meeting)
    return render_template("plans/index.html", meeting=meeting, versions=versions, job=job,
                           last_job=last_job, form=StartForm(), import_form=ImportForm(), findings=findings)


@bp.route("/starten", methods=["POST"])
def start(slug: str):
    meeting = organiser_meeting(slug)
    form = StartForm()
    if not form.validate_on_submit():
        flash(_("Bitte geben Sie eine Rechenzeit zwischen 1 und 600 Sekunden an."), "error")
        return redirect(url_for("plans.index", slug=slug))
    try:
        planning.start_job(meeting, form.time_limit.data)
    except PlanningError as error:
        flash(str(error), "error")
    return redirect(url_for("plans.index", slug=slug))


def _job(meeting, job_id: int) -> PlanningJob:
    if job_id > planning.MAX_ID:
        abort(404)  # no job has such an id (and PostgreSQL would refuse it)
    job = db.session.get(PlanningJob, job_id)
    if job is None or job.meeting_id != meeting.id:
        abort(404)
    return job


@bp.route("/lauf/<int:job_id>")
def job_status(slug: str, job_id: int):
    """The progress bar's data: elapsed and remaining time, best score so far, bound and gap."""
    meeting = organiser_meeting(slug)
    job = _job(meeting, job_id)
    db.session.refresh(job)  # never the values this session read before: the job writes on its own connection
    planning.expire_if_dead(job)  # a job whose process died ends here, with the reason
    elapsed = 0.0
    if job.started_at:
        end = job.finished_at or datetime.now(timezone.utc)
        elapsed = (end - job.started_at).total_seconds()
    gap = None
    if job.best_score is not None and job.bound:
        gap = max(0.0, (job.bound - job.best_score) / abs(job.bound))
    response = jsonify(status=job.status, elapsed=round(elapsed, 1),
                       remaining=round(max(0.0, job.time_limit - elapsed), 1) if job.status in planning.ACTIVE
                       else 0,
                       time_limit=job.time_limit, best_score=job.best_score, bound=job.bound, gap=gap,
                       message=job.message,
                       version=job.plan_version.number if job.plan_version else None,
                       version_url=url_for("plans.show", slug=slug, number=job.plan_version.number)
                       if job.plan_version else None)
    response.headers["Cache-Control"] = "no-store"  # polled every second: never an answer from a cache
    return response


@bp.route("/lauf/<int:job_id>/stoppen", methods=["POST"])
def stop(slug: str, job_id: int):
    meeting = organiser_meeting(slug)
    job = _job(meeting, job_id)
    db.session.refresh(job)
    if planning.expire_if_dead(job):
        flash(_("Diese Planung läuft nicht mehr."), "info")
        return redirect(url_for("plans.index", slug=slug))
    planning.request_stop(job)
    flash(_("Die Planung wird angehalten; der beste bisher gefundene Plan wird gespeichert."), "info")
    return redirect(url_for("plans.index", slug=slug))


@bp.route("/v<int:number>")
def show(slug: str, number: int):
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    schedule = scheduling.Schedule(meeting, version.plan)
    instance, locks = planning.version_locks(version)
    assessment = quality.assess(instance, version.plan)
    found = planning.violations(instance, version.plan, planning.block_titles(meeting))
    published = scheduling.latest(meeting, PUBLISHED)
    person_link = url_for("plans.person", slug=slug, number=number, registration_id=0)[:-1]
    return render_template("plans/show.html", meeting=meeting, version=version, schedule=schedule,
                           people=people_by_id(meeting), quality=assessment, violations=found, locks=locks,
                           published=published,
                           person_link=person_link, why_link=url_for("plans.why", slug=slug, number=number),
                           histogram=quality.histogram, counts=quality.counts,
                           notes=plan_check.plan_notes(meeting, version),
                           edit_link=url_for("registrations.edit", slug=slug, registration_id=0)[:-1])


@bp.route("/v<int:number>/person/<int:registration_id>")
def person(slug: str, number: int, registration_id: int):
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    registration = db.session.get(Registration, registration_id) if registration_id <= planning.MAX_ID else None
    if registration is None or registration.meeting_id != meeting.id:
        abort(404)
    schedule = scheduling.Schedule(meeting, version.plan)
    notes = plan_messages.by_person(plan_check.plan_notes(meeting, version)).get(registration.id, [])
    return render_template("plans/person.html", meeting=meeting, version=version, person=registration,
                           seats=schedule.seats_of(registration), people=people_by_id(meeting), notes=notes)


@bp.route("/v<int:number>/warum")
def why(slug: str, number: int):
    """Why these two: the topics, sectors and wishes behind the value of a meeting."""
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    a, b = request.args.get("a", ""), request.args.get("b", "")
    known = {p["id"] for p in version.instance["participants"]}
    if a not in known or b not in known or a == b:
        abort(404)
    topic_names = {t.key: t.name for t in meeting.topics}
    reason = quality.why(version.instance, a, b, topic_names)
    sectors = {s.key: s.name for s in meeting.sectors}
    return render_template("plans/why.html", meeting=meeting, version=version, reason=reason,
                           a=people_by_id(meeting)[a], b=people_by_id(meeting)[b], sectors=sectors)


def _change_from(form) -> dict:
    return {key: form.get(key, "") for key in ("action", "block", "round", "a", "b", "target")}


@bp.route("/v<int:number>/pruefen", methods=["POST"])
def check_change(slug: str, number: int):
    """Live validation: what a change would break, before anything is saved (JSON)."""
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    try:
        _, found = planning.apply_change(version, _change_from(request.form))
    except (PlanningError, ValueError, KeyError) as error:
        return jsonify(ok=False, violations=[{"message": str(error) or _("Ungültige Änderung.")}]), 400
    return jsonify(ok=not found, violations=found)


@bp.route("/v<int:number>/aendern", methods=["POST"])
def change(slug: str, number: int):
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    try:
        plan, found = planning.apply_change(version, _change_from(request.form))
    except (PlanningError, ValueError, KeyError) as error:
        flash(str(error) or _("Ungültige Änderung."), "error")
        return redirect(url_for("plans.show", slug=slug, number=number))
    if found:
        for violation in found:
            flash(violation["message"], "error")
        flash(_("Die Änderung wurde nicht gespeichert."), "error")
        return redirect(url_for("plans.show", slug=slug, number=number))
    new = planning.save_change(version, plan, note=_("Änderung von Version %(n)s", n=number))
    flash(_("Gespeichert als Entwurf Version %(n)s.", n=new.number), "success")
    return redirect(url_for("plans.show", slug=slug, number=new.number))


@bp.route("/v<int:number>/festlegen", methods=["POST"])
def lock(slug: str, number: int):
    """Lock two people together (speed networking) or a person to a café table, for every re-solve."""
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    try:
        planning.lock_from_form(meeting, _change_from(request.form))
    except PlanningError as error:
        flash(_("Nicht festgelegt: %(reason)s", reason=str(error)), "error")
    else:
        flash(_("Festgelegt. Die Festlegung gilt auch beim nächsten Neuplanen."), "success")
    return redirect(url_for("plans.show", slug=slug, number=version.number) + "#festlegungen")


@bp.route("/v<int:number>/festlegungen/<int:lock_id>/entfernen", methods=["POST"])
def remove_lock(slug: str, number: int, lock_id: int):
    """Remove one of the meeting's locks (the form carries the CSRF token)."""
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    try:
        removed = planning.remove_lock(meeting, lock_id)
    except PlanningError as error:
        flash(str(error), "error")
    else:
        names = removed.people + [_("unbekannte Person")] * (2 - len(removed.people))
        if removed.block.is_cafe:
            flash(_("Die Festlegung von %(a)s an Tisch %(t)s in „%(block)s“, Runde %(n)s ist entfernt.",
                    a=names[0], t=removed.table.number if removed.table else "?", block=removed.block.title,
                    n=removed.lock.round + 1), "success")
        else:
            flash(_("Die Festlegung von %(a)s und %(b)s in „%(block)s“, Runde %(n)s ist entfernt.",
                    a=names[0], b=names[1], block=removed.block.title, n=removed.lock.round + 1), "success")
    return redirect(url_for("plans.show", slug=slug, number=version.number) + "#festlegungen")


@bp.route("/v<int:number>/veroeffentlichen", methods=["POST"])
def publish(slug: str, number: int):
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    if Form().validate_on_submit():
        try:
            planning.publish(version)
        except PlanningError as error:
            db.session.rollback()
            flash(str(error), "error")
            for reason in error.reasons[:20]:
                flash(reason, "error")
            if len(error.reasons) > 20:
                flash(_("… und %(n)s weitere.", n=len(error.reasons) - 20), "error")
        else:
            flash(_("Version %(n)s ist jetzt der veröffentlichte Plan.", n=number), "success")
    return redirect(url_for("plans.show", slug=slug, number=number))


@bp.route("/vergleich")
def compare(slug: str):
    """Whose schedule differs between two versions."""
    meeting = organiser_meeting(slug)
    try:
        left = load_version(meeting, int(request.args.get("a", "")))
        right = load_version(meeting, int(request.args.get("b", "")))
    except ValueError:
        abort(404)
    changes = planning.differences(meeting, left.plan, right.plan)
    names = plan_messages.Names.of_meeting(meeting)

    def label(key: str) -> str:  # a group-mate or a café table, never an id
        return names.table(key) if key in names.tables else names.person(key)
    return render_template("plans/compare.html", meeting=meeting, left=left, right=right, changes=changes,
                           people=people_by_id(meeting), block_title=names.block_title, label=label)


def _json_download(data: dict, filename: str) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/instance.json")
def export_instance(slug: str):
    meeting = organiser_meeting(slug)
    return _json_download(scheduling.build_instance(meeting), f"{slug}-instance.json")


@bp.route("/v<int:number>/plan.json")
def export_plan(slug: str, number: int):
    meeting = organiser_meeting(slug)
    version = load_version(meeting, number)
    return _json_download(version.plan, f"{slug}-plan-v{number}.json")


@bp.route("/import", methods=["POST"])
def import_plan(slug: str):
    meeting = organiser_meeting(slug)
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie eine Plan-Datei (JSON) aus."), "error")
        return redirect(url_for("plans.index", slug=slug))
    try:
        data = json.loads(form.plan_file.data.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        flash(_("Die Datei ist kein gültiges JSON: %(error)s", error=str(error)), "error")
        return redirect(url_for("plans.index", slug=slug))
    try:
        version = planning.import_plan(meeting, data)
    except PlanningError as error:
        flash(_("Der Plan wurde nicht übernommen:"), "error")
        for line in str(error).splitlines()[:20]:
            flash(line, "error")
        return redirect(url_for("plans.index", slug=slug))
    flash(_("Plan als Entwurf Version %(n)s übernommen.", n=version.number), "success")
    return redirect(url_for("plans.show", slug=slug, number=version.number))
