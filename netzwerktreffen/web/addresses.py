"""The address people reach the app at, for links made outside a request: mails queued by the worker or
the command line (schedules, reminders, change notices) and the QR codes of print-outs.

``BASE_URL``, when set, wins. Otherwise each request of a logged-in organiser remembers its URL root
(``http://treffen.example:8080``) in the installation's settings row: organisers use the app at the
address participants reach it at, and an organiser's request comes before every schedule, notice or
print-out. One row for the installation rather than one per meeting, because account mails (invitations)
belong to no meeting and an installation answers under one address. Within a request, links use that
request's address.

Behind a reverse proxy the root is the external one: with ``TRUSTED_PROXIES`` ProxyFix has already put the
forwarded scheme and host into the request; without it, a request to an internal address (127.0.0.1,
localhost) takes the proxy's ``X-Forwarded-Host``/``-Proto`` if there are any, and is not remembered when
it came through a proxy that names no host.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import InstallationSetting, utcnow

SETTINGS_ID = 1
INTERNAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}
HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$")


class NoExternalURL(RuntimeError):
    """Neither BASE_URL nor a remembered address: links would point nowhere."""

    def __init__(self):
        super().__init__(_("Die Adresse, unter der die Anwendung erreichbar ist, ist nicht bekannt: Links in "
                           "Mails und QR-Codes würden ins Leere führen. Bitte BASE_URL setzen (z. B. "
                           "BASE_URL=https://treffen.example.org) oder die Anwendung einmal angemeldet im "
                           "Browser öffnen."))


def _first(header: str | None) -> str:
    return (header or "").split(",")[0].strip()


def _internal(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]")[0]
    return name.lower() in INTERNAL_HOSTS or name.startswith("127.")


def request_root() -> str | None:
    """The current request's URL root as its client saw it (no trailing slash), or None when it reached
    an internal address through a proxy that does not say the external host."""
    root = request.url_root.rstrip("/")
    if current_app.config.get("TRUSTED_PROXIES") or not _internal(request.host):
        return root  # with trusted proxies ProxyFix already put their scheme and host into the request
    host, scheme = _first(request.headers.get("X-Forwarded-Host")), _first(request.headers.get("X-Forwarded-Proto"))
    if host and HOST.match(host) and not _internal(host):
        return f"{scheme if scheme in ('http', 'https') else request.scheme}://{host}{request.script_root}"
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded") or host:
        return None
    return root


def remembered() -> str:
    """The URL root remembered from the last organiser request ("" when none)."""
    return db.session.scalar(select(InstallationSetting.external_url)
                             .where(InstallationSetting.id == SETTINGS_ID)) or ""


def remember(root: str) -> None:
    """Store ``root`` as the installation's external URL (own transaction: the request's session is untouched)."""
    table = InstallationSetting.__table__
    change = update(table).where(table.c.id == SETTINGS_ID)
    try:
        with db.engine.begin() as connection:
            if not connection.execute(change.values(external_url=root, updated_at=utcnow())).rowcount:
                connection.execute(table.insert().values(id=SETTINGS_ID, external_url=root, updated_at=utcnow()))
    except IntegrityError:  # another process inserted the row at the same moment
        with db.engine.begin() as connection:
            connection.execute(change.values(external_url=root, updated_at=utcnow()))


def external_root() -> str:
    """Where links point: BASE_URL, else the current request's address, else the remembered one; within a
    request whose proxy hides the address and with nothing remembered, the address the request came to.

    Raises NoExternalURL outside a request when none is known."""
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    if base:
        return base
    root = (request_root() if has_request_context() else None) or remembered()
    if root:
        return root
    if has_request_context():  # a link to the proxy's side is better than no mail at all
        return request.url_root.rstrip("/")
    raise NoExternalURL()


def _remember_organiser_request() -> None:
    if current_app.config.get("BASE_URL") or request.endpoint in (None, "static"):
        return
    if not current_user.is_authenticated:
        return
    root = request_root()
    known = current_app.extensions.setdefault("netzwerktreffen.external_url", {})
    if root and known.get("root") != root and urlsplit(root).scheme in ("http", "https"):
        remember(root)
        known["root"] = root


def init_app(app: Flask) -> None:
    """Remember the address of organiser requests (each process writes only when it changes)."""
    app.before_request(_remember_organiser_request)
