"""What every table uses: UTC timestamps that stay aware on every database, and unguessable tokens."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from sqlalchemy import DateTime

from netzwerktreffen.core.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_token() -> str:
    """An unguessable token for personal links (256 bits)."""
    return secrets.token_urlsafe(32)


class UTCDateTime(db.TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value
