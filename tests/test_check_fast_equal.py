"""The cold check's shorter road gives the same findings and the same cache as the long one.

Three things changed on the per-file phase's road (`check/files.py`, `check/run.py`,
`load/reader.py`, `load/document.py`), and each is held to what it replaced here:

- files are read with the last folder kept open (`FolderReader`): the same bytes, or the same
  refusal, as `read_regular` for every kind of file and every trick on the way;
- a file the cache has not seen is named (blob hash, stat key) from the bytes read instead of
  by `file_hashes` before reading: the cache rows are the ones `file_hashes` would have keyed,
  and a warm check, a check after every file was touched (named from git's index) and a check
  without cache all find the same;
- the loader (tests/test_loader_equal.py compares documents): the whole check with the loader
  of before (tests/loader_reference.py) finds the same as with the loader of now.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest

from crmtool.check import files as check_files
from crmtool.check.run import run_check
from crmtool.demo import generate
from crmtool.git.blobs import blob_hash, file_hashes
from crmtool.load import pool
from crmtool.load.cache import CACHE_FILE, stat_key
from crmtool.load.reader import FolderReader
from crmtool.load.repo import NotRegularFile, Repository, read_regular
from crmtool.rules import base as rules_base

from . import loader_reference as reference
from .conftest import PROJECT, TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo repository in git, with a few broken files of every scope."""
    root = tmp_path_factory.mktemp("fast") / "demo"
    generate(root, 120, 5, TODAY)
    people = sorted((root / "records" / "people").glob("*.yaml"))
    people[0].write_text(people[0].read_text(encoding="utf-8") + "phone: yes\nextra: 0612\n", encoding="utf-8")
    people[1].write_text("name: {given: Test\n", encoding="utf-8")
    people[2].write_bytes(b"a: 1\na: 2\nb: &x [1]\nc: *x\nd: !x 3\n")
    (root / "records" / "roles" / sorted(os.listdir(root / "records" / "roles"))[0]).unlink()
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, capture_output=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "broken"],
                   cwd=root, check=True, capture_output=True)
    return root


def _rows(root) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(root / CACHE_FILE) as db:
        return {path: (blob, stat) for path, blob, stat in db.execute("SELECT path, blob, stat FROM files")}


def test_a_cold_check_finds_and_caches_what_the_long_road_did(demo, monkeypatch):
    monkeypatch.setenv("CRMTOOL_JOBS", "2")
    monkeypatch.setattr(pool, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pool, "CHUNK", 37)
    repo = Repository(demo)
    shutil.rmtree(demo / "build", ignore_errors=True)
    uncached = run_check(repo, TODAY, use_cache=False)
    assert {f.rule[0] for f in uncached.findings} >= {"Y", "S", "R"}

    cold = run_check(repo, TODAY)
    assert cold.findings == uncached.findings and cold.summary == uncached.summary
    rows = _rows(demo)
    paths = [f.path for f in repo.scan()[0]]
    assert sorted(rows) == sorted(paths)
    # what file_hashes, before reading, would have named each file by (here: git's index)
    hashes, stats = file_hashes(demo, paths)
    assert rows == {path: (hashes[path], stats[path]) for path in paths}
    for path in paths:
        raw = (demo / path).read_bytes()
        assert rows[path] == (blob_hash(raw), stat_key(os.lstat(demo / path)))

    warm = run_check(repo, TODAY)
    assert warm.findings == uncached.findings

    for path in paths:  # every stat key changes: named from git's index, taken from the cache
        os.utime(demo / path, ns=(1_000_000_000, 1_000_000_000))
    touched = run_check(repo, TODAY, keep_model=True)
    assert touched.findings == uncached.findings
    assert {path: blob for path, (blob, _stat) in _rows(demo).items()} == {p: rows[p][0] for p in paths}


def test_the_whole_check_finds_the_same_with_the_loader_of_before(demo, monkeypatch):
    monkeypatch.setenv("CRMTOOL_JOBS", "1")
    repo = Repository(demo)
    now = run_check(repo, TODAY, use_cache=False)
    monkeypatch.setattr(check_files, "load_document", reference.load_document)
    monkeypatch.setattr(rules_base, "load_document", reference.load_document)
    before = run_check(repo, TODAY, use_cache=False)
    assert {"Y002", "Y003", "Y004", "S001"} <= {f.rule for f in now.findings}
    assert now.findings == before.findings


