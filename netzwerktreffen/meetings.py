"""Organiser pages: meetings and their set-up (rooms, tables, blocks, sectors, topics)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("meetings", __name__, url_prefix="/organisation")


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is for logged-in organisers only."""


@bp.route("/")
def index():
    meetings = sorted(current_user.meetings, key=lambda m: (m.date, m.start_time), reverse=True)
    return render_template("meetings/index.html", meetings=meetings)
