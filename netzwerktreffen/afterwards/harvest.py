"""Pro-Action-Café harvest: each table's results, written down and shared afterwards.

Hosts write their table's notes through their personal link (one field per
round, under that round's guiding question, then the next steps); organisers
see every table on one page, can type in what was written on paper, and
download the results as PDF or CSV. After the meeting every participant reads
the results on their personal page.

The results are the meeting's outcome and stay when the personal data is
deleted; only the name of whoever saved them last goes (``retention``).
The form is in ``afterwards.forms``, the organiser's pages in ``afterwards.views``.
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from netzwerktreffen.core.defaults import guiding_questions
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, Block, CafeTable, Meeting, Registration, utcnow
from netzwerktreffen.core.text import guard_formula
from netzwerktreffen.web.pdf import html_to_pdf

log = logging.getLogger(__name__)

MAX_TEXT = 5000


def round_questions(block: Block) -> list[str]:
    """One question per round: the block's guiding questions, else the classic three."""
    own = [q for q in block.display_guiding_questions if q]
    default = guiding_questions(block.rounds, english=getattr(get_locale(), "language", "de") == "en")
    return [_("Runde %(n)s: %(q)s", n=k + 1, q=own[k] if k < len(own) else default[k % len(default)])
            for k in range(block.rounds)]


def has_harvest(cafe_table: CafeTable) -> bool:
    return any(n for n in (cafe_table.harvest_notes or [])) or bool(cafe_table.harvest_next_steps)


def save(cafe_table: CafeTable, form, author: str) -> None:
    """Store the notes of a validated ``HarvestForm`` (``afterwards.forms``) and commit; ``author`` is who
    saved (a host's name, or "" for an organiser)."""
    rounds = len(round_questions(cafe_table.block))
    cafe_table.harvest_notes = [entry.data or "" for entry in form.notes][:rounds]
    cafe_table.harvest_next_steps = form.next_steps.data or ""
    cafe_table.harvest_author = author[:200]
    cafe_table.harvest_updated_at = utcnow()
    db.session.commit()
    log.info("harvest of café table %s saved by %s", cafe_table.id, "host" if author else "organiser")


@dataclass
class TableResult:
    block: Block
    table: CafeTable
    number: str
    rounds: list[tuple[str, str]]  # (question, notes)
    next_steps: str


def results(meeting: Meeting, only_filled: bool = False) -> list[TableResult]:
    """Every café table of the meeting with its results, in block and table order."""
    out = []
    for block in meeting.blocks:
        if not block.is_cafe:
            continue
        questions = round_questions(block)
        for table in block.cafe_tables:
            if only_filled and not has_harvest(table):
                continue
            notes = list(table.harvest_notes or []) + [""] * len(questions)
            out.append(TableResult(block, table, table.number, list(zip(questions, notes)), table.harvest_next_steps))
    return out


def results_pdf(meeting: Meeting) -> bytes:
    """All tables' results as one PDF."""
    html = render_template("print/results.html", meeting=meeting, tables=results(meeting),
                           doc_title=_("Ergebnisse des Pro-Action-Cafés"))
    return html_to_pdf(html)


def results_csv(meeting: Meeting) -> str:
    """One row per table and round, then one for the next steps; with a BOM and ';' for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Block"), _("Tisch"), _("Frage des Tisches"), _("Gastgeber:in"), _("Runde"), _("Notizen")])
    for result in results(meeting):
        head = [result.block.title, result.number, result.table.question, result.table.host_label]
        for question, notes in result.rounds:
            writer.writerow([guard_formula(v) for v in head + [question, notes]])
        writer.writerow([guard_formula(v) for v in head + [_("Nächste Schritte"), result.next_steps]])
    return "\ufeff" + out.getvalue()



def hosted_tables(registration: Registration) -> list:
    """The café tables the person hosts (none once cancelled)."""
    if registration.status == CANCELLED:
        return []
    return [t for b in registration.meeting.blocks if b.is_cafe for t in b.cafe_tables
            if t.host_id == registration.id]
