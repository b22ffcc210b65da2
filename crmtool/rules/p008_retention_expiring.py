"""P008: retention periods that end soon.

Storage limitation (Art. 5(1)(e)) is easier to keep when the end of a retention period is
seen coming: the owner can plan the erasure, anonymisation or review instead of meeting it as
an error (P007) the day after. The period is counted exactly as for P007 (`crmtool.domain.retention`);
a warning is given when its last day is today or within `retention_warning_days` days
(`rules.settings` in crmtool.yaml, default 30). The finding is on the label (`purposes[i]`)
or on the contact moment's `purpose`; the message names the last day and what will then be
due, the hint the action.

Passing (purpose `newsletter`: `retention: {period: P1M, after: consent-withdrawn, then:
delete}`; today 2026-11-24)::

    consents:
      - {purpose: newsletter, given: 2024-03-12}

Failing::

    consents:
      - {purpose: newsletter, given: 2024-03-12, withdrawn: 2026-11-15}   # kept until 2026-12-15
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.retention import everything
from .base import RepoContext, Rule, Setting
from ..domain.retention_advice import action, counted_from

DAYS = Setting("retention_warning_days", 30, N_("Warn this many days before a retention period ends"))

RULE = Rule("P008", "warning", N_("Retention periods that end soon"), "repository", "Art. 5(1)(e)", dated=True,
            settings=(DAYS,))


def check(ctx: RepoContext) -> Iterator[Finding]:
    days = ctx.setting(DAYS)
    today = ctx.today
    for retention in everything(ctx.model, today):
        if retention.ends is None or not retention.ends_within(today, days):
            continue
        values = dict(purpose=retention.purpose, day=retention.ends.isoformat(), period=str(retention.period),
                      counted=counted_from(ctx.model, retention, today))
        if retention.then == "review":
            message = _("The retention period of purpose '{purpose}' ends on {day} ({period} after {counted}); "
                        "by then, decide whether the data is still needed.")
        elif retention.then == "anonymise":
            message = _("The retention period of purpose '{purpose}' ends on {day} ({period} after {counted}); "
                        "after that day the data must be anonymised.")
        else:
            message = _("The retention period of purpose '{purpose}' ends on {day} ({period} after {counted}); "
                        "after that day the data must be erased.")
        yield RULE.finding(
            retention.record.path, ctx.at(retention.record, retention.pointer), message.format(**values),
            _("{action} Do this by {day} at the latest.").format(
                action=action(ctx.model, retention, today), day=retention.ends.isoformat()))
