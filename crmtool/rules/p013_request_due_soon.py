"""P013: data-subject requests whose deadline is near.

The Art. 12(3) deadline (see P012, computed by `crmtool.domain.deadlines`) is short, and an answer
late by one day is an infringement. An unanswered data-subject request whose deadline is
today or within `deadline_warning_days` days (`rules.settings` in crmtool.yaml, default 7)
is reported as a warning on its `received` date, with the deadline and the days left. While
the first month runs, the hint also names the way out that the law allows: an extension of
two months, notified with its reasons before the first month ends.

Passing (today 2026-11-24)::

    kind: access
    received: 2026-11-02          # deadline 2026-12-02, eight days left

Failing::

    kind: erasure
    received: 2026-10-28          # deadline 2026-11-28, four days left
"""
from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..domain.deadlines import deadline
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule, Setting
from ..domain.deadlines import void_extension

DAYS = Setting("deadline_warning_days", 7, N_("Warn this many days before a data-subject request's deadline"))

RULE = Rule("P013", "warning", N_("Data-subject requests whose deadline is near"),
            "repository", "Art. 12(3)", dated=True, settings=(DAYS,))


def check(ctx: RepoContext) -> Iterator[Finding]:
    days = ctx.setting(DAYS)
    today = ctx.today
    for request in ctx.model.of("requests"):
        due = deadline(request)
        if due is None or due.answered is not None or not today <= due.due <= today + dt.timedelta(days=days):
            continue
        left = (due.due - today).days
        values = dict(kind=request.get("kind"), received=due.received.isoformat(), due=due.due.isoformat())
        if left == 0:
            message = _("This {kind} request, received on {received}, must be answered by {due}: today is the "
                        "last day.")
        elif left == 1:
            message = _("This {kind} request, received on {received}, must be answered by {due}: one day left.")
        else:
            message = _("This {kind} request, received on {received}, must be answered by {due}: {left} days "
                        "left.")
        hint = _("Answer the requester by {due} and record `outcome` with its date and decision.").format(
            due=due.due.isoformat())
        if not due.extended:
            hint += " " + _("If the request is complex or one of many, you may extend the deadline by two months: "
                            "tell the requester, with the reasons, by {due}, and record it under `extension` "
                            "(reason, notified).").format(due=due.due.isoformat())
        reason = void_extension(request, due)
        yield RULE.finding(request.path, ctx.at(request, ("received",)), message.format(left=left, **values),
                           hint + (" " + reason if reason else ""))
