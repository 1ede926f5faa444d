"""The meeting's report for the organiser's concept and for funders: every figure, read from the database.

``meeting_report(meeting)`` gathers what the PDF (``report.document``), the .docx (``report.word``), the
organiser's page and ``flask report`` show: who came (by sector along the process chain, per station of the
chains, the organisations), the programme, the answers to the questions at registration, how many new
contacts were made and between which sectors, the café's questions and harvest, the rules for guaranteed
meetings, and the ideas and feedback for next time. It only reads.

Privacy, as in the rest of the app: names appear only of people who agreed to the participant list
(``consent_listing``); free-text answers appear without names; counts per sector follow the small-count rule
of the survey (``registration.survey.MIN_GROUP``). After the personal data is deleted the report keeps what
is kept (the survey's counts, the café's results, suggestions and feedback) and says that the rest is gone.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from netzwerktreffen.afterwards import harvest, ideas
from netzwerktreffen.afterwards.contacts import attended
from netzwerktreffen.chains.overview import Chain, who_does_what
from netzwerktreffen.core.models import (CANCELLED, CONFIRMED, WAITLISTED, Meeting, PlanVersion, Registration,
                                        Sector)
from netzwerktreffen.core.names import by_family_name
from netzwerktreffen.core.programme import AgendaItem, agenda
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.coverage_report import RuleResult, must_meet_all, plan_rules
from netzwerktreffen.registration import survey

NO_SECTOR = "–"


@dataclass
class SectorCount:
    sector: Sector | None
    label: str
    color: str
    registered: int = 0  # confirmed registrations (walk-ins included)
    came: int = 0  # of them not marked as no-show


@dataclass
class Attendance:
    registered: int  # confirmed, walk-ins included
    came: int  # confirmed and not marked as no-show
    checked_in: int
    walk_ins: int
    no_shows: int
    waitlisted: int
    cancelled: int
    by_sector: list[SectorCount]
    organisations: list[tuple[str, int]]  # (organisation, people who came), by name
    listed: list[Registration]  # who came and agreed to the participant list, by family name


@dataclass
class Contacts:
    """Who met whom at this meeting (by the published plan, only people who came)."""

    planned: bool  # a published plan exists
    pairs: int = 0  # different pairs who sat together at least once
    new_pairs: int = 0  # of them not met at an earlier meeting of the series
    known_pairs: int = 0  # met before
    series: bool = False  # the meeting belongs to a series (else every pair counts as new)
    earlier_meetings: int = 0  # published earlier meetings of the series
    people: int = 0  # people who came and sat in the plan
    labels: list[str] = field(default_factory=list)  # the sectors of the matrix, along the chain
    colors: list[str] = field(default_factory=list)
    matrix: list[list[int]] = field(default_factory=list)  # new pairs between sector i and j (symmetric)

    @property
    def per_person(self) -> float | None:
        """New contacts per person who came (each pair counts for both)."""
        return 2 * self.new_pairs / self.people if self.people else None


@dataclass
class MeetingReport:
    meeting: Meeting
    purged: bool
    attendance: Attendance
    chains: list[Chain]
    programme: list[AgendaItem]
    questions: list[survey.QuestionResult]
    contacts: Contacts
    cafe: list[harvest.TableResult]
    rules: list[RuleResult]
    must_meet: tuple[int, int]  # (named people met, named people wanted) over everyone
    suggestions: list[ideas.SuggestionGroup]
    feedback: ideas.FeedbackSummary

    def texts(self, result: survey.QuestionResult) -> list[tuple[str, int]]:
        """A question's free-text answers without names, the same text once with how often it came."""
        return counted([text.text for text in result.texts])

    @property
    def comments(self) -> list[tuple[str, int]]:
        return counted(self.feedback.comments)

    @property
    def cafe_filled(self) -> int:
        """Café tables with harvested results."""
        return sum(1 for result in self.cafe if harvest.has_harvest(result.table))


def counted(texts: list[str]) -> list[tuple[str, int]]:
    """Each different text once (spaces and case aside) with its count, most frequent first, else in order."""
    seen: dict[str, list] = {}
    for text in texts:
        key = " ".join(text.split()).casefold()
        if key:
            seen.setdefault(key, [text.strip(), 0])[1] += 1
    return [(text, n) for text, n in sorted(seen.values(), key=lambda item: -item[1])]


