"""A new person as record text, in the layout of the shipped records.

The first line names the schema for the editor; keys follow the schema's order; the name
and every list item are flow mappings on one line (`- {address: ..., kind: work}`), as staff
write them. Values come from someone else's file, so they are never pasted into YAML text:
ruamel.yaml emits them, and any text that a YAML 1.1 reader (the check's loader, Excel-era
tools) would take for something else (`no`, `0612345678`, `1e3`), as well as every phone
and house number, is double-quoted.
"""
from __future__ import annotations

import datetime as dt
import io

import yaml

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..load.scalars import plain_ok

SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/person.schema.json\n"
KEY_ORDER = ("name", "language", "emails", "phones", "addresses", "purposes", "consents", "subscriptions",
             "tags", "notes", "owner", "status")
ALWAYS_QUOTED = frozenset({"number", "postcode"})


def person_text(person: dict) -> str:
    """The file text of a person record holding `person` (plain dicts, lists, strings, dates)."""
    data = CommentedMap()
    for key in sorted(person, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER)):
        data[key] = _node(person[key], key, top=True)
    stream = io.StringIO()
    emitter = YAML(typ="rt")
    emitter.width = 1 << 16
    emitter.indent(mapping=2, sequence=2, offset=0)
    emitter.representer.ignore_aliases = lambda _data: True  # the same date twice is no shared node
    emitter.dump(data, stream)
    return SCHEMA_LINE + stream.getvalue()


def _node(value, key: str, top: bool = False):
    if isinstance(value, dict):
        mapping = CommentedMap((k, _node(v, k)) for k, v in value.items())
        mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        items = CommentedSeq(_node(v, key) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value):
            items.fa.set_flow_style()  # tags: [a, b]
        return items
    if isinstance(value, str):
        return DoubleQuotedScalarString(value) if _needs_quotes(value, key) else value
    return value


class _Quoted(str):
    """A text person_text would double-quote."""


class _CheckDumper(yaml.CSafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True  # the same date twice is no shared node (Y003 refuses anchors)


_CheckDumper.add_representer(_Quoted, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(data), style='"'))


def person_text_for_check(person: dict) -> str:
    """The same data as `person_text`, with the same texts double-quoted, emitted by libyaml's
    C emitter: about fifteen times faster (0.3 ms a person instead of 4.8). For the import's dry
    run, which checks the text a row would become but never writes it. The layout may differ
    (where the dashes go, single quotes where libyaml prefers them), which no rule judges; what
    the rules judge, the data and which scalars stand unquoted, is the same, since libyaml only
    ever quotes more than `plain_ok` asks (tests/test_import_limits.py compares the findings)."""
    ordered = {key: _marked(person[key], key) for key in
               sorted(person, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER))}
    return SCHEMA_LINE + yaml.dump(ordered, Dumper=_CheckDumper, default_flow_style=None, sort_keys=False,
                                   allow_unicode=True, width=1 << 16)


def _marked(value, key: str):
    if isinstance(value, dict):
        return {k: _marked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v, key) for v in value]
    if isinstance(value, str):
        return _Quoted(value) if _needs_quotes(value, key) else str(value)
    return value


def _needs_quotes(text: str, key: str) -> bool:
    return key in ALWAYS_QUOTED or not plain_ok(text, flow=True)


def today_label(purpose: str, today: dt.date, source: str | None) -> dict:
    """The purpose label of an imported person: `{purpose, since, source}`."""
    label: dict = {"purpose": purpose, "since": today}
    if source:
        label["source"] = source
    return label
