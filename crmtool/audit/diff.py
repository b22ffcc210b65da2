"""`crmtool diff REV`: what a change does to the records, as events a reviewer reads.

A pull request's diff shows lines; a reviewer needs to know that a consent was withdrawn, a
role ended or a purpose's retention was shortened. This module compares the records on two
sides and returns one `Event` per thing that happened, by record. It never prints: the words
are in `diff_words.py`, the command in `cli/diff.py`; what a change did to each record type is
in `diff_events.py`.

The two sides are chosen as `git diff` chooses them: `REV` compares the commit with the
working tree (commits since REV, staged and unstaged edits and new files git does not track
yet, like `check --changed-since`); `A..B` compares two commits; `A...B` compares B with the
commit where it branched off A (what a pull request from B into A adds).

Versions are read with the check's safe loader (`history.load_version`): a version that was
never checked may hold a syntax error or an alias bomb, and becomes an "unreadable" event
instead of a traceback. Fields are compared by path (`history.field_changes`), so a file
that `crmtool fmt` only re-laid out shows no event. Renames are one event: git pairs what
it can (`-M`), and a removed record is paired with a new untracked one when they have the
same id in the same folder or the same bytes (git does not look at untracked files).

Events carry the values of the fields they are about (references, dates, vocabulary
values). Names of people are kept apart (`Diff.names`, `Event.private`) and are only read
when the caller asks for them (`with_names`), for a terminal. E-mail addresses, phone
numbers, addresses and notes are never copied into an event at all: events name their field
paths. But a value can hold what its field should not: a name typed into a reference
(`from: {person: Kees Ploeger}`), free text in `end_reason`. So the Markdown for a
pull-request comment and the JSON show a value only when it is what its field promises, as
`Known` can tell: an id of an existing record, a date, a value of the field's vocabulary or
list of values, a count; anything else as "(text changed)" (`diff_words.public`).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diff_events import DESCRIBERS, PERSON_KEYS, SETTINGS, Describer, Event
from ..git.run import run as git
from ..git.run import run_bytes as git_bytes
from .history import QUIET, GitFailed, Unreadable, load_version, read_blobs
from ..load.repo import (CONFIG_FILE, FOLDERS, ID_PATTERN, NESTED, RECORDS, Repository, UsageError, read_regular,
                         record_of)
from ..domain.texts import full_name

ERASURE_LOG = "erasure-log.yaml"

RULE_OF_PROBLEM = {"duplicate-key": "Y002", "alias": "Y003", "merge-key": "Y003", "not-a-mapping": "S001"}
"""The check's rule for a loader problem that makes a version unreadable; Y001 otherwise."""


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a commit (full hash) or the working tree (None)."""

    commit: str | None
    label: str  # as the user named it (`origin/main`, `HEAD`, "the working tree")


@dataclass
class Diff:
    old: Side
    new: Side
    events: list[Event]
    layout_only: list[str]  # paths whose data did not change (layout or comments only)
    names: dict[str, str] = field(default_factory=dict)  # person id → name, only with `with_names`
    known: "Known | None" = None  # what a value may be, for the outputs that leave the clone


@dataclass
class Known:
    """What exists on either side of the comparison, so that an output can tell a value that
    is what its field promises (an id, a value of a list) from text typed where it should
    not be."""

    ids: dict[str, set[str]] = field(default_factory=dict)  # folder → record ids
    vocabularies: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → value id → label
    stages: dict[str, Any] = field(default_factory=dict)  # pipeline stage id → label
    enums: set[str] = field(default_factory=set)  # every value a schema lists (`enum`, `const`)

    def record(self, folder: str, value: Any) -> bool:
        return isinstance(value, str) and ID_PATTERN.match(value) is not None and value in self.ids.get(folder, ())

    def in_vocabulary(self, name: str, value: Any) -> bool:
        return isinstance(value, str) and value in self.vocabularies.get(name, {})


# --- choosing the sides --------------------------------------------------------------------


def sides(root: Path, spec: str) -> tuple[Side, Side]:
    """The two sides `spec` names: `REV` (against the working tree), `A..B` or `A...B`."""
    if not spec or spec.startswith("-") or any(c.isspace() for c in spec):
        raise UsageError(f"{spec!r} is not a git revision: give a commit, a branch such as origin/main, "
                         "or a range such as main..my-branch")
    if "..." in spec:
        first, second = spec.split("...", 1)
        old_hash, new_hash = _commit(root, first or "HEAD", spec), _commit(root, second or "HEAD", spec)
        base = git(root, "merge-base", old_hash, new_hash)
        if not base:
            raise UsageError(f"{spec}: {first or 'HEAD'} and {second or 'HEAD'} have no common commit")
        return Side(base.strip(), first or "HEAD"), Side(new_hash, second or "HEAD")
    if ".." in spec:
        first, second = spec.split("..", 1)
        return (Side(_commit(root, first or "HEAD", spec), first or "HEAD"),
                Side(_commit(root, second or "HEAD", spec), second or "HEAD"))
    return Side(_commit(root, spec, spec), spec), Side(None, "")


def _commit(root: Path, rev: str, spec: str) -> str:
    found = git(root, "rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}")
    if not found:
        raise UsageError(f"{spec}: git knows no commit {rev!r} here (a typo, or in CI the base branch "
                         "was not fetched: use fetch-depth: 0)")
    return found.strip()


# --- what changed --------------------------------------------------------------------------


@dataclass
class _File:
    """One changed path, with its path on each side (None where it does not exist)."""

    old: str | None
    new: str | None


def changed_files(root: Path, old: Side, new: Side) -> list[_File]:
    """Record files and crmtool.yaml that differ between the sides, renames paired."""
    assert old.commit is not None  # sides(): the old side is always a commit
    args = [old.commit] + ([new.commit] if new.commit else [])
    out = git_bytes(root, *QUIET, "diff", "-M", "--name-status", "-z", "--relative", "--no-color",
                    "--no-ext-diff", *args, "--", f"{RECORDS}/", CONFIG_FILE)
    if out is None:
        raise GitFailed(f"git could not compare {old.label} with {new.label or 'the working tree'}")
    tokens = out.decode("utf-8", "replace").split("\0")
    files: list[_File] = []
    pos = 0
    while pos < len(tokens) and tokens[pos]:
        status = tokens[pos][:1]
        if status in ("R", "C") and pos + 2 < len(tokens):
            source, target = tokens[pos + 1], tokens[pos + 2]
            files.append(_File(source if status == "R" else None, target))
            pos += 3
            continue
        path = tokens[pos + 1] if pos + 1 < len(tokens) else ""
        pos += 2
        files.append(_File(None if status == "A" else path, None if status == "D" else path))
    if new.commit is None:
        untracked = git_bytes(root, "ls-files", "--others", "--exclude-standard", "-z", "--",
                              f"{RECORDS}/", CONFIG_FILE)
        if untracked is None:
            raise GitFailed("git could not list the files it does not track yet")
        files += [_File(None, p) for p in untracked.decode("utf-8", "replace").split("\0") if p]
    kept = []
    for item in files:  # a rename between a record and a stray: keep the record's side only
        item.old = item.old if _is_record(item.old) else None
        item.new = item.new if _is_record(item.new) else None
        if item.old or item.new:
            kept.append(item)
    return kept


def _is_record(path: str | None) -> bool:
    if path is None:
        return False
    if path == CONFIG_FILE:
        return True
    folder = record_of(path)[0]
    return folder is not None and (folder in NESTED or path.count("/") == 2)


def _pair_moves(files: list[_File], raw_old: dict[str, bytes], raw_new: dict[str, bytes]) -> list[_File]:
    """Pair a removed and an added record of one folder that git left unpaired (untracked
    files): same id (moved between sub-folders), or the very same bytes (a new id)."""
    removed = [f for f in files if f.new is None]
    added = [f for f in files if f.old is None]
    for gone in removed:
        old_path = gone.old
        assert old_path is not None  # removed: no new path, so an old one (changed_files drops neither-nor)
        folder, record_id = record_of(old_path)
        match = next((f for f in added if f.new is not None and record_of(f.new) == (folder, record_id)), None) or next(
            (f for f in added if f.new is not None and record_of(f.new)[0] == folder and old_path in raw_old
             and raw_old.get(old_path) == raw_new.get(f.new)), None)
        if match is not None:
            added.remove(match)
            match.old = gone.old
            files.remove(gone)
    return files


def _read(root: Path, side: Side, paths: list[str]) -> dict[str, bytes]:
    """Path → bytes on one side; paths that are not there are left out."""
    if side.commit is None:
        found = {}
        for path in paths:
            try:
                found[path] = read_regular(root, path)  # a link or a pipe: refused, never followed
            except OSError:
                continue
        return found
    names = {f"{side.commit}:./{path}": path for path in paths if "\n" not in path}
    blobs = read_blobs(root, list(names))
    return {names[name]: raw for name, raw in blobs.items()}


# --- the comparison --------------------------------------------------------------------------


def diff(repo: Repository, spec: str, today: dt.date, *, with_names: bool = False) -> Diff:
    """The events of every record that differs between the sides `spec` names."""
    root = repo.root
    if git(root, "rev-parse", "--is-inside-work-tree") is None:
        raise UsageError(f"{root} is not in a git repository: crmtool diff compares versions from git")
    old, new = sides(root, spec)
    files = changed_files(root, old, new)
    raw_old = _read(root, old, sorted({f.old for f in files if f.old}))
    raw_new = _read(root, new, sorted({f.new for f in files if f.new}))
    files = _pair_moves(files, raw_old, raw_new)
    context = _Context(root, new, today)
    events: list[Event] = []
    layout_only: list[str] = []
    for item in sorted(files, key=_order):
        found = _events(item, raw_old, raw_new, context)
        events += found
        if not found:
            layout_only.append(item.new or item.old or "")
    result = Diff(old, new, events, layout_only, known=_known(repo, old, new) if events else None)
    if with_names:
        result.names = _names(root, old, new, events, raw_old, raw_new)
    return result


def _order(item: _File) -> tuple:
    path = item.new or item.old or ""
    folder, _id = record_of(path)
    kinds = list(FOLDERS)
    return (kinds.index(folder) if folder else len(kinds), path)


class _Context:
    """What some events need beyond the two versions: the day, and the erasure log."""

    def __init__(self, root: Path, new: Side, today: dt.date) -> None:
        self.root, self.new, self.today = root, new, today
        self._log: Any = False

    def erasure(self, person_id: str) -> str | None:
        """"erased" or "anonymised" when the new side's erasure log has the person."""
        if self._log is False:
            self._log = None
            raw = _read(self.root, self.new, [ERASURE_LOG]).get(ERASURE_LOG)
            data, problem = load_version(raw, ERASURE_LOG)  # missing (None): a problem
            if problem is None and isinstance(data.get("salt"), str) and isinstance(data.get("entries"), list):
                from ..domain.erasure_log import ErasureLog
                entries = [e for e in data["entries"] if isinstance(e, dict)]
                self._log = ErasureLog(data["salt"], entries, True)
        if self._log is None:
            return None
        entry = self._log.find(person_id)
        return str(entry.get("kind") or "erased") if entry else None


