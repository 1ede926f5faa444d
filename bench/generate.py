"""The project's own benchmark instances, generated from a seed."""

from __future__ import annotations

import random

SECTORS = ["jobcenter", "arbeitsagentur", "migrationsberatung", "sprachschule", "bildungstraeger",
           "arbeitgeber", "kammer", "kommune", "hochschule", "zivilgesellschaft"]
TOPICS = ["sprachkurse", "praktika", "anerkennung", "beratung", "arbeitsplaetze", "kinderbetreuung",
          "qualifizierung", "vermittlung", "foerdermittel", "wohnraum", "begleitung", "daten"]


def _languages(rng: random.Random, n: int) -> list[str]:
    """Mostly German; a few speak English too; in larger meetings a few
    speak no German (small ones would leave them without enough partners)."""
    roll = rng.random()
    if roll < 0.85:
        return ["de"]
    if roll < 0.95 or n < 60:
        return ["de", "en"]
    return rng.choice([["en"], ["ar", "en"]])


def generate(n: int, rounds: int, seed: int, *, late: float = 0.0, fairness: float = 0.0) -> dict:
    rng = random.Random(seed)
    people, org = [], 0
    while len(people) < n:
        size = rng.randint(1, 4)
        org += 1
        for _ in range(min(size, n - len(people))):
            k = len(people)
            people.append({
                "id": f"p{k:03d}", "name": f"Person {k}", "organisation": f"Org {org}",
                "sector": rng.choice(SECTORS),
                "offers": sorted(rng.sample(TOPICS, rng.randint(1, 3))),
                "needs": sorted(rng.sample(TOPICS, rng.randint(1, 3))),
                "languages": _languages(rng, n),
            })
    ids = [p["id"] for p in people]
    pairs = lambda count: [sorted(rng.sample(ids, 2)) for _ in range(count)]  # noqa: E731
    present = {}
    for pid in rng.sample(ids, int(late * n) if rounds > 1 else 0):
        if rng.random() < 0.5:
            present[pid] = list(range(rng.randint(1, rounds - 1), rounds))  # arrives late
        else:
            present[pid] = list(range(0, rng.randint(1, rounds - 1)))  # leaves early
    return {
        "format": "netzwerktreffen-instance/1",
        "name": f"generated n={n} R={rounds} seed={seed}",
        "weights": {"fairness": fairness},
        "sector_affinity": [["jobcenter", "sprachschule", 2.0], ["jobcenter", "arbeitgeber", 2.5],
                            ["migrationsberatung", "sprachschule", 1.5], ["kammer", "arbeitgeber", 2.0]],
        "participants": people,
        "avoid": pairs(n // 50),
        "wish": pairs(n // 10),
        "history": pairs(n // 7),
        "blocks": [{"id": "speed", "kind": "speed-networking", "rounds": rounds, "group_size": 2,
                    "present": present}],
    }


def with_no_shows(instance: dict, plan: dict, held: int, share: float, seed: int) -> dict:
    """Re-planning: `held` rounds were held as planned, then `share` of the
    people leave; the plan sent out becomes `published`."""
    rng = random.Random(seed)
    out = dict(instance)
    block = dict(instance["blocks"][0])
    rounds = plan["blocks"][0]["rounds"]
    ids = [p["id"] for p in instance["participants"]]
    present = dict(block.get("present", {}))
    for pid in rng.sample(ids, int(share * len(ids))):
        attends = present.get(pid, list(range(block["rounds"])))
        present[pid] = [r for r in attends if r < held]
    block.update(present=present, fixed_rounds=rounds[:held], published=rounds)
    out["blocks"] = [block]
    return out


def instances() -> list[tuple[str, dict]]:
    """(name, instance) for the generated part of the benchmark."""
    out = []
    for n, rounds in [(40, 6), (100, 8), (200, 8), (400, 10)]:
        out.append((f"gen-n{n}-r{rounds}", generate(n, rounds, seed=n)))
    out.append(("gen-n101-r8-odd", generate(101, 8, seed=7)))
    out.append(("gen-n199-r8-odd", generate(199, 8, seed=8)))
    out.append(("gen-n100-r6-late", generate(100, 6, seed=9, late=0.1)))
    out.append(("gen-n200-r8-fair", generate(200, 8, seed=10, fairness=20)))
    return out
