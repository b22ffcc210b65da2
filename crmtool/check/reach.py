"""Which records a change reaches: what `check --changed-since` must read, and what it reports.

A pull request that touches ten files of a hundred thousand should read a few dozen. The
records a change reaches are:

- the touched records themselves;
- the records they point to (`out`): a role's person, organisation and party;
- the records that point to a touched or removed record (`in`): the roles of an edited person,
  the roles at a deleted organisation — this is where a removal breaks references.

Those are checked and reported. To judge them correctly, the rules also need what they read
around them: the records those point to, and the records that point back to a person (a
person's retention runs from their last role, contact moment or request), to a role (roles
held on its behalf) and to a role's organisation (a single-seat function has one holder
there at a time). Those are read as context and not reported.

Existence needs no reading at all: ids are file names, so the folder listing answers whether
a reference resolves. Records that point to a given id are found with `git grep` over the
working tree (a word match for the id, then confirmed by reading the candidates' references),
which is one fast pass however large the repository is; what the change did not touch is
searched in the base commit's tree, read from git's packed objects (see `candidates`).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

from ..git.changes import Changes
from ..git.run import GitError, checked
from ..git.run import run as git
from ..load.model import Record
from ..load.repo import FOLDERS, RECORDS
from ..load.schema import SchemaSet, values_at

BACK_FROM_CONTEXT = {"people", "roles"}
"""Folders whose records rules judge by the records that point to them."""


def references(record: Record, schemas: SchemaSet) -> Iterator[tuple[tuple, str, str]]:
    """(pointer, folder, id) of every reference the record's schema marks with `x-ref`."""
    for annotation in schemas.annotations(FOLDERS[record.folder]):
        if annotation.keyword != "x-ref":
            continue
        for pointer, value in values_at(record.data, annotation.path):
            if isinstance(value, str):
                yield pointer, annotation.value, value


def referring_folders(schemas: SchemaSet) -> dict[str, set[str]]:
    """Target folder → the folders whose records may point into it."""
    result: dict[str, set[str]] = {folder: set() for folder in FOLDERS}
    for source, record_type in FOLDERS.items():
        for annotation in schemas.annotations(record_type):
            if annotation.keyword == "x-ref" and annotation.value in result:
                result[annotation.value].add(source)
    return result


def back_reference_targets(record: Record, schemas: SchemaSet) -> Iterator[tuple[str, str]]:
    """The records around `record` whose referrers the rules read, as (folder, id)."""
    for pointer, folder, value in references(record, schemas):
        if folder in BACK_FROM_CONTEXT or (record.folder == "roles" and pointer == ("organisation",)):
            yield folder, value


def reach_targets(touched: list[Record], out_records: list[Record], removed: set[tuple[str, str]],
                  schemas: SchemaSet) -> set[tuple[str, str]]:
    """The (folder, id) pairs whose referrers a change must read: the touched and removed
    records (their referrers are reported), and around them the records whose referrers the
    rules read (`back_reference_targets`, and the people and roles the change points to)."""
    seeds = {(r.folder, r.id) for r in touched} | removed
    around = {(r.folder, r.id) for r in out_records if r.folder in BACK_FROM_CONTEXT}
    around |= {key for r in touched for key in back_reference_targets(r, schemas)}
    return seeds | around


def ids_by_source(targets: Iterable[tuple[str, str]], schemas: SchemaSet) -> dict[str, frozenset[str]]:
    """Folder → the ids of `targets` its records may point to: what `git grep` looks for there."""
    result: dict[str, set[str]] = {}
    sources = referring_folders(schemas)
    for folder, record_id in targets:
        for source in sources.get(folder, ()):
            result.setdefault(source, set()).add(record_id)
    return {source: frozenset(ids) for source, ids in result.items()}


Foreseen = dict[str, tuple[frozenset[str], set[str] | None]]
"""Folder → (the ids searched, the paths in the base commit's tree where they stand, or None
when git could not search it): searched ahead (`foresee.py`) from the change's commits."""


def candidates(root: Path, targets: Iterable[tuple[str, str]], schemas: SchemaSet,
               changes: Changes | None = None, foreseen: Foreseen | None = None) -> set[str]:
    """Paths of the tracked record files that may point to any of `targets` ((folder, id) pairs).

    A superset: a note that mentions an id matches too; callers confirm with `references`.
    Files git does not track yet are part of the change, so they are read anyway.

    With the `changes` since a base commit, the files the change did not touch are searched
    in the base commit's tree instead of the working tree: their bytes are the same there
    (that is what "not touched" means), and git reads them from its packed objects instead
    of opening a quarter of a million files, which on a fresh clone is most of the cost of
    a pull request's check. The touched files are searched in the working tree, as before.
    A folder's search of that tree `foreseen` for exactly the same ids is taken as it is.
    """
    wanted = ids_by_source(targets, schemas)
    with ThreadPoolExecutor(max(1, len(wanted))) as pool:  # one git per folder, side by side
        jobs = [pool.submit(_referrers_in, root, source, ids, changes, (foreseen or {}).get(source))
                for source, ids in sorted(wanted.items())]
        return set().union(*(job.result() for job in jobs))


def _referrers_in(root: Path, source: str, ids: frozenset[str], changes: Changes | None,
                  foreseen: tuple[frozenset[str], set[str] | None] | None) -> set[str]:
    """The files of folder `source` in which any of `ids` stands as a whole word (see `candidates`)."""
    folder = f"{RECORDS}/{source}"
    in_tree = None
    if changes is not None and changes.commit:
        if foreseen is not None and foreseen[0] == ids:
            in_tree = foreseen[1]
        else:
            in_tree = tree_referrers(root, changes.commit, source, ids)
    if changes is None or in_tree is None:  # no base commit, or git could not read its tree
        return _grep(root, ids, [folder])
    found = in_tree - changes.touched - changes.removed
    touched = sorted(p for p in changes.touched if p.startswith(folder + "/"))
    for start in range(0, len(touched), PATHS_PER_GREP):
        found |= _grep(root, ids, [":(literal)" + p for p in touched[start:start + PATHS_PER_GREP]])
    return found


def tree_referrers(root: Path, commit: str, source: str, ids: frozenset[str]) -> set[str] | None:
    """The files of folder `source` in `commit`'s tree in which any of `ids` stands as a whole
    word, or None when git could not search that tree (objects missing)."""
    prefix = commit + ":"
    try:
        output = checked(root, "grep", *_GREP, *_patterns(ids), commit, "--", f"{RECORDS}/{source}")
    except GitError as error:
        if error.status != 1:  # 1: nothing found
            return None
        output = ""
    return {path[len(prefix):] for path in output.split("\0") if path.startswith(prefix) and path.endswith(".yaml")}


PATHS_PER_GREP = 500
"""Touched paths searched by one `git grep` (its command line stays short)."""

_GREP = ("--threads=1", "-l", "-z", "-F", "-w")
"""One thread per git: the folders are searched side by side, and in a tree git's threads
mostly wait on its object store's lock (measured at 100,000 people: a third more CPU time for
the same answer, and no sooner)."""


def _patterns(ids: Iterable[str]) -> list[str]:
    return [arg for record_id in sorted(ids) for arg in ("-e", record_id)]


def _grep(root: Path, ids: Iterable[str], pathspecs: list[str]) -> set[str]:
    """The tracked record files (`.yaml`) among `pathspecs` in the working tree in which any of
    `ids` stands as a whole word."""
    output = git(root, "grep", *_GREP, *_patterns(ids), "--", *pathspecs)
    return {path for path in output.split("\0") if path.endswith(".yaml")} if output else set()
