"""P040: a closed rectification, erasure or restriction records which recipients were told.

Art. 19 (and 17(2) for data made public): the controller communicates any rectification,
erasure or restriction "to each recipient to whom the personal data have been disclosed,
unless this proves impossible or involves disproportionate effort". A request of kind
`rectification`, `erasure` or `restriction` that is `closed` and was not refused or withdrawn
therefore needs `recipients_notified: [{recipient, date}]`: each processor (by id) or
recipient told, and when; an empty list says nobody received the data. Reported at `closed`.
`crmtool subject erase` and `anonymise` list the processors and recipients that received the
person's data (through the purposes of their labels and lists); `subject erase --request`
asks for this list before it closes the request. The exception of Art. 19 (impossible,
disproportionate effort) is recorded as a waiver in crmtool.yaml with its reason.

Passing::

    kind: rectification
    outcome: {date: 2026-11-20, decision: granted}
    recipients_notified: [{recipient: mail-provider, date: 2026-11-20}]
    closed: 2026-11-20

Failing::

    kind: rectification
    outcome: {date: 2026-11-20, decision: granted}
    closed: 2026-11-20
"""
from __future__ import annotations

from typing import Iterator

from ..domain.deadlines import RECIPIENTS_TOLD
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P040", "error",
            N_("A closed rectification, erasure or restriction records which recipients were told"),
            "record", "Art. 19, 17(2)")
KINDS = RECIPIENTS_TOLD
NOT_CARRIED_OUT = ("refused", "withdrawn")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for request in ctx.model.of("requests"):
        outcome = request.get("outcome") if isinstance(request.get("outcome"), dict) else {}
        if (request.get("kind") not in KINDS or not request.get("closed") or "recipients_notified" in request.data
                or outcome.get("decision") in NOT_CARRIED_OUT):
            continue
        yield RULE.finding(
            request.path, ctx.at(request, ("closed",)),
            _("This {kind} request is closed, but it does not record which recipients of the data were told.").format(
                kind=request.get("kind")),
            _("Tell each processor and recipient that received the person's data (`crmtool subject erase PERSON "
              "--dry-run` lists them), and record them in `recipients_notified` with the date; use an empty "
              "list when nobody received the data."))
