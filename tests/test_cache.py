"""The check cache can never change a result.

Each test checks a real git repository (a copy of the shipped example records) twice after
every step, once with the cache and once without, and demands identical findings: after
edits, renames, deletions, a corrupted or foreign cache file and a branch switch.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from .conftest import PROJECT, TODAY, git
from crmtool import i18n
from crmtool.load import repository_language
from crmtool.git.blobs import blob_hash, file_hashes
from crmtool.load.cache import CACHE_FILE, CheckCache, FileEntry, findings_from_json
from crmtool.check.run import run_check
from crmtool.findings import Finding
from crmtool.load.repo import Repository


@pytest.fixture
def repo(example_git_repo: Repository) -> Repository:
    return example_git_repo


def same_with_and_without_cache(repo: Repository) -> list[Finding]:
    """Run the check cold-less and cached (twice: filling, then reading) and compare."""
    plain = run_check(repo, TODAY, use_cache=False)
    filling = run_check(repo, TODAY)
    reading = run_check(repo, TODAY)
    assert filling.findings == plain.findings
    assert reading.findings == plain.findings
    assert reading.summary == plain.summary
    return plain.findings


def write(repo: Repository, path: str, text: str) -> None:
    (repo.root / path).write_text(text, encoding="utf-8")


PERSON = "records/people/p-2n3qp7.yaml"


def test_the_cache_is_used_and_changes_nothing(repo):
    before = same_with_and_without_cache(repo)
    assert (repo.root / CACHE_FILE).is_file()
    with sqlite3.connect(repo.root / CACHE_FILE) as db:
        files = db.execute("SELECT count(*) FROM files").fetchone()[0]
        results = db.execute("SELECT count(*) FROM results").fetchone()[0]
    assert files == len(repo.scan()[0])
    assert results == 1
    assert before == run_check(repo, TODAY).findings


def test_edits_are_seen_staged_unstaged_and_committed(repo):
    same_with_and_without_cache(repo)
    text = (repo.root / PERSON).read_text(encoding="utf-8")
    write(repo, PERSON, text.replace("family: Ploeger", "family: Ploeger\n  shoe_size: 44"))
    unstaged = same_with_and_without_cache(repo)
    assert any(f.path == PERSON and f.severity == "error" for f in unstaged)
    git(repo.root, "add", PERSON)
    assert same_with_and_without_cache(repo) == unstaged
    git(repo.root, "commit", "-q", "-m", "A field too many")
    assert same_with_and_without_cache(repo) == unstaged
    write(repo, PERSON, text)
    assert not any(f.path == PERSON for f in same_with_and_without_cache(repo))


def test_an_edit_with_the_same_size_and_time_is_seen(repo):
    """Git's stat data cannot be fooled into reusing a stale entry (same size, same mtime)."""
    same_with_and_without_cache(repo)
    path = repo.root / PERSON
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    changed = text.replace("owner: public-affairs", "owner: public-affairz")
    assert len(changed) == len(text)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    findings = same_with_and_without_cache(repo)
    assert any(f.path == PERSON and "public-affairz" in f.message for f in findings)


def test_renames_and_deletions(repo):
    same_with_and_without_cache(repo)
    git(repo.root, "mv", PERSON, "records/people/p-zz9zz9.yaml")
    renamed = same_with_and_without_cache(repo)
    assert any("p-2n3qp7" in f.message for f in renamed)  # the roles now point nowhere
    (repo.root / "records/people/p-zz9zz9.yaml").unlink()
    same_with_and_without_cache(repo)
    (repo.root / "records/organisations/vgn-commissie-milieu.yaml").unlink()
    assert any(f.rule == "R001" for f in same_with_and_without_cache(repo))


def test_untracked_files_and_strays(repo):
    same_with_and_without_cache(repo)
    write(repo, "records/people/p-new001.yaml", "name: {given: Test\n")
    write(repo, "records/people/notes.txt", "not a record\n")
    findings = same_with_and_without_cache(repo)
    assert {"Y001", "S003"} <= {f.rule for f in findings}


@pytest.mark.parametrize("damage", [b"", b"this is not a database at all" * 100,
                                    b"SQLite format 3\x00" + b"\xff" * 5000])
def test_a_corrupt_cache_file_is_replaced(repo, damage):
    expected = same_with_and_without_cache(repo)
    (repo.root / CACHE_FILE).write_bytes(damage)
    for suffix in ("-wal", "-shm"):
        Path(str(repo.root / CACHE_FILE) + suffix).unlink(missing_ok=True)
    assert run_check(repo, TODAY).findings == expected
    assert run_check(repo, TODAY).findings == expected


