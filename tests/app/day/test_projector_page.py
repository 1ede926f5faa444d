"""The projector's page hands its data to the static script: no JavaScript inside the page."""
from __future__ import annotations

import html
import json
import re

import pytest

from day_helpers import make_day_meeting


@pytest.fixture
def projector_meeting(app, make_meeting, make_registration, organiser):
    return make_day_meeting(make_meeting, make_registration, organiser, slug="beamer-seite")


@pytest.mark.parametrize("lang, texts", [
    ("de", {"round": "Runde N von M", "over": "Ende der Runde – bitte wechseln", "min": "Min."}),
    ("en", {"round": "Round N of M", "over": "End of round – please move on", "min": "min"}),
])
def test_projector_page_hands_its_data_to_the_static_script(projector_meeting, logged_in, lang, texts):
    page = logged_in.get(f"/organisation/treffen/beamer-seite/beamer/?lang={lang}").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts == [(' src="/static/projector.js"', "")]
    data = json.loads(html.unescape(re.search(r"<div id=\"projector-data\" hidden data-config='([^']*)'>", page)[1]))
    assert data["agenda"] == "/organisation/treffen/beamer-seite/beamer/ablauf.json"
    assert data["key"] == "netzwerktreffen-beamer-beamer-seite"
    assert set(data["text"]) == {"round", "before", "over", "done", "paused", "pause", "resume", "soundOn",
                                 "soundOff", "shifted", "next", "min"}
    assert texts.items() <= data["text"].items()
    assert logged_in.get(data["agenda"]).status_code == 200
    script = logged_in.get("/static/projector.js")
    assert script.status_code == 200 and "projector-data" in script.get_data(as_text=True)
