"""P015: a public authority cannot rely on legitimate interests, and designates a DPO.

Art. 6(1), last sentence: point (f), legitimate interests, "shall not apply to processing
carried out by public authorities in the performance of their tasks". When `crmtool.yaml`
says `controller.public_authority: true`, every purpose with `legal_basis:
legitimate-interests` is reported at its `legal_basis`. The rule does not try to tell tasks
from other processing: a public authority that really processes outside its public tasks
(rare) waives the finding in `crmtool.yaml` with that reason. A controller that is not a
public authority (the key missing or false) is never reported.

Art. 37(1)(a): a public authority must designate a data protection officer, "except for
courts acting in their judicial capacity". Such a controller needs a `dpo` in crmtool.yaml
with at least a name or an email address (the register publishes how to reach them,
Art. 37(7)); without one, crmtool.yaml is reported at `controller.public_authority`.
(Issue 19 extends this rule rather than adding one: both findings follow from the one
setting `public_authority: true`.)

Passing::

    # crmtool.yaml
    controller: {name: Gemeente Voorbeeld, public_authority: true}
    dpo: {name: Functionaris gegevensbescherming, email: fg@voorbeeld.example.nl}
    # records/purposes/office-holders.yaml
    legal_basis: public-task

Failing::

    # crmtool.yaml
    controller: {name: Gemeente Voorbeeld, public_authority: true}   # and no dpo
    # records/purposes/office-holders.yaml
    legal_basis: legitimate-interests
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.waivers import CONFIG_FILE
from .base import RepoContext, Rule

RULE = Rule("P015", "error", N_("A public authority cannot rely on legitimate interests and designates a DPO"),
            "repository", "Art. 6(1), last sentence; 37(1)(a)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    controller = ctx.model.config.get("controller")
    if not isinstance(controller, dict) or controller.get("public_authority") is not True:
        return
    dpo = ctx.model.config.get("dpo")
    if not isinstance(dpo, dict) or not (dpo.get("name") or dpo.get("email")):
        yield RULE.finding(
            CONFIG_FILE, ctx.locator.position(CONFIG_FILE, ("controller", "public_authority")),
            _("The controller is a public authority, and crmtool.yaml names no data protection officer (`dpo`)."),
            _("A public authority must designate a data protection officer (Art. 37(1)(a)). Record them in "
              "crmtool.yaml under `dpo` with a name and an email address, which the register publishes."))
    for purpose in ctx.model.of("purposes"):
        if purpose.get("legal_basis") == "legitimate-interests":
            yield RULE.finding(
                purpose.path, ctx.at(purpose, ("legal_basis",)),
                _("This purpose rests on legitimate interests, but the controller is a public authority "
                  "(controller.public_authority in crmtool.yaml)."),
                _("A public authority cannot use legitimate interests for its tasks (Art. 6(1), last "
                  "sentence). Use public-task and name in the description the legal provision that gives "
                  "the task, or another basis such as consent, contract or legal-obligation."))
