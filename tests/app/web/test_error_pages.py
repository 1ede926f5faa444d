"""The error pages: one template, each error with its own title, sentence and status, in German and English."""
from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import func, select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Organiser

PAGES = {  # status: (German title, German sentence, English title, English sentence)
    403: ("Kein Zugriff", "Sie haben keinen Zugriff auf diese Seite.",
          "No access", "You do not have access to this page."),
    404: ("Seite nicht gefunden", "Diese Seite gibt es nicht (mehr). Prüfen Sie die Adresse.",
          "Page not found", "This page does not exist (any more). Please check the address."),
    413: ("Datei zu groß", "Die hochgeladene Datei ist zu groß (höchstens 5 MB).",
          "File too large", "The uploaded file is too large (5 MB maximum)."),
    429: ("Zu viele Versuche",
          "Zu viele Versuche in kurzer Zeit. Bitte warten Sie einige Minuten und versuchen Sie es dann noch einmal.",
          "Too many attempts", "Too many attempts in a short time. Please wait a few minutes and try again."),
    500: ("Interner Fehler", "Etwas ist schiefgegangen. Bitte versuchen Sie es später noch einmal.",
          "Internal error", "Something went wrong. Please try again later."),
}
CSRF = ("Formular abgelaufen",
        "Das Formular war ungültig oder abgelaufen. Bitte laden Sie die Seite neu und senden Sie es noch einmal.",
        "Form expired", "The form was invalid or has expired. Please reload the page and submit it again.")


@pytest.fixture
def failing(app):
    """Two routes that fail on purpose: one aborts with a status, one raises after adding a row."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: an exception becomes the 500 page

    def forbidden():
        abort(403)

    def broken():
        db.session.add(Organiser(email="halb@example.org", password_hash="x"))
        raise RuntimeError("kaputt")

    def too_many():
        abort(429)  # the throttled pages with their minutes: test_throttling.py

    app.add_url_rule("/test/verboten", view_func=forbidden)
    app.add_url_rule("/test/zu-viele", view_func=too_many)
    app.add_url_rule("/test/kaputt", view_func=broken)
    return app.test_client()


def trigger(client, status, lang):
    if status == 403:
        return client.get(f"/test/verboten?lang={lang}")
    if status == 404:
        return client.get(f"/gibt-es-nicht?lang={lang}")
    if status == 429:
        return client.get(f"/test/zu-viele?lang={lang}")
    if status == 413:  # more than MAX_CONTENT_LENGTH (5 MB)
        return client.post(f"/login?lang={lang}", data={"email": "x" * (5 * 1024 * 1024 + 1)})
    return client.get(f"/test/kaputt?lang={lang}")


def assert_page(response, status, title, sentence):
    text = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<title>{title}" in text and f"<h1>{title}</h1>" in text and f"<p>{sentence}</p>" in text
    assert 'href="/"' in text  # back to the home page


@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_has_its_page_and_status(failing, status):
    de_title, de_sentence, en_title, en_sentence = PAGES[status]
    assert_page(trigger(failing, status, "de"), status, de_title, de_sentence)
    assert_page(trigger(failing, status, "en"), status, en_title, en_sentence)


def test_an_internal_error_writes_nothing_half_done(failing):
    assert failing.get("/test/kaputt").status_code == 500
    db.session.commit()  # what a later request would commit
    assert db.session.scalar(select(func.count(Organiser.id)).where(Organiser.email == "halb@example.org")) == 0


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_form_without_token_gets_the_expired_page(client, app_config, lang):
    """One language per test: a refused form stops before the language is chosen afresh, and the test
    app's context outlives its requests."""
    title, sentence = CSRF[:2] if lang == "de" else CSRF[2:]
    assert_page(client.post(f"/login?lang={lang}", data={"email": "x@example.org"}), 400, title, sentence)
