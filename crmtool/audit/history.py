"""The audit trail of one record, from git: who changed which fields, and when.

A records repository can hold 400,000 files and years of commits, so the trail costs a fixed
handful of git processes whatever its length, and never GitPython's object model:

1. `git log --raw --no-abbrev -z` on the record's path: every commit that changed it, with
   author, date, subject and the blob ids before and after; renames are followed as
   `--follow` follows them, one more log per rename (see `_follow` for why not `--follow`);
2. one `git cat-file --batch` that reads every version, and HEAD's, in one process;
3. only where needed: a glob over history for a record asked for by the id of a deleted file,
   and a rename search (`diff-tree -M`, `diff --cached -M`) when a path appears or disappears.

Versions are loaded with the check's own safe loader (libyaml's C parser, `load/document.py`): an old
version that was never checked may hold a syntax error, an alias bomb or deep nesting, and
is then reported as unreadable instead of crashing the trail. Versions are compared by field
path, not by line, because a reviewer asks "who set `end`?", and because reformatting a file
(`crmtool fmt`) changes no data. Old and new values are always computed here; whether they
are shown is the caller's choice (`--values`).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..git.run import run as git
from ..git.run import run_bytes as git_bytes
from ..load.document import load_document
from ..load.repo import FOLDERS, ID_PATTERN, NESTED, RECORDS, Repository, UsageError, read_regular, record_of
from ..load.scalars import same_data
from ..domain.texts import full_name

ADDED, MODIFIED, RENAMED, DELETED = "added", "modified", "renamed", "deleted"
"""What happened to the file in one entry."""

CHANGED, REMOVED = "changed", "removed"
"""What happened to one field (with ADDED)."""

ZERO = "0" * 40
"""git's name for "no blob": the side of a raw diff where the file did not exist."""

_LOG_FORMAT = "%x00%H%x00%aN%x00%aI%x00%s"
"""A marker and four fields per commit. Fields are read by position, never by searching for
separators, so a subject may hold any character git keeps in one (quotes, tabs, colons)."""

QUIET = ("-c", "log.showSignature=false", "-c", "color.ui=never")
"""Settings a user may have that would add lines to output parsed here (also `crmtool diff`)."""

_UNTRUSTED = frozenset({"alias", "duplicate-key", "merge-key", "complex-key"})
"""Loader problems after which the data read is not the data written."""

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class GitFailed(Exception):
    """git refused a command that should work in a repository it accepted: a failed
    operation (exit 1), not bad usage."""


@dataclass(frozen=True)
class FieldChange:
    """One field path that differs between two versions."""

    field: str  # dotted path into the YAML: `end`, `name.family`, `emails[0].address`
    change: str  # added | removed | changed
    old: Any = None  # meaningful for removed and changed
    new: Any = None  # meaningful for added and changed

    def as_dict(self, values: bool) -> dict:
        data: dict[str, Any] = {"field": self.field, "change": self.change}
        if values:
            if self.change != ADDED:
                data["old"] = self.old
            if self.change != REMOVED:
                data["new"] = self.new
        return data


@dataclass(frozen=True)
class Unreadable:
    """Why one version of the file could not be read (the loader's problem kind)."""

    reason: str  # the loader's kind (syntax, encoding, too-deep, alias, ...), not-a-mapping or missing
    line: int | None  # 1-based; None where the reason has no place in the file
    column: int | None


@dataclass
class Entry:
    """One commit that changed the record, or the uncommitted working tree (commit None)."""

    commit: str | None  # short hash
    author: str | None
    date: str | None  # author date, ISO 8601 with offset
    subject: str | None
    path: str  # the file's path after this change (before it, for a deletion)
    change: str  # added | modified | renamed | deleted
    old_path: str | None = None  # for renamed: the path before
    fields: list[FieldChange] = field(default_factory=list)
    unreadable: Unreadable | None = None  # this version could not be read: no fields

    @property
    def working_tree(self) -> bool:
        return self.commit is None

    def as_dict(self, values: bool) -> dict:
        data: dict[str, Any] = {"commit": self.commit, "author": self.author, "date": self.date,
                                "subject": self.subject, "path": self.path, "change": self.change}
        if self.old_path is not None:
            data["old_path"] = self.old_path
        if self.working_tree:
            data["working_tree"] = True
        if self.unreadable is not None:
            data["unreadable"] = {"reason": self.unreadable.reason, "line": self.unreadable.line,
                                  "column": self.unreadable.column}
        data["fields"] = [change.as_dict(values) for change in self.fields]
        return data


