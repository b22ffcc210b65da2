"""One person as a file brings them in, before any judgement: the readers (CSV, vCard) make
these, `importing.py` decides what becomes of them.

Both readers fill the same fields the same way (`build`), so a CSV row and a card with the
same content propose the same record.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import i18n
from ..i18n import _
from ..domain.ids import slug
from . import columns, limits


@dataclass
class Incoming:
    """A row of a CSV file or a card of a vCard file."""

    line: int  # where it starts in the file (1-based)
    person: dict = field(default_factory=dict)  # the person fields, as a record holds them
    purpose: str | None = None
    source: str | None = None
    organisation: str | None = None
    function: str | None = None
    problems: list[str] = field(default_factory=list)  # why it cannot be imported as it is
    left_out: list[str] = field(default_factory=list)  # what is not imported, and why


@dataclass
class ReadFile:
    """What a reader found: the people, and remarks about the file as a whole."""

    rows: list[Incoming]
    warnings: list[str] = field(default_factory=list)


Values = dict[tuple[str, int], str]
"""(column key, number) → the text in the file, stripped; empty cells left out."""


def build(line: int, values: Values, today: dt.date) -> Incoming:
    """An Incoming from column values (a CSV row, or a card put into the same terms)."""
    row = Incoming(line)
    for (key, number), value in list(values.items()):
        if len(value) > limits.MAX_FIELD_CHARS:
            row.problems.append(limits.long_value(columns.heading(key, number, i18n.language()), len(value)))
            del values[(key, number)]
    one = {key: value for (key, number), value in values.items() if number == 1}
    _name(row, one)
    for group, make in (("email", _email), ("phone", _phone), ("address", _address)):
        for number in sorted({n for (key, n) in values if columns.BY_KEY[key].group == group}):
            item = make(row, {key: v for (key, n), v in values.items() if n == number})
            if item:
                row.person.setdefault(columns.GROUP_FIELD[group], []).append(item)
    if one.get("language"):
        row.person["language"] = one["language"].lower()
    if one.get("tags"):
        tags = [slug(t) for t in one["tags"].replace(";", ",").split(",") if slug(t)]
        row.person["tags"] = list(dict.fromkeys(tags))
    if one.get("note"):
        row.person["notes"] = [{"date": today, "text": one["note"]}]
    row.purpose, row.source = one.get("purpose"), one.get("source")
    row.organisation, row.function = one.get("organisation"), one.get("function")
    return row


def _name(row: Incoming, one: dict[str, str]) -> None:
    name = {key: one[key] for key in ("given", "prefix", "family", "initials") if one.get(key)}
    if "family" not in name and one.get("name"):
        name = {**columns.split_name(one["name"]), **name}
    if "family" in name and "prefix" not in name:
        prefix, family = columns.split_family(name["family"])
        if prefix:
            name["prefix"], name["family"] = prefix, family
    if "family" not in name:
        row.problems.append(_("there is no family name; fill in the family name (achternaam) column"))
        return
    row.person["name"] = {key: name[key] for key in ("given", "prefix", "family", "initials") if key in name}


def _kind(row: Incoming, group: str, text: str | None) -> str | None:
    if not text:
        return None
    found = columns.kind(group, text.replace(",", " ").split())
    if found is None:
        row.left_out.append(_("kind '{kind}': not a kind crmtool knows, so it is left out").format(kind=text))
    return found or None


def _email(row: Incoming, values: dict[str, str]) -> dict | None:
    return _contact(row, values, "email", "address")


def _phone(row: Incoming, values: dict[str, str]) -> dict | None:
    return _contact(row, values, "phone", "number")


def _contact(row: Incoming, values: dict[str, str], group: str, field_name: str) -> dict | None:
    """An email address or phone number with its kind: `{address, kind}`, `{number, kind}`."""
    if not values.get(group):
        return None
    kind = _kind(row, group, values.get(f"{group} kind"))
    return {field_name: values[group], "kind": kind} if kind else {field_name: values[group]}


def _address(row: Incoming, values: dict[str, str]) -> dict | None:
    parts = {key: values[key] for key in ("street", "number", "addition", "postcode", "city") if values.get(key)}
    if values.get("address") and "street" not in parts:
        parts = {**columns.split_street(values["address"]), **parts}
    if values.get("country"):
        code = columns.country_code(values["country"])
        if code is None:
            row.problems.append(_("the country '{country}' is not recognised; use a two-letter code such as NL "
                                  "or BE").format(country=values["country"]))
        else:
            parts["country"] = code
    if not parts:
        return None
    kind = _kind(row, "address", values.get("address kind"))
    order = ("street", "number", "addition", "postcode", "city", "country")
    ordered = {key: parts[key] for key in order if key in parts}
    return {"kind": kind, **ordered} if kind else ordered
