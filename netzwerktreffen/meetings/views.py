"""Organiser pages: meetings and their set-up (team, rooms, tables, blocks, sectors, topics).

The write functions at the top change the database and commit; the views
below only load rows (404 for anything outside the organiser's meetings),
validate a form and call one of them.
"""
from __future__ import annotations

import logging
from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from netzwerktreffen.afterwards import contacts
from netzwerktreffen.core import defaults
from netzwerktreffen.afterwards import retention
from netzwerktreffen.registration import service as registrations
from netzwerktreffen.web.auth import find_organiser, organiser_meeting
from netzwerktreffen.web.common import owned_or_404
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import format_time, local_now
from netzwerktreffen.meetings.forms import BLOCK_FORMS, SLUG, AffinityForm, CafeTableForm, DeleteMeetingForm, MeetingForm, OrganiserForm, RoomForm, SectorForm, TableForm, TopicForm, affinity_cell, default_affinity, format_affinity, parse_affinities, suggested_table, unique
from netzwerktreffen.core.text import slugify
from netzwerktreffen.core.models import (CAFE, CONFIRMED, WAITLISTED, Block, CafeChoice, CafeTable, Meeting, MeetingTable,
                     Organiser, PlanLock, Registration, Room, Sector, SectorAffinity, Topic, registration_blocks,
                     registration_needs, registration_offers)

log = logging.getLogger(__name__)

bp = Blueprint("meetings", __name__, url_prefix="/organisation")


class LastOrganiser(Exception):
    """A meeting always keeps at least one organiser."""


# -- Write operations ----------------------------------------------------------------------------------


def _apply(target, data: dict) -> None:
    for name, value in data.items():
        setattr(target, name, value)


def create_meeting(organiser: Organiser, data: dict) -> Meeting:
    """A new meeting with the default catalogue; its creator is its first organiser."""
    meeting = Meeting(**data)
    if not meeting.slug:
        taken = set(db.session.scalars(select(Meeting.slug)))
        meeting.slug = unique(slugify(meeting.display_title), taken, fallback="treffen")
    meeting.organisers.append(organiser)
    defaults.add_default_catalogue(meeting)
    db.session.add(meeting)
    db.session.commit()
    log.info("meeting %s created by %s", meeting.slug, organiser.email)
    return meeting


def update_meeting(meeting: Meeting, data: dict) -> list[Registration]:
    """Change a meeting; more places move people up from the waiting list (returned, notified)."""
    old_capacity = meeting.capacity
    _apply(meeting, data)
    db.session.commit()
    log.info("meeting %s changed", meeting.slug)
    if meeting.capacity > old_capacity:
        return registrations.capacity_changed(meeting)
    return []


def add_organiser(meeting: Meeting, organiser: Organiser) -> None:
    if organiser not in meeting.organisers:
        meeting.organisers.append(organiser)
        db.session.commit()
        log.info("organiser %s added to %s", organiser.email, meeting.slug)


def remove_organiser(meeting: Meeting, organiser: Organiser) -> None:
    if organiser not in meeting.organisers:
        return
    if len(meeting.organisers) <= 1:
        raise LastOrganiser()
    meeting.organisers.remove(organiser)
    db.session.commit()
    log.info("organiser %s removed from %s", organiser.email, meeting.slug)


def add_room(meeting: Meeting, data: dict) -> Room:
    room = Room(position=max((r.position for r in meeting.rooms), default=-1) + 1, **data)
    meeting.rooms.append(room)
    db.session.commit()
    return room


def update_room(room: Room, data: dict) -> None:
    _apply(room, data)
    db.session.commit()


def delete_room(room: Room) -> None:
    """Delete a room and its tables; blocks and café tables that used them keep going without."""
    table_ids = [t.id for t in room.tables]
    db.session.execute(update(Block).where(Block.room_id == room.id).values(room_id=None))
    if table_ids:
        db.session.execute(update(CafeTable).where(CafeTable.table_id.in_(table_ids)).values(table_id=None))
    db.session.delete(room)
    db.session.commit()


def add_table(room: Room, data: dict) -> MeetingTable:
    table = MeetingTable(**data)
    room.tables.append(table)
    db.session.commit()
    return table


def update_table(table: MeetingTable, data: dict) -> None:
    _apply(table, data)
    db.session.commit()


