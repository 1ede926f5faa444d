"""A real browser (Playwright driving Debian's chromium): a meeting with a participant who speaks only Arabic.

The organiser sees the warning before planning, plans through the real page ("Plan berechnen", the real
scheduler in the background job), reads on the plan page in German why Rana Haddad pauses and what to do,
publishes; Rana's personal page shows "Pause" in those rounds.
"""
from __future__ import annotations

import os
import re
from datetime import time as clock

import pytest

from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import SPEED, Block, MeetingTable, Registration, Room
from browser_helpers import log_in


ID = re.compile(r"\b[rbt]\d+\b")
PEOPLE = [("Anna Weber", "Jobcenter Esslingen", "jobcenter"), ("Mehmet Kaya", "IHK Region Stuttgart", "kammer"),
          ("Sabine Wolf", "Caritas MBE", "migrationsberatung"), ("Tarek Haddad", "Stadt Nürtingen", "kommune"),
          ("Heike Lange", "Pflegeheim Sonnenhof", "arbeitgeber"), ("Uwe Richter", "BAW Bildung", "bildungstraeger")]


@pytest.mark.slow
def test_arabic_only_participant_pauses_with_the_reason_and_sees_pause(live_server, browser_page,  # noqa: F811
                                                                       make_meeting, make_registration,
                                                                       organiser):
    meeting = make_meeting(slug="arabisch", organisers=[organiser], blocks=False, languages=["de", "en", "ar"])
    room = Room(name="Saal Neckar", tables=[MeetingTable(number=n, seats=4, grid_x=n - 1) for n in range(1, 4)])
    meeting.rooms.append(room)
    meeting.blocks.append(Block(kind=SPEED, title="Speed Networking", position=0, start_time=clock(10, 0),
                                rounds=3, minutes_per_round=6, changeover_minutes=2, group_size=2, room=room))
    db.session.commit()
    for name, organisation, sector in PEOPLE:
        make_registration(meeting, name=name, organisation=organisation, sector=sector, blocks=list(meeting.blocks))
    rana = make_registration(meeting, name="Rana Haddad", email="rana@example.org",
                             organisation="Frauencafé Esslingen", sector="migrantenorganisation",
                             languages=["ar"], blocks=list(meeting.blocks))
    personal_link = f"{live_server}/r/{rana.token}"
    rana_id = rana.id
    page = browser_page

    # 1. the organiser logs in; before planning the page warns, by name
    log_in(page, live_server, organiser.email)
    page.goto(f"{live_server}/organisation/treffen/arabisch/plan/")
    warning = page.inner_text("#vorab")
    assert "Rana Haddad spricht nur Arabisch" in warning and "in allen 3 Runden Pause" in warning

    # 2. plans through the page: the real background job and the real scheduler
    page.fill("#time_limit", "5")
    page.click("button:has-text('Plan berechnen')")
    page.wait_for_url(re.compile(r".*/plan/v1$"), timeout=90_000)

    # 3. the plan page says in German who pauses, why, and what to do
    notes = page.inner_text("#nicht-voll >> xpath=..")
    assert "Rana Haddad" in notes
    assert "Speed Networking, alle 3 Runden: Rana Haddad hat Pause: spricht nur Arabisch, und niemand sonst " \
           "in dieser Runde spricht das." in notes
    assert "Was Sie tun können:" in notes and "Dolmetscher" in notes
    pause_row = page.inner_text("tr.pauses")
    assert pause_row.startswith("Pause") and pause_row.count("Rana Haddad") == 3
    visible = page.inner_text("main")
    assert not ID.search(visible) and "Runde 0" not in visible
    db.session.expire_all()
    version = planning.get_version(meeting, 1)
    assert version.plan["blocks"][0]["pauses"] == [[scheduling.participant_id(rana_id)]] * 3

    # 4. publish
    page.click("button:has-text('Veröffentlichen')")
    page.wait_for_selector("text=ist jetzt der veröffentlichte Plan")

    # 5. Rana opens her personal link: "Pause" in every round, no partner, no spot
    page.goto(personal_link)
    page.wait_for_selector("text=Ihr persönlicher Ablauf")
    rows = page.locator("#ablauf + table tbody tr")
    assert rows.count() == 3
    for k in range(3):
        row = rows.nth(k).inner_text()
        assert f"Runde {k + 1}" in row and "Pause" in row and "In dieser Runde haben Sie kein Gespräch." in row
        assert "Platz" not in row
    page.screenshot(path=str(os.environ.get("BROWSER_PAUSE_SCREENSHOT", "/tmp/netzwerktreffen-pause.png")),
                    full_page=True)
    assert db.session.get(Registration, rana_id).name == "Rana Haddad"
