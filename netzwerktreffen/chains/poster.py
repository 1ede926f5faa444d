"""The "Wer macht was" poster: one page per process chain, its stations as columns with the organisations
acting there, the gaps marked, and beside each person who agreed to share their contact a QR code holding
their contact card (``chains.vcard``). A3 or A4 landscape, made with WeasyPrint like the other print-outs.
"""
from __future__ import annotations

import re

from flask import render_template
from flask_babel import gettext as _

from netzwerktreffen.chains import overview, vcard
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import Meeting
from netzwerktreffen.web.pdf import html_to_pdf

# paper (the query's ``format``) -> CSS page size, QR code edge in mm
FORMATS = {"a3": ("A3", 28), "a4": ("A4", 22)}
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")


class PosterError(ValueError):
    """Why there is no poster to print (a German sentence for the organiser)."""


def paper_of(asked: str | None) -> str:
    """``a3`` (the default) or ``a4``; anything else is refused with a German message."""
    paper = (asked or "a3").strip().lower()
    if paper not in FORMATS:
        raise PosterError(_("Das Plakat gibt es in A3 oder A4 (quer), nicht in „%(asked)s“.", asked=asked[:20]))
    return paper


def printable_chains(meeting: Meeting) -> list[overview.Chain]:
    """The chains with stations, if anyone acts at any station; else a PosterError that says what is missing."""
    chains = [c for c in overview.who_does_what(meeting) if c.stations]
    if not chains:
        raise PosterError(_("Dieses Treffen hat noch keine Prozesskette mit Stationen: das Plakat wäre leer."))
    if not any(c.covered for c in chains):
        raise PosterError(_("Noch hat niemand angegeben, an welcher Station er oder sie mitwirkt: das Plakat "
                            "zeigte nur Lücken."))
    return chains


def poster_html(meeting: Meeting, paper: str = "a3") -> str:
    chains = printable_chains(meeting)
    cards = {p.id: vcard.qr_svg_data_uri(vcard.contact_card(p)) for p in overview.sharing_people(chains)}
    size, qr_mm = FORMATS[paper]
    colours = {s.id: s.color for s in meeting.sectors if HEX_COLOUR.fullmatch(s.color or "")}  # into the <style>
    return render_template("chains/poster.html", meeting=meeting, chains=chains, qr=cards, page_size=size,
                           qr_mm=qr_mm, colours=colours, doc_title=_("Wer macht was?"), made_on=local_now().date())


def poster_pdf(meeting: Meeting, paper: str = "a3") -> bytes:
    return html_to_pdf(poster_html(meeting, paper))


def download_name(meeting: Meeting, paper: str) -> str:
    return f"{meeting.slug}-wer-macht-was-{paper}.pdf"
