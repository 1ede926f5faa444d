"""The report as a PDF (WeasyPrint, from the same template as the organiser's page) and its file names."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _

from netzwerktreffen.core.text import slugify
from netzwerktreffen.registration.charts import data_uri
from netzwerktreffen.report import charts
from netzwerktreffen.report.figures import MeetingReport, meeting_report
from netzwerktreffen.web.pdf import html_to_pdf

FORMATS = ("pdf", "docx")


@dataclass
class Charts:
    attendance: str = ""  # image sources (data: URIs), "" where there is nothing to draw
    matrix: str = ""


def chart_sources(report: MeetingReport) -> Charts:
    return Charts(attendance=data_uri(charts.attendance_chart(report.attendance)),
                  matrix=data_uri(charts.matrix_chart(report.contacts)))


def title() -> str:
    return _("Bericht")


def file_name(report: MeetingReport, fmt: str) -> str:
    """bericht-4-netzwerktreffen-migration-2026-11-22.pdf"""
    meeting = report.meeting
    return f"bericht-{slugify(meeting.display_title)}-{meeting.date.isoformat()}.{fmt}"


def render_html(report: MeetingReport) -> str:
    return render_template("report/print.html", meeting=report.meeting, report=report,
                           charts=chart_sources(report), doc_title=title())


def report_pdf(report: MeetingReport | None = None, meeting=None) -> bytes:
    return html_to_pdf(render_html(report or meeting_report(meeting)))
