"""The answer deadline of a data-subject request, computed, never typed (Art. 12(3)).

One calendar month from receipt; three when an extension, with its reason, was notified to
the requester within that first month. A request is answered when it has an outcome date or
is closed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .durations import add_months
from ..i18n import _
from ..load.model import Record, parse_date

SUBJECT_RIGHTS = ("access", "rectification", "erasure", "portability", "objection", "restriction")


@dataclass(frozen=True)
class Deadline:
    received: dt.date
    due: dt.date
    extended: bool
    # an extension was recorded but does not count (no reason, or not notified within the first month)
    extension_late: bool
    answered: dt.date | None


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
