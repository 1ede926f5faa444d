"""Print-outs cut and folded by hand: badges that keep clear of the sheet's edge, fold-over table cards."""
from __future__ import annotations

import pytest

pytest.importorskip("weasyprint")

from day_helpers import PEOPLE, make_day_meeting, pdf_pages_text, publish_plan, render_pdf, rendered_pages  # noqa: E402

EDGE_MM = 5


@pytest.fixture
def day_meeting(app, make_meeting, make_registration, organiser):
    people = PEOPLE + [("Dr. Maximiliane Schwarzenbach-Überreiter-Oberhausenheimer", "Bundesamt für Migration "
                        "und Flüchtlinge, Regionalstelle Baden-Württemberg", "kommune", ["de"])]
    meeting = make_day_meeting(make_meeting, make_registration, organiser, tables=4, people=people)
    publish_plan(meeting)
    return meeting


def ink_near_edge(image, mm: float = EDGE_MM, dpi: int = 100) -> list[tuple[int, int]]:
    """Pixels that are not white within ``mm`` of the sheet's edge (one pixel less, for anti-aliasing)."""
    band = int(mm / 25.4 * dpi) - 1
    width, height = image.size
    pixels = image.load()
    return [(x, y) for y in range(height) for x in range(width)
            if (x < band or y < band or x >= width - band or y >= height - band) and pixels[x, y] < 250]


def test_badges_print_nothing_within_5_mm_of_the_sheet_edge(day_meeting, tmp_path):
    pdf = render_pdf(day_meeting, "namensschilder")
    text = " ".join(pdf_pages_text(pdf))
    assert "Schwarzenbach" in text and "Anna Weber" in text
    pages = rendered_pages(pdf, tmp_path)
    assert len(pages) == 4  # 13 people, four badges a sheet
    for number, page in enumerate(pages, start=1):
        assert page.size == (827, 1170)  # A4 portrait at 100 dpi
        inked = ink_near_edge(page)
        assert not inked, f"sheet {number}: ink within 5 mm of the edge at {inked[:5]}"
        assert sum(page.histogram()[:128]) > 2000  # and the badges are there


def placed_texts(page) -> list[tuple[str, float, float]]:
    """(text, x direction of the text, height on the page) of every piece of text on a PDF page:
    the direction is +1 for upright text, -1 for text turned by 180°."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            a = tm[0] * cm[0] + tm[1] * cm[2]  # the text's x axis after the text and the current matrix
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), a, y))
    page.extract_text(visitor_text=visit)
    return found


def test_tent_cards_show_each_label_upright_on_both_sides_of_the_fold(day_meeting, tmp_path):
    import io

    from pypdf import PdfReader
    pdf = render_pdf(day_meeting, "tischkarten", folded=True)
    reader = PdfReader(io.BytesIO(pdf))
    from netzwerktreffen.day import printing
    from netzwerktreffen.planning import scheduler_io as scheduling
    plan = printing.PrintPlan(day_meeting, scheduling.published(day_meeting))
    numbers = []  # every spot of the speed networking, then the two café tables
    for block in day_meeting.blocks:
        spots = max((plan.layout(block, r).spots for r in range(block.rounds)), key=len)
        numbers += [spot.number for spot in spots]
    assert numbers[-2:] == ["1 Café 1", "2 Café 2"] and len(numbers) >= 8
    assert len(reader.pages) == len(numbers)
    for page, number in zip(reader.pages, numbers):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert round(width / 72 * 25.4) == 297 and round(height / 72 * 25.4) == 210  # A4 landscape
        assert (page.get("/Rotate") or 0) == 0
        big = [(a, y) for text, a, y in placed_texts(page) if text == number]
        assert len(big) == 2, (number, placed_texts(page))  # once per half
        lower, upper = sorted(big, key=lambda item: item[1])
        assert lower[0] > 0 and lower[1] < height / 2  # the front half reads upright
        assert upper[0] < 0 and upper[1] > height / 2  # the half above the fold is turned by 180°
    text = pdf_pages_text(pdf)
    assert text[-1].count("Wie werden Abschlüsse schneller anerkannt?") == 2
    assert text[-1].count("Gastgeber:in: Mehmet Kaya") == 2
    for page in rendered_pages(pdf, tmp_path):
        assert not ink_near_edge(page, mm=8)  # well inside what any printer prints


def test_print_page_offers_flat_or_folded_table_cards(day_meeting, logged_in):
    page = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/tag/").get_data(as_text=True)
    assert 'name="falten" value="0" checked' in page and 'name="falten" value="1"' in page
    assert "zum Falten" in page
    response = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/tag/drucken/tischkarten.pdf?falten=1")
    assert response.status_code == 200 and "tischkarten-zum-falten.pdf" in response.headers["Content-Disposition"]
    flat_cards = logged_in.get(f"/organisation/treffen/{day_meeting.slug}/tag/drucken/tischkarten.pdf?falten=0")
    assert pdf_pages_text(flat_cards.data)[0].count("Runde 1") == 1
    assert pdf_pages_text(response.data)[0].count("Runde 1") == 0
