"""Writing several record files as one change: afterwards every file is old, or every file is new.

Commands that change records (`end-role`, `subject erase`, `merge`, `fmt`, `assign`, ...)
change several files that only make sense together: an alderman's role ended without his
committee seat is a repository `crmtool check` rejects. A crash, a full disk or Ctrl-C
half-way must therefore never leave some files changed and others not. Git cannot help here
(staff may not have committed), so the change carries its own undo:

1. *Staging* writes every new content to a temporary file in `build/crmtool-change/` and
   keeps a backup of every file that will be replaced or deleted there too: a hard link,
   which costs nothing and keeps the old bytes when the name is taken over; a copy where the
   file system has no hard links. Nothing is ever written beside the records: `build/` is
   ignored by git, so a backup (the erased person's whole record, for one) can never be
   committed by `git add -A`, and rule S009 reports one that was. The staging folder must
   lie on the records' file system (it does unless `build/` is a mount or a link to another
   disk): `os.replace` between two folders of one file system is atomic, across file
   systems it is not possible at all, so that case is refused before anything is written.
2. *Commit* renames the temporary files over the records and deletes the files to delete.
   `os.replace` swaps a whole file at once, so a reader at any moment sees the old or the
   new bytes of each file, never a half-written one.
3. A *journal* (`build/crmtool-change.json`) names every file, temporary file and backup,
   never their content: the journal must not become a second copy of personal data. It says
   which phase the change reached; `recover` reads it after a crash and puts the old files
   back, or, when every file had already been written, only cleans up; `finish` instead
   completes the change (every new content was staged and fsynced before the commit began).

An ordinary exception during the commit rolls back at once; a crash (SIGKILL, power loss)
leaves the journal. Until it is resolved the change is *interrupted* (`interrupted`): rule
S010 makes `crmtool check` fail on it, commands that only read refuse to answer from a
half-changed repository, and `crmtool recover` (`--finish`) resolves it; the next command
that writes rolls it back first.

One writer at a time: a lock file (`build/crmtool-change.lock`, dropped by the operating
system when its process dies) is held for a writer's whole read-modify-write, not only for
the write (`changing`, `serialised`): a command that read a record before another wrote it
would otherwise write back the old content and lose the other's change. A second writer
waits for the first instead of failing. The lock is re-entrant within a thread, so
`write_files` and `recover` inside a held section do not wait for themselves. `recover`
never undoes a change that is still running, since the running change holds the lock.
Every file and folder is fsynced before the journal says the next phase has begun.

For tests only: `CRMTOOL_CRASH_AT_STEP=N` makes the process kill itself (SIGKILL) at the
N-th step of a change (a journal write, a staged file, a backup, a rename, a removal), so a
test can interrupt a real command at an exact, reproducible moment. Unset, it costs one
comparison per step.
"""
from __future__ import annotations

import errno
import functools
import json
import os
import secrets
import shutil
import signal
import stat
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..i18n import _

try:
    import fcntl
except ImportError:  # not on POSIX: no lock, the journal still protects a single writer
    fcntl = None  # type: ignore[assignment]  # a module or None; mypy types an import as the module only

BUILD = "build"
JOURNAL = f"{BUILD}/crmtool-change.json"
LOCK = f"{BUILD}/crmtool-change.lock"
STAGE = f"{BUILD}/crmtool-change"
NEW_SUFFIX = ".crmtool-new"
OLD_SUFFIX = ".crmtool-old"
LOCK_WAIT = 0.1
LOCK_TRIES = 3000
"""A second writer waits (LOCK_TRIES naps of LOCK_WAIT seconds, five minutes) for the
first to finish; a lock held longer than that belongs to a command that hangs, and the
writer gives up with a message instead of waiting for ever."""
CRASH_AT = "CRMTOOL_CRASH_AT_STEP"

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
        return {"version": 2, "phase": self.phase, "entries": [e.as_json() for e in self.entries],
                "folders": self.folders}


@dataclass
class Interrupted:
    """A change that a crash left behind: its phase (None when the journal cannot be read),
    the files it names and, for an unreadable journal, why."""

    phase: str | None
    paths: list[str]
    problem: str | None = None

    @property
    def half_done(self) -> bool:
        """Whether some files may be new and others old: the commit had begun (or, with an
        unreadable journal, nobody can tell)."""
        return self.phase in (COMMITTING, None)


