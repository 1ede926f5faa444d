"""Questions at registration for the tests: a meeting's questions made directly, answers given by people."""
from __future__ import annotations

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Answer, Question, QuestionKind


def add_questions(meeting, *specs) -> list[Question]:
    """specs: (kind, text, options) or (kind, text, options, {"required": …, "anonymous_results": …})."""
    made = []
    for spec in specs:
        kind, text, options, *extra = spec
        question = Question(meeting=meeting, position=len(meeting.questions), kind=kind, text=text,
                            options=list(options), options_en=[], **(extra[0] if extra else {}))
        db.session.add(question)
        made.append(question)
    db.session.commit()
    return made


def answer(registration, question, value) -> Answer:
    row = Answer(registration=registration, question=question, value=value)
    db.session.add(row)
    db.session.commit()
    return row


TOPICS = (QuestionKind.MULTIPLE, "Welche Themen sind wichtig?", ["Sprache", "Kinderbetreuung", "Anerkennung"])
COOPERATION = (QuestionKind.SINGLE, "Arbeiten Sie zusammen?", ["Ja", "Nein"])
SCALE = (QuestionKind.SCALE, "Wie gut gelingt es vor Ort?", [])
CHALLENGES = (QuestionKind.TEXT, "Was sind die größten Herausforderungen?", [])
