"""Ideas for next time on the personal page: suggest a topic, take one back, give feedback
(``afterwards.ideas``). Each form posts here and comes back to the personal page; with an error, the
personal page is shown again with the message beside the field."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from netzwerktreffen.afterwards import ideas
from netzwerktreffen.registration import queries
from netzwerktreffen.registration.forms import PersonalForm, build_form
from netzwerktreffen.registration.idea_forms import FeedbackForm, SuggestionForm, ideas_forms
from netzwerktreffen.web.auth import participant_or_404

bp = Blueprint("ideas_public", __name__)


def personal_again(registration, **forms):
    """The personal page with a submitted ideas form and its errors (400)."""
    form = build_form(PersonalForm, registration.meeting, registration, formdata=None)
    return render_template("public/personal.html", form=form, **queries.personal_page(registration),
                           **ideas_forms(registration, **forms)), 400


def back(token: str, anchor: str):
    return redirect(url_for("public.personal", token=token) + anchor)


@bp.route("/r/<token>/ideen", methods=["POST"])
def suggest(token: str):
    registration = participant_or_404(token)
    form = SuggestionForm(prefix="idea")
    if form.validate_on_submit():
        try:
            ideas.add_suggestion(registration, form.text.data)
        except ideas.IdeasError as error:
            form.text.errors = [str(error)]
        else:
            flash(_("Danke! Ihr Themenvorschlag ist gespeichert."), "success")
            return back(token, "#ideen")
    return personal_again(registration, suggestion_form=form)


@bp.route("/r/<token>/ideen/<int:suggestion_id>/loeschen", methods=["POST"])
def withdraw(token: str, suggestion_id: int):
    registration = participant_or_404(token)
    if ideas.delete_suggestion(registration, suggestion_id):
        flash(_("Der Themenvorschlag ist gelöscht."), "success")
    else:
        flash(_("Diesen Themenvorschlag gibt es nicht (mehr)."), "error")
    return back(token, "#ideen")


@bp.route("/r/<token>/rueckmeldung", methods=["POST"])
def feedback(token: str):
    registration = participant_or_404(token)
    form = FeedbackForm.for_registration(registration)
    if form.validate_on_submit():
        try:
            ideas.save_feedback(registration, *form.values())
        except ideas.IdeasError as error:
            flash(str(error), "error")
        else:
            flash(_("Danke für Ihre Rückmeldung! Sie können sie hier weiter ändern."), "success")
        return back(token, "#rueckmeldung")
    return personal_again(registration, feedback_form=form)
