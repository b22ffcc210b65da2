"""A warm `crmtool check` takes git's word that nothing changed (`git/status.py`): with the
same git index, no path git lists that it did not list before and no folder changed, it
returns the stored result without walking a folder. Every other case walks as before, and
the findings always equal those of a check without the cache — after an edit that keeps size
and modification time, a new file, a new pipe or folder (strays git does not list), a
removal, a commit, another day."""
from __future__ import annotations

import os
import sqlite3

import pytest

from crmtool.check.run import run_check
from crmtool.load.repo import Repository

from .conftest import TODAY, git
from .test_index_git import PERSON, ROLE, make, past_change_of, same_size_and_time, settle

DAY_AFTER = TODAY.replace(day=TODAY.day + 1)


@pytest.fixture
def repo(tmp_path) -> Repository:
    return make(tmp_path / "repo")


def same_as_uncached(repo: Repository, day=TODAY):
    warm = run_check(repo, day)
    cold = run_check(repo, day, use_cache=False)
    assert warm.findings == cold.findings and warm.files == cold.files
    return warm


def test_nothing_changed_walks_no_folder(repo, scans):
    first = run_check(repo, TODAY)
    walked = len(scans)
    again = run_check(repo, TODAY)
    assert len(scans) == walked  # the stored result, on git's word
    assert again.findings == first.findings and again.files == first.files


@pytest.mark.parametrize("change", ["same-size-edit", "new-file", "pipe", "empty-folder", "removal", "link"])
def test_every_change_walks_again_and_finds_what_an_uncached_check_finds(repo, scans, change):
    root = repo.root
    run_check(repo, TODAY)
    if change == "same-size-edit":
        same_size_and_time(root / ROLE, "portfolio: [milieu]", "portfolio: [wonen_]")
    elif change == "new-file":
        (root / "records/people/p-zz9new.yaml").write_text("name: {given: [broken\n", encoding="utf-8")
    elif change == "pipe":
        os.mkfifo(root / "records/people/p-pipe01.yaml")
    elif change == "empty-folder":
        (root / "records/people/nested").mkdir()
    elif change == "removal":
        (root / PERSON).unlink()
    else:
        (root / "records/people/p-link01.yaml").symlink_to(root / PERSON)
    walked = len(scans)
    result = same_as_uncached(repo)
    assert len(scans) > walked
    assert result.findings, "every change above makes a finding"


def test_a_commit_and_another_day_are_new_results(repo, scans):
    root = repo.root
    run_check(repo, TODAY)
    (root / PERSON).write_text((root / PERSON).read_text(encoding="utf-8") + "tags: [x]\n", encoding="utf-8")
    git(root, "commit", "-qam", "A tag")
    settle(root)
    same_as_uncached(repo)
    same_as_uncached(repo, DAY_AFTER)
    walked = len(scans)
    run_check(repo, DAY_AFTER)  # the day is in the key: the stored result of that day, no walk
    assert len(scans) == walked


def test_a_damaged_note_is_a_walk_not_a_wrong_answer(repo, scans):
    run_check(repo, TODAY)
    db = sqlite3.connect(repo.root / "build" / "check-cache.sqlite")
    db.execute("UPDATE notes SET value = replace(value, '\"files\": ', '\"files\": 1')")
    db.commit()
    db.close()
    walked = len(scans)
    same_as_uncached(repo)
    assert len(scans) > walked


def test_a_file_made_in_an_empty_folder_is_found_after_git_listed_tracked_files_only(repo, scans, asked):
    """Once a walk found no untracked file, git is asked about tracked files only; a record
    then made in an empty year folder changes no folder but that one, and is still checked."""
    root = repo.root
    year = root / "records/interactions/2031"
    year.mkdir()
    past_change_of(year)
    run_check(repo, TODAY)
    run_check(repo, TODAY)
    assert "--untracked-files=no" in asked[-1]
    walked = len(scans)
    (year / "i-2031-01-05-zz.yaml").write_text("date: [broken\n", encoding="utf-8")
    result = same_as_uncached(repo)
    assert len(scans) > walked and "--untracked-files=all" in asked[-1]  # the uncached check asks no git
    assert any(f.path == "records/interactions/2031/i-2031-01-05-zz.yaml" for f in result.findings)
