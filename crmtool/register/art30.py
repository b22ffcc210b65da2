"""The record of processing activities (Art. 30(1) GDPR) next to the pages: `register.csv`
and `register.json`, one row per purpose.

The columns follow the Dutch DPA's (Autoriteit Persoonsgegevens) model register for a
controller, plus the legal basis, the special categories and the processors, and what
Art. 13 and 14 make the controller tell people: the third countries each processor takes the
data to with their safeguards, the sources, whether the data is required and what happens
if it is not given, the logic of any profiling; then whether a DPIA was done (yes and its
date, or no: its reference is internal and stays out) and the day the purpose or one of its
processors last changed, from git as the changes page reads it ("not known" outside git or
before the first commit). A mandatory column left empty says "not filled in": an empty cell
would read as "nothing", which is a claim the records do not make. Special categories,
processors and third countries are not mandatory (many purposes have none), so an empty one
says "none"; the logic of profiling, without profiling, says "no profiling".
"""
from __future__ import annotations

import json

from ..reporters import csvsafe
from ..i18n import N_
from .changes import PolicyHistory
from .views import Contact, Language, Purpose, Transfer

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
    ("third_countries", N_("Third countries per processor and their safeguards")),
    ("retention", N_("Retention periods")),
    ("security", N_("Technical and organisational security measures")),
    ("sources", N_("Sources of the personal data")),
    ("requirement", N_("Required by law or contract, and what happens if not given")),
    ("profiling_logic", N_("Logic of the profiling")),
    ("dpia", N_("Data protection impact assessment")),
    ("last_changed", N_("Last changed")),
)
OPTIONAL = frozenset({"special_categories", "processors", "third_countries"})
NOT_FILLED_IN = N_("not filled in")
NONE = N_("none")
NOT_KNOWN = N_("not known")
NO_PROFILING = N_("no profiling")
DPIA_DONE = N_("yes, {day}")
DPIA_NONE = N_("no")
DPIA_MISSING = N_("no, though one is required")


def last_changed(history: PolicyHistory, purposes: list[Purpose]) -> dict[str, str]:
    """Per purpose id, the last day (YYYY-MM-DD) a commit changed the purpose or one of the
    processors it names: the row's content changes with either. Missing when git knows none."""
    days: dict[tuple[str, str], str] = {}
    for change in history.changes:  # newest first: the first day seen is the last change
        for record in change.records:
            days.setdefault((record.folder, record.id), change.date)
    found = {}
    for purpose in purposes:
        candidates = [days.get(("purposes", purpose.id)),
                      *(days.get(("processors", p.id)) for p in purpose.processors)]
        known = [day for day in candidates if day]
        if known:
            found[purpose.id] = max(known)
    return found


def row(lang: Language, purpose: Purpose, controller: Contact, dpo: Contact | None,
        changed: str | None = None) -> dict[str, str]:
    """One purpose as the record's columns, in `lang`; `changed`: its last-changed day."""
    _ = lang.gettext
    special = ""
    if purpose.special_categories:
        special = "; ".join(purpose.special_categories)
        if purpose.exception_article:
            special += f" ({purpose.exception_article})"
        if purpose.criminal_basis:
            special += f"; {purpose.criminal_basis}"
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
        "third_countries": "; ".join(_third_country(lang, t) for t in purpose.third_countries),
        "retention": purpose.retention,
        "security": str(purpose.security),
        "sources": "; ".join(purpose.sources) + (f" ({purpose.collection})" if purpose.collection else ""),
        "requirement": str(purpose.requirement),
        "profiling_logic": str(purpose.profiling_logic) if purpose.profiling else _(NO_PROFILING),
        "dpia": (_(DPIA_DONE).format(day=purpose.dpia_done.iso) if purpose.dpia_done else
                 _(DPIA_MISSING) if purpose.dpia_required else _(DPIA_NONE)),
        "last_changed": changed or _(NOT_KNOWN),
    }
    for key, value in cells.items():
        if not value.strip():
            cells[key] = _(NONE if key in OPTIONAL else NOT_FILLED_IN)
    return cells


def _third_country(lang: Language, transfer: Transfer) -> str:
    safeguard = ", ".join(part for part in (transfer.mechanism, transfer.reference) if part)
    return f"{transfer.who}: {transfer.country} ({safeguard or lang.gettext(NOT_FILLED_IN)})"


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
