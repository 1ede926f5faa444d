"""Social Golfer instances for the scheduler's tests: equal values, every repeat costs."""
from __future__ import annotations


def golfers(groups: int, size: int, rounds: int) -> dict:
    """``groups`` groups of ``size`` for ``rounds`` rounds, repeats allowed at a cost of 1 each."""
    n = groups * size
    return {"format": "netzwerktreffen-instance/1", "weights": {"repeat": 1},
            "participants": [{"id": f"g{i:02d}", "organisation": f"Org {i}", "sector": "x"} for i in range(n)],
            "blocks": [{"id": "speed", "kind": "speed-networking", "rounds": rounds, "group_size": size,
                        "allow_repeats": True}]}
