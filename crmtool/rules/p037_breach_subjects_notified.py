"""P037: the people concerned are told of a high-risk breach.

Art. 34(1): when a breach "is likely to result in a high risk to the rights and freedoms of
natural persons", the controller communicates it to the people concerned without undue
delay. A breach record with `risk: high-risk` therefore needs `subjects_notified`, the date
(and time) they were told; without it the breach is reported at `subjects_notified` (or at
`risk` when the key is missing). Art. 34 sets no fixed period, so the rule reports a
high-risk breach at once: telling people is the next thing to do. The exceptions of Art.
34(3) (the data was encrypted, later measures removed the high risk, a public communication
instead because telling each person would take disproportionate effort) are recorded as a
waiver in crmtool.yaml with that reason; a public communication is recorded as
`subjects_notified` on its date.

Passing::

    risk: high-risk
    subjects_notified: 2026-11-21

Failing::

    risk: high-risk
    subjects_notified: null
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P037", "error", N_("The people concerned are told of a high-risk breach"), "record", "Art. 34(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for breach in ctx.model.of("breaches"):
        if breach.get("risk") != "high-risk" or breach.get("subjects_notified"):
            continue
        pointer = ("subjects_notified",) if "subjects_notified" in breach.data else ("risk",)
        yield RULE.finding(
            breach.path, ctx.at(breach, pointer),
            _("This breach has a high risk for the people concerned, and they have not been told."),
            _("Tell the people concerned in plain language what happened, its likely consequences and what you "
              "did about it, and record the date in `subjects_notified` (Art. 34). If an exception of Art. 34(3) "
              "applies, record it as a waiver in crmtool.yaml with its reason."))
