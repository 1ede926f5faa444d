"""Print-outs for the day: PDFs (DIN A4) built with WeasyPrint from the templates in templates/print/.

Every document is first rendered as HTML from the published plan (in the app
context), then turned into a PDF. ``write_all`` renders the HTML of every
document and makes the PDFs in parallel processes, so that a 300-person
meeting is printed in seconds.

Documents (``DOCUMENTS``): room plans per round, table cards, personal schedule
slips with a QR code of the personal link, name badges, the check-in list and
the café's harvest sheets, the list of participants who agreed to be on it, and the day's programme on
one page. Room plans and slips can be limited to the rounds and people a re-planning changed (``rounds``, ``people``); table cards can be tent cards to fold (``folded``).
A spot beyond the room's tables (more groups than tables) is an extra spot: printed beside the room plan
as "Zusatzplatz 1 (nicht im Raumplan)", never drawn into an empty cell of the room.
From the web, a document of more than 20 sheets is made in the background (``print_jobs``).
"""
from __future__ import annotations

import logging
import math
import os
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.defaults import guiding_questions
from netzwerktreffen.core.names import by_family_name, listed
from netzwerktreffen.core.programme import agenda
from netzwerktreffen.mail.message import external_url
from netzwerktreffen.core.models import CONFIRMED, Block, Meeting, PlanVersion, Registration
from netzwerktreffen.planning.scheduler_io import spot_numbers
from netzwerktreffen.web.pdf import html_to_pdf

log = logging.getLogger(__name__)

# kind -> (file name, title); the order is the order of the download list
DOCUMENTS = OrderedDict([
    ("raumplaene", ("raumplaene.pdf", _l("Raumpläne je Runde"))),
    ("tischkarten", ("tischkarten.pdf", _l("Tischkarten"))),
    ("laufzettel", ("laufzettel.pdf", _l("Persönliche Laufzettel mit QR-Code"))),
    ("namensschilder", ("namensschilder.pdf", _l("Namensschilder (DIN A6, vier je Blatt)"))),
    ("checkin", ("checkin-liste.pdf", _l("Check-in-Liste"))),
    ("ernte", ("ernteboegen.pdf", _l("Ernte-Bögen für das Pro-Action-Café"))),
    ("teilnehmende", ("teilnehmendenliste.pdf", _l("Teilnehmendenliste zum Auslegen (wer zugestimmt hat)"))),
    ("programm", ("programm.pdf", _l("Programm des Tages (eine Seite)"))),
])
NEEDS_PLAN = {"raumplaene", "tischkarten", "laufzettel"}
SPARE_LINES = 15  # empty lines on the check-in list for walk-ins


class PrintError(Exception):
    """A document cannot be made; the message is for the organiser."""


# --------------------------------------------------------------------------
# What is printed: spots with their place in the room


@dataclass
class Spot:
    """One place in one round: a numbered speed-networking spot or a café table."""

    number: str  # what is printed large
    x: int | None  # grid cell; None for an extra spot (not in the room plan)
    y: int | None
    people: list[Registration] = field(default_factory=list)
    question: str = ""  # café
    host: str = ""  # café
    host_id: int | None = None
    extra: int = 0  # 1, 2, …: the room has no table for this spot (more groups than tables); 0: it has one

    @property
    def has_table(self) -> bool:
        return not self.extra


@dataclass
class Layout:
    """A room drawn as a grid of cells; every spot of a round with a table in its own cell, the extra spots
    (more groups than the room has tables) beside the grid: they are never drawn into a cell of the room."""

    room_name: str
    columns: int
    rows: int
    spots: list[Spot]
    paused: list[Registration] = field(default_factory=list)  # speed networking: who sits the round out

    @property
    def placed(self) -> list[Spot]:
        return [spot for spot in self.spots if spot.has_table]

    @property
    def extras(self) -> list[Spot]:
        return [spot for spot in self.spots if not spot.has_table]


def _free_cells(columns: int, taken: set[tuple[int, int]]):
    """Free grid cells row by row, without end (the grid grows downwards)."""
    y = 0
    while True:
        for x in range(columns):
            if (x, y) not in taken:
                yield x, y
        y += 1