def delete_table(table: MeetingTable) -> None:
    db.session.execute(update(CafeTable).where(CafeTable.table_id == table.id).values(table_id=None))
    db.session.delete(table)
    db.session.commit()


def _renumber_blocks(meeting: Meeting) -> None:
    """Blocks are listed in the order they happen."""
    for position, block in enumerate(sorted(meeting.blocks, key=lambda b: (b.start_time, b.id or 0))):
        block.position = position


def add_block(meeting: Meeting, kind: str, data: dict) -> Block:
    block = Block(kind=kind, **data)
    meeting.blocks.append(block)
    db.session.flush()
    _renumber_blocks(meeting)
    db.session.commit()
    return block


def update_block(block: Block, data: dict) -> None:
    _apply(block, data)
    db.session.flush()
    _renumber_blocks(block.meeting)
    db.session.commit()


def _forget_cafe_tables(ids: list[int]) -> None:
    """Remove what refers to café tables about to go (SQLite does not cascade by itself)."""
    if ids:
        db.session.execute(delete(CafeChoice).where(CafeChoice.cafe_table_id.in_(ids)))
        db.session.execute(delete(PlanLock).where(PlanLock.cafe_table_id.in_(ids)))


def delete_block(block: Block) -> None:
    """Delete a block with its café tables; registrations simply no longer take part in it."""
    meeting = block.meeting
    _forget_cafe_tables([c.id for c in block.cafe_tables])
    db.session.execute(delete(PlanLock).where(PlanLock.block_id == block.id))
    db.session.execute(delete(registration_blocks).where(registration_blocks.c.block_id == block.id))
    meeting.blocks.remove(block)
    db.session.flush()
    _renumber_blocks(meeting)
    db.session.commit()


def add_cafe_table(block: Block, data: dict) -> CafeTable:
    cafe_table = CafeTable(position=max((c.position for c in block.cafe_tables), default=-1) + 1, **data)
    block.cafe_tables.append(cafe_table)
    db.session.commit()
    return cafe_table


def update_cafe_table(cafe_table: CafeTable, data: dict) -> None:
    _apply(cafe_table, data)
    db.session.commit()


def delete_cafe_table(cafe_table: CafeTable) -> None:
    _forget_cafe_tables([cafe_table.id])
    cafe_table.block.cafe_tables.remove(cafe_table)
    db.session.commit()


def add_sector(meeting: Meeting, data: dict) -> Sector:
    sector = Sector(**data)
    meeting.sectors.append(sector)
    db.session.commit()
    return sector


def update_sector(sector: Sector, data: dict) -> None:
    _apply(sector, data)
    db.session.commit()


def delete_sector(sector: Sector) -> None:
    """Delete a sector with its affinities; registrations in it keep their other details."""
    meeting = sector.meeting
    db.session.execute(update(Registration).where(Registration.sector_id == sector.id).values(sector_id=None))
    for affinity in [a for a in meeting.affinities if sector.id in (a.sector_a_id, a.sector_b_id)]:
        meeting.affinities.remove(affinity)
    meeting.sectors.remove(sector)
    db.session.commit()


def add_topic(meeting: Meeting, data: dict) -> Topic:
    topic = Topic(**data)
    meeting.topics.append(topic)
    db.session.commit()
    return topic


def update_topic(topic: Topic, data: dict) -> None:
    _apply(topic, data)
    db.session.commit()


def delete_topic(topic: Topic) -> None:
    for link in (registration_offers, registration_needs):
        db.session.execute(delete(link).where(link.c.topic_id == topic.id))
    topic.meeting.topics.remove(topic)
    db.session.commit()


def save_affinities(meeting: Meeting, values: dict[tuple[int, int], float | None]) -> None:
    """Store the matrix: one row per pair (smaller sector id first); None removes the row (default)."""
    sectors = {s.id: s for s in meeting.sectors}
    existing = {(a.sector_a_id, a.sector_b_id): a for a in meeting.affinities}
    for affinity in list(meeting.affinities):  # rows stored the other way round, from elsewhere
        if affinity.sector_a_id > affinity.sector_b_id:
            key = (affinity.sector_b_id, affinity.sector_a_id)
            meeting.affinities.remove(affinity)
            if key not in existing and key not in values:
                values = values | {key: affinity.value}
            existing.pop((affinity.sector_a_id, affinity.sector_b_id), None)
    db.session.flush()
    for (low, high), value in values.items():
        row = existing.get((low, high))
        if value is None:
            if row is not None:
                meeting.affinities.remove(row)
        elif row is not None:
            row.value = value
        elif low in sectors and high in sectors:
            meeting.affinities.append(SectorAffinity(sector_a=sectors[low], sector_b=sectors[high], value=value))
    db.session.commit()
    log.info("affinities of %s saved", meeting.slug)


