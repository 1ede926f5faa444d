"""Plain text helpers used across the app: form input, slugs, mail headers, CSV cells, CSS strings."""
from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup



# NUL and the other control characters except tab and line breaks: PostgreSQL refuses NUL in text,
# and none of them can be typed or printed
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value):
    """The one filter for every text a form receives: control characters (NUL included) removed,
    Windows line breaks made plain, surrounding space stripped. Other values pass unchanged."""
    if not isinstance(value, str):
        return value
    return CONTROL.sub("", value.replace("\r\n", "\n")).strip()


def slugify(text: str) -> str:
    """'3. Netzwerktreffen Migration' -> '3-netzwerktreffen-migration' (umlauts spelled out)."""
    text = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")


def one_line(text: str) -> str:
    """A header-safe value: every run of whitespace, CR and LF included, becomes one space."""
    return " ".join((text or "").split())


def address_line(text: str) -> str:
    """An address typed on several lines, on one: "Karl-Marx-Straße 32\n29410 Salzwedel" ->
    "Karl-Marx-Straße 32, 29410 Salzwedel" (blank lines and commas already at a line's end do not double)."""
    lines = (one_line(line).strip(" ,;") for line in (text or "").splitlines())
    return ", ".join(line for line in lines if line)


def place_line(*parts: str) -> str:
    """Parts of a place on one line, each once, also when a part repeats a piece of another:
    ("Platz 3", "Großer Saal", "Landratsamt, Großer Saal") -> "Platz 3, Großer Saal, Landratsamt"."""
    seen, kept = set(), []
    for part in parts:
        for piece in address_line(part).split(", "):
            if piece and piece.casefold() not in seen:
                seen.add(piece.casefold())
                kept.append(piece)
    return ", ".join(kept)


# Spreadsheets run cells starting with these as formulas (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(cell: str) -> str:
    """Prefix cells a spreadsheet would run as a formula with an apostrophe.

    Cells that already start with apostrophes before such a character get one more,
    so that ``_unguard_formula`` gives back exactly what was stored.
    """
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


CSS_PLAIN = set(" .,:;-–·!?()/_'&+#%@")


def css_string(value) -> Markup:
    """Text as a quoted CSS string for the print styles (page footers): quotes, backslashes, angle
    brackets and line breaks are escaped the CSS way, since HTML escaping does not apply in <style>."""
    text = value.unescape() if isinstance(value, Markup) else str(value)  # Markup: escaped by the template
    out = []
    for ch in text:
        out.append(ch if ch.isalnum() or ch in CSS_PLAIN else f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')
