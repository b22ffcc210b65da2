"""`crmtool fmt`: one canonical layout for records, so a diff shows changed data and nothing else.

Staff write records by hand, in editors that indent, quote and order differently; every such
difference shows up in the next pull request as noise around the one line that mattered.
`fmt` rewrites a record into one layout (docs/fmt.md):

- keys in the order the record type's schema lists them, nested mappings too (following
  `$ref`), unknown keys after the known ones in their own order; comments move with the key
  below them (`fmt_order.py`);
- the `$schema` comment for the editor on the first line;
- mappings indented by two, list dashes under their key, flow maps kept flow (their keys
  ordered too), long lines never re-wrapped;
- strings plain where YAML 1.1 and 1.2 both read the plain text as that text, else in double
  quotes; ISO dates unquoted where the schema says date, quoted where text is meant;
- LF line ends, no trailing spaces, one final newline.

What the check's loader (`load/document.py`) reads from the file never changes: a value that YAML 1.1
reads as a boolean or number (`NO`, `012`) is left exactly as written, because quoting it
would change the data; Y005 asks a person to decide. Before anything is written the new text
is loaded again and compared with the old data, and a file the check would refuse (syntax
errors, duplicate keys, anchors, tags) is reported, never rewritten. The core returns values
and never prints; `cli/fmt.py` shows them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString, ScalarString

from . import base as edits, roundtrip
from ..load import atomic
from .. import i18n
from ..load.pool import map_each
from ..findings import Finding
from .fmt_fast import Shapes, proven
from .fmt_order import reorder
from ..i18n import _
from ..load.document import Document, load_document
from ..load.repo import (FOLDERS, RECORDS, SPECIAL, NotRegularFile, Repository, Stray, UsageError, read_regular,
                         record_of)
from ..check import not_regular, yaml_findings
from ..load.scalars import STR, YAML12, plain_ok, same_data
from ..load.schema import SchemaSet
from ..load.store import Store
from .schema_ref import SchemaReferences

SCHEMA_COMMENT = "# yaml-language-server: $schema="
_SCHEMA_LINE = re.compile(r"#\s*yaml-language-server\s*:\s*\$schema\s*=\s*(\S+)")
CACHE_FILE = "build/fmt-cache.sqlite"
_CODE = ("edit/fmt.py", "edit/fmt_fast.py", "edit/fmt_order.py", "load/document.py", "edit/roundtrip.py",
         "load/scalars.py", "load/schema.py")
"""The code a layout depends on, relative to the crmtool package: the fmt cache's key."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Refused(Exception):
    """A file fmt will not rewrite; `finding` says where and why, as the check would."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(f"{finding.path}:{finding.line}:{finding.column}: {finding.message}")
        self.finding = finding


@dataclass(frozen=True)
class Difference:
    """A file that is not canonical, with the first line and column where it differs."""

    path: str
    line: int
    column: int

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column}


@dataclass
class Outcome:
    """What `fmt` found (and, without --check, wrote)."""

    check: bool
    files: int = 0
    differences: list[Difference] = field(default_factory=list)
    broken: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.broken or (self.check and self.differences))

    def as_dict(self) -> dict:
        return {"check": self.check, "files": self.files,
                "not_canonical" if self.check else "changed": [d.as_dict() for d in self.differences],
                "broken": [f.as_dict() for f in self.broken], "written": self.written}


# -- one file ---------------------------------------------------------------------------------

class Verbatim(ScalarString):
    """A plain scalar written back exactly as it stood (a number, a boolean, a date, null):
    its text is what every reader has read so far, so it must not change. A ScalarString,
    so ruamel does not turn it back into the quoted string it replaces."""

    __slots__ = ()


def _represent_verbatim(representer, data: Verbatim):
    tag = YAML12.resolve(ScalarNode, str(data), (True, False))
    return representer.represent_scalar(tag, str(data))


_UNSHARED_BREAKS = ("\x85", "\u2028", "\u2029")
"""NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: line breaks to the check's loader, text to ruamel,
so a layout made by one is read differently by the other (found by tests/test_fuzz.py in a
comment: `0: #<NEL>#`). A file with one is left as it is."""


_KEY_BREAKS = ("\n", "\r", *_UNSHARED_BREAKS)
"""What makes a key span lines to ruamel's emitter, written escaped or not (`"\\N"` is NEL)."""


