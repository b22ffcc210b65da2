"""Several files as one change: all old or all new, after failures, interrupts and crashes."""
from __future__ import annotations

import fcntl
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from crmtool.load import atomic
from crmtool.load.atomic import AtomicError, pending, recover, write_files

OLD = {"records/roles/a.yaml": "start: 2026-01-01\n", "records/roles/b.yaml": "start: 2026-02-01\n",
       "records/roles/c.yaml": "start: 2026-03-01\n", "records/people/gone.yaml": "name: {family: Weg}\n"}
NEW = {"records/roles/a.yaml": "start: 2026-01-01\nend: 2026-12-31\n",
       "records/roles/b.yaml": "start: 2026-02-01\nend: 2026-12-31\n",
       "records/roles/c.yaml": "start: 2026-03-01\nend: 2026-12-31\n",
       "records/people/gone.yaml": None,
       "records/interactions/2027/i-new.yaml": "date: 2027-01-05\n"}


class Crash(BaseException):
    """Stands for SIGKILL or a power cut: nothing in the process gets to run afterwards."""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for rel, text in OLD.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def leftovers(root: Path) -> list[str]:
    """Temporary files and backups anywhere (the staging folder included)."""
    return [p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.name.endswith((atomic.NEW_SUFFIX, atomic.OLD_SUFFIX))]


def change(root: Path) -> dict[Path, str | None]:
    return {root / rel: text for rel, text in NEW.items()}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under the root except the journal's folder, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "build"}


def old_state() -> dict[str, bytes]:
    return {rel: text.encode() for rel, text in OLD.items()}


def new_state() -> dict[str, bytes]:
    return {rel: text.encode() for rel, text in NEW.items() if text is not None}


def replace_failing(monkeypatch, error: BaseException, after: int = 1):
    """os.replace that moves `after` record files into place, then raises `error`. The
    journal's own renames pass, so the failure falls in the middle of the commit."""
    real, moved = os.replace, []

    def fake(src, dst, *args, **kwargs):
        if str(src).endswith(atomic.NEW_SUFFIX) and "build" not in Path(dst).parts:
            if len(moved) == after:
                raise error
            moved.append(dst)
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", fake)
    return moved


def interrupted(root: Path, monkeypatch, error: BaseException, after: int) -> list:
    """The example change, interrupted by `error` after `after` files were moved into place."""
    with monkeypatch.context() as patch:
        moved = replace_failing(patch, error, after)
        with pytest.raises(type(error)):
            write_files(root, change(root))
    assert len(moved) == after
    return moved


def test_writes_deletes_and_creates_as_one_change(root):
    written = write_files(root, change(root))
    assert written == sorted(NEW)
    assert snapshot(root) == new_state()
    assert not (root / atomic.JOURNAL).exists()
    assert not (root / "records/people").exists() or not any((root / "records/people").iterdir())


def test_paths_may_be_relative_to_the_root(root):
    write_files(root, {Path("records/roles/a.yaml"): "x: 1\n"})
    assert (root / "records/roles/a.yaml").read_text() == "x: 1\n"


def test_a_failed_commit_after_the_first_rename_leaves_every_file_old(root, monkeypatch):
    with pytest.raises(AtomicError, match="No space left on device"):
        with monkeypatch.context() as patch:
            replace_failing(patch, OSError(28, "No space left on device"), after=1)
            write_files(root, change(root))
    assert snapshot(root) == old_state()
    assert not (root / "records/interactions").exists()  # the folder it made is gone again
    assert not (root / atomic.JOURNAL).exists()


def test_ctrl_c_during_the_commit_is_rolled_back_at_once(root, monkeypatch):
    interrupted(root, monkeypatch, KeyboardInterrupt(), after=2)
    assert snapshot(root) == old_state()
    assert not (root / atomic.JOURNAL).exists()


