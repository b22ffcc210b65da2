"""P012: a data-subject request must be answered within its deadline.

Art. 12(3): a request to exercise a right of Art. 15-22 (access, rectification, erasure,
restriction, portability, objection) is answered without undue delay and at the latest one
calendar month after receipt (`received`: 2 November gives 2 December; 31 January gives the
last day of February). The controller may extend by two further months, but only by telling
the requester, with the reasons, within that first month (`extension: {reason, notified}`).
`crmtool.domain.deadlines` computes the deadline; a request is answered once it has an
`outcome.date` or is `closed`. An unanswered request is overdue from the day after its
deadline. A request answered late is history, not something to act on, and is not reported.
An extension without a reason, or notified after the first month, does not count.

Passing (today 2026-11-24)::

    kind: access
    received: 2026-11-02

Failing::

    kind: access
    received: 2026-10-02          # deadline 2026-11-02, no outcome
"""
from __future__ import annotations

from typing import Iterator

from ..domain.deadlines import deadline
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule
from ..domain.deadlines import void_extension

RULE = Rule("P012", "error", N_("A data-subject request must be answered within its deadline"),
            "repository", "Art. 12(3)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    today = ctx.today
    for request in ctx.model.of("requests"):
        due = deadline(request)
        if due is None or due.answered is not None or today <= due.due:
            continue
        late = (today - due.due).days
        values = dict(kind=request.get("kind"), received=due.received.isoformat(), due=due.due.isoformat(),
                      late=_("one day") if late == 1 else _("{days} days").format(days=late))
        if due.extended:
            message = _("This {kind} request, received on {received}, had to be answered by {due} (three months, "
                        "with the extension); it is {late} late.")
        else:
            message = _("This {kind} request, received on {received}, had to be answered by {due} (one calendar "
                        "month); it is {late} late.")
        hint = _("Answer the requester now and record `outcome` with its date and decision.")
        reason = void_extension(request, due)
        yield RULE.finding(request.path, ctx.at(request, ("received",)), message.format(**values),
                           hint + (" " + reason if reason else ""))
