"""P010: a processor needs a current data-processing agreement.

A controller may let a processor handle personal data only under a written contract that
binds it (Art. 28(3), (9)). Every record in `records/processors/` is a processor we use, so
every one needs an `agreement` that holds today: it has started (`start`, and `signed`, are
not after today; at least one of them is recorded, or nothing shows the agreement was ever
concluded) and has not ended (`end` missing, or today or later). This holds whether or not a
purpose names the processor: a processor on file that no purpose uses is either still used
(and the register is incomplete) or should be deleted. A purpose that names a processor
without a current agreement gets no finding of its own: the agreement is fixed in one place,
the processor's file, and the hint names the purposes that use it. Invalid dates are left
to S001.

Passing (today 2026-11-24)::

    agreement: {signed: 2025-12-10, start: 2026-01-01, end: 2026-12-15, reference: VWO-2025-019}

Failing::

    agreement: {signed: 2023-10-02, start: 2023-11-01, end: 2026-10-31}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Model, Record, parse_date
from .base import RepoContext, Rule

RULE = Rule("P010", "error", N_("A processor needs a current data-processing agreement"),
            "repository", "Art. 28(3)", dated=True)


def _used_by(model: Model, processor: Record) -> list[str]:
    return sorted(p.id for p in model.of("purposes")
                  if isinstance(p.get("processors"), list) and processor.id in p.get("processors"))


def _stop_using(model: Model, processor: Record) -> str:
    used = _used_by(model, processor)
    if used:
        return _("or stop using the processor: remove it from the purposes {purposes} and delete this file.").format(
            purposes=", ".join(used))
    return _("or, since no purpose names this processor, delete this file if we no longer use it.")


def check(ctx: RepoContext) -> Iterator[Finding]:
    today = ctx.today
    for record in ctx.model.of("processors"):
        agreement = record.get("agreement")
        if agreement is None:
            position = ctx.at(record, ("agreement",), at_key=True) if "agreement" in record.data else ctx.at(record)
            yield RULE.finding(record.path, position,
                               _("No data-processing agreement is recorded for this processor."),
                               _("Conclude an agreement that meets Art. 28(3) and record it under `agreement` "
                                 "(signed, start, end, reference), {stop}").format(stop=_stop_using(ctx.model, record)))
            continue
        if not isinstance(agreement, dict):
            continue  # S001
        values = {key: agreement.get(key) for key in ("signed", "start", "end")}
        dates = {key: parse_date(value) for key, value in values.items()}
        if any(value is not None and dates[key] is None for key, value in values.items()):
            continue  # an invalid date: S001
        position = ctx.at(record, ("agreement",), at_key=True)
        started = [(day, key) for key in ("start", "signed") if (day := dates[key]) is not None]
        if not started:
            yield RULE.finding(record.path, position,
                               _("The data-processing agreement records neither when it was signed nor when it "
                                 "starts, so nothing shows that it was concluded."),
                               _("Add `signed` and `start` from the signed agreement, {stop}").format(
                                   stop=_stop_using(ctx.model, record)))
            continue
        begins, key = max(started)
        if begins > today:
            message = (_("The data-processing agreement with this processor applies only from {day}.") if key == "start"
                       else _("The data-processing agreement with this processor is recorded as signed on {day}, "
                         "after today."))
            yield RULE.finding(record.path, position, message.format(day=begins.isoformat()),
                               _("Until then the processor may not handle personal data for us: wait, correct the "
                                 "date if it is wrong, {stop}").format(stop=_stop_using(ctx.model, record)))
        elif dates["end"] is not None and dates["end"] < today:
            yield RULE.finding(record.path, position,
                               _("The data-processing agreement with this processor ended on {day}.").format(
                                   day=dates["end"].isoformat()),
                               _("Record the renewed or new agreement (signed, start, end, reference), {stop}").format(
                                   stop=_stop_using(ctx.model, record)))
