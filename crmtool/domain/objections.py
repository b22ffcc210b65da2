"""Objections (Art. 21) and restrictions (Art. 18) on a person, as the rules, the exports, the
directory and the workspace's lists all read them, so that they judge them alike.

An objection is granted once and then acts: from its `date`, an objection with scope
`direct-marketing` ends every use for a purpose marked `direct_marketing: true` (Art. 21(3)),
and one whose scope is a purpose id ends that purpose's use. A restriction is in force from
`since` through `until` (its last day; open while null): the data is stored, not used,
exported or published (Art. 18(2)).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..load.model import Model, Record, parse_date
from .policy import list_of

DIRECT_MARKETING = "direct-marketing"
OBJECTION_KINDS = ("objection", "restriction")
GRANTED = ("granted", "partly-granted")
NOT_OBJECTABLE = ("consent", "contract", "legal-obligation", "vital-interests")
"""Legal bases an objection does not stop: Art. 21(1) applies to processing on Art. 6(1)(e) or
(f) only. Consent is withdrawn (Art. 7(3)), not objected to; a contract, a legal obligation and
vital interests are no ground to object against."""


@dataclass(frozen=True)
class Objection:
    index: int  # in `objections`
    scope: str
    date: dt.date


@dataclass(frozen=True)
class Restriction:
    index: int  # in `restrictions`
    since: dt.date | None
    until: dt.date | None

    def in_force_on(self, day: dt.date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


def objections(data: dict) -> list[Objection]:
    """A person's readable objections, in file order (S001 reports the rest)."""
    found = []
    for index, item in enumerate(list_of(data.get("objections"))):
        if isinstance(item, dict) and isinstance(item.get("scope"), str):
            day = parse_date(item.get("date"))
            if day is not None:
                found.append(Objection(index, item["scope"], day))
    return found


def restrictions(data: dict) -> list[Restriction]:
    found = []
    for index, item in enumerate(list_of(data.get("restrictions"))):
        if isinstance(item, dict):
            found.append(Restriction(index, parse_date(item.get("since")), parse_date(item.get("until"))))
    return found


def restricted_on(data: dict, day: dt.date) -> bool:
    """Whether a restriction of the person is in force on `day`."""
    return any(r.in_force_on(day) for r in restrictions(data))


def marketing_objection(data: dict, day: dt.date) -> Objection | None:
    """The earliest direct-marketing objection made on or before `day`, if any."""
    made = [o for o in objections(data) if o.scope == DIRECT_MARKETING and o.date <= day]
    return min(made, key=lambda o: o.date) if made else None


def is_direct_marketing(purpose: Record | dict | None) -> bool:
    return purpose is not None and purpose.get("direct_marketing") is True


def objected_to(model: Model, data: dict, purpose_id: str, day: dt.date) -> bool:
    """Whether the person's objections on `day` rule out using their data for `purpose_id` for
    a mailing or an export: a direct-marketing objection for a direct-marketing purpose, or an
    objection to that purpose itself when its legal basis is one an objection stops."""
    purpose = model.get("purposes", purpose_id)
    if is_direct_marketing(purpose) and marketing_objection(data, day) is not None:
        return True
    return objectable(purpose) and any(o.scope == purpose_id and o.date <= day for o in objections(data))


def objectable(purpose: Record | dict | None) -> bool:
    """Whether an objection to the purpose stops it (see NOT_OBJECTABLE); an unknown basis is
    taken as objectable, the careful side."""
    return purpose is not None and purpose.get("legal_basis") not in NOT_OBJECTABLE


def granted_request(request: Record) -> bool:
    """An objection or restriction request decided in the person's favour (wholly or partly)."""
    outcome = request.get("outcome")
    return (request.get("kind") in OBJECTION_KINDS and isinstance(outcome, dict)
            and outcome.get("decision") in GRANTED)