def test_every_shipped_record_checks_the_same_with_the_loader_of_before(tmp_path, monkeypatch):
    for example in [PROJECT, *sorted(p for p in (PROJECT / "examples").iterdir() if (p / "records").is_dir())]:
        root = tmp_path / example.name
        shutil.copytree(example / "records", root / "records")
        shutil.copy(example / "crmtool.yaml", root / "crmtool.yaml")
        now = run_check(Repository(root), TODAY, use_cache=False)
        with monkeypatch.context() as patched:
            patched.setattr(check_files, "load_document", reference.load_document)
            patched.setattr(rules_base, "load_document", reference.load_document)
            before = run_check(Repository(root), TODAY, use_cache=False)
        assert now.findings == before.findings, example


def _outcome(read, root, rel):
    try:
        return ("bytes", read(root, rel))
    except NotRegularFile as refused:
        return ("refused", refused.kind, refused.path)
    except OSError as error:
        return ("error", type(error).__name__, error.errno)


def test_the_folder_reader_reads_and_refuses_as_read_regular(tmp_path):
    root = tmp_path / "repo"
    people = root / "records" / "people"
    people.mkdir(parents=True)
    (people / "a.yaml").write_bytes(b"name: a\n")
    (people / "b.yaml").write_bytes(b"")
    (people / "big.yaml").write_bytes(b"x" * (3 << 20))
    (people / "folder.yaml").mkdir()
    os.mkfifo(people / "pipe.yaml")
    (tmp_path / "secret").write_bytes(b"secret\n")
    os.symlink(tmp_path / "secret", people / "link.yaml")
    os.symlink("a.yaml", people / "relative.yaml")
    (root / "records" / "roles").mkdir()
    (root / "records" / "roles" / "r.yaml").write_bytes(b"role: r\n")
    os.symlink(people, root / "records" / "linked")
    (root / "records" / "file").write_bytes(b"not a folder\n")
    unreadable = people / "locked.yaml"
    unreadable.write_bytes(b"locked\n")
    unreadable.chmod(0)
    names = ["records/people/a.yaml", "records/people/b.yaml", "records/people/big.yaml",
             "records/people/folder.yaml", "records/people/pipe.yaml", "records/people/link.yaml",
             "records/people/relative.yaml", "records/people/missing.yaml", "records/roles/r.yaml",
             "records/people/a.yaml", "records/linked/a.yaml", "records/file/a.yaml", "records/people/../people/a.yaml",
             "records/people/.", "records/people/..", "records/people/", "records//people/a.yaml", "a.yaml",
             "records/people/locked.yaml", "records/missing/a.yaml", "records/people/a.yaml"]
    reader = FolderReader(root)
    for rel in names:
        mine = _outcome(lambda _root, path: reader.read(path)[0], root, rel)
        assert mine == _outcome(read_regular, root, rel), rel
    reader.close()
    raw, stat = FolderReader(root).read("records/people/a.yaml")
    assert raw == b"name: a\n" and stat is not None
    assert stat_key(stat) == stat_key(os.lstat(people / "a.yaml"))


def test_a_folder_swapped_for_a_link_while_open_is_not_followed(tmp_path):
    root = tmp_path / "repo"
    people = root / "records" / "people"
    people.mkdir(parents=True)
    (people / "a.yaml").write_bytes(b"name: a\n")
    (people / "b.yaml").write_bytes(b"name: b\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.yaml").write_bytes(b"secret\n")
    with FolderReader(root) as reader:
        assert reader.read("records/people/a.yaml")[0] == b"name: a\n"
        people.rename(root / "records" / "moved")
        os.symlink(elsewhere, people)
        raw, _stat = reader.read("records/people/b.yaml")
        assert raw == b"name: b\n"  # the folder that was opened, never the link's target
    assert reader.fd == -1
