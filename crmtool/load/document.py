"""Safe YAML loading that keeps the position of every value.

A record is composed into a node tree by libyaml's C parser (the pure-Python parser is the
fallback) and then turned into plain JSON-like values by a small walk of our own, instead of
PyYAML's constructor, because the walk is where the dangerous and surprising parts of YAML
are caught:

- duplicate keys are reported, never silently resolved;
- anchors, aliases, merge keys and custom tags are refused (an alias is only ever expanded
  once, so an alias bomb costs nothing);
- plain scalars that YAML 1.1 (or 1.2) reads as something other than text are remembered,
  so the Y rules can ask the schema whether text was meant there;
- dates become ISO strings, so the JSON Schema `format: date` sees them.

The node tree stays with the document so every JSON pointer in a schema error maps back to
a line and column (`Document.position`).

Loading every record is most of a cold check, so the common case takes a shorter road to the
same answers: the resolver remembers plain scalars' tags (`Loader`), a tree without aliases
is walked in one pass (`_walk`), and the depth count is skipped after cheaper counts. A
record with a `*` takes `_Walker`, which notices a node met twice. tests/test_loader_equal.py
holds the whole to the loader as it was before (tests/loader_reference.py) on every shipped
record and fixture, demo repositories, the public yaml-test-suite and fuzzed documents.
(rapidyaml was measured and left: its Python binding gives no line or column per node, and
walking its tree through the binding costs what libyaml's compose does.)
"""
from __future__ import annotations

import datetime as dt
import re
from sys import intern
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1 << 20
"""A record is a few hundred bytes; a file over 1 MiB is a mistake, not a record."""

MAX_DEPTH = 64
"""Records nest a few levels; deeper nesting would only exhaust the parser's stack."""

Pointer = tuple  # of str (mapping keys) and int (sequence indices)

_YAML = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = (_YAML + t for t in ("str", "null", "bool", "int", "float"))
_TIMESTAMP, _MAP, _SEQ, _MERGE = (_YAML + t for t in ("timestamp", "map", "seq", "merge"))