@dataclass
class History:
    """The trail of one record, newest first."""

    record_id: str
    folder: str
    path: str  # where the record is now, or where it was last
    present: bool  # the file is in the working tree
    current: Any  # its data there (None when the file is gone or unreadable)
    entries: list[Entry]
    shallow: bool = False  # a shallow clone: older commits are not here


# --- finding the record ------------------------------------------------------------------


def resolve(repo: Repository, record: str) -> str:
    """The path (relative to the root) of the record named by an id or a path.

    An id is looked for in every folder of the working tree, then among the files history
    remembers; a path is taken as given. Two candidates are a usage error that names them,
    so the user can pass the path.
    """
    if "/" in record or record.endswith(".yaml"):
        return _as_path(repo, record)
    if not ID_PATTERN.match(record):
        raise UsageError(f"{record!r} is neither a record id (lower-case letters, digits and "
                         "hyphens) nor a path such as records/people/ID.yaml")
    found = _in_tree(repo.root, record)
    if not found:
        found = _in_history(repo.root, record)
    if not found:
        raise UsageError(f"no record with id {record} in {RECORDS}/, nor in its git history")
    if len(found) > 1:
        raise UsageError(f"more than one record has the id {record}: {', '.join(found)}; "
                         "pass the path of the one you mean")
    return found[0]


def _as_path(repo: Repository, record: str) -> str:
    """A path relative to the root. A relative path is read from the current folder when
    that lies inside the repository and the file is there (as git reads paths), else from
    the root (with --root from elsewhere, or for a file that exists only in history)."""
    given = Path(record)
    root = repo.root.resolve()
    here = Path.cwd().resolve()
    inside = here == root or root in here.parents
    if given.is_absolute() or (inside and (here / given).exists()):
        try:
            relative = (here / given).resolve().relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{record} lies outside the repository {repo.root}") from None
    else:
        relative = given.as_posix()
    folder, record_id = record_of(relative)
    if folder is None or not ID_PATTERN.match(record_id) or any(
            part in ("", ".", "..") for part in relative.split("/")) or (
            folder not in NESTED and relative.count("/") != 2):
        raise UsageError(f"{record} is not a record file: records are {RECORDS}/FOLDER/ID.yaml")
    return relative


def _in_tree(root: Path, record_id: str) -> list[str]:
    """Paths of the working tree that hold `record_id`, in every folder."""
    name = f"{record_id}.yaml"
    found = []
    for folder in FOLDERS:
        base = root / RECORDS / folder
        if folder not in NESTED:
            if (base / name).is_file():
                found.append(f"{RECORDS}/{folder}/{name}")
            continue
        pending = [base]
        while pending:  # interactions/2026/...: look in every sub-folder, open only folders
            directory = pending.pop()
            try:
                entries = list(os.scandir(directory))
            except OSError:
                continue
            for entry in entries:
                if entry.name == name and entry.is_file():
                    found.append(Path(entry.path).relative_to(root).as_posix())
                elif entry.is_dir() and not entry.name.startswith("."):
                    pending.append(Path(entry.path))
    return sorted(found)


def _in_history(root: Path, record_id: str) -> list[str]:
    """Record paths with this id that some commit touched, gone from the working tree.

    One walk of history with a glob pathspec. A record that moved between folders of the
    same kind (interactions/2025 → interactions/2026) counts once, by its newest path, which
    the trail then follows back from; records of different kinds are different records.
    """
    out = git_bytes(root, *QUIET, "log", "--format=", "--name-only", "--no-renames", "-z",
                    "--relative", "--", f":(glob){RECORDS}/**/{record_id}.yaml")
    newest: dict[str, str] = {}
    for token in (out or b"").decode("utf-8", "replace").split("\0"):
        path = token.strip("\n")
        folder, found_id = record_of(path)
        if folder is not None and found_id == record_id and not (root / path).exists():
            newest.setdefault(folder, path)
    return sorted(newest.values())


