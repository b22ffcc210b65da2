"""An answer of the index (`who`, `query`, `search`, `sql`) as a table, JSON or CSV.

The table is for reading in a terminal: the title, translated column headings, list values
joined. JSON is every field of every row (ids and names), for scripts; it is a list of
objects, as the design promises for `who`. CSV is the table's columns with ids, for a
spreadsheet: UTF-8 with a byte-order mark and `;` separators when the language is Dutch, so
Excel opens it correctly in a Dutch locale as well, written by `csvsafe` (no cell runs as a
formula, also not a column name an `sql` query chose).
"""
from __future__ import annotations

import json
from typing import Any

from . import csvsafe
from .. import i18n
from ..i18n import N_, _
from ..index.questions import Answer

HEADINGS = {
    "role": N_("Role"), "person": N_("Person"), "name": N_("Name"), "function": N_("Function id"),
    "function_label": N_("Function"), "qualifiers": N_("Qualifiers"), "portfolio": N_("Portfolio"),
    "organisation": N_("Organisation id"), "organisation_name": N_("Organisation"), "party": N_("Party id"),
    "party_name": N_("Party"), "municipality": N_("Municipality"), "start": N_("Since"), "end": N_("Until"),
    "seats": N_("Seats"), "chair": N_("Chair"), "on_behalf_of": N_("On behalf of"),
    "for_municipality": N_("For"), "member": N_("Member id"), "member_name": N_("Member"),
    "contacts": N_("Contact persons"), "contact_people": N_("Contact ids"), "contact_roles": N_("Contact roles"),
    "place": N_("Place"), "kind": N_("Kind"), "id": N_("Id"), "what": N_("What"), "where": N_("Where"),
    "assignee": N_("Assignee id"), "assignee_name": N_("Assignee"), "stage": N_("Stage id"),
    "stage_label": N_("Stage"), "request": N_("Request"), "title": N_("Title"), "from_name": N_("From"),
    "received": N_("Received"), "follow_up": N_("Follow-up"), "overdue": N_("Overdue"), "requests": N_("Requests"),
    "type": N_("Type"), "found": N_("Found"),
    # the cards (`query person`, `query organisation`)
    "value": N_("Value"), "tag": N_("Tag"), "date": N_("Date"), "by_name": N_("By"), "text": N_("Note"),
    "kind_label": N_("Kind"), "staff_names": N_("Staff"), "summary": N_("Summary"),
    "qualifier_labels": N_("Qualifiers"), "portfolio_labels": N_("Portfolio"), "field": N_("Field"),
    "count": N_("Contact moments"), "last": N_("Last contact"),
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _heading(column: str) -> str:
    return _(HEADINGS[column]) if column in HEADINGS else column


def render_table(answer: Answer, columns: list[str] | None = None, count: bool = True) -> str:
    columns = columns or answer.columns
    lines = []
    if answer.title:
        lines += [_(answer.title).format(**answer.values), ""]
    if not answer.rows:
        return "\n".join(lines + [_("Nothing found.")]) + "\n"
    cells = ([[_heading(c) if answer.headings else c for c in columns]]
             + [[_cell(row.get(c)) for c in columns] for row in answer.rows])
    widths = [max(len(line[n]) for line in cells) for n in range(len(columns))]
    cells.insert(1, ["-" * w for w in widths])
    for line in cells:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
    if count:
        lines += ["", _("Rows: {count}").format(count=len(answer.rows))]
    return "\n".join(lines) + "\n"


def render_sections(sections: list[Answer]) -> str:
    """A card as tables, one after the other with a blank line between (each its own title,
    no row count: a card's parts are short)."""
    return "\n".join(render_table(section, count=False) for section in sections)


def render_json(answer: Answer, columns: list[str] | None = None) -> str:
    rows = [{k: v for k, v in row.items() if not k.startswith("_")} for row in answer.rows]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def render_csv(answer: Answer, columns: list[str] | None = None) -> str:
    columns = columns or answer.columns
    rows = (["; ".join(map(str, v)) if isinstance(v, list) else
             ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
             for v in (row.get(c) for c in columns)] for row in answer.rows)
    return csvsafe.to_text([columns, *rows], i18n.language())  # formula-like cells defused


RENDERERS = {"table": render_table, "json": render_json, "csv": render_csv}
