"""Where a records repository is and which files in it are records.

The root is the folder given with `--root`, or the nearest folder upwards (not past the git
root) that holds `crmtool.yaml`, or, failing that, one that holds `records/`.
"""
from __future__ import annotations

import os
import re
import stat as stat_mode
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


def bundled_schema_dir() -> Path:
    """The schemas that ship with crmtool, used when a repository has no `schemas/` of its own:
    the source tree's `schemas/`, or, in an installed wheel, the copy packaged as
    `crmtool/schemas/`."""
    here = Path(__file__).resolve().parent.parent  # the crmtool package
    for candidate in (here.parent / "schemas", here / "schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("crmtool's own schemas are missing from this installation")


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
    "breaches": "breach",
}
"""Record folder → record type (and schema name)."""

NESTED = frozenset({"interactions"})
"""Folders that may have sub-folders (interactions/2026/...)."""

ID_REGEX = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_PATTERN = re.compile(ID_REGEX)
QUIET_FILES = frozenset({"README.md", ".gitkeep", ".keep"})


class UsageError(Exception):
    """Bad usage or configuration: exit status 2."""


SPECIAL = ("symlink", "fifo", "device", "socket", "directory", "other")
"""Reasons of a stray that is not a regular file (S011): never followed, never opened."""


class NotRegularFile(OSError):
    """A path the tool was about to read is not a regular file (a symbolic link, a named
    pipe, a device, a socket, a folder): it is refused, never followed or opened."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path}: not a regular file ({kind})")
        self.path, self.kind = path, kind


def kind_of(mode: int) -> str | None:
    """None for a regular file; else what it is, one of SPECIAL (from an lstat's st_mode)."""
    if stat_mode.S_ISREG(mode):
        return None
    if stat_mode.S_ISLNK(mode):
        return "symlink"
    if stat_mode.S_ISFIFO(mode):
        return "fifo"
    if stat_mode.S_ISCHR(mode) or stat_mode.S_ISBLK(mode):
        return "device"
    if stat_mode.S_ISSOCK(mode):
        return "socket"
    if stat_mode.S_ISDIR(mode):
        return "directory"
    return "other"


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
_DIRECTORY_FLAGS = _OPEN_FLAGS | getattr(os, "O_DIRECTORY", 0)
_ROOT_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular(root: Path | str, rel: str) -> bytes:
    """The bytes of the regular file at `rel` (forward slashes) under `root`, opened without
    following any symbolic link below `root`.

    Every file the tool reads from a repository is as untrusted as the pull request that
    added it: a symbolic link could point at /etc/passwd (whose lines would then appear in
    findings) and a named pipe would block a read forever. So each folder on the way is
    opened relative to the one before it with O_NOFOLLOW, the file itself with O_NOFOLLOW
    and O_NONBLOCK (opening a pipe then returns at once), and only after fstat says it is a
    regular file are its bytes read; a link swapped in between the folder listing and the
    read is refused too. Raises NotRegularFile (an OSError) or any other OSError.
    """
    parts = rel.split("/")
    if not rel or any(part in ("", ".", "..") for part in parts):
        raise NotRegularFile(rel, "other")
    folder = os.open(root, _ROOT_FLAGS)  # the root itself is the user's choice: a link to it is fine
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, _DIRECTORY_FLAGS, dir_fd=folder)
            except OSError as error:
                raise _refusal(rel, error, part, folder) from None
            os.close(folder)
            folder = inner
        try:
            fd = os.open(parts[-1], _OPEN_FLAGS, dir_fd=folder)
        except OSError as error:
            raise _refusal(rel, error, parts[-1], folder) from None
    finally:
        os.close(folder)
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(rel, kind)
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _refusal(rel: str, error: OSError, name: str, folder: int) -> OSError:
    """ELOOP/ENOTDIR from O_NOFOLLOW/O_DIRECTORY mean a link or a non-folder on the way."""
    try:
        kind = kind_of(os.lstat(name, dir_fd=folder).st_mode)
    except OSError:
        return error
    return NotRegularFile(rel, kind or "other") if kind not in (None, "directory") else error


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
    reason: str  # "directory", "extension", "folder", "loose", "nested", or one of SPECIAL


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

    def scan(self, walked: list[str] | None = None) -> tuple[list[RecordFile], list[Stray]]:
        """Every record file and every stray, in a stable order; every folder it walked
        (records/ and each folder it looked into, empty ones too) is added to `walked`.

        A walk of the folders, not `git ls-files`: a record a colleague has just written and
        not yet added must be checked too.
        """
        files: list[RecordFile] = []
        strays: list[Stray] = []
        walked = [] if walked is None else walked
        records = self.root / RECORDS
        try:
            kind = kind_of(os.lstat(records).st_mode)
        except OSError:
            return files, strays
        if kind != "directory":
            if kind is not None:  # records/ itself a link (or a pipe): not followed
                strays.append(Stray(RECORDS, kind))
            return files, strays
        walked.append(RECORDS)
        for entry in sorted(os.scandir(records), key=lambda e: e.name):
            rel = f"{RECORDS}/{entry.name}"
            if entry.name.startswith(".") or entry.name in QUIET_FILES:
                continue
            special = _special(entry)
            if special is not None:
                strays.append(Stray(rel, special))
            elif not entry.is_dir(follow_symlinks=False) or entry.name not in FOLDERS:
                strays.append(Stray(rel, "folder" if entry.is_dir(follow_symlinks=False) else "loose"))
            else:
                self._scan_folder(Path(entry.path), rel, entry.name, files, strays, walked)
        return files, strays

    def file_at(self, path: str) -> RecordFile | None:
        """The record file at `path` (relative, forward slashes) when `scan` would list it
        there now: every folder on the way real and visible, nested only where a folder may
        nest, the file itself a regular `.yaml` file. None for anything else (gone, a link, a
        stray): what a watcher reports is judged as the scan judges it, file by file."""
        folder, record_id = record_of(path)
        parts = path.split("/")
        if folder is None or any(part.startswith(".") or part in QUIET_FILES or not part for part in parts):
            return None
        if len(parts) > 3 and folder not in NESTED:
            return None
        current = self.root
        for part in parts[:-1]:
            current = current / part
            if not _real_folder(current):
                return None
        try:
            mode = os.lstat(self.root / path).st_mode
        except OSError:
            return None
        return RecordFile(path, folder, record_id) if stat_mode.S_ISREG(mode) else None

    def _scan_folder(self, directory: Path, rel: str, folder: str,
                     files: list[RecordFile], strays: list[Stray], walked: list[str]) -> None:
        walked.append(rel)
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            path = f"{rel}/{entry.name}"
            if entry.name.startswith(".") or entry.name in QUIET_FILES:
                continue
            special = _special(entry)
            if special is not None:
                strays.append(Stray(path, special))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name.endswith(".yaml"):
                    strays.append(Stray(path, "directory"))
                elif folder in NESTED:
                    self._scan_folder(Path(entry.path), path, folder, files, strays, walked)
                else:
                    strays.append(Stray(path, "nested"))
            elif entry.name.endswith(".yaml"):
                files.append(RecordFile(path, folder, entry.name[: -len(".yaml")]))
            else:
                strays.append(Stray(path, "extension"))