def write_files(root: Path, changes: dict[Path, str | None]) -> list[str]:
    """Write (a text) or delete (None) every file in `changes` as one change.

    Paths are absolute or relative to `root` and must lie inside it. Returns the changed
    paths relative to the root, in a stable order. Raises AtomicError when the change could
    not be made; nothing has changed then.
    """
    root = Path(root).resolve()
    with _locked(root):
        _recover_locked(root)  # first: the files to change must be as they were before any crash
        entries, contents = _plan(root, changes)
        if not entries:
            return []
        _same_device(root, entries)
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
                raise AtomicError(_("{problem}; nothing was changed").format(problem=_message(error))) from error
            raise
        try:
            _commit(root, entries)
            journal.phase = DONE
            _write_journal(root, journal)
        except (Exception, KeyboardInterrupt) as error:
            # An interrupt is undone like any failure; only a real crash leaves the journal.
            _roll_back(root, journal)
            if isinstance(error, (OSError, AtomicError)):
                raise AtomicError(_("{problem}; the change was rolled back, every file is as it was").format(
                    problem=_message(error))) from error
            raise
        with suppress(OSError):  # every file is new; what is left over goes at the next change
            _discard(root, journal)
            _remove_journal(root)
    return [entry.path for entry in entries]


def recover(root: Path) -> list[str]:
    """Roll back a change that a crash interrupted; returns the paths it restored.

    Safe to call at any time: without a journal it returns at once, and a change that is
    still running in another process holds the lock, so it is never mistaken for a crash
    (this call waits for it to end).
    """
    root = Path(root).resolve()
    earlier = _held.__dict__.setdefault("restored", {}).pop(root, [])  # by `changing`, for its caller
    if not os.path.lexists(root / JOURNAL):
        return earlier
    with _locked(root):
        return earlier + _recover_locked(root)


def finish(root: Path) -> list[str]:
    """Complete a change that a crash interrupted during its commit: every staged new file
    is moved into place and every file to delete removed; returns those paths. A change
    that had not reached its commit cannot be completed (its staged files may be partial)
    and is rolled back instead, which changes no record: nothing had changed yet."""
    root = Path(root).resolve()
    if not os.path.lexists(root / JOURNAL):
        return []
    with _locked(root):
        journal = _read_journal(root)
        if journal is None:
            return []
        if journal.phase != COMMITTING:
            _recover_locked(root)
            return []
        return _roll_forward(root, journal)


def pending(root: Path) -> list[str]:
    """The paths `recover` would restore, without changing anything: a preview
    (`--dry-run`) must not change a byte, yet should say that a rollback is due."""
    journal = _read_journal(Path(root).resolve())
    if journal is None or journal.phase != COMMITTING:
        return []
    return [entry.path for entry in journal.entries]


def interrupted(root: Path) -> Interrupted | None:
    """The change a crash left behind, or None: no journal, or its change is still running
    in another process (that one holds the lock). Changes nothing; readers and rule S010
    ask this before they trust the records."""
    root = Path(root).resolve()
    if not os.path.lexists(root / JOURNAL) or _busy(root):
        return None
    try:
        journal = _read_journal(root)
    except AtomicError as error:
        return Interrupted(None, [], str(error))
    if journal is None:
        return None
    return Interrupted(journal.phase, [e.path for e in journal.entries])


@contextmanager
def changing(root: Path, *, write: bool = True) -> Iterator[list[str]]:
    """One writer's whole read-modify-write as one critical section: the lock is taken
    (waiting for another writer to finish), an interrupted change is rolled back, and the
    caller reads what it is about to change and writes it before anyone else may. Yields
    the paths the rollback restored (the first `recover` inside returns them too). With
    `write` False (a dry run) nothing is locked or restored: a preview changes no byte."""
    if not write:
        yield []
        return
    root = Path(root).resolve()
    with _locked(root):
        restored = _recover_locked(root)
        # A writer inside asks `recover` as it always did, and hears what was restored here.
        _held.__dict__.setdefault("restored", {})[root] = list(restored)
        try:
            yield restored
        finally:
            _held.__dict__["restored"].pop(root, None)


def serialised(root: Callable[..., Path] = lambda repo, *args, **kwargs: repo.root,
               writes: Callable[..., bool] = lambda *args, **kwargs: not kwargs.get("dry_run", False)):
    """A writer function run inside `changing`: every command that edits records is
    decorated with this, so each reads the records under the lock. `root` finds the
    repository and `writes` whether this call writes at all (default: not with
    `dry_run=True`) from the call's arguments."""
    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            with changing(root(*args, **kwargs), write=writes(*args, **kwargs)):
                return function(*args, **kwargs)
        return run
    return decorate


# -- planning and staging -------------------------------------------------------------------

