"""P003: a consent-based purpose needs a valid, unwithdrawn consent in a known wording.

When a purpose rests on consent (Art. 6(1)(a)), the controller must be able to show that the
person consented (Art. 7(1)) to the text the purpose keeps in `consent_wordings`, and stops as
soon as consent is withdrawn (Art. 7(3)). So for every purpose label that holds today (the
label's own dates, not the retention period after it) whose purpose has `legal_basis: consent`,
the person's consent for that purpose (the latest one under `consents`) must be:

- present: otherwise the finding is on the label's `purpose`;
- not withdrawn on or before today: otherwise on `withdrawn`; end the label on the day consent
  was withdrawn (`until`), and the data is then kept only for the purpose's retention period;
- given on or before today: otherwise on `given`;
- in a wording the purpose knows, when the purpose keeps `consent_wordings`: otherwise on
  `wording` (or on the consent when it names none).

A consent for a purpose that rests on another basis is harmless and not reported; nor is a
label whose purpose is unknown (P002). Several labels for the same purpose are judged once.

Passing::

    purposes:
      - {purpose: newsletter, since: 2024-03-12, until: 2026-11-15}
    consents:
      - {purpose: newsletter, given: 2024-03-12, wording: newsletter-v2, withdrawn: 2026-11-15}

Failing::

    purposes:
      - {purpose: newsletter, since: 2024-03-12}
    consents:
      - {purpose: newsletter, given: 2024-03-12, wording: newsletter-v2, withdrawn: 2026-11-15}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from ..domain.policy import CONSENT, ConsentState, Label, consent_for, current_labels
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("P003", "error", N_("A consent-based purpose needs a valid, unwithdrawn consent in a known wording"),
            "repository", "Art. 6(1)(a), 7(1), 7(3)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        if not _readable(person):
            continue  # S001
        judged: set[str] = set()
        for label in current_labels(person, ctx.today):
            purpose = ctx.model.get("purposes", label.purpose)
            if purpose is None or purpose.id in judged or purpose.get("legal_basis") != CONSENT:
                continue
            if not isinstance(purpose.get("consent_wordings", []), (list, type(None))):
                continue  # S001: the known wordings cannot be read
            judged.add(purpose.id)
            state = consent_for(ctx.model, person, label.purpose, ctx.today)
            if not state.valid:
                yield _finding(ctx, person, label, purpose, state)



def _readable(person: Record) -> bool:
    """Whether `purposes` and `consents` are lists, as the policy helpers read them (S001 reports
    any other shape)."""
    return all(isinstance(person.get(key) or [], list) for key in ("purposes", "consents"))

def _finding(ctx: RepoContext, person: Record, label: Label, purpose: Record, state: ConsentState) -> Finding:
    consent = state.consent or {}
    if state.problem == "withdrawn":
        return RULE.finding(
            person.path, ctx.at(person, ("consents", state.index, "withdrawn")),
            _("The consent for '{purpose}' was withdrawn on {day}, but the purpose label still holds.").format(
                purpose=label.purpose, day=consent.get("withdrawn")),
            _("End the label on the day consent was withdrawn (`until: {day}`) and remove the person from "
              "the purpose's lists.").format(day=consent.get("withdrawn")))
    if state.problem == "not-yet-given":
        return RULE.finding(
            person.path, ctx.at(person, ("consents", state.index, "given")),
            _("The consent for '{purpose}' is dated {day}, after today, but the purpose label already holds.").format(
                purpose=label.purpose, day=consent.get("given")),
            _("Correct the date the consent was given, or let the label start on that day."))
    if state.problem == "unknown-wording":
        known = ", ".join(str(w.get("id")) for w in purpose.get("consent_wordings") or [] if isinstance(w, dict))
        if "wording" in consent:
            pointer: tuple[str | int | None, ...] = ("consents", state.index, "wording")
            message = _("The consent for '{purpose}' names the wording '{wording}', which the purpose does not "
                        "know (known: {known}).").format(purpose=label.purpose, wording=excerpt(consent.get("wording")),
                                                        known=known)
        else:
            pointer = ("consents", state.index)
            message = _("The consent for '{purpose}' does not say which wording the person agreed to "
                        "(known: {known}).").format(purpose=label.purpose, known=known)
        return RULE.finding(
            person.path, ctx.at(person, pointer), message,
            _("Set 'wording' to the id of the text the person agreed to; if it is not in the purpose's "
              "consent_wordings, add that text there, or ask the person for consent again."))
    return RULE.finding(
        person.path, ctx.at(person, ("purposes", label.index, "purpose")),
        _("The purpose '{purpose}' rests on consent, but this person has no consent for it.").format(
            purpose=label.purpose),
        _("Record the consent under 'consents:' (purpose, given, channel, wording); without consent, end "
          "the label (`until`) and remove the person from the purpose's lists."))
