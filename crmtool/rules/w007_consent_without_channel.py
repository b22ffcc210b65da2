"""W007: a consent records how it was given.

Art. 7(1): the controller must be able to demonstrate that the person consented. The record
of a consent shows when (`given`), to what (`wording`, P003 and P041) and how (`channel`: a
web form, an email, a paper form at an event); without the channel nobody can find the
evidence again (the form submission, the email, the signed sheet). A warning, not an error:
the consent may well be valid and its evidence kept elsewhere; an error would turn every
import of older consents into a blocked check. The record keeps no evidence of its own
(no copy of a form), so the channel is the pointer to it. Reported at the consent.

Passing::

    consents:
      - {purpose: newsletter, given: 2024-05-14, channel: web-form, wording: newsletter-v2}

Failing::

    consents:
      - {purpose: newsletter, given: 2024-05-14, wording: newsletter-v2}
"""
from __future__ import annotations

from typing import Iterator

from ..domain.policy import list_of
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("W007", "warning", N_("A consent records the channel it was given through"), "record", "Art. 7(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        for index, consent in enumerate(list_of(person.get("consents"))):
            if not isinstance(consent, dict) or consent.get("channel"):
                continue
            yield RULE.finding(
                person.path, ctx.at(person, ("consents", index)),
                _("This consent for purpose '{purpose}' does not record the channel it was given through.").format(
                    purpose=consent.get("purpose", "?")),
                _("Add `channel` (web-form, email, letter, in-person, event, phone or other), so that the evidence "
                  "of the consent can be found again."))