# --- reading git -------------------------------------------------------------------------


@dataclass
class _Change:
    """One commit's raw diff line for the followed file."""

    commit: str
    author: str
    date: str
    subject: str
    status: str  # A, M, R, C, D, T
    old_path: str
    path: str
    old_blob: str
    new_blob: str


def parse_log(output: str) -> list[_Change]:
    """`git log -z --raw --no-abbrev --format=_LOG_FORMAT` output → one change per commit
    that has a raw diff line (merges without one are skipped).

    Tokens are NUL-separated: a marker (empty), hash, author, date, subject, then raw lines
    (`:mode mode blob blob STATUS`, followed by one path, two for a rename or copy).
    """
    tokens = output.split("\0")
    changes: list[_Change] = []
    pos = 0
    while pos + 4 < len(tokens):
        if tokens[pos] != "":
            raise ValueError(f"unexpected git log output at token {pos}")
        commit, author, date, subject = tokens[pos + 1: pos + 5]
        pos += 5
        first: _Change | None = None
        while pos < len(tokens) and tokens[pos].lstrip("\n").startswith(":"):
            meta = tokens[pos].lstrip("\n")[1:].split(" ")
            status = meta[4][:1]
            count = 2 if status in ("R", "C") else 1
            paths = tokens[pos + 1: pos + 1 + count]
            pos += 1 + count
            if first is None and len(paths) == count:
                first = _Change(commit, author, date, subject, status, paths[0], paths[-1], meta[2], meta[3])
        if first is not None:
            changes.append(first)
    return changes


def _follow(root: Path, path: str) -> list[_Change]:
    """Every change to the file at `path`, newest first, across renames: what `git log
    --follow` gives, found the way `--follow` finds it, but without its cost.

    `--follow` cannot use the changed-path Bloom filters of git's commit-graph, so it diffs
    every commit's tree; at 100,000 people, with 120 commits, that is 3.6 s against 0.2 s for
    a plain `git log -- PATH`. So: a plain log of the path; where the file appears (A), a
    rename search in that one commit (`diff-tree -M` over records/); on a rename, the log
    goes on from the commit's parent with the old path. A few git processes per rename.
    """
    changes: list[_Change] = []
    start: list[str] = []
    seen = {path}
    while True:
        found = _log(root, path, *start)
        for index, change in enumerate(found):
            if change.status != "A":
                continue
            moved = _renamed(root, path, "diff-tree", "-r", "--no-commit-id", change.commit)
            if moved is None or moved[1] != path or moved[0] in seen:
                continue
            found[index] = _Change(change.commit, change.author, change.date, change.subject, "R", *moved)
            changes.extend(found[: index + 1])
            path, start = moved[0], [f"{change.commit}^"]
            seen.add(path)
            break
        else:
            return changes + found


def _log(root: Path, path: str, *start: str) -> list[_Change]:
    out = git_bytes(root, *QUIET, "log", "--raw", "--no-abbrev", "--no-renames", "-z", "--relative",
                    "--no-color", f"--format={_LOG_FORMAT}", *start, "--", path)
    if out is None:
        raise GitFailed(f"git could not read the history of {path}")
    try:
        return parse_log(out.decode("utf-8", "replace"))
    except (ValueError, IndexError) as error:
        raise GitFailed(f"git log gave output that could not be read for {path}") from error


def _renamed(root: Path, path: str, *args: str) -> tuple[str, str, str, str] | None:
    """(source path, target path, old blob, new blob) of a rename that has `path` on one side,
    from `git diff-tree` / `git diff --cached` run with `args` and rename detection."""
    out = git_bytes(root, *QUIET, *args, "-M", "--raw", "--no-abbrev", "-z", "--relative",
                    "--no-color", "--diff-filter=R", "--", f"{RECORDS}/")
    tokens = (out or b"").decode("utf-8", "replace").split("\0")
    for pos, token in enumerate(tokens):
        if token.lstrip("\n").startswith(":") and pos + 2 < len(tokens):
            meta = token.lstrip("\n")[1:].split(" ")
            source, target = tokens[pos + 1], tokens[pos + 2]
            if path in (source, target):
                return source, target, meta[2], meta[3]
    return None


