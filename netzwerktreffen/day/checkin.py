"""The desk on the day: who has arrived, who has not come, and who came without registering.

The write operations (``check_in``, ``mark_no_show``, ``reopen``, ``mark_open_as_no_show``,
``add_walk_in``) commit; the views only call them.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, Meeting, Registration, utcnow
from netzwerktreffen.registration.service import (AlreadyRegistered, RegistrationData, consent_version,
                                                  find_registration, lock_meeting, new_registration)

WALK_IN_DOMAIN = "netzwerktreffen.invalid"  # the reserved .invalid domain (RFC 2606): never delivered


# --------------------------------------------------------------------------
# Reading the list


def matches(registration: Registration, query: str) -> bool:
    words = query.casefold().split()
    text = f"{registration.name} {registration.organisation}".casefold()
    return all(word in text for word in words)


def state(registration: Registration) -> str:
    if registration.no_show:
        return "no-show"
    if registration.checked_in_at:
        return "arrived"
    return "open"


def counts(people: Iterable[Registration]) -> dict[str, int]:
    """How many of the confirmed people are there, not there, still open, and came as walk-ins."""
    people = list(people)
    found = {"all": len(people), "arrived": sum(1 for p in people if state(p) == "arrived"),
             "no-show": sum(1 for p in people if p.no_show), "walk-in": sum(1 for p in people if p.walk_in)}
    found["open"] = found["all"] - found["arrived"] - found["no-show"]
    return found


# --------------------------------------------------------------------------
# Arrivals and no-shows


def _set_state(person: Registration, arrived: bool, no_show: bool) -> None:
    person.checked_in_at = (person.checked_in_at or utcnow()) if arrived else None
    person.no_show = no_show
    db.session.commit()


def check_in(person: Registration) -> None:
    """The person has arrived (the first arrival time is kept)."""
    _set_state(person, arrived=True, no_show=False)


def mark_no_show(person: Registration) -> None:
    """The person has not come."""
    _set_state(person, arrived=False, no_show=True)


def reopen(person: Registration) -> None:
    """Neither arrived nor missing: back to open (a tap by mistake)."""
    _set_state(person, arrived=False, no_show=False)


def mark_open_as_no_show(meeting: Meeting) -> int:
    """Everyone confirmed who has not checked in is marked as not there; returns how many."""
    marked = 0
    for person in meeting.registrations:
        if person.status == CONFIRMED and not person.checked_in_at and not person.no_show:
            person.no_show = True
            marked += 1
    db.session.commit()
    return marked


# --------------------------------------------------------------------------
# Walk-ins


def placeholder_email(meeting: Meeting) -> str:
    while True:
        address = f"walkin-{secrets.token_hex(6)}@{WALK_IN_DOMAIN}"
        if find_registration(meeting, address) is None:
            return address


def is_placeholder(email: str) -> bool:
    return email.endswith("@" + WALK_IN_DOMAIN)


def add_walk_in(meeting: Meeting, data: RegistrationData) -> Registration:
    """A person who came without registering: confirmed (also beyond capacity), checked in, walk_in.

    Without an e-mail address a placeholder is stored (never delivered). Raises AlreadyRegistered,
    with nothing stored, when the address belongs to someone registered.
    """
    if not data.email:
        data.email = placeholder_email(meeting)
    lock_meeting(meeting)  # two devices adding the same address at once: the second hears AlreadyRegistered
    try:
        registration = new_registration(meeting, data, "de", "walk-in/" + consent_version(meeting, "de"))
    except AlreadyRegistered:
        db.session.rollback()
        raise
    registration.status, registration.waitlisted_at = CONFIRMED, None
    registration.walk_in = True
    registration.checked_in_at = utcnow()
    registration.no_show = False
    db.session.commit()
    return registration
