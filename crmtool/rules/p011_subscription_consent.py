"""P011: a subscription needs consent (or a label) for the list's purpose.

Sending someone a mailing is processing under the purpose of the list (`purpose` in
records/lists/). When that purpose rests on consent (Art. 6(1)(a)), a subscription needs a
valid consent of the person for it today: given, not withdrawn, in a wording the purpose knows
(Art. 7); after a withdrawal the subscription must go (Art. 7(3)), and for e-mail marketing
the ePrivacy rules ask the same. When the purpose rests on another basis, the person must at
least hold a purpose label for it that holds today (Art. 5(1)(b)). Each entry of
`subscriptions` is judged on its own. An unknown list, a list without a purpose, or a list
whose purpose is unknown is left to R001, S001 and P002.

Passing::

    subscriptions: [weekly-digest]        # list of the consent-based purpose newsletter
    consents:
      - {purpose: newsletter, given: 2024-03-12, wording: newsletter-v2}

Failing::

    subscriptions: [weekly-digest]
    consents:
      - {purpose: newsletter, given: 2024-03-12, wording: newsletter-v2, withdrawn: 2026-11-15}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from ..domain.policy import CONSENT, ConsentState, consent_for, current_labels
from .base import RepoContext, Rule

RULE = Rule("P011", "error", N_("A subscription needs consent (or a label) for the list's purpose"), "repository",
            "Art. 6(1)(a), 7", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        subscriptions = person.get("subscriptions")
        if not isinstance(subscriptions, list) or not _readable(person):
            continue
        for k, list_id in enumerate(subscriptions):
            if not isinstance(list_id, str):
                continue
            mailing_list = ctx.model.get("lists", list_id)
            purpose_id = mailing_list.get("purpose") if mailing_list else None
            purpose = ctx.model.get("purposes", purpose_id) if isinstance(purpose_id, str) else None
            if purpose is None or not isinstance(purpose_id, str) \
                    or not isinstance(purpose.get("consent_wordings", []), (list, type(None))):
                continue  # R001, S001, P002
            if purpose.get("legal_basis") == CONSENT:
                state = consent_for(ctx.model, person, purpose_id, ctx.today)
                if not state.valid:
                    yield RULE.finding(person.path, ctx.at(person, ("subscriptions", k)),
                                       _consent_message(list_id, purpose_id, state),
                                       _("Remove '{list}' from subscriptions, or record the person's consent for "
                                         "'{purpose}' under 'consents:' (purpose, given, channel, wording).").format(
                                           list=list_id, purpose=purpose_id))
            elif not any(_same(ctx, label.purpose, purpose) for label in current_labels(person, ctx.today)):
                yield RULE.finding(person.path, ctx.at(person, ("subscriptions", k)),
                                   _("The list '{list}' serves the purpose '{purpose}', but this person holds no "
                                     "current purpose label for it.").format(list=list_id, purpose=purpose_id),
                                   _("Remove '{list}' from subscriptions, or add a purpose label for '{purpose}' if "
                                     "the person is really held for it.").format(list=list_id, purpose=purpose_id))



def _readable(person: Record) -> bool:
    """Whether `purposes` and `consents` are lists, as the policy helpers read them (S001 reports
    any other shape)."""
    return all(isinstance(person.get(key) or [], list) for key in ("purposes", "consents"))

def _same(ctx: RepoContext, purpose_id: str, purpose: Record) -> bool:
    other = ctx.model.get("purposes", purpose_id)
    return other is not None and other.id == purpose.id


def _consent_message(list_id: str, purpose_id: str, state: ConsentState) -> str:
    """One whole sentence per reason, so translations need not glue fragments together."""
    consent = state.consent or {}
    words = {"list": list_id, "purpose": purpose_id}
    if state.problem == "withdrawn":
        return _("The list '{list}' serves the consent-based purpose '{purpose}', but the person withdrew "
                 "that consent on {day}.").format(day=consent.get("withdrawn"), **words)
    if state.problem == "not-yet-given":
        return _("The list '{list}' serves the consent-based purpose '{purpose}', but the consent is dated "
                 "{day}, after today.").format(day=consent.get("given"), **words)
    if state.problem == "unknown-wording":
        return _("The list '{list}' serves the consent-based purpose '{purpose}', but the consent names no "
                 "wording the purpose knows.").format(**words)
    return _("The list '{list}' serves the consent-based purpose '{purpose}', but the person has no consent "
             "for it.").format(**words)
