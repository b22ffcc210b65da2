"""P026: a purpose objected to is not used after the objection.

Art. 21(1): a person may object to processing on a public task (Art. 6(1)(e)) or on
legitimate interests (Art. 6(1)(f)); once the objection is granted, the controller no longer
processes the data for that purpose. From an objection whose scope is a purpose id (in
`objections`), a label for that purpose that holds after the objection's date (no `until`, an
`until` after it, or a label starting later) is an error, reported at the label; its
retention may still keep the data, but not its use.

Which legal bases an objection does not stop, and why the rule is silent for them: `consent`
is withdrawn (Art. 7(3)), not objected to, and P003 and P011 judge a withdrawal; `contract`,
`legal-obligation` and `vital-interests` fall outside Art. 21(1), so an objection to such a
purpose is no reason to drop the label (the answer to the person says so). A purpose with an
unknown or missing basis is judged (the careful side); an unknown purpose is P002's.
Objections to direct marketing are P025's; an objection dated after today does not yet count.

Passing::

    objections:
      - {scope: events, date: 2026-10-05, request: dsr-2026-0009}
    purposes:
      - {purpose: events, since: 2024-01-10, until: 2026-10-05}     # legitimate-interests

Failing::

    objections:
      - {scope: events, date: 2026-10-05, request: dsr-2026-0009}
    purposes:
      - {purpose: events, since: 2024-01-10}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.objections import DIRECT_MARKETING, objectable, objections
from ..domain.policy import labels
from .base import RepoContext, Rule

RULE = Rule("P026", "error", N_("A purpose objected to is not used after the objection"), "repository",
            "Art. 21(1)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        made = [o for o in objections(person.data) if o.scope != DIRECT_MARKETING and o.date <= ctx.today]
        if not made or not isinstance(person.get("purposes") or [], list):
            continue
        for label in labels(person):
            purpose = ctx.model.get("purposes", label.purpose)
            if purpose is None or not objectable(purpose):
                continue
            dates = [o.date for o in made if getattr(ctx.model.get("purposes", o.scope), "id", None) == purpose.id]
            if not dates:
                continue
            day = min(dates)
            if label.until is not None and label.until <= day:
                continue
            yield RULE.finding(
                person.path, ctx.at(person, ("purposes", label.index)),
                _("The person objected to the purpose '{purpose}' on {day}, but its label holds after that day.")
                .format(purpose=label.purpose, day=day.isoformat()),
                _("End the label: set until: {day}. If you refused the objection because of compelling legitimate "
                  "grounds (Art. 21(1)), remove the objection entry and record the refusal on the request.")
                .format(day=day.isoformat()))
