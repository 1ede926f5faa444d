"""A new date, time or place after the schedules went out: the organiser is offered the change mail."""
from __future__ import annotations

from datetime import timedelta

import icalendar

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import WAITLISTED
from netzwerktreffen.mail import schedules as schedule_mail
from test_meetings import meeting_form
from browser_helpers import log_in

NOTICE = "Änderung noch nicht mitgeteilt"


def ics_events(message) -> list:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    return sorted(calendar.walk("VEVENT"), key=lambda e: str(e["uid"]))


def by_person(messages) -> dict[str, object]:
    return {m["To"].addresses[0].addr_spec: m for m in messages}


def test_new_date_and_time_after_the_schedules_are_offered_as_a_change_mail(published_meeting, logged_in,
                                                                                outbox, make_registration):
    meeting = published_meeting()
    schedule_mail.queue_schedules(meeting)
    sent = by_person(outbox())
    assert len(sent) == 6
    waiting = make_registration(meeting, email="warte@example.org")
    waiting.status = WAITLISTED
    db.session.commit()
    overview = f"/organisation/treffen/{meeting.slug}"
    assert NOTICE not in logged_in.get(overview).get_data(as_text=True)
    old_day, new_day = meeting.date, meeting.date + timedelta(days=7)

    response = logged_in.post(f"{overview}/bearbeiten", follow_redirects=True, data=meeting_form(
        meeting, date=new_day.isoformat(), start_time="09:00", address="Karl-Marx-Straße 32\n29410 Salzwedel"))
    page = response.get_data(as_text=True)
    assert "Bitte teilen Sie die Änderung" in page and NOTICE in page  # told, not sent silently
    assert f"{new_day:%d.%m.%Y}</strong> (bisher: {old_day:%d.%m.%Y})" in page
    assert "Uhrzeit: <strong>09:00 Uhr – 13:00 Uhr</strong> (bisher: 09:30 Uhr – 13:00 Uhr)" in page
    assert "7 Personen haben noch den bisherigen Stand" in page
    assert len(outbox()) == 6  # nothing sent yet
    assert NOTICE in logged_in.get(overview).get_data(as_text=True)  # and not forgotten

    response = logged_in.post(f"{overview}/aenderung-mitteilen", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "7 Personen bekommen die Änderung" in page and NOTICE not in page
    changed = by_person(outbox()[6:])
    assert len(changed) == 7 and "warte@example.org" in changed
    anna = changed["person0@example.org"]
    assert anna["Subject"] == "Geändert: 3. Netzwerktreffen Migration"
    text = anna.get_body(("plain",)).get_content()
    assert f"Datum: {new_day:%d.%m.%Y} (bisher: {old_day:%d.%m.%Y})" in text
    assert "Karl-Marx-Straße 32, 29410 Salzwedel" in text
    before, after = ics_events(sent["person0@example.org"]), ics_events(anna)
    assert [str(e["uid"]) for e in after] == [str(e["uid"]) for e in before]
    assert {e.decoded("dtstart").date() for e in after} == {new_day}
    [sequence] = {int(e["sequence"]) for e in after}
    assert sequence > int(before[0]["sequence"])
    assert all("Salzwedel" in str(e["location"]) for e in after)
    # the feed shows what the mail said (same SEQUENCE)
    feed = icalendar.Calendar.from_ical(logged_in.get(f"/kalender/{meeting.registrations[0].feed_token}.ics").data)
    assert {int(e["sequence"]) for e in feed.walk("VEVENT")} == {sequence}
    # the waiting list gets the meeting itself, at the new time
    [event] = ics_events(changed["warte@example.org"])
    assert event.decoded("dtstart").date() == new_day and event.decoded("dtstart").hour == 9
    # a second click sends nothing more
    logged_in.post(f"{overview}/aenderung-mitteilen")
    assert len(outbox()) == 13


def test_a_change_the_organiser_keeps_to_themselves(published_meeting, logged_in, outbox):
    meeting = published_meeting()
    schedule_mail.queue_schedules(meeting)
    overview = f"/organisation/treffen/{meeting.slug}"
    logged_in.post(f"{overview}/bearbeiten", data=meeting_form(meeting, title="Neuer Titel"))
    assert NOTICE not in logged_in.get(overview).get_data(as_text=True)  # the title is no date, time or place
    logged_in.post(f"{overview}/bearbeiten", data=meeting_form(meeting, address="Heiligkreuzstr. 4\n72622 Nürtingen"))
    assert NOTICE in logged_in.get(overview).get_data(as_text=True)
    page = logged_in.post(f"{overview}/aenderung-nicht-mitteilen", follow_redirects=True).get_data(as_text=True)
    assert "nicht mitgeteilt" in page and NOTICE not in page
    assert len(outbox()) == 6


def test_no_offer_before_the_schedules_went_out(make_meeting, make_registration, organiser, logged_in, outbox):
    meeting = make_meeting(organisers=[organiser])
    make_registration(meeting)
    logged_in.post(f"/organisation/treffen/{meeting.slug}/bearbeiten", data=meeting_form(meeting, start_time="08:00"))
    assert NOTICE not in logged_in.get(f"/organisation/treffen/{meeting.slug}").get_data(as_text=True)
    assert schedule_mail.announce_change(meeting) == 0


def test_meetings_whose_schedules_went_out_before_the_upgrade(published_meeting, logged_in, outbox):
    """Rows from before the migration carry no record (NULL): the first edit records the old facts."""
    meeting = published_meeting()
    schedule_mail.queue_schedules(meeting)
    meeting.announced = None
    db.session.commit()
    logged_in.post(f"/organisation/treffen/{meeting.slug}/bearbeiten", data=meeting_form(meeting, end_time="14:00"))
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}").get_data(as_text=True)
    assert NOTICE in page and "Uhrzeit" in page


