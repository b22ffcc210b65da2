"""The aggregate counts the register publishes: people per purpose and requests per kind
per year, with small counts suppressed.

A count of 1 or 2 next to a purpose or a kind of request can point at a person ("the one
erasure request from our municipality this year"), so every count from 1 up to the threshold
minus 1 is shown as "< threshold". A 0 is shown as 0: that nobody is in a group reveals
nobody.

Breaches are published as counts per year of discovery, and how many of them were notified to
the supervisory authority, never a date, a nature or a number of people: the register shows
that the breach register (Art. 33(5)) is kept, not what is in it. These counts are not
suppressed: a count of breaches is about the organisation and points at no person.

The on-time rate of data-subject requests (Art. 12(3), 5(2)) is, per year of receipt, the
share of the requests answered by `day` that were answered by their deadline
(`domain.deadlines`, as P012 and W006 judge it). A year with fewer answered requests than the
threshold shows no rate: a rate of a handful of requests says little, and 0 % or 100 % of two
could point at a person.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain.deadlines import deadline
from ..load.model import Model, parse_date
from ..domain.retention import labels_in_force

DEFAULT_THRESHOLD = 5
REQUEST_KINDS = ("question", "project", "access", "rectification", "erasure", "portability",
                 "objection", "restriction", "complaint", "other")
"""The kinds of the request schema, in its order: a kind nobody asked for still shows its 0."""


def threshold(config: dict) -> int:
    """`register.threshold` in crmtool.yaml (the schema keeps it a whole number from 1), else 5."""
    register = value if isinstance(value := config.get("register"), dict) else {}
    value = register.get("threshold")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else DEFAULT_THRESHOLD


def shown(count: int, limit: int) -> str:
    """A count as published: "0", "< 5" for 1 to 4 (with the default threshold), else the number."""
    if 0 < count < limit:
        return f"< {limit}"
    return str(count)


def people_per_purpose(model: Model, day: dt.date) -> dict[str, int]:
    """For every purpose, how many people have a label for it in force on `day` (held, or
    ended but still within its retention period: their data is still kept for it)."""
    counts = {record.id: 0 for record in model.of("purposes")}
    for person in model.of("people"):
        for purpose in {label.purpose for label in labels_in_force(model, person, day)}:
            if purpose in counts:
                counts[purpose] += 1
    return counts


@dataclass
class RequestCounts:
    years: list[int]  # oldest first
    kinds: list[str]
    counts: dict[tuple[str, int], int]  # (kind, year) → requests received


def requests_per_kind(model: Model, day: dt.date) -> RequestCounts:
    """Requests received up to `day`, per kind and calendar year of receipt."""
    counts: dict[tuple[str, int], int] = {}
    for request in model.of("requests"):
        received, kind = parse_date(request.get("received")), request.get("kind")
        if received is None or received > day or not isinstance(kind, str):
            continue
        counts[(kind, received.year)] = counts.get((kind, received.year), 0) + 1
    years = sorted({year for _kind, year in counts})
    extra = sorted({kind for kind, _year in counts} - set(REQUEST_KINDS))
    return RequestCounts(years, [*REQUEST_KINDS, *extra], counts)


@dataclass
class BreachCounts:
    years: list[int]  # oldest first
    registered: dict[int, int]  # year of discovery → breaches registered
    notified: dict[int, int]  # year of discovery → of those, notified to the supervisory authority


def breaches_per_year(model: Model, day: dt.date) -> BreachCounts:
    """Breaches discovered up to `day`, per calendar year of discovery."""
    registered: dict[int, int] = {}
    notified: dict[int, int] = {}
    for breach in model.of("breaches"):
        found = parse_date(str(breach.get("discovered", ""))[:10])
        if found is None or found > day:
            continue
        registered[found.year] = registered.get(found.year, 0) + 1
        told = parse_date(str(breach.get("authority_notified") or "")[:10])
        if told is not None and told <= day:
            notified[found.year] = notified.get(found.year, 0) + 1
    return BreachCounts(sorted(registered), registered, notified)


@dataclass
class OnTime:
    years: list[int]  # oldest first
    answered: dict[int, int]  # year of receipt → data-subject requests answered by `day`
    in_time: dict[int, int]  # of those, answered by their deadline

    def rate(self, year: int, limit: int) -> str:
        """The share answered in time as published: "93 %", or "-" below the threshold."""
        total = self.answered.get(year, 0)
        if total < limit:
            return "-"
        return f"{round(100 * self.in_time.get(year, 0) / total)} %"


def on_time(model: Model, day: dt.date) -> OnTime:
    """Data-subject requests received and answered up to `day`, per year of receipt: how many
    were answered, and how many of them by their deadline."""
    answered: dict[int, int] = {}
    in_time: dict[int, int] = {}
    for request in model.of("requests"):
        due = deadline(request)
        if due is None or due.answered is None or due.received > day or due.answered > day:
            continue
        year = due.received.year
        answered[year] = answered.get(year, 0) + 1
        if due.answered <= due.due:
            in_time[year] = in_time.get(year, 0) + 1
    return OnTime(sorted(answered), answered, in_time)
