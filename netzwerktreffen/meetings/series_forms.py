"""The form for „Nächstes Treffen der Reihe anlegen“ (``meetings.series``): the new date (suggested: 13
weeks later, same weekday), title and number, the café questions to re-use or clear, and which topic
suggestions become café questions (and, on the ideas page, café questions or programme points)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.meetings.series import SeriesCopy
from netzwerktreffen.web.fields import Form, MultiCheckboxField, plausible_year

REUSE, CLEAR = "reuse", "clear"
CAFE_QUESTIONS, PROGRAMME_POINTS = "cafe", "programme"
TAKE_OVER_MODES = [(CAFE_QUESTIONS, _l("als Café-Fragen")), (PROGRAMME_POINTS, _l("als Programmpunkte"))]


class TakeOverField(MultiCheckboxField):
    """Topic suggestions by their place in the list; anything else is refused in German."""

    def pre_validate(self, form):
        offered = {value for value, _label in self.choices or []}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_("Diesen Themenvorschlag gibt es nicht. Bitte wählen Sie aus der Liste."))


class SeriesCopyForm(Form):
    date = DateField(_l("Datum des nächsten Treffens"), validators=[
        InputRequired(message=_l("Bitte geben Sie ein gültiges Datum an.")), plausible_year])
    title = StringField(_l("Titel"), validators=[DataRequired(message=_l("Bitte geben Sie einen Titel an.")),
                                                 Length(max=200)])
    series_number = IntegerField(_l("Nummer in der Reihe"), validators=[
        Optional(), NumberRange(min=1, max=999, message=_l("Bitte eine Nummer von 1 bis 999."))],
        description=_l("z. B. 4 für „4. Netzwerktreffen Migration“; leer: ohne Nummer"))
    cafe_questions = RadioField(_l("Fragen der Café-Tische"), default=REUSE, choices=[
        (REUSE, _l("übernehmen (ohne Gastgebende)")), (CLEAR, _l("nicht übernehmen: die Café-Tische neu anlegen"))],
        validate_choice=False)
    take_over = TakeOverField(_l("Themenvorschläge übernehmen"), choices=[], coerce=str)
    take_over_as = RadioField(_l("Übernehmen als"), default=CAFE_QUESTIONS, choices=TAKE_OVER_MODES,
                              validate_choice=False)

    def __init__(self, *args, suggestions: list[str] = (), has_cafe: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions, self.has_cafe = list(suggestions), has_cafe
        self.take_over.choices = [(str(k), text) for k, text in enumerate(self.suggestions)]
        if not has_cafe:  # without a café, suggestions can only become programme points
            self.take_over_as.data = PROGRAMME_POINTS

    def validate_take_over_as(self, field):
        if field.data not in (CAFE_QUESTIONS, PROGRAMME_POINTS):
            raise ValidationError(_("Bitte wählen Sie, ob die Themen Café-Fragen oder Programmpunkte werden."))

    @property
    def as_programme(self) -> bool:
        return self.take_over_as.data == PROGRAMME_POINTS

    def chosen(self) -> list[str]:
        return [self.suggestions[int(k)] for k in self.take_over.data or []]

    def validate_date(self, field):
        if field.data is not None and field.data < local_now().date():
            raise ValidationError(_("Das Datum liegt in der Vergangenheit. Bitte wählen Sie ein kommendes Datum."))

    def validate_cafe_questions(self, field):
        if field.data not in (REUSE, CLEAR):
            raise ValidationError(_("Bitte wählen Sie, ob die Café-Fragen übernommen werden."))

    def choice(self) -> SeriesCopy:
        return SeriesCopy(date=self.date.data, title=self.title.data, series_number=self.series_number.data,
                          reuse_questions=self.cafe_questions.data == REUSE,
                          take_over=[] if self.as_programme else self.chosen())


class TakeOverForm(Form):
    """On the ideas page: chosen topic suggestions become café questions or programme points of a later
    meeting."""

    take_over = TakeOverField(_l("Themen"), choices=[], coerce=str, validators=[
        DataRequired(message=_l("Bitte wählen Sie mindestens ein Thema."))])
    mode = RadioField(_l("Übernehmen als"), default=CAFE_QUESTIONS, choices=TAKE_OVER_MODES, validate_choice=False)
    target = RadioField(_l("Übernehmen in"), choices=[], validate_choice=False)

    def __init__(self, *args, suggestions: list[str] = (), targets: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions, self.targets = list(suggestions), {m.slug: m for m in targets}
        self.take_over.choices = [(str(k), text) for k, text in enumerate(self.suggestions)]
        self.target.choices = [(m.slug, m.display_title) for m in targets]

    @property
    def as_programme(self) -> bool:
        return self.mode.data == PROGRAMME_POINTS

    def validate_mode(self, field):
        if field.data not in (CAFE_QUESTIONS, PROGRAMME_POINTS):
            raise ValidationError(_("Bitte wählen Sie, ob die Themen Café-Fragen oder Programmpunkte werden."))

    def validate_target(self, field):
        if field.data not in self.targets:
            raise ValidationError(_("Bitte wählen Sie eines Ihrer späteren Treffen."))
        if not self.as_programme and not any(b.is_cafe for b in self.targets[field.data].blocks):
            raise ValidationError(_("Dieses Treffen hat kein Pro-Action-Café. Bitte übernehmen Sie die Themen "
                                    "als Programmpunkte oder wählen Sie ein Treffen mit Pro-Action-Café."))

    def questions(self) -> list[str]:
        return [self.suggestions[int(k)] for k in self.take_over.data or []]
