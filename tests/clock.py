"""The fixed clock every test runs on.

"Today" is FOKUS_TEST_TODAY (YYYY-MM-DD), default DEFAULT_TODAY, at 10:00 in Stockholm; the
clock then ticks on from there, so durations still pass. A test that needs another day says
so with ``@pytest.mark.today("2027-03-10")`` (on a test, a class or a module).

CI runs the suite a second time with the clock a year and a half later
(FOKUS_TEST_TODAY=2028-06-01), which proves that no test leans on the real calendar: data
written for "now" must be made relative to `today()`, or its test must name its day.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

DEFAULT_TODAY = date(2026, 12, 1)
SHIFTED_TODAY = date(2028, 6, 1)  # what .ci/run's second pass sets
STOCKHOLM = ZoneInfo("Europe/Stockholm")
TIME_OF_DAY = time(10, 0)


def parse_day(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"Expected a date as YYYY-MM-DD, got {value!r}") from None


def today() -> date:
    """The suite's today: FOKUS_TEST_TODAY or the default."""
    return parse_day(os.environ.get("FOKUS_TEST_TODAY") or DEFAULT_TODAY)


def moment(day: date) -> datetime:
    return datetime.combine(day, TIME_OF_DAY, tzinfo=STOCKHOLM)
