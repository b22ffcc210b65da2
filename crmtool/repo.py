"""Where a records repository is and which files in it are records.

The root is the folder given with `--root`, or the nearest folder upwards (not past the git
root) that holds `crmtool.yaml`, or, failing that, one that holds `records/`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .schema import bundled_schema_dir

CONFIG_FILE = "crmtool.yaml"
RECORDS = "records"

FOLDERS = {
    "people": "person",
    "organisations": "organisation",
    "roles": "role",
    "requests": "request",
    "interactions": "interaction",
    "purposes": "purpose",
    "processors": "processor",
    "lists": "list",
    "staff": "staff",
    "fields": "field",
    "vocabularies": "vocabulary",
}
"""Record folder → record type (and schema name)."""

NESTED = frozenset({"interactions"})
"""Folders that may have sub-folders (interactions/2026/...)."""

ID_REGEX = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_PATTERN = re.compile(ID_REGEX)
QUIET_FILES = frozenset({"README.md", ".gitkeep", ".keep"})


class UsageError(Exception):
    """Bad usage or configuration: exit status 2."""


@dataclass(frozen=True)
class RecordFile:
    """A file under `records/` that should be a record."""

    path: str  # relative to the root, forward slashes
    folder: str
    id: str

    @property
    def type(self) -> str:
        return FOLDERS[self.folder]


@dataclass(frozen=True)
class Stray:
    """Something under `records/` that is not a record file, with the reason."""

    path: str
    reason: str  # "directory", "extension", "folder", "loose", "nested"


@dataclass(frozen=True)
class Repository:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def schema_dir(self) -> Path:
        own = self.root / "schemas"
        return own if own.is_dir() else bundled_schema_dir()

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def scan(self) -> tuple[list[RecordFile], list[Stray]]:
        """Every record file and every stray, in a stable order.

        A walk of the folders, not `git ls-files`: a record a colleague has just written and
        not yet added must be checked too.
        """
        files: list[RecordFile] = []
        strays: list[Stray] = []
        records = self.root / RECORDS
        if not records.is_dir():
            return files, strays
        for entry in sorted(os.scandir(records), key=lambda e: e.name):
            rel = f"{RECORDS}/{entry.name}"
            if entry.name.startswith(".") or entry.name in QUIET_FILES:
                continue
            if not entry.is_dir() or entry.name not in FOLDERS:
                strays.append(Stray(rel, "folder" if entry.is_dir() else "loose"))
                continue
            self._scan_folder(Path(entry.path), rel, entry.name, files, strays)
        return files, strays

    def _scan_folder(self, directory: Path, rel: str, folder: str,
                     files: list[RecordFile], strays: list[Stray]) -> None:
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            path = f"{rel}/{entry.name}"
            if entry.name.startswith(".") or entry.name in QUIET_FILES:
                continue
            if entry.is_dir():
                if entry.name.endswith(".yaml"):
                    strays.append(Stray(path, "directory"))
                elif folder in NESTED:
                    self._scan_folder(Path(entry.path), path, folder, files, strays)
                else:
                    strays.append(Stray(path, "nested"))
            elif entry.name.endswith(".yaml"):
                files.append(RecordFile(path, folder, entry.name[: -len(".yaml")]))
            else:
                strays.append(Stray(path, "extension"))


def record_of(path: str) -> tuple[str | None, str]:
    """The folder and id a path under records/ names, or (None, "") for anything else."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == RECORDS and parts[1] in FOLDERS and parts[-1].endswith(".yaml"):
        return parts[1], parts[-1][: -len(".yaml")]
    return None, ""


class Listing:
    """Which record ids exist, from the folder listings alone.

    What `check --changed-since` needs to know which references resolve, at a fraction of the
    cost of `Repository.scan` (no object per file, no sorting): at 100,000 people a few tenths
    of a second instead of two. Strays are not looked for here; an id under two paths (two
    years of contact moments) is kept as a duplicate, which S006 reports.
    """

    def __init__(self, root: Path) -> None:
        self.ids: dict[str, set[str]] = {}
        self.nested: dict[str, dict[str, list[str]]] = {}
        for folder in FOLDERS:
            base = f"{RECORDS}/{folder}"
            if folder not in NESTED:
                try:
                    names = os.listdir(root / base)
                except OSError:
                    names = []
                self.ids[folder] = {name[:-5] for name in names if name.endswith(".yaml")}
                continue
            paths: dict[str, list[str]] = {}
            pending = [base]
            while pending:
                directory = pending.pop()
                try:
                    names = os.listdir(root / directory)
                except OSError:
                    continue
                for name in names:
                    if name.endswith(".yaml"):
                        paths.setdefault(name[:-5], []).append(f"{directory}/{name}")
                    elif not name.startswith(".") and "." not in name:
                        pending.append(f"{directory}/{name}")
            self.nested[folder] = paths
            self.ids[folder] = set(paths)

    def file(self, folder: str, record_id: str) -> RecordFile | None:
        """The record file of an id, or None when there is none."""
        if folder in self.nested:
            found = self.nested[folder].get(record_id)
            return RecordFile(sorted(found)[0], folder, record_id) if found else None
        if record_id in self.ids.get(folder, ()):
            return RecordFile(f"{RECORDS}/{folder}/{record_id}.yaml", folder, record_id)
        return None

    def at(self, path: str) -> RecordFile | None:
        """The record file at `path`, or None when no record lies there."""
        folder, record_id = record_of(path)
        if folder is None:
            return None
        if folder in self.nested:
            return RecordFile(path, folder, record_id) if path in self.nested[folder].get(record_id, ()) else None
        return RecordFile(path, folder, record_id) if path.count("/") == 2 and record_id in self.ids[folder] else None

    def duplicates(self) -> list[RecordFile]:
        return [RecordFile(path, folder, rid) for folder, paths in self.nested.items()
                for rid, found in paths.items() if len(found) > 1 for path in sorted(found)]


def find_root(start: Path, explicit: Path | None = None) -> Repository:
    """The repository that `start` lies in, or the one named with `--root`."""
    if explicit is not None:
        if not explicit.is_dir():
            raise UsageError(f"--root {explicit}: no such folder")
        return Repository(explicit.resolve())
    start = start.resolve()
    candidates = [start, *start.parents]
    git_top = next((c for c in candidates if (c / ".git").exists()), None)
    if git_top is not None:
        candidates = candidates[: candidates.index(git_top) + 1]
    for marker in (CONFIG_FILE, RECORDS):
        for candidate in candidates:
            if (candidate / marker).exists():
                return Repository(candidate)
    raise UsageError(
        f"no {CONFIG_FILE} or {RECORDS}/ folder found in {start} or above it; "
        "run crmtool inside a records repository or pass --root")
