"""`python -m scheduler`; --time-limit counts from the start of the process."""

import os
import sys
import time


def _process_start() -> float:
    """The monotonic time this process started (Linux), else now."""
    now = time.monotonic()
    try:
        with open(f"/proc/{os.getpid()}/stat") as stat:
            started_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as uptime:
            up = float(uptime.read().split()[0])
        age = up - started_ticks / os.sysconf("SC_CLK_TCK")
        return now - max(0.0, min(age, 60.0))
    except (OSError, ValueError, IndexError):
        return now


_STARTED = _process_start()

from .cli import main  # noqa: E402

_code = main(started=_STARTED)
# leave at once: the plan is written, and tearing down a large search's objects
# would cost time the limit counts
try:
    sys.stdout.flush()
    sys.stderr.flush()
except BrokenPipeError:  # the reader left: nothing more to say
    pass
os._exit(_code)
