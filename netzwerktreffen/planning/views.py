"""Organiser pages for the round plan: plan, watch progress, review, adjust, publish, export/import."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import FloatField
from wtforms.validators import NumberRange

from netzwerktreffen.core.models import CoverageRule, PlanningJob, Registration
from netzwerktreffen.planning import check as plan_check
from netzwerktreffen.planning import coverage, coverage_report, jobs, locks, quality
from netzwerktreffen.planning import messages as plan_messages
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.cafe_choices import LEVEL_LABELS
from netzwerktreffen.planning.chain_topics import handover_names
from netzwerktreffen.planning.coverage_forms import rule_data, rule_form
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404
from netzwerktreffen.web.fields import Form

bp = organisers_only(Blueprint("plans", __name__, url_prefix="/organisation/treffen/<slug>/plan"))


class StartForm(Form):
    time_limit = FloatField(_l("Rechenzeit in Sekunden"), default=30,
                            validators=[NumberRange(min=1, max=600)])


class ImportForm(Form):
    plan_file = FileField(_l("Plan-Datei (JSON)"), validators=[FileRequired()])


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    versions = list(reversed(meeting.plan_versions))
    job = jobs.active_job(meeting)
    last_job = jobs.latest_job(meeting)
    findings = [] if job else plan_check.check_meeting(meeting)
    return render_template("plans/index.html", meeting=meeting, versions=versions, job=job,
                           last_job=last_job, form=StartForm(), import_form=ImportForm(), findings=findings,
                           rule_shortfalls=coverage.shortfalls(meeting),
                           shown_gap=quality.meaningful_gap)


@bp.route("/starten", methods=["POST"])
def start(slug: str):
    meeting = organiser_meeting(slug)
    form = StartForm()
    if not form.validate_on_submit():
        flash(_("Bitte geben Sie eine Rechenzeit zwischen 1 und 600 Sekunden an."), "error")
        return redirect(url_for("plans.index", slug=slug))
    try:
        jobs.start_job(meeting, form.time_limit.data)
    except PlanningError as error:
        flash(str(error), "error")
    return redirect(url_for("plans.index", slug=slug))


@bp.route("/lauf/<int:job_id>")
def job_status(slug: str, job_id: int):
    """The progress bar's data: elapsed and remaining time, best score so far, bound and gap."""
    meeting = organiser_meeting(slug)
    job = owned_or_404(PlanningJob, job_id, meeting)
    jobs.settle(job)  # fresh values, never those this session read before; a job whose process died ends here
    version = job.plan_version
    response = jsonify(**jobs.progress_of(job), version=version.number if version else None,
                       version_url=url_for("plans.show", slug=slug, number=version.number) if version else None)
    response.headers["Cache-Control"] = "no-store"  # polled every second: never an answer from a cache
    return response


@bp.route("/lauf/<int:job_id>/stoppen", methods=["POST"])
def stop(slug: str, job_id: int):
    meeting = organiser_meeting(slug)
    job = owned_or_404(PlanningJob, job_id, meeting)
    if jobs.settle(job):
        flash(_("Diese Planung läuft nicht mehr."), "info")
        return redirect(url_for("plans.index", slug=slug))
    jobs.request_stop(job)
    flash(_("Die Planung wird angehalten; der beste bisher gefundene Plan wird gespeichert."), "info")
    return redirect(url_for("plans.index", slug=slug))


