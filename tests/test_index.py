"""The index: what a build writes, that an incremental build equals a whole one after every
kind of change, that unreadable and duplicate files are left out and come back, and that the
file is a plain SQLite database with its tables documented."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.index.build import build_index
from crmtool.index.tables import TABLES, markdown
from crmtool.load.repo import Repository

from .conftest import PROJECT, git


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return Repository(root)


def dump(path: Path) -> dict[str, list]:
    """Every table's rows, sorted, without the rowids and stat keys that differ between builds."""
    db = sqlite3.connect(path)
    result = {}
    for table in TABLES:
        columns = [c.name for c in table.columns if c.name not in ("rowid", "stat")]
        quoted = ", ".join(f'"{c}"' for c in columns)
        result[table.name] = sorted(db.execute(f"SELECT {quoted} FROM {table.name}").fetchall(), key=repr)
    result["search"] = sorted(db.execute("SELECT folder, record, name, text FROM search").fetchall())
    result["search_hits"] = sorted(db.execute("SELECT record FROM search WHERE search MATCH 'jansen'").fetchall())
    db.close()
    return result


def whole(repo: Repository, tmp_path: Path) -> dict[str, list]:
    fresh = tmp_path / "fresh.sqlite"
    fresh.unlink(missing_ok=True)
    assert build_index(repo, fresh).whole
    return dump(fresh)


def test_a_whole_build_holds_every_record(repo):
    result = build_index(repo)
    files = sorted(p.relative_to(repo.root).as_posix() for p in (repo.root / "records").rglob("*.yaml"))
    assert result.whole and result.read == len(files) == result.records and result.skipped == []
    db = sqlite3.connect(result.path)
    assert [p for p, in db.execute("SELECT path FROM records ORDER BY path")] == files
    assert (db.execute("SELECT count(*) FROM people").fetchone()[0]
            == len(list((repo.root / "records/people").iterdir())))
    role = json.loads(db.execute("SELECT data FROM records WHERE id = 'r-lelystad-wethouder-2026-a'").fetchone()[0])
    assert role["portfolio"] == ["milieu"]
    assert db.execute("SELECT portfolio FROM role_portfolios "
                      "WHERE role = 'r-lelystad-wethouder-2026-a'").fetchall() == [("milieu",)]
    assert db.execute("SELECT municipality, province, region FROM organisation_context "
                      "WHERE organisation = 'gemeente-almere-raad'").fetchone() == (
        "gemeente-almere", "flevoland", "midden")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert ("people", "id") in {(row[2], row[4]) for row in db.execute("PRAGMA foreign_key_list(roles)")}


def test_a_second_build_reads_nothing(repo):
    build_index(repo)
    again = build_index(repo)
    assert (again.whole, again.read, again.removed) == (False, 0, 0)


def test_incremental_builds_equal_a_whole_build_after_every_kind_of_change(repo, tmp_path):
    records = repo.root / "records"
    build_index(repo)

    role = records / "roles/r-lelystad-wethouder-2026-a.yaml"
    role.write_text(role.read_text().replace("portfolio: [milieu]", "portfolio: [milieu, wonen]") + "end: 2026-12-31\n")
    result = build_index(repo)
    assert (result.read, result.removed) == (1, 0)
    assert dump(result.path) == whole(repo, tmp_path)

    (records / "people/p-r5epc6.yaml").unlink()  # a removed person: rows, emails and search entry go
    organisation = records / "organisations/gemeente-almere.yaml"
    organisation.write_text(organisation.read_text().replace("province: flevoland", "province: utrecht"))
    (records / "interactions/2026").mkdir(exist_ok=True)
    shutil.copy(next((records / "interactions").rglob("*.yaml")), records / "interactions/2026/i-new-copy.yaml")
    result = build_index(repo)
    assert (result.read, result.removed) == (2, 1)
    dumped = dump(result.path)
    assert dumped == whole(repo, tmp_path)
    assert ("people", "p-r5epc6") not in {(f, r) for f, r, *_ in dumped["emails"]}
    assert dumped["search_hits"] == []
    assert (("gemeente-almere-college", "gemeente-almere", "utrecht", "midden", "gemeente-almere")
            in dumped["organisation_context"])


