"""Shared view helpers: one lookup for rows by id, and the id range every URL accepts."""
from __future__ import annotations

from flask import abort
from werkzeug.routing import IntegerConverter

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Meeting

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds (PostgreSQL refuses larger numbers)


class IdConverter(IntegerConverter):
    """``<int:…>`` in every URL: a number from 0 to MAX_ID, so a larger one is a plain 404, never a
    database error (registered as the app's ``int`` converter)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def owner_id(row) -> int | None:
    """The id of the meeting a row belongs to (directly, or through its block, its room or its chain)."""
    if hasattr(row, "meeting_id"):
        return row.meeting_id
    parent = getattr(row, "block", None) or getattr(row, "room", None) or getattr(row, "chain", None)
    return parent.meeting_id if parent is not None else None


def owned_or_404(model, row_id, meeting: Meeting):
    """The row ``row_id`` of ``model`` if it belongs to ``meeting``; else 404.

    Ids of other meetings, ids that do not exist and ids outside the column's range
    (which the database would refuse) all get the same 404.
    """
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= MAX_ID:
        abort(404)
    row = db.session.get(model, row_id)
    if row is None or owner_id(row) != meeting.id:
        abort(404)
    return row


def init_app(app) -> None:
    app.url_map.converters["int"] = IdConverter
