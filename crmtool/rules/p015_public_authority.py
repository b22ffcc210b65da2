"""P015: a public authority cannot rely on legitimate interests.

Art. 6(1), last sentence: point (f), legitimate interests, "shall not apply to processing
carried out by public authorities in the performance of their tasks". When `crmtool.yaml`
says `controller.public_authority: true`, every purpose with `legal_basis:
legitimate-interests` is reported at its `legal_basis`. The rule does not try to tell tasks
from other processing: a public authority that really processes outside its public tasks
(rare) waives the finding in `crmtool.yaml` with that reason. A controller that is not a
public authority (the key missing or false) is never reported.

Passing::

    # crmtool.yaml
    controller: {name: Gemeente Voorbeeld, public_authority: true}
    # records/purposes/office-holders.yaml
    legal_basis: public-task

Failing::

    # crmtool.yaml
    controller: {name: Gemeente Voorbeeld, public_authority: true}
    # records/purposes/office-holders.yaml
    legal_basis: legitimate-interests
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P015", "error", N_("A public authority cannot rely on legitimate interests"),
            "repository", "Art. 6(1), last sentence")


def check(ctx: RepoContext) -> Iterator[Finding]:
    controller = ctx.model.config.get("controller")
    if not isinstance(controller, dict) or controller.get("public_authority") is not True:
        return
    for purpose in ctx.model.of("purposes"):
        if purpose.get("legal_basis") == "legitimate-interests":
            yield RULE.finding(
                purpose.path, ctx.at(purpose, ("legal_basis",)),
                _("This purpose rests on legitimate interests, but the controller is a public authority "
                  "(controller.public_authority in crmtool.yaml)."),
                _("A public authority cannot use legitimate interests for its tasks (Art. 6(1), last "
                  "sentence). Use public-task and name in the description the legal provision that gives "
                  "the task, or another basis such as consent, contract or legal-obligation."))
