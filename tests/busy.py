"""A busy machine for the determinism tests: processes that burn the cores
while a search runs, so that the wall clock runs out before the counted work."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager


@contextmanager
def busy_cpu(loops: int = 2):
    """`loops` processes that burn a core each while the block runs (the machine has two)."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(loops)]
    try:
        time.sleep(0.2)  # let them get going
        yield
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()


def stall_the_clock(monkeypatch, jump: float, after: float = 0.2) -> None:
    """From `after` seconds on, time.monotonic reads `jump` seconds later than it is: the process set
    aside on a crowded machine while its searches run."""
    real = time.monotonic
    began = real()

    def stalled() -> float:
        now = real()
        return now + (jump if now - began > after else 0.0)

    monkeypatch.setattr(time, "monotonic", stalled)
