"""Putting the keys of block mappings in the schema's order, on the text itself.

ruamel.yaml keeps a comment with whatever node happens to end just before it: the comment
above `legal_basis:` hangs on the last line of the `title:` map before it, a comment below
a list sits on the list's end. Moving keys inside ruamel would carry those comments to the
wrong place. For a reader, a comment belongs to the line below it, so the reordering works
on lines instead: in the canonical layout that `fmt` dumps first (mappings indented by two,
list dashes under their key), an entry of a block mapping is the comment lines above its
key, the key's line and every line indented deeper (or a list item under it), and whole
entries are moved. Flow maps (`{purpose: x, since: ...}`) are ordered in the data before
dumping, as they hold no comments.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import yaml

_KEY = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,\[\]{}][^:#]*?|-[^\s:][^:#]*?)\s*:(?:\s|$)""")

Order = Callable[[tuple], list]
"""The schema's property order for the mapping at a path ("*" for list items); [] if unknown."""


@dataclass
class _Entry:
    key: str
    lead: list[str] = field(default_factory=list)   # comment and blank lines above the key
    lines: list[str] = field(default_factory=list)  # the key's line and its value


def reorder(lines: list[str], order: Order) -> list[str]:
    """The lines of a document whose top level is a block mapping, its keys (at every
    depth) in the order `order` gives."""
    return _mapping(lines, 0, (), order)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_note(line: str) -> bool:
    """A blank or comment line (they travel with the key below them)."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _double_quoted(key: str) -> str | None:
    """A double-quoted key with escapes, read by YAML's own rules (`\\e`, `\\N`, `\\u00e9`
    and non-ASCII letters as they are); None when it is not one scalar."""
    try:
        value = yaml.load(key, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    return value if isinstance(value, str) else None


def _key_at(line: str, indent: int) -> str | None:
    if _indent(line) != indent or line[indent:].startswith("- ") or line[indent:] == "-":
        return None
    match = _KEY.match(line, indent)
    if not match:
        return None
    key = match.group(1)
    if key[0] == '"':
        return _double_quoted(key) if "\\" in key else key[1:-1]
    if key[0] == "'":
        return key[1:-1].replace("''", "'")
    return key


def _opens_block(line: str, indent: int) -> bool:
    """Whether the key's value is on the lines below (`key:`, perhaps with a comment)."""
    match = _KEY.match(line, indent)
    rest = line[match.end():].strip() if match else "x"
    return not rest or rest.startswith("#")


def _mapping(lines: list[str], indent: int, path: tuple, order: Order) -> list[str]:
    head: list[str] = []
    entries: list[_Entry] = []
    pending: list[str] = []
    for line in lines:
        if _is_note(line):
            pending.append(line)
            continue
        key = _key_at(line, indent)
        if key is None or _indent(line) < indent:
            if not entries:  # not a mapping after all: leave the lines as they are
                return lines
            entries[-1].lines += pending
            pending = []
            entries[-1].lines.append(line)
            continue
        inner, lead = _split(pending, indent)
        if entries:
            entries[-1].lines += inner
        else:
            head += inner
        pending = []
        entries.append(_Entry(key, lead, [line]))
    if not entries:
        return lines
    inner, tail = _split(pending, indent)
    entries[-1].lines += inner
    known = order(path)
    rank = {key: index for index, key in enumerate(known)}
    ordered = sorted(range(len(entries)), key=lambda i: (rank.get(entries[i].key, len(known)), i))
    result = head[:]
    for index in ordered:
        entry = entries[index]
        result += entry.lead + _value(entry, indent, path + (entry.key,), order)
    return result + tail


def _split(notes: list[str], indent: int) -> tuple[list[str], list[str]]:
    """Comment lines indented deeper than the keys still belong to the value above them;
    from the first blank line or comment at the keys' own depth on, they belong below."""
    for index, line in enumerate(notes):
        if not line.strip() or _indent(line) <= indent:
            return notes[:index], notes[index:]
    return notes, []


def _value(entry: _Entry, indent: int, path: tuple, order: Order) -> list[str]:
    """The entry's lines with a nested block mapping, or the mappings in a block list,
    ordered too."""
    first, body = entry.lines[0], entry.lines[1:]
    content = [line for line in body if not _is_note(line)]
    if not content or not _opens_block(first, indent):
        return entry.lines
    start = content[0]
    if _indent(start) in (indent, indent + 2) and start.lstrip(" ").startswith("- "):
        return [first] + _items(body, _indent(start), path + ("*",), order)
    if _indent(start) > indent and _key_at(start, _indent(start)) is not None:
        return [first] + _mapping(body, _indent(start), path, order)
    return entry.lines


def _items(lines: list[str], indent: int, path: tuple, order: Order) -> list[str]:
    """A block list whose dashes stand at `indent`: each item that is a mapping is ordered,
    the dash moved to the item's first key."""
    chunks: list[list[str]] = [[]]
    for line in lines:
        if _indent(line) == indent and line[indent:].startswith("- ") and chunks[-1]:
            chunks.append([])
        chunks[-1].append(line)
    result: list[str] = []
    for chunk in chunks:
        at = next((i for i, line in enumerate(chunk) if line[indent:].startswith("- ")), None)
        if at is None:
            result += chunk
            continue
        item = chunk[:at] + [chunk[at][:indent] + "  " + chunk[at][indent + 2:]] + chunk[at + 1:]
        if _key_at(item[at], indent + 2) is None:
            result += chunk
            continue
        ordered = _mapping(item[at:], indent + 2, path, order)
        first = next(i for i, line in enumerate(ordered) if not _is_note(line))
        ordered[first] = ordered[first][:indent] + "- " + ordered[first][indent + 2:]
        result += chunk[:at] + ordered
    return result
