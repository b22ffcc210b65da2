"""W004: an open request's follow-up date has passed.

`follow_up` is the day someone promised to act on a request: call back, send the proposal,
chase an answer. Once it has passed without a new date, the request has silently stalled.
A request is open while it has no `closed` date and its stage is not a final stage of the
pipeline; a closed request's old follow-up date is history and is not reported.

Reported when `follow_up` is before today (the follow-up day itself is not late), at
`follow_up`, saying how many days ago it was. A warning: time passing makes it, not a change,
so it does not block a pull request; `crmtool review` brings it to the owner.

Passing (today 2026-11-24)::

    stage: in-progress
    follow_up: 2026-11-24

Failing::

    stage: in-progress
    follow_up: 2026-11-20
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import parse_date
from ..domain.pipeline import is_open, pipeline_of
from .base import RepoContext, Rule

RULE = Rule("W004", "warning", N_("An open request's follow-up date has passed"), "repository", "workflow", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    pipeline = pipeline_of(ctx.model.config)
    for request in ctx.model.of("requests"):
        day = parse_date(request.get("follow_up"))
        if day is None or day >= ctx.today or not is_open(request.data, pipeline):
            continue
        days = (ctx.today - day).days
        message = (_("The follow-up date {day} was yesterday.").format(day=day.isoformat()) if days == 1 else
                   _("The follow-up date {day} passed {days} days ago.").format(day=day.isoformat(), days=days))
        yield RULE.finding(request.path, ctx.at(request, ("follow_up",)), message,
                           _("Do what was planned and set a new follow_up date, or close the request."))
