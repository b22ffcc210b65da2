"""A damaged or tampered check cache is detected row by row and never changes a finding.

The threat (docs/decisions.md, "The check cache's threat model"): `build/check-cache.sqlite`
comes from wherever `build/` came from, in CI from the Actions cache. Each test warms the
cache on a repository with a record that has a syntax error, damages a copy of the cache
file in one way, and demands the findings (and the exit status) of a cold run: every table
tampered with (findings emptied, content hashes changed, rows deleted, rows swapped between
files, the whole result replaced), and many single random bit flips (seeded), each on a
fresh copy.
"""
from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.load.cache import CACHE_FILE
from crmtool.check.run import run_check
from crmtool.load.repo import Repository

from .conftest import TODAY, git

BROKEN = "records/people/p-broken.yaml"
PERSON = "records/people/p-2n3qp7.yaml"


@pytest.fixture
def warm(example_git_repo: Repository, tmp_path: Path):
    """A repository with a syntax error, its cold findings, and a warm cache kept aside."""
    repo = example_git_repo
    (repo.root / BROKEN).write_text("name: {given: Test, family: [Broken\n", encoding="utf-8")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "A broken record")
    cold = run_check(repo, TODAY, use_cache=False)
    assert cold.exit_code == 1 and any(f.path == BROKEN and f.rule == "Y001" for f in cold.findings)
    assert run_check(repo, TODAY).findings == cold.findings  # fills the cache
    assert run_check(repo, TODAY).findings == cold.findings  # reads it
    cache = repo.root / CACHE_FILE
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{cache}{suffix}").exists() or suffix == "-shm"
    saved = tmp_path / "warm-cache.sqlite"
    shutil.copyfile(cache, saved)
    return repo, cold, saved


def restore(repo: Repository, saved: Path) -> Path:
    cache = repo.root / CACHE_FILE
    for suffix in ("-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(saved, cache)
    return cache


def _empty_findings(db):
    db.execute("UPDATE files SET findings = '[]'")
    db.execute("UPDATE results SET findings = '[]'")


def _empty_findings_of_the_broken_file(db):
    db.execute("UPDATE files SET findings = '[]', loaded = 1, data = '{}' WHERE path = ?", (BROKEN,))


def _change_content_hashes(db):
    good = db.execute("SELECT blob FROM files WHERE path = ?", (PERSON,)).fetchone()[0]
    db.execute("UPDATE files SET blob = ? WHERE path = ?", (good, BROKEN))
    db.execute("UPDATE files SET blob = substr(blob, 2) || '0' WHERE path != ?", (BROKEN,))


def _change_stat_keys(db):
    db.execute("UPDATE files SET stat = '0:0:0:0'")


def _delete_rows(db):
    db.execute("DELETE FROM files WHERE rowid % 2 = 0")
    db.execute("DELETE FROM results")


def _swap_rows_between_files(db):
    a = db.execute("SELECT blob, stat, loaded, data, findings, seen_mac, mac FROM files WHERE path = ?",
                   (BROKEN,)).fetchone()
    b = db.execute("SELECT blob, stat, loaded, data, findings, seen_mac, mac FROM files WHERE path = ?",
                   (PERSON,)).fetchone()
    for path, row in ((BROKEN, b), (PERSON, a)):
        db.execute("UPDATE files SET blob = ?, stat = ?, loaded = ?, data = ?, findings = ?, seen_mac = ?, mac = ? "
                   "WHERE path = ?", (*row, path))


def _swap_findings_between_files(db):
    a = db.execute("SELECT findings FROM files WHERE path = ?", (BROKEN,)).fetchone()[0]
    b = db.execute("SELECT findings FROM files WHERE path = ?", (PERSON,)).fetchone()[0]
    db.execute("UPDATE files SET findings = ? WHERE path = ?", (b, BROKEN))
    db.execute("UPDATE files SET findings = ? WHERE path = ?", (a, PERSON))


def _macs_moved_with_the_values(db):
    """A clean file's whole row (data, findings, MACs) under the broken file's path and blob."""
    blob = db.execute("SELECT blob FROM files WHERE path = ?", (BROKEN,)).fetchone()[0]
    row = db.execute("SELECT stat, loaded, data, findings, seen_mac, mac FROM files WHERE path = ?",
                     (PERSON,)).fetchone()
    db.execute("UPDATE files SET stat = ?, loaded = ?, data = ?, findings = ?, seen_mac = ?, mac = ? WHERE path = ?",
               (*row, BROKEN))
    db.execute("UPDATE files SET blob = ? WHERE path = ?", (blob, BROKEN))


def _replace_results(db):
    db.execute("UPDATE results SET findings = '[]'")
    db.execute("UPDATE results SET mac = zeroblob(32)")


def _another_tools_meta(db):
    db.execute("UPDATE meta SET value = 'x' || value WHERE key = 'tool'")
    db.execute("UPDATE files SET findings = '[]'")


def _data_of_the_broken_file_looks_loaded(db):
    data = db.execute("SELECT data FROM files WHERE path = ?", (PERSON,)).fetchone()[0]
    db.execute("UPDATE files SET loaded = 1, data = ? WHERE path = ?", (data, BROKEN))


TAMPERING = [_empty_findings, _empty_findings_of_the_broken_file, _change_content_hashes, _change_stat_keys,
             _delete_rows, _swap_rows_between_files, _swap_findings_between_files, _macs_moved_with_the_values,
             _replace_results, _another_tools_meta, _data_of_the_broken_file_looks_loaded]


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda f: f.__name__.strip("_"))
def test_tampering_any_table_changes_no_finding(warm, tamper):
    repo, cold, saved = warm
    with sqlite3.connect(restore(repo, saved)) as db:
        tamper(db)
    result = run_check(repo, TODAY)
    assert result.findings == cold.findings
    assert result.exit_code == 1
    assert run_check(repo, TODAY).findings == cold.findings  # and the cache it rewrote is sound