# -- Helpers for the views -----------------------------------------------------------------------------


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is for logged-in organisers only."""


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


MAX_ID = 2**31 - 1  # larger numbers in a URL cannot be ids (and PostgreSQL refuses them)


@bp.url_value_preprocessor
def refuse_impossible_values(endpoint, values):
    """A slug or id that cannot exist is a 404 here, never a database error."""
    values = values or {}
    slug = values.get("slug")
    if slug is not None and (len(slug) > 80 or not SLUG.fullmatch(slug)):
        abort(404)
    if any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        abort(404)


def meeting_room(meeting: Meeting, room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or room.meeting_id != meeting.id:
        abort(404)
    return room


def meeting_table(meeting: Meeting, table_id: int) -> MeetingTable:
    table = db.session.get(MeetingTable, table_id)
    if table is None or table.room.meeting_id != meeting.id:
        abort(404)
    return table


def meeting_block(meeting: Meeting, block_id: int) -> Block:
    block = db.session.get(Block, block_id)
    if block is None or block.meeting_id != meeting.id:
        abort(404)
    return block


def meeting_item(meeting: Meeting, model, item_id: int):
    """A sector or topic of this meeting, else 404."""
    item = db.session.get(model, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def page(template: str, meeting: Meeting, tab: str, code: int = 200, **context):
    return render_template(template, meeting=meeting, tab=tab, **context), code


# -- Dashboard and the meeting itself ------------------------------------------------------------------


@bp.route("/")
def index():
    today = local_now().date()
    meetings = sorted(current_user.meetings, key=lambda m: (m.date, m.start_time))
    upcoming = [m for m in meetings if m.date >= today]
    past = [m for m in reversed(meetings) if m.date < today]
    return render_template("meetings/index.html", upcoming=upcoming, past=past)


def suggested_meeting(organiser: Organiser) -> tuple[dict, Meeting | None]:
    """Values for a new meeting: the next of the organiser's latest series, at the same place and terms."""
    values = {"languages": ["de"], "capacity": 60, "retention_days": 90, "reminder_hours": 24,
              "start_time": time(9, 30), "end_time": time(13, 0)}
    latest = max(organiser.meetings, key=lambda m: (m.date, m.created_at or datetime.min), default=None)
    if latest is not None:
        for name in ("title", "series_name", "venue", "address", "capacity", "languages", "contact_name",
                     "contact_email", "controller", "retention_days", "reminder_hours", "start_time", "end_time"):
            values[name] = getattr(latest, name)
        if latest.series_number:
            values["series_number"] = latest.series_number + 1
    return values, latest


@bp.route("/treffen/neu", methods=["GET", "POST"])
def create():
    values, template = suggested_meeting(current_user)
    form = MeetingForm(data=values)
    if form.validate_on_submit():
        meeting = create_meeting(current_user, form.meeting_data())
        flash(_("Das Treffen ist angelegt, mit den üblichen Bereichen und Themen. "
                "Als Nächstes: Räume und Ablauf."), "success")
        return redirect(url_for(".overview", slug=meeting.slug))
    return render_template("meetings/meeting_form.html", form=form, meeting=None, template=template), status(form)


@bp.route("/treffen/<slug>")
def overview(slug: str):
    meeting = organiser_meeting(slug)
    facts = {
        "confirmed": meeting.count(CONFIRMED),
        "waitlisted": meeting.count(WAITLISTED),
        "tables": sum(len(r.tables) for r in meeting.rooms),
        "seats": sum(t.seats for r in meeting.rooms for t in r.tables),
        "open": registrations.registration_open(meeting),
        "deletion_date": retention.deletion_date(meeting),
        "may_delete": retention.may_delete_now(meeting),
        "over": contacts.meeting_over(meeting),
    }
    return page("meetings/overview.html", meeting, "overview", facts=facts)


