"""Organiser pages for the questions at registration: the builder (add, change, delete, reorder, take the
ready set) and the results with their charts."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from netzwerktreffen.core.models import Meeting, Question
from netzwerktreffen.registration import questions, survey
from netzwerktreffen.registration.question_forms import KIND_LABELS, QuestionForm
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404

bp = organisers_only(Blueprint("questions", __name__, url_prefix="/organisation/treffen/<slug>/fragen"))


def render_builder(meeting: Meeting, form: QuestionForm, status: int = 200, question: Question | None = None):
    return render_template("registrations/questions.html", tab="registrations", meeting=meeting, form=form,
                           question=question, kinds=KIND_LABELS, ready_set=questions.READY_SET), status


@bp.route("", strict_slashes=False)
def index(slug: str):
    return render_builder(organiser_meeting(slug), QuestionForm(formdata=None))


@bp.route("/neu", methods=["POST"])
def add(slug: str):
    meeting = organiser_meeting(slug)
    form = QuestionForm()
    if not questions.room_for(meeting):
        form.problems = [_("Ein Treffen hat höchstens %(n)s Fragen.", n=questions.MAX_QUESTIONS)]
        return render_builder(meeting, form, 400)
    if not form.validate_on_submit():
        return render_builder(meeting, form, 400)
    questions.add_question(meeting, form.data_for_service())
    flash(_("Die Frage ist hinzugefügt."), "success")
    return redirect(url_for(".index", slug=slug))


@bp.route("/<int:question_id>", methods=["GET", "POST"])
def edit(slug: str, question_id: int):
    meeting = organiser_meeting(slug)
    question = owned_or_404(Question, question_id, meeting)
    form = QuestionForm(question=question)
    if form.validate_on_submit():
        questions.update_question(question, form.data_for_service())
        flash(_("Die Frage ist gespeichert."), "success")
        return redirect(url_for(".index", slug=slug))
    return render_builder(meeting, form, 400 if form.is_submitted() else 200, question)


@bp.route("/<int:question_id>/loeschen", methods=["POST"])
def delete(slug: str, question_id: int):
    meeting = organiser_meeting(slug)
    questions.delete_question(owned_or_404(Question, question_id, meeting))
    flash(_("Die Frage ist gelöscht, mit ihren Antworten."), "success")
    return redirect(url_for(".index", slug=slug))


@bp.route("/<int:question_id>/verschieben", methods=["POST"])
def move(slug: str, question_id: int):
    meeting = organiser_meeting(slug)
    question = owned_or_404(Question, question_id, meeting)
    questions.move_question(question, -1 if request.form.get("richtung") == "hoch" else 1)
    return redirect(url_for(".index", slug=slug))


@bp.route("/fragenset", methods=["POST"])
def take_ready_set(slug: str):
    meeting = organiser_meeting(slug)
    if not questions.room_for(meeting, len(questions.READY_SET)):
        flash(_("Ein Treffen hat höchstens %(n)s Fragen.", n=questions.MAX_QUESTIONS), "error")
    else:
        added = questions.take_ready_set(meeting)
        flash(_("%(n)s Fragen aus dem Fachaustausch sind übernommen. Ändern oder löschen Sie, was nicht passt.",
                n=added), "success")
    return redirect(url_for(".index", slug=slug))


@bp.route("/ergebnisse")
def results(slug: str):
    meeting = organiser_meeting(slug)
    by_sector = request.args.get("ansicht") == "sektor"
    return render_template("registrations/question_results.html", tab="registrations", meeting=meeting,
                           results=survey.question_results(meeting), by_sector=by_sector,
                           min_group=survey.MIN_GROUP, kinds=KIND_LABELS)
