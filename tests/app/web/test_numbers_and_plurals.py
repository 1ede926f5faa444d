"""Organiser pages write numbers as their language does (351,0 and 18,75 % in German, 351.0 and 18.75% in
English) and counts with the right singular (1 Person, 1 Tisch, 1 Anmeldung)."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CAFE, MeetingTable, Room
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning

PACKAGE = Path(__file__).parents[3] / "netzwerktreffen"


def page(client, url: str, lang: str) -> str:
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_plan_page_numbers_follow_the_ui_language(published_meeting, logged_in):
    meeting = published_meeting()
    url = f"/organisation/treffen/{meeting.slug}/plan/v1"
    german = page(logged_in, url, "de")
    score = re.search(r"<dt>Punkte</dt><dd>([^<]+)</dd>", german).group(1)
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d", score), score
    fit = re.search(r"<dt>Gruppen mit gemeinsamer Sprache</dt><dd>([^<]+)</dd>", german).group(1)
    assert fit == "100 %"
    english = page(logged_in, url, "en")
    score = re.search(r"<dt>Score</dt><dd>([^<]+)</dd>", english).group(1)
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d", score), score
    assert re.search(r"<dd>100%</dd>", english)


def test_compare_page_counts_one_person_in_the_singular(published_meeting, logged_in):
    meeting = published_meeting()
    first = scheduling.published(meeting)
    cafe = next(b for b in meeting.blocks if b.kind == CAFE)
    guest = scheduling.participant_id(meeting.registrations[2])
    changed = copy.deepcopy(first.plan)
    rounds = next(b for b in changed["blocks"] if b["id"] == scheduling.block_key(cafe))["rounds"]
    # the guest visits the two tables the other way round: one person, two rounds changed
    one, two = [scheduling.table_key(t) for t in cafe.cafe_tables]
    rounds[0][one].remove(guest), rounds[0][two].append(guest)
    rounds[1][two].remove(guest), rounds[1][one].append(guest)
    second = planning.store_version(meeting, first.instance, changed, source="manual")
    url = f"/organisation/treffen/{meeting.slug}/plan/vergleich?a={first.number}&b={second.number}"
    assert "1 Person hat einen geänderten Ablauf, 2 geänderte Runden insgesamt." in page(logged_in, url, "de")
    assert "1 person has a changed schedule, 2 changed rounds in total." in page(logged_in, url, "en")


def test_check_in_and_room_counts_in_the_singular(make_meeting, make_registration, logged_in, organiser):
    meeting = make_meeting(organisers=[organiser])
    make_registration(meeting, name="Anna Weber")
    meeting.rooms.append(Room(name="Kleiner Raum", tables=[MeetingTable(number=1, seats=4)]))
    db.session.commit()
    checkin = page(logged_in, f"/organisation/treffen/{meeting.slug}/tag/", "de")
    assert "von 1 bestätigten Anmeldung" in checkin and "von 1 bestätigten Anmeldungen" not in checkin
    english = page(logged_in, f"/organisation/treffen/{meeting.slug}/tag/", "en")
    assert "of 1 confirmed registration<" in english
    rooms = page(logged_in, f"/organisation/treffen/{meeting.slug}/raeume", "de")
    assert "1 Tisch mit 4 Plätzen" in rooms and "5 Tische mit 20 Plätzen" in rooms
    assert "1 table with 4 seats" in page(logged_in, f"/organisation/treffen/{meeting.slug}/raeume", "en")


def test_one_room_with_one_table_is_counted_in_the_singular(app, make_meeting, make_registration, logged_in,
                                                             organiser):
    """Overview, block form, room plan and the planning check speak of "1 Raum", "1 Tisch", "1 Reihe"."""
    from flask_babel import force_locale

    from netzwerktreffen.planning.check import check_meeting
    meeting = make_meeting(organisers=[organiser])
    room = meeting.rooms[0]
    room.grid_columns, room.grid_rows = 1, 1
    room.tables[:] = [room.tables[0]]
    for n, sector in enumerate(["jobcenter", "kammer", "kommune", "arbeitgeber", "bildungstraeger", "migrationsberatung"]):
        make_registration(meeting, name=f"Person {n}", organisation=f"Organisation {n}", sector=sector,
                          blocks=[meeting.blocks[0]])
    db.session.commit()
    base = f"/organisation/treffen/{meeting.slug}"
    overview = page(logged_in, base, "de")
    assert "1 Raum</strong> mit 1 Tisch und 4 Plätzen" in overview
    assert "1 room</strong> with 1 table and 4 seats" in page(logged_in, base, "en")
    speed = meeting.blocks[0]
    assert "Im Raum „Saal“ steht 1 Tisch." in page(logged_in, f"{base}/ablauf/{speed.id}", "de")
    plan = page(logged_in, f"{base}/raeume/{room.id}", "de")
    assert "1 Spalte, 1 Reihe, 1 Tisch" in plan
    with force_locale("de"):
        texts = [e.text for e in check_meeting(meeting) if e.code == "room-too-few-tables"]
    assert texts and "steht aber nur 1 Tisch:" in texts[0], [(e.code, e.text) for e in check_meeting(meeting)]


RAW = [
    # a fixed format is fine for CSS lengths (print layouts: "12.50mm"), never for text
    (re.compile(r"""['"]%\.?\d*f['"]\s*\|\s*format[^}]*\}\}(?!\s*(?:mm|pt|px|em)\b)|\|\s*round\b"""), "templates", "*.html"),
    (re.compile(r"\.toFixed\(|toLocaleString\(\s*\)"), "static", "*.js"),
    (re.compile(r"\.replace\(\"\.\", \",\"\)|\.replace\('\.', ','\)"), ".", "*.py"),
]


@pytest.mark.parametrize("pattern, folder, glob", RAW)
def test_no_hand_made_number_formats(pattern, folder, glob):
    """Numbers for people go through core.i18n (filters number/percent) or Intl.NumberFormat with the page's
    language, never a fixed format with a German or English decimal mark."""
    found = [f"{path.relative_to(PACKAGE)}:{n}" for path in (PACKAGE / folder).rglob(glob)
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []
