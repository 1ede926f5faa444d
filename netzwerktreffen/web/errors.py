"""Error pages for the whole app: one template, one title and sentence per error."""
from __future__ import annotations

from dataclasses import dataclass

import math

from flask import render_template
from flask_babel import LazyString
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from netzwerktreffen.core.extensions import db
from netzwerktreffen.web import throttle


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: LazyString
    message: LazyString


CSRF = "csrf"  # a form without a valid token: 400, with its own words

PAGES = {
    403: ErrorPage(403, _l("Kein Zugriff"), _l("Sie haben keinen Zugriff auf diese Seite.")),
    404: ErrorPage(404, _l("Seite nicht gefunden"), _l("Diese Seite gibt es nicht (mehr). Prüfen Sie die Adresse.")),
    413: ErrorPage(413, _l("Datei zu groß"), _l("Die hochgeladene Datei ist zu groß (höchstens 5 MB).")),
    429: ErrorPage(429, _l("Zu viele Versuche"),
                   _l("Zu viele Versuche in kurzer Zeit. Bitte warten Sie einige Minuten und versuchen Sie es dann "
                      "noch einmal.")),
    500: ErrorPage(500, _l("Interner Fehler"),
                   _l("Etwas ist schiefgegangen. Bitte versuchen Sie es später noch einmal.")),
    CSRF: ErrorPage(400, _l("Formular abgelaufen"),
                    _l("Das Formular war ungültig oder abgelaufen. Bitte laden Sie die Seite neu und senden Sie "
                       "es noch einmal.")),
}


def error_page(key: int | str, message: str | None = None):
    """The response for one of ``PAGES``: the page and its status (``message`` in place of its sentence)."""
    page = PAGES[key]
    return render_template("errors/error.html", title=page.title, message=message or page.message), page.status


def too_many_requests(error):
    """A throttled request (``web.throttle``): how many minutes to wait, and Retry-After in seconds."""
    seconds = throttle.seconds_to_wait()
    if seconds is None:
        return error_page(429)
    minutes = math.ceil(seconds / 60)
    body, status = error_page(429, ngettext(
        "Zu viele Versuche in kurzer Zeit. Bitte warten Sie %(num)s Minute und versuchen Sie es dann noch einmal.",
        "Zu viele Versuche in kurzer Zeit. Bitte warten Sie %(num)s Minuten und versuchen Sie es dann noch einmal.",
        minutes))
    return body, status, {"Retry-After": str(seconds)}


def internal_error(error):
    db.session.rollback()  # whatever the failed request left half-done is not written by a later commit
    return error_page(500)


def init_app(app) -> None:
    for status in (403, 404, 413):
        app.register_error_handler(status, lambda error, status=status: error_page(status))
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(CSRFError, lambda error: error_page(CSRF))
    app.register_error_handler(500, internal_error)
