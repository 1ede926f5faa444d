"""A meeting date at the edge of the calendar: the form refuses implausible years, and a meeting stored
with 31.12.9999 anyway (older data, the command line) still gets its pages, mails and calendars."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from dates import berlin_today
from netzwerktreffen.core.extensions import db
from netzwerktreffen.planning import scheduler_io as scheduling

from day_helpers import make_day_meeting, publish_plan


@pytest.fixture
def far_meeting(app, make_meeting, make_registration, organiser):
    meeting = make_day_meeting(make_meeting, make_registration, organiser, slug="fern")
    publish_plan(meeting)
    meeting.date = date(9999, 12, 31)
    meeting.registration_opens = meeting.registration_closes = None
    meeting.reminder_hours = 336
    db.session.commit()
    return meeting


def pages(meeting) -> list[str]:
    person = meeting.registrations[0]
    version = scheduling.published(meeting).number
    base = f"/organisation/treffen/{meeting.slug}"
    return ["/", f"/m/{meeting.slug}", f"/m/{meeting.slug}/datenschutz", f"/m/{meeting.slug}/programm.ics",
            f"/r/{person.token}", f"/r/{person.token}/danke", f"/kalender/{person.feed_token}.ics",
            "/organisation/", base, f"{base}/bearbeiten", f"{base}/ablauf", f"{base}/anmeldungen",
            f"{base}/anmeldungen/{person.id}", f"{base}/plan/", f"{base}/plan/v{version}",
            f"{base}/plan/v{version}/person/{person.id}", f"{base}/post/", f"{base}/post/vorschau",
            f"{base}/tag/", f"{base}/beamer/", f"{base}/beamer/ablauf.json", f"{base}/ernte/"]


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])  # a 500 is answered, not raised
def test_pages_mails_and_calendars_survive_the_last_day_of_the_calendar(far_meeting, logged_in):
    failed = {path: logged_in.get(path).status_code for path in pages(far_meeting)}
    assert {path: code for path, code in failed.items() if code >= 500} == {}
    assert logged_in.get(f"/kalender/{far_meeting.registrations[0].feed_token}.ics").status_code == 200
    preview = logged_in.post(f"/organisation/treffen/{far_meeting.slug}/post/vorschau",
                             data={"registration": str(far_meeting.registrations[0].id), "note": "{datum}"})
    assert preview.status_code < 500


@pytest.mark.parametrize("day", [date(9999, 12, 31), berlin_today() + timedelta(days=5 * 366 + 2), date(1999, 12, 31)])
def test_the_form_refuses_implausible_years(logged_in, make_meeting, organiser, day):
    meeting = make_meeting(organisers=[organiser])
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/bearbeiten", data={
        "title": meeting.title, "slug": meeting.slug, "date": day.isoformat(), "start_time": "09:30",
        "end_time": "13:00", "capacity": "50", "languages": ["de"], "retention_days": "90", "reminder_hours": "24"})
    assert response.status_code in (200, 400)
    assert "Bitte prüfen Sie die Jahreszahl" in response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.date != day
