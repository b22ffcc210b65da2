"""P032: a processor or sub-processor outside the EEA needs a transfer mechanism.

Personal data may go to a country outside the European Economic Area only under one of the
tools of Chapter V: an adequacy decision (Art. 45), appropriate safeguards such as standard
contractual clauses or binding corporate rules (Art. 46, 47), or a derogation (Art. 49). A
processor whose `country` is outside the EEA, and each sub-processor that is, must say which
under `transfer.mechanism` (adequacy, scc, bcr, art49), with a `reference` to the decision or
the signed clauses. `adequacy` holds only for a country on the Commission's list (kept in
`crmtool/domain/transfers.py` with its date). A missing or malformed `country` is the
schema's to report (S001); a processor inside the EEA needs no `transfer`.

Passing::

    country: US
    transfer: {mechanism: adequacy, reference: "EU-US Data Privacy Framework, certified"}
    subprocessors: [{name: "Example Cloud", country: IE}]

Failing::

    country: IN
    subprocessors: [{name: "Support desk", country: IN, transfer: {mechanism: adequacy}}]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.transfers import ADEQUATE, third_countries
from .base import RepoContext, Rule

RULE = Rule("P032", "error", N_("A processor or sub-processor outside the EEA needs a transfer mechanism"),
            "record", "Art. 44-46, 49")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for record in ctx.model.of("processors"):
        for place in third_countries(record):
            values = {"country": place.country, "number": place.pointer[-1] + 1 if place.pointer else 0}
            if place.mechanism is None:
                message = (_("Sub-processor {number} of this processor is in {country}, outside the European Economic "
                             "Area, but no transfer mechanism is recorded for it.") if place.pointer else
                           _("This processor is in {country}, outside the European Economic Area, but no transfer "
                             "mechanism is recorded."))
                # at the `transfer` written without a mechanism, else at the country that needs one
                pointer = place.pointer + (("transfer",) if isinstance(place.transfer, dict) else ("country",))
                yield RULE.finding(
                    record.path, ctx.at(record, pointer), message.format(**values),
                    _("Record under `transfer` the mechanism the agreement uses (adequacy, scc, bcr or art49) and a "
                      "reference to the decision or the signed clauses, or choose a processor inside the EEA."))
            elif place.mechanism == "adequacy" and place.country not in ADEQUATE:
                message = (_("Sub-processor {number} of this processor relies on an adequacy decision, but the "
                             "Commission has none for {country}.") if place.pointer else
                           _("This processor relies on an adequacy decision, but the Commission has none for "
                             "{country}."))
                yield RULE.finding(
                    record.path, ctx.at(record, place.pointer + ("transfer", "mechanism")), message.format(**values),
                    _("Agree standard contractual clauses (scc) or binding corporate rules (bcr) and record them, "
                      "or correct the country."))
