"""CSV import and export (netzwerktreffen.registration.csv_io): pure functions, no database needed.

The meeting and registrations here are plain, unsaved model objects.
"""
from __future__ import annotations

import codecs
import csv
import io
import random
import unicodedata
from datetime import date, datetime, time, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netzwerktreffen.core.names import names_of
from netzwerktreffen.registration.csv_io import export_csv, parse_csv, to_registrations
from netzwerktreffen.core.defaults import add_default_catalogue
from netzwerktreffen.core.models import CAFE, CANCELLED, CONFIRMED, SPEED, WAITLISTED, Block, Meeting, Registration

HEADER = "Name;E-Mail;Organisation;Bereich"


def make_meeting() -> Meeting:
    meeting = Meeting(slug="t", title="Netzwerktreffen", date=date(2026, 11, 22), start_time=time(9, 30),
                      end_time=time(13, 0), capacity=50, languages=["de", "en"])
    add_default_catalogue(meeting)
    meeting.blocks = [
        Block(kind=SPEED, title="Speed Networking", position=0, start_time=time(10), rounds=6, minutes_per_round=6),
        Block(kind=CAFE, title="Pro-Action-Café, Teil 2", position=1, start_time=time(11, 30), rounds=3,
              minutes_per_round=25),
    ]
    return meeting


@pytest.fixture(scope="module")
def meeting():
    return make_meeting()


def make_person(meeting, **fields) -> Registration:
    sectors = {s.key: s for s in meeting.sectors}
    values = dict(name="Aylin Öztürk", email="aylin@jobcenter.example", organisation="Jobcenter Esslingen",
                  sector=sectors["jobcenter"], role="", offers=[], needs=[], languages=["de"],
                  blocks=list(meeting.blocks), wishes="", not_with="", accessibility="", status=CONFIRMED,
                  consent_listing=False, consent_contact=False,
                  created_at=datetime(2026, 7, 1, 12, 30, tzinfo=timezone.utc))
    values.update(fields)
    return Registration(**values)


def rows_of(text: str, encoding="utf-8"):
    parsed = parse_csv(text.encode(encoding))
    assert parsed.errors == []
    return parsed.rows


def check(meeting, text: str, taken=(), encoding="utf-8"):
    """Parse and check a file: (imported rows, all errors)."""
    parsed = parse_csv(text.encode(encoding))
    if parsed.errors:
        return [], parsed.errors
    return to_registrations(parsed.rows, meeting, taken)


# ---------------------------------------------------------------- encodings and separators

def test_cp1252_semicolon_file_with_umlauts(meeting):
    text = (f"{HEADER};Wünsche\n"
            "Jürgen Müller;j.mueller@ihk.example;IHK Region Stuttgart;IHK/HWK;Größere Betriebe\n"
            "Ömer Çelik;oemer@vhs.example;Kreis-VHS Nürtingen;Sprachschule/VHS;\n")
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    imported, errors = to_registrations(parse_csv(data).rows, meeting)
    assert errors == []
    assert [(r.data.name, r.data.organisation, r.data.sector.key, r.data.wishes) for r in imported] == [
        ("Jürgen Müller", "IHK Region Stuttgart", "kammer", "Größere Betriebe"),
        ("Ömer Çelik", "Kreis-VHS Nürtingen", "sprachschule", ""),
    ]


def test_utf8_bom_comma_file_with_english_headers(meeting):
    data = codecs.BOM_UTF8 + ("EMAIL,name,Sector,organisation,Languages,offers,Role\n"
                              'olena@vhs.example,Olena Kovalenko,sprachschule,"VHS Esslingen, Fachbereich Deutsch",'
                              '"uk, de",integrationskurs,Kursleitung\n').encode("utf-8")
    parsed = parse_csv(data)
    imported, errors = to_registrations(parsed.rows, meeting)
    assert errors == []
    [row] = imported
    assert row.data.organisation == "VHS Esslingen, Fachbereich Deutsch"
    assert row.data.languages == ["uk", "de"]
    assert [t.key for t in row.data.offers] == ["integrationskurs"]
    assert row.data.role == "Kursleitung"


