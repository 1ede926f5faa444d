"""The round clock for the projector: one full-screen page and the agenda as JSON.

The page's script (``static/projector.js``) reads ``ablauf.json`` (``day.projector.agenda``)
once (and again every minute, so a re-planning shows up), then runs on its own: the current
round, the time left, who sits where in large type, a signal at the end of each round. Start
times are today's agenda times in Europe/Berlin; the organiser can shift them (start now, next,
back) and pause, all in the browser.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import login_required

from netzwerktreffen.day.projector import agenda
from netzwerktreffen.web.auth import organiser_meeting

bp = Blueprint("projector", __name__, url_prefix="/organisation/treffen/<slug>/beamer")


@bp.before_request
@login_required
def require_login():
    """The assignments are personal data: organisers only."""


@bp.route("/")
def show(slug: str):
    meeting = organiser_meeting(slug)
    return render_template("projector/clock.html", meeting=meeting)


@bp.route("/ablauf.json")
def agenda_json(slug: str):
    meeting = organiser_meeting(slug)
    return jsonify(agenda(meeting))
