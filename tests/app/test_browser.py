"""A real browser (Playwright driving Debian's chromium) walks through the whole flow.

A person registers; the organiser logs in, plans, tries a forbidden swap and
sees it explained, makes an allowed one, publishes; the person opens the
personal link and sees their tables.
"""
from __future__ import annotations

import os
import re
from datetime import time as clock

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import SPEED, Block, Registration
from browser_helpers import log_in

@pytest.mark.slow
def test_register_plan_swap_publish_and_see_tables(live_server, browser_page, make_meeting, make_registration,
                                                   organiser, outbox):
    meeting = make_meeting(slug="browser", organisers=[organiser], blocks=False)
    meeting.blocks.append(Block(kind=SPEED, title="Speed Networking", position=0, start_time=clock(10, 0),
                                rounds=3, minutes_per_round=6, changeover_minutes=2, group_size=2))
    db.session.commit()
    people = [("Anna Weber", "Jobcenter Esslingen", "jobcenter"), ("Jens Koch", "Jobcenter Esslingen", "jobcenter"),
              ("Mehmet Kaya", "IHK Region Stuttgart", "kammer"), ("Sabine Wolf", "Caritas MBE", "migrationsberatung"),
              ("Tarek Haddad", "Stadt Nürtingen", "kommune"), ("Heike Lange", "Pflegeheim Sonnenhof", "arbeitgeber"),
              ("Uwe Richter", "BAW Bildung", "bildungstraeger")]
    for name, org, sector in people:
        make_registration(meeting, name=name, organisation=org, sector=sector, blocks=list(meeting.blocks))
    page = browser_page

    # 1. a person registers on the public page
    page.goto(f"{live_server}/m/browser")
    page.fill("#given_name", "Olena")
    page.fill("#family_name", "Kovalenko")
    page.fill("#email", "olena@vhs.example.org")
    page.fill("#organisation", "VHS Esslingen")
    page.select_option("#sector", label="Sprachschule/VHS")
    page.check("text=Ich willige in die Verarbeitung")
    page.click("text=Verbindlich anmelden")
    page.wait_for_selector("text=Vielen Dank, Sie sind angemeldet")
    personal_link = live_server + page.get_attribute("main a[href^='/r/']", "href")
    assert "Anmeldebestätigung" in outbox()[-1]["Subject"]

    # 2. the organiser logs in and plans
    log_in(page, live_server, organiser.email)
    page.goto(f"{live_server}/organisation/treffen/browser/plan/")
    page.fill("#time_limit", "5")
    page.click("button:has-text('Plan berechnen')")
    page.wait_for_url(re.compile(r".*/plan/v1$"), timeout=60_000)
    assert page.is_visible("text=Qualität auf einen Blick")

    # 3. a forbidden swap is explained before anything is saved
    ids = {r.name: f"r{r.id}" for r in db.session.scalars(db.select(Registration))}
    db.session.expire_all()
    plan = meeting.plan_versions[0].plan
    round0 = plan["blocks"][0]["rounds"][0]
    anna_group = next(g for g in round0 if ids["Anna Weber"] in g)
    anna_partner = next(p for p in anna_group if p != ids["Anna Weber"])
    page.select_option("#c-action", "swap")
    page.select_option("#c-round", "0")
    page.select_option("#c-a", anna_partner)
    page.select_option("#c-b", ids["Jens Koch"])
    # the live check runs after each choice: wait for the answer to the pair, not an earlier one
    page.wait_for_selector("#change-result .flash-error:has-text('arbeiten in derselben Organisation')")
    assert "Anna Weber und Jens Koch arbeiten in derselben Organisation" in page.inner_text("#change-result")
    assert page.is_disabled("#c-save")

    # 4. an allowed swap is saved as a new draft
    from netzwerktreffen.planning import service as planning
    version = planning.get_version(meeting, 1)
    round_index = 0
    a = b = None
    for g, group in enumerate(round0):
        for other in round0[g + 1:]:
            for x in group:
                for y in other:
                    _, found = planning.apply_change(version, {"action": "swap", "block": plan["blocks"][0]["id"],
                                                               "round": round_index, "a": x, "b": y})
                    if not found and a is None:
                        a, b = x, y
    assert a is not None
    page.select_option("#c-a", a)
    page.select_option("#c-b", b)
    page.wait_for_selector("#change-result .flash-success")
    page.click("#c-save")
    page.wait_for_url(re.compile(r".*/plan/v2$"))
    assert page.is_visible("text=Gespeichert als Entwurf Version 2")

    # 5. publish
    page.click("button:has-text('Veröffentlichen')")
    page.wait_for_selector("text=ist jetzt der veröffentlichte Plan")

    # 6. the person opens the personal link and sees their tables
    page.goto(personal_link)
    page.wait_for_selector("text=Ihr persönlicher Ablauf")
    text = page.inner_text("main")
    assert "Platz" in text and "10:00 Uhr" in text
    published = planning.get_version(meeting, 2).plan["blocks"][0]["rounds"]
    olena = ids["Olena Kovalenko"]
    names = {v: k for k, v in ids.items()}
    partners = {names[m] for round_ in published for g in round_ if olena in g for m in g if m != olena}
    assert partners and all(name in text for name in partners)
    page.screenshot(path=str(os.environ.get("BROWSER_SCREENSHOT", "/tmp/netzwerktreffen-personal.png")),
                    full_page=True)