# Plain scalars that some YAML reader takes for a number or a boolean although PyYAML (YAML
# 1.1) leaves them text: YAML 1.2 numbers such as 1e3, 0o17, and numbers with a leading zero
# such as a phone number 0612345678. Quoting them makes every reader agree.
AMBIGUOUS_TEXT = re.compile(
    r"[-+]?(?:\d+|\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
SHARED = 40
"""Texts this short (ids, dates, kinds) recur across records: one shared copy saves memory."""
_NESTING_HINTS = (re.compile(r"^ {96,}\S", re.M), re.compile(r"(?:[-?:] +){24}"))
_NUMBERLIKE = frozenset("+-.0123456789")
"""The characters AMBIGUOUS_TEXT's matches start with: a text starting otherwise skips the regex."""
_constructor = SafeConstructor()
_RESOLVE = {  # the stateless halves of PyYAML's constructor, one per implicit type
    _NULL: _constructor.construct_yaml_null,
    _BOOL: _constructor.construct_yaml_bool,
    _INT: _constructor.construct_yaml_int,
    _FLOAT: _constructor.construct_yaml_float,
    _TIMESTAMP: _constructor.construct_yaml_timestamp,
}


_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_LIMIT = 1 << 16


class Loader(SafeLoader):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader (libyaml's when built with it), whose resolver remembers the tag of
    each plain scalar it has resolved.

    The composer asks the resolver once per node, in Python; with the safe loader's fixed
    implicit resolvers and no path resolvers the answer for a plain scalar depends on its text
    alone (`BaseResolver.resolve`), and the same texts (kinds, statuses, dates, `true`) recur
    in every record, so a dictionary answers most of them. A quoted scalar is always text and
    a collection has its default tag, as PyYAML decides when no path resolver is registered.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = SafeLoader.resolve(self, kind, value, implicit)
                if len(_PLAIN_TAGS) >= _PLAIN_TAGS_LIMIT:
                    _PLAIN_TAGS.clear()
                _PLAIN_TAGS[value] = tag
            return tag
        return _MAP if kind is yaml.MappingNode else _SEQ


assert not SafeLoader.yaml_path_resolvers, "Loader.resolve assumes no path resolvers"


@dataclass(frozen=True)
class Problem:
    """Something the loader saw that a Y rule reports. Positions are 1-based."""

    kind: str
    line: int
    column: int
    detail: dict = field(default_factory=dict)


@dataclass
class Retyped:
    """A plain (unquoted) scalar that a YAML reader may take for something other than text."""

    pointer: Pointer
    text: str
    value: Any
    line: int
    column: int
    tag: str  # what YAML 1.1 made of it: str (text that YAML 1.2 reads otherwise), bool, int, ...
    is_key: bool = False


@dataclass
class Document:
    """One YAML file: its data, its node tree and what the loader noticed."""

    path: str
    data: Any = None
    root: yaml.Node | None = None
    problems: list[Problem] = field(default_factory=list)
    retyped: list[Retyped] = field(default_factory=list)
    aliased: set = field(default_factory=set)  # pointers whose value was an alias (left empty)
    loaded: bool = False

    def node_at(self, pointer: Pointer) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The value node at `pointer` and, for a mapping member, its key node.

        Walks as far as the pointer leads; a pointer that ends in a missing member returns the
        deepest node found, so a finding still lands near its cause.
        """
        node, key_node = self.root, None
        for step in pointer:
            if isinstance(node, yaml.MappingNode) and isinstance(step, str):
                found = None
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == step:
                        found = (k, v)  # the last one wins, as in the loaded data
                if found is None:
                    return node, key_node
                key_node, node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                key_node, node = None, node.value[step]
            else:
                return node, key_node
        return node, key_node

    def position(self, pointer: Pointer = (), at_key: bool = False) -> tuple[int, int]:
        """1-based line and column of the value (or its key) at `pointer`."""
        if self.root is None:
            return 1, 1
        node, key_node = self.node_at(pointer)
        target = key_node if at_key and key_node is not None else node
        if target is None:
            return 1, 1
        return target.start_mark.line + 1, target.start_mark.column + 1


_KEY_WITHOUT_SPACE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w.-]*:(?![\s/]|$)")
_KEY_THEN_VALUE = re.compile(r"^\s*(?:-\s+)?(?:[^\s#'\"][^:#]*|'[^']*'|\"[^\"]*\"):\s+\S")


def _syntax_cause(text: str, mark: Any, problem: str, context: str) -> tuple[str, tuple | None] | None:
    """What usually lies behind libyaml's problem at `mark`, read from the text around it,
    so that Y001 can say it in plain words: `tab`, `no-space-after-colon`, `colon-in-value`,
    `indentation`, `text-after-quote`, `unclosed-quote` or `character:X` (a character that
    cannot start a plain value: @ ` % & * ! | >), with the 1-based (line, column) where the
    cause lies when that is not where libyaml noticed it; None when nothing more specific is
    known."""
    cause = _cause(text, mark, problem, context)
    if cause != "no-space-after-colon":
        return (cause, None) if cause else None
    for index in range(mark.line, max(-1, mark.line - 4), -1):  # the line that lacks the space
        found = _KEY_WITHOUT_SPACE.match(text.splitlines()[index]) if index < len(text.splitlines()) else None
        if found:
            return cause, (index + 1, found.end())
    return cause, None


def _cause(text: str, mark: Any, problem: str, context: str) -> str | None:
    if mark is None:
        return None
    lines = text.splitlines()
    here = lines[mark.line] if mark.line < len(lines) else ""
    before = here[:mark.column]
    character = here[mark.column] if mark.column < len(here) else ""
    if "tab character" in problem or (character == "\t" and "cannot start any token" in problem):
        return "tab"
    if "cannot start any token" in problem and character in "@`%&*!|>":
        return f"character:{character}"
    if "quoted scalar" in context and "end of stream" in problem:
        return "unclosed-quote"
    if "mapping values are not allowed" in problem or "could not find expected ':'" in problem:
        previous = [ln for ln in lines[max(0, mark.line - 3):mark.line + 1] if ln.strip()]
        if any(_KEY_WITHOUT_SPACE.match(ln) for ln in previous):
            return "no-space-after-colon"
        if "mapping values are not allowed" in problem:
            return "colon-in-value" if _KEY_THEN_VALUE.match(before) else "indentation"
    if "did not find expected key" in problem and re.search(r"['\"]\s*$", before):
        return "text-after-quote"
    return None


def _line_and_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character index into `text`."""
    start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - start + 1


def load_document(path: str, raw: bytes) -> Document:
    """Load one YAML file's bytes. Never raises: what goes wrong becomes a Problem."""
    doc = Document(path=path)
    if len(raw) > MAX_BYTES:
        doc.problems.append(Problem("too-large", 1, 1, {"size": len(raw), "limit": MAX_BYTES}))
        return doc
    text = _decode(raw, doc)
    if text is None:
        return doc
    if _may_nest_deeply(text) and _too_deep(text, doc):
        return doc
    try:
        doc.root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and "end of stream" in (error.problem or ""):
            mark = error.context_mark  # where the unclosed quote or bracket was opened
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = {"problem": error.problem or "", "context": error.context or ""}
        cause = _syntax_cause(text, error.problem_mark, detail["problem"], detail["context"])
        if cause:
            detail["cause"], where = cause
            line, column = where or (line, column)
        doc.problems.append(Problem("syntax", line, column, detail))
        return doc
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (control characters)
        line, column = _line_and_column(text, error.position)
        doc.problems.append(Problem("syntax", line, column, {
            "problem": "control-character", "cause": "control-character",
            "character": f"U+{error.character:04X}" if isinstance(error.character, int) else "?"}))
        return doc
    except (yaml.YAMLError, RecursionError) as error:
        doc.problems.append(Problem("syntax", 1, 1, {"problem": str(error).splitlines()[0]}))
        return doc
    if ("&" in text or "*" in text) and doc.root is not None:
        _find_anchors(text, doc)
    try:
        if doc.root is None:
            doc.data = None
        elif "*" in text:  # an alias is possible: the walker that notices a node seen twice
            doc.data = _Walker(doc).value(doc.root, ())
        else:
            doc.data = _walk(doc, doc.root)
    except RecursionError:
        doc.problems.append(Problem("too-deep", 1, 1, {"limit": MAX_DEPTH}))
        return doc
    doc.loaded = True
    return doc


def _decode(raw: bytes, doc: Document) -> str | None:
    if b"\x00" in raw:
        doc.problems.append(Problem("binary", 1, 1))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        doc.problems.append(Problem("encoding", line, column))
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _may_nest_deeply(text: str) -> bool:
    """A cheap test that lets ordinary records skip the exact depth count.

    Each hint's regex runs only when a count of what it needs says it can match (96 spaces in
    a row; 24 markers each followed by a space): the same answer, a third of the time."""
    if text.count("[") + text.count("{") > 4 * MAX_DEPTH:
        return True
    indented, markers = _NESTING_HINTS
    if " " * 96 in text and indented.search(text):
        return True
    return text.count("- ") + text.count("? ") + text.count(": ") >= 24 and markers.search(text) is not None


def _too_deep(text: str, doc: Document) -> bool:
    """Count nesting from the event stream (libyaml's parser keeps its own stack, so this is
    safe where composing a deeply nested document would overflow the C stack)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    assert mark is not None  # the parser marks every event it reads
                    doc.problems.append(Problem("too-deep", mark.line + 1, mark.column + 1,
                                                {"limit": MAX_DEPTH}))
                    return True
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return False  # composing will report the syntax error with its position
    return False


def _find_anchors(text: str, doc: Document) -> None:
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            kind = "alias"
        elif isinstance(event, yaml.NodeEvent) and event.anchor:
            kind = "anchor"
        else:
            continue
        mark = event.start_mark
        assert mark is not None  # the parser marks every event it reads
        doc.problems.append(Problem(kind, mark.line + 1, mark.column + 1, {"name": event.anchor}))


def _short(tag: str) -> str:
    return tag[len(_YAML):] if tag.startswith(_YAML) else tag


def _walk(doc: Document, root: yaml.Node) -> Any:
    """What `_Walker(doc).value(root, ())` returns and notes, for a tree without aliases
    (its text has no `*`, so no node is reached twice), in fewer steps: this walk is most
    of the time of loading a record. Scalars are handled where their parent meets them, and
    a pointer is only built for a collection or for a scalar that is noted; the depth limit
    is checked where `_Walker.value` checks it, before a child is walked, so a too-deep file
    has noted the same things when it stops. tests/test_loader_equal.py holds the two to the
    same answers."""
    problems, retyped = doc.problems, doc.retyped
    resolve = _Walker.resolve

    def scalar(node: yaml.ScalarNode, pointer: Pointer) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            if node.style == "" and text[:1] in _NUMBERLIKE and AMBIGUOUS_TEXT.fullmatch(text):
                mark = node.start_mark
                retyped.append(Retyped(pointer, text, text, mark.line + 1, mark.column + 1, "str"))
            return intern(text) if len(text) <= SHARED else text
        if tag in _RESOLVE:
            value = resolve(node)
            if node.style == "" and tag != _NULL:
                mark = node.start_mark
                retyped.append(Retyped(pointer, text, value, mark.line + 1, mark.column + 1, _short(tag)))
            if isinstance(value, (dt.date, dt.datetime)):
                return intern(value.isoformat())
            return value
        if tag != "!":
            mark = node.start_mark
            problems.append(Problem("tag", mark.line + 1, mark.column + 1, {"tag": tag}))
        return text

    def collection(node: yaml.Node, pointer: Pointer, depth: int) -> Any:
        scalar_node, mapping_node = yaml.ScalarNode, yaml.MappingNode
        if isinstance(node, mapping_node):
            if node.tag not in (_MAP, "!"):
                mark = node.start_mark
                problems.append(Problem("tag", mark.line + 1, mark.column + 1, {"tag": node.tag}))
            result: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                mark = key_node.start_mark
                if key_node.tag == _MERGE:
                    problems.append(Problem("merge-key", mark.line + 1, mark.column + 1))
                    continue
                if not isinstance(key_node, scalar_node):
                    problems.append(Problem("complex-key", mark.line + 1, mark.column + 1))
                    continue
                key = key_node.value
                if key_node.style == "" and key_node.tag in _RESOLVE and key_node.tag != _NULL:
                    retyped.append(Retyped(pointer + (key,), key, resolve(key_node), mark.line + 1,
                                           mark.column + 1, _short(key_node.tag), is_key=True))
                if key in first_line:
                    problems.append(Problem("duplicate-key", mark.line + 1, mark.column + 1, {
                        "key": key, "first_line": first_line[key]}))
                else:
                    first_line[key] = mark.line + 1
                if depth >= MAX_DEPTH:
                    raise RecursionError
                if isinstance(value_node, scalar_node):
                    result[intern(key)] = scalar(value_node, pointer + (key,))
                else:
                    result[intern(key)] = collection(value_node, pointer + (key,), depth + 1)
            return result
        assert isinstance(node, yaml.SequenceNode)  # composing makes scalars, sequences and mappings only
        if node.tag not in (_SEQ, "!"):
            mark = node.start_mark
            problems.append(Problem("tag", mark.line + 1, mark.column + 1, {"tag": node.tag}))
        items = []
        for index, item in enumerate(node.value):
            if depth >= MAX_DEPTH:
                raise RecursionError
            if isinstance(item, scalar_node):
                items.append(scalar(item, pointer + (index,)))
            else:
                items.append(collection(item, pointer + (index,), depth + 1))
        return items

    try:
        if isinstance(root, yaml.ScalarNode):
            return scalar(root, ())
        return collection(root, (), 0)
    finally:
        # `collection` calls itself through its own closure cell: a reference cycle, which
        # would keep both functions and the notes they hold until the cycle collector runs,
        # and loading runs without it (`pool.without_gc`): about 1 KiB per file, for good.
        collection = None  # type: ignore[assignment]  # (tests/test_memory.py)


class _Walker:
    """Turns nodes into values, noting every surprise on the document."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.seen: set[int] = set()

    def value(self, node: yaml.Node, pointer: Pointer, depth: int = 0) -> Any:
        if id(node) in self.seen:
            self.doc.aliased.add(pointer)
            return None  # an alias: reported from the event stream (Y003), expanded never
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise RecursionError
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, pointer)
        self.check_tag(node, _MAP if isinstance(node, yaml.MappingNode) else _SEQ)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, pointer + (index,), depth + 1)
                    for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)  # composing makes scalars, sequences and mappings only
        return self.mapping(node, pointer, depth)

    def mapping(self, node: yaml.MappingNode, pointer: Pointer, depth: int) -> dict:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, pointer)
            if key is None:
                continue
            mark = key_node.start_mark
            if key in first_line:
                self.doc.problems.append(Problem("duplicate-key", mark.line + 1, mark.column + 1, {
                    "key": key, "first_line": first_line[key]}))
            else:
                first_line[key] = mark.line + 1
            result[intern(key)] = self.value(value_node, pointer + (key,), depth + 1)
        return result

    def key(self, node: yaml.Node, pointer: Pointer) -> str | None:
        mark = node.start_mark
        if node.tag == _MERGE:
            self.doc.problems.append(Problem("merge-key", mark.line + 1, mark.column + 1))
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.doc.problems.append(Problem("complex-key", mark.line + 1, mark.column + 1))
            return None
        self.seen.add(id(node))
        if node.style == "" and node.tag in _RESOLVE and node.tag != _NULL:
            self.doc.retyped.append(Retyped(pointer + (node.value,), node.value, self.resolve(node),
                                            mark.line + 1, mark.column + 1, _short(node.tag),
                                            is_key=True))
        return node.value

    def scalar(self, node: yaml.ScalarNode, pointer: Pointer) -> Any:
        tag = node.tag
        if tag == _STR:
            if node.style == "" and AMBIGUOUS_TEXT.fullmatch(node.value):
                self.note_retyped(node, pointer, node.value)
            return intern(node.value) if len(node.value) <= SHARED else node.value
        if tag in (_NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP):
            value = self.resolve(node)
            if node.style == "" and tag != _NULL:
                self.note_retyped(node, pointer, value)
            if isinstance(value, (dt.date, dt.datetime)):
                return intern(value.isoformat())
            return value
        self.check_tag(node, _STR)
        return node.value

    def note_retyped(self, node: yaml.Node, pointer: Pointer, value: Any) -> None:
        mark = node.start_mark
        self.doc.retyped.append(Retyped(pointer, node.value, value, mark.line + 1, mark.column + 1,
                                        _short(node.tag)))

    @staticmethod
    def resolve(node: yaml.ScalarNode) -> Any:
        try:
            return _RESOLVE[node.tag](node)
        # A timestamp like 2026-02-30, or an explicit tag on a value it does not fit (`!!timestamp
        # Partij A`, `!!bool maybe`, an empty `!!float`): PyYAML's constructors are written for
        # what its resolver matched and fail in any way on the rest (found by tests/test_fuzz.py).
        # Either way the value is the text that was written, and the rules say what is wrong.
        except Exception:  # noqa: BLE001
            return node.value

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag not in (expected, "!"):
            mark = node.start_mark
            self.doc.problems.append(Problem("tag", mark.line + 1, mark.column + 1, {"tag": node.tag}))