@bp.route("/treffen/<slug>/daten-loeschen", methods=["POST"])
def purge_view(slug: str):
    """Delete the personal data now, before the retention period ends (only after the meeting)."""
    meeting = organiser_meeting(slug)
    if not retention.may_delete_now(meeting):
        flash(_("Die Anmeldedaten lassen sich erst nach dem Treffen löschen.") if meeting.purged_at is None
              else _("Die Anmeldedaten sind schon gelöscht."), "error")
        return redirect(url_for(".overview", slug=slug))
    purged = retention.purge(meeting)
    flash(_("Die personenbezogenen Daten von %(n)s Anmeldungen sind gelöscht, mit Rundenplänen und Mails.",
            n=purged.registrations), "success")
    return redirect(url_for(".overview", slug=slug))


@bp.route("/treffen/<slug>/bearbeiten", methods=["GET", "POST"])
def edit(slug: str):
    meeting = organiser_meeting(slug)
    form = MeetingForm(meeting=meeting)
    if form.validate_on_submit():
        promoted = update_meeting(meeting, form.meeting_data())
        flash(_("Die Angaben zum Treffen sind gespeichert."), "success")
        if promoted:
            flash(ngettext("%(num)s Person ist von der Warteliste nachgerückt und hat eine E-Mail bekommen.",
                           "%(num)s Personen sind von der Warteliste nachgerückt und haben eine E-Mail bekommen.",
                           len(promoted)), "success")
        confirmed = meeting.count(CONFIRMED)
        if confirmed > meeting.capacity:
            flash(_("Es sind schon %(n)s Personen bestätigt, mehr als die %(capacity)s Plätze. "
                    "Niemand wird automatisch ausgeladen.", n=confirmed, capacity=meeting.capacity), "warning")
        return redirect(url_for(".overview", slug=meeting.slug))
    return page("meetings/meeting_form.html", meeting, "overview", status(form), form=form,
                delete_form=DeleteMeetingForm(meeting=meeting, formdata=None))


def delete_meeting(meeting: Meeting) -> None:
    """The meeting and everything in it, in one transaction: the personal data as at the end of the
    retention period (also plans, jobs and mails), and the meeting with its rooms and agenda."""
    retention.purge(meeting, delete_meeting=True)


@bp.route("/treffen/<slug>/loeschen", methods=["POST"])
def delete_view(slug: str):
    meeting = organiser_meeting(slug)
    form = DeleteMeetingForm(meeting=meeting)
    if not form.validate_on_submit():
        return page("meetings/meeting_form.html", meeting, "overview", 400,
                    form=MeetingForm(meeting=meeting, formdata=None), delete_form=form)
    title = meeting.display_title
    delete_meeting(meeting)
    flash(_("Das Treffen „%(title)s“ ist mit allen Anmeldungen, Plänen und Mails gelöscht.", title=title), "success")
    return redirect(url_for(".index"))


# -- Organising team -----------------------------------------------------------------------------------


@bp.route("/treffen/<slug>/team", methods=["GET", "POST"])
def team(slug: str):
    meeting = organiser_meeting(slug)
    form = OrganiserForm()
    if form.validate_on_submit():
        organiser = find_organiser(form.email.data)
        if organiser is None:
            form.email.errors.append(_("Zu dieser Adresse gibt es kein Konto. Die Person braucht zuerst ein Konto "
                                       "für Organisierende (flask create-organiser)."))
        elif organiser in meeting.organisers:
            form.email.errors.append(_("Diese Person gehört schon zum Organisationsteam."))
        else:
            add_organiser(meeting, organiser)
            flash(_("%(name)s gehört jetzt zum Organisationsteam.", name=organiser.name or organiser.email), "success")
            return redirect(url_for(".team", slug=slug))
    return page("meetings/team.html", meeting, "team", status(form), form=form)


