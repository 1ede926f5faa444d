"""The organiser's "Wer macht was" page of a meeting (who acts at each station of its process chains, where
the gaps are), the poster to print (A3/A4 landscape) and the contact cards of the people named on it."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from netzwerktreffen.chains import overview, poster, vcard
from netzwerktreffen.web.auth import organiser_meeting, organisers_only

bp = organisers_only(Blueprint("chains_poster", __name__, url_prefix="/organisation/treffen/<slug>/wer-macht-was"))


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    chains = overview.who_does_what(meeting)
    return render_template("chains/overview.html", meeting=meeting, tab="who", chains=chains,
                           any_station=any(c.stations for c in chains), covered=any(c.covered for c in chains),
                           sharing=overview.sharing_people(chains))


@bp.route("/plakat.pdf")
def poster_pdf(slug: str):
    """The poster; ``format=a3`` (default) or ``a4``."""
    meeting = organiser_meeting(slug)
    try:
        paper = poster.paper_of(request.args.get("format"))
        pdf = poster.poster_pdf(meeting, paper)
    except poster.PosterError as error:
        flash(str(error), "error")
        return redirect(url_for(".index", slug=slug))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{poster.download_name(meeting, paper)}"'})


@bp.route("/kontakte.vcf")
def contacts_vcf(slug: str):
    """The contact cards of everyone named on the poster (they agreed to share them), as one file."""
    meeting = organiser_meeting(slug)
    people = overview.sharing_people(overview.who_does_what(meeting))
    return Response(vcard.contact_cards(people), mimetype="text/vcard",
                    headers={"Content-Disposition": f'attachment; filename="{meeting.slug}-wer-macht-was.vcf"'})