def _plan(root: Path, changes: dict[Path, str | None]) -> tuple[list[_Entry], dict[str, bytes | None]]:
    """The entries of a change, with the names of their temporary files and backups: in
    the staging folder, numbered, so no record's name (an id) is repeated there."""
    token = secrets.token_hex(4)
    entries: list[_Entry] = []
    contents: dict[str, bytes | None] = {}
    for given, text in changes.items():
        path = Path(given) if Path(given).is_absolute() else root / given
        rel = _inside(root, path)
        if rel in contents:
            raise AtomicError(f"{rel}: named twice in one change")
        if rel == STAGE or rel.startswith(STAGE + "/"):
            raise AtomicError(f"{rel}: not a file name crmtool may write")
        if text is not None and not isinstance(text, str):
            raise AtomicError(f"{rel}: the new content must be text")
        exists = os.path.lexists(root / rel)
        if exists and ((root / rel).is_symlink() or not (root / rel).is_file()):
            raise AtomicError(_("{path}: not a regular file; it is left alone").format(path=rel))
        if text is None and not exists:
            raise AtomicError(f"{rel}: cannot be deleted, there is no such file")
        entries.append(_Entry(rel, None, None))
        contents[rel] = text.encode("utf-8") if text is not None else None
    entries.sort(key=lambda e: e.path)
    for number, entry in enumerate(entries):
        if contents[entry.path] is not None:
            entry.new = f"{STAGE}/{token}-{number}{NEW_SUFFIX}"
        if os.path.lexists(root / entry.path):
            entry.old = f"{STAGE}/{token}-{number}{OLD_SUFFIX}"
    return entries, contents


def _inside(root: Path, path: Path) -> str:
    """`path` relative to the root (forward slashes), or AtomicError when it lies outside."""
    parent = path.parent.resolve()
    try:
        rel = (parent / path.name).relative_to(root)
    except ValueError:
        raise AtomicError(_("{path}: lies outside the repository {root}").format(path=path, root=root)) from None
    if not path.name or path.name in (".", "..") or rel.as_posix() in (JOURNAL, LOCK):
        raise AtomicError(f"{path}: not a file name crmtool may write")
    return rel.as_posix()


def _same_device(root: Path, entries: list[_Entry]) -> None:
    """Refuse, before anything is written, a change whose staging folder lies on another
    file system than a file it changes: a rename across file systems is not possible, so
    the commit could not be atomic."""
    try:
        (root / BUILD).mkdir(exist_ok=True)
        (root / STAGE).mkdir(exist_ok=True)
        device = os.stat(root / STAGE).st_dev
    except OSError as error:
        raise AtomicError(_("{problem}; nothing was changed").format(problem=_os_message(error))) from error
    for entry in entries:
        folder = (root / entry.path).parent
        while not folder.exists():
            folder = folder.parent
        if os.stat(folder).st_dev != device:
            raise AtomicError(_("{path}: {stage}/ lies on another file system than this file, so the change could "
                                "not be made at once; make {build}/ a plain folder of the repository (not a mount or "
                                "a link to another disk). Nothing was changed").format(
                                    path=entry.path, stage=STAGE, build=BUILD))


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
                _step()
                data = contents[entry.path]
                assert data is not None, "a temporary file is planned only for new text"
                _write_new(root / entry.new, data, root / entry.path)
            if entry.old is not None:
                _step()
                _back_up(root / entry.path, root / entry.old)
    _fsync_folder(root / STAGE)


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
            _step()
            if entry.new is not None:
                os.replace(root / entry.new, root / entry.path)
            else:
                os.unlink(root / entry.path)
    _fsync_folders(root, entries)


def _fsync_folders(root: Path, entries: list[_Entry]) -> None:
    for folder in sorted({(root / e.path).parent for e in entries} | {root / STAGE}):
        if folder.exists():
            _fsync_folder(folder)


def _roll_back(root: Path, journal: _Journal) -> list[str]:
    """Put every old file back from its backup and remove every new one. The journal stays
    until all is back, so a crash during the rollback is rolled back again next time."""
    restored = []
    try:
        for entry in journal.entries:
            target = root / entry.path
            _step()
            if entry.old is not None:
                old = root / entry.old
                if not os.path.lexists(old):
                    continue  # the backup is gone: the file stays as it is
                os.replace(old, target)
                if os.path.lexists(old):  # a rename between two names of one file does nothing
                    os.unlink(old)
            elif entry.new is not None and not os.path.lexists(root / entry.new):
                _unlink_if_present(target)  # a new file that had been moved into place
            restored.append(entry.path)
        _fsync_folders(root, journal.entries)
        _discard(root, journal)
    except OSError as error:
        raise AtomicError(_("an interrupted change could not be rolled back ({problem}); {journal} is kept, and "
                            "`crmtool recover` tries again").format(
                                problem=_os_message(error), journal=JOURNAL)) from error
    _remove_journal(root)
    return restored


