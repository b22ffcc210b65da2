"""P025: no direct marketing after an objection to it.

Art. 21(3): when a person objects to direct marketing, their data is no longer processed for
it, at once and without a balancing test. From the day of an objection with scope
`direct-marketing` (in `objections`), the person must not be subscribed to a list whose
purpose is direct marketing (`direct_marketing: true` on the purpose), nor hold a label for
such a purpose after that day (a label whose `until` is after the objection, or that starts
later). Each subscription and label is reported where it stands. An objection dated after
today does not yet count. Lists and purposes that are unknown are left to R001 and P002.

Passing::

    objections:
      - {scope: direct-marketing, date: 2026-10-01, request: dsr-2026-0007}
    purposes:
      - {purpose: newsletter, since: 2024-05-01, until: 2026-10-01}   # direct_marketing: true

Failing::

    objections:
      - {scope: direct-marketing, date: 2026-10-01, request: dsr-2026-0007}
    subscriptions: [weekly-digest]                                     # its purpose: newsletter
    purposes:
      - {purpose: newsletter, since: 2024-05-01}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.objections import is_direct_marketing, marketing_objection
from ..domain.policy import labels, list_of
from .base import RepoContext, Rule

RULE = Rule("P025", "error", N_("No direct marketing after an objection to it"), "repository",
            "Art. 21(2), 21(3)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        objection = marketing_objection(person.data, ctx.today)
        if objection is None:
            continue
        day = objection.date.isoformat()
        for k, list_id in enumerate(list_of(person.get("subscriptions"))):
            mailing_list = ctx.model.get("lists", list_id) if isinstance(list_id, str) else None
            purpose_id = mailing_list.get("purpose") if mailing_list else None
            if isinstance(purpose_id, str) and is_direct_marketing(ctx.model.get("purposes", purpose_id)):
                yield RULE.finding(
                    person.path, ctx.at(person, ("subscriptions", k)),
                    _("The person objected to direct marketing on {day}, but is still subscribed to '{list}' "
                      "(purpose '{purpose}', direct marketing).").format(day=day, list=list_id, purpose=purpose_id),
                    _("Remove '{list}' from subscriptions.").format(list=list_id))
        if not isinstance(person.get("purposes") or [], list):
            continue
        for label in labels(person):
            if not is_direct_marketing(ctx.model.get("purposes", label.purpose)):
                continue
            if label.until is not None and label.until <= objection.date:
                continue
            yield RULE.finding(
                person.path, ctx.at(person, ("purposes", label.index)),
                _("The person objected to direct marketing on {day}, but the label for '{purpose}' (direct "
                  "marketing) holds after that day.").format(day=day, purpose=label.purpose),
                _("End the label: set until: {day} (the data is then kept only as long as its retention says).")
                .format(day=day))
