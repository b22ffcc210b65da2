"""The referrers a pull request's check will look for, searched while git still walks the tree.

`check --changed-since BASE` first learns what changed: `git diff BASE` stats every tracked
file and `git ls-files --others` walks every folder, about half of its time at 100,000
people. Only then does it know which ids to look for in the records that may point to them
(`reach.candidates`), the other half. Yet in CI the working tree is the pull request's last
commit, so the commits since BASE (a comparison of two trees, a few milliseconds) already
name the touched records. This reads those records, works out the ids as the check will
(`reach.reach_targets`), and searches the base commit's tree for them, side by side with
git's walk of the working tree.

It is a guess and nothing more: the check takes a folder's result only when the change it
then knows wants exactly the same ids searched in the same commit's tree (`candidates`), and
searches again otherwise. So uncommitted edits, files git does not track yet, or anything
else here that goes differently, cost time and never change a finding.
"""
from __future__ import annotations

import os
import stat as stat_mode
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..git.changes import POLICY_FOLDERS
from ..git.run import run as git
from ..load import load_schemas
from ..load.model import Record
from ..load.repo import CONFIG_FILE, FOLDERS, NESTED, RECORDS, RecordFile, Repository, record_of
from ..load.schema import SchemaSet
from .files import check_file
from .reach import Foreseen, ids_by_source, reach_targets, references, tree_referrers


@dataclass(frozen=True)
class Foresight:
    commit: str  # the base commit searched
    referrers: Foreseen


def foresee(repo: Repository, base: str) -> Foresight | None:
    """The referrers the change's commits since `base` foresee, or None when they foresee
    nothing useful (a change to the settings or the policy is checked whole)."""
    try:
        return _foresee(repo, base)
    except Exception:  # noqa: BLE001 - a guess: whatever fails here, the check searches itself
        return None


def _foresee(repo: Repository, base: str) -> Foresight | None:
    root = repo.root
    if not base or base.startswith("-"):
        return None
    commit = (git(root, "rev-parse", "--verify", "-q", f"{base}^{{commit}}") or "").strip()
    diff = git(root, "diff", "--name-status", "-z", "--no-renames", "--relative", commit, "HEAD", "--") \
        if commit else None
    if diff is None:
        return None
    fields = diff.split("\0")
    touched: list[RecordFile] = []
    removed: set[tuple[str, str]] = set()
    for status, path in zip(fields[0::2], fields[1::2]):
        folder, record_id = record_of(path)
        if folder is None:
            if path == CONFIG_FILE or path.startswith("schemas/"):
                return None  # checked whole
            continue  # a stray, or a file outside records/: neither is searched for
        if folder in POLICY_FOLDERS:
            return None
        if status == "D":
            removed.add((folder, record_id))
        elif folder in NESTED or path.count("/") == 2:
            touched.append(RecordFile(path, folder, record_id))
    schemas = load_schemas(repo)
    records = _read(repo, touched, schemas)
    out = {(folder, value) for record in records for _p, folder, value in references(record, schemas)
           if folder not in POLICY_FOLDERS and folder not in NESTED}
    known = {r.path for r in records}
    out_files = [RecordFile(f"{RECORDS}/{folder}/{rid}.yaml", folder, rid) for folder, rid in sorted(out)
                 if folder in FOLDERS and "/" not in rid]
    out_records = _read(repo, [f for f in out_files if f.path not in known], schemas)
    wanted = ids_by_source(reach_targets(records, out_records, removed, schemas), schemas)
    with ThreadPoolExecutor(max(1, len(wanted))) as pool:
        jobs = {source: pool.submit(tree_referrers, root, commit, source, ids) for source, ids in wanted.items()}
        return Foresight(commit, {source: (wanted[source], job.result()) for source, job in jobs.items()})


def _read(repo: Repository, files: list[RecordFile], schemas: SchemaSet) -> list[Record]:
    """The records among `files` that are regular files and load."""
    records = []
    for file in files:
        try:
            if not stat_mode.S_ISREG(os.lstat(repo.root / file.path).st_mode):
                continue
        except (OSError, ValueError):
            continue
        entry = check_file(repo.root, file, schemas, [])
        if entry.loaded:
            records.append(Record(file.folder, file.id, file.path, entry.data))
    return records
