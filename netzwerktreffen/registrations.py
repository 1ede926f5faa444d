"""Organiser pages: list, search, edit, cancel and promote registrations; CSV import and export."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("registrations", __name__, url_prefix="/organisation/treffen/<slug>/anmeldungen")


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is for logged-in organisers only."""
