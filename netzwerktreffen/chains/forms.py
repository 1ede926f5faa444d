"""The organiser's forms for process chains and their stations."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from netzwerktreffen.web.fields import Form

NAME_REQUIRED = _l("Bitte geben Sie einen Namen an.")


class ChainForm(Form):
    name = StringField(_l("Name der Prozesskette"), validators=[DataRequired(message=NAME_REQUIRED), Length(max=200)],
                       description=_l("z. B. „Integration von Geflüchteten in Arbeit“"))
    name_en = StringField(_l("Name auf Englisch (freiwillig)"), validators=[Optional(), Length(max=200)],
                          description=_l("Für die englische Anmeldung und Seiten; leer: der deutsche Name."))

    def chain_data(self) -> dict:
        return {"name": self.name.data, "name_en": self.name_en.data or ""}


class StationForm(Form):
    name = StringField(_l("Station"), validators=[DataRequired(message=NAME_REQUIRED), Length(max=200)],
                       description=_l("z. B. Ankunft, Sprache, Beratung, Anerkennung, Arbeit"))
    name_en = StringField(_l("Station auf Englisch (freiwillig)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Kurze Beschreibung"), validators=[Optional(), Length(max=500)],
                                description=_l("Was an dieser Station geschieht, in ein, zwei Sätzen."))
    description_en = TextAreaField(_l("Kurze Beschreibung auf Englisch (freiwillig)"),
                                   validators=[Optional(), Length(max=500)])

    def station_data(self) -> dict:
        return {"name": self.name.data, "name_en": self.name_en.data or "",
                "description": self.description.data or "", "description_en": self.description_en.data or ""}