def _sector_key(sector: Sector | None) -> tuple:
    return (sector.position, sector.name) if sector else (10**6, "")


def attendance(meeting: Meeting) -> Attendance:
    confirmed = [r for r in meeting.registrations if r.status == CONFIRMED]
    came = [r for r in confirmed if attended(r)]
    sectors: dict[int | None, SectorCount] = {}
    for person in confirmed:
        sector = person.sector
        row = sectors.setdefault(sector.id if sector else None, SectorCount(
            sector, sector.display_name if sector else NO_SECTOR, sector.color if sector else survey.OTHERS_COLOR))
        row.registered += 1
        row.came += attended(person)
    organisations = Counter(" ".join(r.organisation.split()) for r in came if r.organisation.strip())
    return Attendance(
        registered=len(confirmed), came=len(came), checked_in=sum(1 for r in came if r.checked_in_at),
        walk_ins=sum(1 for r in came if r.walk_in), no_shows=sum(1 for r in confirmed if r.no_show),
        waitlisted=sum(1 for r in meeting.registrations if r.status == WAITLISTED),
        cancelled=sum(1 for r in meeting.registrations if r.status == CANCELLED),
        by_sector=sorted(sectors.values(), key=lambda row: _sector_key(row.sector)),
        organisations=sorted(organisations.items(), key=lambda item: item[0].casefold()),
        listed=by_family_name([r for r in came if r.consent_listing]))


def _met_pairs(plan: dict, came: dict[int, Registration]) -> set[tuple[int, int]]:
    pairs = set()
    for _block, _round, members in scheduling.plan_groups(plan):
        ids = sorted({scheduling.registration_id(pid) for pid in members
                      if isinstance(pid, str) and pid[1:].isdigit()} & came.keys())
        pairs.update(combinations(ids, 2))
    return pairs


def contacts(meeting: Meeting, version: PlanVersion | None = None) -> Contacts:
    """Who met whom by ``version`` (default: the published plan)."""
    version = version or scheduling.published(meeting)
    if version is None:
        return Contacts(planned=False)
    came = {r.id: r for r in meeting.registrations if attended(r)}
    pairs = _met_pairs(version.plan, came)
    earlier = scheduling.met_earlier(meeting, list(came.values()))
    earlier_meetings = len({version.meeting_id for version in scheduling.earlier_versions(meeting)})
    new = pairs - earlier
    seated = {rid for pair in pairs for rid in pair}
    sectors = sorted({came[rid].sector for rid in seated}, key=_sector_key)
    index = {sector: k for k, sector in enumerate(sectors)}
    matrix = [[0] * len(sectors) for _ in sectors]
    for a, b in new:
        i, j = index[came[a].sector], index[came[b].sector]
        matrix[i][j] += 1
        if i != j:
            matrix[j][i] += 1
    return Contacts(planned=True, pairs=len(pairs), new_pairs=len(new), known_pairs=len(pairs & earlier),
                    series=bool(meeting.series_name), earlier_meetings=earlier_meetings,
                    people=len(seated),
                    labels=[s.display_name if s else NO_SECTOR for s in sectors],
                    colors=[s.color if s else survey.OTHERS_COLOR for s in sectors], matrix=matrix)


def _rules(meeting: Meeting, version: PlanVersion | None) -> tuple[list[RuleResult], tuple[int, int]]:
    if version is None:
        return [], (0, 0)
    rules = plan_rules(meeting, version)
    wanted = [w for _person, rows in must_meet_all(meeting, version) for w in rows]
    return rules, (sum(1 for w in wanted if w.met), len(wanted))


def meeting_report(meeting: Meeting) -> MeetingReport:
    version = scheduling.published(meeting)
    rules, must_meet = _rules(meeting, version)
    return MeetingReport(
        meeting=meeting, purged=meeting.purged_at is not None, attendance=attendance(meeting),
        chains=who_does_what(meeting), programme=agenda(meeting), questions=survey.question_results(meeting),
        contacts=contacts(meeting, version), cafe=harvest.results(meeting), rules=rules, must_meet=must_meet,
        suggestions=ideas.suggestion_groups(meeting), feedback=ideas.feedback_summary(meeting))
