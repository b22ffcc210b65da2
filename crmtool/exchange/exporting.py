"""`crmtool export`: the people a purpose allows, with the data it covers, as CSV, vCard or xlsx.

An export is a use of personal data for a stated purpose (Art. 5(1)(b)): it carries only
people with a label for that purpose holding on the day (`--on`, default today), and only
the fields whose data category the purpose lists (Art. 5(1)(c)). A label that has ended
but whose retention still runs justifies keeping the data, not using it, so it does not
count here. A person under a restriction in force on the day (Art. 18(2): stored, not used)
is left out, and so is one whose objection rules the purpose out (a direct-marketing objection
for a purpose marked `direct_marketing`, Art. 21(3); an objection to the purpose itself,
Art. 21(1)); the selection counts them (`left_out`), never names them. Asking for a field
the purpose does not cover is a usage error that names the category, so staff see which
purpose would have to change, not an empty column.

CSV is written the way Excel opens it, as the index's CSV answers are (docs/decisions.md):
UTF-8 with a byte-order mark, `;` and Dutch headers when the repository's language is
Dutch, `,` and English headers otherwise, CRLF line ends; text that a spreadsheet would run
as a formula gets a leading apostrophe (`csvsafe`, the one CSV writer). vCard is 4.0,
one card per person, written by the subject export's writer. The spreadsheet (`xlsx.py`)
carries the CSV's header and cells, each a text cell, so a phone number keeps its `+` and a
postcode its leading zero, and nothing in it is ever a formula.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from ..reporters import csvsafe
from .. import i18n
from ..i18n import _
from ..load.model import Model, Record
from ..domain.objections import objected_to, restricted_on
from ..domain.policy import current_labels, list_of
from ..load.repo import UsageError
from ..subject.export_render import card, contact_lines, escape_value
from ..domain.texts import full_name
from . import columns, purposes


@dataclass(frozen=True)
class Selection:
    """Who and what an export carries."""

    purpose: str
    day: dt.date
    groups: tuple[str, ...]  # columns.EXPORT_GROUPS, in their order
    people: tuple[Record, ...]
    left_out: int = 0  # held for the purpose, but restricted or objecting on the day


def select(model: Model, purpose: str, fields: list[str] | None, day: dt.date) -> Selection:
    """The people with a label for `purpose` holding on `day`, and the field groups to write.
    UsageError for an unknown purpose or field, or a field the purpose does not cover."""
    allowed = purposes.categories(purposes.require(model, purpose))
    if fields is None:
        groups = [g for g in columns.EXPORT_GROUPS if columns.category(g) is None or columns.category(g) in allowed]
    else:
        groups = []
        for wanted in fields:
            if wanted not in columns.EXPORT_GROUPS:
                raise UsageError(_("--fields: '{field}' is not a field; choose from {known}").format(
                    field=wanted, known=",".join(columns.EXPORT_GROUPS)))
            category = columns.category(wanted)
            if category is not None and category not in allowed:
                raise UsageError(_("--fields: '{field}' is {category} data, which the purpose {purpose} does not "
                                   "cover (its data_categories: {allowed})").format(
                                       field=wanted, category=category, purpose=purpose,
                                       allowed=", ".join(sorted(allowed)) or _("none")))
        groups = [g for g in columns.EXPORT_GROUPS if g in fields]
    held = [p for p in model.of("people") if any(label.purpose == purpose for label in current_labels(p, day))]
    people = [p for p in held if not restricted_on(p.data, day) and not objected_to(model, p.data, purpose, day)]
    people.sort(key=lambda p: (_name_part(p, "family"), _name_part(p, "given"), p.id))
    return Selection(purpose, day, tuple(groups), tuple(people), len(held) - len(people))


def _name_part(person: Record, key: str) -> str:
    name = person.get("name")
    return str(name.get(key) or "").casefold() if isinstance(name, dict) else ""


def _items(person: Record, field: str) -> list[dict]:
    return [item for item in list_of(person.get(field)) if isinstance(item, dict)]


def table(selection: Selection) -> tuple[list[str], list[list[str]]]:
    """The header (in the active language) and one row of text cells per person: what the CSV
    and the spreadsheet both write, so they cannot differ in what they carry."""
    language = i18n.language()
    header, cells = [], []
    for group in selection.groups:
        count = 1
        if group in columns.REPEATED:
            field = columns.GROUP_FIELD[group]
            count = max([len(_items(p, field)) for p in selection.people] + [1])
        for number in range(1, count + 1):
            for key in columns.EXPORT_COLUMNS[group]:
                header.append(columns.heading(key, number, language))
                cells.append((group, key, number))
    rows = [[_cell(person, group, key, number) for group, key, number in cells] for person in selection.people]
    return header, rows


def to_csv(selection: Selection) -> str:
    """The selection as a CSV text (with its byte-order mark) in the active language."""
    header, rows = table(selection)
    return csvsafe.to_text([header, *rows], i18n.language())  # formula-like cells defused


def _cell(person: Record, group: str, key: str, number: int) -> str:
    if group == "id":
        return person.id
    if group == "name":
        name = person.get("name") if isinstance(person.get("name"), dict) else {}
        return str(name.get(key) or "")
    if group in columns.REPEATED:
        items = _items(person, columns.GROUP_FIELD[group])
        if number > len(items):
            return ""
        item = items[number - 1]
        field = {"email": "address", "phone": "number", "email kind": "kind", "phone kind": "kind",
                 "address kind": "kind"}.get(key, key)
        return str(item.get(field) or "")
    if group == "tags":
        return ", ".join(str(t) for t in list_of(person.get("tags")))
    value = person.get(columns.GROUP_FIELD[group])
    return str(value) if isinstance(value, str) else ""


def to_vcard(selection: Selection) -> str:
    """One vCard 4.0 per person with the fields of the selection; the UID always carries the id."""
    cards = []
    for person in selection.people:
        data: dict = {"id": person.id}
        if "name" in selection.groups and isinstance(person.get("name"), dict):
            data["name"] = person.get("name")
            data["full_name"] = full_name(person.get("name"))
        for group in ("email", "phone", "address"):
            if group in selection.groups:
                data[columns.GROUP_FIELD[group]] = _items(person, columns.GROUP_FIELD[group])
        if "language" in selection.groups and isinstance(person.get("language"), str):
            data["language"] = person.get("language")
        lines = contact_lines(data)
        tags = [str(t) for t in list_of(person.get("tags"))]
        if "tags" in selection.groups and tags:
            lines.append("CATEGORIES:" + ",".join(escape_value(t) for t in tags))
        cards.append(card(lines))
    return "".join(cards)


def to_xlsx(selection: Selection) -> bytes:
    """The selection as an Excel workbook: the CSV's header and cells, every cell text."""
    from .xlsx import workbook
    header, rows = table(selection)
    return workbook(header, rows, selection.day, _("People"))


RENDERERS: dict[str, Callable[[Selection], str]] = {"csv": to_csv, "vcard": to_vcard}
"""The text formats; `to_xlsx` gives bytes (a zip file), so the command writes it apart."""
