"""„Nächstes Treffen der Reihe anlegen“: the form, and the copy (``meetings.series``)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from netzwerktreffen.afterwards import ideas
from netzwerktreffen.core.i18n import format_date
from netzwerktreffen.meetings import series
from netzwerktreffen.meetings.programme import SUGGESTED_MINUTES, add_suggested_points
from netzwerktreffen.meetings.series_forms import SeriesCopyForm, TakeOverForm
from netzwerktreffen.web.auth import organiser_meeting, organisers_only

bp = organisers_only(Blueprint("series", __name__, url_prefix="/organisation/treffen/<slug>/naechstes-treffen"))


@bp.route("/", methods=["GET", "POST"])
def copy(slug: str):
    source = organiser_meeting(slug)
    groups = ideas.suggestion_groups(source)
    suggested = series.suggested_copy(source)
    has_cafe = any(b.is_cafe for b in source.blocks)
    form = SeriesCopyForm(data={"date": suggested.date, "title": suggested.title,
                                "series_number": suggested.series_number}, suggestions=[g.label for g in groups],
                          has_cafe=has_cafe)
    if form.validate_on_submit():
        target = series.copy_meeting(source, current_user, form.choice())
        flash(_("„%(title)s“ ist angelegt, am %(date)s, wie „%(source)s“ eingerichtet. Bitte prüfen Sie Ablauf "
                "und Café-Tische; veröffentlicht ist das Treffen noch nicht.", title=target.display_title,
                date=format_date(target.date), source=source.display_title), "success")
        if form.as_programme and form.chosen():
            _take_over_as_programme(target, form.chosen())
        return redirect(url_for("meetings.overview", slug=target.slug))
    return render_template("meetings/series_copy.html", meeting=source, tab="overview", form=form, groups=groups,
                           has_cafe=has_cafe), 400 if form.is_submitted() else 200


@bp.route("/uebernehmen", methods=["POST"])
def take_over(slug: str):
    """From the ideas page: chosen suggestions become café questions or programme points of one of the
    organiser's later meetings."""
    source = organiser_meeting(slug)
    form = TakeOverForm(suggestions=[g.label for g in ideas.suggestion_groups(source)],
                        targets=ideas.later_meetings(source, current_user))
    if not form.validate_on_submit():
        for error in form.take_over.errors + form.mode.errors + form.target.errors:
            flash(error, "error")
        return redirect(url_for("ideas.index", slug=slug) + "#vorschlaege")
    target = form.targets[form.target.data]
    if form.as_programme:
        _take_over_as_programme(target, form.questions())
    else:
        added = series.take_over_suggestions(target, form.questions())
        flash(ngettext("%(num)s Thema ist jetzt eine Café-Frage von „%(title)s“.",
                       "%(num)s Themen sind jetzt Café-Fragen von „%(title)s“.", added, title=target.display_title)
              if added else _("Diese Themen sind dort schon Café-Fragen."), "success")
    return redirect(url_for("ideas.index", slug=slug) + "#vorschlaege")


def _take_over_as_programme(target, titles: list[str]) -> None:
    added, no_room = add_suggested_points(target, titles)
    if added:
        flash(ngettext("%(num)s Thema ist jetzt ein Programmpunkt von „%(title)s“ (Offener Austausch, "
                       "%(minutes)s Minuten, ab %(time)s Uhr). Bitte prüfen Sie Zeiten und Titel im Ablauf.",
                       "%(num)s Themen sind jetzt Programmpunkte von „%(title)s“ (Offener Austausch, je "
                       "%(minutes)s Minuten, ab %(time)s Uhr). Bitte prüfen Sie Zeiten und Titel im Ablauf.",
                       len(added), title=target.display_title, minutes=SUGGESTED_MINUTES,
                       time=added[0].start_time.strftime("%H:%M")), "success")
    if no_room:
        flash(ngettext("%(num)s Thema passt nicht mehr in die Zeit des Treffens: %(topics)s.",
                       "%(num)s Themen passen nicht mehr in die Zeit des Treffens: %(topics)s.", len(no_room),
                       topics="; ".join(no_room)), "warning")
    if not added and not no_room:
        flash(_("Diese Themen sind dort schon Programmpunkte."), "success")