def test_a_crash_leaves_the_journal_and_recover_restores_every_old_file(root, monkeypatch):
    interrupted(root, monkeypatch, Crash(), after=2)
    assert snapshot(root) != old_state()  # half-done: the state the journal is for
    journal = (root / atomic.JOURNAL).read_text()
    assert json.loads(journal)["phase"] == atomic.COMMITTING
    assert "end: 2026-12-31" not in journal and "Weg" not in journal  # names files, never content
    assert pending(root) == sorted(NEW)
    assert snapshot(root) != old_state()  # pending() changed nothing
    assert recover(root) == sorted(NEW)
    assert snapshot(root) == old_state()
    assert not (root / "records/interactions").exists()
    assert not (root / atomic.JOURNAL).exists()
    assert recover(root) == [] and pending(root) == []


def test_the_next_change_recovers_first(root, monkeypatch):
    interrupted(root, monkeypatch, Crash(), after=1)
    write_files(root, {root / "records/roles/b.yaml": "other: change\n"})
    expected = old_state()
    expected["records/roles/b.yaml"] = b"other: change\n"
    assert snapshot(root) == expected  # a.yaml, made new by the crashed change, is old again


def test_a_reader_sees_old_or_new_bytes_of_each_file_at_every_step(root, monkeypatch):
    real, seen = os.replace, []
    allowed = {rel: {OLD.get(rel, "").encode() if rel in OLD else None,
                     NEW[rel].encode() if NEW[rel] is not None else None} for rel in NEW}

    def watching(src, dst, *args, **kwargs):
        for rel, choices in allowed.items():
            path = root / rel
            seen.append(path.read_bytes() if path.exists() else None)
            assert seen[-1] in choices, rel
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", watching)
    write_files(root, change(root))
    assert len(seen) > len(allowed)


def test_a_failure_while_staging_leaves_no_temporary_file(root, monkeypatch):
    real, calls = os.link, []

    def failing(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 2:  # temporary files and one backup exist by now
            raise OSError(5, "Input/output error")
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "link", failing)
    with pytest.raises(AtomicError, match="Input/output error"):
        write_files(root, change(root))
    monkeypatch.undo()
    assert snapshot(root) == old_state()
    assert leftovers(root) == []
    assert not (root / atomic.JOURNAL).exists()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name an open file")
def test_a_failed_fsync_of_a_temporary_file_leaves_nothing_behind(root, monkeypatch):
    real = os.fsync
    written = []

    def failing(fd):
        name = os.readlink(f"/proc/self/fd/{fd}")
        if name.endswith(atomic.NEW_SUFFIX) and "/crmtool-change/" in name:
            written.append(name)
            if len(written) == 2:
                raise OSError(28, "No space left on device")
        return real(fd)
    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(AtomicError, match="No space left on device"):
        write_files(root, change(root))
    monkeypatch.undo()
    assert snapshot(root) == old_state()
    assert leftovers(root) == []
    assert not (root / "records/interactions").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_fails_while_staging(root):
    folder = root / "records/roles"
    folder.chmod(0o555)
    try:
        with pytest.raises(AtomicError, match="Permission denied"):
            write_files(root, change(root))
    finally:
        folder.chmod(0o755)
    assert snapshot(root) == old_state()
    assert leftovers(root) == []


def test_a_crash_while_staging_is_cleaned_up_without_restoring(root):
    """A journal in the staging phase: the temporary files are removed, the records were
    never touched."""
    entry = atomic._Entry("records/roles/a.yaml", "records/roles/.a.yaml.x.crmtool-new",
                          "records/roles/.a.yaml.x.crmtool-old")
    (root / "build").mkdir()
    (root / entry.new).write_text("half")
    os.link(root / entry.path, root / entry.old)
    atomic._write_journal(root, atomic._Journal(atomic.STAGING, [entry]))
    assert pending(root) == []
    assert recover(root) == []
    assert snapshot(root) == old_state()
    assert not (root / atomic.JOURNAL).exists()


def test_permissions_are_kept(root):
    (root / "records/roles/a.yaml").chmod(0o640)
    write_files(root, {root / "records/roles/a.yaml": "x: 1\n"})
    assert stat.S_IMODE((root / "records/roles/a.yaml").stat().st_mode) == 0o640


