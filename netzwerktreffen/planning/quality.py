"""How good is a plan: the figures and small SVG charts on the plan page, and "why these two"."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from flask_babel import gettext as _
from flask_babel import ngettext

import scheduler
from scheduler.validate import check_plan
from scheduler.values import PairValues

from netzwerktreffen.core.i18n import format_number
from netzwerktreffen.core.models import CAFE
from netzwerktreffen.planning.cafe_choices import ranked_seat_limit
from netzwerktreffen.planning.scheduler_io import plan_groups

MINUS = "\u2212"  # the typographic minus sign, not the hyphen


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
    choice_limit: int = 0  # café: the most seatings at a ranked table the seats allow (ranked_seat_limit)

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
    return Quality(score=score, bound=bound, gap=max(gap, 0.0) if gap is not None else None,
                   valid=report["valid"], violations=report["violations"], person_value=person_value,
                   sectors_met=sectors_met, repeats=repeats, groups=groups,
                   groups_with_common_language=common, choice_rank=choice_rank,
                   blocks=report.get("blocks", {}), choice_limit=sum(
                       ranked_seat_limit(b) for b in instance.get("blocks", []) if b.get("kind") == CAFE))


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


def why(instance: dict, a: str, b: str, topic_names: dict[str, str] | None = None) -> PairReason:
    """What lies behind the value of a meeting between a and b."""
    parsed = scheduler.parse_instance(instance)
    values = PairValues(parsed)
    people = {p.id: p for p in parsed.participants}
    p, q = people[a], people[b]
    name = (topic_names or {}).get
    affinity = {frozenset((x, y)) if x != y else frozenset((x,)): v for x, y, v in parsed.sector_affinity}
    key = frozenset((p.sector, q.sector)) if p.sector != q.sector else frozenset((p.sector,))
    pair = frozenset((a, b))
    return PairReason(
        value=values.s(a, b),
        offers_to_needs=sorted(name(t, t) for t in p.offers & q.needs),
        needs_from_offers=sorted(name(t, t) for t in q.offers & p.needs),
        shared_topics=sorted(name(t, t) for t in (p.offers | p.needs) & (q.offers | q.needs)),
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