def test_utf16_tab_file_from_excel_unicode_text(meeting):
    data = "Name\tE-Mail\tOrganisation\tBereich\nZeynep Kaya\tz@example.org\tMigrantenverein\tMigrantenorganisation\n"
    [row] = parse_csv(data.encode("utf-16")).rows
    assert row.cells["organisation"] == "Migrantenverein"


def test_excel_separator_line_is_understood_and_counted():
    parsed = parse_csv(b"sep=,\nName,E-Mail,Organisation,Bereich\nA,a@example.org,O,kommune\n")
    [row] = parsed.rows
    assert row.cells["name"] == "A"
    assert (row.line, row.text_line) == (2, 3)  # Excel hides the sep= line; an editor shows it


@pytest.mark.parametrize("header", [
    "name;email;organisation;sector",
    "NAME;E-MAIL;ORGANISATION;BEREICH",
    " Name ; E_Mail ; Organization ; Sector ",
    "Bereich;Organisation;E-Mail-Adresse;Vor- und Nachname",
])
def test_header_names_are_matched_loosely(header):
    values = {"name": "A B", "email": "a@example.org", "organisation": "Org", "sector": "kommune"}
    order = ["name", "email", "organisation", "sector"]
    if header.startswith("Bereich"):
        order.reverse()
    [row] = rows_of(header + "\n" + ";".join(values[k] for k in order) + "\n")
    assert row.cells == values


def test_unknown_columns_are_reported_but_not_an_error():
    parsed = parse_csv(f"Nr.;{HEADER};Bemerkung\n1;A;a@example.org;O;kommune;ruft zurück\n".encode())
    assert parsed.errors == []
    assert parsed.ignored_columns == ["Nr.", "Bemerkung"]
    assert set(parsed.rows[0].cells) == {"name", "email", "organisation", "sector"}


# ---------------------------------------------------------------- whole-file problems

@pytest.mark.parametrize("header, missing", [
    ("Name;E-Mail;Organisation", "„Bereich“"),
    ("Name;Organisation;Bereich", "„E-Mail“"),
    ("Vorname;E-Mail;Organisation;Bereich", "„Nachname“"),
])
def test_missing_required_column_is_named(header, missing):
    parsed = parse_csv(f"{header}\nx;y;z\n".encode())
    [message] = parsed.errors
    assert f"Die Spalte {missing} fehlt" in message
    assert parsed.rows == []


def test_a_file_with_an_unknown_separator_says_so():
    errors = parse_csv(b"Name|E-Mail|Organisation|Bereich\nA|a@b.de|O|kommune\n").errors
    assert any("nur eine Spalte" in e for e in errors)


def test_duplicate_columns_are_refused():
    errors = parse_csv(b"Name;E-Mail;Email;Organisation;Bereich\n").errors
    assert errors == ["Die Spalten „E-Mail“ und „Email“ meinen dasselbe; bitte eine löschen."]


