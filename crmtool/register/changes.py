"""The history of the policy for the public: which purpose or processor changed when, and
which of its fields, from git.

Only the committer date and the field names leave the repository. Author names, email
addresses and commit subjects are staff's personal data and free text, so they are not even
asked of git (`--format` names the hash and the date only). Versions are read and compared
by `crmtool.audit.history` (the audit trail's safe loader and field comparison), so the register
and `crmtool history` never disagree on what changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..git.run import run as git
from ..git.run import run_bytes as git_bytes
from ..audit.history import QUIET, ZERO, field_changes, load_version, read_blobs
from ..load.repo import RECORDS, record_of

FOLDERS = ("purposes", "processors")
ADDED, MODIFIED, DELETED = "added", "modified", "deleted"
_FORMAT = "%x00%H%x00%cI"


@dataclass
class RecordChange:
    folder: str  # purposes | processors
    id: str
    change: str  # added | modified | deleted
    fields: list[str] | None  # top-level fields that changed (modified); None: a version was unreadable
    data: Any  # the record at this commit (before it, for a deletion): its title or name is shown


@dataclass
class PolicyChange:
    """One commit that changed the policy: its committer date and what it changed."""

    date: str  # YYYY-MM-DD
    records: list[RecordChange]


@dataclass
class PolicyHistory:
    changes: list[PolicyChange]  # newest first
    available: bool  # False: not a git repository (or git is missing)
    shallow: bool  # a shallow clone: older commits are not here


def policy_history(root: Path) -> PolicyHistory:
    """Every commit that changed a purpose or processor, newest first."""
    if git(root, "rev-parse", "--is-inside-work-tree") is None:
        return PolicyHistory([], False, False)
    shallow = (git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    if git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return PolicyHistory([], True, shallow)  # no commit yet
    out = git_bytes(root, *QUIET, "log", "--raw", "--no-abbrev", "--no-renames", "-z", "--relative",
                    "--no-color", f"--format={_FORMAT}", "--", *(f"{RECORDS}/{f}/" for f in FOLDERS))
    if out is None:
        return PolicyHistory([], False, shallow)
    commits = parse(out.decode("utf-8", "replace"))
    blobs = read_blobs(root, sorted({blob for _date, lines in commits for line in lines
                                     for blob in line[2:4]} - {ZERO}))
    versions = {sha: load_version(raw, "") for sha, raw in blobs.items()}
    versions[ZERO] = ({}, None)
    changes = []
    for date, lines in commits:
        records = [r for r in (_record_change(line, versions) for line in sorted(lines)) if r is not None]
        if records:
            changes.append(PolicyChange(date, records))
    return PolicyHistory(changes, True, shallow)


def parse(output: str) -> list[tuple[str, list[tuple[str, str, str, str, str]]]]:
    """`git log -z --raw --format=_FORMAT` → (date, [(folder, id, old blob, new blob, status)])
    per commit, in git's order (newest first). Files outside the two folders are left out."""
    tokens = output.split("\0")
    commits = []
    pos = 0
    while pos + 2 < len(tokens):
        if tokens[pos] != "":
            raise ValueError(f"unexpected git log output at token {pos}")
        date = tokens[pos + 2].strip()[:10]
        pos += 3
        lines = []
        while pos + 1 < len(tokens) and tokens[pos].lstrip("\n").startswith(":"):
            meta = tokens[pos].lstrip("\n")[1:].split(" ")
            folder, record_id = record_of(tokens[pos + 1])
            if folder in FOLDERS and tokens[pos + 1].count("/") == 2:
                lines.append((folder, record_id, meta[2], meta[3], meta[4][:1]))
            pos += 2
        commits.append((date, lines))
    return commits


def _record_change(line: tuple[str, str, str, str, str], versions: dict) -> RecordChange | None:
    folder, record_id, old_blob, new_blob, status = line
    old, old_problem = versions.get(old_blob, (None, "missing"))
    new, new_problem = versions.get(new_blob, (None, "missing"))
    if status == "A":
        return RecordChange(folder, record_id, ADDED, [], new)
    if status == "D":
        return RecordChange(folder, record_id, DELETED, [], old)
    if old_problem is not None or new_problem is not None:
        return RecordChange(folder, record_id, MODIFIED, None, new if new_problem is None else old)
    fields = []
    for change in field_changes(old, new):
        top = change.field.split(".", 1)[0].split("[", 1)[0]
        if top not in fields:
            fields.append(top)
    if not fields:
        return None  # layout or comments only: the policy did not change
    return RecordChange(folder, record_id, MODIFIED, fields, new)
