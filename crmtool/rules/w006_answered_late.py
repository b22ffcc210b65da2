"""W006: a data-subject request answered after its deadline.

Art. 12(3) and 5(2): the controller answers a request within one calendar month (three with
an extension notified in time, see P012) and must be able to show that it did. P012 reports
a request while it is overdue; once answered, the late answer is history, and this rule keeps
it visible: a warning at the outcome's date (or at `closed`) saying how many days late it
was, and why a recorded extension did not count when it did not (no reason, or notified after
the first month). A warning, not an error: the late answer cannot be undone, only explained
(in `outcome.note`) and learnt from; a waiver in crmtool.yaml with the reason silences it.

Passing::

    kind: access
    received: 2026-08-01
    outcome: {date: 2026-08-28, decision: granted}

Failing::

    kind: access
    received: 2026-08-01
    outcome: {date: 2026-09-15, decision: granted}     # deadline 2026-09-01
"""
from __future__ import annotations

from typing import Iterator

from ..domain.deadlines import deadline, void_extension
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("W006", "warning", N_("A data-subject request was answered after its deadline"), "record",
            "Art. 12(3), 5(2)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for request in ctx.model.of("requests"):
        due = deadline(request)
        if due is None or not due.late or due.answered is None:
            continue
        outcome = request.get("outcome") if isinstance(request.get("outcome"), dict) else {}
        pointer = ("outcome", "date") if outcome.get("date") else ("closed",)
        late = (due.answered - due.due).days
        reason = void_extension(request, due)
        yield RULE.finding(
            request.path, ctx.at(request, pointer),
            _("This {kind} request was answered on {answered}, {late} after its deadline of {due}.").format(
                kind=request.get("kind"), answered=due.answered.isoformat(), due=due.due.isoformat(),
                late=_("one day") if late == 1 else _("{days} days").format(days=late)),
            _("Explain the delay in `outcome.note`, and see what would make the next answer come in time.")
            + (" " + reason if reason else ""))
