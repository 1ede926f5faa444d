"""Throttling of the login and the public forms that send mail (Flask-Limiter, ``core.extensions.limiter``).

Each limit is counted per client (IP address) and per e-mail address typed into the form; the numbers come
from the configuration (``core.config.LIMITS``). A throttled request gets the 429 page of ``web.errors``.
"""
from __future__ import annotations

import math
import time

from flask import current_app, request
from limits import parse_many

from netzwerktreffen.core import config
from netzwerktreffen.core.extensions import limiter


def typed_address() -> str:
    """The e-mail address in the submitted form, as the services compare it ("" when there is none:
    then no per-address limit applies)."""
    address = (request.form.get("email") or "").strip().lower()
    return f"address:{address}" if address else ""


def client() -> str:
    return f"client:{request.remote_addr or ''}"


def configured(key: str):
    """The limit named ``key`` in the configuration, read at each request (tests and instances may change it)."""
    return lambda: current_app.config[key]


def failed(response) -> bool:
    """A login that did not get in (a successful one redirects)."""
    return response.status_code != 302


def accepted(response) -> bool:
    """A registration that was taken or refused as a duplicate (form errors are not counted per address)."""
    return response.status_code != 400


def per_client_and_address(client_key: str, address_key: str, address_counts=None):
    """Both limits on a view's POST: ``client_key`` per IP address, ``address_key`` per typed e-mail address.
    ``address_counts`` (a response test) limits what counts per address; per client every POST counts."""
    def decorate(view):
        view = limiter.limit(configured(address_key), key_func=typed_address, methods=["POST"],
                             deduct_when=address_counts)(view)
        return limiter.limit(configured(client_key), key_func=client, methods=["POST"])(view)
    return decorate


def login_limits(view):
    """Failed logins, per account (the address typed) and per client; the right password waits too."""
    view = limiter.limit(configured("LOGIN_LIMIT_PER_ACCOUNT"), key_func=typed_address, methods=["POST"],
                         deduct_when=failed)(view)
    return limiter.limit(configured("LOGIN_LIMIT_PER_CLIENT"), key_func=client, methods=["POST"],
                         deduct_when=failed)(view)


def seconds_to_wait() -> int | None:
    """Until the breached limit of this request lets the next try through (at least one second); None
    when no limit of ours refused it."""
    current = limiter.current_limit
    if current is None or not current.breached:
        return None
    return max(1, math.ceil(current.window[0] - time.time()))


def init_app(app) -> None:
    """Check the configured limits (a German message naming the variable) and bind the limiter."""
    for key in config.LIMITS:
        try:
            parse_many(str(app.config[key]))
        except ValueError:
            raise ValueError(f"{key}={app.config[key]!r} ist keine gültige Grenze; erwartet wird z. B. "
                             f"„5 per 15 minutes“ oder „60 per hour“.") from None
    app.config["RATELIMIT_STORAGE_URI"] = config.limiter_storage(app.config)
    limiter.init_app(app)
