"""S012: a waiver runs no longer than `waiver_max_length` from today.

A waiver is a decision to live with a finding for a while (S007), not for ever: a waiver
that expires in 2099 is a permanent exception without anyone having to look at it again, and
hides exactly what Art. 5(2) asks the organisation to be able to account for. The longest
a waiver may run is `rules.settings.waiver_max_length` in crmtool.yaml, an ISO 8601 duration
(default P1Y); a waiver whose `expires` lies further from today than that is an error at its
`expires`. Waivers carry no start date, so the length is measured from today: a waiver
renewed every year with a fresh look passes, one set far ahead does not. (DESIGN.md names
the setting `waivers.max_length`; `waivers` in crmtool.yaml is the list of waivers itself, so
the setting lives with the other rule parameters.)

Passing (today 2026-11-24)::

    waivers:
      - {rule: P009, record: events, reason: "Review at the January board meeting", expires: 2027-01-31}

Failing::

    waivers:
      - {rule: P009, record: events, reason: "We never review this", expires: 2099-12-31}
"""
from __future__ import annotations

from typing import Iterator

from ..domain.durations import add, parse_duration
from ..domain.waivers import CONFIG_FILE, waivers_of
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule, Setting

MAX_LENGTH = Setting("waiver_max_length", "P1Y", N_("The longest a waiver may run from today (S012)"))
RULE = Rule("S012", "error", N_("A waiver runs no longer than the maximum length"), "repository", "Art. 5(2)",
            settings=(MAX_LENGTH,))


def check(ctx: RepoContext) -> Iterator[Finding]:
    length = ctx.setting(MAX_LENGTH)
    duration = parse_duration(length) or parse_duration(MAX_LENGTH.default)
    assert duration is not None
    latest = add(ctx.today, duration)
    for waiver in waivers_of(ctx.model.config):
        if waiver.expires is None or waiver.expires <= latest:
            continue
        yield RULE.finding(
            CONFIG_FILE, ctx.locator.position(CONFIG_FILE, ("waivers", waiver.index, "expires")),
            _("This waiver of {rule} runs until {expires}, longer than the maximum of {length} from today "
              "(until {latest}).").format(rule=waiver.rule or "?", expires=waiver.expires.isoformat(),
                                          length=length, latest=latest.isoformat()),
            _("Set `expires` to {latest} or earlier and look at the finding again then; if the exception is "
              "really permanent, fix the record or the rule's settings instead of waiving.").format(
                latest=latest.isoformat()))
