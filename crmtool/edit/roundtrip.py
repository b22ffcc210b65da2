"""Editing a record's YAML without losing what staff wrote around the data.

Records are written by people: comments that explain a role, the `$schema` line for the
editor, flow maps such as `{purpose: newsletter, given: 2024-05-14}`, quotes around a phone
number. A command that ends a role must change the `end` line and nothing else, or every
review of its pull request drowns in noise. ruamel.yaml's round-trip mode keeps comments,
flow style, quotes and key order; what it does not keep per file is the indentation of
lists and the line width, so those are read from the text (`Layout`) and confirmed by
dumping the unchanged document: the layout chosen is one that gives the file back byte for
byte. `check/run.py` never reads records this way: ruamel is slower, and the check's own loader
(`load/document.py`) is the one that refuses dangerous YAML.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.tokens import CommentToken

WIDTH = 1 << 16
"""No line is ever re-wrapped: staff's long notes stay on the line they typed them on."""

_KEY_OPENS_BLOCK = re.compile(r"^( *)(?!- |#)[^\s][^#]*:\s*(#.*)?$")
_ITEM = re.compile(r"^( *)-(?: |$)")  # "- item", or a bare "-" (an empty item)
_KEY = re.compile(r"^( *)(?!- |#)[^\s#][^:]*:")
_EOL = "\n"


class RoundTripError(Exception):
    """A file that cannot be loaded for editing; the message names the file, line and column."""


@dataclass(frozen=True)
class Layout:
    """How a file is laid out where ruamel.yaml would otherwise choose for itself."""

    mapping: int = 2  # indentation of a nested mapping
    offset: int = 0   # where a list item's dash stands, relative to its parent key
    preamble: str = ""  # comments and the `---` line before an explicit document start, verbatim
    bom: bool = False
    crlf: bool = False

    @property
    def sequence(self) -> int:
        return self.offset + 2  # the item's content comes after "- "


@dataclass
class Document:
    """A record loaded for editing: `data` is a ruamel CommentedMap (or other node) that
    carries its comments; `faithful` says whether dumping it unchanged gives the file back."""

    data: Any
    layout: Layout
    path: str = "<text>"
    faithful: bool = True


def load(path: Path | str) -> tuple[Document, str]:
    """The document in a file, and the file's original text."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise RoundTripError(f"{path}: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RoundTripError(f"{path}: not UTF-8 text (byte {error.start + 1})") from error
    return loads(text, str(path)), text


def loads(text: str, path: str = "<text>") -> Document:
    """The document in `text`, with the layout under which it dumps back unchanged."""
    detected = detect_layout(text)
    body = (text[1:] if detected.bom else text).replace("\r\n", "\n")[len(detected.preamble):]
    try:
        data = yaml_for(detected).load(body)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise RoundTripError(f"{path}{where}: {error.problem or error.context}") from error
    except YAMLError as error:
        raise RoundTripError(f"{path}: {error}") from error
    document = Document(data, detected, path)
    for layout in _candidates(detected):
        document.layout = layout
        if dump(document) == text:
            return document
    document.layout, document.faithful = detected, False
    return document


def dump(document: Document) -> str:
    """The document as text, in its file's layout."""
    stream = io.StringIO()
    yaml_for(document.layout).dump(document.data, stream)
    text = document.layout.preamble + stream.getvalue()
    if document.layout.crlf:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" + text) if document.layout.bom else text


def set_after(mapping: CommentedMap, key: str, value: Any, after: str) -> None:
    """Set `key` to `value`; a new key goes right after `after` (at the end when `after` is
    missing). An existing key keeps its place and its end-of-line comment.

    Comment lines that stood below `after` belong, for a reader, to the key that followed
    it; ruamel keeps them with `after`, so they move down to the new key and stay above the
    line they described.
    """
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    if after not in mapping:
        mapping[key] = value
        return
    mapping.insert(keys.index(after) + 1, key, value)
    _move_comment_lines(mapping, after, key)


def detect_layout(text: str) -> Layout:
    """The indentation of nested mappings and list items, as the file's first examples show."""
    bom = text.startswith("\ufeff")
    lines = (text[1:] if bom else text).replace("\r\n", "\n").split("\n")
    mapping = offset = None
    previous = None
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if previous is not None and (opener := _KEY_OPENS_BLOCK.match(previous)):
            indent = len(line) - len(line.lstrip(" "))
            depth = indent - len(opener.group(1))
            if _ITEM.match(line) and offset is None and depth >= 0:
                offset = depth
            elif _KEY.match(line) and mapping is None and depth > 0:
                mapping = depth
        previous = line
        if mapping is not None and offset is not None:
            break
    return Layout(mapping or 2, offset or 0, _preamble(lines), bom, "\r\n" in text)


def _preamble(lines: list[str]) -> str:
    """What precedes a `---` line that opens the document (ruamel would drop its comments)."""
    for number, line in enumerate(lines):
        if line.strip() == "---":
            return "".join(f"{kept}\n" for kept in lines[:number + 1])
        if line.strip() and not line.lstrip().startswith("#"):
            return ""
    return ""


def _candidates(detected: Layout) -> list[Layout]:
    """The detected layout first, then the two layouts records are written in."""
    others = [replace(detected, mapping=2, offset=0), replace(detected, mapping=2, offset=2)]
    return [detected] + [c for c in others if c != detected]


def yaml_for(layout: Layout) -> YAML:
    """A round-trip reader and writer for files laid out as `layout` (fmt uses it too)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    yaml.indent(mapping=layout.mapping, sequence=layout.sequence, offset=layout.offset)
    return yaml


def _move_comment_lines(mapping: CommentedMap, after: str, key: str) -> None:
    """Move the whole comment lines below `after`'s value to below `key`'s; `after`'s own
    end-of-line comment stays where it is."""
    slot = mapping.ca.items.get(after)
    token = slot[2] if slot and len(slot) > 2 else None
    if not isinstance(token, CommentToken) or _EOL not in token.value:
        return
    own, rest = token.value.split(_EOL, 1)
    if not rest:
        return
    if own:
        token.value = own + _EOL
    else:
        slot[2] = None
    mapping.ca.items[key] = [None, None, CommentToken(_EOL + rest, token.start_mark, None), None]
