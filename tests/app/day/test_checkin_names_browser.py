"""In the real browser: the check-in list by family name and the name fields, also on a phone."""
from __future__ import annotations

import os

import pytest

from day_helpers import make_day_meeting
from browser_helpers import log_in


@pytest.mark.slow
def test_check_in_page_by_family_name_in_the_browser(live_server, browser_page, make_meeting, make_registration,
                                                     organiser):
    meeting = make_day_meeting(make_meeting, make_registration, organiser, tables=6)
    meeting.capacity += 3
    for name in ("Ayşe Özdemir", "Anna von Berg"):
        make_registration(meeting, name=name)
    page = browser_page
    log_in(page, live_server, organiser.email)
    for width in (1200, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/organisation/treffen/{meeting.slug}/tag/")
        listed = page.locator(".day-person .who strong").all_inner_texts()
        assert listed[:3] == ["Aydın, Zeynep", "von Berg, Anna", "Haddad, Tarek"]
        assert listed.index("Özdemir, Ayşe") == listed.index("Øster-Müller, Björn") + 1
        assert page.is_visible("label[for=given_name]") and page.is_visible("label[for=family_name]")
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['SCREENSHOTS']}/checkin-{width}.png", full_page=True)