@bp.route("/v<int:number>")
def show(slug: str, number: int):
    meeting = organiser_meeting(slug)
    version = planning.version_or_404(meeting, number)
    schedule = scheduling.Schedule(meeting, version.plan)
    instance, lock_states = locks.version_locks(version)
    assessment = quality.assess(instance, version.plan)
    found = planning.violations(instance, version.plan, planning.block_titles(meeting))
    person_link = url_for("plans.person", slug=slug, number=number, registration_id=0)[:-1]
    return render_template("plans/show.html", meeting=meeting, version=version, schedule=schedule,
                           people=scheduling.people_by_pid(meeting), quality=assessment, violations=found,
                           locks=lock_states, published=scheduling.published(meeting),
                           person_link=person_link, why_link=url_for("plans.why", slug=slug, number=number),
                           histogram=quality.histogram, counts=quality.counts,
                           notes=plan_check.plan_notes(meeting, version),
                           cafe_level=LEVEL_LABELS.get(meeting.cafe_choices, meeting.cafe_choices),
                           rules=coverage_report.plan_rules(meeting, version),
                           must_meet=coverage_report.must_meet_all(meeting, version),
                           edit_link=url_for("registrations.edit", slug=slug, registration_id=0)[:-1])


@bp.route("/v<int:number>/person/<int:registration_id>")
def person(slug: str, number: int, registration_id: int):
    meeting = organiser_meeting(slug)
    version = planning.version_or_404(meeting, number)
    registration = owned_or_404(Registration, registration_id, meeting)
    schedule = scheduling.Schedule(meeting, version.plan)
    notes = plan_messages.by_person(plan_check.plan_notes(meeting, version)).get(registration.id, [])
    pid = scheduling.participant_id(registration)
    return render_template("plans/person.html", meeting=meeting, version=version, person=registration,
                           seats=schedule.seats_of(registration), people=scheduling.people_by_pid(meeting), notes=notes,
                           rules=[r for r in coverage_report.plan_rules(meeting, version) if pid in r.people],
                           wanted=coverage_report.must_meet(meeting, version, registration), pid=pid)


@bp.route("/v<int:number>/warum")
def why(slug: str, number: int):
    """Why these two: the topics, sectors and wishes behind the value of a meeting."""
    meeting = organiser_meeting(slug)
    version = planning.version_or_404(meeting, number)
    a, b = request.args.get("a", ""), request.args.get("b", "")
    known = {p["id"] for p in version.instance["participants"]}
    if a not in known or b not in known or a == b:
        abort(404)
    topic_names = {t.key: t.display_name for t in meeting.topics} | handover_names(meeting)
    reason = quality.why(version.instance, a, b, topic_names)
    sectors = {s.key: s.name for s in meeting.sectors}
    people = scheduling.people_by_pid(meeting)
    return render_template("plans/why.html", meeting=meeting, version=version, reason=reason,
                           a=people[a], b=people[b], sectors=sectors)


def _change_from(form) -> dict:
    return {key: form.get(key, "") for key in ("action", "block", "round", "a", "b", "target")}


@bp.route("/v<int:number>/pruefen", methods=["POST"])
def check_change(slug: str, number: int):
    """Live validation: what a change would break and what it costs or gains in score, before anything
    is saved (JSON)."""
    meeting = organiser_meeting(slug)
    version = planning.version_or_404(meeting, number)
    try:
        checked = planning.check_change(version, _change_from(request.form))
    except (PlanningError, ValueError, KeyError) as error:
        return jsonify(ok=False, violations=[{"message": str(error) or _("Ungültige Änderung.")}]), 400
    return jsonify(ok=not checked.violations, violations=checked.violations, score_change=checked.score_change,
                   score_text=quality.score_change_text(checked.score_change))


@bp.route("/v<int:number>/aendern", methods=["POST"])
def change(slug: str, number: int):
    meeting = organiser_meeting(slug)
    version = planning.version_or_404(meeting, number)
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
    version = planning.version_or_404(meeting, number)
    try:
        locks.lock_from_form(meeting, _change_from(request.form))
    except PlanningError as error:
        flash(_("Nicht festgelegt: %(reason)s", reason=str(error)), "error")
    else:
        flash(_("Festgelegt. Die Festlegung gilt auch beim nächsten Neuplanen."), "success")
    return redirect(url_for("plans.show", slug=slug, number=version.number) + "#festlegungen")