@bp.route("/treffen/<slug>/team/<int:organiser_id>/entfernen", methods=["POST"])
def remove_from_team(slug: str, organiser_id: int):
    meeting = organiser_meeting(slug)
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None or organiser not in meeting.organisers:
        abort(404)
    try:
        remove_organiser(meeting, organiser)
    except LastOrganiser:
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
        room = add_room(meeting, form.room_data())
        flash(_("Der Raum „%(name)s“ ist angelegt. Jetzt die Tische.", name=room.name), "success")
        return redirect(url_for(".room", slug=slug, room_id=room.id))
    return page("meetings/rooms.html", meeting, "rooms", status(form), form=form)


@bp.route("/treffen/<slug>/raeume/<int:room_id>", methods=["GET", "POST"])
def room(slug: str, room_id: int):
    meeting = organiser_meeting(slug)
    room = meeting_room(meeting, room_id)
    form = RoomForm(room=room)
    if form.validate_on_submit():
        update_room(room, form.room_data())
        flash(_("Der Raum ist gespeichert."), "success")
        return redirect(url_for(".room", slug=slug, room_id=room.id))
    table_form = TableForm(room=room, formdata=None, data=suggested_table(room))
    return page("meetings/room.html", meeting, "rooms", status(form), room=room, form=form, table_form=table_form)


@bp.route("/treffen/<slug>/raeume/<int:room_id>/loeschen", methods=["POST"])
def delete_room_view(slug: str, room_id: int):
    meeting = organiser_meeting(slug)
    room = meeting_room(meeting, room_id)
    name = room.name
    delete_room(room)
    flash(_("Der Raum „%(name)s“ und seine Tische sind gelöscht.", name=name), "success")
    return redirect(url_for(".rooms", slug=slug))


@bp.route("/treffen/<slug>/raeume/<int:room_id>/tische/neu", methods=["GET", "POST"])
def add_table_view(slug: str, room_id: int):
    meeting = organiser_meeting(slug)
    room = meeting_room(meeting, room_id)
    table_form = TableForm(room=room, data=suggested_table(room))
    if table_form.validate_on_submit():
        table = add_table(room, table_form.table_data())
        flash(_("Tisch %(label)s ist angelegt.", label=table.label), "success")
        return redirect(url_for(".room", slug=slug, room_id=room.id) + "#tische")
    return page("meetings/room.html", meeting, "rooms", status(table_form), room=room,
                form=RoomForm(room=room, formdata=None), table_form=table_form)


@bp.route("/treffen/<slug>/tische/<int:table_id>", methods=["GET", "POST"])
def table(slug: str, table_id: int):
    meeting = organiser_meeting(slug)
    table = meeting_table(meeting, table_id)
    form = TableForm(room=table.room, table=table)
    if form.validate_on_submit():
        update_table(table, form.table_data())
        flash(_("Tisch %(label)s ist gespeichert.", label=table.label), "success")
        return redirect(url_for(".room", slug=slug, room_id=table.room_id) + "#tische")
    return page("meetings/table.html", meeting, "rooms", status(form), table=table, form=form)


@bp.route("/treffen/<slug>/tische/<int:table_id>/loeschen", methods=["POST"])
def delete_table_view(slug: str, table_id: int):
    meeting = organiser_meeting(slug)
    table = meeting_table(meeting, table_id)
    room_id, label = table.room_id, table.label
    delete_table(table)
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
    if kind == CAFE:
        suggestion = {"title": _("Pro-Action-Café"), "rounds": 3, "minutes_per_round": 25, "changeover_minutes": 5,
                      "guiding_questions": "\n".join(defaults.guiding_questions(3))}
    else:
        suggestion = {"title": _("Speed Networking"), "rounds": 8, "minutes_per_round": 6, "changeover_minutes": 2}
    suggestion["start_time"] = _next_free_time(meeting)
    form = form_class(meeting=meeting, data=suggestion)
    if form.validate_on_submit():
        block = add_block(meeting, kind, form.block_data())
        flash(_("Der Block „%(title)s“ ist angelegt.", title=block.title), "success")
        return redirect(_after_block_saved(block))
    return page("meetings/block_form.html", meeting, "blocks", status(form), form=form, block=None, kind=kind)


def overlapping_blocks(block: Block) -> list[Block]:
    """Other blocks of the meeting that run at the same time (people cannot be in both)."""
    return [other for other in block.meeting.blocks if other.id != block.id
            and other.start_time < block.end_time and block.start_time < other.end_time]


