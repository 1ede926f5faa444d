"""The organiser's page of a meeting's process chains: chains and their ordered stations, with who acts where."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from netzwerktreffen.chains import service
from netzwerktreffen.chains.forms import ChainForm, StationForm
from netzwerktreffen.core.chains import ChainStation, ProcessChain
from netzwerktreffen.core.models import Meeting
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404

bp = organisers_only(Blueprint("chains", __name__, url_prefix="/organisation/treffen/<slug>/prozessketten"))
TAB = "chains"


def _index(meeting: Meeting, code: int = 200, chain_form: ChainForm | None = None):
    return render_template("chains/index.html", meeting=meeting, tab=TAB,
                           chain_form=chain_form or ChainForm(formdata=None),
                           people=service.people_per_station(meeting)), code


def _back(meeting: Meeting, anchor: str = ""):
    return redirect(url_for(".index", slug=meeting.slug) + anchor)


def _form_page(meeting: Meeting, form, heading: str, code: int):
    return render_template("meetings/item_form.html", meeting=meeting, tab=TAB, form=form, heading=heading,
                           back_url=url_for(".index", slug=meeting.slug), back_label=_("Prozessketten")), code


@bp.route("/")
def index(slug: str):
    return _index(organiser_meeting(slug))


@bp.route("/neu", methods=["POST"])
def add_chain(slug: str):
    meeting = organiser_meeting(slug)
    form = ChainForm()
    if not form.validate_on_submit():
        return _index(meeting, 400, chain_form=form)
    try:
        chain = service.add_chain(meeting, form.chain_data())
    except service.ChainLimit:
        flash(_("Mehr als %(n)s Prozessketten passen auf kein Plakat.", n=service.MAX_CHAINS), "error")
        return _back(meeting)
    flash(_("Die Prozesskette „%(name)s“ ist angelegt. Als Nächstes: ihre Stationen.", name=chain.name), "success")
    return _back(meeting, f"#kette-{chain.id}")


@bp.route("/<int:chain_id>", methods=["GET", "POST"])
def edit_chain(slug: str, chain_id: int):
    meeting = organiser_meeting(slug)
    chain = owned_or_404(ProcessChain, chain_id, meeting)
    form = ChainForm(obj=chain)
    if form.validate_on_submit():
        service.update_chain(chain, form.chain_data())
        flash(_("Die Prozesskette „%(name)s“ ist gespeichert.", name=chain.name), "success")
        return _back(meeting, f"#kette-{chain.id}")
    heading = _("Prozesskette „%(name)s“ umbenennen", name=chain.name)
    return _form_page(meeting, form, heading, 400 if form.is_submitted() else 200)


@bp.route("/<int:chain_id>/loeschen", methods=["POST"])
def delete_chain(slug: str, chain_id: int):
    meeting = organiser_meeting(slug)
    chain = owned_or_404(ProcessChain, chain_id, meeting)
    name = chain.name
    service.delete_chain(chain)
    flash(_("Die Prozesskette „%(name)s“ ist gelöscht.", name=name), "success")
    return _back(meeting)


@bp.route("/<int:chain_id>/stationen/neu", methods=["GET", "POST"])
def add_station(slug: str, chain_id: int):
    meeting = organiser_meeting(slug)
    chain = owned_or_404(ProcessChain, chain_id, meeting)
    form = StationForm()
    if form.validate_on_submit():
        try:
            station = service.add_station(chain, form.station_data())
        except service.ChainLimit:
            flash(_("Mehr als %(n)s Stationen passen in keine Prozesskette.", n=service.MAX_STATIONS), "error")
            return _back(meeting, f"#kette-{chain.id}")
        flash(_("Die Station „%(name)s“ ist angelegt.", name=station.name), "success")
        return _back(meeting, f"#kette-{chain.id}")
    heading = _("Neue Station in „%(name)s“", name=chain.name)
    return _form_page(meeting, form, heading, 400 if form.is_submitted() else 200)


@bp.route("/stationen/<int:station_id>", methods=["GET", "POST"])
def edit_station(slug: str, station_id: int):
    meeting = organiser_meeting(slug)
    station = owned_or_404(ChainStation, station_id, meeting)
    form = StationForm(obj=station)
    if form.validate_on_submit():
        service.update_station(station, form.station_data())
        flash(_("Die Station „%(name)s“ ist gespeichert.", name=station.name), "success")
        return _back(meeting, f"#kette-{station.chain_id}")
    heading = _("Station „%(name)s“ bearbeiten", name=station.name)
    return _form_page(meeting, form, heading, 400 if form.is_submitted() else 200)


@bp.route("/stationen/<int:station_id>/loeschen", methods=["POST"])
def delete_station(slug: str, station_id: int):
    meeting = organiser_meeting(slug)
    station = owned_or_404(ChainStation, station_id, meeting)
    name, chain_id = station.name, station.chain_id
    service.delete_station(station)
    flash(_("Die Station „%(name)s“ ist gelöscht.", name=name), "success")
    return _back(meeting, f"#kette-{chain_id}")


@bp.route("/stationen/<int:station_id>/<any(hoch, runter):direction>", methods=["POST"])
def move_station(slug: str, station_id: int, direction: str):
    meeting = organiser_meeting(slug)
    station = owned_or_404(ChainStation, station_id, meeting)
    if not service.move_station(station, -1 if direction == "hoch" else 1):
        flash(_("Die Station „%(name)s“ steht schon ganz vorn oder ganz hinten.", name=station.name), "error")
    return _back(meeting, f"#kette-{station.chain_id}")
