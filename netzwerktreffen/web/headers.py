"""Security headers on every response, the personal-link pages' own rules, and no tokens in access logs.

Flask-Talisman sets the Content-Security-Policy (no inline scripts or styles: they live in static/),
X-Frame-Options, X-Content-Type-Options, Referrer-Policy and, when the site runs over HTTPS (``HTTPS``
setting), HSTS, the redirect to https and the secure session cookie.

Pages reached by a secret link (``/r/<token>…``, the slip's ``/laufzettel/<token>``, ``/kalender/<token>.ics``, the account links
``/passwort-neu/<token>``, ``/einladung/<token>``) are not cached and send no
referrer: the token must not leave the browser in a ``Referer`` header or stay on a shared computer.
The logs do not keep them either (web.access_log).
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, request
from flask_talisman import Talisman

from netzwerktreffen.web.access_log import is_token_path, mask_logger

CSP = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],  # QR codes are data: URIs
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# a mail's HTML shown in an <iframe sandbox> on the organiser's pages: its own inline styles, nothing else
MAIL_CSP = {
    "default-src": "'none'",
    "style-src": "'unsafe-inline'",
    "img-src": "data:",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'self'",
}


class _Talisman(Talisman):
    """Talisman, one per app, whose per-view options are read without being written back: Talisman
    fills the defaults of the first app into the view's own dict, which every later app would share."""

    def _get_local_options(self):
        view = current_app.view_functions.get(request.endpoint)
        defaults = {"force_https": self.force_https, "frame_options": self.frame_options,
                    "frame_options_allow_from": self.frame_options_allow_from,
                    "content_security_policy": self.content_security_policy,
                    "content_security_policy_nonce_in": self.content_security_policy_nonce_in,
                    "permissions_policy": self.permissions_policy, "document_policy": self.document_policy,
                    "feature_policy": self.feature_policy}
        return defaults | getattr(view, "talisman_view_options", {})


# Views whose answer is an e-mail's HTML for the organiser's preview frame (decorate with this).
mail_frame = Talisman()(content_security_policy=MAIL_CSP, frame_options="SAMEORIGIN")


def _private_page(response):
    """A page behind a secret link: not kept in any cache, and no Referer to pages it links to."""
    if is_token_path(request.path):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    https = bool(app.config.get("HTTPS"))
    # registered before Talisman's own after_request, so it runs after it and has the last word
    app.after_request(_private_page)
    _Talisman(app, content_security_policy=CSP, frame_options="DENY",
              referrer_policy="strict-origin-when-cross-origin",
              force_https=https, strict_transport_security=https,
              session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),  # core.config.finish decides
              session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"))
    mask_logger(logging.getLogger("werkzeug"))  # the dev server's request log
    mask_logger(app.logger)  # "Exception on /r/… [GET]"
