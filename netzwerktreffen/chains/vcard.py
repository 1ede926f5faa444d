"""A person's contact card (vCard 3.0) and its QR code for the "Wer macht was" poster.

The QR code holds the card itself, not a link: it works offline, the poster keeps working after the
meeting's data is deleted, and no public page hands out contact details. To stay legible at about 2.5 cm
(version 10 at level L, 57 modules, ≈ 0.4 mm each) the card holds only name, organisation, role and
e-mail (the model has no phone number); a card above ``MAX_BYTES`` loses the role, then the end of the
organisation's name. Only for people who agreed to pass on their contact details (``consent_contact``).
"""
from __future__ import annotations

from netzwerktreffen.core.models import Registration

MAX_BYTES = 271  # what a version 10 QR code holds at level L


def _name_parts(person: Registration) -> tuple[str, str]:
    if person.given_name or person.family_name:
        return person.given_name, person.family_name
    given, _sep, family = person.name.rpartition(" ")  # "Anna Maria Weber": given "Anna Maria"
    return given, family


def _card(person: Registration, organisation: str, role: str) -> str:
    import vobject

    card = vobject.vCard()
    card.add("fn").value = person.name
    given, family = _name_parts(person)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if organisation:
        card.add("org").value = [organisation]
    if role:
        card.add("title").value = role
    card.add("email").value = person.email
    return card.serialize()


def contact_card(person: Registration) -> str:
    """The person's vCard, short enough for a small QR code (see the module's text)."""
    organisation = " ".join(person.organisation.split())
    card = _card(person, organisation, " ".join((person.role or "").split()))
    if len(card.encode()) <= MAX_BYTES:
        return card
    card = _card(person, organisation, "")
    excess = len(card.encode()) - MAX_BYTES
    while excess > 0 and organisation:
        organisation = organisation[:-max(1, excess // 2)].rstrip()
        card = _card(person, organisation + "…" if organisation else "", "")
        excess = len(card.encode()) - MAX_BYTES
    return card


def contact_cards(people: list[Registration]) -> str:
    """Several people's full cards as one .vcf file (importable into address books)."""
    return "".join(_card(p, " ".join(p.organisation.split()), " ".join((p.role or "").split())) for p in people)


def qr_svg_data_uri(text: str) -> str:
    """The QR code of ``text`` (UTF-8) as an SVG data URI: sharp at any size on the poster."""
    import segno
    return segno.make(text, error="l", encoding="utf-8", micro=False).svg_data_uri(border=2)
