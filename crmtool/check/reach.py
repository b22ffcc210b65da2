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


def candidates(root: Path, targets: Iterable[tuple[str, str]], schemas: SchemaSet,
               changes: Changes | None = None) -> set[str]:
    """Paths of the tracked record files that may point to any of `targets` ((folder, id) pairs).

    A superset: a note that mentions an id matches too; callers confirm with `references`.
    Files git does not track yet are part of the change, so they are read anyway.

    With the `changes` since a base commit, the files the change did not touch are searched
    in the base commit's tree instead of the working tree: their bytes are the same there
    (that is what "not touched" means), and git reads them from its packed objects instead
    of opening a quarter of a million files, which on a fresh clone is most of the cost of
    a pull request's check. The touched files are searched in the working tree, as before.
    """
    ids_by_source: dict[str, set[str]] = {}
    sources = referring_folders(schemas)
    for folder, record_id in targets:
        for source in sources.get(folder, ()):
            ids_by_source.setdefault(source, set()).add(record_id)
    with ThreadPoolExecutor(max(1, len(ids_by_source))) as pool:  # one git per folder, side by side
        jobs = [pool.submit(_referrers_in, root, source, ids, changes) for source, ids in sorted(ids_by_source.items())]
        return set().union(*(job.result() for job in jobs))


def _referrers_in(root: Path, source: str, ids: set[str], changes: Changes | None) -> set[str]:
    """The files of folder `source` in which any of `ids` stands as a whole word (see `candidates`)."""
    patterns = [arg for record_id in sorted(ids) for arg in ("-e", record_id)]
    folder = f"{RECORDS}/{source}"
    if changes is None or not changes.commit:
        return _grep(root, patterns, [folder])
    changed = changes.touched | changes.removed
    prefix = changes.commit + ":"
    found = {path[len(prefix):] for path in _grep(root, patterns, [folder], changes.commit)
             if path.startswith(prefix) and path[len(prefix):] not in changed}
    touched = sorted(p for p in changes.touched if p.startswith(folder + "/"))
    for start in range(0, len(touched), PATHS_PER_GREP):
        found |= _grep(root, patterns, [":(literal)" + p for p in touched[start:start + PATHS_PER_GREP]])
    return found


PATHS_PER_GREP = 500
"""Touched paths searched by one `git grep` (its command line stays short)."""


def _grep(root: Path, patterns: list[str], pathspecs: list[str], tree: str | None = None) -> set[str]:
    """The record files (`.yaml`) among `pathspecs` in which any of the `-e` patterns stands as
    a whole word: in the working tree's tracked files, or in `tree`, then named `tree:path`."""
    output = git(root, "grep", "-l", "-z", "-F", "-w", *patterns, *([tree] if tree else []), "--", *pathspecs)
    return {path for path in output.split("\0") if path.endswith(".yaml")} if output else set()
