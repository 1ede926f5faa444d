"""``/healthz`` for monitoring: no login, no personal data (see ``mail.health``)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from netzwerktreffen.mail import health

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    report, healthy = health.status()
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