def _place(wanted: list[tuple[int, int] | None], columns: int, in_room: list[bool]) -> list[tuple[int, int] | None]:
    """A cell for every spot at a table of the room: its table's position if free, else the next free cell;
    None for a spot without a table in the room (``in_room`` False)."""
    taken: set[tuple[int, int]] = set()
    cells: list[tuple[int, int] | None] = []
    for cell in wanted:
        if cell is not None and cell not in taken and 0 <= cell[0] < columns:
            taken.add(cell)
            cells.append(cell)
        else:
            cells.append(None)
    free = _free_cells(columns, taken)
    result = []
    for cell, placed in zip(cells, in_room):
        if cell is None and placed:
            cell = next(free)
            taken.add(cell)
        result.append(cell)
    return result


class PrintPlan:
    """The published plan read for printing: spots per block and round, seats per person."""

    def __init__(self, meeting: Meeting, version: PlanVersion | None):
        self.meeting = meeting
        self.version = version
        self.schedule = scheduling.Schedule(meeting, version.plan) if version else None
        self.people = {r.id: r for r in meeting.registrations}
        self._layouts: dict[int, tuple[str, int, int, list[tuple[int, int]], list[str]]] = {}

    def _frame(self, block: Block, count: int):
        """(room name, columns, rows, cells, numbers) for a block with ``count`` spots (cached)."""
        cached = self._layouts.get(block.id)
        if cached and len(cached[3]) >= count:
            return cached
        if block.is_cafe:
            tables = [ct.table for ct in block.cafe_tables]
            room = next((t.room for t in tables if t is not None), None) or block.room
            wanted = [(t.grid_x, t.grid_y) if t is not None else None for t in tables]
            numbers = [t.label if t is not None else str(k + 1) for k, t in enumerate(tables)]
            wanted += [None] * (count - len(wanted))
            numbers += [str(k + 1) for k in range(len(numbers), count)]
        else:
            room = block.room
            tables = list(room.tables) if room else []
            wanted = [(t.grid_x, t.grid_y) for t in tables[:count]] + [None] * max(0, count - len(tables))
            numbers = spot_numbers(block, count)
        # without a room every spot gets a cell of a plain grid; in a room only the spots at its tables
        in_room = [room is None or cell is not None for cell in wanted]
        columns = room.grid_columns if room and room.grid_columns else 6
        if count > columns * (room.grid_rows if room else 4) * 2:  # far too small a grid: widen it
            columns = max(columns, math.ceil(math.sqrt(count * 1.4)))
        cells = _place(wanted, columns, in_room)
        rows = max([room.grid_rows if room else 1] + [cell[1] + 1 for cell in cells if cell is not None])
        frame = (room.name if room else "", columns, rows, cells, numbers)
        self._layouts[block.id] = frame
        return frame

    def layout(self, block: Block, round_: int) -> Layout:
        seats = self.schedule.spots(block, round_) if self.schedule else []
        count = len(block.cafe_tables) if block.is_cafe else len(seats)
        count = max(count, len(seats))
        room_name, columns, rows, cells, numbers = self._frame(block, count)
        spots = []
        for k, seat in enumerate(seats):
            x, y = cells[k] if cells[k] is not None else (None, None)
            spot = Spot(numbers[k], x, y, [self.people[rid] for rid in seat.people if rid in self.people])
            if seat.cafe_table is not None:
                spot.question = seat.cafe_table.display_question
                spot.host = seat.cafe_table.host_label
                spot.host_id = seat.cafe_table.host_id
                if seat.cafe_table.table is not None:
                    spot.number = seat.cafe_table.table.label
            if cells[k] is None:
                spot.extra = sum(1 for other in spots if other.extra) + 1
            spots.append(spot)
        paused = [self.people[rid] for rid in self.schedule.paused(block, round_) if rid in self.people] \
            if self.schedule else []
        return Layout(room_name, columns, rows, spots, sort_people(paused))

    def seat_number(self, seat: scheduling.Seat) -> str:
        """The printed spot or table number of a person's seat."""
        if seat.cafe_table is not None:
            return seat.cafe_table.number
        k = int(seat.spot) - 1
        count = len(self.schedule.spots(seat.block, seat.round))
        return self._frame(seat.block, count)[4][k]

    def rows_of(self, registration: Registration) -> list[dict]:
        """A person's schedule, one row per block and round they are seated in."""
        if self.schedule is None:
            return []
        rows = []
        for seat in self.schedule.seats_of(registration):
            times = seat.block.round_times()
            start, end = times[seat.round] if seat.round < len(times) else (None, None)
            if seat.paused:
                rows.append({"block": seat.block, "round": seat.round, "start": start, "end": end, "number": "",
                             "room": "", "cafe_table": None, "others": [], "is_host": False, "paused": True})
                continue
            others = [self.people[rid] for rid in seat.people if rid != registration.id and rid in self.people]
            rows.append({"block": seat.block, "round": seat.round, "start": start, "end": end,
                         "number": self.seat_number(seat), "room": seat.room, "cafe_table": seat.cafe_table,
                         "others": others,
                         "is_host": seat.cafe_table is not None and seat.cafe_table.host_id == registration.id,
                         "paused": False})
        return rows

    def seated(self) -> list[Registration]:
        """Everyone with at least one seat in the plan, alphabetically."""
        if self.schedule is None:
            return []
        return sort_people([self.people[rid] for rid in self.schedule.by_person if rid in self.people])


