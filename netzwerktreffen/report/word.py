"""The report as an editable Word document (.docx, opens in LibreOffice and Word), made with python-docx:
the same sections and figures as the PDF (``report/_body.html``), the charts as PNG pictures, so that
organisers can copy parts into their concept or a funder's report and edit the text."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor
from flask_babel import gettext as _
from flask_babel import ngettext

from netzwerktreffen.core.i18n import format_date, format_number, format_percent, format_time
from netzwerktreffen.registration import charts as survey_charts
from netzwerktreffen.report import charts
from netzwerktreffen.report.figures import MeetingReport

ACCENT = RGBColor(0x0B, 0x5C, 0xAD)
WIDTH = Cm(16)


class _Writer:
    def __init__(self) -> None:
        self.doc = Document()
        style = self.doc.styles["Normal"]
        style.font.name = "Liberation Sans"
        style.font.size = Pt(10.5)
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)  # DIN A4
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)

    def heading(self, text: str, level: int) -> None:
        paragraph = self.doc.add_heading(text, level=level)
        for run in paragraph.runs:
            run.font.color.rgb = ACCENT if level <= 2 else RGBColor(0x1D, 0x24, 0x30)

    def text(self, text: str, small: bool = False) -> None:
        paragraph = self.doc.add_paragraph(text)
        if small:
            for run in paragraph.runs:
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x55, 0x5E, 0x6B)

    def bullets(self, lines: list[str]) -> None:
        for line in lines:
            self.doc.add_paragraph(line, style="List Bullet")

    def table(self, head: list[str] | None, rows: list[list[str]], numeric: set[int] = frozenset(),
              widths: tuple[float, ...] = ()) -> None:
        """A table; ``widths`` in cm per column (else Word divides the page evenly)."""
        width = len(head or rows[0])
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Light List Accent 1" if head else "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = not widths
        for k, values in enumerate(([head] if head else []) + rows):
            cells = table.add_row().cells
            for column, value in enumerate(values):
                cells[column].text = str(value)
                if column in numeric:
                    for paragraph in cells[column].paragraphs:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if head and k == 0:
                    for paragraph in cells[column].paragraphs:
                        for run in paragraph.runs:
                            run.font.bold = True
                if widths:
                    cells[column].width = Cm(widths[column])
        for column, cm in enumerate(widths):
            table.columns[column].width = Cm(cm)  # the grid, which LibreOffice reads
        self.doc.add_paragraph()

    def picture(self, png: bytes, width=WIDTH) -> None:
        if png:
            self.doc.add_picture(io.BytesIO(png), width=width)

    def page_break(self) -> None:
        self.doc.add_page_break()

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _times(text: str, n: int) -> str:
    return f"{text} ({n}×)" if n > 1 else text


def _overview(w: _Writer, report: MeetingReport) -> None:
    a, c = report.attendance, report.contacts
    w.heading(_("Auf einen Blick"), 2)
    rows = [[_("Angemeldet"), a.registered], [_("Gekommen"), a.came],
            [_("Organisationen"), len(a.organisations)],
            [_("Bereiche"), sum(1 for row in a.by_sector if row.came)]]
    if c.planned:
        rows.append([_("Neue Kontakte (Paare)"), c.new_pairs])
    if report.cafe:
        rows.append([_("Café-Tische mit Ergebnissen"), f"{report.cafe_filled} / {len(report.cafe)}"])
    rows += [[_("Themenvorschläge"), sum(g.count for g in report.suggestions)],
             [_("Rückmeldungen"), report.feedback.responses]]
    w.table(None, rows, numeric={1}, widths=(8, 3))


def _who_came(w: _Writer, report: MeetingReport) -> None:
    a = report.attendance
    w.heading(_("Wer kam"), 2)
    w.text(_("%(came)s von %(registered)s angemeldeten Personen sind gekommen", came=a.came,
             registered=a.registered) + ".")
    w.heading(_("Nach Bereichen, entlang der Prozesskette"), 3)
    w.table([_("Bereich"), _("angemeldet"), _("gekommen")],
            [[row.label, row.registered, row.came] for row in a.by_sector], numeric={1, 2}, widths=(9, 3.3, 3.3))
    w.picture(charts.attendance_chart(a, fmt="png"))
    if report.chains:
        w.heading(_("Wer an welcher Station der Prozessketten wirkt"), 3)
        for chain in report.chains:
            w.heading(chain.name, 4)
            w.table([_("Station"), _("Organisationen"), _("Wer")],
                    [[f"{s.number}. {s.name}", len(s.actors),
                      _("Lücke: niemand wirkt hier") if s.is_gap else ", ".join(x.organisation for x in s.actors)]
                     for s in chain.stations], numeric={1}, widths=(4.2, 3.3, 9.1))
    if a.organisations:
        w.heading(_("Organisationen"), 3)
        w.text(" · ".join(f"{name} ({n})" if n > 1 else name for name, n in a.organisations))


def _programme(w: _Writer, report: MeetingReport) -> None:
    if not report.programme:
        return
    w.heading(_("Programm"), 2)
    w.table(None, [[f"{format_time(item.start_time)} – {format_time(item.end_time)}",
                    item.title + (f"\n{item.who}" if item.who else ""), item.kind_label]
                   for item in report.programme], widths=(3.6, 9.4, 3.6))


def _questions(w: _Writer, report: MeetingReport) -> None:
    if not report.questions:
        return
    w.page_break()
    w.heading(_("Was die Teilnehmenden uns gesagt haben"), 2)
    w.text(_("Antworten auf die Fragen bei der Anmeldung. Freitexte ohne Namen; nach Bereichen nur, wo "
             "mindestens fünf Antworten je Gruppe es erlauben."), small=True)
    axis = _("Anzahl der Nennungen")
    for result in report.questions:
        w.heading(result.question.display_text, 3)
        w.text(ngettext("%(num)s Antwort", "%(num)s Antworten", result.answered), small=True)
        if result.labels and result.answered:
            w.picture(survey_charts.bar_chart(result.labels, result.counts, axis, fmt="png"), Cm(14))
            if result.by_sector:
                w.picture(survey_charts.stacked_chart(
                    result.labels, [(r.label, r.color, r.counts) for r in result.by_sector], axis, fmt="png"), Cm(15))
        if result.texts:
            w.bullets([_times(text, n) for text, n in report.texts(result)])


def _contacts(w: _Writer, report: MeetingReport) -> None:
    c = report.contacts
    w.page_break()
    w.heading(_("Neue Kontakte"), 2)
    if not c.planned:
        w.text(_("Es gibt keinen veröffentlichten Rundenplan: Wer wen getroffen hat, ist nicht bekannt."))
        return
    lines = [_("%(people)s Personen saßen in den Runden und an den Café-Tischen zusammen: %(pairs)s verschiedene "
               "Paare.", people=c.people, pairs=c.pairs)]
    if c.series and c.earlier_meetings:
        lines.append(ngettext(
            "%(new)s davon hatten sich beim früheren Treffen der Reihe noch nicht getroffen, %(known)s kannten sich "
            "von dort.",
            "%(new)s davon hatten sich bei %(num)s früheren Treffen der Reihe noch nicht getroffen, %(known)s "
            "kannten sich von dort.", c.earlier_meetings, new=c.new_pairs, known=c.known_pairs))
    else:
        lines.append(_("Frühere Treffen mit veröffentlichtem Plan gibt es nicht; jedes Paar zählt als neuer Kontakt."))
    if c.per_person is not None:
        lines.append(_("Im Schnitt %(n)s neue Kontakte je Person.", n=format_number(c.per_person, 1)))
    w.text(" ".join(lines))
    if c.labels:
        w.heading(_("Zwischen welchen Bereichen neue Kontakte entstanden"), 3)
        w.picture(charts.matrix_chart(c, fmt="png"), Cm(15))


def _cafe(w: _Writer, report: MeetingReport) -> None:
    if not report.cafe:
        return
    w.page_break()
    w.heading(_("Pro-Action-Café: Fragen und Ergebnisse"), 2)
    for result in report.cafe:
        w.heading(_("Tisch %(t)s", t=result.number) + ": " + result.table.display_question, 3)
        filled = False
        for question, notes in result.rounds:
            if notes:
                filled = True
                w.heading(question, 4)
                w.text(notes)
        if result.next_steps:
            filled = True
            w.heading(_("Nächste Schritte"), 4)
            w.text(result.next_steps)
        if not filled:
            w.text(_("Keine Ergebnisse eingetragen."), small=True)


def _rules(w: _Writer, report: MeetingReport) -> None:
    met, wanted = report.must_meet
    if not report.rules and not wanted:
        return
    w.heading(_("Regeln für Begegnungen"), 2)
    rows = [[rule.text + f"\n{rule.block}" + (f"\n{rule.impossible}" if rule.impossible else ""),
             _("erfüllt für %(held)s von %(n)s Personen", held=rule.held, n=len(rule.people))
             if rule.people else _("niemand betroffen")] for rule in report.rules]
    if wanted:
        rows.append([_("„Unbedingt treffen“: genannte Personen getroffen"), _("%(met)s von %(n)s", met=met, n=wanted)])
    w.table(None, rows, widths=(11.6, 5))


def _ideas(w: _Writer, report: MeetingReport) -> None:
    w.page_break()
    w.heading(_("Ideen für kommende Treffen"), 2)
    if report.suggestions:
        w.table([_("Anzahl"), _("Thema")], [[g.count, g.label] for g in report.suggestions], numeric={0}, widths=(2.2, 14.4))
    else:
        w.text(_("Keine Themenvorschläge."))
    w.heading(_("Rückmeldungen"), 3)
    feedback = report.feedback
    if not feedback.responses:
        w.text(_("Keine Rückmeldungen."))
        return
    w.table([_("Frage"), _("Durchschnitt (1–5)"), _("4 oder 5"), _("Antworten")],
            [[_("Wie nützlich waren die Speed-Networking-Runden?") if r.kind == "speed-networking"
              else _("Wie nützlich war das Pro-Action-Café?"),
              format_number(r.average, 2), format_percent(r.share_useful, 0), r.answers] for r in feedback.ratings],
            numeric={1, 2, 3}, widths=(7.6, 3.4, 2.8, 2.8))
    w.bullets([_times(text, n) for text, n in report.comments])


def _listed(w: _Writer, report: MeetingReport) -> None:
    a = report.attendance
    if not a.listed:
        return
    w.page_break()
    w.heading(_("Teilnehmende, die der Liste zugestimmt haben"), 2)
    w.table(None, [[p.name, p.organisation, p.sector.display_name if p.sector else ""] for p in a.listed],
            widths=(5, 7.1, 4.5))
    if a.came > len(a.listed):
        w.text(ngettext("%(num)s weitere Person wollte nicht auf der Liste stehen.",
                        "%(num)s weitere Personen wollten nicht auf der Liste stehen.", a.came - len(a.listed)),
               small=True)


def report_docx(report: MeetingReport) -> bytes:
    meeting = report.meeting
    w = _Writer()
    w.doc.core_properties.title = f"{_('Bericht')}: {meeting.display_title}"
    w.doc.core_properties.author = meeting.contact_name or ""
    w.heading(_("Bericht"), 0)
    w.heading(meeting.display_title, 1)
    w.text(f"{format_date(meeting.date)} · {format_time(meeting.start_time)} – {format_time(meeting.end_time)}"
           + (f"\n{meeting.place}" if meeting.place else ""))
    if report.purged:
        w.text(_("Die personenbezogenen Daten dieses Treffens sind gelöscht. Der Bericht zeigt, was danach bleibt: "
                 "die Zählungen der Fragen, die Ergebnisse des Cafés, Vorschläge und Rückmeldungen."))
    for part in (_overview, _who_came, _programme, _questions, _contacts, _cafe, _rules, _ideas, _listed):
        part(w, report)
    return w.save()