def test_tampered_rows_are_not_trusted(repo):
    expected = same_with_and_without_cache(repo)
    with sqlite3.connect(repo.root / CACHE_FILE) as db:
        db.execute("UPDATE files SET findings = '[[1,2]]' WHERE path = ?", (PERSON,))
        db.execute("UPDATE files SET data = 'not json' WHERE path LIKE 'records/roles/%'")
        db.execute("UPDATE results SET findings = '{\"a\": 1}'")
    assert run_check(repo, TODAY).findings == expected


def test_a_cache_of_another_tool_or_setting_is_emptied(repo):
    with i18n.speaking(repository_language(repo)):  # as the command line does
        dutch = same_with_and_without_cache(repo)
    with sqlite3.connect(repo.root / CACHE_FILE) as db:
        db.execute("UPDATE meta SET value = 'other' WHERE key = 'tool'")
        db.execute("UPDATE files SET findings = ?", ('[["x",1,1,"Y001","error","stale",""]]',))
    assert not any(f.message == "stale" for f in run_check(repo, TODAY).findings)
    # the language is a setting: messages cached in Dutch must not come back in English
    config = (repo.root / "crmtool.yaml").read_text(encoding="utf-8")
    write(repo, "crmtool.yaml", config.replace("language: nl", "language: en"))
    with i18n.speaking(repository_language(repo)):
        english = same_with_and_without_cache(repo)
    assert [f.rule for f in english] == [f.rule for f in dutch]
    assert not {f.message for f in english} & {f.message for f in dutch}


def test_a_branch_switch(repo):
    same_with_and_without_cache(repo)
    git(repo.root, "checkout", "-q", "-b", "other")
    text = (repo.root / PERSON).read_text(encoding="utf-8")
    write(repo, PERSON, text.replace("owner: public-affairs", "owner: nobody"))
    git(repo.root, "commit", "-q", "-am", "Owner changed")
    on_other = same_with_and_without_cache(repo)
    git(repo.root, "checkout", "-q", "main")
    on_main = same_with_and_without_cache(repo)
    assert on_other != on_main
    git(repo.root, "checkout", "-q", "other")
    assert same_with_and_without_cache(repo) == on_other


def test_another_day_is_another_result(repo):
    same_with_and_without_cache(repo)
    later = TODAY.replace(year=TODAY.year + 2)
    assert run_check(repo, later).findings == run_check(repo, later, use_cache=False).findings
    assert run_check(repo, later).findings != run_check(repo, TODAY).findings


def test_outside_git_every_file_is_hashed(tmp_path):
    root = tmp_path / "plain"
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    repo = Repository(root)
    hashes, _stats = file_hashes(root, [f.path for f in repo.scan()[0]])
    assert hashes[PERSON] == blob_hash((root / PERSON).read_bytes())
    same_with_and_without_cache(repo)


def test_hashes_match_git(repo):
    files = [f.path for f in repo.scan()[0]]
    hashes, _stats = file_hashes(repo.root, files)
    for path in files[:20]:
        assert hashes[path] == git(repo.root, "hash-object", path).strip()


def test_hashes_from_git_index_without_reading(repo, monkeypatch):
    """With no cache record, an old enough unmodified file is not read: git's index names it."""
    index = repo.root / ".git" / "index"
    later = index.stat().st_mtime_ns + 5_000_000_000
    os.utime(index, ns=(later, later))
    files = [f.path for f in repo.scan()[0]]
    expected = {path: blob_hash((repo.root / path).read_bytes()) for path in files}
    write(repo, PERSON, "name: {given: Changed}\n")  # written after the index: must be read
    expected[PERSON] = blob_hash((repo.root / PERSON).read_bytes())
    read = []
    monkeypatch.setattr("crmtool.git.blobs.blob_hash", lambda data: read.append(data) or blob_hash(data))
    monkeypatch.setattr("crmtool.git.blobs.ASK_GIT_FROM", 0)  # the examples are too few to ask git otherwise
    hashes, _stats = file_hashes(repo.root, files)
    assert hashes == expected
    assert len(read) == 1


