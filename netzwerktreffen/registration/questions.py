"""The organiser's questions at registration: add, change, delete, reorder, take the ready set, copy to the
next meeting of a series; and the answers a registration gives (``set_answers``, called by ``service``).

Write operations commit; ``question_problems`` returns the German sentences for bad input, so that the
form and any other caller say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Answer, Meeting, Question, QuestionKind, Registration

MAX_QUESTIONS = 30
MAX_TEXT = 500  # a question's text
MAX_OPTION = 200  # one option
MAX_OPTIONS = 20
MAX_ANSWER = 2000  # a free-text answer


@dataclass
class QuestionData:
    """What the builder's form says about a question."""

    kind: str
    text: str
    text_en: str = ""
    options: list[str] = field(default_factory=list)
    options_en: list[str] = field(default_factory=list)
    required: bool = False
    anonymous_results: bool = False


def question_problems(data: QuestionData) -> list[str]:
    """What is wrong with ``data``, as German sentences for the organiser ([] when nothing)."""
    problems = []
    if data.kind not in set(QuestionKind):
        problems.append(_("Bitte wählen Sie eine Art der Frage."))
    if not data.text.strip():
        problems.append(_("Bitte geben Sie den Text der Frage ein."))
    if len(data.text) > MAX_TEXT or len(data.text_en) > MAX_TEXT:
        problems.append(_("Der Text der Frage ist zu lang (höchstens %(n)s Zeichen).", n=MAX_TEXT))
    choice = data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    if choice and len(data.options) < 2:
        problems.append(_("Eine Auswahlfrage braucht mindestens zwei Antwortmöglichkeiten (eine pro Zeile)."))
    if not choice and (data.options or data.options_en):
        problems.append(_("Freitext und Skala (1 bis 5) haben keine Antwortmöglichkeiten: "
                          "bitte lassen Sie dieses Feld leer."))
    if len(data.options) > MAX_OPTIONS:
        problems.append(_("Höchstens %(n)s Antwortmöglichkeiten.", n=MAX_OPTIONS))
    if any(len(o) > MAX_OPTION for o in data.options + data.options_en):
        problems.append(_("Eine Antwortmöglichkeit ist zu lang (höchstens %(n)s Zeichen).", n=MAX_OPTION))
    if len({o.casefold() for o in data.options}) != len(data.options):
        problems.append(_("Jede Antwortmöglichkeit darf nur einmal vorkommen."))
    if len(data.options_en) > len(data.options):
        problems.append(_("Es gibt mehr englische als deutsche Antwortmöglichkeiten."))
    return problems


def _apply(question: Question, data: QuestionData) -> None:
    question.kind = data.kind
    question.text, question.text_en = data.text.strip(), data.text_en.strip()
    question.options = [o.strip() for o in data.options]
    question.options_en = [o.strip() for o in data.options_en]
    question.required, question.anonymous_results = bool(data.required), bool(data.anonymous_results)


def add_question(meeting: Meeting, data: QuestionData) -> Question:
    question = Question(meeting=meeting, position=len(meeting.questions))
    _apply(question, data)
    db.session.add(question)
    db.session.commit()
    return question


def update_question(question: Question, data: QuestionData) -> None:
    """Change a question; answers for options that no longer exist stay stored but are no longer counted."""
    _apply(question, data)
    db.session.commit()


def delete_question(question: Question) -> None:
    """Delete a question with its answers; the others close the gap."""
    meeting = question.meeting
    meeting.questions.remove(question)
    db.session.delete(question)
    _renumber(meeting)
    db.session.commit()


def move_question(question: Question, step: int) -> None:
    """One place up (-1) or down (+1); at the top or the bottom nothing happens."""
    questions = list(question.meeting.questions)
    k = questions.index(question)
    j = k + (1 if step > 0 else -1)
    if 0 <= j < len(questions):
        questions[k], questions[j] = questions[j], questions[k]
        for position, q in enumerate(questions):
            q.position = position
    db.session.commit()


def _renumber(meeting: Meeting) -> None:
    for position, q in enumerate(sorted(meeting.questions, key=lambda q: q.position)):
        q.position = position


def room_for(meeting: Meeting, more: int = 1) -> bool:
    return len(meeting.questions) + more <= MAX_QUESTIONS


