"""For tests of a migration: a meeting row as an older schema stored it."""

from sqlalchemy import text


def insert_old_meeting(connection) -> None:
    """Meeting 1 ('alt', 22.11.2026) with only the columns every revision since the
    registration tokens has, so a migration test can upgrade past it."""
    connection.execute(text(
        "INSERT INTO meeting (id, slug, title, series_name, date, start_time, end_time, venue, address, "
        "description, capacity, languages, contact_name, contact_email, controller, retention_days, "
        "is_public, created_at) VALUES (1, 'alt', 'Altes Treffen', '', '2026-11-22', '09:30:00', "
        "'13:00:00', '', '', '', 50, '[\"de\"]', '', '', '', 90, 1, '2026-10-01 10:00:00')"))
