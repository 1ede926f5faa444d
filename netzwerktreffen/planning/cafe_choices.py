"""How much café guests' table choices count: the web app's preference weights.

Guests rank café tables (1st, 2nd, 3rd) by the table's question, and an organiser expects them there.
The scheduler's default preference weights (3/2/1, ../shared/spec/scheduler-io.md) are small against
the pair values a guest gains at a table (often 30–60 together), so the optimiser would seat most
guests by whom they meet. The web app's instance therefore weighs choices by the organiser's setting
"Tischwahl zählt: wenig / mittel / stark" (``Meeting.cafe_choices``), derived from the instance's own
pair values (``choice_weights``). The scheduler's defaults stay as the spec says.
"""
from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l

import scheduler
from scheduler.values import PairValues

from netzwerktreffen.core.models import CafeChoices

CAFE = "pro-action-cafe"
# the third choice as a share of what a guest can gain from pairs at one table
LEVEL_SHARE = {CafeChoices.LITTLE: 1 / 16, CafeChoices.MEDIUM: 1 / 4, CafeChoices.STRONG: 2.0}
# 1st, 2nd, 3rd choice relative to the 3rd
RANK_SHAPE = (1.5, 1.25, 1.0)
RULES = ("revisit", "balance", "forbidden")  # soft rules a choice must not pay for (balance: below "strong")
RULE_DEFAULTS = {"revisit": 60.0, "balance": 100.0, "forbidden": 100.0}
GAIN_PERCENTILE = 0.9
LEVEL_LABELS = {CafeChoices.LITTLE.value: _l("wenig"), CafeChoices.MEDIUM.value: _l("mittel"),
                CafeChoices.STRONG.value: _l("stark")}
LEVEL_HELP = _l("Wie sehr die Tischwünsche der Gäste im Pro-Action-Café bei der Planung zählen. „stark“: Wer "
                "Tische gewählt hat, sitzt an einem davon, wo immer Plätze frei sind. „mittel“: meistens. "
                "„wenig“: Vor allem zählt, wer wen trifft; ein gewählter Tisch ist nur ein Pluspunkt.")


def table_gain(instance: dict) -> float:
    """What a café guest can gain from pairs at one table, in the instance's pair values: per guest who
    ranked tables, the sum of their best ``seats - 1`` positive pair values with people of the block
    they may meet; the 90th percentile over those guests (the few with extreme values would make the
    choices outweigh everything), the largest over the café blocks. 0 without café choices, and 0 when
    the instance does not parse (then the scheduler refuses it anyway)."""
    blocks = [b for b in instance.get("blocks", []) if b.get("kind") == CAFE and b.get("preferences")]
    if not blocks:
        return 0.0
    try:
        values = PairValues(scheduler.parse_instance(instance))
    except scheduler.InstanceError:
        return 0.0
    index = values.index
    best = 0.0
    for block in blocks:
        absent = {pid for pid, rounds in (block.get("present") or {}).items() if not rounds}
        people = [index[p["id"]] for p in instance["participants"] if p["id"] not in absent]
        mates = max((t.get("seats", 0) for t in block.get("tables", [])), default=1) - 1
        gains = []
        for pid in block["preferences"]:
            if pid in absent or pid not in index:
                continue
            i = index[pid]
            row, banned = values.value[i], values.is_forbidden[i]
            found = sorted((row[j] for j in people if j != i and not banned[j] and row[j] > 0), reverse=True)
            gains.append(sum(found[:mates]))
        if gains:
            gains.sort()
            best = max(best, gains[min(len(gains) - 1, math.ceil(GAIN_PERCENTILE * len(gains)) - 1)])
    return best