@bp.route("/v<int:number>/festlegungen/<int:lock_id>/entfernen", methods=["POST"])
def remove_lock(slug: str, number: int, lock_id: int):
    """Remove one of the meeting's locks (the form carries the CSRF token)."""
    meeting = organiser_meeting(slug)
    version = planning.version_or_404(meeting, number)
    try:
        removed = locks.remove_lock(meeting, lock_id)
    except PlanningError as error:
        flash(str(error), "error")
    else:
        flash(locks.removed_message(removed), "success")
    return redirect(url_for("plans.show", slug=slug, number=version.number) + "#festlegungen")


@bp.route("/v<int:number>/veroeffentlichen", methods=["POST"])
def publish(slug: str, number: int):
    meeting = organiser_meeting(slug)
    version = planning.version_or_404(meeting, number)
    if Form().validate_on_submit():
        try:
            planning.publish(version)
        except PlanningError as error:
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
    left = planning.version_or_404(meeting, request.args.get("a", ""))
    right = planning.version_or_404(meeting, request.args.get("b", ""))
    changes = planning.differences(meeting, left.plan, right.plan)
    names = plan_messages.Names.of_meeting(meeting)

    def label(key: str) -> str:  # a group-mate or a café table, never an id
        return names.table(key) if key in names.tables else names.person(key)
    return render_template("plans/compare.html", meeting=meeting, left=left, right=right, changes=changes,
                           people=scheduling.people_by_pid(meeting), block_title=names.block_title, label=label)


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
    version = planning.version_or_404(meeting, number)
    return _json_download(version.plan, f"{slug}-plan-v{number}.json")


@bp.route("/import", methods=["POST"])
def import_plan(slug: str):
    meeting = organiser_meeting(slug)
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie eine Plan-Datei (JSON) aus."), "error")
        return redirect(url_for("plans.index", slug=slug))
    try:
        version = planning.import_plan_file(meeting, form.plan_file.data.read())
    except PlanningError as error:
        for line in [str(error)] + error.reasons[:20]:
            flash(line, "error")
        return redirect(url_for("plans.index", slug=slug))
    flash(_("Plan als Entwurf Version %(n)s übernommen.", n=version.number), "success")
    return redirect(url_for("plans.show", slug=slug, number=version.number))


@bp.route("/regeln", methods=["GET", "POST"])
def rules(slug: str):
    """The meeting's rules for guaranteed meetings: the list, and a form to add one."""
    meeting = organiser_meeting(slug)
    return _rule_page(meeting, None, lambda data: coverage.create_rule(meeting, data))


@bp.route("/regeln/<int:rule_id>", methods=["GET", "POST"])
def edit_rule(slug: str, rule_id: int):
    meeting = organiser_meeting(slug)
    rule = owned_or_404(CoverageRule, rule_id, meeting)
    return _rule_page(meeting, rule, lambda data: coverage.update_rule(meeting, rule, data))


def _rule_page(meeting, rule: CoverageRule | None, save):
    """The rules page with the form for a new rule or for ``rule``; ``save(data)`` stores a valid form."""
    form = rule_form(meeting, rule)
    if form.validate_on_submit():
        try:
            save(rule_data(form))
        except PlanningError as error:
            flash(str(error), "error")
        else:
            flash(_("Die Regel ist gespeichert."), "success")
            return redirect(url_for("plans.rules", slug=meeting.slug))
    return render_template("plans/rules.html", meeting=meeting, form=form, rule=rule, coverage=coverage,
                           blocks=coverage.speed_blocks(meeting))


@bp.route("/regeln/<int:rule_id>/loeschen", methods=["POST"])
def delete_rule(slug: str, rule_id: int):
    meeting = organiser_meeting(slug)
    rule = owned_or_404(CoverageRule, rule_id, meeting)
    if Form().validate_on_submit():
        coverage.delete_rule(rule)
        flash(_("Die Regel ist gelöscht."), "success")
    return redirect(url_for("plans.rules", slug=slug))