def sort_people(people) -> list[Registration]:
    return sorted(people, key=lambda r: (r.name.casefold(), r.organisation.casefold(), r.id))


def qr_data_uri(url: str) -> str:
    """The QR code of a link as a PNG data URI (a fixed mask: choosing the best one costs 8x the time,
    and PNG is laid out faster than SVG by WeasyPrint; 3 px per module, about 170 dpi at 22 mm, scans well)."""
    import segno
    return segno.make(url, error="m", micro=False, mask=0).png_data_uri(scale=3, border=2)


# --------------------------------------------------------------------------
# HTML of each document


def _common(meeting: Meeting, title: str) -> dict:
    return {"meeting": meeting, "doc_title": title}


def room_plans_html(plan: PrintPlan, rounds: set[tuple[str, int]] | None = None) -> str:
    pages = []
    for block in plan.meeting.blocks:
        times = block.round_times()
        for r in range(block.rounds):
            if rounds is not None and (scheduling.block_key(block), r) not in rounds:
                continue
            pages.append({"block": block, "round": r, "time": times[r], "layout": plan.layout(block, r)})
    return render_template("print/room_plans.html", pages=pages, **_common(plan.meeting, _("Raumpläne")))


def table_cards_html(plan: PrintPlan, folded: bool = False) -> str:
    """One card per spot or café table: flat (A4 landscape, with who sits there in each round) or
    ``folded``: a tent card of an A4 sheet folded along the middle, readable from both sides."""
    cards = []
    for block in plan.meeting.blocks:
        times = block.round_times()
        layouts = [plan.layout(block, r) for r in range(block.rounds)]
        count = max((len(layout.spots) for layout in layouts), default=0)
        for k in range(count):
            first = next(layout.spots[k] for layout in layouts if len(layout.spots) > k)
            rounds = [{"round": r, "time": times[r],
                       "people": layouts[r].spots[k].people if len(layouts[r].spots) > k else []}
                      for r in range(block.rounds)]
            cards.append({"block": block, "spot": first, "rounds": rounds})
    return render_template("print/tent_cards.html" if folded else "print/table_cards.html", cards=cards,
                           **_common(plan.meeting, _("Tischkarten")))


def slips_html(plan: PrintPlan, people: set[int] | None = None) -> str:
    slips = []
    for person in plan.seated():
        if people is not None and person.id not in people:
            continue
        link = external_url("public.slip_plan", token=person.slip_token)  # read-only: a lost slip cancels nobody
        slips.append({"person": person, "rows": plan.rows_of(person), "link": link, "qr": qr_data_uri(link)})
    most = max((len(s["rows"]) for s in slips), default=0)
    per_sheet = 6 if most <= 9 else 4
    return render_template("print/slips.html", slips=slips, per_sheet=per_sheet, rows=per_sheet // 2,
                           sheets=[slips[i:i + per_sheet] for i in range(0, len(slips), per_sheet)],
                           **_common(plan.meeting, _("Laufzettel")))


