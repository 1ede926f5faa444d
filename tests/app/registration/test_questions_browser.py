"""A real browser (Playwright driving Debian's chromium): an organiser adds two questions, three people answer
on the public form, the results page shows the chart; on a phone (390 px) the form and the results fit."""
from __future__ import annotations

import pytest

from browser_helpers import log_in, too_wide


def register(page, base: str, n: int, given: str, topics: list[str], level: str) -> None:
    page.goto(f"{base}/m/fragen")
    page.fill("#given_name", given)
    page.fill("#family_name", f"Muster{n}")
    page.fill("#email", f"person{n}@example.org")
    page.fill("#organisation", "VHS Esslingen")
    page.select_option("#sector", label="Sprachschule/VHS")
    for topic in topics:
        page.check(f"fieldset.questions label:has-text('{topic}') input")
    page.check(f"fieldset:has-text('Wie gut gelingt') label:has-text('{level}') input")
    page.check("text=Ich willige in die Verarbeitung")
    page.click("text=Verbindlich anmelden")
    page.wait_for_selector("text=Vielen Dank, Sie sind angemeldet")


@pytest.mark.slow
def test_questions_in_the_browser(live_server, browser_page, make_meeting, organiser):
    make_meeting(slug="fragen", organisers=[organiser])
    page = browser_page
    log_in(page, live_server, organiser.email)
    page.goto(f"{live_server}/organisation/treffen/fragen/fragen")
    assert page.locator("text=Fragenset aus dem Fachaustausch übernehmen").count() == 1
    page.select_option("#kind", "multiple")
    page.fill("#text", "Welche Themen sind wichtig?")
    page.fill("#options", "Sprache\nKinderbetreuung\nAnerkennung")
    page.check("#required")
    page.click("text=Frage hinzufügen")
    page.wait_for_selector("text=Die Frage ist hinzugefügt.")
    page.select_option("#kind", "scale")
    page.fill("#text", "Wie gut gelingt es vor Ort?")
    page.click("text=Frage hinzufügen")
    page.wait_for_selector("text=Die Frage ist hinzugefügt.")
    assert page.locator("ol.question-list > li").count() == 2

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/m/fragen")
    width = too_wide(page)
    assert width["scroll"] <= width["viewport"], width
    for n, (given, topics, level) in enumerate([("Anna", ["Sprache"], "4"), ("Ben", ["Sprache", "Anerkennung"], "5"),
                                                 ("Cem", ["Kinderbetreuung"], "4")], 1):
        register(page, live_server, n, given, topics, level)

    page.set_viewport_size({"width": 1280, "height": 900})  # the organiser is still logged in
    page.goto(f"{live_server}/organisation/treffen/fragen/fragen/ergebnisse")
    charts = page.locator("img.chart")
    assert charts.count() == 2
    charts.first.wait_for()
    assert charts.first.evaluate("img => img.complete && img.naturalWidth > 100")
    assert "Sprache 2" in charts.first.get_attribute("alt") and "Anerkennung 1" in charts.first.get_attribute("alt")
    assert page.locator("text=3 Antworten").count() == 2
    page.set_viewport_size({"width": 390, "height": 844})
    width = too_wide(page)
    assert width["scroll"] <= width["viewport"], width
