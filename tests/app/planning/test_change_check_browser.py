"""In chromium: the live check of a change shows its score beside "verletzt keine Regel", and a change
that breaks a rule leaves the Speichern button disabled and looking so (greyed, cursor not-allowed)."""
from __future__ import annotations

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.planning import quality
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning
from browser_helpers import log_in

MINUS = "\u2212"


def quality_text(change: float) -> str:
    from flask_babel import force_locale
    with force_locale("de"):
        return quality.score_change_text(change)


def luminance(rgb: str) -> float:
    """Relative luminance (WCAG) of a computed CSS colour "rgb(r, g, b)"."""
    channels = [int(v) / 255 for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.slow
def test_change_check_shows_score_and_a_disabled_save_looks_disabled(live_server, browser_page, published_meeting,
                                                                     organiser):
    from playwright.sync_api import expect
    meeting = published_meeting()
    rows = sorted(meeting.registrations, key=lambda r: r.id)
    rows[2].offers, rows[3].needs = [meeting.topics[0]], [meeting.topics[0]]
    db.session.commit()
    version = planning.store_version(meeting, scheduling.build_instance(meeting), scheduling.published(meeting).plan,
                                     source="manual")
    people = [scheduling.participant_id(r) for r in rows]
    page = browser_page
    log_in(page, live_server, organiser.email)
    page.goto(f"{live_server}/organisation/treffen/{meeting.slug}/plan/v{version.number}")
    save = page.locator("#c-save")
    result = page.locator("#change-result")
    enabled = save.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).cursor]")

    # round 1: Olena (1) with Mehmet (2) would meet twice (they meet in round 2)
    page.select_option("#c-round", "0")
    page.select_option("#c-a", people[1])
    page.select_option("#c-b", people[2])
    expect(result).to_contain_text("ein zweites Mal")
    expect(save).to_be_disabled()
    looks = save.evaluate("""b => { const s = getComputedStyle(b);
        return [s.backgroundColor, s.color, s.cursor, s.borderColor]; }""")
    assert looks[2] == "not-allowed"
    assert looks[0] != enabled[0]  # no longer the blue of a button that works
    assert contrast(looks[0], "rgb(255, 255, 255)") < 1.5  # light grey, not a strong colour
    assert contrast(looks[1], looks[0]) >= 4.5  # its label stays readable

    # a swap in round 1 that breaks no rule and costs points: the score beside "verletzt keine Regel"
    # (Mehmet offers what Grace needs, and they meet in round 1; swapping Mehmet and Sabine parts them)
    page.select_option("#c-a", people[2])
    page.select_option("#c-b", people[4])
    expect(result).to_contain_text("Diese Änderung verletzt keine Regel.")
    costs = planning.check_change(version, {"action": "swap", "block": scheduling.block_key(meeting.blocks[0]),
                                            "round": "0", "a": people[2], "b": people[4]}).score_change
    assert costs < 0
    expect(result.locator(".score-change.score-loss")).to_have_text(quality_text(costs))
    assert result.locator(".score-change").text_content().startswith(MINUS)
    expect(save).to_be_enabled()
    assert save.evaluate("b => getComputedStyle(b).cursor") == "pointer"
