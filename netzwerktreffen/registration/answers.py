"""The meeting's questions on the public form and the personal page: what the browser sends for them
(``frage-<n>``), read and checked here, with the German messages; and what the template shows.

Options travel as their place in the list (0, 1, …), so the English form sends the same as the German
one; the answer stores the German option (``core.questions.Answer``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from netzwerktreffen.core.models import Meeting, Question, QuestionKind, Registration
from netzwerktreffen.core.questions import SCALE
from netzwerktreffen.core.text import clean
from netzwerktreffen.registration.questions import MAX_ANSWER, answer_of


@dataclass
class AskedQuestion:
    """One question as the form shows it: its field name, what is filled in, and its error."""

    question: Question
    value: object = None
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"frage-{self.question.id}"

    def chosen(self, option: str) -> bool:
        if isinstance(self.value, list):
            return option in self.value
        return self.value == option

    @property
    def options(self) -> list[tuple[int, str, str]]:
        """(place, German option, option in the UI language)."""
        return list(zip(range(len(self.question.options or [])), self.question.options or [],
                        self.question.display_options))


class AskedQuestions:
    """The meeting's questions for one form (a new registration, or the person's own)."""

    def __init__(self, meeting: Meeting, registration: Registration | None = None):
        self.items = [AskedQuestion(q, answer_of(registration, q) if registration is not None else None)
                      for q in meeting.questions]

    def __iter__(self):
        return iter(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def read(self, formdata) -> bool:
        """Take the submitted values; False (with the messages on the questions) when one is not acceptable."""
        valid = True
        for item in self.items:
            item.value, problem = read_value(item.question, formdata)
            item.errors = [problem] if problem else []
            valid = valid and not problem
        return valid

    def values(self) -> dict[Question, object]:
        return {item.question: item.value for item in self.items}


def _option(question: Question, raw: str) -> str | None:
    options = question.options or []
    if raw.isdigit() and int(raw) < len(options):
        return options[int(raw)]
    return None


def read_value(question: Question, formdata) -> tuple[object, str]:
    """The value sent for ``question`` and the German message when it is not acceptable ("" when it is)."""
    name = f"frage-{question.id}"
    if question.kind == QuestionKind.MULTIPLE:
        raw = [clean(v) for v in formdata.getlist(name) if clean(v)]
        chosen = [_option(question, v) for v in raw]
        if None in chosen:
            return [], _("Bitte wählen Sie nur unter den angebotenen Antworten.")
        value: object = [o for o in question.options if o in chosen]
    else:
        raw = clean(formdata.get(name, "")) or ""
        value = raw
        if raw and question.kind == QuestionKind.SINGLE:
            value = _option(question, raw)
            if value is None:
                return "", _("Bitte wählen Sie eine der angebotenen Antworten.")
        elif raw and question.kind == QuestionKind.SCALE:
            if not raw.isdigit() or int(raw) not in SCALE:
                return "", _("Bitte wählen Sie einen Wert von 1 bis 5.")
            value = int(raw)
        elif len(raw) > MAX_ANSWER:
            return raw, _("Ihre Antwort ist zu lang (höchstens %(n)s Zeichen).", n=MAX_ANSWER)
    if question.required and value in ("", [], None):
        return value, _("Bitte beantworten Sie diese Frage.")
    return value, ""
