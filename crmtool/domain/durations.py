"""ISO 8601 durations and calendar months, as the GDPR counts them.

Retention periods (`P2Y`), review intervals (`P1Y`) and the one-month answer deadline of
Art. 12(3) are all counted in calendar units: one month after 31 January is the last day of
February, not "30 days later". `add` does that arithmetic once, for every date rule.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        parts = [f"{n}{unit}" for n, unit in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n]
        return "P" + ("".join(parts) or "0D")


def parse_duration(text: object) -> Duration | None:
    """`P2Y`, `P6M`, `P1Y6M`, `P30D`, `P4W` as a Duration (a Duration as itself); None when
    not one (the schema says so)."""
    if isinstance(text, Duration):
        return text
    if not isinstance(text, str):
        return None
    return _parsed(text)


@lru_cache(maxsize=512)
def _parsed(text: str) -> Duration | None:
    """Remembered: a repository names a handful of periods, read once per record by the review."""
    match = _DURATION.match(text)
    if not match or text == "P":
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return Duration(years, months, days + 7 * weeks)


def add_months(day: dt.date, months: int) -> dt.date:
    """`months` calendar months after `day`, on the same day of the month or the month's
    last day when it is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add(day: dt.date, duration: Duration) -> dt.date:
    return add_months(day, duration.years * 12 + duration.months) + dt.timedelta(days=duration.days)
