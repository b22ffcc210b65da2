"""P035: a DPIA whose review date has passed.

A DPIA is reviewed at least when the risk of the processing changes (Art. 35(11)); the
organisation records when it plans to look again in `dpia.next_review`. Once that day has
passed the assessment may no longer describe the processing: a warning at `next_review`
(and an item in `crmtool review`) until the review is done and the dates updated. A DPIA
without `next_review` is not judged; an unreadable date is S001's.

Passing (today 2026-11-24)::

    dpia: {done: 2026-01-10, reference: DPIA-2026-01, next_review: 2027-01-10}

Failing::

    dpia: {done: 2025-01-10, reference: DPIA-2025-01, next_review: 2026-01-10}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain import dpia
from .base import RepoContext, Rule

RULE = Rule("P035", "warning", N_("A DPIA's review date has passed"), "repository", "Art. 35(11)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        due = dpia.next_review(purpose)
        if due is None or due >= ctx.today:
            continue
        yield RULE.finding(
            purpose.path, ctx.at(purpose, ("dpia", "next_review")),
            _("The review of this purpose's DPIA was due on {day}.").format(day=due.isoformat()),
            _("Review the DPIA against the processing as it is now, then update `dpia.done` if it changed and "
              "set the next `next_review`."))