def badges_html(plan: PrintPlan, people: set[int] | None = None) -> str:
    meeting = plan.meeting
    persons = plan.seated() if plan.schedule else sort_people(
        r for r in meeting.registrations if r.status == CONFIRMED)
    if plan.schedule:  # confirmed people without a seat get a badge too
        seated = {p.id for p in persons}
        persons = sort_people(persons + [r for r in meeting.registrations
                                         if r.status == CONFIRMED and r.id not in seated])
    badges = [{"person": p, "rows": plan.rows_of(p)} for p in persons if people is None or p.id in people]
    return render_template("print/badges.html", badges=badges,
                           sheets=[badges[i:i + 4] for i in range(0, len(badges), 4)],
                           **_common(meeting, _("Namensschilder")))


def checkin_list_html(plan: PrintPlan) -> str:
    meeting = plan.meeting
    persons = by_family_name(r for r in meeting.registrations if r.status == CONFIRMED)
    return render_template("print/checkin_list.html", persons=persons, spare=range(SPARE_LINES), listed=listed,
                           **_common(meeting, _("Check-in-Liste")))


def harvest_html(plan: PrintPlan) -> str:
    sheets = []
    for block in plan.meeting.blocks:
        if not block.is_cafe:
            continue
        questions = [q for q in (block.guiding_questions or []) if q] or guiding_questions(3)
        layout = plan.layout(block, 0) if plan.schedule else None
        for k, cafe_table in enumerate(block.cafe_tables):
            number = cafe_table.number
            if layout and k < len(layout.spots):
                number = layout.spots[k].number
            sheets.append({"block": block, "table": cafe_table, "number": number,
                           "questions": list(dict.fromkeys(questions))})
    return render_template("print/harvest.html", sheets=sheets, **_common(plan.meeting, _("Ernte-Bögen")))


def participants_html(plan: PrintPlan) -> str:
    from netzwerktreffen.afterwards.contacts import listed_people
    return render_template("print/participants.html", groups=listed_people(plan.meeting),
                           **_common(plan.meeting, _("Wer dabei ist")))


def programme_html(meeting: Meeting) -> str:
    """The day's programme on one page: blocks and programme points in time order (``core.programme``)."""
    return render_template("print/programme.html", items=agenda(meeting), **_common(meeting, _("Programm")))


def document_html(meeting: Meeting, kind: str, *, version: PlanVersion | None = None,
                  people: set[int] | None = None, rounds: set[tuple[str, int]] | None = None,
                  plan: PrintPlan | None = None, folded: bool = False) -> str:
    """The HTML of one document; PrintError when it needs a published plan and there is none.
    ``folded``: table cards as tent cards to fold."""
    if kind not in DOCUMENTS:
        raise PrintError(_("Dieses Dokument gibt es nicht."))
    if plan is None:
        version = version or scheduling.published(meeting)
        plan = PrintPlan(meeting, version)
    if kind in NEEDS_PLAN and plan.version is None:
        raise PrintError(_("Es gibt noch keinen veröffentlichten Rundenplan."))
    if kind == "ernte" and not any(b.is_cafe and b.cafe_tables for b in meeting.blocks):
        raise PrintError(_("Das Treffen hat kein Pro-Action-Café mit Tischen."))
    if kind == "raumplaene":
        return room_plans_html(plan, rounds)
    if kind == "tischkarten":
        return table_cards_html(plan, folded)
    if kind == "laufzettel":
        return slips_html(plan, people)
    if kind == "namensschilder":
        return badges_html(plan, people)
    if kind == "checkin":
        return checkin_list_html(plan)
    if kind == "teilnehmende":
        return participants_html(plan)
    if kind == "programm":
        if not meeting.blocks and not meeting.programme_points:
            raise PrintError(_("Das Treffen hat noch keinen Ablauf: Legen Sie zuerst Blöcke oder Programmpunkte an."))
        return programme_html(meeting)
    return harvest_html(plan)


