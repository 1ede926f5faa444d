"""Ideas for next time: topics participants suggest for coming meetings, and their feedback.

On the personal page a registered person (not cancelled) may suggest topics at any time, up to
``MAX_SUGGESTIONS``: a topic for the next meeting makes sense before the meeting too. Feedback (how useful
were the speed-networking rounds and the café, 1–5, only for the kinds of block the meeting has, and a
comment) opens when the meeting starts, for people who are confirmed and not marked as no-shows: before it,
there is nothing to rate. Both can be changed until the personal data is deleted (``retention``); after that
they stay with the meeting, anonymous (the models are in ``core.feedback``).

Organisers see the suggestions grouped (``suggestion_groups``) and the feedback figures
(``feedback_summary``); both are plain reads that the report can use as they are.

Grouping rule, as the page explains it: two suggestions belong together when they have the same content
words: case, accents and umlauts (ä = ae), punctuation and word order do not count, nor do short filler
words ("und", "für", "the", …) or the endings -e, -en, -er, -es, -em, -n, -s, cut one after the other
while four letters stay (Sprachkurs = Sprachkurse, ausländischer = ausländischen). Simple on purpose: it
may also join two words that differ only so (Lehre, Lehrer); the page shows every wording of a group.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.feedback import COMMENT_LENGTH, SUGGESTION_LENGTH
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import (CAFE, CANCELLED, CONFIRMED, SPEED, Feedback, Meeting, Organiser,
                                        Registration, TopicSuggestion)

MAX_SUGGESTIONS = 5  # per person and meeting
RATINGS = (1, 2, 3, 4, 5)

STOP_WORDS = frozenset("""
    der die das den dem des ein eine einer eines einem einen und oder aber fuer von vom zu zum zur im in
    ins am an auf aus bei mit nach ueber unter wie was wer wo wir ihr sie es ist sind sein mehr noch auch
    als dass bzw etc neue neuen neues thema themen
    the a an of for and or to on in at with how what more new topic
""".split())
ENDINGS = ("en", "er", "es", "em", "e", "n", "s")  # cut while four letters stay
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


class IdeasError(Exception):
    """A suggestion or feedback that cannot be taken; the message is for the person."""


# ---------------------------------------------------------------- who may do what, and when


def meeting_started(meeting: Meeting, now: datetime | None = None) -> bool:
    """The meeting has begun (local time): from now on feedback makes sense."""
    return (now or local_now()) >= datetime.combine(meeting.date, meeting.start_time)


def may_suggest(registration: Registration) -> bool:
    return registration.status != CANCELLED and registration.meeting.purged_at is None


def may_give_feedback(registration: Registration, now: datetime | None = None) -> bool:
    return (registration.status == CONFIRMED and not registration.no_show
            and meeting_started(registration.meeting, now))


def rated_kinds(meeting: Meeting) -> list[str]:
    """The kinds of block the meeting has, in the order the feedback asks about them."""
    kinds = {block.kind for block in meeting.blocks}
    return [kind for kind in (SPEED, CAFE) if kind in kinds]


# ---------------------------------------------------------------- writing (from the personal page)


def add_suggestion(registration: Registration, text: str) -> TopicSuggestion:
    text = " ".join(text.split())
    if not may_suggest(registration):
        raise IdeasError(_("Mit einer stornierten Anmeldung lassen sich keine Themen vorschlagen."))
    if not text:
        raise IdeasError(_("Bitte schreiben Sie ein Thema in das Feld."))
    if len(text) > SUGGESTION_LENGTH:
        raise IdeasError(_("Bitte fassen Sie das Thema in höchstens %(n)s Zeichen.", n=SUGGESTION_LENGTH))
    if len(registration.topic_suggestions) >= MAX_SUGGESTIONS:
        raise IdeasError(_("Sie haben schon %(n)s Themen vorgeschlagen, mehr gehen nicht. Löschen Sie eines, "
                           "um ein anderes vorzuschlagen.", n=MAX_SUGGESTIONS))
    if any(group_key(s.text) == group_key(text) for s in registration.topic_suggestions):
        raise IdeasError(_("Dieses Thema haben Sie schon vorgeschlagen."))
    suggestion = TopicSuggestion(meeting=registration.meeting, registration=registration, text=text)
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


def delete_suggestion(registration: Registration, suggestion_id: int) -> bool:
    """Delete one of the person's own suggestions; False when it is not theirs (or gone)."""
    suggestion = next((s for s in registration.topic_suggestions if s.id == suggestion_id), None)
    if suggestion is None:
        return False
    db.session.delete(suggestion)
    db.session.commit()
    return True