@pytest.mark.parametrize("target, message", [
    ("../outside.yaml", "outside the repository"),
    ("records/roles/missing.yaml", "no such file"),
])
def test_bad_changes_are_refused_before_anything_is_written(root, target, message):
    with pytest.raises(AtomicError, match=message):
        write_files(root, {root / "records/roles/a.yaml": "x: 1\n", root / target: None})
    assert snapshot(root) == old_state()


def test_a_link_is_not_replaced(root):
    (root / "records/roles/link.yaml").symlink_to(root / "records/roles/a.yaml")
    with pytest.raises(AtomicError, match="not a regular file"):
        write_files(root, {root / "records/roles/link.yaml": "x: 1\n"})


def test_a_second_writer_gives_up_when_the_first_never_finishes(root, monkeypatch):
    monkeypatch.setattr(atomic, "LOCK_TRIES", 2)
    monkeypatch.setattr(atomic, "LOCK_WAIT", 0)
    (root / "build").mkdir()
    holder = os.open(root / atomic.LOCK, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with pytest.raises(AtomicError, match="another crmtool command"):
            write_files(root, change(root))
    finally:
        os.close(holder)
    assert snapshot(root) == old_state()


def test_a_second_writer_waits_for_the_first(root):
    """The lock is waited for, not refused: concurrent writers serialise."""
    (root / "build").mkdir()
    holder = os.open(root / atomic.LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    released = threading.Event()

    def release():
        released.set()
        os.close(holder)
    waiting = threading.Thread(target=lambda: (write_files(root, change(root))))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and snapshot(root) == old_state()  # still waiting
    release()
    waiting.join()
    assert snapshot(root) == new_state()


def test_the_lock_is_reentrant_for_a_whole_read_modify_write(root):
    with atomic.changing(root) as recovered:
        assert recovered == []
        text = (root / "records/roles/a.yaml").read_text()
        write_files(root, {root / "records/roles/a.yaml": text + "end: 2026-12-31\n"})
        assert atomic.interrupted(root) is None
    assert (root / "records/roles/a.yaml").read_text().endswith("end: 2026-12-31\n")


def test_serialised_locks_only_what_writes(root, monkeypatch):
    seen = []

    class Repo:
        pass
    repo = Repo()
    repo.root = root

    @atomic.serialised()
    def writer(repo, *, dry_run=False):
        seen.append(atomic._busy(root.resolve()))
    writer(repo)
    writer(repo, dry_run=True)
    assert seen == [True, False]


def test_nothing_is_ever_written_beside_the_records(root, monkeypatch):
    """Temporary files and backups live in build/crmtool-change/, never in records/: a
    backup beside the records would be committed by `git add -A`."""
    real, seen = os.replace, []

    def watching(src, dst, *args, **kwargs):
        seen.append([p for p in leftovers(root) if not p.startswith("build/")])
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", watching)
    write_files(root, change(root))
    assert seen and all(found == [] for found in seen)


def test_a_crash_leaves_backups_only_under_build(root, monkeypatch):
    interrupted(root, monkeypatch, Crash(), after=2)
    assert leftovers(root) and all(p.startswith(atomic.STAGE + "/") for p in leftovers(root))
    journal = json.loads((root / atomic.JOURNAL).read_text())
    names = [n for e in journal["entries"] for n in (e["new"], e["old"]) if n]
    assert names and all(n.startswith(atomic.STAGE + "/") for n in names)
    assert not any("gone" in n or "a.yaml" in n for n in names)  # no record's name repeated


def test_an_interrupted_change_is_visible_until_it_is_resolved(root, monkeypatch):
    assert atomic.interrupted(root) is None
    interrupted(root, monkeypatch, Crash(), after=2)
    found = atomic.interrupted(root)
    assert found is not None and found.phase == atomic.COMMITTING and found.paths == sorted(NEW)
    with atomic.changing(root) as recovered:  # a writer resolves it first
        assert recovered == sorted(NEW)
    assert atomic.interrupted(root) is None and snapshot(root) == old_state()


def test_an_interrupted_change_is_not_reported_while_its_writer_holds_the_lock(root, monkeypatch):
    interrupted(root, monkeypatch, Crash(), after=1)
    holder = os.open(root / atomic.LOCK, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert atomic.interrupted(root) is None  # still running, not interrupted
    finally:
        os.close(holder)
    assert atomic.interrupted(root) is not None


def test_finish_completes_an_interrupted_commit(root, monkeypatch):
    interrupted(root, monkeypatch, Crash(), after=2)
    assert atomic.finish(root) == sorted(NEW)
    assert snapshot(root) == new_state()
    assert leftovers(root) == [] and not (root / atomic.JOURNAL).exists()
    assert atomic.finish(root) == [] and atomic.interrupted(root) is None


def test_finish_of_a_change_that_was_still_staging_changes_no_record(root):
    entry = atomic._Entry("records/roles/a.yaml", f"{atomic.STAGE}/x-0.crmtool-new", f"{atomic.STAGE}/x-0.crmtool-old")
    (root / atomic.STAGE).mkdir(parents=True)
    (root / entry.new).write_text("ha")
    atomic._write_journal(root, atomic._Journal(atomic.STAGING, [entry]))
    assert atomic.finish(root) == []
    assert snapshot(root) == old_state() and leftovers(root) == []


def test_an_unreadable_journal_is_interrupted_with_its_problem(root):
    (root / "build").mkdir()
    (root / atomic.JOURNAL).write_text("{not json")
    found = atomic.interrupted(root)
    assert found is not None and found.phase is None and "cannot be read" in found.problem


def test_a_journal_entry_naming_neither_a_new_file_nor_a_backup_is_unreadable(root):
    """crmtool never writes such an entry; a damaged journal that has one is refused
    (AtomicError), not followed into a TypeError while rolling back."""
    (root / "build").mkdir()
    entry = {"path": "records/roles/a.yaml", "new": None, "old": None}
    (root / atomic.JOURNAL).write_text(json.dumps({"version": 2, "phase": atomic.COMMITTING, "entries": [entry]}))
    with pytest.raises(AtomicError, match="cannot be read"):
        recover(root)
    assert snapshot(root) == old_state() and (root / atomic.JOURNAL).exists()


@pytest.mark.parametrize("entry, folders", [
    ({"path": "records/roles/a.yaml", "new": 5, "old": None}, []),
    ({"path": ["records"], "new": "build/crmtool-change/a.new", "old": None}, []),
    ({"path": "records/roles/a.yaml", "new": "build/crmtool-change/a.new", "old": None}, [7]),
])
def test_a_journal_naming_files_by_anything_but_text_is_unreadable(root, entry, folders):
    """A damaged journal with a number or a list where a file name belongs is refused, not
    followed into a TypeError."""
    (root / "build").mkdir()
    (root / atomic.JOURNAL).write_text(json.dumps({"version": 2, "phase": atomic.COMMITTING, "entries": [entry],
                                                   "folders": folders}))
    with pytest.raises(AtomicError, match="cannot be read"):
        recover(root)
    assert snapshot(root) == old_state() and (root / atomic.JOURNAL).exists()


def test_staging_on_another_file_system_is_refused_before_anything_is_written(root, monkeypatch):
    real = os.stat

    def other_device(path, *args, **kwargs):
        result = real(path, *args, **kwargs)
        if Path(path).as_posix().endswith(atomic.STAGE):
            return os.stat_result((result.st_mode, result.st_ino, result.st_dev + 1, *tuple(result)[3:]))
        return result
    monkeypatch.setattr(os, "stat", other_device)
    with pytest.raises(AtomicError, match="another file system"):
        write_files(root, change(root))
    monkeypatch.undo()
    assert snapshot(root) == old_state() and not (root / atomic.JOURNAL).exists()
