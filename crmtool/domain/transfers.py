"""Transfers to third countries (GDPR Chapter V, Art. 44–49): which countries are outside the
EEA, which have an adequacy decision, and which processors of a purpose send data there.

The two lists are data, kept here once, so the rules (P032, P033), the register and the
review judge a country alike. They change by treaty or by Commission decision, not by
configuration: update them here, with the date, when the Commission's list changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from ..i18n import N_
from ..load.model import Model, Record

# The European Economic Area, as of 2026-01-01: the 27 EU member states and Iceland,
# Liechtenstein and Norway (EEA Agreement, Art. 126; Regulation (EU) 2016/679 applies through
# Decision of the EEA Joint Committee No 154/2018). ISO 3166-1 alpha-2 codes (Greece is GR).
EEA = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    "IS", "LI", "NO",
})

# Countries with an adequacy decision of the European Commission (Art. 45(3)), as listed on
# https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/adequacy-decisions_en
# as of 2025-09-01. Canada covers commercial organisations (PIPEDA) only and the United
# States only organisations certified under the EU-US Data Privacy Framework: the
# `reference` of the transfer says which applies.
ADEQUATE = frozenset({
    "AD", "AR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "US", "UY",
})

MECHANISMS = ("adequacy", "scc", "bcr", "art49")
"""The transfer tools of Art. 45 (adequacy), 46(2)(c) (standard contractual clauses),
47 (binding corporate rules) and 49 (derogations), as `transfer.mechanism` names them."""

MECHANISM_NAMES = {  # message ids: how the register and the Art. 30 record name each tool
    "adequacy": N_("adequacy decision of the European Commission (Art. 45)"),
    "scc": N_("standard contractual clauses (Art. 46)"),
    "bcr": N_("binding corporate rules (Art. 47)"),
    "art49": N_("an exception for a specific situation (Art. 49)"),
}


def outside_eea(country: object) -> bool:
    """Whether data sent to `country` is a transfer in the sense of Chapter V. A missing or
    malformed code is not judged here: the schema reports it."""
    return isinstance(country, str) and len(country) == 2 and country not in EEA


@dataclass(frozen=True)
class Destination:
    """A processor or one of its sub-processors, and where it is."""

    pointer: tuple  # into the processor's record: () for the processor, ("subprocessors", i)
    country: str
    transfer: Any  # the `transfer` object as written, or None

    @property
    def mechanism(self) -> str | None:
        mechanism = self.transfer.get("mechanism") if isinstance(self.transfer, dict) else None
        return mechanism if isinstance(mechanism, str) and mechanism else None

    @property
    def reference(self) -> str | None:
        reference = self.transfer.get("reference") if isinstance(self.transfer, dict) else None
        return reference if isinstance(reference, str) and reference else None

    @property
    def third_country(self) -> bool:
        return outside_eea(self.country)


def destinations(processor: Record) -> Iterator[Destination]:
    """The processor and each sub-processor that names a country, in file order."""
    country = processor.get("country")
    if isinstance(country, str):
        yield Destination((), country, processor.get("transfer"))
    subprocessors = processor.get("subprocessors")
    for index, sub in enumerate(subprocessors if isinstance(subprocessors, list) else []):
        if isinstance(sub, dict) and isinstance(sub.get("country"), str):
            yield Destination(("subprocessors", index), sub["country"], sub.get("transfer"))


def third_countries(processor: Record) -> list[Destination]:
    """Where this processor, itself or through a sub-processor, takes data outside the EEA."""
    return [d for d in destinations(processor) if d.third_country]


def purpose_processors(model: Model, purpose: Record) -> list[Record]:
    """The processor records a purpose names (`processors`), unknown ids left to R001."""
    ids = purpose.get("processors")
    found = (model.get("processors", pid) for pid in (ids if isinstance(ids, list) else []) if isinstance(pid, str))
    return [p for p in found if p is not None]


_NONE_WORDS = re.compile(
    r"^\W*(none|no|n/?a|geen|nee|-)\W*$"
    r"|^\W*(there\s+are\s+|er\s+is\s+)?(no|geen)\s+(international\s+|internationale\s+)?"
    r"(transfers?|doorgiftes?|overdracht)\b[^.;]*[.;]?\s*$",
    re.IGNORECASE)
"""A text that is nothing but a statement that there are none: one sentence, starting so.
A text that names a transfer and adds "otherwise no transfers" is not one."""


def says_no_transfers(text: object) -> bool:
    """Whether a purpose's `transfers` text states that there are none ("none", "geen", "No
    transfers outside the EEA.", "Geen doorgifte buiten de EER."), in any of its languages."""
    values = text.values() if isinstance(text, dict) else [text]
    return any(isinstance(value, str) and _NONE_WORDS.search(value.strip()) is not None for value in values)


def names_transfers(text: object) -> bool:
    """Whether a purpose's `transfers` text says anything at all (in any language)."""
    values = text.values() if isinstance(text, dict) else [text]
    return any(isinstance(value, str) and value.strip() for value in values)