def choice_weights(level: str, instance: dict) -> dict:
    """The weights for ``level`` ("little", "medium", "strong"): ``preference`` for the 1st, 2nd and 3rd
    choice, and the rules moved so that a choice never pays for breaking them.

    With gain = ``table_gain(instance)``: "strong" makes the third choice worth 2 × gain + 1, so every
    ranked table outweighs what a guest can gain from pairs at any one table, and even filling
    (``balance`` lowered to gain + 1: still above the pairs) does not keep a guest from a chosen table
    whose seats are free; a guest sits at a ranked table whenever seats allow. "medium" makes the third
    choice a quarter of the gain and "little" a sixteenth (close to the spec's 3/2/1 on typical meetings);
    there even filling comes first. The first choice is 1.5 times the third, the second 1.25 times.
    ``revisit`` and ``forbidden`` (and ``balance`` below "strong") become at least first choice + gain, so
    no choice with any pair gain buys a second visit to a table or a forbidden meeting. Without café
    choices the answer is empty (the scheduler's defaults)."""
    gain = table_gain(instance)
    if gain <= 0:
        return {}
    level = CafeChoices(level) if level in CafeChoices._value2member_map_ else CafeChoices.STRONG
    strong = level == CafeChoices.STRONG
    third = gain * LEVEL_SHARE[level] + (1 if strong else 0)
    preference = [max(1, math.ceil(third * shape)) for shape in RANK_SHAPE]
    given = instance.get("weights") or {}
    out: dict = {"preference": preference}
    for rule in RULES:
        now = float(given.get(rule, RULE_DEFAULTS[rule]))
        floor = preference[0] + math.ceil(gain)
        if rule == "balance" and strong:
            out[rule] = min(now, math.ceil(gain) + 1)
        elif now < floor:
            out[rule] = floor
    return out


def weigh_cafe_choices(instance: dict, level: str) -> dict:
    """``instance`` with its weights for the organiser's level (``choice_weights``); a ``preference`` the
    meeting's own weights already set is kept (an expert's choice). Changes and returns ``instance``."""
    weights = instance.setdefault("weights", {})
    if "preference" in weights:
        return instance
    weights.update(choice_weights(level, instance))
    return instance


def choice_counts(block: dict, rounds: list[dict]) -> list[int]:
    """Seatings of guests who ranked tables, by what the table was to them: [1st, 2nd, 3rd, unranked].
    ``block`` is an instance's café block, ``rounds`` its seating per round ({table id: [ids]})."""
    hosts = {t["id"]: t.get("host") for t in block.get("tables", [])}
    preferences = block.get("preferences") or {}
    counts = [0, 0, 0, 0]
    for seating in rounds:
        for tid, seated in seating.items():
            for pid in seated:
                ranked = preferences.get(pid)
                if not ranked or pid == hosts.get(tid):
                    continue
                counts[min(ranked.index(tid), 2) if tid in ranked else 3] += 1
    return counts


def ranked_seat_limit(block: dict, rounds: int | None = None) -> int:
    """The most seatings at a ranked table that the seats allow: a flow from each guest who ranked
    tables (as many seatings as rounds they attend, each ranked table once) to the tables (their
    seats minus the host, every round). Ignores languages, forbidden pairs and even filling, so it is
    an upper limit; ``choice_counts`` over it is the share "where seats allow"."""
    rounds = block.get("rounds", 1) if rounds is None else rounds
    present = block.get("present") or {}
    hosts = {t.get("host") for t in block.get("tables", [])}
    room = {t["id"]: rounds * (t.get("seats", 0) - (1 if t.get("host") else 0)) for t in block.get("tables", [])}
    guests = {pid: [tid for tid in ranked if tid in room]
              for pid, ranked in (block.get("preferences") or {}).items() if pid not in hosts}
    wants = {pid: min(len(present[pid]) if pid in present else rounds, len(ranked))
             for pid, ranked in guests.items()}
    taken: dict[str, list[str]] = {tid: [] for tid in room}  # who sits at each table (one seat-round each)

    def place(pid: str, leaving: str | None, seen: set) -> bool:  # an augmenting path (Kuhn)
        for tid in guests[pid]:
            if tid == leaving or tid in seen or pid in taken[tid]:
                continue
            seen.add(tid)
            if len(taken[tid]) < room[tid]:
                taken[tid].append(pid)
                return True
            for other in list(taken[tid]):
                if place(other, tid, seen):  # someone seated here moves to another of their tables
                    taken[tid].remove(other)
                    taken[tid].append(pid)
                    return True
        return False

    placed = 0
    for pid, count in wants.items():
        for _ in range(count):
            placed += place(pid, None, set())
    return placed
