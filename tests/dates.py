"""The tests' clock. The app counts days and times in Europe/Berlin (``core.i18n.local_now``), so the tests
do too; and where a date decides the outcome ("the meeting is over", "the reminder is due", "registration
has closed") the test runs on a frozen clock (``frozen_clock`` fixture), so that midnight, a change to
summer time or a slow machine cannot move the answer."""
from __future__ import annotations

from datetime import date, datetime

from netzwerktreffen.core.i18n import BERLIN, local_now

# a Wednesday morning in November, far from midnight and from the change to or from summer time
FROZEN_AT = datetime(2026, 11, 18, 10, 30, tzinfo=BERLIN)


def berlin_today() -> date:
    return local_now().date()


def berlin_now() -> datetime:
    """Now in Europe/Berlin, naive, as the app stores meeting times."""
    return local_now()
