"""Writing several record files as one change: afterwards every file is old, or every file is new.

Commands that change records (`end-role`, later `subject erase`, `merge`, `fmt`) change
several files that only make sense together: an alderman's role ended without his committee
seat is a repository `crmtool check` rejects. A crash, a full disk or Ctrl-C half-way must
therefore never leave some files changed and others not. Git cannot help here (staff may
not have committed), so the change carries its own undo:

1. *Staging* writes every new content to a temporary file in the file's own folder (so the
   final rename stays on one file system and is atomic) and keeps a backup of every file
   that will be replaced or deleted: a hard link, which costs nothing and keeps the old
   bytes when the name is taken over; a copy where the file system has no hard links.
2. *Commit* renames the temporary files over the records and deletes the files to delete.
   `os.replace` swaps a whole file at once, so a reader at any moment sees the old or the
   new bytes of each file, never a half-written one.
3. A *journal* in `<root>/build/` (which git ignores) names every file, temporary file and
   backup, never their content: the journal must not become a second copy of personal
   data. It says which phase the change reached; `recover` reads it after a crash and puts
   the old files back, or, when every file had already been written, only cleans up.

An ordinary exception during the commit rolls back at once; a crash (SIGKILL, power loss)
leaves the journal, and the next `write_files` (or a command that calls `recover` first)
rolls the interrupted change back. A lock file keeps two crmtool processes from changing
the same repository at once, so `recover` never undoes a change that is still running.
Every file and folder is fsynced before the journal says the next phase has begun.
"""
from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
import stat
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # not on POSIX: no lock, the journal still protects a single writer
    fcntl = None

BUILD = "build"
JOURNAL = f"{BUILD}/crmtool-change.json"
LOCK = f"{BUILD}/crmtool-change.lock"
NEW_SUFFIX = ".crmtool-new"
OLD_SUFFIX = ".crmtool-old"

STAGING, COMMITTING, DONE = "staging", "committing", "done"
"""The phases a journal records: while staging nothing has changed yet; while committing
some files may be new, and the backups bring the old ones back; when done, every file is
new and only the backups remain to be removed."""


class AtomicError(Exception):
    """The change could not be made (or not be undone); the message names the file."""


@dataclass
class _Entry:
    """One file of a change, with the names of its temporary file and backup (relative to
    the root): `new` is None for a deletion, `old` is None for a file that did not exist."""

    path: str
    new: str | None
    old: str | None

    def as_json(self) -> dict:
        return {"path": self.path, "new": self.new, "old": self.old}


@dataclass
class _Journal:
    phase: str
    entries: list[_Entry]
    folders: list[str] = field(default_factory=list)  # created by this change, outermost first

    def as_json(self) -> dict:
        return {"version": 1, "phase": self.phase, "entries": [e.as_json() for e in self.entries],
                "folders": self.folders}


def write_files(root: Path, changes: dict[Path, str | None]) -> list[str]:
    """Write (a text) or delete (None) every file in `changes` as one change.

    Paths are absolute or relative to `root` and must lie inside it. Returns the changed
    paths relative to the root, in a stable order. Raises AtomicError when the change could
    not be made; nothing has changed then.
    """
    root = Path(root).resolve()
    try:
        (root / BUILD).mkdir(exist_ok=True)
    except OSError as error:
        raise AtomicError(_os_message(error)) from error
    with _locked(root):
        _recover_locked(root)  # first: the files to change must be as they were before any crash
        entries, contents = _plan(root, changes)
        if not entries:
            return []
        journal = _Journal(STAGING, entries, _missing_folders(root, entries))
        try:
            _write_journal(root, journal)
            _stage(root, journal, contents)
            journal.phase = COMMITTING
            _write_journal(root, journal)
        except BaseException as error:  # nothing has changed yet: clean up, even on Ctrl-C
            with suppress(OSError):
                _discard(root, journal)
                _remove_journal(root)
            if isinstance(error, (OSError, AtomicError)):
                raise AtomicError(f"{_message(error)}; nothing was changed") from error
            raise
        try:
            _commit(root, entries)
            journal.phase = DONE
            _write_journal(root, journal)
        except (Exception, KeyboardInterrupt) as error:
            # An interrupt is undone like any failure; only a real crash leaves the journal.
            _roll_back(root, journal)
            if isinstance(error, (OSError, AtomicError)):
                raise AtomicError(f"{_message(error)}; the change was rolled back, every file is as it was") from error
            raise
        with suppress(OSError):  # every file is new; what is left over goes at the next change
            _discard(root, journal)
            _remove_journal(root)
    return [entry.path for entry in entries]


