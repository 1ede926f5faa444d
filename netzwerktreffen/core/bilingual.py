"""Names kept in German and, optionally, English (sectors, topics, café table questions, guiding questions).

German is what organisers type first and what shows by default; the English name is used where the UI (or a
mail, rendered under ``force_locale``) speaks English and one is given. The columns live in these mixins so
that ``core.models`` stays short; the migration is ``e12d0lang001``.
"""
from __future__ import annotations

from typing import Optional

from flask_babel import get_locale
from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column


def in_ui_language(german: str, english: str | None) -> str:
    """The English text where the UI speaks English and it is given (not blank), else the German one."""
    locale = get_locale()
    if english and english.strip() and locale is not None and locale.language == "en":
        return english
    return german


class EnglishName:
    """``name_en`` beside ``name`` ("": the German one)."""

    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")

    @property
    def display_name(self) -> str:
        return in_ui_language(self.name, self.name_en)


class EnglishQuestion:
    """A café table's ``question_en`` beside ``question`` ("": the German one)."""

    question_en: Mapped[str] = mapped_column(Text, default="", server_default="")

    @property
    def display_question(self) -> str:
        return in_ui_language(self.question, self.question_en)


class EnglishGuidingQuestions:
    """A café block's ``guiding_questions_en`` beside ``guiding_questions`` (one per round; a missing or empty
    one: the German one)."""

    guiding_questions_en: Mapped[Optional[list[str]]] = mapped_column(JSON)

    @property
    def display_guiding_questions(self) -> list[str]:
        english = list(self.guiding_questions_en or [])
        return [in_ui_language(german, english[k] if k < len(english) else "")
                for k, german in enumerate(self.guiding_questions or [])]
