"""Form fields and the base form shared by every form of the app."""
from __future__ import annotations
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget
from netzwerktreffen.core.i18n import format_date, language_name, local_now
from netzwerktreffen.core.models import Meeting, Registration
from netzwerktreffen.core.text import clean


class Form(FlaskForm):
    """The base of every form: each field (passwords excepted) gets ``core.text.clean`` as its first
    filter, so no form keeps NUL or control characters and none forgets to strip. (The fields inside a
    ``FieldList`` are bound by the list, not here: give them ``filters=[clean]`` yourself.)"""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters") or [])
            if issubclass(unbound_field.field_class, (FieldList, FormField)):
                return unbound_field.bind(form=form, **options)
            if not issubclass(unbound_field.field_class, PasswordField) and clean not in filters:
                filters.insert(0, clean)
            return unbound_field.bind(form=form, filters=filters, **options)


class NameFields(Form):
    """Vorname and Nachname of a person (registration, organiser, walk-in): the family name is required,
    the given name may stay empty for people with one name only (that one goes into Nachname)."""

    given_name = StringField(_l("Vorname"), validators=[Length(max=100)])
    family_name = StringField(_l("Nachname"), validators=[
        DataRequired(message=_l("Bitte geben Sie einen Nachnamen an.")), Length(max=100)],
        description=_l("Wer nur einen Namen hat, trägt ihn hier ein und lässt den Vornamen leer."))


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for several choices. "Required" means at least one: the field's validators check it on the
    server (with their German message); no single checkbox is rendered ``required``, or the browser would
    demand every one of them."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self):
        for option in super().__iter__():
            option.flags.required = False
            yield option


class LanguagesField(MultiCheckboxField):
    """Conversation languages: only the ones offered (``language_choices``); others are refused in plain words."""

    def pre_validate(self, form):
        offered = [code for code, _label in self.choices or []]
        wrong = [value for value in self.data or [] if value not in offered]
        if wrong:
            raise ValidationError(_("„%(wrong)s“ ist bei diesem Treffen keine Gesprächssprache. Zur Wahl stehen: "
                                    "%(offered)s.", wrong=", ".join(language_name(v) for v in wrong),
                                    offered=", ".join(language_name(code) for code in offered)))


def meeting_languages(meeting: Meeting) -> list[str]:
    """The meeting's conversation languages (German when none is set)."""
    return list(dict.fromkeys(meeting.languages or [])) or ["de"]


def language_choices(meeting: Meeting, registration: Registration | None = None) -> list[tuple[str, str]]:
    """What the language checkboxes offer: the meeting's conversation languages, and the ones a registration
    already has (so that changing something else never drops them silently)."""
    codes = meeting_languages(meeting) + list(registration.languages or [] if registration is not None else [])
    return [(code, language_name(code)) for code in dict.fromkeys(codes)]


def default_languages(meeting: Meeting) -> list[str]:
    codes = meeting_languages(meeting)
    return ["de"] if "de" in codes else codes[:1]


FIRST_YEAR = 2000  # dates of meetings and registration windows from here …
YEARS_AHEAD = 5  # … up to this many years ahead


def date_range() -> tuple[date, date]:
    """The dates a form accepts for a meeting: a typo in the year (9999, 0202) is caught here."""
    today = local_now().date()
    try:
        last = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + YEARS_AHEAD, day=28)
    return date(FIRST_YEAR, 1, 1), last


def plausible_year(form, field) -> None:
    """Validator for date and date-time fields: inside ``date_range``."""
    value = field.data.date() if isinstance(field.data, datetime) else field.data
    first, last = date_range()
    if value is not None and not first <= value <= last:
        raise ValidationError(_("Bitte prüfen Sie die Jahreszahl: möglich sind Daten vom %(first)s bis zum %(last)s.",
                                first=format_date(first), last=format_date(last)))