def test_upgrade_keeps_existing_meetings_with_nothing_recorded(tmp_path):
    """``flask db upgrade`` from the previous revision: a stored meeting gets ``announced`` NULL
    (the first edit records the old facts, see the test above), nothing else changes."""
    import os
    import sqlite3
    import subprocess
    import sys
    database = tmp_path / "upgrade.sqlite"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="upgrade-test",
               PYTHONPATH=os.getcwd())
    flask = [sys.executable, "-m", "flask", "--app", "netzwerktreffen", "db", "upgrade"]
    subprocess.run(flask + ["d798fd65759e"], env=env, check=True, capture_output=True, timeout=120)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO meeting (slug, title, series_name, date, start_time, end_time, venue, address, description,"
            " capacity, languages, contact_name, contact_email, controller, retention_days, is_public,"
            " reminder_hours, weights, created_at) VALUES ('alt', 'Altes Treffen', '', '2026-12-01', '09:30:00',"
            " '13:00:00', 'Rathaus', 'Markt 1\n39576 Stendal', '', 50, '[\"de\"]', '', '', '', 90, 1, 24, '{}',"
            " '2026-11-01 10:00:00')")
    subprocess.run(flask, env=env, check=True, capture_output=True, timeout=120)
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT slug, address, announced FROM meeting").fetchone()
    assert row == ("alt", "Markt 1\n39576 Stendal", None)


def test_change_notice_in_the_browser_also_at_phone_width(published_meeting, organiser, live_server, browser_page,
                                                          outbox, tmp_path):
    meeting = published_meeting()
    schedule_mail.queue_schedules(meeting)
    page = browser_page
    log_in(page, live_server, organiser.email)
    page.goto(f"{live_server}/organisation/treffen/{meeting.slug}/bearbeiten")
    page.fill("#start_time", "09:00")
    page.fill("#address", "Karl-Marx-Straße 32\n29410 Salzwedel")
    page.click("button:has-text('Speichern')")
    page.wait_for_selector("text=Änderung noch nicht mitgeteilt")
    page.screenshot(path=str(tmp_path / "notice.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "notice-390.png"), full_page=True)
    box = page.locator("#aenderung").bounding_box()  # the notice and its buttons fit a phone
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    for button in ("Änderung mitteilen", "Nicht mitteilen"):
        button_box = page.locator(f"#aenderung button:has-text('{button}')").bounding_box()
        assert button_box["x"] + button_box["width"] <= box["x"] + box["width"]
    page.click("button:has-text('Änderung mitteilen')")
    page.wait_for_selector("text=6 Personen bekommen die Änderung")
    assert not page.is_visible("text=Änderung noch nicht mitgeteilt")
    moved = [m for m in outbox() if m["Subject"].startswith("Geändert")]
    assert len(moved) == 6 and "09:00 Uhr – 13:00 Uhr (bisher: 09:30 Uhr – 13:00 Uhr)" in \
        moved[0].get_body(("plain",)).get_content()
    (tmp_path / "moved.html").write_text(moved[0].get_body(("html",)).get_content())
