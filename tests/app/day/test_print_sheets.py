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
        assert sum(1 for value in page.getdata() if value < 128) > 2000  # and the badges are there
