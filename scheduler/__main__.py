"""`python -m scheduler`; --time-limit counts from the start of the process."""

import os
import sys
import time
import types


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


class _NoPandas(types.ModuleType):
    """Stands in for pandas, which OR-Tools' CP-SAT module imports only for
    its pandas-based helpers (type hints and `*_series` methods) that the
    scheduler never calls.  Importing pandas is about half the start-up, and
    the start-up counts against --time-limit; any attribute is a placeholder
    class, so that the type hints still evaluate."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        placeholder = type(name, (), {"__module__": "pandas (not loaded)"})
        setattr(self, name, placeholder)
        return placeholder


if "pandas" not in sys.modules:  # only this process: `python -m scheduler` never uses pandas
    sys.modules["pandas"] = _NoPandas("pandas")

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