def test_an_unreadable_file_is_left_out_and_comes_back_when_mended(repo, tmp_path):
    person = repo.root / "records/people/p-r5epc6.yaml"
    good = person.read_text()
    person.write_text("name: {given: [unclosed\n")
    result = build_index(repo)
    assert result.skipped == [("records/people/p-r5epc6.yaml", "could not be read")]
    db = sqlite3.connect(result.path)
    assert db.execute("SELECT count(*) FROM people WHERE id = 'p-r5epc6'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM roles WHERE person = 'p-r5epc6'").fetchone()[0] == 7
    db.close()
    person.write_text(good)
    result = build_index(repo)
    assert result.skipped == [] and result.read == 1
    assert dump(result.path) == whole(repo, tmp_path)


def test_a_duplicate_id_keeps_the_first_path_until_it_goes(repo, tmp_path):
    interactions = repo.root / "records/interactions"
    first = sorted(interactions.rglob("*.yaml"))[0]
    (interactions / "2099").mkdir()
    twin = interactions / "2099" / first.name
    twin.write_text(first.read_text())
    result = build_index(repo)
    twin_path = twin.relative_to(repo.root).as_posix()
    first_path = first.relative_to(repo.root).as_posix()
    assert result.skipped == [(max(first_path, twin_path), "duplicate id")]
    first.unlink()
    result = build_index(repo)
    assert result.skipped == []
    db = sqlite3.connect(result.path)
    assert db.execute("SELECT path FROM interactions WHERE id = ?", (first.stem,)).fetchone() == (twin_path,)
    db.close()
    assert dump(result.path) == whole(repo, tmp_path)


def test_an_index_of_another_version_or_a_broken_file_is_built_anew(repo):
    result = build_index(repo)
    db = sqlite3.connect(result.path)
    db.execute("UPDATE meta SET value = 'older' WHERE key = 'code'")
    db.commit()
    db.close()
    assert build_index(repo).whole
    result.path.write_bytes(b"not a database at all" * 100)
    rebuilt = build_index(repo)
    assert rebuilt.whole and rebuilt.records == rebuilt.read
    assert not list(result.path.parent.glob(".index.sqlite.*"))  # no temporary file left behind


def test_git_hashes_are_used_in_a_fresh_clone(tmp_path, repo):
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "records")
    build_index(repo)
    db = sqlite3.connect(repo.root / "build/index.sqlite")
    blob = db.execute("SELECT blob FROM records WHERE path = 'records/roles/r-g40-lid-almere.yaml'").fetchone()[0]
    assert blob == git(repo.root, "rev-parse", "HEAD:records/roles/r-g40-lid-almere.yaml").strip()


def test_the_command_reports_what_it_did(repo):
    runner = CliRunner()
    first = runner.invoke(cli, ["index", "--root", str(repo.root)])
    assert first.exit_code == 0, first.output
    assert "build/index.sqlite" in first.output and "198 records" in first.output
    out = repo.root / "elsewhere.sqlite"
    second = runner.invoke(cli, ["index", "--root", str(repo.root), "--out", str(out)])
    assert second.exit_code == 0 and out.is_file()


def test_the_index_is_plain_sqlite_for_other_tools(repo):
    path = build_index(repo).path
    script = ("import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); print(db.execute("
              "\"SELECT person_name FROM role_holders WHERE role = 'r-almere-burgemeester-2021'\").fetchone()[0])")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "Marieke Bosveld"


def test_the_table_reference_is_up_to_date():
    assert (PROJECT / "docs" / "index.md").read_text(encoding="utf-8") == markdown(), \
        "run: python3 -c 'from crmtool.index.tables import markdown; print(markdown(), end=\"\")' > docs/index.md"


