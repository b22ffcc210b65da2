"""The public directory of office holders (`crmtool build --with-directory`).

A role is listed only when three things hold on the build day: the role is current and
marked `public: true`; its holder is a person (not a member organisation); and that person
has a purpose label that holds on the day for a purpose with a `publish` list. Only the
fields those purposes list appear (name, function, organisation, party, portfolio, start).
A label that ended (an objection, say) stops publication at once, even while the data is
still kept for its retention period: keeping is not publishing. A person under a restriction
in force on the day (Art. 18(2): stored, not published) is not listed either; `withheld`
counts the roles left out for it, so the build can say how many without saying who.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..load.model import Model, Period, Record
from ..domain.objections import restricted_on
from ..domain.policy import current_labels, list_of
from ..domain.texts import full_name
from .views import Day, Language, Text
from ..domain.words import PUBLISHED


@dataclass(frozen=True)
class Listing:
    role: Record
    person: str
    fields: tuple[str, ...]  # the published fields, in PUBLISHED order


def publishable(model: Model, person: Record, day: dt.date) -> tuple[str, ...]:
    """The fields the person's purposes allow to publish on `day` (none: not listed)."""
    allowed: set[str] = set()
    for label in current_labels(person, day):
        purpose = model.get("purposes", label.purpose)
        if purpose is not None:
            allowed.update(f for f in list_of(purpose.get("publish")) if isinstance(f, str))
    return tuple(f for f in PUBLISHED if f in allowed)


def listings(model: Model, day: dt.date) -> list[Listing]:
    """Every role the directory shows on `day`, in role id order (the view sorts for reading)."""
    return [listing for listing, restricted in _candidates(model, day) if not restricted]


def withheld(model: Model, day: dt.date) -> int:
    """How many roles the directory would show on `day` but leaves out: their holder is under a
    restriction in force (a count, never who)."""
    return sum(1 for _listing, restricted in _candidates(model, day) if restricted)


def _candidates(model: Model, day: dt.date) -> list[tuple[Listing, bool]]:
    """Every public role the purposes allow to publish on `day`, and whether its holder is restricted."""
    found = []
    for role in sorted(model.of("roles"), key=lambda r: r.id):
        holder = role.get("person")
        if role.get("public") is not True or not isinstance(holder, str) or not Period.of(role.data).holds_on(day):
            continue
        person = model.get("people", holder)
        fields = publishable(model, person, day) if person is not None else ()
        if person is not None and fields:
            found.append((Listing(role, person.id, fields), restricted_on(person.data, day)))
    return found


@dataclass
class Row:
    cells: dict[str, str | Day | None]  # published fields only


def rows(lang: Language, model: Model, found: list[Listing]) -> tuple[list[str], list[Row]]:
    """The directory's columns (every field any listed role publishes) and its rows, by
    organisation, function and start."""
    columns = [f for f in PUBLISHED if any(f in listing.fields for listing in found)]
    result = []
    for listing in found:
        values = _values(lang, model, listing)
        key = (values["organisation"].casefold(), values["function"].casefold(),
               listing.role.get("start") or "", listing.role.id)
        result.append((key, Row({f: values[f] for f in listing.fields})))
    return columns, [row for _key, row in sorted(result, key=lambda item: item[0])]


def _values(lang: Language, model: Model, listing: Listing) -> dict:
    role, person = listing.role, model.get("people", listing.person)
    functions = model.vocabulary("functions") or {}
    portfolios = model.vocabulary("portfolios") or {}
    return {
        "name": full_name(person.get("name")) if person else "",
        "function": _vocabulary_label(lang, functions, role.get("function")),
        "organisation": _organisation(lang, model, role.get("organisation")),
        "party": _organisation(lang, model, role.get("party")),
        "portfolio": ", ".join(_vocabulary_label(lang, portfolios, p) for p in list_of(role.get("portfolio"))),
        "start": lang.day(role.get("start")),
    }


def _vocabulary_label(lang: Language, values: dict, value) -> str:
    if not isinstance(value, str):
        return ""
    entry = values.get(value)
    text = lang.text(entry.get("label")) if entry else Text("", lang.code)
    return text.text or value


def _organisation(lang: Language, model: Model, value) -> str:
    if not isinstance(value, str):
        return ""
    record = model.get("organisations", value)
    return (lang.text(record.get("name")).text if record else "") or value
