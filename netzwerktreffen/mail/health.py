"""How the installation is doing, for monitoring (``/healthz``): the database, Redis when configured, and the
outbox (how many mails wait, and since when). Counts and ages only: nothing about a person.

It lives in mail because it reads the outbox; web (below mail) may not, and the entry points above hold no pages.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import FAILED, QUEUED, SENDING, OutboxMessage
from netzwerktreffen.core.worker import redis_connection

log = logging.getLogger(__name__)
REDIS_TIMEOUT = 2  # seconds for the ping: a monitor must get an answer, not a hanging request


def _database_and_outbox() -> tuple[str, dict | None]:
    try:
        db.session.execute(text("SELECT 1"))
        unsent = select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_((QUEUED, SENDING)))
        waiting, oldest = db.session.execute(unsent).one()
        failed = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == FAILED))
    except (SQLAlchemyError, OSError) as error:
        log.warning("health check: database unreachable: %s", error)
        db.session.rollback()
        return "error", None
    age = None
    if oldest is not None:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=timezone.utc)
        age = max(0, round((datetime.now(timezone.utc) - oldest).total_seconds()))
    return "ok", {"queued": waiting, "failed": failed, "oldest_unsent_seconds": age}


def _redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    connection = redis_connection(url, timeout=REDIS_TIMEOUT)
    try:
        connection.ping()
    except Exception as error:  # noqa: BLE001 - whatever went wrong, Redis is not usable
        log.warning("health check: Redis unreachable: %s", error)
        return "error"
    finally:
        connection.close()
    return "ok"


def status() -> tuple[dict, bool]:
    """The report, and whether the installation works (database, and Redis when configured, reachable)."""
    database, outbox = _database_and_outbox()
    redis = _redis()
    healthy = database == "ok" and redis != "error"
    return {"status": "ok" if healthy else "error", "database": database, "redis": redis, "outbox": outbox}, healthy
