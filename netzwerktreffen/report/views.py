"""The organiser's "Bericht" tab: the report on the page, and the same as PDF or as .docx to edit."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from netzwerktreffen.report import document, word
from netzwerktreffen.report.figures import meeting_report
from netzwerktreffen.web.auth import organiser_meeting, organisers_only

bp = organisers_only(Blueprint("report", __name__, url_prefix="/organisation/treffen/<slug>/bericht"))

MIMETYPES = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    report = meeting_report(meeting)
    return render_template("report/index.html", meeting=meeting, tab="report", report=report,
                           charts=document.chart_sources(report))


@bp.route("/<any(pdf, docx):fmt>")
def download(slug: str, fmt: str):
    meeting = organiser_meeting(slug)
    report = meeting_report(meeting)
    data = document.report_pdf(report) if fmt == "pdf" else word.report_docx(report)
    return Response(data, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{document.file_name(report, fmt)}"'})
