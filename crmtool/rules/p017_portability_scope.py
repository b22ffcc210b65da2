"""P017: portability applies only to data processed on consent or contract.

Art. 20(1): the right to data portability covers data the person provided and that is
processed on consent (Art. 6(1)(a) or 9(2)(a)) or on a contract (Art. 6(1)(b)). An open
request of kind `portability` from a person (`from.person`) is reported at its `kind` when
none of that person's purpose labels in force today (those that hold, and ended ones whose
retention still runs) belongs to a purpose whose `legal_basis` is `consent` or `contract`;
a person without any label in force is reported too. When at least one such purpose exists,
portability applies to that part of the data and the rule is silent. The person still has
the right of access (Art. 15) to everything: the request is answered as an access request,
with an explanation. Requests that are no longer open (a `closed` date, or a final stage of
the pipeline) are not reported: the answer was given. Nor are requests from an organisation
only, or whose person does not exist (R001 reports that).

Passing::

    # request: kind portability, from: {person: p-7k2m9q}
    # p-7k2m9q: purposes: [{purpose: newsletter, since: 2025-01-01}]   # legal_basis: consent

Failing::

    # request: kind portability, from: {person: p-7k2m9q}
    # p-7k2m9q: purposes: [{purpose: office-holders, since: 2022-06-01}]   # public-task
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.pipeline import is_open, pipeline_of
from ..domain.policy import legal_basis
from ..domain.retention import labels_in_force
from .base import RepoContext, Rule

RULE = Rule("P017", "warning", N_("Portability applies only to data processed on consent or contract"),
            "repository", "Art. 20(1)", dated=True)

PORTABLE_BASES = ("consent", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    pipeline = pipeline_of(ctx.model.config)
    for request in ctx.model.of("requests"):
        if request.get("kind") != "portability" or not is_open(request.data, pipeline):
            continue
        sender = request.get("from")
        person_id = sender.get("person") if isinstance(sender, dict) else None
        person = ctx.model.get("people", person_id) if isinstance(person_id, str) else None
        if person is None:
            continue
        purposes = sorted({label.purpose for label in labels_in_force(ctx.model, person, ctx.today)})
        if any(legal_basis(ctx.model, p) in PORTABLE_BASES for p in purposes):
            continue
        if purposes:
            message = _("Portability does not apply: none of the requester's purposes ({purposes}) rests "
                        "on consent or contract.").format(purposes=", ".join(purposes))
        else:
            message = _("Portability does not apply: the requester is held under no purpose that rests "
                        "on consent or contract.")
        yield RULE.finding(
            request.path, ctx.at(request, ("kind",)), message,
            _("Answer it as an access request (Art. 15): give a copy of all data held (crmtool subject "
              "export) and explain to the requester that the right to data portability (Art. 20) covers "
              "only data processed on consent or contract. Record that explanation in the outcome note."))
