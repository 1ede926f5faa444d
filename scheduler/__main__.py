import time

_STARTED = time.monotonic()  # --time-limit counts from here, start-up included

import sys  # noqa: E402

from .cli import main  # noqa: E402

sys.exit(main(started=_STARTED))