def _events(item: _File, raw_old: dict, raw_new: dict, context: _Context) -> list[Event]:
    path = item.new or item.old or ""
    folder, record_id = record_of(path)
    folder = folder or SETTINGS
    if path == CONFIG_FILE:
        record_id = "crmtool"

    moved_from = item.old if item.old is not None and item.new is not None and item.old != item.new else None

    def make(event: str, fields=(), values=None, policy: bool = False) -> Event:
        return Event(folder, record_id, path, event, list(fields), dict(values or {}), moved_from, policy)

    events: list[Event] = []
    old_data: dict = {}  # a side's data is only read where that side exists
    new_data: dict = {}
    old_problem = new_problem = None
    if item.old is not None:
        old_data, old_problem = load_version(raw_old.get(item.old), item.old)
    if item.new is not None:
        new_data, new_problem = load_version(raw_new.get(item.new), item.new)
    if moved_from is not None:
        events.append(make("record-moved", values={"old_path": moved_from, "old_id": record_of(moved_from)[1]}))
    for side, problem in (("before", old_problem), ("after", new_problem)):
        if problem is not None:
            events.append(make("unreadable", values=_unreadable(side, problem)))
    if old_problem is not None or new_problem is not None:
        if item.old is None:
            events.insert(0, make("record-added"))
        elif item.new is None:
            events.insert(0, make("record-removed"))
        return events
    describe = DESCRIBERS.get(folder, Describer)(make, context)
    if item.old is None:
        events += describe.added(record_id, new_data)
    elif item.new is None:
        events += describe.removed(record_id, old_data)
    else:
        events += describe.changed(old_data, new_data)
    return events