@pytest.mark.parametrize("lookup_at_most", [5000, 0], ids=["looked-up", "one-pass"])
def test_after_a_check_the_index_reads_the_records_from_the_check_cache(repo, tmp_path, monkeypatch, lookup_at_most):
    import datetime as dt

    from crmtool.check.run import run_check
    from crmtool import load
    from crmtool.load import cache
    monkeypatch.setattr(cache, "LOOKUP_AT_MOST", lookup_at_most)
    run_check(repo, dt.date(2026, 11, 24))
    parsed: list[str] = []
    real = load.read_records

    def counting(root, files, *args, **kwargs):
        parsed.extend(f.path for f in files)
        return real(root, files, *args, **kwargs)

    monkeypatch.setattr(load, "read_records", counting)
    result = build_index(repo)
    assert result.whole and result.read == result.records and parsed == []
    assert dump(result.path) == whole_without_cache(repo, tmp_path)


def whole_without_cache(repo: Repository, tmp_path: Path) -> dict[str, list]:
    (repo.root / "build/check-cache.sqlite").rename(tmp_path / "aside.sqlite")
    try:
        return whole(repo, tmp_path)
    finally:
        (tmp_path / "aside.sqlite").rename(repo.root / "build/check-cache.sqlite")


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command-line shell is not installed")
def test_the_sqlite3_shell_reads_the_index(repo):
    path = build_index(repo).path
    done = subprocess.run(["sqlite3", str(path), "SELECT place FROM places WHERE organisation = 'gemeente-zwolle' "
                           "ORDER BY position;"], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:3] == ["Zwolle", "Windesheim", "Wijthmen"]


def test_an_unwritable_build_folder_is_a_clear_failure(repo):
    (repo.root / "build").write_text("a file where the folder should be\n")
    result = CliRunner().invoke(cli, ["who", "--root", str(repo.root)])
    assert result.exit_code == 1
    assert "build/index.sqlite" in result.output and "Traceback" not in result.output


def test_an_update_of_the_paths_a_watcher_saw_equals_a_whole_build(repo, tmp_path):
    """Issue 17: the workspace refreshes only the files a watcher reported; the index must
    then be what a whole build gives — edits, removals, new nested files, a duplicate id, a
    link, a file made unreadable, a path that is no record at all."""
    records = repo.root / "records"
    build_index(repo)
    seen: list[str] = []

    def change(path: Path) -> None:
        seen.append(path.relative_to(repo.root).as_posix())

    role = records / "roles/r-lelystad-wethouder-2026-a.yaml"
    role.write_text(role.read_text().replace("portfolio: [milieu]", "portfolio: [milieu, wonen]"))
    change(role)
    person = records / "people/p-r5epc6.yaml"
    person.unlink()
    change(person)
    organisation = records / "organisations/gemeente-almere.yaml"
    organisation.write_text(organisation.read_text().replace("province: flevoland", "province: utrecht"))
    change(organisation)
    first = sorted((records / "interactions").rglob("*.yaml"))[0]
    (records / "interactions/2099").mkdir()
    twin = records / "interactions/2099" / first.name
    twin.write_text(first.read_text())
    change(twin)
    broken = records / "people/p-2n3qp7.yaml"
    broken.write_text("name: {given: [unclosed\n")
    change(broken)
    link = records / "people/p-linked.yaml"
    link.symlink_to(records / "people/p-5fxztt.yaml")
    change(link)
    stray = records / "people/notes.txt"
    stray.write_text("not a record")
    change(stray)
    hidden = records / "people/.p-5fxztt.yaml.backup"
    hidden.write_text("name: {given: X, family: Y}\n")
    change(hidden)

    result = build_index(repo, paths=seen)
    assert not result.whole and result.read == 4 and result.removed == 1
    assert dump(result.path) == whole(repo, tmp_path)
    assert build_index(repo, paths=[]).read == 0
