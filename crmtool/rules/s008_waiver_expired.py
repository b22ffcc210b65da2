"""S008: an expired waiver.

After its expiry date a waiver no longer silences anything: the waived finding is reported
again. This warning says why it came back and asks to remove the waiver or renew it with a
fresh decision.

Passing (today 2026-11-24)::

    waivers:
      - {rule: P009, record: events, reason: "Review at the January board meeting", expires: 2027-01-31}

Failing::

    waivers:
      - {rule: P009, record: events, reason: "Review at the September board meeting", expires: 2026-09-30}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.waivers import CONFIG_FILE, waivers_of
from .base import RepoContext, Rule

RULE = Rule("S008", "warning", N_("An expired waiver"), "repository", "contract", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for waiver in waivers_of(ctx.model.config):
        if waiver.expires is not None and ctx.today > waiver.expires:
            yield RULE.finding(CONFIG_FILE, ctx.locator.position(CONFIG_FILE, ("waivers", waiver.index, "expires")),
                               _("The waiver of {rule} for '{record}' expired on {day}; the finding is reported "
                                 "again.").format(rule=waiver.rule or "?", record=waiver.record or "?",
                                                  day=waiver.expires.isoformat()),
                               _("Fix what the rule reports and remove the waiver, or renew it with a new reason "
                                 "and expiry date."))
