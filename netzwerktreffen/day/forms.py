"""The forms of the day: a walk-in at the desk, and the rounds already held for a re-planning."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from netzwerktreffen.core.models import Meeting
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.registration.service import RegistrationData
from netzwerktreffen.web.fields import (Form, LanguagesField, MultiCheckboxField, NameFields, default_languages,
                                        language_choices)


class WalkInForm(NameFields):
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    sector = SelectField(_l("Bereich"), coerce=int)
    email = EmailField(_l("E-Mail (freiwillig)"), validators=[Optional(), Email(), Length(max=254)],
                       description=_l("Ohne Adresse wird ein Platzhalter gespeichert; die Person bekommt dann "
                                      "keine Mails, aber einen gedruckten Laufzettel mit QR-Code."))
    languages = LanguagesField(_l("Sprachen"), validators=[DataRequired(message=_l("Bitte wählen Sie mindestens "
                                                                                   "eine Sprache."))])
    blocks = MultiCheckboxField(_l("Nimmt teil an"), coerce=int)
    consent = BooleanField(_l("Die Person hat den Datenschutzhinweis gesehen und ist mit der Verarbeitung "
                              "ihrer Angaben für dieses Treffen einverstanden."),
                           validators=[DataRequired(message=_l("Ohne Einwilligung kann die Person nicht "
                                                               "eingeteilt werden."))])


def walk_in_form(meeting: Meeting) -> WalkInForm:
    form = WalkInForm()
    form.sector.choices = [(s.id, s.display_name) for s in meeting.sectors]
    form.languages.choices = language_choices(meeting)
    form.blocks.choices = [(b.id, b.title) for b in meeting.blocks]
    if not form.is_submitted():
        form.languages.data = default_languages(meeting)
        form.blocks.data = [b.id for b in meeting.blocks]
    return form


def walk_in_data(form: WalkInForm, meeting: Meeting) -> RegistrationData:
    """The walk-in's details; an empty e-mail stays empty (``checkin.add_walk_in`` stores a placeholder)."""
    sectors = {s.id: s for s in meeting.sectors}
    chosen = set(form.blocks.data or [])
    return RegistrationData(name="", given_name=form.given_name.data or "", family_name=form.family_name.data or "",
                            email=form.email.data or "", organisation=form.organisation.data,
                            sector=sectors.get(form.sector.data), languages=list(form.languages.data),
                            blocks=[b for b in meeting.blocks if b.id in chosen])


def form_errors(form: Form) -> list[str]:
    """Every error of a form as "label: message", for flash messages on a page that does not show the form."""
    messages = []
    for name, errors in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        messages += [f"{label}: {error}" for error in errors]
    return messages


def held_rounds_asked(meeting: Meeting, values) -> dict[str, int]:
    """The rounds already held per block from the re-planning form (``held-<block key>``), kept within
    0 and the block's rounds; a value that is not a number keeps what is stored."""
    held = {}
    for block in meeting.blocks:
        key = scheduling.block_key(block)
        try:
            held[key] = max(0, min(block.rounds, int(values.get(f"held-{key}", block.rounds_held or 0))))
        except ValueError:
            held[key] = block.rounds_held or 0
    return held
