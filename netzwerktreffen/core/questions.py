"""Questions at registration ("Fragen bei der Anmeldung", issue 15, seed report 000, Magdeburg): the organisers
ask the actors what matters to them, and present the answers at the meeting.

A meeting has ordered questions (``Meeting.questions``) of four kinds: free text, single choice, multiple
choice and a scale from 1 to 5; a registration has at most one answer per question
(``Registration.answers``). Answers are personal data: they go with the registration, and with the
deletion of the meeting's personal data (``afterwards.retention.purge``). Before that deletion the counts
per option are added to ``Question.kept_counts`` (numbers only: no text, no sector, no person), so the
meeting's results stay, as the café's harvest does. The migration is ``e18d0quest01``.
"""
from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Iterable, Optional

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerktreffen.core.bilingual import in_ui_language
from netzwerktreffen.core.extensions import db

SCALE = (1, 2, 3, 4, 5)


class QuestionKind(StrEnum):
    TEXT = "text"
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"


class Question(db.Model):
    """One question of a meeting's registration form; ``options`` (German) and ``options_en`` for the
    choices; ``anonymous_results``: free-text answers are shown without names."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default=QuestionKind.TEXT)
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    options: Mapped[list] = mapped_column(JSON, default=list)
    options_en: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    anonymous_results: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # what stays after the personal data is deleted: {"answered": n, "counts": {option or "1".."5": n}}
    kept_counts: Mapped[Optional[dict]] = mapped_column(JSON)

    meeting = relationship("Meeting", backref=db.backref(
        "questions", cascade="all, delete-orphan", order_by="Question.position"))

    @property
    def display_text(self) -> str:
        return in_ui_language(self.text, self.text_en)

    @property
    def has_options(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    @property
    def choices(self) -> list[str]:
        """What is counted: the options (German, as stored in answers), or 1 to 5 as text."""
        if self.kind == QuestionKind.SCALE:
            return [str(n) for n in SCALE]
        return list(self.options or []) if self.has_options else []

    @property
    def display_options(self) -> list[str]:
        english = list(self.options_en or [])
        return [in_ui_language(german, english[k] if k < len(english) else "")
                for k, german in enumerate(self.options or [])]


class Answer(db.Model):
    """A registration's answer: text (str), single (the German option), multiple (list of options),
    scale (int 1–5)."""

    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    value: Mapped[object] = mapped_column(JSON)

    registration = relationship("Registration", backref=db.backref("answers", cascade="all, delete-orphan"))
    question: Mapped[Question] = relationship(backref=db.backref(
        "answers", cascade="all, delete-orphan", passive_deletes=True))

    @property
    def chosen(self) -> list[str]:
        """The answer as the choices it counts for (see ``Question.choices``)."""
        if isinstance(self.value, list):
            return [str(v) for v in self.value]
        return [] if self.value in (None, "") else [str(self.value)]


def count_choices(question: Question, answers: Iterable[Answer]) -> Counter:
    """How often each of the question's choices was chosen in ``answers`` (choices no longer offered
    are left out)."""
    allowed = set(question.choices)
    return Counter(c for answer in answers for c in answer.chosen if c in allowed)


def keep_counts(question: Question, answers: list[Answer]) -> None:
    """Add the answers' counts to what stays after the deletion (numbers only)."""
    kept = dict(question.kept_counts or {})
    counts = Counter(kept.get("counts") or {})
    counts.update(count_choices(question, answers))
    answered = sum(1 for a in answers if a.chosen)
    question.kept_counts = {"answered": int(kept.get("answered") or 0) + answered, "counts": dict(counts)}
