"""P023: a purpose that profiles people must rest on explicit consent.

The organisations' own policy, stricter than Art. 22: whoever is profiled (evaluated or
sorted by their personal aspects: interests, behaviour, likely reactions) must have asked
for it. A purpose with `profiling: true` is reported at `profiling` when its `legal_basis`
is anything but `consent` (also when it has none; P006 reports the missing basis itself),
and, when it is consent, when the purpose keeps no `consent_wordings`: explicit consent is
consent to a text that says so, and without a recorded wording nobody can show what people
agreed to. Purposes with `profiling: false` or without the key are not looked at.

Passing::

    profiling: true
    legal_basis: consent
    consent_wordings:
      - {id: interests-v1, since: 2026-01-01, text: "Yes, use my clicks to choose what you send me."}

Failing::

    profiling: true
    legal_basis: legitimate-interests
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.policy import CONSENT
from .base import RepoContext, Rule

RULE = Rule("P023", "error", N_("A purpose that profiles people must rest on explicit consent"),
            "repository", "Art. 22(2)(c), 9(2)(a) (own policy)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        if purpose.get("profiling") is not True:
            continue
        basis = purpose.get("legal_basis")
        position = ctx.at(purpose, ("profiling",))
        if basis != CONSENT:
            if isinstance(basis, str) and basis:
                message = _("This purpose profiles people, but it rests on {basis}, not on consent.").format(
                    basis=basis)
            else:
                message = _("This purpose profiles people, but it states no legal basis; it must rest on "
                            "consent.")
            yield RULE.finding(
                purpose.path, position, message,
                _("Our policy allows profiling only with explicit consent: set legal_basis to consent "
                  "and record the consent text in consent_wordings, or set profiling to false and stop "
                  "profiling under this purpose."))
        elif not _has_wording(purpose.get("consent_wordings")):
            yield RULE.finding(
                purpose.path, position,
                _("This purpose profiles people on consent, but keeps no consent wording."),
                _("Explicit consent must be given to a recorded text: add consent_wordings with an id, "
                  "a since date and the text people agree to, saying plainly that they will be profiled "
                  "and what for."))


def _has_wording(wordings: object) -> bool:
    return isinstance(wordings, list) and any(isinstance(w, dict) for w in wordings)