def recover(root: Path) -> list[str]:
    """Roll back a change that a crash interrupted; returns the paths it restored.

    Safe to call at any time: without a journal it returns at once, and a change that is
    still running in another process holds the lock, so it is never mistaken for a crash.
    """
    root = Path(root).resolve()
    if not (root / JOURNAL).exists():
        return []
    with _locked(root):
        return _recover_locked(root)


def pending(root: Path) -> list[str]:
    """The paths `recover` would restore, without changing anything: a preview
    (`--dry-run`) must not change a byte, yet should say that a rollback is due."""
    journal = _read_journal(Path(root).resolve())
    if journal is None or journal.phase != COMMITTING:
        return []
    return [entry.path for entry in journal.entries]


# -- planning and staging -------------------------------------------------------------------

def _plan(root: Path, changes: dict[Path, str | None]) -> tuple[list[_Entry], dict[str, bytes | None]]:
    """The entries of a change, with the names of their temporary files and backups."""
    token = secrets.token_hex(4)
    entries: list[_Entry] = []
    contents: dict[str, bytes | None] = {}
    for given, text in changes.items():
        path = Path(given) if Path(given).is_absolute() else root / given
        rel = _inside(root, path)
        if rel in contents:
            raise AtomicError(f"{rel}: named twice in one change")
        if text is not None and not isinstance(text, str):
            raise AtomicError(f"{rel}: the new content must be text")
        exists = os.path.lexists(root / rel)
        if exists and ((root / rel).is_symlink() or not (root / rel).is_file()):
            raise AtomicError(f"{rel}: not a regular file; it is left alone")
        if text is None and not exists:
            raise AtomicError(f"{rel}: cannot be deleted, there is no such file")
        folder, name = rel.rpartition("/")[0], rel.rpartition("/")[2]
        prefix = f"{folder}/" if folder else ""
        entries.append(_Entry(rel, f"{prefix}.{name}.{token}{NEW_SUFFIX}" if text is not None else None,
                              f"{prefix}.{name}.{token}{OLD_SUFFIX}" if exists else None))
        contents[rel] = text.encode("utf-8") if text is not None else None
    entries.sort(key=lambda e: e.path)
    return entries, contents


def _inside(root: Path, path: Path) -> str:
    """`path` relative to the root (forward slashes), or AtomicError when it lies outside."""
    parent = path.parent.resolve()
    try:
        rel = (parent / path.name).relative_to(root)
    except ValueError:
        raise AtomicError(f"{path}: lies outside the repository {root}") from None
    if not path.name or path.name in (".", "..") or rel.as_posix() in (JOURNAL, LOCK):
        raise AtomicError(f"{path}: not a file name crmtool may write")
    return rel.as_posix()


def _missing_folders(root: Path, entries: list[_Entry]) -> list[str]:
    """The folders a change must create (outermost first), named in the journal before they
    are made, so that a rollback removes them again."""
    missing: list[str] = []
    for entry in entries:
        folder = (root / entry.path).parent
        chain = []
        while not folder.exists():
            chain.append(folder.relative_to(root).as_posix())
            folder = folder.parent
        missing += [f for f in reversed(chain) if f not in missing]
    return missing


def _stage(root: Path, journal: _Journal, contents: dict[str, bytes | None]) -> None:
    """The folders the change needs, temporary files with the new bytes and backups of the
    old, all fsynced."""
    for folder in journal.folders:
        (root / folder).mkdir()
        _fsync_folder((root / folder).parent)
    for entry in journal.entries:
        with _naming(entry.path):
            if entry.new is not None:
                _write_new(root / entry.new, contents[entry.path], root / entry.path)
            if entry.old is not None:
                _back_up(root / entry.path, root / entry.old)
    for folder in sorted({(root / e.path).parent for e in journal.entries}):
        _fsync_folder(folder)


