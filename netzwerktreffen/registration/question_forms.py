"""The organiser's form for one question at registration (the question builder)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField

from netzwerktreffen.core.models import Question, QuestionKind
from netzwerktreffen.registration.questions import QuestionData, question_problems
from netzwerktreffen.web.fields import Form

KIND_LABELS = {
    QuestionKind.TEXT: _l("Freitext"),
    QuestionKind.SINGLE: _l("Auswahl: eine Antwort"),
    QuestionKind.MULTIPLE: _l("Auswahl: mehrere Antworten"),
    QuestionKind.SCALE: _l("Skala von 1 bis 5"),
}


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(Form):
    kind = SelectField(_l("Art der Frage"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    text = TextAreaField(_l("Frage"))
    text_en = TextAreaField(_l("Frage auf Englisch (freiwillig)"))
    options = TextAreaField(_l("Antwortmöglichkeiten"),
                            description=_l("Nur bei Auswahlfragen: eine pro Zeile."))
    options_en = TextAreaField(_l("Antwortmöglichkeiten auf Englisch (freiwillig)"),
                               description=_l("In derselben Reihenfolge, eine pro Zeile."))
    required = BooleanField(_l("Pflichtfrage: ohne Antwort keine Anmeldung"))
    anonymous_results = BooleanField(_l("In den Ergebnissen anonym: Freitext-Antworten ohne Namen zeigen"))

    problems: list[str]

    def __init__(self, *args, question: Question | None = None, **kwargs):
        super().__init__(*args, obj=question, **kwargs)
        self.problems = []
        if question is not None and not self.is_submitted():
            self.options.data = "\n".join(question.options or [])
            self.options_en.data = "\n".join(question.options_en or [])

    def data_for_service(self) -> QuestionData:
        return QuestionData(kind=self.kind.data or "", text=self.text.data or "", text_en=self.text_en.data or "",
                            options=lines(self.options.data), options_en=lines(self.options_en.data),
                            required=bool(self.required.data), anonymous_results=bool(self.anonymous_results.data))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.errors:
            self.kind.errors = [str(_l("Bitte wählen Sie eine Art der Frage."))]
        self.problems = question_problems(self.data_for_service())
        return valid and not self.problems
