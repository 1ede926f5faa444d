"""Pro-Action-Café harvest: each table's results, written down and shared afterwards.

Hosts write their table's notes through their personal link (one field per
round, under that round's guiding question, then the next steps); organisers
see every table on one page, can type in what was written on paper, and
download the results as PDF or CSV. After the meeting every participant reads
the results on their personal page.

The results are the meeting's outcome and stay when the personal data is
deleted; only the name of whoever saved them last goes (``retention``).
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import FieldList, TextAreaField
from wtforms.validators import Length

from netzwerktreffen.web.auth import organiser_meeting
from netzwerktreffen.web.common import owned_or_404
from netzwerktreffen.core.text import guard_formula
from netzwerktreffen.core.defaults import guiding_questions
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Block, CafeTable, Meeting, utcnow
from netzwerktreffen.core.text import clean
from netzwerktreffen.web.fields import Form

log = logging.getLogger(__name__)

bp = Blueprint("harvest", __name__, url_prefix="/organisation/treffen/<slug>/ernte")

MAX_TEXT = 5000


class HarvestForm(Form):
    """Notes per round (under the round's guiding question) and the next steps."""

    notes = FieldList(TextAreaField(filters=[clean], validators=[Length(max=MAX_TEXT)]), min_entries=0)
    next_steps = TextAreaField(_l("Ergebnis: nächste Schritte, wer macht was bis wann, welche Hilfe fehlt noch?"),
                               validators=[Length(max=MAX_TEXT)])

    @classmethod
    def for_table(cls, cafe_table: CafeTable, **kwargs) -> "HarvestForm":
        """The form for one table, with one notes field per round, labelled with its guiding question."""
        questions = round_questions(cafe_table.block)
        notes = list(cafe_table.harvest_notes or [])
        notes += [""] * (len(questions) - len(notes))
        form = cls(data={"notes": notes[:len(questions)], "next_steps": cafe_table.harvest_next_steps},
                   prefix=f"t{cafe_table.id}", **kwargs)
        while len(form.notes) < len(questions):  # a submitted form lacking fields gets them back, empty
            form.notes.append_entry("")
        while len(form.notes) > len(questions):  # and one with more than the café has rounds loses them
            form.notes.pop_entry()
        for entry, question in zip(form.notes, questions):
            entry.label.text = question
        return form


def round_questions(block: Block) -> list[str]:
    """One question per round: the block's guiding questions, else the classic three."""
    own = [q for q in (block.guiding_questions or []) if q]
    default = guiding_questions(block.rounds)
    return [_("Runde %(n)s: %(q)s", n=k + 1, q=own[k] if k < len(own) else default[k % len(default)])
            for k in range(block.rounds)]


def has_harvest(cafe_table: CafeTable) -> bool:
    return any(n for n in (cafe_table.harvest_notes or [])) or bool(cafe_table.harvest_next_steps)


def save(cafe_table: CafeTable, form: HarvestForm, author: str) -> None:
    """Store the form's notes; ``author`` is who saved (a host's or organiser's name)."""
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


# --------------------------------------------------------------------------
# Organiser pages


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is for logged-in organisers only."""


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    tables = results(meeting)
    return render_template("harvest/index.html", meeting=meeting, tab="harvest", tables=tables,
                           filled=sum(1 for t in tables if has_harvest(t.table)))


@bp.route("/<int:cafe_table_id>", methods=["GET", "POST"])
def edit(slug: str, cafe_table_id: int):
    meeting = organiser_meeting(slug)
    table = owned_or_404(CafeTable, cafe_table_id, meeting)
    form = HarvestForm.for_table(table)
    if form.validate_on_submit():
        save(table, form, author="")
        flash(_("Die Ernte von Tisch „%(question)s“ ist gespeichert.", question=table.question), "success")
        return redirect(url_for(".index", slug=slug) + f"#tisch-{table.id}")
    code = 400 if form.is_submitted() else 200
    return render_template("harvest/edit.html", meeting=meeting, tab="harvest", table=table, form=form), code


@bp.route("/ergebnisse.pdf")
def results_pdf(slug: str):
    from netzwerktreffen.web.pdf import html_to_pdf
    meeting = organiser_meeting(slug)
    html = render_template("print/results.html", meeting=meeting, tables=results(meeting),
                           doc_title=_("Ergebnisse des Pro-Action-Cafés"))
    return Response(html_to_pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{meeting.slug}-ergebnisse.pdf"'})


@bp.route("/ergebnisse.csv")
def results_csv(slug: str):
    """One row per table and round, then one for the next steps; UTF-8 with BOM and ';' for Excel."""
    meeting = organiser_meeting(slug)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Block"), _("Tisch"), _("Frage des Tisches"), _("Gastgeber:in"), _("Runde"), _("Notizen")])
    for result in results(meeting):
        head = [result.block.title, result.number, result.table.question, result.table.host_label]
        for question, notes in result.rounds:
            writer.writerow([guard_formula(v) for v in head + [question, notes]])
        writer.writerow([guard_formula(v) for v in head + [_("Nächste Schritte"), result.next_steps]])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{meeting.slug}-ergebnisse.csv"'})
