"""Date helpers of the generator: every date is drawn from the seeded generator between two
days, or counted from `today`, never from the clock."""
from __future__ import annotations

import datetime as dt
import random

from ..domain.durations import add_months

DAY = dt.timedelta(days=1)


def add_years(day: dt.date, years: int) -> dt.date:
    """Calendar years, as the retention rules count them (29 February + 1 year = 28 February)."""
    return add_months(day, 12 * years)


def between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from `first` to `last`, both included (`first` when the span is empty)."""
    span = (last - first).days
    return first if span <= 0 else first + dt.timedelta(days=rng.randint(0, span))


def days_before(day: dt.date, days: int) -> dt.date:
    return day - dt.timedelta(days=days)


def days_after(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)