def _after_block_saved(block: Block) -> str:
    """Warn about overlaps; a café block goes on with its tables, speed networking back to the agenda."""
    for other in overlapping_blocks(block):
        flash(_("„%(title)s“ überschneidet sich mit „%(other)s“ (%(start)s – %(end)s). Wer an beiden teilnimmt, "
                "kann nicht gleichzeitig dort sein.", title=block.title, other=other.title,
                start=format_time(other.start_time), end=format_time(other.end_time)), "warning")
    if block.is_cafe:
        return url_for(".block", slug=block.meeting.slug, block_id=block.id) + "#cafe-tische"
    return url_for(".blocks", slug=block.meeting.slug)


def _next_free_time(meeting: Meeting):
    """Suggest a start right after the last block, or at the start of the meeting."""
    ends = [b.end_time for b in meeting.blocks]
    return max(ends) if ends else meeting.start_time


@bp.route("/treffen/<slug>/ablauf/<int:block_id>", methods=["GET", "POST"])
def block(slug: str, block_id: int):
    meeting = organiser_meeting(slug)
    block = meeting_block(meeting, block_id)
    form = BLOCK_FORMS[block.kind](meeting=meeting, block=block)
    if form.validate_on_submit():
        update_block(block, form.block_data())
        flash(_("Der Block „%(title)s“ ist gespeichert.", title=block.title), "success")
        return redirect(_after_block_saved(block))
    cafe_form = CafeTableForm(block=block, formdata=None) if block.is_cafe else None
    return page("meetings/block_form.html", meeting, "blocks", status(form), form=form, block=block,
                kind=block.kind, cafe_form=cafe_form)


@bp.route("/treffen/<slug>/ablauf/<int:block_id>/loeschen", methods=["POST"])
def delete_block_view(slug: str, block_id: int):
    meeting = organiser_meeting(slug)
    block = meeting_block(meeting, block_id)
    title = block.title
    delete_block(block)
    flash(_("Der Block „%(title)s“ ist gelöscht.", title=title), "success")
    return redirect(url_for(".blocks", slug=slug))


@bp.route("/treffen/<slug>/ablauf/<int:block_id>/cafe-tische/neu", methods=["GET", "POST"])
def add_cafe_table_view(slug: str, block_id: int):
    meeting = organiser_meeting(slug)
    block = meeting_block(meeting, block_id)
    if not block.is_cafe:
        abort(404)
    cafe_form = CafeTableForm(block=block)
    if cafe_form.validate_on_submit():
        add_cafe_table(block, cafe_form.cafe_table_data())
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
        update_cafe_table(cafe_table, form.cafe_table_data())
        flash(_("Der Café-Tisch ist gespeichert."), "success")
        return redirect(url_for(".block", slug=slug, block_id=cafe_table.block_id) + "#cafe-tische")
    return page("meetings/cafe_table.html", meeting, "blocks", status(form), cafe_table=cafe_table, form=form)


@bp.route("/treffen/<slug>/cafe-tische/<int:cafe_table_id>/loeschen", methods=["POST"])
def delete_cafe_table_view(slug: str, cafe_table_id: int):
    meeting = organiser_meeting(slug)
    cafe_table = owned_or_404(CafeTable, cafe_table_id, meeting)
    block_id = cafe_table.block_id
    delete_cafe_table(cafe_table)
    flash(_("Der Café-Tisch ist gelöscht."), "success")
    return redirect(url_for(".block", slug=slug, block_id=block_id) + "#cafe-tische")


# -- Sectors, topics and the affinity matrix -----------------------------------------------------------


def _catalogue(meeting: Meeting, code: int = 200, sector_form=None, topic_form=None):
    return page("meetings/catalogue.html", meeting, "catalogue", code,
                sector_form=sector_form or SectorForm(meeting=meeting, formdata=None),
                topic_form=topic_form or TopicForm(meeting=meeting, formdata=None),
                people=_people_per_sector(meeting))


def _people_per_sector(meeting: Meeting) -> dict[int, int]:
    counts: dict[int, int] = {}
    for person in meeting.registrations:
        if person.sector_id is not None and person.status != "cancelled":
            counts[person.sector_id] = counts.get(person.sector_id, 0) + 1
    return counts


@bp.route("/treffen/<slug>/bereiche")
def catalogue(slug: str):
    return _catalogue(organiser_meeting(slug))