@pytest.mark.parametrize("data, message", [
    (b"", "Die Datei ist leer."),
    (b"  \r\n\r\n", "Die Datei ist leer."),
    (codecs.BOM_UTF8, "Die Datei ist leer."),
    (b"\n\nName;E-Mail\n", "erste Zeile enthält keine Spaltennamen"),
    (HEADER.encode() + b"\r\n", "nur die Kopfzeile"),
    (HEADER.encode() + b"\r\n;;;\r\n", "nur die Kopfzeile"),
    (b"\x00\x01\x02binary\x00", "Binärdaten"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 10, "Binärdaten"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "Excel-Arbeitsmappe"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel-Arbeitsmappe"),
    (b"Name;E-Mail\n\x81\x8d\x8f\x90\x9d", "keine lesbare Textdatei"),
])
def test_files_that_are_not_importable(data, message):
    parsed = parse_csv(data)
    assert len(parsed.errors) == 1 and message in parsed.errors[0], parsed.errors
    assert parsed.rows == []


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_are_refused_in_plain_words(meeting, seed):
    parsed = parse_csv(random.Random(seed).randbytes(2000))
    assert parsed.rows == []
    assert parsed.errors == ["Die Datei ist keine CSV-Datei (sie enthält Binärdaten)."]


@pytest.mark.parametrize("seed", range(20))
def test_random_text_never_crashes_and_every_error_names_its_row(meeting, seed):
    """Text that looks like a CSV (separators, quotes, line breaks, umlauts, Excel's encoding) but is
    scrambled: the file is refused with a reason, or each row is imported or refused with its line."""
    rng = random.Random(seed)
    alphabet = "abcxyzÄÖÜäöüß@.-; ,\"\t\n\r'=+1234567890"
    body = "".join(rng.choice(alphabet) for _ in range(rng.randint(50, 1500)))
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252"])
    parsed = parse_csv((HEADER + "\n" + body).encode(encoding, errors="replace"))
    if parsed.errors:  # a file-level reason, or rows of the wrong width named by their line
        assert all(error.startswith("Zeile ") or "Datei" in error for error in parsed.errors), parsed.errors
        return
    imported, errors = to_registrations(parsed.rows, meeting)
    assert all(error.startswith("Zeile ") for error in errors), errors
    lines = {row.line for row in parsed.rows}
    assert all(row.line in lines for row in imported)
    assert len(imported) <= len(parsed.rows)


def test_rows_with_the_wrong_number_of_columns(meeting):
    text = (f"{HEADER};Funktion\n"
            "A;a@example.org;O;kommune;Leitung\n"
            "B;b@example.org;O;kommune\n"  # one cell short
            "C;c@example.org;O;kommune;Leitung;zu viel\n"  # one too many
            "D;d@example.org;O;kommune;Leitung;;\n")  # empty extra cells: Excel does that, fine
    parsed = parse_csv(text.encode())
    assert parsed.errors == [
        "Zeile 3: 4 Spalten statt 5 – fehlt ein Trennzeichen oder ein schließendes Anführungszeichen?",
        "Zeile 4: 6 Spalten statt 5 – fehlt ein Trennzeichen oder ein schließendes Anführungszeichen?",
    ]


# ---------------------------------------------------------------- row checks and line numbers

def test_every_bad_row_is_listed_with_its_line_number(meeting):
    text = (f"{HEADER};Wünsche\n"                                   # text line 1, row 1
            'Gut Eins;gut@example.org;JC;jobcenter;"Erste Zeile\n'  # text lines 2-4, row 2
            "zweite Zeile\n"
            'dritte Zeile"\n'
            "Max Falsch;max@;JC;jobcenter;\n"                       # text line 5, row 3
            ";ohne-name@example.org;JC;jobcenter;\n"               # text line 6, row 4
            "\n"                                                    # text line 7, row 5 (blank)
            "Bäcker;b@example.org;Bäckerei Maier;Bäckerei;\n"      # text line 8, row 6
            "Doppelt;GUT@example.org;JC;jobcenter;\n"              # text line 9, row 7
            "Schon Da;schon@example.org;JC;Jobcenter;\n"           # text line 10, row 8
            "Gut Zwei;gut2@example.org;JC;jobcenter;\n")            # text line 11, row 9
    imported, errors = check(meeting, text, taken=["Schon@Example.org"])
    assert errors == [
        "Zeile 3 (Textzeile 5): E-Mail „max@“ ist ungültig",
        "Zeile 4 (Textzeile 6): Nachname fehlt",
        "Zeile 6 (Textzeile 8): Bereich „Bäckerei“ unbekannt",
        "Zeile 7 (Textzeile 9): E-Mail „GUT@example.org“ steht schon in Zeile 2",
        "Zeile 8 (Textzeile 10): E-Mail „schon@example.org“ ist bereits angemeldet",
    ]
    assert len(imported) == 2  # the caller imports nothing when there are errors


def test_line_numbers_without_multiline_cells_are_plain(meeting):
    _imported, errors = check(meeting, f"{HEADER}\nA;a@example.org;O;kommune\nB;kaputt;O;kommune\n")
    assert errors == ["Zeile 3: E-Mail „kaputt“ ist ungültig"]


@pytest.mark.parametrize("cells, message", [
    ("A;;O;kommune", "Zeile 2: E-Mail fehlt"),
    ("A;a b@example.org;O;kommune", "Zeile 2: E-Mail „a b@example.org“ ist ungültig"),
    ("A;a@example;O;kommune", "Zeile 2: E-Mail „a@example“ ist ungültig"),
    ("A;a@example.org;;kommune", "Zeile 2: Organisation fehlt"),
    ("A;a@example.org;O;", "Zeile 2: Bereich fehlt"),
    ("A;a@example.org;O;kommune;Wohnen, Tanzen", "Zeile 2: Angebot „Tanzen“ unbekannt"),
    ("A;a@example.org;O;kommune;;xx", "Zeile 2: Sprache „xx“ unbekannt"),
    ("A;a@example.org;O;kommune;;;Mittagessen", "Zeile 2: Block „Mittagessen“ unbekannt"),
    ("A;a@example.org;O;kommune;;;;vielleicht", "Zeile 2: Teilnehmendenliste „vielleicht“: bitte ja oder nein"),
    ("A;a@example.org;O;kommune;;;;;offen", "Zeile 2: Status „offen“ unbekannt"),
    ("A;a@example.org;O;kommune;;;;;;" + "x" * 201, "Zeile 2: Funktion ist länger als 200 Zeichen"),
])
def test_row_problems_are_named(meeting, cells, message):
    header = f"{HEADER};Angebote;Sprachen;Blöcke;Teilnehmendenliste;Status;Funktion"
    cells += ";" * (header.count(";") - cells.count(";"))
    _imported, errors = check(meeting, f"{header}\n{cells}\n")
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_one_row_may_have_several_problems(meeting):
    _imported, errors = check(meeting, f"{HEADER}\n;kaputt;;Bäckerei\n")
    assert errors == ["Zeile 2: Nachname fehlt", "Zeile 2: Organisation fehlt",
                      "Zeile 2: E-Mail „kaputt“ ist ungültig", "Zeile 2: Bereich „Bäckerei“ unbekannt"]


# ---------------------------------------------------------------- values

def test_catalogue_entries_by_key_or_name_ignoring_case(meeting):
    text = ("Name;E-Mail;Organisation;Bereich;Angebote;Bedarfe;Blöcke;Sprachen\n"
            "A;a@example.org;O;AGENTUR FÜR ARBEIT;anerkennung, Integrationskurse;"
            '"Wohnungssuche\nKINDERBETREUUNG";pro-action-café, teil 2;Ukrainisch, EN, de\n')
    [row], errors = check(meeting, text)
    assert errors == []
    assert row.data.sector.key == "agentur"
    assert [t.key for t in row.data.offers] == ["anerkennung", "integrationskurs"]
    assert [t.key for t in row.data.needs] == ["wohnen", "kinderbetreuung"]
    assert [b.title for b in row.data.blocks] == ["Pro-Action-Café, Teil 2"]  # a title with a comma
    assert row.data.languages == ["uk", "en", "de"]


def test_defaults_for_empty_optional_cells(meeting):
    [row], errors = check(meeting, f"{HEADER};Sprachen;Blöcke;Status\nA;A@Example.org;O;kommune;;;\n")
    assert errors == []
    assert row.data.languages == ["de"]
    assert row.data.blocks == list(meeting.blocks)
    assert row.status is None  # by capacity
    assert row.data.consent_listing is False and row.data.consent_contact is False
    [row], _errors = check(meeting, f"{HEADER};Blöcke\nA;a@example.org;O;kommune;keine\n")
    assert row.data.blocks == []


@pytest.mark.parametrize("value, expected", [
    ("ja", True), ("Ja", True), ("JA", True), ("yes", True), ("x", True), ("X", True), ("1", True),
    ("WAHR", True), ("nein", False), ("no", False), ("0", False), ("", False), ("FALSCH", False),
])
def test_consent_values(meeting, value, expected):
    [row], errors = check(meeting, f"{HEADER};Teilnehmendenliste;Kontaktweitergabe\n"
                                   f"A;a@example.org;O;kommune;{value};{value}\n")
    assert errors == []
    assert row.data.consent_listing is expected and row.data.consent_contact is expected


@pytest.mark.parametrize("value, expected", [
    ("angemeldet", CONFIRMED), ("Warteliste", WAITLISTED), ("storniert", CANCELLED),
    ("confirmed", CONFIRMED), ("waitlisted", WAITLISTED), ("Cancelled", CANCELLED),
    ("Warteliste, Platz 3", WAITLISTED), ("", None),
])
def test_status_values(meeting, value, expected):
    [row], errors = check(meeting, f'{HEADER};Status\nA;a@example.org;O;kommune;"{value}"\n')
    assert errors == [] and row.status == expected


def test_cells_are_trimmed_and_unicode_normalised(meeting):
    decomposed = "Mu\u0308ller"  # ü as u + combining diaeresis (macOS)
    [row], _errors = check(meeting, f"{HEADER}\n  {decomposed}  ; a@example.org ;  O ;kommune\n")
    assert row.data.name == "Müller" and row.data.email == "a@example.org"


# ---------------------------------------------------------------- export

def test_export_is_what_excel_opens(meeting):
    topics = {t.key: t for t in meeting.topics}
    people = [
        make_person(meeting, offers=[topics["sgb2-beratung"], topics["arbeitsvermittlung"]],
                    languages=["de", "tr"], wishes="IHK\nHWK; Handwerk", consent_listing=True),
        make_person(meeting, name="Bernd", email="b@example.org", status=WAITLISTED, blocks=[]),
    ]
    data = export_csv(people)
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ("Vorname;Nachname;E-Mail;Organisation;Bereich;Funktion;Angebote;Bedarfe;Stationen;Sprachen;Blöcke;"
                                    "Wünsche;Unbedingt treffen;Nicht mit;Barrierefreiheit;Status;Teilnehmendenliste;"
                                    "Kontaktweitergabe;Angemeldet am")
    header, first, second = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    record = dict(zip(header, first))
    assert (record["Vorname"], record["Nachname"]) == ("Aylin", "Öztürk")
    assert (dict(zip(header, second))["Vorname"], dict(zip(header, second))["Nachname"]) == ("", "Bernd")
    assert record["Bereich"] == "jobcenter"
    assert record["Angebote"] == "sgb2-beratung, arbeitsvermittlung"
    assert record["Sprachen"] == "de, tr"
    assert record["Blöcke"] == "Speed Networking, Pro-Action-Café, Teil 2"
    assert record["Wünsche"] == "IHK\nHWK; Handwerk"  # quoted, one cell
    assert record["Teilnehmendenliste"] == "ja" and record["Kontaktweitergabe"] == "nein"
    assert record["Status"] == "angemeldet"
    assert record["Angemeldet am"] == "01.07.2026 14:30"  # Europe/Berlin, summer time
    assert dict(zip(header, second))["Status"] == "Warteliste"
    assert dict(zip(header, second))["Blöcke"] == "keine"


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+49 711 1234", "-1+1", "@SUM(A1)",
                                       "\tTab", "=1+1\n"])
