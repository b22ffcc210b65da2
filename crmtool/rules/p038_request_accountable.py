"""P038: a decided data-subject request shows whose identity was verified and, when refused, on what ground.

Art. 12(6) and 5(2): the controller may act on a request only when it is reasonably sure who
asks, and must be able to show that it was; Art. 12(4): a request not (fully) acted on is
answered with the reasons. So a request of a data-subject kind (access, rectification,
erasure, portability, objection, restriction) with an `outcome`:

- needs `identity_verified` (when, how, by whom), reported at `outcome`; a `withdrawn`
  outcome is the exception: nothing was disclosed or changed for the requester, so no
  identity had to be established;
- with decision `refused` or `partly-granted` needs `outcome.ground`, the legal ground for not
  acting (e.g. `art-17-3-b`, `art-12-5-manifestly-unfounded`), reported at the decision.

Passing::

    kind: erasure
    identity_verified: {date: 2026-11-21, method: Known email address, by: anna}
    outcome: {date: 2026-11-25, decision: refused, ground: art-17-3-b}

Failing::

    kind: erasure
    outcome: {date: 2026-11-25, decision: refused}
"""
from __future__ import annotations

from typing import Iterator

from ..domain.deadlines import SUBJECT_RIGHTS
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P038", "error",
            N_("A decided data-subject request records the identity check and, when refused, its ground"),
            "record", "Art. 12(4), 12(6), 5(2)")
REFUSALS = ("refused", "partly-granted")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for request in ctx.model.of("requests"):
        outcome = request.get("outcome")
        if request.get("kind") not in SUBJECT_RIGHTS or not isinstance(outcome, dict):
            continue
        decision = outcome.get("decision")
        if decision != "withdrawn" and not isinstance(request.get("identity_verified"), dict):
            yield RULE.finding(
                request.path, ctx.at(request, ("outcome",)),
                _("This {kind} request has an outcome, but no record of how the requester's identity was "
                  "verified.").format(kind=request.get("kind")),
                _("Record `identity_verified` with the date, the method (e.g. a reply from the known email "
                  "address; never keep a copy of an ID) and who checked it. If it was not verified, verify it "
                  "before acting on the request."))
        if decision in REFUSALS and not outcome.get("ground"):
            yield RULE.finding(
                request.path, ctx.at(request, ("outcome", "decision")),
                _("This {kind} request was (partly) refused without a legal ground.").format(kind=request.get("kind")),
                _("Record in `outcome.ground` the provision the refusal rests on (e.g. art-17-3-b for a legal "
                  "obligation to keep the data), as given to the requester with the reasons (Art. 12(4))."))
