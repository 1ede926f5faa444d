"""Error pages for the whole app: one template, one title and sentence per error."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from netzwerktreffen.core.extensions import db


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
    500: ErrorPage(500, _l("Interner Fehler"),
                   _l("Etwas ist schiefgegangen. Bitte versuchen Sie es später noch einmal.")),
    CSRF: ErrorPage(400, _l("Formular abgelaufen"),
                    _l("Das Formular war ungültig oder abgelaufen. Bitte laden Sie die Seite neu und senden Sie "
                       "es noch einmal.")),
}


def error_page(key: int | str):
    """The response for one of ``PAGES``: the page and its status."""
    page = PAGES[key]
    return render_template("errors/error.html", title=page.title, message=page.message), page.status


def internal_error(error):
    db.session.rollback()  # whatever the failed request left half-done is not written by a later commit
    return error_page(500)


def init_app(app) -> None:
    for status in (403, 404, 413):
        app.register_error_handler(status, lambda error, status=status: error_page(status))
    app.register_error_handler(CSRFError, lambda error: error_page(CSRF))
    app.register_error_handler(500, internal_error)
