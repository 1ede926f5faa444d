"""The results of the questions at registration: figures per question, a chart made with matplotlib
(``registration.charts``), counts per sector, and the free-text answers.

``question_results(meeting)`` is what the organiser's page, the projector ("Was Sie uns gesagt haben") and
the meeting's report use. Answers of cancelled registrations are not counted. After the personal data is
deleted, the counts kept then (``Question.kept_counts``) are added; sectors and texts are gone with it.

Nobody can be picked out per sector: a sector with fewer than ``MIN_GROUP`` answers is not shown on its
own but in "weitere Bereiche"; when that group would itself be smaller than ``MIN_GROUP``, the smallest
sectors shown join it until it is not (else its counts would follow from the totals).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, Answer, Meeting, Question, QuestionKind, Registration, Sector
from netzwerktreffen.core.questions import count_choices
from netzwerktreffen.registration import charts

MIN_GROUP = 5
OTHERS_COLOR = "#9aa3ae"


@dataclass
class TextAnswer:
    text: str
    name: str = ""  # empty where the question's results are anonymous
    organisation: str = ""


@dataclass
class SectorRow:
    label: str
    color: str
    counts: list[int]  # per choice
    answered: int  # people in this group who answered


@dataclass
class QuestionResult:
    question: Question
    answered: int  # people who answered
    labels: list[str] = field(default_factory=list)  # the choices, in the UI language
    counts: list[int] = field(default_factory=list)
    by_sector: list[SectorRow] = field(default_factory=list)  # [] when too few answers for it
    texts: list[TextAnswer] = field(default_factory=list)
    kept: int = 0  # answers counted from before the deletion of the personal data
    chart_svg: str = ""
    sector_svg: str = ""

    @property
    def has_chart(self) -> bool:
        return bool(self.chart_svg)

    @property
    def chart_src(self) -> str:
        return charts.data_uri(self.chart_svg)

    @property
    def sector_src(self) -> str:
        return charts.data_uri(self.sector_svg)


def live_answers(question: Question) -> list[Answer]:
    """The answers of registrations not cancelled, with their registrations loaded."""
    return list(db.session.scalars(
        select(Answer).join(Registration).where(Answer.question_id == question.id, Registration.status != CANCELLED)
        .order_by(Registration.id)))


def choice_labels(question: Question) -> list[str]:
    if question.kind == QuestionKind.SCALE:
        return question.choices
    return question.display_options


def sector_rows(question: Question, answers: list[Answer]) -> list[SectorRow]:
    """Counts per sector, with the small-count rule (see the module's note)."""
    groups: dict[Sector | None, list[Answer]] = defaultdict(list)
    for answer in answers:
        if answer.chosen:
            groups[answer.registration.sector].append(answer)
    if sum(len(g) for g in groups.values()) < MIN_GROUP:
        return []
    shown = sorted((s for s in groups if s is not None and len(groups[s]) >= MIN_GROUP),
                   key=lambda s: (s.position, s.name))
    others = [a for s, group in groups.items() if s not in shown for a in group]
    while 0 < len(others) < MIN_GROUP and shown:
        smallest = min(shown, key=lambda s: (len(groups[s]), -s.position))
        shown.remove(smallest)
        others += groups[smallest]
    choices = question.choices

    def row(label: str, color: str, group: list[Answer]) -> SectorRow:
        counted = count_choices(question, group)
        return SectorRow(label, color, [counted[c] for c in choices], len(group))

    rows = [row(s.display_name, s.color, groups[s]) for s in shown]
    if others:
        rows.append(row(_("weitere Bereiche"), OTHERS_COLOR, others) if shown
                    else row(_("alle Bereiche"), charts.ACCENT, others))
    return rows


def text_answers(question: Question, answers: list[Answer]) -> list[TextAnswer]:
    texts = []
    for answer in answers:
        if isinstance(answer.value, str) and answer.value.strip():
            person = answer.registration
            texts.append(TextAnswer(answer.value.strip()) if question.anonymous_results
                         else TextAnswer(answer.value.strip(), person.name, person.organisation))
    return texts


def question_result(question: Question, with_charts: bool = True) -> QuestionResult:
    answers = live_answers(question)
    kept = question.kept_counts or {}
    result = QuestionResult(question, answered=sum(1 for a in answers if a.chosen) + int(kept.get("answered") or 0),
                            kept=int(kept.get("answered") or 0))
    if question.kind == QuestionKind.TEXT:
        result.texts = text_answers(question, answers)
        return result
    counted = count_choices(question, answers)
    counted.update({c: int(n) for c, n in (kept.get("counts") or {}).items() if c in question.choices})
    result.labels = choice_labels(question)
    result.counts = [counted[c] for c in question.choices]
    result.by_sector = sector_rows(question, answers)
    if with_charts and result.answered:
        axis = _("Anzahl der Nennungen")
        result.chart_svg = charts.bar_chart(result.labels, result.counts, axis)
        if result.by_sector:
            result.sector_svg = charts.stacked_chart(
                result.labels, [(r.label, r.color, r.counts) for r in result.by_sector], axis)
    return result


def question_results(meeting: Meeting, with_charts: bool = True) -> list[QuestionResult]:
    """Per question of the meeting, in order: the figures and (``with_charts``) the charts as SVG."""
    return [question_result(q, with_charts) for q in meeting.questions]
