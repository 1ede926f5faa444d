"""Print-outs: every PDF rendered, its text extracted, the QR codes decoded."""
from __future__ import annotations

import io

import pytest

pytest.importorskip("weasyprint")
from pypdf import PdfReader  # noqa: E402

from netzwerktreffen.day import printing
from netzwerktreffen.core.text import css_string
from netzwerktreffen.web.pdf import hoist_styles
from netzwerktreffen.planning import scheduler_io as scheduling  # noqa: E402
from netzwerktreffen.mail.message import external_url  # noqa: E402

from day_helpers import QUESTIONS, make_day_meeting, pdf_pages_text as pages_text, publish_plan  # noqa: E402
from day_helpers import decode_qr_codes, render_pdf as render  # noqa: E402


@pytest.fixture
def day_meeting(app, make_meeting, make_registration, organiser):
    meeting = make_day_meeting(make_meeting, make_registration, organiser, tables=4)  # 6 spots, 4 tables
    publish_plan(meeting)
    return meeting


def seated(meeting):
    version = scheduling.published(meeting)
    return scheduling.Schedule(meeting, version.plan)


def test_room_plan_names_every_seated_person_on_each_round_they_attend(day_meeting):
    pages = pages_text(render(day_meeting, "raumplaene"))
    schedule = seated(day_meeting)
    expected_pages = [(block, r) for block in day_meeting.blocks for r in range(block.rounds)]
    assert len(pages) == len(expected_pages)
    people = {r.id: r for r in day_meeting.registrations}
    for text, (block, r) in zip(pages, expected_pages):
        assert f"Runde {r + 1} von {block.rounds}" in text and block.title in text
        for seat in schedule.spots(block, r):
            for rid in seat.people:
                assert people[rid].name in text, (people[rid].name, block.title, r)
    # spots beyond the room's four tables are numbered on
    speed_text = pages[0]
    assert all(f"{n}" in speed_text for n in range(1, 7))


def test_room_plan_reprint_only_the_rounds_asked_for(day_meeting):
    speed = day_meeting.blocks[0]
    pages = pages_text(render(day_meeting, "raumplaene", rounds={(scheduling.block_key(speed), 2)}))
    assert len(pages) == 1 and "Runde 3 von 4" in pages[0]


def test_layout_puts_tables_at_their_cells_and_extra_spots_beside_the_grid(day_meeting):
    plan = printing.PrintPlan(day_meeting, scheduling.published(day_meeting))
    layout = plan.layout(day_meeting.blocks[0], 0)
    assert [(spot.x, spot.y) for spot in layout.placed] == [(0, 0), (1, 0), (2, 0), (3, 0)]  # the tables' cells
    assert [(spot.number, spot.extra, spot.x) for spot in layout.extras] == [("5", 1, None), ("6", 2, None)]
    assert [spot.number for spot in layout.spots] == ["1", "2", "3", "4", "5", "6"]
    cafe = plan.layout(day_meeting.blocks[1], 0)
    assert [(s.x, s.y) for s in cafe.spots] == [(1, 1), (2, 1)]
    assert [s.number for s in cafe.spots] == ["1 Café 1", "2 Café 2"]


def test_badges_carry_name_organisation_sector_and_tables(day_meeting):
    text = " ".join(pages_text(render(day_meeting, "namensschilder")))
    for person in day_meeting.registrations:
        assert person.name in text and person.organisation in text and person.sector.name in text
    assert "Speed Networking – Platz" in text and "Pro-Action-Café – Tisch" in text


def test_table_cards_show_number_host_question_and_people(day_meeting):
    pages = pages_text(render(day_meeting, "tischkarten"))
    assert len(pages) == 6 + 2  # six speed spots, two café tables
    cafe_pages = [p for p in pages if QUESTIONS[0] in p]
    assert cafe_pages and "Olena Kovalenko" in cafe_pages[0] and "Runde 2" in cafe_pages[0]


def test_check_in_list_is_sorted_by_family_name_with_spare_lines(day_meeting, make_registration):
    day_meeting.capacity += 5
    for name in ("Ayşe Özdemir", "Anna von Berg", "Ozan Ozan"):
        make_registration(day_meeting, name=name)
    text = " ".join(pages_text(render(day_meeting, "checkin")))
    listed = ["Aydın, Zeynep", "von Berg, Anna", "Haddad, Tarek", "Hosseini, Amina", "Kaya, Mehmet", "Koch, Jens",
              "Kovalenko, Olena", "Lange, Heike", "Mensah, Grace", "Øster-Müller, Björn", "Ozan, Ozan",
              "Özdemir, Ayşe", "Richter, Uwe", "Weber, Anna", "Wolf, Sabine"]
    positions = [text.index(name) for name in listed]
    assert positions == sorted(positions)
    assert "Nachname, Vorname" in text
    assert f"{len(listed) + printing.SPARE_LINES}" in text


