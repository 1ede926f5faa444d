"""How good is a plan: the figures and small SVG charts on the plan page, and "why these two"."""
from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from flask_babel import gettext as _
from flask_babel import ngettext

import scheduler
from scheduler.speed import speed_bound
from scheduler.validate import check_plan
from scheduler.values import PairValues

from netzwerktreffen.core.i18n import format_number
from netzwerktreffen.core.models import CAFE
from netzwerktreffen.planning.cafe_choices import ranked_seat_limit
from netzwerktreffen.planning.chain_topics import is_chain_key, unknown_handover
from netzwerktreffen.planning.scheduler_io import plan_groups

log = logging.getLogger(__name__)
MINUS = "\u2212"  # the typographic minus sign, not the hyphen
MEANINGFUL_GAP = 0.25  # a proven gap above this says more about the bound than about the plan


def meaningful_gap(score: float | None, bound: float | None) -> float | None:
    """The proven gap worth showing an organiser ("at most 3.2 % below the best possible"), as a
    share rounded UP to a tenth of a percent (so "at most" stays true), or None where the bound says
    nothing about the plan and a percentage would mislead:

    - no bound (none stored, or none known yet while planning) or no score, or either not finite;
    - a bound below the score (made for another instance: registrations changed since);
    - a trivial bound: zero or below (a share of it means nothing; the gap could be any number);
    - a gap above MEANINGFUL_GAP (25 %): then the plan, the bound or both are far from the truth
      and nobody can say which; this is how a weak bound shows (today the café's: 21-30 %).

    The scheduler does not say whether a bound is trivial or which block kind's bound is weak
    (proposed for the plan format); until it does, the size of the gap decides.
    """
    if score is None or bound is None or not (math.isfinite(score) and math.isfinite(bound)) or bound <= 0:
        return None
    if score > bound + 1e-9 * max(1.0, bound):  # a bound the plan beats holds for another instance
        return None
    gap = max(0.0, (bound - score) / bound)
    if gap > MEANINGFUL_GAP:
        return None
    return math.ceil(round(gap * 1000, 6)) / 1000


def block_bounds(bound: float | None, block_scores: dict[str, float],
                 own: dict[str, float] | None = None) -> dict[str, float | None]:
    """Each block's proven bound, inferred web-side (the plan format has a bound for the whole plan only):
    the plan's bound minus what the other blocks of this plan score, since the blocks are scored apart
    and the best plan of one block can gain at most the whole plan's slack (one block alone: the plan's
    bound itself); or, where tighter, the block's `own` bound (one that holds for the block by itself,
    e.g. the scheduler's speed_bound). Pessimistic where several blocks share the slack, never too low."""
    total = sum(block_scores.values())
    out: dict[str, float | None] = {}
    for block_id, score in block_scores.items():
        found = [b for b in (None if bound is None else bound - (total - score), (own or {}).get(block_id))
                 if b is not None and b >= score - 1e-6]  # a bound below the block's own plan is no bound
        out[block_id] = min(found) if found else None
    return out


@dataclass
class Quality:
    score: float
    bound: float | None
    gap: float | None
    valid: bool
    violations: list
    person_value: dict[str, float]  # participant id -> sum of s(i,j) over distinct partners
    sectors_met: dict[str, int]  # participant id -> distinct sectors among partners
    repeats: int
    groups: int
    groups_with_common_language: int
    choice_rank: Counter = field(default_factory=Counter)  # café: 0,1,2 = 1st..3rd choice, None = other
    blocks: dict = field(default_factory=dict)
    block_gaps: dict[str, float | None] = field(default_factory=dict)  # plan block id -> meaningful_gap
    choice_limit: int = 0  # café: the most seatings at a ranked table the seats allow (ranked_seat_limit)

    @property
    def shown_gap(self) -> float | None:
        """The whole plan's gap as the page shows it (None: no meaningful bound)."""
        return meaningful_gap(self.score, self.bound)

    @property
    def language_fit(self) -> float:
        return self.groups_with_common_language / self.groups if self.groups else 1.0

    def worst_off(self, count: int = 5) -> list[tuple[str, float]]:
        return sorted(self.person_value.items(), key=lambda item: item[1])[:count]

    def choice_shares(self) -> list[tuple[str, float]]:
        total = sum(self.choice_rank.values())
        if not total:
            return []
        labels = [(0, "1."), (1, "2."), (2, "3."), (None, "–")]
        return [(label, self.choice_rank.get(rank, 0) / total) for rank, label in labels]

    def ranked_shares(self) -> tuple[float, float]:
        """Café: the share of guests' seatings at a table they ranked, and the most the seats allow."""
        total = sum(self.choice_rank.values())
        ranked = total - self.choice_rank.get(None, 0)
        return (ranked / total, min(self.choice_limit / total, 1.0)) if total else (0.0, 0.0)


def score_change_text(change: float) -> str:
    """What a change costs or gains, as the UI language writes it: "−25 Punkte", "+2,5 Punkte",
    "+1 Punkt" ("−25 points"); whole numbers without decimals, else one."""
    amount = round(abs(change), 1)
    if not amount:
        return _("Punkte unverändert")
    text = format_number(amount, 0 if amount == int(amount) else 1)
    sign = "+" if change > 0 else MINUS
    return ngettext("%(sign)s%(amount)s Punkt", "%(sign)s%(amount)s Punkte", 1 if amount == 1 else 2,
                    sign=sign, amount=text)