# --------------------------------------------------------------------------
# PDF


def render_pdf(meeting: Meeting, kind: str, **options) -> bytes:
    return html_to_pdf(document_html(meeting, kind, **options))


def download_name(meeting: Meeting, kind: str, reprint: bool = False, folded: bool = False) -> str:
    """The file name of a downloaded document: "<slug>-laufzettel.pdf", "…-nachdruck.pdf" for a reprint,
    "…-tischkarten-zum-falten.pdf"."""
    filename = DOCUMENTS[kind][0]
    if folded and kind == "tischkarten":
        filename = filename.replace(".pdf", "-zum-falten.pdf")
    if reprint:
        filename = filename.replace(".pdf", "-nachdruck.pdf")
    return f"{meeting.slug}-{filename}"


def available(meeting: Meeting) -> list[tuple[str, str, str]]:
    """(kind, file name, title) of the documents this meeting can print now."""
    has_plan = scheduling.published(meeting) is not None
    has_cafe = any(b.is_cafe and b.cafe_tables for b in meeting.blocks)
    has_agenda = bool(meeting.blocks or meeting.programme_points)
    return [(kind, filename, str(title)) for kind, (filename, title) in DOCUMENTS.items()
            if (has_plan or kind not in NEEDS_PLAN) and (has_cafe or kind != "ernte")
            and (has_agenda or kind != "programm")]


CHUNKED = {"laufzettel", "namensschilder", "tischkarten"}  # no page numbers: can be made in pieces
CHUNK_PAGES = 20


def split_pages(html: str, pages_per_chunk: int = CHUNK_PAGES) -> list[str]:
    """The document as several smaller ones, cut between its ``<section class="page …">`` sheets."""
    marker = '<section class="page'
    head, *sections = html.split(marker)
    if len(sections) <= pages_per_chunk:
        return [html]
    tail_at = sections[-1].rfind("</body>")
    tail = sections[-1][tail_at:]
    sections[-1] = sections[-1][:tail_at]
    return [head + "".join(marker + part for part in sections[i:i + pages_per_chunk]) + tail
            for i in range(0, len(sections), pages_per_chunk)]


def _pdf_of(html: str) -> bytes:
    return html_to_pdf(html)


def merge_pdfs(pdfs: list[bytes]) -> bytes:
    """One PDF of several, in their order."""
    if len(pdfs) == 1:
        return pdfs[0]
    import io

    from pypdf import PdfWriter
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_all(meeting: Meeting, out_dir: str | Path, *, processes: int | None = None) -> list[Path]:
    """Write every document the meeting can print into ``out_dir``; returns the files written.

    The HTML is rendered here (it needs the app); the PDFs are made in worker processes, the long
    documents in pieces of 20 sheets, merged afterwards, so that every processor is busy.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    plan = PrintPlan(meeting, scheduling.published(meeting))
    workers = processes if processes is not None else (os.cpu_count() or 1)
    documents = available(meeting)
    pieces: dict[str, list] = {}
    if workers <= 1:
        for kind, filename, _title in documents:
            pieces[filename] = [html_to_pdf(document_html(meeting, kind, plan=plan))]
    else:
        import multiprocessing
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            # the slowest documents first, so that the last piece to start is a short one
            order = sorted(documents, key=lambda d: ["laufzettel", "raumplaene", "namensschilder",
                                                     "tischkarten", "checkin", "teilnehmende", "ernte",
                                                     "programm"].index(d[0]))
            for kind, filename, _title in order:
                html = document_html(meeting, kind, plan=plan)
                chunks = split_pages(html) if kind in CHUNKED else [html]
                pieces[filename] = [pool.submit(_pdf_of, chunk) for chunk in chunks]
            pieces = {name: [future.result() for future in futures] for name, futures in pieces.items()}
    paths = []
    for filename, pdfs in pieces.items():
        path = folder / filename
        path.write_bytes(merge_pdfs(pdfs))
        paths.append(path)
    log.info("print: %d PDFs in %.1f s", len(paths), time.monotonic() - started)
    return sorted(paths)