def _roll_forward(root: Path, journal: _Journal) -> list[str]:
    """Move every staged new file into place and remove every file to delete; the journal
    stays until all is done, so a crash here is finished (or rolled back) next time."""
    done = []
    try:
        for entry in journal.entries:
            target = root / entry.path
            _step()
            if entry.new is not None:
                if os.path.lexists(root / entry.new):
                    os.replace(root / entry.new, target)
            else:
                _unlink_if_present(target)
            done.append(entry.path)
        _fsync_folders(root, journal.entries)
        journal.phase = DONE
        _write_journal(root, journal)
        _discard(root, journal)
    except OSError as error:
        raise AtomicError(_("an interrupted change could not be finished ({problem}); {journal} is kept, and "
                            "`crmtool recover` can roll it back").format(
                                problem=_os_message(error), journal=JOURNAL)) from error
    _remove_journal(root)
    return done


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
        if journal.phase not in (STAGING, COMMITTING, DONE):
            raise ValueError(f"unknown phase {journal.phase!r}")
        if any(e.new is None and e.old is None for e in journal.entries):
            raise ValueError("an entry names neither a new file nor a backup")
        if any(not isinstance(n, str) for e in journal.entries for n in (e.path, e.new, e.old) if n is not None):
            raise ValueError("an entry names a file by something that is not text")
        if not all(isinstance(folder, str) for folder in journal.folders):
            raise ValueError("a folder is named by something that is not text")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AtomicError(_("{journal}: an interrupted change's journal cannot be read ({problem}); compare the "
                            "records with git and remove the journal by hand").format(
                                journal=JOURNAL, problem=error)) from error
    for name in (n for e in journal.entries for n in (e.path, e.new, e.old) if n is not None):
        _inside(root, root / name)  # a journal that points outside the repository is not ours
    return journal


def _write_journal(root: Path, journal: _Journal) -> None:
    _step()
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
    _step()
    _unlink_if_present(root / JOURNAL)
    _fsync_folder(root / BUILD)


_held = threading.local()


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer per repository, waiting for another that is busy. Re-entrant within a
    thread. The operating system drops the lock of a crashed process."""
    held: dict = _held.__dict__.setdefault("roots", {})
    if root in held:
        held[root] += 1
        try:
            yield
        finally:
            held[root] -= 1
        return
    try:
        (root / BUILD).mkdir(exist_ok=True)
    except OSError as error:
        raise AtomicError(_os_message(error)) from error
    if fcntl is None:
        held[root] = 1
        try:
            yield
        finally:
            del held[root]
        return
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise AtomicError(_os_message(error)) from error
    try:
        for attempt in range(LOCK_TRIES + 1):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == LOCK_TRIES:
                    raise AtomicError(_("another crmtool command has been changing files in this repository for a "
                                        "long time; try again when it has finished")) from None
                time.sleep(LOCK_WAIT)
        held[root] = 1
        try:
            yield
        finally:
            del held[root]
    finally:
        os.close(fd)  # closing releases the lock


def _busy(root: Path) -> bool:
    """Whether a crmtool process holds the lock now (this thread included)."""
    if root in _held.__dict__.get("roots", {}):
        return True
    if fcntl is None:
        return False
    try:
        fd = os.open(root / LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


_steps = 0


def _step() -> None:
    """Test hook (see the module's docstring): SIGKILL at step CRMTOOL_CRASH_AT_STEP."""
    wanted = os.environ.get(CRASH_AT)
    if not wanted:
        return
    global _steps
    _steps += 1
    if str(_steps) == wanted.strip():
        os.kill(os.getpid(), signal.SIGKILL)


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


def describe(found: Interrupted) -> tuple[str, str]:
    """The message and the hint, for this rule and for the commands that refuse to read a
    half-changed repository: one wording for one situation."""
    if found.phase is None:
        return (_("An earlier crmtool change was interrupted, and its journal {path} cannot be read: some "
                  "record files may be new and others old.").format(path=JOURNAL),
                _("Compare the records with git (`git status`, `git diff`), put right what is half-changed, "
                  "then remove {path} and the folder {stage}/.").format(path=JOURNAL, stage=STAGE))
    if found.phase == STAGING:
        return (_("An earlier crmtool change was interrupted before it changed any record ({count} file(s) "
                  "named in {path}); its temporary files are left in {stage}/.").format(
                      count=len(found.paths), path=JOURNAL, stage=STAGE),
                _("Run `crmtool recover` to clean it up; no record changes."))
    if found.phase == DONE:
        return (_("An earlier crmtool change was interrupted after it had written all {count} file(s) named in "
                  "{path}; only its backups are left in {stage}/.").format(
                      count=len(found.paths), path=JOURNAL, stage=STAGE),
                _("Run `crmtool recover` to remove them; no record changes."))
    return (_("An earlier crmtool change was interrupted half-way: of the {count} file(s) named in {path} some "
              "may be new and others old, and the old versions wait in {stage}/.").format(
                  count=len(found.paths), path=JOURNAL, stage=STAGE),
            _("Run `crmtool recover` to roll it back (every file as it was before), or `crmtool recover --finish` "
              "to complete it. Until then the records are a mix of both."))
