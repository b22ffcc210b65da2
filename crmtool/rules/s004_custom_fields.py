"""S004: custom fields must be defined, and their values must fit the definition.

Custom fields (`fields:` in a record) are defined in `records/fields/<id>.yaml`: which record
types they apply to, their type, and optionally a list of values or a vocabulary. This keeps
the metadata the association asked for (grensgemeente, inwoners, stedelijkheidsklasse, ...)
as checked as the fields the schema knows.

Passing (with ``records/fields/inwoners.yaml`` of type integer)::

    fields: {inwoners: 322000}

Failing::

    fields: {inwoners: many, kustgemeente: true}   # not a number; an undefined field
"""
from __future__ import annotations

import difflib
from typing import Any, Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record, parse_date
from .base import RepoContext, Rule, describe_value

RULE = Rule("S004", "error", N_("Custom fields must be defined and their values must fit"),
            "repository", "contract")

_FITS = {
    "text": lambda v: isinstance(v, str) or (isinstance(v, dict) and all(isinstance(x, str) for x in v.values())),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "date": lambda v: parse_date(v) is not None,
}
_TYPE_HINTS = {
    "text": N_("Write the text, in quotes if it could be read as a number, date or true/false."),
    "integer": N_("Write the number without dots, spaces or quotes, for example 82000."),
    "number": N_("Write the number with a decimal point and no thousands separator, for example 1234.5."),
    "boolean": N_("Write true or false."),
    "date": N_("Write the date as YYYY-MM-DD, for example 2026-03-31."),
}
_TYPE_WORDS = {"text": N_("text"), "integer": N_("a whole number"), "number": N_("a number"),
               "boolean": N_("true or false"), "date": N_("a date (YYYY-MM-DD)")}


def check(ctx: RepoContext) -> Iterator[Finding]:
    definitions = {record.id: record.data for record in ctx.model.of("fields") if isinstance(record.data, dict)}
    for folder in ctx.model.records:
        for record in ctx.model.of(folder):
            yield from _check_record(ctx, record, definitions)


def _applies_to(definition: dict) -> list[str]:
    """The record types a definition names; a broken applies_to (a string, a number, a list
    with empty items) is the schema's finding, here it only names what it can."""
    types = definition.get("applies_to")
    return [t for t in types if isinstance(t, str)] if isinstance(types, list) else []


def _check_record(ctx: RepoContext, record: Record, definitions: dict) -> Iterator[Finding]:
    values = record.get("fields")
    applicable = {fid: d for fid, d in definitions.items() if record.type in _applies_to(d)}
    if not isinstance(values, dict):
        values = {}
    for key, value in values.items():
        definition = applicable.get(key)
        if definition is None:
            close = difflib.get_close_matches(key, list(applicable), n=1)
            if key in definitions:
                hint = _("records/fields/{key}.yaml applies to {types}; "
                         "add {type} to its applies_to if it should apply here.").format(
                    key=key, types=", ".join(_applies_to(definitions[key])), type=record.type)
            elif close:
                hint = _("Did you mean '{close}'?").format(close=close[0])
            else:
                hint = _("Define it in records/fields/{key}.yaml, with applies_to: [{type}].").format(
                    key=key, type=record.type)
            yield RULE.finding(record.path, ctx.at(record, ("fields", key), at_key=True),
                               _("The custom field '{key}' is not defined for {type} records.").format(
                                   key=key, type=record.type), hint)
            continue
        yield from _check_value(ctx, record, key, value, definition)
    for key, definition in applicable.items():
        if definition.get("required") and key not in values:
            yield RULE.finding(record.path, ctx.at(record, ("fields",) if "fields" in record.data else ()),
                               _("The custom field '{key}' is required but missing.").format(key=key),
                               _("Add '{key}:' under 'fields:'.").format(key=key))


def _check_value(ctx: RepoContext, record: Record, key: str, value: Any, definition: dict) -> Iterator[Finding]:
    items = value if definition.get("multiple") else [value]
    if definition.get("multiple") and not isinstance(value, list):
        items = [value]
    for index, item in enumerate(items):
        pointer = ("fields", key, index) if definition.get("multiple") and isinstance(value, list) else ("fields", key)
        problem = _problem(ctx, item, definition)
        if problem:
            yield RULE.finding(record.path, ctx.at(record, pointer), problem[0], problem[1])


def _problem(ctx: RepoContext, value: Any, definition: dict) -> tuple[str, str] | None:
    kind = definition.get("type", "text")
    if not isinstance(kind, str):
        return None  # a broken definition is the schema's finding (S001) on its own file
    if kind == "choice":
        allowed = _choices(ctx, definition)
        if allowed is not None and value not in allowed:
            return (_("'{value}' is not one of the values of this field.").format(value=describe_value(value)),
                    _("Allowed: {values}.").format(values=", ".join(map(str, allowed))))
        return None
    fits = _FITS.get(kind)
    if fits is not None and not fits(value):
        return (_("Expected {expected} here, but found '{value}'.").format(
            expected=_(_TYPE_WORDS[kind]), value=describe_value(value)), _(_TYPE_HINTS[kind]))
    return None


def _choices(ctx: RepoContext, definition: dict) -> list[object] | None:
    if definition.get("vocabulary"):
        if not isinstance(definition["vocabulary"], str):
            return None  # S001 reports the definition
        vocabulary = ctx.model.vocabulary(definition["vocabulary"])
        return None if vocabulary is None else list(vocabulary)
    values = definition.get("values") or []
    if not isinstance(values, list):
        return None
    return [v.get("id") if isinstance(v, dict) else v for v in values]
