"""The index learns what changed from git (`git/status.py`) instead of stat'ing every file:
after every kind of change the index it brings up to date equals a whole build, it looks at
no file when nothing changed, an edit that keeps a file's size and modification time is still
seen (tracked, untracked and ignored files alike), a commit or checkout makes it look at
everything, and a root inside a larger git repository or a damaged memory change nothing."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from crmtool.index.build import build_index
from crmtool.load.repo import Repository

from .conftest import PROJECT, git
from .test_index import dump, whole

ROLE = "records/roles/r-lelystad-wethouder-2026-a.yaml"
PERSON = "records/people/p-r5epc6.yaml"


def make(root: Path) -> Repository:
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    (root / ".gitignore").write_text("build/\nrecords/people/*-local.yaml\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Records")
    settle(root)
    return Repository(root)


def settle(root: Path) -> None:
    """Wait (a second at most) until the file system's clock is past the second git wrote its
    index: a test works faster than a second, and a view taken in that second is not a base
    (racy git). The clock is read from a touched file, as the index reads it."""
    index = Path(git(root, "rev-parse", "--absolute-git-dir").strip()) / "index"
    clock_past(root.parent / f".{root.name}.clock", index.stat().st_mtime_ns // 1_000_000_000)


def clock_past(stamp: Path, second: int) -> None:
    """Wait until the file system's clock, read from `stamp` (touched), is past `second`."""
    while True:
        stamp.touch()
        os.utime(stamp)
        if stamp.stat().st_mtime_ns // 1_000_000_000 > second:
            return
        time.sleep(0.05)


def date_index_ahead(root: Path, seconds: int) -> None:
    """As if git wrote its index `seconds` from now."""
    index = Path(git(root, "rev-parse", "--absolute-git-dir").strip()) / "index"
    when = index.stat().st_mtime_ns + seconds * 1_000_000_000
    os.utime(index, ns=(when, when))


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return make(tmp_path / "repo")


def quick(repo: Repository, scans: list[int]):
    """A build that must take git's word: it may not walk the folders."""
    before = len(scans)
    result = build_index(repo)
    assert len(scans) == before, "the index walked every folder"
    return result


