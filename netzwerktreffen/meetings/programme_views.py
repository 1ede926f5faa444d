"""Organiser pages for programme points (talks, presentations, practice examples, breaks, open exchange):
add, change and delete them on the meeting's agenda ("Ablauf"), where they show with the blocks in time
order (``templates/meetings/blocks.html``). Write operations: ``meetings.programme``.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from netzwerktreffen.core.programme import ProgrammePoint
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.meetings import programme
from netzwerktreffen.meetings.programme_forms import ProgrammePointForm
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404

bp = organisers_only(Blueprint("programme", __name__, url_prefix="/organisation/treffen/<slug>/ablauf/programmpunkte"))


def _form_page(meeting, form, point):
    code = 400 if form.is_submitted() else 200
    return render_template("meetings/programme_form.html", meeting=meeting, tab="blocks", form=form,
                           point=point), code


def _back(meeting, point: ProgrammePoint | None = None) -> str:
    if point is not None and schedule_mail.schedules_went_out(meeting):
        flash(_("Die Abläufe sind schon verschickt. Abonnierte Kalender zeigen den geänderten Programmpunkt von "
                "selbst; eine Mail geht dafür nicht hinaus."), "info")
    return url_for("meetings.blocks", slug=meeting.slug) + "#ablauf"


@bp.route("/neu", methods=["GET", "POST"])
def add(slug: str):
    meeting = organiser_meeting(slug)
    form = ProgrammePointForm(meeting=meeting)
    if form.validate_on_submit():
        point = programme.add_point(meeting, form.point_data())
        flash(_("Der Programmpunkt „%(title)s“ ist angelegt.", title=point.title), "success")
        return redirect(_back(meeting))
    return _form_page(meeting, form, None)


@bp.route("/<int:point_id>", methods=["GET", "POST"])
def edit(slug: str, point_id: int):
    meeting = organiser_meeting(slug)
    point = owned_or_404(ProgrammePoint, point_id, meeting)
    form = ProgrammePointForm(meeting=meeting, point=point)
    if form.validate_on_submit():
        changed = programme.update_point(point, form.point_data())
        flash(_("Der Programmpunkt „%(title)s“ ist gespeichert.", title=point.title), "success")
        return redirect(_back(meeting, point if changed else None))
    return _form_page(meeting, form, point)


@bp.route("/<int:point_id>/loeschen", methods=["POST"])
def delete(slug: str, point_id: int):
    meeting = organiser_meeting(slug)
    point = owned_or_404(ProgrammePoint, point_id, meeting)
    title = point.title
    programme.delete_point(point)
    flash(_("Der Programmpunkt „%(title)s“ ist gelöscht.", title=title), "success")
    return redirect(_back(meeting))