# The ready set from the regional Fachaustausch (seed report 000, Magdeburg): what the organisers wanted to
# know from the actors. German, with English; all optional, the answers shown without names.
READY_SET = [
    QuestionData(
        QuestionKind.MULTIPLE,
        "Welche Themen sind bei der Arbeitsmarktintegration migrantischer Frauen aus Ihrer Erfahrung "
        "besonders wichtig?",
        "From your experience, which topics matter most for the labour market integration of migrant women?",
        ["Spracherwerb", "Kinderbetreuung", "Anerkennung von Abschlüssen", "Qualifizierung und Weiterbildung",
         "Aufenthaltsrecht", "Gesundheit", "Diskriminierung", "Mobilität"],
        ["Language learning", "Childcare", "Recognition of qualifications", "Training and further education",
         "Residence law", "Health", "Discrimination", "Mobility"], anonymous_results=True),
    QuestionData(QuestionKind.TEXT, "Was sind die größten Herausforderungen?",
                 "What are the biggest challenges?", anonymous_results=True),
    QuestionData(QuestionKind.TEXT, "Wo würden Sie sich oder den Frauen Unterstützung wünschen?",
                 "Where would you wish for support, for yourself or for the women?", anonymous_results=True),
    QuestionData(
        QuestionKind.MULTIPLE, "Welche Formate der Unterstützung halten Sie für angemessen?",
        "Which formats of support do you consider suitable?",
        ["Einzelberatung", "Gruppenangebote und Kurse", "Mentoring", "Online-Angebote", "Aufsuchende Arbeit",
         "Fachaustausch und Netzwerktreffen", "Fortbildungen für Fachkräfte"],
        ["Individual counselling", "Group offers and courses", "Mentoring", "Online offers", "Outreach work",
         "Professional exchange and network meetings", "Training for professionals"], anonymous_results=True),
    QuestionData(QuestionKind.TEXT, "Wo sehen Sie Stärken und wo Verbesserungspotenzial vor Ort?",
                 "Where do you see strengths, and room for improvement, locally?", anonymous_results=True),
    QuestionData(
        QuestionKind.SINGLE,
        "Arbeiten Sie mit anderen Beratungsstellen, Jobcentern, Arbeitsagenturen oder Arbeitgeberinnen und "
        "Arbeitgebern zusammen?",
        "Do you cooperate with other counselling services, job centres, employment agencies or employers?",
        ["Ja, das gelingt gut", "Ja, aber es ließe sich verbessern", "Noch nicht, aber ich möchte gern",
         "Nein"],
        ["Yes, it works well", "Yes, but it could be better", "Not yet, but I would like to", "No"],
        anonymous_results=True),
]


def add_ready_set(meeting: Meeting) -> list[Question]:
    """The ready set after the meeting's own questions, not committed."""
    added = []
    for data in READY_SET:
        question = Question(meeting=meeting, position=len(meeting.questions))
        _apply(question, data)
        db.session.add(question)
        added.append(question)
    return added


def take_ready_set(meeting: Meeting) -> int:
    """Add the ready set after the meeting's own questions and commit; returns how many were added."""
    added = add_ready_set(meeting)
    db.session.commit()
    return len(added)


def copy_questions(source: Meeting, target: Meeting) -> list[Question]:
    """The questions of ``source`` appended to ``target`` (for the next meeting of a series), without
    answers or kept counts; committed."""
    copies = []
    for q in source.questions:
        copy = Question(meeting=target, position=len(target.questions))
        _apply(copy, QuestionData(q.kind, q.text, q.text_en, list(q.options or []), list(q.options_en or []),
                                  q.required, q.anonymous_results))
        db.session.add(copy)
        copies.append(copy)
    db.session.commit()
    return copies


def set_answers(registration: Registration, answers: dict[Question, object]) -> None:
    """Store the answers (question → value; an empty value removes the answer), without committing."""
    stored = {a.question_id: a for a in registration.answers if a.question_id is not None}
    for question, value in answers.items():
        empty = value is None or value == "" or value == []
        current = stored.get(question.id)
        if empty and current is not None:
            registration.answers.remove(current)
        elif not empty and current is not None:
            current.value = value
        elif not empty:
            registration.answers.append(Answer(question=question, value=value))


def answer_of(registration: Registration, question: Question) -> object:
    """The registration's answer to ``question`` (None when there is none)."""
    for answer in registration.answers:
        if answer.question_id == question.id:
            return answer.value
    return None
