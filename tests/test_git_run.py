"""The one git runner (crmtool/git/run.py): its four shapes, git missing, and a folder outside git."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.git.run import GitError, cat_file_all, checked, in_repository, run, run_bytes, stream
from crmtool.rules.p021_identifying_commit import commits_to_check

from .conftest import PROJECT, git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "records" / "people").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "records" / "people" / "p-a.yaml").write_text("name: {given: A, family: B}\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add a person")
    return root


@pytest.fixture
def no_git(tmp_path: Path, monkeypatch) -> None:
    """A PATH on which there is no git executable."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_run_gives_text_from_a_subfolder(repo: Path) -> None:
    assert run(repo / "records", "ls-files") == "people/p-a.yaml\n"  # git's own newline kept
    assert run(repo, "rev-parse", "--verify", "-q", "no-such-branch") is None


def test_outside_git_every_answer_is_none(tmp_path: Path, monkeypatch) -> None:
    """Even for `git config`, which git answers outside a repository from the global settings."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\temail = someone@example.invalid\n")
    monkeypatch.setenv("HOME", str(home))
    outside = tmp_path / "plain"
    outside.mkdir()
    assert subprocess.run(["git", "-C", str(outside), "config", "user.email"],
                          capture_output=True, text=True).stdout.strip() == "someone@example.invalid"
    assert not in_repository(outside)
    assert run(outside, "config", "user.email") is None
    assert run(tmp_path / "gone", "rev-parse", "HEAD") is None
    assert run_bytes(outside, "ls-files") is None
    assert commits_to_check(outside, "HEAD") == []


def test_a_linked_work_tree_and_a_bare_repository_are_repositories(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", str(tmp_path / "linked"))
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    assert in_repository(tmp_path / "linked" / "records")
    assert run(tmp_path / "linked", "ls-files") == "records/people/p-a.yaml\n"
    assert in_repository(bare) and run(bare, "rev-parse", "--is-bare-repository") == "true\n"


def test_git_missing(repo: Path, no_git: None) -> None:
    assert run(repo, "status") is None
    assert run_bytes(repo, "cat-file", "--batch", stdin=b"HEAD\n") is None
    with pytest.raises(GitError):
        checked(repo, "status")
    with pytest.raises(GitError):
        with stream(repo, "log"):
            pass
    assert commits_to_check(repo, "HEAD~1") == []


def test_checked_carries_gits_stderr(repo: Path) -> None:
    head = run(repo, "rev-parse", "HEAD")
    assert head is not None and checked(repo, "rev-parse", "HEAD") == head
    with pytest.raises(GitError) as raised:
        checked(repo, "cat-file", "-p", "no-such-object")
    assert raised.value.command == "cat-file"
    assert "no-such-object" in raised.value.stderr and not raised.value.stderr.endswith("\n")


def test_checked_adds_to_the_environment(repo: Path) -> None:
    (repo / "records" / "people" / "p-a.yaml").write_text("name: {given: A, family: C}\n")
    env = {"GIT_AUTHOR_NAME": "Runner", "GIT_AUTHOR_EMAIL": "runner@example.invalid",
           "GIT_COMMITTER_NAME": "Runner", "GIT_COMMITTER_EMAIL": "runner@example.invalid"}
    checked(repo, "commit", "-q", "-am", "Change a person", env=env)
    assert run(repo, "log", "-1", "--format=%an %ce") == "Runner runner@example.invalid\n"


def test_run_bytes_reads_stdin_and_keeps_bytes(repo: Path) -> None:
    sha = checked(repo, "rev-parse", "HEAD:records/people/p-a.yaml").strip()
    output = run_bytes(repo, "cat-file", "--batch", stdin=f"{sha}\n".encode())
    assert output == f"{sha} blob 28\n".encode() + b"name: {given: A, family: B}\n\n"


def test_a_name_that_is_not_utf8_comes_through_intact(repo: Path) -> None:
    name = b"records/people/p-\xe9.yaml"
    with open(os.fsencode(repo) + b"/" + name, "wb") as handle:
        handle.write(b"x: 1\n")
    git(repo, "add", "-A")
    listing = run(repo, "-c", "core.quotePath=false", "ls-files", "-z")
    assert listing is not None and name in [p.encode("utf-8", "surrogateescape") for p in listing.split("\0")]


def test_every_object_is_streamed_once(repo: Path) -> None:
    objects = list(cat_file_all(repo))
    kinds = sorted(kind for _sha, kind, _data in objects)
    assert kinds == ["blob", "commit", "tree", "tree", "tree"]
    blob = next(data for _sha, kind, data in objects if kind == "blob")
    assert blob == b"name: {given: A, family: B}\n"


def test_a_reader_that_stops_early_leaves_no_git_behind(repo: Path) -> None:
    """The stream's end closes the pipe and waits for git, also when the reader stopped: were
    the pipe left open, waiting would never end."""
    for index in range(300):
        (repo / f"f{index}.txt").write_text(f"{index}\n" * 500)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Many files")
    with stream(repo, "cat-file", "--batch-all-objects", "--batch") as output:
        first = output.readline()
    assert first.split()[1] in (b"blob", b"commit", b"tree")  # and the block ended: git was not left
    # blocked on a full pipe (its output, over 600 kB, is far more than a pipe holds)

def test_demo_without_git_says_so(tmp_path: Path, no_git: None) -> None:
    """A real process: the exit code and the message are the contract."""
    done = subprocess.run([sys.executable, "-m", "crmtool", "demo", "--people", "3", "--seed", "1",
                           "--out", str(tmp_path / "demo")], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert done.returncode == 2
    assert "git could not commit them" in done.stderr and "install git or use --no-git" in done.stderr
    assert (tmp_path / "demo" / "records").is_dir() and not (tmp_path / "demo" / ".git").exists()