def save_feedback(registration: Registration, speed: int | None, cafe: int | None, comment: str) -> Feedback:
    """Create or change the person's feedback; ratings for a kind of block the meeting lacks are dropped."""
    if not may_give_feedback(registration):
        raise IdeasError(_("Rückmeldungen sind ab Beginn des Treffens möglich, für angemeldete Teilnehmende."))
    kinds = rated_kinds(registration.meeting)
    for value in (speed, cafe):
        if value is not None and value not in RATINGS:
            raise IdeasError(_("Bitte bewerten Sie mit einer Zahl von 1 bis 5."))
    if len(comment) > COMMENT_LENGTH:
        raise IdeasError(_("Bitte fassen Sie Ihren Kommentar in höchstens %(n)s Zeichen.", n=COMMENT_LENGTH))
    feedback = registration.feedback or Feedback(meeting=registration.meeting, registration=registration)
    feedback.speed = speed if SPEED in kinds else None
    feedback.cafe = cafe if CAFE in kinds else None
    feedback.comment = comment.strip()
    db.session.add(feedback)
    db.session.commit()
    return feedback


# ---------------------------------------------------------------- grouping suggestions


def normalise(text: str) -> str:
    """Lower case, umlauts spelt out (ä = ae, ß = ss), other accents dropped, punctuation to spaces."""
    text = text.casefold().translate(UMLAUTS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


def _stem(word: str) -> str:
    """Cut the endings off, one after the other, while at least four letters stay (sprachkursen → sprachkur)."""
    while True:
        ending = next((e for e in ENDINGS if word.endswith(e) and len(word) - len(e) >= 4), None)
        if ending is None:
            return word
        word = word[: -len(ending)]


def group_key(text: str) -> tuple[str, ...]:
    """The content words, sorted: suggestions with the same key are one group (see the module's rule)."""
    words = normalise(text).split()
    content = {_stem(w) for w in words if w not in STOP_WORDS} or {_stem(w) for w in words}
    return tuple(sorted(content))


@dataclass
class SuggestionGroup:
    """Suggestions with the same content words: the most frequent wording, how many, and every text."""

    label: str
    texts: list[str] = field(default_factory=list)  # each suggestion as typed, in the order they came

    @property
    def count(self) -> int:
        return len(self.texts)

    @property
    def wordings(self) -> list[tuple[str, int]]:
        """The different wordings with how often each was typed (exact text), most frequent first."""
        counts: dict[str, int] = {}
        for text in self.texts:
            counts[text] = counts.get(text, 0) + 1
        return sorted(counts.items(), key=lambda item: -item[1])


def suggestion_groups(meeting: Meeting) -> list[SuggestionGroup]:
    """The meeting's topic suggestions grouped by ``group_key``, largest group first (then alphabetically);
    the label is the wording typed most often (the first one on a tie). Names are never part of it."""
    groups: dict[tuple[str, ...], SuggestionGroup] = {}
    for suggestion in sorted(meeting.topic_suggestions, key=lambda s: s.id):
        key = group_key(suggestion.text)
        if key:
            groups.setdefault(key, SuggestionGroup(label=suggestion.text)).texts.append(suggestion.text)
    for group in groups.values():
        group.label = group.wordings[0][0]
    return sorted(groups.values(), key=lambda g: (-g.count, normalise(g.label)))


def later_meetings(source: Meeting, organiser: Organiser) -> list[Meeting]:
    """The organiser's meetings after ``source``: where its suggestions may go as programme points
    (``meetings.programme.add_suggested_points``), or as café questions where they have a café."""
    return sorted((m for m in organiser.meetings if m.date > source.date and m.id != source.id),
                  key=lambda m: (m.date, m.start_time))


def later_meetings_with_cafe(source: Meeting, organiser: Organiser) -> list[Meeting]:
    """The organiser's meetings after ``source`` that have a café: where its suggestions may go as café
    questions (``meetings.series.take_over_suggestions``)."""
    return [m for m in later_meetings(source, organiser) if any(b.is_cafe for b in m.blocks)]


# ---------------------------------------------------------------- feedback figures


@dataclass
class Rating:
    """The answers to one rating question: how many gave each mark 1–5."""

    kind: str
    counts: dict[int, int]

    @property
    def answers(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        return sum(k * n for k, n in self.counts.items()) / self.answers if self.answers else None

    @property
    def share_useful(self) -> float | None:
        """The share of 4 and 5 among the answers (0.75 = 75 %)."""
        return (self.counts[4] + self.counts[5]) / self.answers if self.answers else None


@dataclass
class FeedbackSummary:
    responses: int  # feedback forms sent
    ratings: list[Rating]  # one per kind of block the meeting has (``rated_kinds``)
    comments: list[str]  # non-empty comments, oldest first, without names


def feedback_summary(meeting: Meeting) -> FeedbackSummary:
    entries = sorted(meeting.feedbacks, key=lambda f: f.id)
    ratings = []
    for kind in rated_kinds(meeting):
        counts = dict.fromkeys(RATINGS, 0)
        for entry in entries:
            value = entry.speed if kind == SPEED else entry.cafe
            if value in counts:
                counts[value] += 1
        ratings.append(Rating(kind=kind, counts=counts))
    return FeedbackSummary(responses=len(entries), ratings=ratings,
                           comments=[e.comment for e in entries if e.comment.strip()])