def test_export_guards_against_formula_injection(meeting, dangerous):
    data = export_csv([make_person(meeting, given_name="Anna", family_name=dangerous, organisation=dangerous,
                                   accessibility=dangerous)])
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    record = dict(zip(header, row))
    for column in ("Nachname", "Organisation", "Barrierefreiheit"):
        assert record[column] == "'" + dangerous
    # … and the import takes the apostrophe off again
    [imported], errors = to_registrations(parse_csv(data).rows, meeting)
    assert errors == []
    assert imported.data.organisation.strip() == dangerous.strip()


def test_harmless_cells_are_not_changed(meeting):
    data = export_csv([make_person(meeting, name="Anna-Lena Weiß", organisation="'Apostroph' e.V.")])
    text = data.decode("utf-8-sig")
    assert "Anna-Lena;Weiß;" in text and ";'Apostroph' e.V.;" in text


def test_export_then_parse_gives_back_the_same_data(meeting):
    topics = {t.key: t for t in meeting.topics}
    sectors = {s.key: s for s in meeting.sectors}
    people = [
        make_person(meeting, offers=[topics["anerkennung"]], needs=[topics["wohnen"], topics["ehrenamt"]],
                    languages=["ar", "de"], wishes="IHK\nHWK", not_with="Kollege Meier",
                    accessibility="Rollstuhl", role="Beraterin", consent_contact=True),
        make_person(meeting, name="=2+3", email="x@example.org", sector=sectors["kammer"], blocks=[],
                    status=CANCELLED, organisation='Verein "Brücke"; Esslingen'),
    ]
    imported, errors = to_registrations(parse_csv(export_csv(people)).rows, meeting)
    assert errors == []
    for person, row in zip(people, imported):
        data = row.data
        assert (data.name, data.email, data.organisation, data.sector, data.role, data.offers, data.needs,
                data.languages, data.blocks, data.wishes, data.not_with, data.accessibility,
                data.consent_listing, data.consent_contact, row.status) == (
            person.name, person.email, person.organisation, person.sector, person.role, person.offers,
            person.needs, person.languages, person.blocks, person.wishes, person.not_with,
            person.accessibility, person.consent_listing, person.consent_contact, person.status)


