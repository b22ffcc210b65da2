"""The record of processing activities (Art. 30(1) GDPR) next to the pages: `register.csv`
and `register.json`, one row per purpose.

The columns follow the Dutch DPA's (Autoriteit Persoonsgegevens) model register for a
controller, plus the legal basis, the special categories and the processors. A mandatory
column left empty says "not filled in": an empty cell would read as "nothing", which is a
claim the records do not make. Special categories and processors are not mandatory (many
purposes have none), so an empty one says "none".
"""
from __future__ import annotations

import json

from ..reporters import csvsafe
from ..i18n import N_
from .views import Contact, Language, Purpose

COLUMNS = (
    ("purpose_id", N_("Id")),
    ("controller", N_("Name and contact details of the controller")),
    ("dpo", N_("Contact details of the data protection officer")),
    ("purpose", N_("Purpose of the processing")),
    ("description", N_("Description")),
    ("legal_basis", N_("Legal basis")),
    ("data_subjects", N_("Categories of data subjects")),
    ("data_categories", N_("Categories of personal data")),
    ("special_categories", N_("Special categories of personal data and exception")),
    ("recipients", N_("Categories of recipients")),
    ("processors", N_("Processors")),
    ("transfers", N_("Transfers to third countries or international organisations")),
    ("retention", N_("Retention periods")),
    ("security", N_("Technical and organisational security measures")),
)
OPTIONAL = frozenset({"special_categories", "processors"})
NOT_FILLED_IN = N_("not filled in")
NONE = N_("none")


def row(lang: Language, purpose: Purpose, controller: Contact, dpo: Contact | None) -> dict[str, str]:
    """One purpose as the record's columns, in `lang`."""
    _ = lang.gettext
    special = ""
    if purpose.special_categories:
        special = "; ".join(purpose.special_categories)
        if purpose.exception_article:
            special += f" ({purpose.exception_article})"
    cells = {
        "purpose_id": purpose.id,
        "controller": _contact(controller),
        "dpo": _contact(dpo) if dpo else "",
        "purpose": str(purpose.title),
        "description": str(purpose.description),
        "legal_basis": f"{purpose.basis_name} ({purpose.basis_article})" if purpose.basis_name else "",
        "data_subjects": "; ".join(purpose.data_subjects),
        "data_categories": "; ".join(purpose.data_categories),
        "special_categories": special,
        "recipients": "; ".join(str(r) for r in purpose.recipients),
        "processors": "; ".join(f"{p.name} ({p.country})" if p.country else str(p.name) for p in purpose.processors),
        "transfers": str(purpose.transfers),
        "retention": purpose.retention,
        "security": str(purpose.security),
    }
    for key, value in cells.items():
        if not value.strip():
            cells[key] = _(NONE if key in OPTIONAL else NOT_FILLED_IN)
    return cells


def _contact(contact: Contact) -> str:
    parts = [str(contact.name), *contact.address, contact.email, contact.phone, contact.website]
    return ", ".join(p for p in parts if p)


def to_csv(lang: Language, rows: list[dict[str, str]]) -> bytes:
    """The record in one language, as Excel opens it: UTF-8 with a byte-order mark,
    `;`-separated in Dutch (the convention of crmtool's other CSV, docs/decisions.md)."""
    table = [[lang.gettext(header) for _key, header in COLUMNS],
             *([cells[key] for key, _header in COLUMNS] for cells in rows)]
    return csvsafe.to_text(table, lang.code).encode("utf-8")  # formula-like cells defused


def to_json(languages: list[Language], rows: dict[str, list[dict[str, str]]]) -> bytes:
    """The record with every column in every language: `{"columns": [...], "rows": [...]}`,
    the id plain, every other cell `{nl: ..., en: ...}`. `<`, `>` and `&` are written as
    `\\u003c`-style escapes (the same data to any JSON reader), so no record text can become
    markup where the file is shown or embedded as HTML."""
    codes = [lang.code for lang in languages]
    document: dict[str, list] = {
        "columns": [{"key": key, **{lang.code: lang.gettext(header) for lang in languages}}
                    for key, header in COLUMNS],
        "rows": [],
    }
    for cells in zip(*(rows[code] for code in codes)):  # the same purpose in every language
        of = dict(zip(codes, cells))
        document["rows"].append({key: of[codes[0]][key] if key == "purpose_id" else
                                 {code: of[code][key] for code in codes}
                                 for key, _header in COLUMNS})
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")
