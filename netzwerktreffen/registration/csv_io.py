"""CSV import and export of registrations, the way Excel reads and writes them.

Pure functions, no database access:

- ``export_csv(registrations, questions)``: registrations -> CSV bytes (UTF-8 with BOM, ``;``,
  German header, "Vorname" and "Nachname" columns, one column per question), safe against formula injection;
- ``parse_csv(data)``: uploaded bytes -> rows keyed by column, or a list of errors
  (encoding, separator and header names are recognised; the name comes as "Vorname" and
  "Nachname" or as one "Name" column, split by ``core.names.split_name``);
- ``to_registrations(rows, meeting, taken_emails)``: rows -> ``ImportRow``\\ s with
  ``RegistrationData`` ready for ``registration.new_registration``, or one error
  per bad row.

Line numbers in messages are the rows Excel shows (header = row 1). A cell with
line breaks makes a text editor count more lines than Excel shows rows; the
message then names both.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Sequence

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from netzwerktreffen.core import names
from netzwerktreffen.core.chains import ChainStation
from netzwerktreffen.core.coverage import MUST_MEET_LIMIT, must_meet_lines, must_meet_text
from netzwerktreffen.core.i18n import to_local
from netzwerktreffen.core.models import (CANCELLED, CONFIRMED, WAITLISTED, Block, Meeting, Question, Registration,
                                        Sector, Topic)
from netzwerktreffen.registration.service import RegistrationData, normalise_email
from netzwerktreffen.core.text import FORMULA_STARTS, guard_formula

__all__ = ["COLUMNS", "REQUIRED", "CsvRow", "ParsedCsv", "ImportRow",
           "export_csv", "parse_csv", "to_registrations"]

# (column key, header in the export, further accepted header names). Headers are
# matched ignoring case, spaces and punctuation, so "E-Mail", "email" and "E_Mail" agree.
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("given_name", "Vorname", ("Vornamen", "Rufname", "First name", "Firstname", "Given name", "Forename")),
    ("family_name", "Nachname", ("Familienname", "Zuname", "Last name", "Lastname", "Family name", "Surname")),
    # import only: the whole name in one column, split as core.names.split_name does ("Berg, Anna" too)
    ("name", "Name", ("Vor- und Nachname", "Name, Vorname", "Nachname, Vorname", "Full name", "Teilnehmer",
                      "Teilnehmerin", "Person")),
    ("email", "E-Mail", ("E-Mail-Adresse", "Email address", "Mail")),
    ("organisation", "Organisation", ("Organization", "Einrichtung", "Institution")),
    ("sector", "Bereich", ("Sector", "Akteursgruppe")),
    ("role", "Funktion", ("Role", "Position")),
    ("offers", "Angebote", ("Angebot", "Was ich anbiete", "Offers")),
    ("needs", "Bedarfe", ("Bedarf", "Was ich suche", "Needs")),
    ("stations", "Stationen", ("Station", "Prozesskette", "Stations")),  # of the process chains; "Kette: Station"
    ("languages", "Sprachen", ("Sprache", "Languages", "Language")),
    ("blocks", "Blöcke", ("Bloecke", "Block", "Blocks")),
    ("wishes", "Wünsche", ("Wuensche", "Wishes")),
    ("must_meet", "Unbedingt treffen", ("Must meet",)),
    ("not_with", "Nicht mit", ("Not with",)),
    ("accessibility", "Barrierefreiheit", ("Accessibility",)),
    ("status", "Status", ()),
    ("consent_listing", "Teilnehmendenliste", ("Teilnehmerliste", "Listing", "Participant list",
                                               "Consent listing")),
    ("consent_contact", "Kontaktweitergabe", ("Contact", "Contact sharing", "Consent contact")),
    ("created_at", "Angemeldet am", ("Registered at", "Created at")),  # export only; ignored on import
]
REQUIRED = ("family_name", "email", "organisation", "sector")  # "name" instead of "family_name" will do
IMPORT_ONLY = ("name",)

STATUS_LABELS = {CONFIRMED: "angemeldet", WAITLISTED: "Warteliste", CANCELLED: "storniert"}
STATUS_WORDS = {
    "angemeldet": CONFIRMED, "bestätigt": CONFIRMED, "confirmed": CONFIRMED, "registered": CONFIRMED,
    "warteliste": WAITLISTED, "waitlist": WAITLISTED, "waitlisted": WAITLISTED, "waiting list": WAITLISTED,
    "storniert": CANCELLED, "abgesagt": CANCELLED, "cancelled": CANCELLED, "canceled": CANCELLED,
}
YES = {"ja", "j", "yes", "y", "1", "x", "true", "wahr"}
NO = {"nein", "n", "no", "0", "", "false", "falsch"}
NO_BLOCKS = {"keine", "keiner", "none", "-", "–"}  # written by the export for "no block"
LIST_SEPARATORS = re.compile(r"[,;\n]")
MAX_TEXT = {"given_name": 100, "family_name": 100, "name": 200, "organisation": 200, "role": 200,
            "wishes": 2000, "must_meet": 600, "not_with": 2000, "accessibility": 2000}

MAX_ROWS = 2000  # per file: more than a meeting has, few enough to import within one request


# ---------------------------------------------------------------- export

def export_csv(registrations: Iterable[Registration], questions: Sequence[Question] = ()) -> bytes:
    """The registrations as a CSV file that Excel opens correctly (UTF-8 with BOM, ``;``); after the
    fixed columns one per question of the meeting ("Frage 1: …"; the import leaves them aside)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([header for key, header, _aliases in COLUMNS if key not in IMPORT_ONLY]
                    + [question_header(n, q) for n, q in enumerate(questions, 1)])
    labels: dict[int, dict[int, str]] = {}  # meeting id -> station labels, worked out once per meeting
    for registration in registrations:
        if registration.stations and registration.meeting_id not in labels:
            labels[registration.meeting_id] = station_labels(registration.meeting)
        answers = {a.question_id: a.value for a in getattr(registration, "answers", [])}
        cells = (_export_row(registration, labels.get(registration.meeting_id, {}))
                 + [answer_cell(answers.get(q.id)) for q in questions])
        writer.writerow([guard_formula(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def question_header(number: int, question: Question) -> str:
    text = " ".join(question.text.split())
    return f"Frage {number}: {text if len(text) <= 60 else text[:59] + '…'}"


def answer_cell(value: object) -> str:
    """An answer as a cell: the text, the option, the options joined by "; ", the scale's number."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _export_row(registration: Registration, stations: dict[int, str]) -> list[str]:
    given, family = names.names_of(registration)
    return [
        given,
        family,
        registration.email,
        registration.organisation,
        registration.sector.key if registration.sector else "",
        registration.role,
        ", ".join(topic.key for topic in registration.offers),
        ", ".join(topic.key for topic in registration.needs),
        "; ".join(stations.get(role.station_id, "") for role in registration.stations),
        ", ".join(registration.languages or []),
        ", ".join(block.title for block in registration.blocks) if registration.blocks else "keine",
        registration.wishes,
        must_meet_text(registration),
        registration.not_with,
        registration.accessibility,
        STATUS_LABELS.get(registration.status, registration.status),
        "ja" if registration.consent_listing else "nein",
        "ja" if registration.consent_contact else "nein",
        _format_timestamp(registration.created_at),
    ]


def station_labels(meeting: Meeting) -> dict[int, str]:
    """Station id -> its name in the CSV file: the station's name where no other chain of the meeting has a
    station of that name, else "Prozesskette: Station"."""
    stations = [s for chain in meeting.chains for s in chain.stations]
    count: dict[str, int] = {}
    for station in stations:
        count[_fold(station.name)] = count.get(_fold(station.name), 0) + 1
    return {s.id: s.name if count[_fold(s.name)] == 1 else f"{s.chain.name}: {s.name}" for s in stations}


def _format_timestamp(value: datetime | None) -> str:
    return to_local(value).strftime("%d.%m.%Y %H:%M") if value else ""


def _unguard_formula(cell: str) -> str:
    """Undo ``guard_formula``, so that export -> import gives back the same text."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS) else cell


# ---------------------------------------------------------------- parsing

@dataclass
class CsvRow:
    line: int  # row number as Excel shows it (header = 1)
    text_line: int  # first line of the row in the file, as a text editor counts
    cells: dict[str, str]  # column key -> cell text, stripped

    @property
    def where(self) -> str:
        """'Zeile 5', or 'Zeile 5 (Textzeile 7)' after cells with line breaks."""
        if self.text_line != self.line:
            return _("Zeile %(line)s (Textzeile %(text_line)s)", line=self.line, text_line=self.text_line)
        return _("Zeile %(line)s", line=self.line)


@dataclass
class ParsedCsv:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # empty when the file can be imported
    ignored_columns: list[str] = field(default_factory=list)  # headers we do not know


def parse_csv(data: bytes) -> ParsedCsv:
    """Read an uploaded CSV file into rows keyed by column; problems come back as ``errors``."""
    try:
        text = _decode(data)
    except ValueError as problem:
        return ParsedCsv(errors=[str(problem)])
    hinted, text = _excel_separator_hint(text)
    offset = 1 if hinted else 0  # Excel hides a "sep=;" line; an editor counts it
    delimiter = hinted or _sniff_delimiter(re.split(r"\r\n|\r|\n", text, maxsplit=1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    parsed = ParsedCsv()
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            return ParsedCsv(errors=[_("Die Datei ist leer oder die erste Zeile enthält keine Spaltennamen.")])
        columns, parsed.ignored_columns, parsed.errors = _map_header(header)
        if parsed.errors:
            return parsed
        excel_row, text_line = 1, reader.line_num + offset
        for record in reader:
            excel_row += 1
            first_text_line, text_line = text_line + 1, reader.line_num + offset
            if not any(cell.strip() for cell in record):
                continue  # blank rows, also ";;;;" from Excel
            row = CsvRow(excel_row, first_text_line, {})
            extra = [cell for cell in record[len(columns):] if cell.strip()]
            if len(record) < len(columns) or extra:
                parsed.errors.append(_(
                    "%(where)s: %(found)s Spalten statt %(expected)s – fehlt ein Trennzeichen "
                    "oder ein schließendes Anführungszeichen?",
                    where=row.where, found=len(record), expected=len(columns)))
                continue
            for key, cell in zip(columns, record):
                if key is not None:
                    row.cells[key] = unicodedata.normalize("NFC", _unguard_formula(cell).strip())
            parsed.rows.append(row)
    except csv.Error as problem:
        return ParsedCsv(errors=[_("Textzeile %(line)s: Die Datei ist keine lesbare CSV-Datei (%(problem)s).",
                                   line=reader.line_num + offset, problem=problem)])
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(_("Die Datei enthält nur die Kopfzeile, aber keine Anmeldungen."))
    if len(parsed.rows) > MAX_ROWS:
        return ParsedCsv(errors=[_("Die Datei enthält %(count)s Anmeldungen; bitte höchstens %(max)s auf einmal.",
                                   count=len(parsed.rows), max=MAX_ROWS)])
    return parsed


def _decode(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (older Excel)."""
    if not data.strip():
        raise ValueError(_("Die Datei ist leer."))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError(_("Das ist eine Excel-Arbeitsmappe, keine CSV-Datei. Bitte speichern Sie sie in "
                           "Excel mit „Speichern unter“ als „CSV UTF-8 (durch Trennzeichen getrennt)“."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError(_("Die Datei ist keine lesbare Textdatei.")) from None
    elif b"\x00" in data:
        raise ValueError(_("Die Datei ist keine CSV-Datei (sie enthält Binärdaten)."))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ValueError(_("Die Datei ist keine lesbare Textdatei (weder UTF-8 noch Windows-1252).")) from None
    text = text.lstrip("\ufeff")
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\r\n")
    if controls > max(2, len(text) // 100):
        raise ValueError(_("Die Datei ist keine CSV-Datei (sie enthält Binärdaten)."))
    if not text.strip():
        raise ValueError(_("Die Datei ist leer."))
    return text


def _excel_separator_hint(text: str) -> tuple[str | None, str]:
    """Excel understands a first line "sep=;": return its separator (or None) and the rest of the text."""
    first, _newline, rest = text.partition("\n")
    match = re.fullmatch(r"sep=([;,\t|])", first.strip("\r"), re.IGNORECASE)
    return (match.group(1), rest) if match else (None, text)


def _sniff_delimiter(header_line: str) -> str:
    """Semicolon (German Excel), comma or tab: whichever the header line uses most."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _header_key(name: str) -> str:
    return "".join(char for char in name.casefold() if char.isalnum())


HEADER_KEYS = {_header_key(name): key for key, header, aliases in COLUMNS
               for name in (key, header, *aliases)}


def _map_header(header: Sequence[str]) -> tuple[list[str | None], list[str], list[str]]:
    """The column key of each header cell (None: not ours), the headers not ours, and errors."""
    columns: list[str | None] = []
    ignored: list[str] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    for cell in header:
        name = cell.strip()
        key = HEADER_KEYS.get(_header_key(name))
        if key is not None and key in seen:
            errors.append(_("Die Spalten „%(first)s“ und „%(second)s“ meinen dasselbe; bitte eine löschen.",
                            first=seen[key], second=name))
            key = None
        elif key is not None:
            seen[key] = name
        elif name:
            ignored.append(name)
        columns.append(key)
    headers = {key: header for key, header, _aliases in COLUMNS}
    missing = [key for key in REQUIRED if key not in seen and not (key == "family_name" and "name" in seen)]
    for key in missing:
        if key == "family_name":
            errors.append(_("Die Spalte „Nachname“ fehlt (oder eine Spalte „Name“ mit Vor- und Nachnamen). "
                            "Pflichtspalten sind: %(required)s.", required=", ".join(headers[k] for k in REQUIRED)))
        else:
            errors.append(_("Die Spalte „%(column)s“ fehlt. Pflichtspalten sind: %(required)s.",
                            column=headers[key], required=", ".join(headers[k] for k in REQUIRED)))
    if missing and len(header) == 1:
        errors.append(_("Es wurde nur eine Spalte erkannt. Bitte trennen Sie die Spalten "
                        "mit Semikolon oder Komma."))
    return columns, ignored, errors


# ---------------------------------------------------------------- rows -> registrations

@dataclass
class ImportRow:
    line: int  # row number as Excel shows it
    data: RegistrationData
    status: str | None  # None: by capacity, as on the public form


def to_registrations(rows: Sequence[CsvRow], meeting: Meeting,
                     taken_emails: Iterable[str] = ()) -> tuple[list[ImportRow], list[str]]:
    """Check every row against the meeting's catalogue; return the rows to import, or all errors.

    ``taken_emails``: addresses already registered (and not cancelled) for this meeting.
    """
    catalogue = _Catalogue(meeting)
    taken = {normalise_email(email) for email in taken_emails}
    first_line: dict[str, int] = {}
    imported, errors = [], []
    for row in rows:
        row_errors: list[str] = []
        data = _row_data(row, catalogue, row_errors)
        email = normalise_email(row.cells.get("email", ""))
        if email and _is_valid_email(email):
            if email in first_line:
                row_errors.append(_("%(where)s: E-Mail „%(email)s“ steht schon in Zeile %(other)s",
                                    where=row.where, email=row.cells["email"], other=first_line[email]))
            elif email in taken:
                row_errors.append(_("%(where)s: E-Mail „%(email)s“ ist bereits angemeldet",
                                    where=row.where, email=row.cells["email"]))
            first_line.setdefault(email, row.line)
        if row_errors:
            errors.extend(row_errors)
        elif data is not None:
            imported.append(ImportRow(row.line, data, _status(row.cells.get("status", ""))))
    return imported, errors


class _Catalogue:
    """The meeting's sectors, topics and blocks, found by key or name, ignoring case."""

    def __init__(self, meeting: Meeting):
        self.sectors = _by_key_and_name(meeting.sectors)
        self.topics = _by_key_and_name(meeting.topics)
        self.blocks: dict[str, Block] = {_fold(block.title): block for block in meeting.blocks}
        self.all_blocks = list(meeting.blocks)
        self.languages = _language_names()
        self.stations: dict[str, list[ChainStation]] = {}  # "station" and "chain: station", folded
        for chain in meeting.chains:
            for station in chain.stations:
                for chain_name in (chain.name, chain.name_en):
                    if chain_name:
                        self.stations.setdefault(_fold(f"{chain_name}: {station.name}"), []).append(station)
                for name in {station.name, station.name_en} - {""}:
                    self.stations.setdefault(_fold(name), []).append(station)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _by_key_and_name(items: Iterable[Sector | Topic]) -> dict:
    found = {}
    for item in items:
        found.setdefault(_fold(item.name), item)
    for item in items:
        found[_fold(item.key)] = item  # a key wins over another item's name
    return found


def _language_names() -> dict[str, str]:
    """Language code by code and by German or English name ("uk", "ukrainisch", "ukrainian")."""
    names: dict[str, str] = {}
    for locale in (Locale("en"), Locale("de")):
        for code, name in locale.languages.items():
            if re.fullmatch(r"[a-z]{2,3}", code):
                names.setdefault(_fold(name), code)
    for code in Locale("en").languages:
        if re.fullmatch(r"[a-z]{2,3}", code):
            names[code] = code
    return names


def _row_data(row: CsvRow, catalogue: _Catalogue, errors: list[str]) -> RegistrationData | None:
    cells = row.cells
    where = row.where

    def get(key: str) -> str:
        return cells.get(key, "")

    given, family = _names(cells)
    if not family:
        errors.append(_("%(where)s: %(column)s fehlt", where=where, column=_("Nachname")))
    if not get("organisation"):
        errors.append(_("%(where)s: %(column)s fehlt", where=where, column=_("Organisation")))
    email = get("email")
    if not email:
        errors.append(_("%(where)s: E-Mail fehlt", where=where))
    elif not _is_valid_email(email):
        errors.append(_("%(where)s: E-Mail „%(email)s“ ist ungültig", where=where, email=email))
    sector = None
    if not get("sector"):
        errors.append(_("%(where)s: Bereich fehlt", where=where))
    else:
        sector = catalogue.sectors.get(_fold(get("sector")))
        if sector is None:
            errors.append(_("%(where)s: Bereich „%(value)s“ unbekannt", where=where, value=get("sector")))
    for key, label in (("given_name", "Vorname"), ("family_name", "Nachname"), ("name", "Name"),
                       ("organisation", "Organisation"), ("role", "Funktion"),
                       ("wishes", "Wünsche"), ("must_meet", "Unbedingt treffen"), ("not_with", "Nicht mit"), ("accessibility", "Barrierefreiheit")):
        if len(get(key)) > MAX_TEXT[key]:
            errors.append(_("%(where)s: %(column)s ist länger als %(max)s Zeichen",
                            where=where, column=label, max=MAX_TEXT[key]))
    offers = _match_list(get("offers"), catalogue.topics, _("Angebot"), where, errors)
    needs = _match_list(get("needs"), catalogue.topics, _("Bedarf"), where, errors)
    if _fold(get("blocks")) in NO_BLOCKS:
        blocks = []
    elif get("blocks"):
        blocks = _match_list(get("blocks"), catalogue.blocks, _("Block"), where, errors)
    else:
        blocks = list(catalogue.all_blocks)
    languages = _languages(get("languages"), catalogue.languages, where, errors)
    stations = _stations(get("stations"), catalogue.stations, where, errors)
    if len(must_meet_lines(get("must_meet"))) > MUST_MEET_LIMIT:
        errors.append(_("%(where)s: Unbedingt treffen nennt mehr als %(n)s Personen",
                        where=where, n=MUST_MEET_LIMIT))
    if get("status") and _status(get("status")) is None:
        errors.append(_("%(where)s: Status „%(value)s“ unbekannt (angemeldet, Warteliste oder storniert)",
                        where=where, value=get("status")))
    consents = {}
    for key, label in (("consent_listing", "Teilnehmendenliste"), ("consent_contact", "Kontaktweitergabe")):
        answer = _fold(get(key))
        if answer not in YES | NO:
            errors.append(_("%(where)s: %(column)s „%(value)s“: bitte ja oder nein",
                            where=where, column=label, value=get(key)))
        consents[key] = answer in YES
    if errors:
        return None
    return RegistrationData(
        name=names.display_name(given, family), given_name=given, family_name=family, email=email,
        organisation=get("organisation"), sector=sector,
        role=get("role"), offers=offers, needs=needs, languages=languages, blocks=blocks,
        wishes=get("wishes"), must_meet=get("must_meet") if "must_meet" in cells else None,
        not_with=get("not_with"), accessibility=get("accessibility"),
        consent_listing=consents["consent_listing"], consent_contact=consents["consent_contact"],
        stations=[(station, "") for station in stations] if "stations" in cells else None)  # no column: kept


def _names(cells: dict[str, str]) -> tuple[str, str]:
    """(given name, family name) of a row: from Vorname and Nachname, else the Name column split."""
    given, family = names.clean(cells.get("given_name")), names.clean(cells.get("family_name"))
    if not (given or family) and cells.get("name"):
        return names.split_name(cells["name"])
    return given, family


def _is_valid_email(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _match_list(cell: str, lookup: dict, label: str, where: str, errors: list[str]) -> list:
    """Items named in a cell, separated by commas; names that themselves contain commas work too."""
    parts = [part.strip() for part in LIST_SEPARATORS.split(cell)]
    found, start = [], 0
    while start < len(parts):
        if not parts[start]:
            start += 1
            continue
        for end in range(len(parts), start, -1):  # the longest run of parts that names an item
            item = lookup.get(_fold(", ".join(parts[start:end])))
            if item is not None:
                if item not in found:
                    found.append(item)
                start = end
                break
        else:
            errors.append(_("%(where)s: %(label)s „%(value)s“ unbekannt", where=where, label=label, value=parts[start]))
            start += 1
    return found


def _languages(cell: str, names: dict[str, str], where: str, errors: list[str]) -> list[str]:
    codes = []
    for part in LIST_SEPARATORS.split(cell):
        if not part.strip():
            continue
        code = names.get(_fold(part))
        if code is None:
            errors.append(_("%(where)s: Sprache „%(value)s“ unbekannt (bitte Sprachcodes wie de, en, uk)",
                            where=where, value=part.strip()))
        elif code not in codes:
            codes.append(code)
    return codes or ["de"]


def _stations(cell: str, lookup: dict[str, list[ChainStation]], where: str, errors: list[str]) -> list[ChainStation]:
    """Stations separated by semicolons or line breaks: "Sprache" where the name is unique, else
    "Prozesskette: Station" (as the export writes them)."""
    found: list[ChainStation] = []
    for part in re.split(r"[;\n]", cell):
        if not part.strip():
            continue
        candidates = list(dict.fromkeys(lookup.get(_fold(re.sub(r"\s*:\s*", ": ", part)), [])))
        if not candidates:
            errors.append(_("%(where)s: Station „%(value)s“ unbekannt", where=where, value=part.strip()))
        elif len(candidates) > 1:
            errors.append(_("%(where)s: Die Station „%(value)s“ gibt es in mehreren Prozessketten; bitte "
                            "„Prozesskette: Station“ schreiben, z. B. „%(example)s“", where=where, value=part.strip(),
                            example=f"{candidates[0].chain.name}: {candidates[0].name}"))
        elif candidates[0] not in found:
            found.append(candidates[0])
    return found


def _status(cell: str) -> str | None:
    folded = _fold(cell)
    if not folded:
        return None
    if folded in STATUS_WORDS:
        return STATUS_WORDS[folded]
    if folded.startswith("warteliste"):  # "Warteliste, Platz 3"
        return WAITLISTED
    return None