def assess(instance: dict, plan: dict) -> Quality:
    parsed = scheduler.Instance.from_dict(instance)
    values = PairValues(parsed)  # once: the validator, the score and the figures below share it
    report = check_plan(parsed, scheduler.parse_plan(plan), values)
    people = {p.id: p for p in parsed.participants}
    partners: dict[str, set[str]] = defaultdict(set)
    met = Counter()
    groups = common = 0
    for block_id, r, members in plan_groups(plan):
        members = [m for m in members if m in people]
        groups += 1
        if members and set.intersection(*(set(people[m].languages) for m in members)):
            common += 1
        for a, b in combinations(members, 2):
            partners[a].add(b)
            partners[b].add(a)
            met[(block_id, frozenset((a, b)))] += 1
    person_value = {pid: sum(values.s(pid, other) for other in partners[pid]) for pid in people}
    sectors_met = {pid: len({people[o].sector for o in partners[pid]}) for pid in people}
    repeats = sum(count - 1 for count in met.values() if count > 1)
    choice_rank: Counter = Counter()
    for block in parsed.blocks:
        if not isinstance(block, scheduler.CafeBlock):
            continue
        hosts = {t.host for t in block.tables if t.host}
        plan_block = next((b for b in plan.get("blocks", []) if b["id"] == block.id), None)
        for round_ in (plan_block or {}).get("rounds", []):
            for table, members in round_.items():
                for pid in members:
                    if pid in hosts or pid not in block.preferences:
                        continue
                    ranked = block.preferences[pid]
                    choice_rank[ranked.index(table) if table in ranked else None] += 1
    bound = plan.get("bound")
    score = report["score"]
    gap = (bound - score) / abs(bound) if bound else None
    blocks = report.get("blocks", {})
    block_scores = {block_id: row["score"] for block_id, row in blocks.items()}
    own = _own_bounds(parsed, values, block_scores)
    block_gaps = {block_id: meaningful_gap(block_scores[block_id], block_bound)
                  for block_id, block_bound in block_bounds(bound, block_scores, own).items()}
    return Quality(score=score, bound=bound, gap=max(gap, 0.0) if gap is not None else None,
                   valid=report["valid"], violations=report["violations"], person_value=person_value,
                   sectors_met=sectors_met, repeats=repeats, groups=groups,
                   groups_with_common_language=common, choice_rank=choice_rank,
                   blocks=blocks, block_gaps=block_gaps, choice_limit=sum(
                       ranked_seat_limit(b) for b in instance.get("blocks", []) if b.get("kind") == CAFE))


def _own_bounds(parsed: scheduler.Instance, values: PairValues, block_scores: dict) -> dict[str, float]:
    """Speed blocks' bounds of their own (cheap: each person's best partners); none where it fails."""
    own = {}
    for block in parsed.blocks:
        if isinstance(block, scheduler.SpeedBlock) and block.id in block_scores:
            try:
                own[block.id] = speed_bound(parsed, block, values)
            except Exception:  # noqa: BLE001 - the page shows "no meaningful bound" rather than fail
                log.exception("no bound of its own for block %s", block.id)
    return own


@dataclass
class PairReason:
    value: float
    offers_to_needs: list[str]  # what a offers that b needs
    needs_from_offers: list[str]  # what b offers that a needs
    shared_topics: list[str]
    sector_a: str
    sector_b: str
    affinity: float
    wish: bool
    history: bool
    forbidden: str | None
    weights: scheduler.Weights
    handovers: list[str] = field(default_factory=list)  # neighbouring stations of a process chain, each one match


def why(instance: dict, a: str, b: str, topic_names: dict[str, str] | None = None) -> PairReason:
    """What lies behind the value of a meeting between a and b."""
    parsed = scheduler.parse_instance(instance)
    values = PairValues(parsed)
    people = {p.id: p for p in parsed.participants}
    p, q = people[a], people[b]
    name = (topic_names or {}).get
    handovers = [t for t in sorted(p.offers & q.needs) + sorted(q.offers & p.needs) if is_chain_key(t)]
    affinity = {frozenset((x, y)) if x != y else frozenset((x,)): v for x, y, v in parsed.sector_affinity}
    key = frozenset((p.sector, q.sector)) if p.sector != q.sector else frozenset((p.sector,))
    pair = frozenset((a, b))
    return PairReason(
        value=values.s(a, b),
        offers_to_needs=sorted(name(t, t) for t in p.offers & q.needs if not is_chain_key(t)),
        needs_from_offers=sorted(name(t, t) for t in q.offers & p.needs if not is_chain_key(t)),
        shared_topics=sorted(name(t, t) for t in (p.offers | p.needs) & (q.offers | q.needs) if not is_chain_key(t)),
        handovers=sorted(name(t) or unknown_handover() for t in handovers),
        sector_a=p.sector, sector_b=q.sector,
        affinity=affinity.get(key, 0.0 if p.sector == q.sector else 1.0),
        wish=pair in {frozenset(w) for w in parsed.wish},
        history=pair in {frozenset(h) for h in parsed.history},
        forbidden=values.forbidden_reason(a, b),
        weights=parsed.weights)


def histogram(data: list[float], bins: int = 10) -> list[tuple[str, int]]:
    """Equal-width bins with labels, for a bar chart."""
    if not data:
        return []
    low, high = min(data), max(data)
    if low == high:
        return [(format_number(low, 0 if float(low).is_integer() else 1), len(data))]
    width = (high - low) / bins
    counts = [0] * bins
    for x in data:
        counts[min(int((x - low) / width), bins - 1)] += 1
    return [(f"{format_number(low + k * width, 0)}–{format_number(low + (k + 1) * width, 0)}", c)
            for k, c in enumerate(counts)]


def counts(data: list[int]) -> list[tuple[str, int]]:
    """How often each whole number occurs, from the smallest to the largest (gaps shown as 0)."""
    if not data:
        return []
    tally = Counter(data)
    return [(str(k), tally.get(k, 0)) for k in range(min(data), max(data) + 1)]
