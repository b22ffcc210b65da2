"""Proving a record already canonical without ruamel.yaml: `fmt --check` at the speed of parsing.

`fmt` lays a file out with ruamel.yaml's round trip (`fmt.canonical`), pure Python and about
twenty times slower than libyaml. Nearly every file a repository holds is canonical already
(written by `fmt`, `new` or the other commands), so most of that work only confirms what the
bytes already say. This module writes, from libyaml's events (the parser of the check's
loader, `load/document.py`), the text `fmt` would write for a file, within a deliberately small part
of YAML where every choice `fmt` makes is known (docs/fmt.md), and compares it with the bytes:

- the `$schema` comment on the first line (or none, when fmt would add none), no other comment;
- block mappings indented by two, keys plain and simple (`name`, `end_reason`), in the order
  the schema lists them, no key twice; block lists with the file's own dash position (under
  the key or indented by two, as `roundtrip.detect_layout` reads it), items scalars, flow
  collections or block mappings;
- flow maps and lists on one line, `{a: 1, b: [x, y]}` and `[{a: 1, b: 2}]`, keys ordered;
- scalars on one line: plain text where `plain_ok` allows it, quoted text as staff quoted it
  (without escapes), numbers, booleans and dates as written, dates plain in date fields;
- LF line ends, no trailing space, one final newline, nothing YAML would read past.

Anything outside that part (a comment, a block scalar, a long line, an escape, a key that needs
quotes, a date in quotes, a tab, CRLF, a byte-order mark, anchors, tags, a syntax error) answers
"not proven", and the file goes through ruamel as before. So a wrong answer can only be a
slow one: `proven` says True only when the text it wrote is byte for byte the file, and the
text it writes is what `fmt` writes for it (tests/test_fmt_fast.py holds it to that, file by
file, against `fmt.canonical` on every shipped record, every fixture, a demo repository and
mutations of them).
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

from ..load.document import MAX_BYTES, Loader
from ..load.scalars import STR, YAML11, plain_ok
from ..load.schema import SchemaSet

_YAML = "tag:yaml.org,2002:"
_TIMESTAMP = _YAML + "timestamp"
_VERBATIM = {
    _YAML + "null": re.compile(r"null|Null|NULL"),
    _YAML + "bool": re.compile(r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"),
    _YAML + "int": re.compile(r"-?[0-9]{1,18}"),
    _YAML + "float": re.compile(r"-?[0-9]{1,15}\.[0-9]{1,15}"),
    _TIMESTAMP: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
}
"""The forms of a plain scalar libyaml reads as something other than text that `fmt` writes
back as written (`Verbatim`) and ruamel reads without fail: the common ones only (a boolean
word, a decimal number, a date), each by its type; the rest are left to ruamel."""

_SCHEMA_LINE = re.compile(r"# yaml-language-server: \$schema=\S+")

_REFUSED = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")
"""A character outside what both readers and ruamel's emitter take as printable: tabs, CR,
control characters, NEL and the other line breaks libyaml and ruamel read differently, a
byte-order mark anywhere. Such a file is left to ruamel."""

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
"""A key written plain that every reader (and fmt's line-based reordering, `fmt_order._KEY`)
reads as itself."""
_KEY_LENGTH = 64
_QUOTED_OUT = re.compile("[\"\\\\]")
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_NOT_TEXT = "(?!(?i:yes|no|true|false|on|off|null|y|n)$)"
_SURELY_PLAIN = re.compile(rf"{_NOT_TEXT}[{_LETTER}][{_LETTER}0-9 .,'()/@+_-]*(?<! )")
"""Text that certainly reads as itself unquoted in a block (`plain_ok(text, False)`) and that
libyaml types as text: it opens with a letter, is no YAML 1.1 or 1.2 boolean or null, holds no
`: `, ` #`, quote at its start, bracket or line break, and ends without a space. A quick
answer for the names and sentences of records; anything else asks `plain_ok` itself
(tests/test_fmt_fast.py holds the two to agree)."""
_SURELY_PLAIN_FLOW = re.compile(rf"{_NOT_TEXT}[{_LETTER}][{_LETTER}0-9 .'()/@+_-]*(?<! )")
"""The same inside a flow map or list, where a comma ends the text."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINE = 1000
_LONG_LINE = re.compile(r"[^\n]{%d}" % (_LINE + 1))
"""Lines longer than this are left to ruamel (its emitter wraps at a width, ours is 65,536)."""
_DEPTH = 32


def _is_date(text: str) -> bool:
    """A real calendar date in ISO form (as `fmt._is_date`)."""
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


class _NotProven(Exception):
    """This file lies outside the part of YAML the fast path knows `fmt`'s layout for."""


class Shapes:
    """What the schemas say that a layout depends on, per record type and path ("*" for list
    items), asked once per path and run: the order of a mapping's keys, whether a date or
    any field is expected. The same questions `fmt._Context` asks, answered by the same
    `SchemaSet` methods."""

    def __init__(self, record_type: str | None, schemas: SchemaSet | None) -> None:
        self.record_type = record_type
        self.schemas = schemas if schemas is not None and record_type and schemas.has(record_type) else None
        self._ranks: dict[tuple, dict] = {}
        self._dates: dict[tuple, bool] = {}
        self._known: dict[tuple, bool] = {}

    def rank(self, path: tuple) -> dict:
        found = self._ranks.get(path)
        if found is None:
            keys: list = []
            if self.schemas is not None and self.record_type is not None:
                for schema in self.schemas.subschemas_at(self.record_type, path):
                    keys += [k for k in schema.get("properties", {}) if k not in keys]
            found = self._ranks[path] = {key: index for index, key in enumerate(keys)}
        return found

    def date(self, path: tuple) -> bool:
        found = self._dates.get(path)
        if found is None:
            found = self._dates[path] = (self.schemas is not None and self.record_type is not None
                                         and self.schemas.expects_date(self.record_type, path))
        return found

    def known(self, path: tuple) -> bool:
        found = self._known.get(path)
        if found is None:
            found = self._known[path] = (self.schemas is not None and self.record_type is not None
                                         and bool(self.schemas.subschemas_at(self.record_type, path)))
        return found


_plain: dict[tuple[str, bool], bool] = {}
_keys: dict[str, bool] = {}
_KEPT = 200_000
"""Answers kept per process (ids, kinds and words recur across records)."""


def _plain_ok(text: str, flow: bool) -> bool:
    key = (text, flow)
    found = _plain.get(key)
    if found is None:
        if len(_plain) > _KEPT:
            _plain.clear()
        found = _plain[key] = plain_ok(text, flow)
    return found


def _key_ok(key: str) -> bool:
    """A key fmt writes back as it stands and its reordering reads as itself."""
    found = _keys.get(key)
    if found is None:
        if len(_keys) > _KEPT:
            _keys.clear()
        found = _keys[key] = bool(len(key) <= _KEY_LENGTH and _KEY.fullmatch(key) and _plain_ok(key, False)
                                  and YAML11.resolve(yaml.ScalarNode, key, (True, False)) == STR)
    return found


def proven(raw: bytes, reference: str | None, shapes: Shapes) -> bool:
    """Whether `raw` is certainly what `fmt` writes for this record file (`reference`: the
    `$schema` path fmt would add to a file without one). False means "not known", never
    "not canonical"."""
    if len(raw) > MAX_BYTES or not raw.endswith(b"\n"):
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if _REFUSED.search(text) or (len(text) > _LINE and _LONG_LINE.search(text)):
        return False
    lines: list[str] = []
    if text.startswith("#"):
        first = text[:text.index("\n")]
        if not _SCHEMA_LINE.fullmatch(first):
            return False
        lines.append(first)
    elif reference is not None:
        return False  # fmt adds the `$schema` comment
    try:
        events = list(yaml.parse(text, Loader=Loader))
    except (yaml.YAMLError, RecursionError):
        return False
    if (len(events) < 6 or type(events[1]) is not yaml.DocumentStartEvent
            or type(events[-2]) is not yaml.DocumentEndEvent or type(events[-1]) is not yaml.StreamEndEvent):
        return False  # not one document (or an empty one)
    writer = _Writer(shapes, events, lines)
    try:
        writer.mapping(0, (), 0)
    except _NotProven:
        return False
    if writer.at != len(events) - 2:
        return False
    lines.append("")
    return "\n".join(lines) == text


_Scalar, _Alias = yaml.ScalarEvent, yaml.AliasEvent
_MapStart, _MapEnd, _SeqStart, _SeqEnd = (yaml.MappingStartEvent, yaml.MappingEndEvent, yaml.SequenceStartEvent,
                                          yaml.SequenceEndEvent)


class _Writer:
    """The lines `fmt` writes for an event stream inside the known part of YAML; raises
    `_NotProven` on anything outside it.

    Where the dashes of block lists stand is the file's own (0 or 2 from the key), read
    from the first block list; `fmt` reads it with `roundtrip.detect_layout` from the
    first line pair of a `key:` and a `- ` item, which in a text these lines make is that
    same list's first item under its key (no blank or comment line comes between)."""

    def __init__(self, shapes: Shapes, events: list, lines: list[str]) -> None:
        self.shapes, self.events, self.lines = shapes, events, lines
        self.at = 2  # after the stream's and the document's start
        self.offset: int | None = None

    def keys(self, path: tuple):
        """The keys of the mapping whose start was just read, up to its end: each checked
        simple, single and in the schema's order (else fmt would move it, or the check
        refuses a key twice). The value events follow each key; the caller reads them."""
        rank = self.shapes.rank(path)
        events, last, seen = self.events, -1, list[str]()
        unknown = len(rank)
        while True:
            event = events[self.at]
            self.at += 1
            kind = type(event)
            if kind is _MapEnd:
                return
            if kind is not _Scalar or event.style or event.tag is not None or event.anchor is not None:
                raise _NotProven
            key = event.value
            ok = _keys.get(key)
            if ok is None:
                ok = _key_ok(key)
            place = rank.get(key, unknown)
            if not ok or place < last or key in seen:
                raise _NotProven
            last = place
            seen.append(key)
            yield key

    def mapping(self, indent: int, path: tuple, depth: int) -> None:
        start = self.events[self.at]
        self.at += 1
        if (type(start) is not _MapStart or start.flow_style or start.tag is not None
                or start.anchor is not None or depth > _DEPTH):
            raise _NotProven
        pad = " " * indent
        events, lines = self.events, self.lines
        append, first = lines.append, len(lines)
        for key in self.keys(path):
            here = path + (key,)
            value = events[self.at]
            kind = type(value)
            if kind is _Scalar:
                self.at += 1
                if value.value == "" and value.style == "" and value.tag is None and value.anchor is None:
                    append(f"{pad}{key}:")  # an empty value (null), as ruamel writes None
                else:
                    append(f"{pad}{key}: {self.scalar(value, here, False)}")
            elif kind is _Alias:
                raise _NotProven
            elif value.flow_style:
                append(f"{pad}{key}: {self.flow(here, depth + 1)}")
            elif kind is _MapStart:
                append(f"{pad}{key}:")
                self.mapping(indent + 2, here, depth + 1)
            else:
                append(f"{pad}{key}:")
                if self.offset is None:
                    self.offset = value.start_mark.column - indent
                    if self.offset not in (0, 2):
                        raise _NotProven  # fmt moves the dashes
                self.sequence(indent + self.offset, here, depth + 1)
        if len(lines) == first:
            raise _NotProven  # an empty document

    def sequence(self, indent: int, path: tuple, depth: int) -> None:
        start = self.events[self.at]
        self.at += 1
        if start.tag is not None or start.anchor is not None or depth > _DEPTH:
            raise _NotProven
        pad = " " * indent
        here = path + ("*",)
        events, lines = self.events, self.lines
        while True:
            item = events[self.at]
            kind = type(item)
            if kind is _SeqEnd:
                self.at += 1
                return
            if kind is _Scalar:
                self.at += 1
                if item.value == "" and item.style == "":
                    raise _NotProven  # an empty item
                lines.append(f"{pad}- {self.scalar(item, here, False)}")
            elif kind is _Alias:
                raise _NotProven
            elif item.flow_style:
                lines.append(f"{pad}- {self.flow(here, depth + 1)}")
            elif kind is _MapStart:
                first = len(lines)
                self.mapping(indent + 2, here, depth + 1)
                lines[first] = f"{pad}- " + lines[first][indent + 2:]
            else:
                raise _NotProven  # a block list right in a block list

    def flow(self, path: tuple, depth: int, in_list: bool = False) -> str:
        """A flow map or list, on one line (flow collections inside it too)."""
        events = self.events
        start = events[self.at]
        self.at += 1
        if start.tag is not None or start.anchor is not None or depth > _DEPTH:
            raise _NotProven
        parts: list[str] = []
        if type(start) is _MapStart:
            for key in self.keys(path):
                parts.append(f"{key}: {self.inner(path + (key,), depth)}")
            if len(parts) < 2 and in_list:
                raise _NotProven  # ruamel writes a one-key map in a flow list as `[key: value]`
            return "{" + ", ".join(parts) + "}"
        here = path + ("*",)
        while True:
            if type(events[self.at]) is _SeqEnd:
                self.at += 1
                return "[" + ", ".join(parts) + "]"
            parts.append(self.inner(here, depth, True))

    def inner(self, path: tuple, depth: int, in_list: bool = False) -> str:
        """A value inside a flow collection: a scalar, or a flow collection in its turn."""
        event = self.events[self.at]
        if type(event) is _MapStart or type(event) is _SeqStart:
            return self.flow(path, depth + 1, in_list)
        self.at += 1
        return self.scalar(event, path, True)

    def scalar(self, event, path: tuple, flow: bool) -> str:
        """The scalar as `fmt._Context.scalar` lays it out, when that is certain."""
        if type(event) is not _Scalar or event.tag is not None or event.anchor is not None:
            raise _NotProven  # a block collection, an alias, a tag
        text, style = event.value, event.style
        if not style:
            if (_SURELY_PLAIN_FLOW if flow else _SURELY_PLAIN).fullmatch(text):
                return text
            if not text:
                raise _NotProven  # an empty value inside a flow collection
            return self.typed(text, path, flow)
        if style == '"':
            if _QUOTED_OUT.search(text) or (_ISO_DATE.fullmatch(text) and self.shapes.date(path)):
                raise _NotProven  # an escape to rewrite, or a quoted date fmt unquotes
            return f'"{text}"'
        if style == "'":
            if not text or "'" in text or (_ISO_DATE.fullmatch(text) and self.shapes.date(path)):
                raise _NotProven
            return f"'{text}'"
        raise _NotProven  # a block scalar

    def typed(self, text: str, path: tuple, flow: bool) -> str:
        """A plain scalar the quick answer did not settle: typed as libyaml's composer does."""
        tag = YAML11.resolve(yaml.ScalarNode, text, (True, False))
        if tag == STR:
            if not _plain_ok(text, flow) or (_ISO_DATE.fullmatch(text) and self.shapes.date(path)):
                raise _NotProven  # text fmt quotes
            return text
        form = _VERBATIM.get(tag)
        if form is None or not form.fullmatch(text):
            raise _NotProven
        if tag == _TIMESTAMP:
            if not _is_date(text):
                raise _NotProven  # 2022-13-01: ruamel cannot read it, fmt refuses the file
            if not self.shapes.date(path) and self.shapes.known(path):
                raise _NotProven  # a date where text is meant: fmt quotes it
        return text
