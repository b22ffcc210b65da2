"""S001: the record must match the JSON Schema of its type.

Each schema error is said in plain words at the line and column of the value (or of the
key, for a field that does not belong), with a hint: the closest allowed field or value, or
the schema's own description of the field.

Passing (records/people/p-7k2m9q.yaml)::

    name: {given: Jan, family: Jansen}
    purposes: [{purpose: office-holders, since: 2022-06-01}]

Failing (a misspelt field, a date that does not exist)::

    name: {given: Jan, famly: Jansen}
    purposes: [{purpose: office-holders, since: 2022-13-01}]
"""
from __future__ import annotations

import difflib
from typing import Any, Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import ID_REGEX
from ..load.schema import SchemaError
from ..domain.texts import EXCERPT, excerpt
from .base import FileContext, Rule, describe_value

RULE = Rule("S001", "error", N_("The record must match the schema of its type"), "file", "contract")

DATE_REGEX = r"^\d{4}-\d{2}-\d{2}$"
_TYPE_NAMES = {
    "string": N_("text"), "object": N_("a mapping (key: value lines)"), "array": N_("a list"),
    "boolean": N_("true or false"), "integer": N_("a whole number"), "number": N_("a number"),
    "null": N_("nothing"),
}


def check_file(ctx: FileContext) -> Iterator[Finding]:
    if not ctx.doc.loaded:
        return
    if ctx.doc.data is None:
        yield RULE.finding(ctx.path, (1, 1), _("The file is empty."),
                           _("Fill in the record, or remove the file."))
        return
    said: set = set()
    for error in ctx.schema_errors:
        if error.kind not in _PER_KEY:
            if error.pointer in said:
                continue  # one finding per value: a bad date fails both its pattern and its format
            said.add(error.pointer)
        yield from _explain(ctx, error)


_PER_KEY = ("AdditionalProperties", "Required", "FalseSchema")
"""Errors about keys of a mapping rather than about one value: several may stand at one pointer."""


def _explain(ctx: FileContext, error: SchemaError) -> Iterator[Finding]:
    value = _value_at(ctx.doc.data, error.pointer)
    describe = ctx.schemas.description(ctx.record_type, error.pointer)
    if error.kind == "AdditionalProperties":
        allowed = _allowed_keys(ctx, error.pointer, value)
        for key in error.detail.get("unexpected", []):
            yield RULE.finding(ctx.path, ctx.position(error.pointer + (key,), at_key=True),
                               _("The field '{key}' does not belong here.").format(key=excerpt(key)),
                               _unexpected_hint(key, allowed))
        return
    if error.kind == "FalseSchema" and error.pointer:
        key = error.pointer[-1]
        yield RULE.finding(ctx.path, ctx.position(error.pointer, at_key=True),
                           _("The field '{key}' cannot be combined with the other fields here.").format(key=key),
                           describe or _("Remove one of the two."))
        return
    position = ctx.position(error.pointer)
    if error.kind == "Required":
        field = error.detail.get("property", "")
        message = _("The field '{field}' is missing.").format(field=field)
        hint = ctx.schemas.description(ctx.record_type, error.pointer + (field,)) or ""
        hint = _("Add '{field}:' here. {about}").format(field=field, about=hint).strip()
    elif value is None and error.kind in ("Type", "OneOfNotValid", "AnyOf"):
        message = _("This value is empty.")
        hint = _("Fill it in, or remove the line. {about}").format(about=describe).strip()
    elif error.kind == "Type":
        expected = _(" or ").join(_(_TYPE_NAMES.get(t, t)) for t in error.detail.get("types", []))
        message = _("Expected {expected} here, but found '{value}'.").format(
            expected=expected, value=describe_value(value))
        hint = describe
    elif error.kind == "Enum":
        options = [describe_value(o) for o in error.detail.get("options", [])]
        message = _("'{value}' is not one of the allowed values.").format(value=describe_value(value))
        hint = _closest(describe_value(value), options) + _("Allowed: {options}.").format(options=", ".join(options))
    elif error.kind == "Format" or (error.kind == "Pattern" and error.detail.get("pattern") == DATE_REGEX):
        message, hint = _format(error.detail.get("format", "date"), value)
    elif error.kind == "Pattern" and error.detail.get("pattern") == ID_REGEX:
        message = _("'{value}' is not a valid id.").format(value=describe_value(value))
        hint = _("Ids use lowercase letters a-z, digits and single hyphens, such as gemeente-almere.")
    elif error.kind in ("MinItems", "MinLength", "MinProperties"):
        message = _("This must not be empty.")
        hint = describe
    elif error.kind == "UniqueItems":
        message = _("A value appears twice in this list.")
        hint = _("Remove the second one.")
    else:
        message = _("This value is not allowed here: {reason}.").format(reason=excerpt(error.message, 2 * EXCERPT))
        hint = describe
    yield RULE.finding(ctx.path, position, message, hint)


def _format(name: str, value: Any) -> tuple[str, str]:
    if name == "date":
        return (_("'{value}' is not a valid date.").format(value=describe_value(value)),
                _("Write dates as YYYY-MM-DD, for example 2026-03-31; the day must exist."))
    if name == "email":
        return (_("'{value}' is not a valid email address.").format(value=describe_value(value)),
                _("An email address looks like name@example.org."))
    return (_("'{value}' is not a valid {format}.").format(value=describe_value(value), format=name), "")


def _value_at(data: Any, pointer: tuple) -> Any:
    for step in pointer:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _allowed_keys(ctx: FileContext, pointer: tuple, value: Any) -> list[str]:
    keys: list[str] = []
    for schema in ctx.schemas.subschemas_at(ctx.record_type, pointer):
        keys.extend(k for k in schema.get("properties", {}) if k not in keys)
    if isinstance(value, dict):
        keys = [k for k in keys if k not in value]
    return keys


def _unexpected_hint(key: str, allowed: list[str]) -> str:
    if key == "id":
        return _("The file name is the record's id: remove this line.")
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return _("Did you mean '{close}'?").format(close=close[0])
    if allowed:
        return _("Fields still possible here: {fields}.").format(fields=", ".join(allowed))
    return _("Remove this field.")


def _closest(value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1)
    return _("Did you mean '{close}'? ").format(close=close[0]) if close else ""
