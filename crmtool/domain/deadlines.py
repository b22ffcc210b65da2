"""The answer deadline of a data-subject request, computed, never typed (Art. 12(3)).

One calendar month from receipt; three when an extension, with its reason, was notified to
the requester within that first month. A request is answered when it has an outcome date or
is closed; answered after its deadline, it was answered late.

A breach (records/breaches/) has its own clock: the supervisory authority within 72 hours of
its discovery (Art. 33(1)), computed here as well.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .durations import add_months
from ..i18n import _
from ..load.model import Record, parse_date

RECIPIENTS_TOLD = ("rectification", "erasure", "restriction")
"""The requests whose carrying out every recipient of the data must hear of (Art. 17(2), 19)."""
SUBJECT_RIGHTS = ("access", "rectification", "erasure", "portability", "objection", "restriction")


@dataclass(frozen=True)
class Deadline:
    received: dt.date
    due: dt.date
    extended: bool
    # an extension was recorded but does not count (no reason, or not notified within the first month)
    extension_late: bool
    answered: dt.date | None

    @property
    def late(self) -> bool:
        """Answered, but after the deadline (Art. 12(3)): history to account for (W006)."""
        return self.answered is not None and self.answered > self.due


def deadline(request: Record) -> Deadline | None:
    """The deadline of a data-subject request; None for other requests or without `received`."""
    received = parse_date(request.get("received"))
    if request.get("kind") not in SUBJECT_RIGHTS or received is None:
        return None
    first = add_months(received, 1)
    extension = request.get("extension") if isinstance(request.get("extension"), dict) else {}
    notified = parse_date(extension.get("notified"))
    extended = bool(extension.get("reason")) and notified is not None and notified <= first
    outcome = request.get("outcome") if isinstance(request.get("outcome"), dict) else {}
    answered = parse_date(outcome.get("date")) or parse_date(request.get("closed"))
    return Deadline(received, add_months(received, 3) if extended else first, extended,
                    bool(extension) and not extended, answered)


def void_extension(request: Record, due: Deadline) -> str:
    """Why a recorded extension does not count, as a sentence; empty when it does or there is none."""
    if not due.extension_late:
        return ""
    extension = request.get("extension") if isinstance(request.get("extension"), dict) else {}
    first = add_months(due.received, 1)
    notified = parse_date(extension.get("notified"))
    if notified is None:
        return _("The extension does not count: it records no date on which the requester was told.")
    if notified > first:
        return _("The extension does not count: the requester was told on {day}, after the first month "
                 "(which ended on {first}).").format(day=notified.isoformat(), first=first.isoformat())
    return _("The extension does not count: it records no reason, and Art. 12(3) requires the requester to be "
             "told why.")


BREACH_HOURS = 72
"""Art. 33(1): the supervisory authority is notified "not later than 72 hours after having
become aware" of a breach."""
NOTIFIABLE = ("risk", "high-risk")
"""The risks at which the authority must be told; `unlikely` is only registered (Art. 33(5))."""


def parse_moment(value: object) -> dt.datetime | None:
    """`YYYY-MM-DDTHH:MM` (seconds optional) as the loader produces it; a plain date is its
    first minute. None when absent or invalid."""
    if not isinstance(value, str) or len(value) not in (10, 16, 19):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class BreachNotice:
    """When the authority had to be told of a breach, and when it was."""

    discovered: dt.datetime
    due: dt.datetime  # discovered + 72 hours
    required: bool  # the risk is not `unlikely`
    notified: dt.datetime | None

    @property
    def late(self) -> bool:
        return self.notified is not None and self.notified > self.due

    def overdue(self, today: dt.date) -> bool:
        """Not notified and the 72 hours are over by the end of `today`'s day before: the
        check knows days, not hours, so a deadline falls on the day after its last hour."""
        return self.required and self.notified is None and today > self.due.date()


def breach_notice(breach: Record) -> BreachNotice | None:
    """The 72 hours of a breach; None without a readable `discovered`."""
    discovered = parse_moment(breach.get("discovered"))
    if discovered is None:
        return None
    return BreachNotice(discovered, discovered + dt.timedelta(hours=BREACH_HOURS),
                        breach.get("risk") in NOTIFIABLE, parse_moment(breach.get("authority_notified")))
