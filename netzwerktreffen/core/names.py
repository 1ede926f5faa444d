"""People's names: given and family name, the display name, and the order of a list by family name.

A registration keeps ``given_name`` and ``family_name`` as the person wrote them, and ``name`` as the
display name "Vorname Nachname" (set together by ``registration.service``; everything that shows or
matches a name keeps using ``name``). Pure functions, no database access; the migration that split
the names of existing registrations uses ``split_name`` too.

- ``split_name("Anna von Berg")`` -> ``("Anna", "von Berg")``: the last word is the family name,
  together with the name particles before it ("von", "van der", "de la", …); one word is a family
  name alone; "Berg, Anna" (family name first, with a comma) is understood too.
- ``sort_key(family, given)``: the family name without leading particles ("von Berg" sorts under B,
  as in German phone books), umlauts and accents folded to their base letter as DIN 5007-1 does
  ("Özdemir" between "Oz" and "Pa", "ß" as "ss"), case ignored; then the given name.
- ``listed_name(family, given)``: "von Berg, Anna" for lists sorted by family name;
  ``listed(registration)`` gives it for a registration, ``by_family_name(registrations)`` sorts them
  so (the check-in list on the page and on paper).
"""
from __future__ import annotations

import unicodedata

# Lower-case words that belong to the family name before it: German, Dutch, French, Italian,
# Spanish, Portuguese, Arabic. Written with a capital ("Van Dyke"), they are a name of their own.
PARTICLES = frozenset({
    "von", "vom", "zu", "zum", "zur", "van", "der", "den", "de", "del", "della", "di", "da", "das",
    "do", "dos", "du", "la", "le", "les", "ter", "ten", "te", "y", "e", "al", "el", "bin", "ibn", "ben",
})

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans({"ß": "ss", "ẞ": "ss", "ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
                          "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d", "þ": "th"})


def clean(text: str | None) -> str:
    """Whitespace (also non-breaking spaces and tabs) collapsed to single spaces, NFC."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def split_name(full: str | None) -> tuple[str, str]:
    """(given name, family name) of a name written in one field."""
    full = clean(full)
    if "," in full:  # "Berg, Anna" or "von Berg, Anna"
        family, _comma, given = full.partition(",")
        if family.strip() and given.strip():
            return clean(given.replace(",", " ")), clean(family)
        full = clean(full.replace(",", " "))
    words = full.split(" ") if full else []
    if len(words) <= 1:
        return "", full
    start = len(words) - 1
    while start > 0 and words[start - 1] in PARTICLES:  # "de Vries" alone is a family name too
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def display_name(given: str | None, family: str | None) -> str:
    """ "Anna von Berg"; one part alone when the other is empty."""
    return clean(f"{clean(given)} {clean(family)}")


def listed_name(family: str | None, given: str | None) -> str:
    """ "von Berg, Anna" (or the one part there is), for lists sorted by family name."""
    family, given = clean(family), clean(given)
    return f"{family}, {given}" if family and given else family or given


def fold(text: str) -> str:
    """Case, umlauts and accents folded for sorting (DIN 5007-1: "Ä" as "A", "ß" as "ss")."""
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(char for char in text if not unicodedata.combining(char)).casefold().translate(_LETTERS)


def _without_particles(family: str) -> str:
    words = family.split(" ")
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return " ".join(words)


def sort_key(family: str | None, given: str | None) -> tuple[str, str, str, str]:
    """The order of a list by family name: "von Berg" under B, "Özdemir" under O, then the given name;
    the exact spelling last, so that the order never depends on the order of the input."""
    family, given = clean(family), clean(given)
    return fold(_without_particles(family)), fold(given), fold(family), f"{family}\x00{given}"


def names_of(person) -> tuple[str, str]:
    """(given name, family name) of a registration; split from its ``name`` when it has neither (made
    without ``registration.service``)."""
    given, family = person.given_name or "", person.family_name or ""
    return (given, family) if given or family else split_name(person.name)


def listed(person) -> str:
    """ "Nachname, Vorname" of a registration, for lists sorted by family name."""
    given, family = names_of(person)
    return listed_name(family, given)


def by_family_name(people):
    """Registrations in the order of a list by family name (``sort_key``); the organisation and then
    the order of registration break ties."""
    def key(person):
        given, family = names_of(person)
        return sort_key(family, given), person.organisation.casefold(), person.id
    return sorted(people, key=key)