text_cells = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85")
                     | st.sampled_from(["\n", "\r", "\t", ";", ",", '"', "'", "=", "+", "-", "@"]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(name=text_cells, organisation=text_cells, wishes=text_cells)
def test_any_text_survives_export_and_parse(name, organisation, wishes):
    meeting = make_meeting()
    person = make_person(meeting, name=name, organisation=organisation, wishes=wishes)
    [row] = parse_csv(export_csv([person])).rows
    given, family = names_of(person)
    for key, value in (("given_name", given), ("family_name", family), ("organisation", organisation),
                       ("wishes", wishes)):
        assert row.cells[key] == unicodedata.normalize("NFC", value.strip())


def test_export_of_nobody_is_a_template():
    data = export_csv([])
    parsed = parse_csv(data)
    assert parsed.errors == ["Die Datei enthält nur die Kopfzeile, aber keine Anmeldungen."]


def test_big_file_is_fast(meeting):
    lines = [HEADER + ";Sprachen;Angebote"] + [
        f"Person {n};p{n}@example.org;Org {n};jobcenter;de, en;anerkennung" for n in range(2000)]
    parsed = parse_csv("\n".join(lines).encode())
    imported, errors = to_registrations(parsed.rows, meeting)
    assert errors == [] and len(imported) == 2000


def test_old_mac_line_endings_and_broken_utf16():
    [row] = parse_csv(f"{HEADER}\rA;a@example.org;O;kommune\r".encode("cp1252")).rows
    assert (row.line, row.cells["sector"]) == (2, "kommune")
    assert parse_csv(b"\xff\xfeN\x00a\x00\x00\xd8").errors == ["Die Datei ist keine lesbare Textdatei."]


def test_a_duplicate_is_found_even_when_the_first_row_has_other_errors(meeting):
    _imported, errors = check(meeting, f"{HEADER}\nA;a@example.org;O;Bäckerei\nB;A@example.org;O;kommune\n")
    assert errors == ["Zeile 2: Bereich „Bäckerei“ unbekannt",
                      "Zeile 3: E-Mail „A@example.org“ steht schon in Zeile 2"]


def test_too_many_rows_are_refused():
    lines = [HEADER] + [f"P{n};p{n}@example.org;O;kommune" for n in range(2001)]
    assert parse_csv("\n".join(lines).encode()).errors == [
        "Die Datei enthält 2001 Anmeldungen; bitte höchstens 2000 auf einmal."]


# ---------------------------------------------------------------- given and family name

def test_excel_file_with_vorname_and_nachname_columns(meeting):
    """German Excel ("CSV (Trennzeichen-getrennt)"): Windows-1252, semicolons; Vorname may be empty."""
    text = ("Nachname;Vorname;E-Mail-Adresse;Organisation;Bereich\r\n"
            "Özdemir;Ayşe;a@example.org;Jobcenter;jobcenter\r\n"
            "von  Berg ; Anna ;b@example.org;Jobcenter;jobcenter\r\n"
            "Madonna;;m@example.org;Jobcenter;jobcenter\r\n")
    imported, errors = check(meeting, text.replace("ş", "s"), encoding="cp1252")
    assert errors == []
    assert [(row.data.given_name, row.data.family_name, row.data.name) for row in imported] == [
        ("Ayse", "Özdemir", "Ayse Özdemir"), ("Anna", "von Berg", "Anna von Berg"), ("", "Madonna", "Madonna")]


def test_english_first_and_last_name_columns_with_bom_and_commas(meeting):
    text = "\ufeffFirst name,Last name,Email,Organization,Sector\nOlena,Kovalenko,o@example.org,VHS,kommune\n"
    [row], errors = check(meeting, text)
    assert errors == [] and (row.data.given_name, row.data.family_name) == ("Olena", "Kovalenko")


@pytest.mark.parametrize("header", ["Given name;Family name", "Vornamen;Familienname", "Rufname;Zuname"])
def test_other_names_of_the_name_columns(meeting, header):
    [row], errors = check(meeting, f"{header};E-Mail;Organisation;Bereich\nAnna;Weber;a@example.org;O;kommune\n")
    assert errors == [] and (row.data.given_name, row.data.family_name) == ("Anna", "Weber")


def test_one_name_column_is_split(meeting):
    text = ("Name;E-Mail;Organisation;Bereich\n"
            "Anna von Berg;a@example.org;O;kommune\n"
            '"Weber, Anna";b@example.org;O;kommune\n'
            "  Hans   Müller-Lüdenscheidt ;c@example.org;O;kommune\n"
            "Madonna;d@example.org;O;kommune\n")
    imported, errors = check(meeting, text)
    assert errors == []
    assert [(row.data.given_name, row.data.family_name, row.data.name) for row in imported] == [
        ("Anna", "von Berg", "Anna von Berg"), ("Anna", "Weber", "Anna Weber"),
        ("Hans", "Müller-Lüdenscheidt", "Hans Müller-Lüdenscheidt"), ("", "Madonna", "Madonna")]


def test_given_name_without_family_name_is_refused(meeting):
    _imported, errors = check(meeting, "Vorname;Nachname;E-Mail;Organisation;Bereich\nAnna;;a@example.org;O;kommune\n")
    assert errors == ["Zeile 2: Nachname fehlt"]


def test_export_then_import_keeps_given_and_family_name(meeting):
    people = [make_person(meeting, name="Anna von Berg", given_name="Anna", family_name="von Berg"),
              make_person(meeting, name="Madonna", given_name="", family_name="Madonna", email="m@example.org")]
    imported, errors = to_registrations(parse_csv(export_csv(people)).rows, meeting)
    assert errors == []
    assert [(row.data.given_name, row.data.family_name) for row in imported] == [("Anna", "von Berg"),
                                                                                  ("", "Madonna")]