def _write_new(temporary: Path, data: bytes, final: Path) -> None:
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if final.exists():  # keep the record's permissions
            os.chmod(fd, stat.S_IMODE(final.stat().st_mode))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _back_up(path: Path, backup: Path) -> None:
    """A second name for the old file (a hard link), or a copy where links are not possible."""
    try:
        os.link(path, backup)
        return
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    shutil.copy2(path, backup)
    fd = os.open(backup, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- commit, rollback, clean-up ------------------------------------------------------------

def _commit(root: Path, entries: list[_Entry]) -> None:
    for entry in entries:
        with _naming(entry.path):
            if entry.new is not None:
                os.replace(root / entry.new, root / entry.path)
            else:
                os.unlink(root / entry.path)
    for folder in sorted({(root / e.path).parent for e in entries}):
        _fsync_folder(folder)


def _roll_back(root: Path, journal: _Journal) -> list[str]:
    """Put every old file back from its backup and remove every new one. The journal stays
    until all is back, so a crash during the rollback is rolled back again next time."""
    restored = []
    try:
        for entry in journal.entries:
            target = root / entry.path
            if entry.old is not None:
                old = root / entry.old
                if not os.path.lexists(old):
                    continue  # the backup is gone: the file stays as it is
                os.replace(old, target)
                if os.path.lexists(old):  # a rename between two names of one file does nothing
                    os.unlink(old)
            elif not os.path.lexists(root / entry.new):
                _unlink_if_present(target)  # a new file that had been moved into place
            restored.append(entry.path)
        for folder in sorted({(root / e.path).parent for e in journal.entries}):
            if folder.exists():
                _fsync_folder(folder)
        _discard(root, journal)
    except OSError as error:
        raise AtomicError(f"an interrupted change could not be rolled back ({_os_message(error)}); "
                          f"{JOURNAL} is kept, and the next crmtool command that writes tries again") from error
    _remove_journal(root)
    return restored


def _discard(root: Path, journal: _Journal) -> None:
    """Remove what the change left aside: temporary files, backups, folders it made that
    are empty again."""
    for entry in journal.entries:
        for name in (entry.new, entry.old):
            if name is not None:
                _unlink_if_present(root / name)
    for folder in reversed(journal.folders):
        try:
            (root / folder).rmdir()
        except OSError:
            pass  # not empty (the change is done) or already gone


def _recover_locked(root: Path) -> list[str]:
    journal = _read_journal(root)
    if journal is None:
        return []
    if journal.phase == COMMITTING:
        return _roll_back(root, journal)
    try:
        _discard(root, journal)  # staging: nothing changed yet; done: every file is new
    except OSError as error:
        raise AtomicError(_os_message(error)) from error
    _remove_journal(root)
    return []


# -- the journal and the lock --------------------------------------------------------------

def _read_journal(root: Path) -> _Journal | None:
    path = root / JOURNAL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        journal = _Journal(data["phase"], [_Entry(e["path"], e["new"], e["old"]) for e in data["entries"]],
                           list(data.get("folders", [])))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AtomicError(f"{JOURNAL}: an interrupted change's journal cannot be read ({error}); "
                          "compare the records with git and remove the journal by hand") from error
    for name in (n for e in journal.entries for n in (e.path, e.new, e.old) if n is not None):
        _inside(root, root / name)  # a journal that points outside the repository is not ours
    return journal


def _write_journal(root: Path, journal: _Journal) -> None:
    path = root / JOURNAL
    temporary = path.with_name(f".{path.name}{NEW_SUFFIX}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        os.write(fd, json.dumps(journal.as_json(), indent=1).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    _fsync_folder(path.parent)


def _remove_journal(root: Path) -> None:
    _unlink_if_present(root / JOURNAL)
    _fsync_folder(root / BUILD)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer per repository. The operating system drops the lock of a crashed process."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise AtomicError(_os_message(error)) from error
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AtomicError("another crmtool command is changing files in this repository; "
                              "try again when it has finished") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def _naming(path: str) -> Iterator[None]:
    """An OSError becomes an AtomicError that names the record (not a temporary file)."""
    try:
        yield
    except OSError as error:
        raise AtomicError(f"{path}: {error.strerror or error}") from error


def _unlink_if_present(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Make a folder's entries (new names, renames, removals) durable. Not every platform
    can open a folder; there the rename itself is all the guarantee there is."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _message(error: Exception) -> str:
    return _os_message(error) if isinstance(error, OSError) else str(error)


def _os_message(error: OSError) -> str:
    name = error.filename if error.filename is not None else ""
    reason = error.strerror or str(error)
    return f"{name}: {reason}" if name else reason
