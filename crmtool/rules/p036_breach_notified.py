"""P036: a breach is notified to the supervisory authority within 72 hours.

Art. 33(1): a personal data breach is notified to the supervisory authority "without undue
delay and, where feasible, not later than 72 hours after having become aware of it, unless
the personal data breach is unlikely to result in a risk to the rights and freedoms of
natural persons"; a later notification is "accompanied by reasons for the delay". A breach
record (records/breaches/, Art. 33(5)) says when it was `discovered` (date and time) and its
`risk`. For a `risk` or `high-risk` breach, `crmtool.domain.deadlines.breach_notice` gives
the deadline, `discovered` + 72 hours. Two findings:

- not notified, and the deadline has passed (the check knows days, not hours: from the day
  after the deadline's day), at `authority_notified` or at `discovered`;
- notified after the deadline without a `delay_reason`, at `authority_notified`.

A breach whose risk is `unlikely` is registered only and never reported here; the record's
`consequences` should say why the risk is unlikely.

Passing::

    discovered: 2026-11-20T14:30
    risk: risk
    authority_notified: 2026-11-21T10:00

Failing::

    discovered: 2026-11-20T14:30
    risk: risk
    authority_notified: 2026-11-24T09:00     # 90 hours later, no delay_reason
"""
from __future__ import annotations

from typing import Iterator

from ..domain.deadlines import breach_notice
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P036", "error", N_("A breach is notified to the supervisory authority within 72 hours"),
            "repository", "Art. 33(1)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for breach in ctx.model.of("breaches"):
        notice = breach_notice(breach)
        if notice is None or not notice.required:
            continue
        due = notice.due.isoformat(timespec="minutes")
        if notice.overdue(ctx.today):
            pointer = ("authority_notified",) if "authority_notified" in breach.data else ("discovered",)
            yield RULE.finding(
                breach.path, ctx.at(breach, pointer),
                _("This breach (risk: {risk}) has not been notified to the supervisory authority; the 72 hours "
                  "ended on {due}.").format(risk=breach.get("risk"), due=due),
                _("Notify the supervisory authority now, record the date and time in `authority_notified` and the "
                  "reasons for the delay in `delay_reason`. If the risk is in fact unlikely, set `risk: unlikely` "
                  "and say why in `consequences`."))
        elif notice.late and not breach.get("delay_reason"):
            yield RULE.finding(
                breach.path, ctx.at(breach, ("authority_notified",)),
                _("The supervisory authority was notified after the 72 hours, which ended on {due}, and no reason "
                  "for the delay is recorded.").format(due=due),
                _("Record in `delay_reason` why the notification was late, as it was given to the authority "
                  "(Art. 33(1)). Correct the dates if they were typed wrongly."))
