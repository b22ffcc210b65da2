"""P033: a purpose that uses a processor outside the EEA must name the transfer.

The register of processing activities and the privacy notice must say whether data goes to a
third country and under which safeguards (Art. 30(1)(e), 13(1)(f), 14(1)(f)). When a purpose
names a processor (`processors`) that is, itself or through a sub-processor, outside the
European Economic Area (crmtool/domain/transfers.py), its `transfers` text must describe that
transfer: a purpose without `transfers` is reported at `processors`, and one whose text says
there are none ("none", "geen", "No transfers outside the EEA") at `transfers`, since it would
tell people something untrue. Whether the processor itself records its mechanism is P032's.

Passing (the processor `hosting` has country US)::

    processors: [hosting]
    transfers: {en: "GitHub, Inc. (United States), EU-US Data Privacy Framework."}

Failing::

    processors: [hosting]
    transfers: {en: No transfers outside the European Economic Area.}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.transfers import names_transfers, purpose_processors, says_no_transfers, third_countries
from .base import RepoContext, Rule

RULE = Rule("P033", "error", N_("A purpose that uses a processor outside the EEA must name the transfer"),
            "repository", "Art. 30(1)(e), 13(1)(f), 44")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        abroad = {}
        for processor in purpose_processors(ctx.model, purpose):
            countries = sorted({place.country for place in third_countries(processor)})
            if countries:
                abroad[processor.id] = countries
        if not abroad:
            continue
        listed = ", ".join(f"{pid} ({'/'.join(countries)})" for pid, countries in sorted(abroad.items()))
        text = purpose.get("transfers")
        if not names_transfers(text):
            yield RULE.finding(
                purpose.path, ctx.at(purpose, ("processors",), at_key=True),
                _("This purpose uses processors outside the European Economic Area, {processors}, but does not "
                  "name the transfer.").format(processors=listed),
                _("Describe under `transfers` where the data goes and under which safeguard (adequacy decision, "
                  "standard contractual clauses, binding corporate rules), as the processor's `transfer` records it."))
        elif says_no_transfers(text):
            yield RULE.finding(
                purpose.path, ctx.at(purpose, ("transfers",), at_key=True),
                _("This purpose says there are no transfers outside the European Economic Area, but it uses "
                  "{processors}.").format(processors=listed),
                _("Correct `transfers` to name the transfer and its safeguard, or stop using the processor for "
                  "this purpose."))
