"""In a real browser the pages keep working under the Content-Security-Policy: chromium reports no
violation, the scripts and styles from static/ take effect, and the mail preview shows the mail's HTML."""
from __future__ import annotations

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import OutboxMessage
from netzwerktreffen.core.names import listed


@pytest.mark.slow
def test_pages_work_under_the_policy_without_violations(live_server, browser_page, published_meeting,
                                                        organiser):
    from playwright.sync_api import expect
    meeting = published_meeting()
    anna = min(meeting.registrations, key=lambda r: r.id)
    room = meeting.rooms[0]
    room.tables[1].grid_x, room.tables[1].grid_y = 2, 1  # column 3, row 2
    db.session.commit()
    page = browser_page
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    def visit(path):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")

    base = f"/organisation/treffen/{meeting.slug}"
    for path in ("/", "/login", f"/m/{meeting.slug}", f"/r/{anna.token}"):
        visit(path)
    page.goto(f"{live_server}/login")
    page.fill("#email", organiser.email)
    page.fill("#password", "richtig-geheim-42")
    page.click("button:has-text('Anmelden')")
    page.wait_for_url(f"{live_server}/organisation/")
    for path in (base, f"{base}/plan/v1", f"{base}/anmeldungen", f"{base}/bereiche/affinitaet",
                 f"{base}/raeume/{room.id}"):
        visit(path)

    # the room plan's grid comes from classes: table 2 stands in column 3, row 2
    placed = page.locator(".room-plan .plan-table").nth(1).evaluate(
        "e => [getComputedStyle(e).gridColumnStart, getComputedStyle(e).gridRowStart]")
    assert placed == ["3", "2"]

    # the check-in filter (static/checkin.js) marks who does not match as hidden
    visit(f"{base}/tag/")
    page.fill("#q", anna.name.split()[0].lower())
    shown = page.locator("#day-list .day-person:not([hidden])")
    assert shown.count() == 1 and listed(anna) in shown.inner_text()  # "Weber, Anna"
    assert page.locator("#day-list .day-person[hidden]").count() == len(meeting.registrations) - 1

    # a confirm button asks first (static/confirm.js): dismissed, nothing happens
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("button[data-confirm]")
    assert asked and page.url.endswith("/tag/")

    # the mail preview's frame shows the mail with its own inline styles
    visit(f"{base}/post/vorschau?kind=schedule&person={anna.id}")
    frame = page.frame_locator("iframe.mail-frame")
    frame.locator("text=Guten Tag").first.wait_for()
    assert frame.locator("body").evaluate("e => getComputedStyle(e).color") == "rgb(29, 36, 48)"  # #1d2430
    db.session.expire_all()
    assert db.session.scalar(db.select(OutboxMessage).limit(1)) is None  # a preview sends nothing

    # the projector reads its data from the page and shows the agenda
    visit(f"{base}/beamer/")
    expect(page.locator("#round")).not_to_contain_text("…", timeout=30_000)

    violations = [text for text in messages if "Content Security Policy" in text]
    assert violations == []
