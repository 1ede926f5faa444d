"""Organiser pages: meetings and their set-up (team, rooms, tables, blocks, sectors, topics).

The views load rows (404 for anything outside the organiser's meetings, through ``owned_or_404``),
validate a form, call one write operation of ``meetings.service`` and flash, redirect or render;
what the pages show comes from ``meetings.queries``.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from netzwerktreffen.accounts import service as accounts
from netzwerktreffen.afterwards import retention
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import format_datetime, format_time
from netzwerktreffen.core.models import CONFIRMED, Block, CafeTable, Meeting, MeetingTable, Organiser, Room, Sector, Topic
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.meetings import queries, service
from netzwerktreffen.meetings.forms import (BLOCK_FORMS, SLUG, AffinityForm, CafeTableForm, DeleteMeetingForm,
                                            MeetingForm, OrganiserForm, RoomForm, SectorForm, TableForm, TopicForm,
                                            affinity_cell, default_affinity, format_affinity, parse_affinities,
                                            stored_affinities, suggested_table)
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404

bp = organisers_only(Blueprint("meetings", __name__, url_prefix="/organisation"))


# -- Helpers for the views -----------------------------------------------------------------------------


@bp.errorhandler(IntegrityError)
def conflict(error):
    """Two people saved the same thing at once: the unique check in the form ran before the other commit."""
    db.session.rollback()
    flash(_("Das ließ sich nicht speichern, weil es gerade jemand anderes geändert hat. "
            "Bitte prüfen Sie die Angaben und versuchen Sie es noch einmal."), "error")
    return redirect(url_for("meetings.index")), 303


def section_url(endpoint: str, meeting: Meeting, path: str) -> str:
    """A page of another blueprint for this meeting; its plain path when that endpoint does not exist (yet)."""
    try:
        return url_for(endpoint, slug=meeting.slug)
    except BuildError:
        return f"/organisation/treffen/{meeting.slug}/{path}"


def registrations_url(meeting: Meeting) -> str:
    return section_url("registrations.index", meeting, "anmeldungen/")


def plans_url(meeting: Meeting) -> str:
    return section_url("plans.index", meeting, "plan/")


@bp.app_context_processor
def template_helpers():
    """For templates/meetings/_layout.html, which other organiser blueprints may extend too (with ``tab=...``)."""
    return {"registrations_url": registrations_url, "plans_url": plans_url}


def status(form) -> int:
    """200 for a fresh form; 400 for a submitted one that is shown again with its errors."""
    return 400 if form.is_submitted() else 200


@bp.url_value_preprocessor
def refuse_impossible_slugs(endpoint, values):
    """A slug that cannot exist is a 404 here, never a database error (ids: the app's ``int`` converter)."""
    slug = (values or {}).get("slug")
    if slug is not None and (len(slug) > 80 or not SLUG.fullmatch(slug)):
        abort(404)


def team_member_or_404(meeting: Meeting, organiser_id: int) -> Organiser:
    """An organiser of this meeting (organisers belong to several meetings, so ``owned_or_404`` does not
    fit); anyone else, and any other number, is a 404."""
    for organiser in meeting.organisers:
        if organiser.id == organiser_id:
            return organiser
    abort(404)


def page(template: str, meeting: Meeting, tab: str, code: int = 200, **context):
    return render_template(template, meeting=meeting, tab=tab, **context), code


# -- Dashboard and the meeting itself ------------------------------------------------------------------


@bp.route("/")
def index():
    upcoming, past = queries.dashboard(current_user)
    return render_template("meetings/index.html", upcoming=upcoming, past=past)


@bp.route("/treffen/neu", methods=["GET", "POST"])
def create():
    values, template = queries.suggested_meeting(current_user)
    form = MeetingForm(data=values)
    if form.validate_on_submit():
        meeting = service.create_meeting(current_user, form.meeting_data())
        flash(_("Das Treffen ist angelegt, mit den üblichen Bereichen und Themen. "
                "Als Nächstes: Räume und Ablauf."), "success")
        return redirect(url_for(".overview", slug=meeting.slug))
    return render_template("meetings/meeting_form.html", form=form, meeting=None, template=template), status(form)


@bp.route("/treffen/<slug>")
def overview(slug: str):
    meeting = organiser_meeting(slug)
    return page("meetings/overview.html", meeting, "overview", facts=queries.meeting_facts(meeting))


@bp.route("/treffen/<slug>/daten-loeschen", methods=["POST"])
def purge_view(slug: str):
    """Delete the personal data now, before the retention period ends (only after the meeting)."""
    meeting = organiser_meeting(slug)
    if not retention.may_delete_now(meeting):
        flash(_("Die Anmeldedaten lassen sich erst nach dem Treffen löschen.") if meeting.purged_at is None
              else _("Die Anmeldedaten sind schon gelöscht."), "error")
        return redirect(url_for(".overview", slug=slug))
    purged = service.purge_personal_data(meeting)
    flash(_("Die personenbezogenen Daten von %(n)s Anmeldungen sind gelöscht, mit Rundenplänen und Mails.",
            n=purged), "success")
    return redirect(url_for(".overview", slug=slug))


def _flash_meeting_saved(meeting: Meeting, promoted: list) -> None:
    flash(_("Die Angaben zum Treffen sind gespeichert."), "success")
    if promoted:
        flash(ngettext("%(num)s Person ist von der Warteliste nachgerückt und hat eine E-Mail bekommen.",
                       "%(num)s Personen sind von der Warteliste nachgerückt und haben eine E-Mail bekommen.",
                       len(promoted)), "success")
    if schedule_mail.pending_change(meeting):
        flash(_("Datum, Uhrzeit oder Ort haben sich geändert, nachdem die Abläufe verschickt wurden. "
                "Bitte teilen Sie die Änderung unten mit „Änderung mitteilen“ mit."), "warning")
    confirmed = meeting.count(CONFIRMED)
    if confirmed > meeting.capacity:
        flash(_("Es sind schon %(n)s Personen bestätigt, mehr als die %(capacity)s Plätze. "
                "Niemand wird automatisch ausgeladen.", n=confirmed, capacity=meeting.capacity), "warning")


@bp.route("/treffen/<slug>/bearbeiten", methods=["GET", "POST"])
def edit(slug: str):
    meeting = organiser_meeting(slug)
    form = MeetingForm(meeting=meeting)
    if form.validate_on_submit():
        _flash_meeting_saved(meeting, service.update_meeting(meeting, form.meeting_data()))
        return redirect(url_for(".overview", slug=meeting.slug))
    return page("meetings/meeting_form.html", meeting, "overview", status(form), form=form,
                delete_form=DeleteMeetingForm(meeting=meeting, formdata=None))


@bp.route("/treffen/<slug>/aenderung-mitteilen", methods=["POST"])
def announce_change(slug: str):
    """Mail everyone concerned the new date, time or place, with the updated calendar entry."""
    meeting = organiser_meeting(slug)
    count = schedule_mail.announce_change(meeting)
    if count:
        flash(ngettext("%(num)s Person bekommt die Änderung mit dem neuen Kalendereintrag.",
                       "%(num)s Personen bekommen die Änderung mit dem neuen Kalendereintrag.", count), "success")
    else:
        flash(_("Es gibt keine Änderung, die noch mitzuteilen wäre."), "success")
    return redirect(url_for(".overview", slug=slug))


@bp.route("/treffen/<slug>/aenderung-nicht-mitteilen", methods=["POST"])
def keep_change(slug: str):
    """The organiser decided the change needs no mail (a typo in the address, say)."""
    schedule_mail.keep_change_to_ourselves(organiser_meeting(slug))
    flash(_("Die Änderung wird nicht mitgeteilt."), "success")
    return redirect(url_for(".overview", slug=slug))


@bp.route("/treffen/<slug>/loeschen", methods=["POST"])
def delete_view(slug: str):
    meeting = organiser_meeting(slug)
    form = DeleteMeetingForm(meeting=meeting)
    if not form.validate_on_submit():
        return page("meetings/meeting_form.html", meeting, "overview", 400,
                    form=MeetingForm(meeting=meeting, formdata=None), delete_form=form)
    title = meeting.display_title
    service.delete_meeting(meeting)
    flash(_("Das Treffen „%(title)s“ ist mit allen Anmeldungen, Plänen und Mails gelöscht.", title=title), "success")
    return redirect(url_for(".index"))


# -- Organising team -----------------------------------------------------------------------------------


@bp.route("/treffen/<slug>/team", methods=["GET", "POST"])
def team(slug: str):
    meeting = organiser_meeting(slug)
    form = OrganiserForm(meeting=meeting)
    if form.validate_on_submit():
        if form.organiser is not None:
            service.add_organiser(meeting, form.organiser)
            flash(_("%(name)s gehört jetzt zum Organisationsteam.", name=form.organiser.name or form.organiser.email),
                  "success")
        else:
            invitation = accounts.invite(meeting, form.email.data, current_user)
            flash(_("Einladung an %(email)s geschickt; der Link gilt bis %(when)s.", email=invitation.email,
                    when=format_datetime(invitation.expires_at)), "success")
        return redirect(url_for(".team", slug=slug))
    return page("meetings/team.html", meeting, "team", status(form), form=form,
                invitations=accounts.open_invitations(meeting))


@bp.route("/treffen/<slug>/team/<int:organiser_id>/entfernen", methods=["POST"])
def remove_from_team(slug: str, organiser_id: int):
    meeting = organiser_meeting(slug)
    organiser = team_member_or_404(meeting, organiser_id)
    try:
        service.remove_organiser(meeting, organiser)
    except service.LastOrganiser:
        flash(_("Ein Treffen braucht mindestens eine Person im Organisationsteam."), "error")
        return redirect(url_for(".team", slug=slug))
    flash(_("%(name)s gehört nicht mehr zum Organisationsteam.", name=organiser.name or organiser.email), "success")
    if organiser.id == current_user.id:
        return redirect(url_for(".index"))
    return redirect(url_for(".team", slug=slug))


# -- Rooms and tables ----------------------------------------------------------------------------------


@bp.route("/treffen/<slug>/raeume", methods=["GET", "POST"])
def rooms(slug: str):
    meeting = organiser_meeting(slug)
    form = RoomForm()
    if form.validate_on_submit():
        room = service.add_room(meeting, form.room_data())
        flash(_("Der Raum „%(name)s“ ist angelegt. Jetzt die Tische.", name=room.name), "success")
        return redirect(url_for(".room", slug=slug, room_id=room.id))
    return page("meetings/rooms.html", meeting, "rooms", status(form), form=form)


@bp.route("/treffen/<slug>/raeume/<int:room_id>", methods=["GET", "POST"])
def room(slug: str, room_id: int):
    meeting = organiser_meeting(slug)
    room = owned_or_404(Room, room_id, meeting)
    form = RoomForm(room=room)
    if form.validate_on_submit():
        service.update_room(room, form.room_data())
        flash(_("Der Raum ist gespeichert."), "success")
        return redirect(url_for(".room", slug=slug, room_id=room.id))
    table_form = TableForm(room=room, formdata=None, data=suggested_table(room))
    return page("meetings/room.html", meeting, "rooms", status(form), room=room, form=form, table_form=table_form)


@bp.route("/treffen/<slug>/raeume/<int:room_id>/loeschen", methods=["POST"])
def delete_room_view(slug: str, room_id: int):
    room = owned_or_404(Room, room_id, organiser_meeting(slug))
    name = room.name
    service.delete_room(room)
    flash(_("Der Raum „%(name)s“ und seine Tische sind gelöscht.", name=name), "success")
    return redirect(url_for(".rooms", slug=slug))


@bp.route("/treffen/<slug>/raeume/<int:room_id>/tische/neu", methods=["GET", "POST"])
def add_table_view(slug: str, room_id: int):
    meeting = organiser_meeting(slug)
    room = owned_or_404(Room, room_id, meeting)
    table_form = TableForm(room=room, data=suggested_table(room))
    if table_form.validate_on_submit():
        table = service.add_table(room, table_form.table_data())
        flash(_("Tisch %(label)s ist angelegt.", label=table.label), "success")
        return redirect(url_for(".room", slug=slug, room_id=room.id) + "#tische")
    return page("meetings/room.html", meeting, "rooms", status(table_form), room=room,
                form=RoomForm(room=room, formdata=None), table_form=table_form)


@bp.route("/treffen/<slug>/tische/<int:table_id>", methods=["GET", "POST"])
def table(slug: str, table_id: int):
    meeting = organiser_meeting(slug)
    table = owned_or_404(MeetingTable, table_id, meeting)
    form = TableForm(room=table.room, table=table)
    if form.validate_on_submit():
        service.update_table(table, form.table_data())
        flash(_("Tisch %(label)s ist gespeichert.", label=table.label), "success")
        return redirect(url_for(".room", slug=slug, room_id=table.room_id) + "#tische")
    return page("meetings/table.html", meeting, "rooms", status(form), table=table, form=form)


@bp.route("/treffen/<slug>/tische/<int:table_id>/loeschen", methods=["POST"])
def delete_table_view(slug: str, table_id: int):
    table = owned_or_404(MeetingTable, table_id, organiser_meeting(slug))
    room_id, label = table.room_id, table.label
    service.delete_table(table)
    flash(_("Tisch %(label)s ist gelöscht.", label=label), "success")
    return redirect(url_for(".room", slug=slug, room_id=room_id) + "#tische")


# -- Agenda blocks and café tables ---------------------------------------------------------------------


@bp.route("/treffen/<slug>/ablauf")
def blocks(slug: str):
    meeting = organiser_meeting(slug)
    return page("meetings/blocks.html", meeting, "blocks")


@bp.route("/treffen/<slug>/ablauf/neu/<kind>", methods=["GET", "POST"])
def add_block_view(slug: str, kind: str):
    meeting = organiser_meeting(slug)
    form_class = BLOCK_FORMS.get(kind) or abort(404)
    form = form_class(meeting=meeting, data=queries.suggested_block(meeting, kind))
    if form.validate_on_submit():
        block = service.add_block(meeting, kind, form.block_data())
        flash(_("Der Block „%(title)s“ ist angelegt.", title=block.title), "success")
        return redirect(_after_block_saved(block))
    return page("meetings/block_form.html", meeting, "blocks", status(form), form=form, block=None, kind=kind)


def _after_block_saved(block: Block) -> str:
    """Warn about overlaps; a café block goes on with its tables, speed networking back to the agenda."""
    for other in queries.overlapping_blocks(block):
        flash(_("„%(title)s“ überschneidet sich mit „%(other)s“ (%(start)s – %(end)s). Wer an beiden teilnimmt, "
                "kann nicht gleichzeitig dort sein.", title=block.title, other=other.title,
                start=format_time(other.start_time), end=format_time(other.end_time)), "warning")
    if block.is_cafe:
        return url_for(".block", slug=block.meeting.slug, block_id=block.id) + "#cafe-tische"
    return url_for(".blocks", slug=block.meeting.slug)


@bp.route("/treffen/<slug>/ablauf/<int:block_id>", methods=["GET", "POST"])
def block(slug: str, block_id: int):
    meeting = organiser_meeting(slug)
    block = owned_or_404(Block, block_id, meeting)
    form = BLOCK_FORMS[block.kind](meeting=meeting, block=block)
    if form.validate_on_submit():
        service.update_block(block, form.block_data())
        flash(_("Der Block „%(title)s“ ist gespeichert.", title=block.title), "success")
        return redirect(_after_block_saved(block))
    cafe_form = CafeTableForm(block=block, formdata=None) if block.is_cafe else None
    return page("meetings/block_form.html", meeting, "blocks", status(form), form=form, block=block,
                kind=block.kind, cafe_form=cafe_form)


@bp.route("/treffen/<slug>/ablauf/<int:block_id>/loeschen", methods=["POST"])
def delete_block_view(slug: str, block_id: int):
    block = owned_or_404(Block, block_id, organiser_meeting(slug))
    title = block.title
    service.delete_block(block)
    flash(_("Der Block „%(title)s“ ist gelöscht.", title=title), "success")
    return redirect(url_for(".blocks", slug=slug))


@bp.route("/treffen/<slug>/ablauf/<int:block_id>/cafe-tische/neu", methods=["GET", "POST"])
def add_cafe_table_view(slug: str, block_id: int):
    meeting = organiser_meeting(slug)
    block = owned_or_404(Block, block_id, meeting)
    if not block.is_cafe:
        abort(404)
    cafe_form = CafeTableForm(block=block)
    if cafe_form.validate_on_submit():
        service.add_cafe_table(block, cafe_form.cafe_table_data())
        flash(_("Der Café-Tisch ist angelegt."), "success")
        return redirect(url_for(".block", slug=slug, block_id=block.id) + "#cafe-tische")
    form = BLOCK_FORMS[block.kind](meeting=meeting, block=block, formdata=None)
    return page("meetings/block_form.html", meeting, "blocks", status(cafe_form), form=form, block=block,
                kind=block.kind, cafe_form=cafe_form)


@bp.route("/treffen/<slug>/cafe-tische/<int:cafe_table_id>", methods=["GET", "POST"])
def cafe_table(slug: str, cafe_table_id: int):
    meeting = organiser_meeting(slug)
    cafe_table = owned_or_404(CafeTable, cafe_table_id, meeting)
    form = CafeTableForm(block=cafe_table.block, cafe_table=cafe_table)
    if form.validate_on_submit():
        service.update_cafe_table(cafe_table, form.cafe_table_data())
        flash(_("Der Café-Tisch ist gespeichert."), "success")
        return redirect(url_for(".block", slug=slug, block_id=cafe_table.block_id) + "#cafe-tische")
    return page("meetings/cafe_table.html", meeting, "blocks", status(form), cafe_table=cafe_table, form=form)


@bp.route("/treffen/<slug>/cafe-tische/<int:cafe_table_id>/loeschen", methods=["POST"])
def delete_cafe_table_view(slug: str, cafe_table_id: int):
    cafe_table = owned_or_404(CafeTable, cafe_table_id, organiser_meeting(slug))
    block_id = cafe_table.block_id
    service.delete_cafe_table(cafe_table)
    flash(_("Der Café-Tisch ist gelöscht."), "success")
    return redirect(url_for(".block", slug=slug, block_id=block_id) + "#cafe-tische")


# -- Sectors, topics and the affinity matrix -----------------------------------------------------------


def _catalogue(meeting: Meeting, code: int = 200, sector_form=None, topic_form=None):
    return page("meetings/catalogue.html", meeting, "catalogue", code,
                sector_form=sector_form or SectorForm(meeting=meeting, formdata=None),
                topic_form=topic_form or TopicForm(meeting=meeting, formdata=None),
                people=queries.people_per_sector(meeting))


@bp.route("/treffen/<slug>/bereiche")
def catalogue(slug: str):
    return _catalogue(organiser_meeting(slug))


@bp.route("/treffen/<slug>/bereiche/neu", methods=["GET", "POST"])
def add_sector_view(slug: str):
    meeting = organiser_meeting(slug)
    form = SectorForm(meeting=meeting)
    if form.validate_on_submit():
        sector = service.add_sector(meeting, form.sector_data())
        flash(_("Der Bereich „%(name)s“ ist angelegt.", name=sector.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#bereiche")
    return _catalogue(meeting, status(form), sector_form=form)


@bp.route("/treffen/<slug>/bereiche/<int:sector_id>", methods=["GET", "POST"])
def sector(slug: str, sector_id: int):
    meeting = organiser_meeting(slug)
    sector = owned_or_404(Sector, sector_id, meeting)
    form = SectorForm(meeting=meeting, item=sector)
    if form.validate_on_submit():
        service.update_sector(sector, form.sector_data())
        flash(_("Der Bereich „%(name)s“ ist gespeichert.", name=sector.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#bereiche")
    return page("meetings/item_form.html", meeting, "catalogue", status(form), form=form,
                heading=_("Bereich „%(name)s“ bearbeiten", name=sector.name))


@bp.route("/treffen/<slug>/bereiche/<int:sector_id>/loeschen", methods=["POST"])
def delete_sector_view(slug: str, sector_id: int):
    sector = owned_or_404(Sector, sector_id, organiser_meeting(slug))
    name = sector.name
    service.delete_sector(sector)
    flash(_("Der Bereich „%(name)s“ ist gelöscht.", name=name), "success")
    return redirect(url_for(".catalogue", slug=slug) + "#bereiche")


@bp.route("/treffen/<slug>/themen/neu", methods=["GET", "POST"])
def add_topic_view(slug: str):
    meeting = organiser_meeting(slug)
    form = TopicForm(meeting=meeting)
    if form.validate_on_submit():
        topic = service.add_topic(meeting, form.topic_data())
        flash(_("Das Thema „%(name)s“ ist angelegt.", name=topic.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#themen")
    return _catalogue(meeting, status(form), topic_form=form)


@bp.route("/treffen/<slug>/themen/<int:topic_id>", methods=["GET", "POST"])
def topic(slug: str, topic_id: int):
    meeting = organiser_meeting(slug)
    topic = owned_or_404(Topic, topic_id, meeting)
    form = TopicForm(meeting=meeting, item=topic)
    if form.validate_on_submit():
        service.update_topic(topic, form.topic_data())
        flash(_("Das Thema „%(name)s“ ist gespeichert.", name=topic.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#themen")
    return page("meetings/item_form.html", meeting, "catalogue", status(form), form=form,
                heading=_("Thema „%(name)s“ bearbeiten", name=topic.name))


@bp.route("/treffen/<slug>/themen/<int:topic_id>/loeschen", methods=["POST"])
def delete_topic_view(slug: str, topic_id: int):
    topic = owned_or_404(Topic, topic_id, organiser_meeting(slug))
    name = topic.name
    service.delete_topic(topic)
    flash(_("Das Thema „%(name)s“ ist gelöscht.", name=name), "success")
    return redirect(url_for(".catalogue", slug=slug) + "#themen")


@bp.route("/treffen/<slug>/bereiche/affinitaet", methods=["GET", "POST"])
def affinities(slug: str):
    """The sector × sector matrix: how much two sectors gain from meeting."""
    meeting = organiser_meeting(slug)
    form = AffinityForm()
    cells, errors = stored_affinities(meeting), {}
    if form.validate_on_submit():
        values, errors = parse_affinities(meeting, request.form)
        if not errors:
            service.save_affinities(meeting, values)
            flash(_("Die Affinitäten sind gespeichert."), "success")
            return redirect(url_for(".affinities", slug=slug))
        cells = {name: request.form.get(name, "") for name in request.form}
    return page("meetings/affinities.html", meeting, "catalogue", status(form), form=form, cells=cells,
                errors=errors, cell_name=affinity_cell, default_affinity=default_affinity,
                format_affinity=format_affinity)