def same_size_and_time(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` (same length) and set the modification time back: only the
    change time (and git's view) can tell."""
    assert len(old) == len(new)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def test_nothing_changed_looks_at_no_file(repo, scans):
    build_index(repo)
    assert len(scans) == 1
    again = build_index(repo)
    assert (again.read, again.removed, len(scans)) == (0, 0, 1)


def test_every_kind_of_change_is_seen_without_a_scan_and_equals_a_whole_build(repo, tmp_path, scans):
    root = repo.root
    build_index(repo)
    same_size_and_time(root / ROLE, "portfolio: [milieu]", "portfolio: [wonen_]")
    result = quick(repo, scans)
    assert (result.read, result.removed) == (1, 0)
    assert dump(result.path) == whole(repo, tmp_path)

    new = root / "records/people/p-zz9new.yaml"  # untracked
    new.write_text((root / PERSON).read_text(encoding="utf-8").replace("Teun", "Tijn"), encoding="utf-8")
    (root / "records/people/p-k65rea.yaml").unlink()  # tracked, deleted
    result = quick(repo, scans)
    assert (result.read, result.removed) == (1, 1)
    same_size_and_time(new, "Tijn", "Toon")  # an untracked file edited in place
    assert quick(repo, scans).read == 1
    local = root / "records/people/p-zz8loc-local.yaml"  # ignored by .gitignore, still a record
    local.write_text((root / PERSON).read_text(encoding="utf-8").replace("Teun", "Lars"), encoding="utf-8")
    assert quick(repo, scans).read == 1
    same_size_and_time(local, "Lars", "Luuk")
    assert quick(repo, scans).read == 1
    (root / ROLE).write_text(git(root, "show", f"HEAD:{ROLE}"), encoding="utf-8")  # back to git's bytes
    looked = len(scans)
    result = build_index(repo)  # git no longer lists it, and which path left is not kept: a whole look
    assert result.read == 1 and len(scans) == looked + 1
    assert dump(result.path) == whole(repo, tmp_path)
    db = sqlite3.connect(result.path)
    assert db.execute("SELECT count(*) FROM people WHERE name LIKE 'Luuk%'").fetchone() == (1,)
    assert quick(repo, scans).read == 0


def test_a_commit_or_checkout_looks_at_everything(repo, tmp_path, scans):
    root = repo.root
    build_index(repo)
    (root / PERSON).write_text((root / PERSON).read_text(encoding="utf-8") + "tags: [committed]\n", encoding="utf-8")
    git(root, "commit", "-qam", "A tag")
    settle(root)
    result = build_index(repo)
    assert result.read == 1 and len(scans) == 2
    git(root, "checkout", "-q", "HEAD~1")
    settle(root)
    result = build_index(repo)
    assert result.read == 1 and len(scans) == 3
    assert dump(result.path) == whole(repo, tmp_path)


def test_links_are_left_out_on_every_build(repo):
    link = repo.root / "records/people/p-link01.yaml"
    link.symlink_to(repo.root / PERSON)
    skipped = [("records/people/p-link01.yaml", "not a regular file: a link, a pipe or a folder; never read")]
    assert build_index(repo).skipped == skipped
    assert build_index(repo).skipped == skipped  # the quick way says the same
    link.unlink()
    assert build_index(repo).skipped == []


def test_a_root_inside_a_larger_repository(tmp_path, scans):
    outer = tmp_path / "outer"
    outer.mkdir()
    repo = make(outer / "crm")  # its own files, then the outer repository takes them over
    shutil.rmtree(repo.root / ".git")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-qm", "All")
    settle(outer)
    build_index(repo)
    same_size_and_time(repo.root / ROLE, "portfolio: [milieu]", "portfolio: [wonen_]")
    result = quick(repo, scans)
    assert result.read == 1
    assert dump(result.path) == whole(repo, tmp_path)


def test_a_damaged_memory_falls_back_to_a_scan(repo, tmp_path, scans):
    result = build_index(repo)
    db = sqlite3.connect(result.path)
    db.execute("UPDATE meta SET value = '{not json' WHERE key = 'worktree'")
    db.commit()
    db.close()
    (repo.root / PERSON).write_text((repo.root / PERSON).read_text(encoding="utf-8") + "tags: [x]\n",
                                    encoding="utf-8")
    result = build_index(repo)
    assert result.read == 1 and len(scans) == 2
    assert dump(result.path) == whole(repo, tmp_path)


def test_a_view_taken_in_the_second_git_wrote_its_index_is_not_a_base(repo, tmp_path, scans):
    """Git compares times in whole seconds: an edit keeping size and modification time in the
    same second as the file's recorded change time is invisible to it. Such an edit can only
    happen in or before the second git wrote its index, so a view taken then is never trusted."""
    date_index_ahead(repo.root, 5)  # git wrote its index "now" as far as the next builds can tell
    build_index(repo)
    same_size_and_time(repo.root / ROLE, "portfolio: [milieu]", "portfolio: [wonen_]")
    result = build_index(repo)
    assert result.read == 1 and len(scans) == 2  # looked at everything, and saw the edit
    assert dump(result.path) == whole(repo, tmp_path)


def test_the_index_keeps_no_path_git_listed(repo):
    """A deleted person's file is listed by git until the deletion is committed; the index
    keeps git's view with hashed paths, so the id is not left behind (verify-erased reads it)."""
    build_index(repo)
    (repo.root / PERSON).unlink()
    result = build_index(repo)
    assert result.removed == 1
    db = sqlite3.connect(result.path)
    [(kept,)] = db.execute("SELECT value FROM meta WHERE key = 'worktree'").fetchall()
    assert "p-r5epc6" not in kept
    assert hashlib.sha256(PERSON.encode()).hexdigest() in kept  # listed as deleted, by its hash


def test_many_paths_git_does_not_vouch_for_mean_the_old_way(repo, scans, monkeypatch):
    """Records never committed (or a large import not yet added): git's view would stat and
    keep every one of them, so the index looks at everything itself, as without git."""
    from crmtool.git import status
    monkeypatch.setattr(status, "MOST_LISTED", 2)
    for n in range(3):
        (repo.root / f"records/people/p-zz{n}new.yaml").write_text(
            (repo.root / PERSON).read_text(encoding="utf-8"), encoding="utf-8")
    build_index(repo)
    looked = len(scans)
    assert build_index(repo).read == 0 and len(scans) == looked + 1


def past_change_of(path: Path) -> None:
    """Wait (a second at most) until the file system's clock is in a later second than `path`
    last changed: only then does a view trust that folder's times (`status._none_untracked`)."""
    outside = Path(git(path, "rev-parse", "--show-toplevel").strip()).parent  # a stamp in the tree would change it
    clock_past(outside / ".folder.clock", path.stat().st_ctime_ns // 1_000_000_000)


def test_no_untracked_file_then_none_is_listed_until_a_folder_changes(repo, tmp_path, scans, asked):
    """Listing untracked files is half of what `git status` costs. After a walk that found
    none, git is asked about tracked files only, as long as no folder the walk looked into
    changed (a file made in an empty year folder of interactions too), and the index still
    equals a whole build after each step."""
    root = repo.root
    year = root / "records/interactions/2031"
    year.mkdir()  # an empty folder a walk looks into: a file made in it changes only its times
    past_change_of(year)
    build_index(repo)  # whole: walks, and knows every folder
    assert "--untracked-files=all" in asked[-1]
    assert quick(repo, scans).read == 0
    assert "--untracked-files=no" in asked[-1]

    model = sorted((root / "records/interactions/2026").glob("*.yaml"))[0]
    new = year / "i-2031-01-05-zz.yaml"  # untracked, in a folder whose parent did not change
    new.write_text(model.read_text(encoding="utf-8"), encoding="utf-8")
    result = build_index(repo)
    assert "--untracked-files=all" in asked[-1] and result.read == 1
    assert dump(result.path) == whole(repo, tmp_path)
    build_index(repo)
    assert "--untracked-files=all" in asked[-1]  # git listed one untracked file: it must go on asking
    new.unlink()
    past_change_of(year)
    build_index(repo)
    result = build_index(repo)
    assert "--untracked-files=no" in asked[-1] and result.read == 0

    same_size_and_time(root / ROLE, "portfolio: [milieu]", "portfolio: [wonen_]")  # tracked: git sees it either way
    result = build_index(repo)
    assert "--untracked-files=no" in asked[-1] and result.read == 1
    assert dump(result.path) == whole(repo, tmp_path)


def test_a_folder_changed_in_the_second_it_was_seen_is_not_trusted(repo, scans, asked):
    """Two changes to a folder within one tick of the clock can leave its times the same, so
    a folder that changed in the second a view was taken never vouches for having no new file."""
    root = repo.root
    (root / "records/people/p-zz7new.yaml").write_text("name: {given: Ann, family: Nieuw}\n", encoding="utf-8")
    (root / "records/people/p-zz7new.yaml").unlink()  # the folder changed just now
    build_index(repo)
    build_index(repo)
    assert "--untracked-files=all" in asked[-1]
