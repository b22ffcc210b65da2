"""Which record ids exist, for `check --changed-since`: `load.repo.Listing`'s answers, asked lazily.

A pull request's check asks whether a few dozen ids exist, yet `Listing` lists every folder:
at 100,000 people that is 340,000 names of people and roles read into sets, the largest cost
of the check in Python. Here a flat folder (people, roles, organisations, ...) answers "does
this id exist" with one `lstat` of the file its id names, and is listed whole only when a
rule asks for all of its ids (the close match for a broken reference). The answer is the
listing's: the file must be a regular file in a real `records/<folder>/` (no link followed).
Folders that may nest (contact moments) are listed at once, as `Listing` lists them, since
an id there does not say its path. On a file system that ignores case, a lookup would find
`P-ABC.yaml` for `p-abc`, so there every folder is listed at once.
"""
from __future__ import annotations

import os
import stat as stat_mode
from collections.abc import Iterable, Iterator, Set
from pathlib import Path
from typing import AbstractSet, TypeVar

from ..load.repo import FOLDERS, NESTED, RECORDS, Listing, RecordFile, record_of


T = TypeVar("T")


class FolderIds(Set[str]):
    """The ids of one flat record folder: membership by `lstat`, the whole set on demand."""

    def __init__(self, root: Path, folder: str, real: bool) -> None:
        self._root, self._folder, self._real = root, folder, real
        self._listed: set[str] | None = None
        self._seen: dict[str, bool] = {}

    def _all(self) -> set[str]:
        if self._listed is None:
            self._listed = Listing(self._root, [self._folder]).ids[self._folder]
        return self._listed

    def __contains__(self, record_id: object) -> bool:
        if self._listed is not None:
            return record_id in self._listed
        if not isinstance(record_id, str):
            return False
        if record_id not in self._seen:
            self._seen[record_id] = self._real and _regular(self._root / RECORDS / self._folder, record_id)
        return self._seen[record_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"FolderIds({self._folder!r})"

    @classmethod
    def _from_iterable(cls, values: Iterable[T]) -> AbstractSet[T]:  # the operators (|, &, -, ^): a plain set
        return set(values)

    # the set methods besides the operators, for a rule that calls them
    def copy(self) -> set[str]:
        return set(self._all())

    def union(self, *others) -> set[str]:
        return self._all().union(*others)

    def intersection(self, *others) -> set[str]:
        return self._all().intersection(*others)

    def difference(self, *others) -> set[str]:
        return self._all().difference(*others)

    def issubset(self, other) -> bool:
        return self._all().issubset(other)

    def issuperset(self, other) -> bool:
        return self._all().issuperset(other)


def _regular(folder: Path, record_id: str) -> bool:
    """Whether `folder` holds `record_id`.yaml as a regular file, as the folder listing sees it."""
    if not record_id or "/" in record_id or "\0" in record_id:
        return record_id == "" and _is_regular(folder / ".yaml")
    return _is_regular(folder / f"{record_id}.yaml")


def _is_regular(path: Path) -> bool:
    try:
        return stat_mode.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _real_folder(path: Path) -> bool:
    try:
        return stat_mode.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _ignores_case(root: Path) -> bool:
    """Whether the file system under `root` finds `RECORDS` for `records` (macOS, Windows)."""
    try:
        return os.path.samestat(os.lstat(root / RECORDS), os.lstat(root / RECORDS.upper()))
    except OSError:
        return False


class LazyListing:
    """`Listing`'s interface (`ids`, `file`, `at`, `duplicates`), flat folders asked lazily."""

    def __init__(self, root: Path) -> None:
        real = _real_folder(root / RECORDS)
        eager = [f for f in FOLDERS if f in NESTED] if not _ignores_case(root) else list(FOLDERS)
        self._listing = Listing(root, eager)
        self.nested = self._listing.nested
        self.ids: dict[str, Set[str]] = dict(self._listing.ids)
        for folder in FOLDERS:
            if folder not in self.ids:
                self.ids[folder] = FolderIds(root, folder, real and _real_folder(root / RECORDS / folder))

    def file(self, folder: str, record_id: str) -> RecordFile | None:
        """The record file of an id, or None when there is none."""
        if folder in self.nested:
            return self._listing.file(folder, record_id)
        if record_id in self.ids.get(folder, ()):
            return RecordFile(f"{RECORDS}/{folder}/{record_id}.yaml", folder, record_id)
        return None

    def at(self, path: str) -> RecordFile | None:
        """The record file at `path`, or None when no record lies there."""
        folder, record_id = record_of(path)
        if folder is None:
            return None
        if folder in self.nested:
            return self._listing.at(path)
        return RecordFile(path, folder, record_id) if path.count("/") == 2 and record_id in self.ids[folder] else None

    def duplicates(self) -> list[RecordFile]:
        return self._listing.duplicates()