_EXPLICIT_KEY = re.compile(r"^[ \t-]*\? ", re.MULTILINE)
"""A line of ruamel's output that opens an explicit key: ruamel writes one for a key it cannot
write simply (over about 120 characters as it would write them, found by tests/test_fuzz.py),
and lays out its value differently on the next pass."""


def _has_explicit_key(value: object) -> bool:
    """Whether a mapping key needs YAML's explicit `? ` form: no schema field does, and
    ruamel lays such a key out differently on each pass (found by tests/test_fuzz.py: a key
    over 1024 characters, one over lines, one holding an escaped NEL)."""
    if isinstance(value, dict):
        return any(not isinstance(k, str) or len(k) > 1024 or any(b in k for b in _KEY_BREAKS)
                   or _has_explicit_key(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_explicit_key(item) for item in value)
    return False


def canonical(text: str, path: str, record_type: str | None, schemas: SchemaSet | None,
              schema_ref: str | None = None, offset: int | None = None) -> str:
    """The canonical text of one record file. Raises Refused for a file the check refuses,
    or when the result would not load as the same data (a bug, never written). `offset`
    chooses the list-dash position (0: under the key, 2: indented) instead of the file's own:
    `crmtool new` writes a record as its neighbours are written."""
    before = _loaded(text.encode("utf-8"), path, record_type, schemas)
    if not isinstance(before.data, dict):
        return text  # not a record at all (empty, a list, or one value): the check says what is wrong
    if any(mark in text for mark in _UNSHARED_BREAKS):
        return text  # libyaml (YAML 1.1) reads these as line breaks, ruamel (YAML 1.2) does not
    if _has_explicit_key(before.data):
        return text  # a key no field has (over 1024 characters or over lines): laid out, it shifts each run
    document = _load_for_editing(text, path)
    context = _Context(record_type, schemas)
    if before.root is not None:
        try:
            document.data = context.value(before.root, document.data, (), False)
        except (IndexError, KeyError, TypeError, AttributeError) as error:
            # libyaml and ruamel read the file differently (stray byte-order marks inside, found
            # by tests/test_fuzz.py): laying one out along the other would change the data
            raise Refused(Finding(path, 1, 1, "fmt", "error", _(
                "crmtool fmt could not lay out this file without changing its data; it was left as it is."))) from error
    if offset not in (0, 2):
        offset = 2 if document.layout.offset == 2 else 0  # the file's own dash position
    document.layout = roundtrip.Layout(mapping=2, offset=offset, preamble=document.layout.preamble)
    try:
        yaml_text = _dump(document)
    except Exception as error:  # ruamel's emitter failing on a layout it read (a fuzz find): refuse, never crash
        raise Refused(Finding(path, 1, 1, "fmt", "error", _(
            "crmtool fmt could not lay out this file without changing its data; it was left as it is."))) from error
    if _EXPLICIT_KEY.search(yaml_text):
        return text  # ruamel chose `? key` (a key too long to stand simply): its layout shifts each run
    lines = yaml_text.split("\n")
    if isinstance(document.data, CommentedMap) and not document.data.fa.flow_style():
        body_from = _body_start(lines)
        lines = lines[:body_from] + reorder(lines[body_from:], context.order)
    lines = _with_schema_comment(lines, schema_ref)
    if "\n".join(lines).count("#") != text.count("#") + (lines[:1] != [] and not _has_schema_comment(text)
                                                         and lines[0].startswith(SCHEMA_COMMENT)):
        raise Refused(Finding(path, 1, 1, "fmt", "error", _(
            "crmtool fmt cannot keep a comment of this file in place (a comment inside square or curly brackets); "
            "move it onto a line of its own and run fmt again.")))
    for strip in (True, False):  # trailing spaces can be data (a literal block): then keep them
        result = _finish(lines, strip)
        after = load_document(path, result.encode("utf-8"))
        if not after.problems and same_data(before.data, after.data):
            return result
    raise Refused(Finding(path, 1, 1, "fmt", "error",
                          _("crmtool fmt could not lay out this file without changing its data; "
                            "it was left as it is.")))


def _loaded(raw: bytes, path: str, record_type: str | None, schemas: SchemaSet | None) -> Document:
    doc = load_document(path, raw)
    if doc.problems:
        findings = yaml_findings(path, doc, schemas, record_type or "")
        problem = doc.problems[0]
        raise Refused(findings[0] if findings else Finding(
            path, problem.line, problem.column, "Y001", "error",
            _("This file cannot be read as YAML ({kind}).").format(kind=problem.kind)))
    return doc


def _load_for_editing(text: str, path: str) -> roundtrip.Document:
    """The ruamel document; unlike `roundtrip.loads` it does not look for a layout that
    gives the file back byte for byte, since fmt replaces the layout anyway."""
    detected = roundtrip.detect_layout(text)
    body = (text[1:] if detected.bom else text).replace("\r\n", "\n")[len(detected.preamble):]
    try:
        data = roundtrip.yaml_for(detected).load(body)
    except Exception as error:  # ruamel refusing what libyaml read: report, never crash
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise Refused(Finding(path, line, column, "Y001", "error",
                              _("This file cannot be read for formatting: {problem}").format(
                                  problem=getattr(error, "problem", None) or type(error).__name__))) from error
    return roundtrip.Document(data, detected, path)


def _dump(document: roundtrip.Document) -> str:
    stream = io.StringIO()
    yaml_ = roundtrip.yaml_for(document.layout)
    yaml_.representer.add_representer(Verbatim, _represent_verbatim)
    yaml_.dump(document.data, stream)
    return document.layout.preamble + stream.getvalue()


def _body_start(lines: list[str]) -> int:
    """The first line after the comments (and `---`) that open the file."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return index
    return len(lines)


def _with_schema_comment(lines: list[str], schema_ref: str | None) -> list[str]:
    """The `$schema` comment first: moved up when it is among the opening comments, added
    when missing (and the repository's schema is known)."""
    opening = _body_start(lines)
    for index in range(opening):
        found = _SCHEMA_LINE.fullmatch(lines[index].strip())
        if found:
            return [SCHEMA_COMMENT + found.group(1)] + lines[:index] + lines[index + 1:]
    return ([SCHEMA_COMMENT + schema_ref] if schema_ref else []) + lines


def _has_schema_comment(text: str) -> bool:
    lines = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    return any(_SCHEMA_LINE.fullmatch(line.strip()) for line in lines[:_body_start(lines)])


def _finish(lines: list[str], strip: bool) -> str:
    text = "\n".join(line.rstrip() if strip else line for line in lines)
    return text.rstrip("\n") + "\n" if text.strip() else ""


class _Context:
    """The schema knowledge fmt needs for one record type."""

    def __init__(self, record_type: str | None, schemas: SchemaSet | None) -> None:
        self.record_type = record_type
        self.schemas = schemas if schemas is not None and record_type and schemas.has(record_type) else None
        self._orders: dict[tuple, list] = {}

    def order(self, path: tuple) -> list:
        """The properties the schema lists for the mapping at `path`, in its order."""
        path = tuple("*" if isinstance(step, int) else step for step in path)
        if path not in self._orders:
            keys: list = []
            if self.schemas is not None and self.record_type is not None:
                for schema in self.schemas.subschemas_at(self.record_type, path):
                    keys += [k for k in schema.get("properties", {}) if k not in keys]
            self._orders[path] = keys
        return self._orders[path]

    def known(self, pointer: tuple) -> bool:
        return (self.schemas is not None and self.record_type is not None
                and bool(self.schemas.subschemas_at(self.record_type, pointer)))

    def date(self, pointer: tuple) -> bool:
        return (self.schemas is not None and self.record_type is not None
                and self.schemas.expects_date(self.record_type, pointer))

    def value(self, node: yaml.Node, value: Any, pointer: tuple, flow: bool) -> Any:
        """The ruamel value for `node`, its scalars canonical and flow maps' keys ordered."""
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, value, pointer, flow)
        if isinstance(node, yaml.SequenceNode) and isinstance(value, CommentedSeq):
            flow = flow or bool(value.fa.flow_style())
            for index, item in enumerate(node.value):
                value[index] = self.value(item, value[index], pointer + (index,), flow)
            return value
        if isinstance(node, yaml.MappingNode) and isinstance(value, CommentedMap):
            flow = flow or bool(value.fa.flow_style())
            for (key_node, item), key in zip(node.value, list(value.keys())):
                value[key] = self.value(item, value[key], pointer + (key_node.value,), flow)
            if flow:
                self.order_flow(value, pointer)
            return value
        return value

    def order_flow(self, mapping: CommentedMap, pointer: tuple) -> None:
        known = self.order(pointer)
        rank = {key: index for index, key in enumerate(known)}
        keys = list(mapping.keys())
        for key in sorted(keys, key=lambda k: (rank.get(k, len(known)), keys.index(k))):
            mapping.move_to_end(key)

    def scalar(self, node: yaml.ScalarNode, value: Any, pointer: tuple, flow: bool) -> Any:
        text = node.value
        if node.style in ("|", ">"):
            return value  # block scalars keep their style and their line breaks
        if node.tag == STR:
            if self.date(pointer) and _ISO_DATE.fullmatch(text) and _is_date(text):
                return Verbatim(text)  # a quoted date in a date field: a date
            if node.style in ('"', "'"):
                return value  # quotes staff wrote stay, in their style (docs/fmt.md)
            return PlainScalarString(text) if plain_ok(text, flow) else DoubleQuotedScalarString(text)
        if node.tag.endswith(":timestamp") and not self.date(pointer) and self.known(pointer) \
                and _is_date(text):
            return DoubleQuotedScalarString(text)  # a date where text is meant: text
        if node.tag.endswith(":null") and not text:
            return value
        return Verbatim(text)


def _is_date(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


_BLOCK_ITEM = re.compile(r"^[^\s#-][^#\n]*:[ \t]*\n( *)- ", re.M)
_NEIGHBOURS_READ = 20


def house_dash_offset(root: Path, folder: str) -> int | None:
    """Where the folder's records put a list's dashes: 0 under the key, 2 indented; None when
    none of the first files has a block list."""
    for path in sorted((root / "records" / folder).rglob("*.yaml"))[:_NEIGHBOURS_READ]:
        try:  # a link or a pipe among them is refused, never followed or waited on
            found = _BLOCK_ITEM.search(read_regular(root, path.relative_to(root).as_posix()).decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if found:
            return len(found.group(1))
    return None


def first_difference(old: str, new: str) -> tuple[int, int]:
    """1-based line and column of the first character where `new` differs from `old`."""
    if old.startswith("\ufeff"):
        return 1, 1
    for number, (a, b) in enumerate(zip(old.split("\n"), new.split("\n")), start=1):
        if a != b:
            column = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            return number, column + 1
    return min(old.count("\n"), new.count("\n")) + 1, 1


# -- the repository ---------------------------------------------------------------------------

def record_paths(repo: Repository, given: list[Path]) -> tuple[list[str], list[Stray]]:
    """The record files to format: every one under records/, or those the paths name (files
    or folders), relative to the root; and the entries there that are not regular files
    (links, pipes: never opened, reported as S011). A path outside records/ is a usage error.

    The files come from the repository's one listing (`Repository.scan`), as for the check
    and the index, so a link is never followed to a file outside the repository."""
    root = repo.root.resolve()
    if not given and not (root / RECORDS).is_dir():
        return [], []
    files, strays = repo.scan()
    special = [s for s in strays if s.reason in SPECIAL]
    if not given:
        return [f.path for f in files], special
    found: set[str] = set()
    refused: dict[str, Stray] = {}
    for target in given:
        absolute = Path(os.path.abspath(Path.cwd() / target))
        absolute = absolute.parent.resolve() / absolute.name if absolute != absolute.parent else absolute
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(_("{path}: lies outside the repository {root}.").format(path=target, root=root)) from None
        if rel == ".":
            rel = RECORDS
        inside = [s for s in special if s.path == rel or s.path.startswith(rel + "/") or rel.startswith(s.path + "/")]
        refused.update((s.path, s) for s in inside)
        if inside and (inside[0].path == rel or rel.startswith(inside[0].path + "/")):
            continue  # the path is (under) a link or a pipe itself: reported, not followed
        if absolute.is_dir():
            if not (rel == RECORDS or rel.startswith(RECORDS + "/")):
                raise UsageError(_("{path}: not a folder of records; fmt formats the files under records/.").format(
                    path=target))
            found.update(f.path for f in files if f.path.startswith(rel + "/"))
        elif absolute.is_file():
            if record_of(rel)[0] is None:
                raise UsageError(_("{path}: not a record file; fmt formats the .yaml files under records/.").format(
                    path=target))
            found.update(f.path for f in files if f.path == rel)
        else:
            raise UsageError(_("{path}: no such file or folder.").format(path=target))
    return sorted(found), [refused[p] for p in sorted(refused)]


_references: SchemaReferences | None = None
"""The `$schema` paths of the current run, per (folder, type): set anew by `fmt`, so the
neighbours are read once per folder and run (and per worker process), not once per file."""


def schema_ref(repo: Repository, rel: str, record_type: str) -> str | None:
    """The `$schema` path fmt adds to a record lacking the comment: one that resolves from its
    folder (`schema_ref.py`), else None and no comment (fmt never guesses a path)."""
    global _references
    references = _references
    if references is None or (references.repo is not repo and references.repo.root != repo.root):
        references = _references = SchemaReferences(repo)  # asked for every file: the same repo is quick
    return references.resolving(rel, record_type)


@atomic.serialised(writes=lambda *args, **kwargs: not kwargs.get("check"))
def fmt(repo: Repository, paths: list[Path], *, check: bool, schemas: SchemaSet, config: dict | None = None) -> Outcome:
    """Format (or, with `check`, only compare) the record files `paths` name.

    Before writing, each changed file also goes through the check's file and record rules
    (`edits.verify`), as every command that writes records does; equal data already makes
    that certain, so a refusal there is a bug, reported for that file alone."""
    outcome = Outcome(check=check)
    files, special = record_paths(repo, paths)
    outcome.broken.extend(not_regular(stray.path, stray.reason) for stray in special)
    outcome.files = len(files)
    global _references
    _references = SchemaReferences(repo)  # this run's: the files may have changed since the last
    cache = _Cache(repo.root, schemas)
    known = cache.canonical()
    changes: dict[str, str] = {}
    after: dict[str, str] = {}  # the digest of each new text, once written
    canonical_now: list[str] = []
    for rel, digest, new, difference, broken in _format_all(repo, files, schemas, known, cache.secret):
        if broken is not None:
            outcome.broken.append(broken)
        elif difference is None:
            canonical_now.append(digest)
        else:
            outcome.differences.append(difference)
            changes[rel], after[rel] = new, digest
    if changes and not check:
        for rel in sorted(changes):
            try:
                edits.verify(repo, schemas, config or {}, rel, read_regular(repo.root, rel).decode("utf-8"),
                             changes[rel])
            except (edits.Refused, OSError, UnicodeDecodeError) as error:
                outcome.broken.append(Finding(rel, 1, 1, "fmt", "error", str(error)))
                outcome.differences = [d for d in outcome.differences if d.path != rel]
                del changes[rel]
        outcome.written = atomic.write_files(repo.root, {repo.root / p: t for p, t in changes.items()})
        canonical_now += [after[rel] for rel in outcome.written]
    cache.store(canonical_now)
    cache.close()  # on an error before, the connection is closed as it is collected
    return outcome


_Result = tuple
"""(path, digest, new text or None, Difference or None, Finding or None); the digest is the new
text's when there is one (`_digest`)."""


def _format_all(repo: Repository, files: list[str], schemas: SchemaSet, known: set[str],
                secret: bytes) -> Iterator[_Result]:
    """Every file's result, in order; across the cores for a whole repository (a file takes a
    few milliseconds in ruamel.yaml, which is pure Python), in the one process pool."""
    job = FormatJob(repo, schemas, known, i18n.language(), secret)
    return (result for result in map_each(files, job) if result is not None)


class FormatJob:
    """`format_file` as the pool's job; a spawned worker rebuilds the schemas from their folder
    and starts without the cache's list of known canonical files. ruamel's nodes hold cycles,
    so its workers keep the garbage collector (`pool.Job`)."""

    cyclic = True

    def __init__(self, repo: Repository, schemas: SchemaSet, known: set[str], language: str, secret: bytes) -> None:
        self.repo, self.schemas, self.known, self.language = repo, schemas, known, language
        self.secret = secret

    def start(self) -> None:
        i18n.speak_for_life(self.language)

    def __call__(self, rel: str) -> _Result | None:
        return format_file(self.repo, rel, self.schemas, self.known, self.secret)

    def __getstate__(self) -> dict:
        return {"root": str(self.repo.root), "schemas": str(self.schemas.directory), "language": self.language,
                "secret": self.secret}

    def __setstate__(self, state: dict) -> None:
        self.repo, self.schemas = Repository(Path(state["root"])), SchemaSet(Path(state["schemas"]))
        self.known, self.language, self.secret = set(), state["language"], state["secret"]


def format_file(repo: Repository, rel: str, schemas: SchemaSet, known: set[str], secret: bytes) -> _Result | None:
    """One file's result; None when its bytes are known to be canonical already."""
    try:
        raw = read_regular(repo.root, rel)  # never through a link, never blocked by a pipe
    except NotRegularFile as refused:
        return rel, "", None, None, not_regular(rel, refused.kind)
    except OSError as error:
        return rel, "", None, None, Finding(rel, 1, 1, "Y001", "error", error.strerror or str(error))
    folder = record_of(rel)[0]
    assert folder is not None  # fmt formats record files only
    record_type = FOLDERS[folder]
    reference = schema_ref(repo, rel, record_type)
    digest = _digest(secret, rel, reference, raw)
    if digest in known:
        return None
    if proven(raw, reference, _shapes(schemas, record_type)):
        return rel, digest, None, None, None  # what ruamel would confirm, without it (fmt_fast.py)
    try:
        text = raw.decode("utf-8", "replace")
        if "\ufffd" in text:
            _loaded(raw, rel, record_type, schemas)  # not UTF-8: refused in the check's words
        new = canonical(text, rel, record_type, schemas, reference)
    except Refused as refused:
        return rel, digest, None, None, refused.finding
    if new == text:
        return rel, digest, None, None, None
    # the digest of the new text, under this run's `$schema` path: canonical once written
    after = _digest(secret, rel, reference, new.encode("utf-8"))
    return rel, after, new, Difference(rel, *first_difference(text, new)), None


_shapes_of: tuple[SchemaSet | None, dict[str, Shapes]] = (None, {})
"""The schemas of this run (or worker) and what fmt_fast asks of them, per record type."""


def _shapes(schemas: SchemaSet, record_type: str) -> Shapes:
    global _shapes_of
    if _shapes_of[0] is not schemas:
        _shapes_of = (schemas, {})
    found = _shapes_of[1].get(record_type)
    if found is None:
        found = _shapes_of[1][record_type] = Shapes(record_type, schemas)
    return found


def _digest(secret: bytes, rel: str, reference: str | None, raw: bytes) -> str:
    """What a file's canonical layout depends on besides the tool key: its path, the `$schema`
    path fmt would add (it follows the neighbours, which may change) and its bytes, hashed
    with the cache's key (keyed BLAKE2b), so the digest is its own MAC: a row no run of this
    crmtool wrote matches no file, and a warm run checks nothing row by row."""
    state = hashlib.blake2b(f"{rel}\0{reference or ''}\0".encode("utf-8", "surrogatepass"), key=secret,
                            digest_size=32)
    state.update(raw)
    return state.hexdigest()


class _Cache(Store):
    """Digests of files already found canonical (`_digest`), in `build/fmt-cache.sqlite`.

    The check cache's idea on the same store (`load/store.py`): the answer depends only on the
    file, fmt's code and the schemas (the tool key), so a file whose bytes were canonical
    before is canonical now and is not parsed again. A forged or damaged row would make `fmt
    --check` skip a file, so each digest is keyed with the store's secret (`_digest`): it is
    the row's MAC, and a row that is not one matches no file. The cache can only save work:
    any problem with it makes fmt do the work instead.
    """

    def __init__(self, root: Path, schemas: SchemaSet) -> None:
        import ruamel.yaml
        digest = hashlib.sha256(f"fmt 3 {yaml.__version__} {ruamel.yaml.__version__}".encode())
        here = Path(__file__).parent.parent
        for name in _CODE:  # the code a layout depends on, not the whole package
            digest.update(hashlib.sha256((here / name).read_bytes()).digest())
        digest.update(json.dumps(sorted(schemas.documents.items()), sort_keys=True).encode())
        super().__init__(root, CACHE_FILE, digest.hexdigest(),
                         {"canonical": "digest TEXT PRIMARY KEY"}, "crmtool fmt cache")

    def canonical(self) -> set[str]:
        if self.db is None:
            return set()
        try:
            return {digest for digest, in self.db.execute("SELECT digest FROM canonical") if isinstance(digest, str)}
        except sqlite3.Error:
            return set()

    def store(self, digests: list[str]) -> None:
        if self.db is None or not digests:
            return
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR REPLACE INTO canonical VALUES (?)", [(d,) for d in digests])
        except sqlite3.Error:
            pass