def test_check_in_list_has_a_note_column_to_write_in(day_meeting):
    """As WeasyPrint lays out the page: the note column is at least 50 mm wide, and the longest sector
    name stays inside its own column instead of running into the notes."""
    from weasyprint import HTML
    from flask import current_app
    with current_app.test_request_context():
        html = printing.document_html(day_meeting, "checkin")
    page = HTML(string=hoist_styles(html)).render().pages[0]

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)
    cells = [box for box in boxes(page._page_box) if type(box).__name__ == "TableCellBox"]
    millimetre = 96 / 25.4  # CSS pixels
    notes = [cell for cell in cells if "note" in (cell.element.get("class") or "")]
    assert notes and min(cell.width for cell in notes) >= 50 * millimetre - 0.5
    for cell in cells:
        if "sector" in (cell.element.get("class") or ""):
            widest = max((line.width for line in boxes(cell) if type(line).__name__ == "LineBox"), default=0)
            assert widest <= cell.width + 0.5


def test_harvest_sheet_per_cafe_table_with_guiding_questions(day_meeting):
    pages = pages_text(render(day_meeting, "ernte"))
    assert len(pages) == 2
    for page, question in zip(pages, QUESTIONS):
        assert question in page and "Was fehlt?" in page and "Was ist die Frage hinter der Frage?" in page


def test_slips_carry_schedule_and_a_qr_code_of_the_read_only_plan(day_meeting, tmp_path, client):
    pdf = render(day_meeting, "laufzettel")
    text = " ".join(pages_text(pdf))
    people = list(day_meeting.registrations)
    for person in people:
        assert person.name in text
    found = decode_qr_codes(pdf, tmp_path)
    assert sorted(found) == sorted(external_url("public.slip_plan", token=p.slip_token) for p in people)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2  # six slips per sheet
    # a lost slip opens no page that changes or cancels the registration
    assert not any(p.token in link or p.token in text for p in people for link in found)
    person = people[0]
    link = next(link for link in found if person.slip_token in link)
    response = client.get(link.removeprefix("http://netzwerktreffen.test"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and person.name in page and "Runde 1" in page
    assert "<form" not in page and "stornieren" not in page and person.token not in page
    assert response.headers["Referrer-Policy"] == "no-referrer" and "no-store" in response.headers["Cache-Control"]


def test_slips_reprint_only_the_people_asked_for(day_meeting):
    person = day_meeting.registrations[3]
    text = " ".join(pages_text(render(day_meeting, "laufzettel", people={person.id})))
    assert person.name in text
    assert not any(p.name in text for p in day_meeting.registrations if p.id != person.id
                   and p.name not in text.split("mit", 1)[-1])


def test_without_published_plan_badges_check_in_list_and_harvest_sheets(app, make_meeting, make_registration, organiser):
    meeting = make_day_meeting(make_meeting, make_registration, organiser, slug="ohne")
    assert [kind for kind, _f, _t in printing.available(meeting)] == ["namensschilder", "checkin", "ernte",
                                                                           "teilnehmende", "programm"]
    with pytest.raises(printing.PrintError):
        printing.document_html(meeting, "raumplaene")


def test_print_command_writes_every_document(day_meeting, runner, tmp_path):
    result = runner.invoke(args=["print", day_meeting.slug, "--out", str(tmp_path / "pdf")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "pdf").glob("*.pdf"))
    assert names == sorted(filename for filename, _title in printing.DOCUMENTS.values())
    for path in (tmp_path / "pdf").glob("*.pdf"):
        assert len(PdfReader(path).pages) >= 1
    links = decode_qr_codes((tmp_path / "pdf" / "laufzettel.pdf").read_bytes(), tmp_path)
    assert links and all(link.startswith("http://netzwerktreffen.test/laufzettel/") for link in links)  # BASE_URL


def test_downloads_on_the_day_page(day_meeting, logged_in):
    page = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/tag/").get_data(as_text=True)
    for kind in printing.DOCUMENTS:
        assert f"/tag/drucken/{kind}.pdf" in page
    response = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/tag/drucken/checkin.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert logged_in.get(f"/organisation/treffen/{day_meeting.slug}/tag/drucken/gibtsnicht.pdf").status_code == 404


def test_page_footer_keeps_quotes_ampersands_and_angle_brackets(day_meeting):
    from netzwerktreffen.core.extensions import db
    day_meeting.series_number = None
    day_meeting.title = 'Netzwerk "Arbeit & Bildung" <Süd>\\'
    db.session.commit()
    for page, text in enumerate(pages_text(render(day_meeting, "checkin")), start=1):
        assert f'Netzwerk "Arbeit & Bildung" <Süd>\\ · ' in text and f"Seite {page}" in text
        assert "&amp;" not in text


def test_css_string_escapes_what_would_end_the_string_or_the_style():
    assert css_string('a"b\\c</style>\n') == '"a\\22 b\\5c c\\3c /style\\3e \\a "'
    assert css_string("Café · 22.11.2026 · Seite ") == '"Café · 22.11.2026 · Seite "'
