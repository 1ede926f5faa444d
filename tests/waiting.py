"""Waiting in tests for something that happens in another thread or process: on the condition itself,
with a generous limit (a busy CI machine is slow), never a fixed sleep."""
from __future__ import annotations

import time


def wait_until(condition, seconds: float = 60, what: str = "the condition", every: float = 0.05):
    """Return condition()'s first true value; fail the test with ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        time.sleep(every)
