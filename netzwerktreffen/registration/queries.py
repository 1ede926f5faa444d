"""Reading registrations for the pages: the organiser's list with its filters and counts, the export,
where a person stands, and what their personal page shows. Nothing here writes."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from netzwerktreffen.afterwards import contacts, harvest, ideas
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, STATUSES, Block, Meeting, Registration
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.registration import service
from netzwerktreffen.afterwards.harvest import hosted_tables

# ---------------------------------------------------------------- public meetings


def public_meeting(slug: str) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.slug == slug, Meeting.is_public.is_(True)))


def upcoming_meetings(today: date) -> list[Meeting]:
    """The public meetings from today on, the next first."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.is_public.is_(True), Meeting.date >= today)
        .order_by(Meeting.date, Meeting.start_time)))


# ---------------------------------------------------------------- the organiser's list


def status_counts(meeting: Meeting) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.meeting_id == meeting.id).group_by(Registration.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: number for status, number in rows})
    return counts


def waitlist_positions(meeting: Meeting) -> dict[int, int]:
    return {person.id: position for position, person in enumerate(service.waiting_list(meeting), start=1)}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def matches(registration: Registration, query: str) -> bool:
    """Search in name, e-mail and organisation, ignoring case (also Ö/ö, ß/ss) on every database."""
    needle = _fold(query.strip())
    return any(needle in _fold(value) for value in
               (registration.name, registration.email, registration.organisation))


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    sector: str = ""  # sector key
    block: int | None = None

    @classmethod
    def from_args(cls, args, meeting: Meeting) -> "Filters":
        """Filters from the query string; unknown values are ignored."""
        status = args.get("status", "")
        sector = args.get("sector", "")
        block = args.get("block", "")
        return cls(
            q=args.get("q", "").strip()[:200],
            status=status if status in STATUSES else "",
            sector=sector if any(s.key == sector for s in meeting.sectors) else "",
            block=int(block) if block.isascii() and block.isdigit()
            and any(b.id == int(block) for b in meeting.blocks) else None)

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.sector or self.block)


def filtered_registrations(meeting: Meeting, filters: Filters) -> list[Registration]:
    query = (select(Registration).where(Registration.meeting_id == meeting.id)
             .options(selectinload(Registration.sector), selectinload(Registration.blocks))
             .order_by(Registration.created_at, Registration.id))
    if filters.status:
        query = query.where(Registration.status == filters.status)
    if filters.sector:
        sector = next(s for s in meeting.sectors if s.key == filters.sector)
        query = query.where(Registration.sector_id == sector.id)
    if filters.block:
        query = query.where(Registration.blocks.any(Block.id == filters.block))
    people = db.session.scalars(query).all()
    # The text search runs here, not in SQL: SQLite's lower() leaves Ö, Ü, Ç as they are.
    # A meeting has a few hundred registrations at most.
    return [person for person in people if matches(person, filters.q)] if filters.q else list(people)


def registrations_for_export(meeting: Meeting) -> list[Registration]:
    """Everyone registered for the meeting, in the order they came, with what the CSV export shows."""
    return list(db.session.scalars(
        select(Registration).where(Registration.meeting_id == meeting.id)
        .options(selectinload(Registration.sector), selectinload(Registration.offers),
                 selectinload(Registration.needs), selectinload(Registration.blocks),
                 selectinload(Registration.stations),
                 selectinload(Registration.answers))
        .order_by(Registration.created_at, Registration.id)))


def consent_source(version: str) -> str:
    """Where the consent to processing was given, for people to read."""
    how, _colon, who = version.partition(":")
    if how == "organiser":
        return _("gegenüber dem Organisationsteam (%(who)s), von dort eingetragen", who=who)
    if how == "import":
        return _("gegenüber dem Organisationsteam, per CSV-Import von %(who)s übernommen", who=who)
    if how == service.CLI_IMPORT:
        return _("gegenüber dem Organisationsteam, per CSV-Import über die Kommandozeile übernommen")
    return _("im Anmeldeformular")


# ---------------------------------------------------------------- the personal page


def waitlist_position(registration: Registration) -> int | None:
    return waitlist_positions(registration.meeting).get(registration.id)


def published_seats(registration: Registration) -> list:
    """The person's rounds in the published plan (empty before a plan is published)."""
    published = scheduling.published(registration.meeting)
    if published is None or registration.status == CANCELLED:
        return []
    return scheduling.Schedule(registration.meeting, published.plan).seats_of(registration)


def by_slip_token(token: str) -> Registration | None:
    """The registration whose printed slip carries ``token`` (its read-only plan page), else None."""
    return db.session.scalar(select(Registration).where(Registration.slip_token == token)) if token else None


def slip_page(registration: Registration) -> dict:
    """What the read-only plan page of a printed slip shows: the person's rounds, nothing to change."""
    return {"registration": registration, "meeting": registration.meeting, "seats": published_seats(registration)}


def personal_page(registration: Registration) -> dict:
    """What the personal page shows besides its forms: the place on the waiting list, the rounds, the
    tables the person hosts, who is listed, and after the meeting (if they came) contacts and results;
    the topics they suggested and, from the meeting's start, their feedback."""
    meeting = registration.meeting
    came = contacts.meeting_over(meeting) and contacts.attended(registration)
    return {
        "registration": registration,
        "meeting": meeting,
        "position": waitlist_position(registration),
        "seats": published_seats(registration),
        "contacts": contacts.contacts_of(registration) if came else None,
        "hosted": hosted_tables(registration),
        "listed": contacts.listed_people(meeting) if registration.status == CONFIRMED else [],
        "results": harvest.results(meeting, only_filled=True) if came else [],
        "ideas": {"may_suggest": ideas.may_suggest(registration), "suggestions": registration.topic_suggestions,
                  "limit": ideas.MAX_SUGGESTIONS, "may_feedback": ideas.may_give_feedback(registration),
                  "feedback": registration.feedback},
    }
