"""P041: a consent is not dated before the wording it agrees to existed.

Art. 7(1): the controller must be able to demonstrate that the person consented, and to what.
A consent names the wording agreed to (`wording`, an id of the purpose's `consent_wordings`),
and each wording has the day it came into use (`since`). A consent `given` before that day
agreed to a text that did not exist yet: either the date or the wording is wrong, and the
consent demonstrates nothing until it is corrected. Reported at the consent's `given`. A
consent without a wording, or naming a wording the purpose does not have, is P003's.

Passing (``newsletter-v2`` since 2024-01-01)::

    consents:
      - {purpose: newsletter, given: 2024-05-14, channel: web-form, wording: newsletter-v2}

Failing::

    consents:
      - {purpose: newsletter, given: 2023-11-02, channel: web-form, wording: newsletter-v2}
"""
from __future__ import annotations

from typing import Iterator

from ..domain.policy import list_of, purpose
from ..findings import Finding
from ..i18n import N_, _
from ..load.model import parse_date
from .base import RepoContext, Rule

RULE = Rule("P041", "error", N_("A consent is not dated before the wording it agrees to existed"),
            "repository", "Art. 7(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        for index, consent in enumerate(list_of(person.get("consents"))):
            if not isinstance(consent, dict) or not isinstance(consent.get("purpose"), str):
                continue
            given = parse_date(consent.get("given"))
            record = purpose(ctx.model, consent["purpose"])
            if given is None or record is None or not isinstance(consent.get("wording"), str):
                continue
            wording = next((w for w in list_of(record.get("consent_wordings"))
                            if isinstance(w, dict) and w.get("id") == consent["wording"]), None)
            since = parse_date(wording.get("since")) if wording else None
            if since is None or given >= since:
                continue
            yield RULE.finding(
                person.path, ctx.at(person, ("consents", index, "given")),
                _("This consent was given on {given}, before wording {wording} of purpose '{purpose}' existed "
                  "(in use since {since}).").format(given=given.isoformat(), wording=consent["wording"],
                                                    purpose=consent["purpose"], since=since.isoformat()),
                _("Correct the date or the wording: name the wording the person actually agreed to on that day. "
                  "If you cannot tell, ask for consent again."))