@bp.route("/treffen/<slug>/bereiche/neu", methods=["GET", "POST"])
def add_sector_view(slug: str):
    meeting = organiser_meeting(slug)
    form = SectorForm(meeting=meeting)
    if form.validate_on_submit():
        sector = add_sector(meeting, form.sector_data())
        flash(_("Der Bereich „%(name)s“ ist angelegt.", name=sector.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#bereiche")
    return _catalogue(meeting, status(form), sector_form=form)


@bp.route("/treffen/<slug>/bereiche/<int:sector_id>", methods=["GET", "POST"])
def sector(slug: str, sector_id: int):
    meeting = organiser_meeting(slug)
    sector = meeting_item(meeting, Sector, sector_id)
    form = SectorForm(meeting=meeting, item=sector)
    if form.validate_on_submit():
        update_sector(sector, form.sector_data())
        flash(_("Der Bereich „%(name)s“ ist gespeichert.", name=sector.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#bereiche")
    return page("meetings/item_form.html", meeting, "catalogue", status(form), form=form,
                heading=_("Bereich „%(name)s“ bearbeiten", name=sector.name))


@bp.route("/treffen/<slug>/bereiche/<int:sector_id>/loeschen", methods=["POST"])
def delete_sector_view(slug: str, sector_id: int):
    meeting = organiser_meeting(slug)
    sector = meeting_item(meeting, Sector, sector_id)
    name = sector.name
    delete_sector(sector)
    flash(_("Der Bereich „%(name)s“ ist gelöscht.", name=name), "success")
    return redirect(url_for(".catalogue", slug=slug) + "#bereiche")


@bp.route("/treffen/<slug>/themen/neu", methods=["GET", "POST"])
def add_topic_view(slug: str):
    meeting = organiser_meeting(slug)
    form = TopicForm(meeting=meeting)
    if form.validate_on_submit():
        topic = add_topic(meeting, form.topic_data())
        flash(_("Das Thema „%(name)s“ ist angelegt.", name=topic.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#themen")
    return _catalogue(meeting, status(form), topic_form=form)


@bp.route("/treffen/<slug>/themen/<int:topic_id>", methods=["GET", "POST"])
def topic(slug: str, topic_id: int):
    meeting = organiser_meeting(slug)
    topic = meeting_item(meeting, Topic, topic_id)
    form = TopicForm(meeting=meeting, item=topic)
    if form.validate_on_submit():
        update_topic(topic, form.topic_data())
        flash(_("Das Thema „%(name)s“ ist gespeichert.", name=topic.name), "success")
        return redirect(url_for(".catalogue", slug=slug) + "#themen")
    return page("meetings/item_form.html", meeting, "catalogue", status(form), form=form,
                heading=_("Thema „%(name)s“ bearbeiten", name=topic.name))


@bp.route("/treffen/<slug>/themen/<int:topic_id>/loeschen", methods=["POST"])
def delete_topic_view(slug: str, topic_id: int):
    meeting = organiser_meeting(slug)
    topic = meeting_item(meeting, Topic, topic_id)
    name = topic.name
    delete_topic(topic)
    flash(_("Das Thema „%(name)s“ ist gelöscht.", name=name), "success")
    return redirect(url_for(".catalogue", slug=slug) + "#themen")


@bp.route("/treffen/<slug>/bereiche/affinitaet", methods=["GET", "POST"])
def affinities(slug: str):
    """The sector × sector matrix: how much two sectors gain from meeting."""
    meeting = organiser_meeting(slug)
    form = AffinityForm()
    stored = {}
    for row in meeting.affinities:
        stored[affinity_cell(row.sector_a, row.sector_b)] = format_affinity(row.value)
    cells, errors = stored, {}
    if form.validate_on_submit():
        values, errors = parse_affinities(meeting, request.form)
        if not errors:
            save_affinities(meeting, values)
            flash(_("Die Affinitäten sind gespeichert."), "success")
            return redirect(url_for(".affinities", slug=slug))
        cells = {name: request.form.get(name, "") for name in request.form}
    return page("meetings/affinities.html", meeting, "catalogue", status(form), form=form, cells=cells,
                errors=errors, cell_name=affinity_cell, default_affinity=default_affinity,
                format_affinity=format_affinity)