def test_a_tampered_cache_fails_the_real_command(warm):
    """What CI runs: `crmtool check` as a process, after a cache that says "no findings"."""
    repo, cold, saved = warm
    with sqlite3.connect(restore(repo, saved)) as db:
        _empty_findings(db)
    process = subprocess.run([sys.executable, "-m", "crmtool", "check", "--format", "json", "--today",
                              TODAY.isoformat(), "--root", str(repo.root)],
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == 1, process.stderr
    assert BROKEN in process.stdout


def test_the_index_does_not_take_tampered_data(warm):
    """The index reads records from the check cache: a forged row must not reach it."""
    from crmtool.index.build import build_index
    repo, _cold, saved = warm
    with sqlite3.connect(restore(repo, saved)) as db:
        db.execute("UPDATE files SET data = replace(data, 'public-affairs', 'tampered-team')")
    build_index(repo)
    with sqlite3.connect(repo.root / "build" / "index.sqlite") as db:
        assert "tampered-team" not in " ".join(str(row) for row in db.execute("SELECT data FROM records"))


FLIPS = 60


def test_random_bit_flips_never_change_the_findings(warm):
    """Each flip on a fresh copy of the warm cache; the file is small, so 60 flips cover its
    header, its tables' pages and their rows. Seeded: a failure can be replayed."""
    repo, cold, saved = warm
    original = saved.read_bytes()
    rng = random.Random(20261124)
    changed = []
    for flip in range(FLIPS):
        data = bytearray(original)
        offset = rng.randrange(len(data)) if flip % 2 else 100 + rng.randrange(len(data) - 100)
        data[offset] ^= 1 << rng.randrange(8)
        cache = restore(repo, saved)
        cache.write_bytes(bytes(data))
        result = run_check(repo, TODAY)
        if result.findings != cold.findings or result.exit_code != 1:
            changed.append(offset)
    assert changed == [], f"bit flips at these offsets changed the findings: {changed}"


def test_flips_in_the_rows_themselves_are_caught(warm):
    """Flips aimed at the stored values (not SQLite's structure, which mostly just fails to
    open): a byte of a file row's path, blob, data or findings, or of a whole result, located
    in the file. Checked on the cached day (the whole result is read) and on the next day
    (the result misses, the file rows are read)."""
    repo, cold, saved = warm
    later = TODAY.replace(day=TODAY.day + 1)
    cold_later = run_check(repo, later, use_cache=False).findings
    original = saved.read_bytes()
    with sqlite3.connect(saved) as db:
        values = [v for row in db.execute("SELECT path, blob, data, findings FROM files") for v in row]
        values += [v for (v,) in db.execute("SELECT findings FROM results")]
    targets = [original.find(value.encode()) for value in values if len(value) > 8]
    targets = [t for t in targets if t >= 0]
    assert len(targets) > 40
    rng = random.Random(7)
    for start in rng.sample(targets, 40):
        data = bytearray(original)
        data[start + rng.randrange(8)] ^= 1 << rng.randrange(7)  # stays ASCII: still valid text
        for day, expected in ((TODAY, cold.findings), (later, cold_later)):
            restore(repo, saved).write_bytes(bytes(data))
            assert run_check(repo, day).findings == expected, (start, day)