def _unreadable(side: str, problem: Unreadable) -> dict:
    values: dict[str, Any] = {"side": side, "reason": problem.reason}
    if problem.reason != "missing":
        values["rule"] = RULE_OF_PROBLEM.get(problem.reason, "Y001")
    if problem.line is not None:
        values.update(line=problem.line, column=problem.column)
    return values


# --- what exists, so outputs can tell ids and list values from text ----------------------------


def _known(repo: Repository, old: Side, new: Side) -> Known:
    """Record ids on both sides (the file listing or `git ls-tree`), vocabulary values and
    pipeline stages on both sides, and the values the schemas list."""
    known = Known()
    root = repo.root
    for side in (old, new):
        if side.commit is None:
            paths = [f.path for f in repo.scan()[0]] + [CONFIG_FILE]
        else:
            out = git_bytes(root, *QUIET, "ls-tree", "-r", "-z", "--name-only", side.commit, "--", f"{RECORDS}/",
                            CONFIG_FILE)
            paths = [p for p in (out or b"").decode("utf-8", "replace").split("\0") if p]
        for path in paths:
            folder, record_id = record_of(path)
            if folder is not None:
                known.ids.setdefault(folder, set()).add(record_id)
        wanted = [p for p in paths if record_of(p)[0] == "vocabularies" or p == CONFIG_FILE]
        for path, raw in _read(root, side, wanted).items():
            data, problem = load_version(raw, path)
            if problem is not None or not isinstance(data, dict):
                continue
            if path == CONFIG_FILE:
                from ..domain.pipeline import pipeline_of
                for stage, settings in pipeline_of(data).stages.items():
                    known.stages.setdefault(stage, settings.get("label"))
                continue
            values = known.vocabularies.setdefault(record_of(path)[1], {})
            for item in data.get("values") or []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    values.setdefault(item["id"], item.get("label"))
    for schema in sorted(repo.schema_dir.glob("*.json")):
        try:
            document = json.loads(schema.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        known.enums |= set(_listed(document))
    return known


def _listed(node: Any):
    """Every string a JSON Schema lists as `enum` or `const`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "enum" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            elif key == "const" and isinstance(value, str):
                yield value
            else:
                yield from _listed(value)
    elif isinstance(node, list):
        for item in node:
            yield from _listed(item)


# --- names, for a terminal only ------------------------------------------------------------


def _names(root: Path, old: Side, new: Side, events: list[Event], raw_old: dict, raw_new: dict) -> dict[str, str]:
    """Person id → name, from the new side where the person is there, else the old side; for
    a changed name, the old name is put on the event (`private`)."""
    wanted: set[str] = set()
    for event in events:
        for key in PERSON_KEYS:
            value = event.values.get(key)
            wanted.update(value if isinstance(value, list) else [value] if isinstance(value, str) else [])
        if event.folder == "people":
            wanted.add(event.record)
    paths = {pid: f"{RECORDS}/people/{pid}.yaml" for pid in sorted(wanted) if ID_PATTERN.match(pid)}  # not a name
                                                                               # typed into a reference
    names: dict[str, str] = {}
    for side, known in ((new, raw_new), (old, raw_old)):
        missing = [p for pid, p in paths.items() if pid not in names and p not in known]
        found = {**known, **_read(root, side, missing)}
        for pid, path in paths.items():
            if pid not in names and path in found:
                data, problem = load_version(found[path], path)
                name = full_name(data.get("name")) if problem is None else ""
                if name:
                    names[pid] = name
    for event in events:
        if event.event == "name-changed" and event.folder == "people" and event.path.startswith(f"{RECORDS}/people/"):
            source = raw_old.get(event.old_path or event.path)
            data, problem = load_version(source, event.path)  # missing (None): a problem
            if problem is None:
                event.private["old_name"] = full_name(data.get("name"))
    return names
