"""The round clock for the projector: one full-screen page and the agenda as JSON.

The page's script (``static/projector.js``) reads ``ablauf.json`` (``day.projector.agenda``)
once (and again every minute, so a re-planning shows up), then runs on its own: the current
round, the time left, who sits where in large type, a signal at the end of each round. Start
times are today's agenda times in Europe/Berlin; the organiser can shift them (start now, next,
back) and pause, all in the browser.

"Was Sie uns gesagt haben" (``survey``): the answers to the questions at registration, one question per
screen, with "Weiter" and "Zurück" (arrow keys too, ``static/survey-projector.js``).
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template

from netzwerktreffen.day.projector import agenda
from netzwerktreffen.registration.survey import question_result
from netzwerktreffen.web.auth import organiser_meeting, organisers_only

bp = organisers_only(Blueprint("projector", __name__, url_prefix="/organisation/treffen/<slug>/beamer"))


@bp.route("/")
def show(slug: str):
    meeting = organiser_meeting(slug)
    return render_template("projector/clock.html", meeting=meeting)


@bp.route("/ablauf.json")
def agenda_json(slug: str):
    meeting = organiser_meeting(slug)
    return jsonify(agenda(meeting))


@bp.route("/fragen")
def survey_start(slug: str):
    return survey(slug, 1)


@bp.route("/fragen/<int:number>")
def survey(slug: str, number: int):
    """Question ``number`` (1 for the first) on its own screen."""
    meeting = organiser_meeting(slug)
    questions = meeting.questions
    if not questions and number == 1:
        return render_template("projector/survey.html", meeting=meeting, result=None, number=0, total=0)
    if not 1 <= number <= len(questions):
        abort(404)
    return render_template("projector/survey.html", meeting=meeting, number=number, total=len(questions),
                           result=question_result(questions[number - 1]))