def read_blobs(root: Path, names: list[str]) -> dict[str, bytes]:
    """Object name → content for every name git knows, read by one `git cat-file --batch`.

    Names may be blob ids or `REV:./path`; unknown names are left out.
    """
    if not names:
        return {}
    out = git_bytes(root, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode())
    if out is None:
        raise GitFailed("git could not read the record's past versions")
    found: dict[str, bytes] = {}
    pos = 0
    try:
        for name in names:  # git answers in the order asked
            end = out.index(b"\n", pos)
            header = out[pos:end].split(b" ")
            pos = end + 1
            if len(header) != 3:
                continue  # `NAME missing` or `NAME ambiguous`: no content follows
            size = int(header[2])
            if header[1] == b"blob":
                found[name] = out[pos: pos + size]
            pos += size + 1
    except ValueError as error:
        raise GitFailed("git cat-file gave output that could not be read") from error
    return found


# --- comparing versions ------------------------------------------------------------------


def load_version(raw: bytes | None, path: str) -> tuple[Any, Unreadable | None]:
    """The data of one version ({} for an empty file), or why it could not be read.

    Shared with `crmtool diff` and the register's policy history, so all three read old
    versions with the same safe loader and the same idea of "unreadable"."""
    if raw is None:
        return None, Unreadable("missing", None, None)
    doc = load_document(path, raw)
    bad = next((p for p in doc.problems if not doc.loaded or p.kind in _UNTRUSTED), None)
    if bad is not None:
        return None, Unreadable(bad.kind, bad.line, bad.column)
    if doc.data is None:
        return {}, None
    if not isinstance(doc.data, dict):
        return None, Unreadable("not-a-mapping", None, None)
    return doc.data, None


def field_changes(old: dict, new: dict) -> list[FieldChange]:
    """The field paths that differ between two versions, in the order the fields appear.

    Lists are compared item by item when their length is the same; an appended or dropped
    tail is reported per item (`notes[3]` added); any other change of length reports the
    list path, because item numbers would name the wrong items.
    """
    changes: list[FieldChange] = []
    _compare(old, new, "", changes)
    return changes