def test_a_few_unknown_files_are_hashed_without_asking_git(repo, monkeypatch):
    files = [f.path for f in repo.scan()[0]]
    asked = []
    monkeypatch.setattr("crmtool.git.blobs._from_git", lambda root: asked.append(root) or ({}, 0))
    hashes, _stats = file_hashes(repo.root, files)
    assert asked == [] and hashes == {path: blob_hash((repo.root / path).read_bytes()) for path in files}
    monkeypatch.setattr("crmtool.git.blobs.ASK_GIT_FROM", len(files) - 1)
    file_hashes(repo.root, files)
    assert asked == [repo.root]


def test_an_unwritable_cache_folder_only_slows_down(repo):
    (repo.root / "build").write_text("a file where the folder should be")
    expected = run_check(repo, TODAY, use_cache=False).findings
    assert run_check(repo, TODAY).findings == expected


def test_findings_round_trip_and_bad_shapes():
    finding = Finding("records/people/p-1.yaml", 3, 7, "P004", "error", "Bericht ‘x’", "tip")
    cache_text = '[["records/people/p-1.yaml",3,7,"P004","error","Bericht ‘x’","tip"]]'
    assert findings_from_json(cache_text) == [finding]
    for bad in ('[["a",1]]', '[["a","1",1,"R","error","m","h"]]', "{}", "[1]", "nonsense"):
        assert findings_from_json(bad) is None


def test_entries_are_keyed_by_blob(tmp_path):
    cache = CheckCache(tmp_path, "key")
    cache.store_files([FileEntry("records/people/p-1.yaml", "abc", True, {"a": 1}, [])], {"records/people/p-1.yaml"})
    assert cache.files({"records/people/p-1.yaml": "abc"})["records/people/p-1.yaml"].data == {"a": 1}
    assert cache.files({"records/people/p-1.yaml": "abd"}) == {}
    cache.store_files([], set())
    assert cache.files({"records/people/p-1.yaml": "abc"}) == {}
    cache.close()


def test_rules_whose_findings_are_cached_per_file_never_read_the_date():
    """Per-file entries are reused on any day, so no rule run while a file loads may be dated."""
    from crmtool.rules import FILE_RULES, RECORD_RULES
    assert RECORD_RULES
    assert not [m.RULE.id for m in FILE_RULES + RECORD_RULES if m.RULE.dated]


def test_the_cache_keeps_each_language_apart(repo):
    """Issue 16: the language is the run's, not only crmtool.yaml's; a finding cached in one
    language must not come back in the other."""
    english = same_with_and_without_cache(repo)
    with i18n.speaking("nl"):
        dutch = same_with_and_without_cache(repo)
    assert [f.rule for f in english] == [f.rule for f in dutch]
    assert not {f.message for f in english} & {f.message for f in dutch}
    assert same_with_and_without_cache(repo) == english


# --- decoding many rows at once ------------------------------------------------------------

def _rows(*texts, loaded=1):
    return [(f"records/people/p-{i}.yaml", "blob", loaded, text, "[]", b"") for i, text in enumerate(texts)]


def test_rows_decoded_together_equal_rows_decoded_alone():
    from crmtool.load.cache import _decoded, _decoded_many
    texts = ['{"name":{"given":"Ana","family":"Peeters"},"since":"2024-01-01","tags":["a","b"]}',
             '{"name":{"given":"Bo","family":"Claes"},"since":"2024-01-01","n":3,"x":null}',
             '{"long":"' + "w" * 60 + '"}']
    together = _decoded_many(_rows(*texts))
    assert together == [_decoded(1, text) for text in texts]
    first, second, _ = (value[0] for value in together)
    key_one, key_two = next(iter(first)), next(iter(second))
    assert key_one == key_two == "name" and key_one is key_two  # one copy of each key
    assert first["since"] is second["since"]  # short texts shared, as the loader shares them


def test_rows_that_only_decode_together_are_each_refused():
    """Two rows that are no JSON value alone but one together (forged: intact rows are written
    by json.dumps) are not taken as one record, nor shift the values of the rows after them.
    (Rows forged to decode to as many values as there are rows are as any forged row: the
    cache is trusted as far as whoever wrote build/, docs/decisions.md.)"""
    from crmtool.load.cache import _decoded_many
    rows = _rows('{"a":[1', '2]}', '{"b":1}')
    assert _decoded_many(rows) == [None, None, ({"b": 1},)]
    assert _decoded_many(_rows('{"a":1},{"c":2}', '{"b":1}')) == [None, ({"b": 1},)]
    assert _decoded_many(_rows('[1]', loaded=1)) == [None]  # a loaded record is an object
    assert _decoded_many(_rows('"text"', loaded=0)) == [("text",)]
