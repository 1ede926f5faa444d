"""More groups than the room has tables: planning says so per round, the print shows the extra spots beside
the room plan (never drawn into an empty cell of the room)."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("weasyprint")

from netzwerktreffen.day import printing  # noqa: E402
from netzwerktreffen.planning import scheduler_io as scheduling  # noqa: E402

from day_helpers import PEOPLE, flat, make_day_meeting, pdf_pages_text, publish_plan, render_pdf  # noqa: E402

FOURTEEN = PEOPLE + [("Lena Fischer", "Diakonie Esslingen", "migrationsberatung", ["de"]),
                     ("Dariusz Nowak", "Handwerkskammer Region Stuttgart", "kammer", ["de", "pl"])]


@pytest.fixture
def crowded(app, make_meeting, make_registration, organiser):
    """14 people in pairs (7 groups a round) in a room with 6 tables: spot 7 has no table."""
    meeting = make_day_meeting(make_meeting, make_registration, organiser, tables=6, cafe=False, rounds=3,
                               people=FOURTEEN)
    return meeting, publish_plan(meeting)


def test_plan_page_warns_which_rounds_have_more_groups_than_the_room_has_tables(crowded, logged_in):
    meeting, version = crowded
    html = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/v{version.number}").get_data(as_text=True)
    text = flat(re.sub(r"<[^>]+>", " ", html))
    assert "Mehr Gruppen als Tische im Raum" in text
    assert "Speed Networking, alle 3 Runden: 7 Gruppen, im Raum „Saal“ stehen aber nur 6 Tische: Platz 7 ist ein " \
           "Zusatzplatz, der nicht im Raumplan steht." in text
    assert "Runde 0" not in text and "b1" not in text.split()


def test_extra_spot_is_printed_beside_the_room_plan_never_in_an_empty_cell(crowded, app):
    meeting, version = crowded
    block = meeting.blocks[0]
    plan = printing.PrintPlan(meeting, version)
    tables = [(t.grid_x, t.grid_y) for t in block.room.tables]
    schedule = scheduling.Schedule(meeting, version.plan)
    for r in range(block.rounds):
        layout = plan.layout(block, r)
        assert [(spot.x, spot.y) for spot in layout.placed] == tables  # only the room's own tables in the grid
        assert [(spot.number, spot.extra, spot.x, spot.y) for spot in layout.extras] == [("7", 1, None, None)]
        assert layout.extras[0].people and len(schedule.spots(block, r)) == 7
    pages = pdf_pages_text(render_pdf(meeting, "raumplaene"))
    assert len(pages) == 3
    for r, text in enumerate(pages):
        assert f"Runde {r + 1} von 3" in text
        assert "Nicht im Raumplan: 1 Zusatzplatz – dafür bitte einen Tisch aufstellen" in text
        names = [person.name for person in plan.layout(block, r).extras[0].people]
        assert "Zusatzplatz 1 (nicht im Raumplan) " + ", ".join(names) in text
    cards = pdf_pages_text(render_pdf(meeting, "tischkarten"))
    assert len(cards) == 7
    assert "Zusatzplatz 1 (nicht im Raumplan) – bitte einen Tisch aufstellen" in cards[6]
    assert not any("Zusatzplatz" in card for card in cards[:6])


def test_slips_and_badges_name_the_extra_spot_by_its_number(crowded):
    meeting, version = crowded
    plan = printing.PrintPlan(meeting, version)
    someone = plan.layout(meeting.blocks[0], 0).extras[0].people[0]
    rows = plan.rows_of(someone)
    assert rows[0]["number"] == "7"
