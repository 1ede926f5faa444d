"""The "Wer macht was" poster: organisations per station, the gaps, and QR codes with the contact cards of
those (and only those) who agreed to share them; A3 or A4 landscape."""
from __future__ import annotations

import io

import pytest

pytest.importorskip("weasyprint")
import vobject  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from day_helpers import decode_qr_codes, pdf_pages_text  # noqa: E402
from netzwerktreffen.chains import poster, vcard  # noqa: E402
from netzwerktreffen.core.models import Registration  # noqa: E402
from poster_data import HIDDEN, SHARING, STATIONS, add_chain, chain_meeting  # noqa: E402


@pytest.fixture
def meeting(app, make_meeting, make_registration, organiser):
    return chain_meeting(make_meeting, make_registration, organiser)


def column_of(page, texts: list[str]) -> dict[str, float]:
    """Where on the page (x, in points) each of ``texts`` starts: its first line's left edge."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, _font, _size):
        for wanted in texts:
            if wanted not in found and text.strip() and wanted.startswith(text.strip()[:12]):
                found[wanted] = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    page.extract_text(visitor_text=visit)
    return found


def test_poster_shows_the_organisations_under_their_station_and_marks_the_gap(meeting):
    pdf = poster.poster_pdf(meeting, "a3")
    [text] = pdf_pages_text(pdf)
    assert "Wer macht was? Integration von Geflüchteten in Arbeit" in text
    assert text.count("Lücke: hier ist niemand") == 1  # Anerkennung: only a cancelled person marked it
    assert "IHK Magdeburg" not in text and "Anerkennungsberatung" not in text
    for shown in ["Sprachschule Ölsnitz & Söhne", "Jobcenter Stendal", "Migrationsberatung Süd",
                  "Integrationskurse B1, auch abends", "Vermittlung in Arbeit", "Erstberatung in Arabisch"]:
        assert shown in text
    assert text.count("Beratung zu Leistungen") == 1  # the two Jobcenter people are one organisation
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    steps = [f"Schritt {k}" for k in range(1, len(STATIONS) + 1)]  # each station's description, at its left edge
    x = column_of(page, STATIONS + steps + ["Lücke: hier ist niemand", "Migrationsberatung Süd",
                                            "Sprachschule Ölsnitz", "Vermittlung in Arbeit"])
    assert [x[s] for s in STATIONS] == sorted(x[s] for s in STATIONS)  # left to right, in order

    def station_at(left: float) -> str:
        return STATIONS[max((k for k, step in enumerate(steps) if x[step] <= left + 2), key=lambda k: x[steps[k]])]
    assert station_at(x["Migrationsberatung Süd"]) == "Ankunft"
    assert station_at(x["Sprachschule Ölsnitz"]) == "Sprache"
    assert station_at(x["Lücke: hier ist niemand"]) == "Anerkennung"
    assert station_at(x["Vermittlung in Arbeit"]) == "Arbeit"


def test_qr_codes_hold_the_contact_cards_of_consenting_people_only(meeting, tmp_path):
    pdf = poster.poster_pdf(meeting, "a4")
    text = " ".join(pdf_pages_text(pdf))
    found = decode_qr_codes(pdf, tmp_path)
    assert len(found) == 3  # Jürgen once, Ayşe at two stations
    cards = [vobject.readOne(card) for card in found]
    assert sorted({c.fn.value for c in cards}) == sorted(SHARING)
    ayse = next(c for c in cards if c.fn.value == "Ayşe Yılmaz")
    assert ayse.email.value == "ayse@jobcenter.example" and ayse.org.value == ["Jobcenter Stendal"]
    assert ayse.title.value == "Integrationsfachkraft" and ayse.n.value.family == "Yılmaz"
    juergen = next(c for c in cards if c.fn.value == "Jürgen Müller-Lüdenscheidt")
    assert juergen.org.value == ["Sprachschule Ölsnitz & Söhne"]
    for name in SHARING:
        assert name in text
    for hidden in HIDDEN:  # neither printed nor in any code
        assert hidden not in text and not any(hidden in card for card in found)
        assert hidden.encode() not in pdf


@pytest.mark.parametrize("paper, size", [("a3", (1190.6, 841.9)), ("a4", (841.9, 595.3))])
def test_a3_and_a4_landscape(meeting, paper, size):
    add_chain(meeting, "Junge Geflüchtete in Ausbildung", ["Ankunft", "Schule", "Ausbildung"], position=1)
    pages = PdfReader(io.BytesIO(poster.poster_pdf(meeting, paper))).pages
    assert len(pages) == 2  # one page per chain
    for page in pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == size
    assert "Lücke: hier ist niemand" in pages[1].extract_text()


def test_contact_card_stays_small_enough_for_a_legible_qr_code(app, make_meeting, make_registration, organiser):
    meeting = make_meeting(slug="lang", organisers=[organiser], blocks=False)
    person = make_registration(meeting, name="Maximiliane Größenwahn-Überlänge", email="m.groessenwahn@example.org",
                               organisation="Arbeitsgemeinschaft der Träger der freien Wohlfahrtspflege im "
                                            "Landkreis Stendal, Fachbereich Migration und Integration",
                               role="Koordinatorin für Anerkennung ausländischer Berufsabschlüsse und Qualifizierung",
                               consent_contact=True)
    card = vcard.contact_card(person)
    assert len(card.encode()) <= vcard.MAX_BYTES
    parsed = vobject.readOne(card)
    assert parsed.fn.value == person.name and parsed.email.value == person.email
    assert parsed.org.value[0].startswith("Arbeitsgemeinschaft der Träger") and parsed.org.value[0].endswith("…")
    assert "title" not in parsed.contents  # the role went first; it is printed beside the code anyway
    import segno
    assert segno.make(card, error="l", encoding="utf-8", micro=False).version <= 10
    short = vobject.readOne(vcard.contact_card(Registration(
        name="Anna Maria Weber", given_name="Anna Maria", family_name="Weber", email="a@example.org",
        organisation="VHS", role="Leitung")))
    assert short.title.value == "Leitung" and short.n.value.given == "Anna Maria" and short.org.value == ["VHS"]


@pytest.mark.parametrize("asked", ["a5", "A3 ", "<b>"])
def test_paper_format(asked):
    if asked == "A3 ":
        assert poster.paper_of(asked) == "a3"
    else:
        with pytest.raises(poster.PosterError, match="A3 oder A4"):
            poster.paper_of(asked)
    assert poster.paper_of(None) == "a3" and poster.paper_of("A4") == "a4"