def _compare(old: Any, new: Any, path: str, out: list[FieldChange]) -> None:
    if same_data(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            here = _join(path, key)
            if key not in new:
                out.append(FieldChange(here, REMOVED, old=old[key]))
            elif key not in old:
                out.append(FieldChange(here, ADDED, new=new[key]))
            else:
                _compare(old[key], new[key], here, out)
        return
    if isinstance(old, list) and isinstance(new, list):
        shorter = min(len(old), len(new))
        if len(old) == len(new) or same_data(old[:shorter], new[:shorter]):
            for index in range(shorter):
                _compare(old[index], new[index], f"{path}[{index}]", out)
            out.extend(FieldChange(f"{path}[{i}]", ADDED, new=new[i]) for i in range(shorter, len(new)))
            out.extend(FieldChange(f"{path}[{i}]", REMOVED, old=old[i]) for i in range(shorter, len(old)))
            return
    out.append(FieldChange(path, CHANGED, old=old, new=new))


def _join(path: str, key: Any) -> str:
    key = str(key)
    part = key if _PLAIN_KEY.match(key) else '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'
    if not path:
        return part
    return f"{path}{part}" if part.startswith("[") else f"{path}.{part}"


# --- the trail -----------------------------------------------------------------------------


def history(repo: Repository, record: str) -> History:
    """The trail of the record named by `record` (an id or a path), newest first."""
    root = repo.root
    if git(root, "rev-parse", "--is-inside-work-tree") is None:
        raise UsageError(f"{root} is not in a git repository: the history of records comes from git")
    path = resolve(repo, record)
    head = git(root, "rev-parse", "--short", "--verify", "-q", "HEAD")
    short = len(head.strip()) if head else 7
    changes = _follow(root, path) if head else []
    raw = _read(root, path)
    if not changes and raw is None:
        raise UsageError(f"no record at {path}, nor in its git history")

    committed_path = path
    staged = None
    if head and raw is not None and (not changes or changes[0].status == "D"):
        staged = _renamed(root, path, "diff", "--cached", "HEAD")  # `git mv`, not yet committed
        if staged is not None and staged[1] == path:
            committed_path = staged[0]
            changes = _follow(root, committed_path)
        else:
            staged = None
    if changes and changes[0].status == "D":  # deleted, or renamed to a new id?
        moved = _renamed(root, changes[0].path, "diff-tree", "-r", "--no-commit-id", changes[0].commit)
        if moved is not None and moved[0] == changes[0].path:
            top = changes[0]
            changes[0] = _Change(top.commit, top.author, top.date, top.subject, "R", *moved)

    at_head = f"HEAD:./{committed_path}"
    wanted = sorted({c.old_blob for c in changes} | {c.new_blob for c in changes} - {ZERO})
    blobs = read_blobs(root, [*wanted, *([at_head] if head else [])])
    versions = {sha: load_version(blobs.get(sha), path) for sha in wanted}
    versions[ZERO] = ({}, None)
    entries = [_commit_entry(change, versions, short) for change in changes]
    _fill_fields(changes, entries, versions)

    current, problem = load_version(raw, path) if raw is not None else (None, None)
    tree = _tree_entry(path, raw, blobs.get(at_head), staged, current, problem)
    if tree is not None:
        entries.insert(0, tree)
    folder, record_id = record_of(path)
    shallow = (git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    return History(record_id, folder or "", path, raw is not None, current, entries, shallow)


def _read(root: Path, path: str) -> bytes | None:
    try:  # a link or a pipe in the working tree is refused, never followed (S011)
        return read_regular(root, path)
    except OSError:
        return None


def _commit_entry(change: _Change, versions: dict, short: int) -> Entry:
    kind = {"A": ADDED, "D": DELETED, "R": RENAMED, "C": RENAMED}.get(change.status, MODIFIED)
    return Entry(change.commit[:short], change.author, change.date, change.subject, change.path, kind,
                 old_path=change.old_path if kind == RENAMED else None,
                 unreadable=versions.get(change.new_blob, _MISSING)[1])


_MISSING = (None, Unreadable("missing", None, None))
"""A version git does not have (a partial clone): unreadable."""


def _fill_fields(changes: list[_Change], entries: list[Entry], versions: dict) -> None:
    """Each entry's fields: its version against the one before it or, when that one could not
    be read, against the nearest older version that could (what changed in the data since it
    was last readable; the empty record before the first version is always readable)."""
    for index, (change, entry) in enumerate(zip(changes, entries)):
        if entry.unreadable is not None:
            continue
        old: Any = {}
        for blob in [change.old_blob, *(older.old_blob for older in changes[index + 1:])]:
            data, problem = versions.get(blob, _MISSING)
            if problem is None:
                old = data
                break
        entry.fields = field_changes(old, versions[change.new_blob][0])


def _tree_entry(path: str, raw: bytes | None, committed: bytes | None, staged: tuple | None,
                current: Any, problem: Unreadable | None) -> Entry | None:
    """The uncommitted change, staged or not, as the first entry; None when there is none."""
    if raw == committed and staged is None:
        return None  # both None: neither on disk nor at HEAD
    if raw is None:
        kind = DELETED
    elif staged is not None:
        kind = RENAMED
    else:
        kind = MODIFIED if committed is not None else ADDED
    entry = Entry(None, None, None, None, path, kind, old_path=staged[0] if staged else None,
                  unreadable=problem)
    if problem is None:
        old, old_problem = load_version(committed, path) if committed is not None else ({}, None)
        entry.fields = field_changes(old if old_problem is None else {}, current if raw is not None else {})
    return entry


def person_name(data: Any) -> str:
    """A person's name as staff read it (`given prefix family`), or "" when there is none."""
    name = data.get("name") if isinstance(data, dict) else None
    return full_name(name) if isinstance(name, dict) else ""
