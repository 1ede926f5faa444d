"""The café harvest's pages: the organiser's (every table's results, editing one, PDF and CSV) and the
host's own page for their table, through their personal link."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from netzwerktreffen.afterwards import harvest
from netzwerktreffen.afterwards.forms import HarvestForm
from netzwerktreffen.core.models import CafeTable
from netzwerktreffen.web.auth import organiser_meeting, organisers_only, participant_or_404
from netzwerktreffen.web.common import owned_or_404

bp = organisers_only(Blueprint("harvest", __name__, url_prefix="/organisation/treffen/<slug>/ernte"))
# the café host's own page, reached through their personal link (no login)
hosts = Blueprint("host_harvest", __name__)


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    tables = harvest.results(meeting)
    return render_template("harvest/index.html", meeting=meeting, tab="harvest", tables=tables,
                           filled=sum(1 for t in tables if harvest.has_harvest(t.table)))


@bp.route("/<int:cafe_table_id>", methods=["GET", "POST"])
def edit(slug: str, cafe_table_id: int):
    meeting = organiser_meeting(slug)
    table = owned_or_404(CafeTable, cafe_table_id, meeting)
    form = HarvestForm.for_table(table)
    if form.validate_on_submit():
        harvest.save(table, form, author="")
        flash(_("Die Ernte von Tisch „%(question)s“ ist gespeichert.", question=table.question), "success")
        return redirect(url_for(".index", slug=slug) + f"#tisch-{table.id}")
    code = 400 if form.is_submitted() else 200
    return render_template("harvest/edit.html", meeting=meeting, tab="harvest", table=table, form=form), code


@bp.route("/ergebnisse.pdf")
def results_pdf(slug: str):
    meeting = organiser_meeting(slug)
    return Response(harvest.results_pdf(meeting), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{meeting.slug}-ergebnisse.pdf"'})


@bp.route("/ergebnisse.csv")
def results_csv(slug: str):
    """UTF-8 with BOM and ';' for Excel."""
    meeting = organiser_meeting(slug)
    return Response(harvest.results_csv(meeting), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{meeting.slug}-ergebnisse.csv"'})


@hosts.route("/r/<token>/ernte/<int:cafe_table_id>", methods=["GET", "POST"])
def host_edit(token: str, cafe_table_id: int):
    """The host writes down their table's results (during the café or afterwards)."""
    registration = participant_or_404(token)
    table = next((t for t in harvest.hosted_tables(registration) if t.id == cafe_table_id), None)
    if table is None:
        abort(404)
    form = HarvestForm.for_table(table)
    if form.validate_on_submit():
        harvest.save(table, form, author=registration.name)
        flash(_("Die Ergebnisse Ihres Tisches sind gespeichert. Danke!"), "success")
        return redirect(url_for("public.personal", token=token) + "#ernte")
    return render_template("public/harvest.html", registration=registration, meeting=registration.meeting,
                           table=table, form=form), 400 if form.is_submitted() else 200