def _special(entry: os.DirEntry) -> str | None:
    """What a folder entry is when it is neither a regular file nor a real folder (a link to
    either counts as a link): from the listing's own file type, without following it."""
    if entry.is_symlink():
        return "symlink"
    if entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False):
        return None
    try:
        return kind_of(entry.stat(follow_symlinks=False).st_mode) or "other"
    except OSError:
        return "other"


def _real_folder(path: Path) -> bool:
    """Whether `path` is a folder itself, not a link to one."""
    try:
        return stat_mode.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def record_of(path: str) -> tuple[str | None, str]:
    """The folder and id a path under records/ names, or (None, "") for anything else."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == RECORDS and parts[1] in FOLDERS and parts[-1].endswith(".yaml"):
        return parts[1], parts[-1][: -len(".yaml")]
    return None, ""


def _regular_names(directory: Path, parent_real: bool = True) -> list[str]:
    """Names of the regular files in a real folder (links, pipes and the like left out: the
    scan reports them as S011); nothing when the folder is a link or missing."""
    if not parent_real or not _real_folder(directory):
        return []
    try:
        with os.scandir(directory) as entries:
            return [entry.name for entry in entries if entry.is_file(follow_symlinks=False)]
    except OSError:
        return []


class Listing:
    """Which record ids exist, from the folder listings alone.

    What `check --changed-since` needs to know which references resolve, at a fraction of the
    cost of `Repository.scan` (no object per file, no sorting): at 100,000 people a few tenths
    of a second instead of two. Strays are not looked for here; an id under two paths (two
    years of contact moments) is kept as a duplicate, which S006 reports.
    """

    def __init__(self, root: Path, folders: Iterable[str] = FOLDERS) -> None:
        self.ids: dict[str, set[str]] = {}
        self.nested: dict[str, dict[str, list[str]]] = {}
        real = _real_folder(root / RECORDS)  # a linked records/ or record folder is not read (S011)
        for folder in folders:  # `folders`: only these (check --changed-since lists the others lazily)
            base = f"{RECORDS}/{folder}"
            if folder not in NESTED:
                self.ids[folder] = {name[:-5] for name in _regular_names(root / base, real)
                                    if name.endswith(".yaml")}
                continue
            paths: dict[str, list[str]] = {}
            pending = [base] if real and _real_folder(root / base) else []
            while pending:
                directory = pending.pop()
                try:
                    entries = list(os.scandir(root / directory))
                except OSError:
                    continue
                for entry in entries:
                    name = entry.name
                    if name.endswith(".yaml"):
                        if entry.is_file(follow_symlinks=False):
                            paths.setdefault(name[:-5], []).append(f"{directory}/{name}")
                    elif not name.startswith(".") and "." not in name and entry.is_dir(follow_symlinks=False):
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
