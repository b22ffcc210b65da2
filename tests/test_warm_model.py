"""One model for every reader: `load_model` takes unchanged files from the check cache, and
the workspace takes its model from the index (`index/model.py`) and follows it file by file.

Each path is proved equal to the plain one, which parses every file: the same records, the
same data in the same key order, the same ids (existence comes from the file listing).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from .conftest import TODAY
from crmtool import i18n, load
from crmtool.check.run import run_check
from crmtool.domain.review import review
from crmtool.index.build import build_index, open_index
from crmtool.index.model import follow, model_of, people_model, with_today
from crmtool.load import load_model, read_known, read_settings, repository_language
from crmtool.load import cache as check_cache
from crmtool.load.cache import CACHE_FILE
from crmtool.load.model import Model
from crmtool.load.repo import Repository

PERSON = "records/people/p-2n3qp7.yaml"


def snapshot(model: Model) -> dict:
    """Everything a reader can see of a model, key order of every mapping included."""
    return {"ids": {folder: sorted(ids) for folder, ids in model.ids.items()},
            "records": {folder: {rid: (r.path, list(_walk(r.data))) for rid, r in sorted(records.items())}
                        for folder, records in model.records.items()},
            "config": model.config, "today": model.today}


def _walk(value, path=()):
    """Every (path, key order, leaf) of a value: equal only when order and content are."""
    if isinstance(value, dict):
        yield path, tuple(value)
        for key, item in value.items():
            yield from _walk(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, path + (index,))
    else:
        yield path, value


def parsed(repo: Repository) -> Model:
    """The model with every file parsed: no cache to take from."""
    aside = repo.root / "cache-aside.sqlite"
    cache = repo.root / CACHE_FILE
    if cache.exists():
        cache.rename(aside)
    try:
        return load_model(repo, TODAY)
    finally:
        if aside.exists():
            aside.rename(cache)


def checked(repo: Repository) -> None:
    with i18n.speaking(repository_language(repo)):  # as the command line does
        run_check(repo, TODAY)


@pytest.fixture
def repo(example_git_repo: Repository) -> Repository:
    return example_git_repo


def test_a_reader_after_the_check_parses_nothing_and_sees_the_same(repo, monkeypatch):
    expected = snapshot(parsed(repo))
    checked(repo)
    parses = []
    monkeypatch.setattr("crmtool.load.read_records",
                        lambda root, files, progress=None: parses.extend(files) or iter(()))
    assert snapshot(load_model(repo, TODAY)) == expected
    assert parses == []


def test_a_changed_file_is_read_again_and_the_rest_taken_from_the_cache(repo, monkeypatch):
    checked(repo)
    path = repo.root / PERSON
    path.write_text(path.read_text(encoding="utf-8").replace("given: ", "given: X", 1), encoding="utf-8")
    (repo.root / "records" / "people" / "p-new0001.yaml").write_text("name: {given: A, family: B}\n",
                                                                      encoding="utf-8")
    real, parses = load.read_records, []

    def reading(root, files, progress=None):
        parses.extend(file.path for file in files)
        return real(root, files, progress)
    monkeypatch.setattr(load, "read_records", reading)
    assert [entry.path for entry in read_known(repo, repo.scan()[0])] == [f.path for f in repo.scan()[0]]
    assert parses == [PERSON, "records/people/p-new0001.yaml"]
    model = load_model(repo, TODAY)
    assert model.get("people", "p-2n3qp7").get("name")["given"].startswith("X")
    assert model.get("people", "p-new0001") is not None
    assert snapshot(model) == snapshot(parsed(repo))


def test_an_edit_with_the_same_size_and_time_is_read_again(repo):
    checked(repo)
    path = repo.root / PERSON
    text, stat = path.read_text(encoding="utf-8"), path.stat()
    changed = text.replace("owner: public-affairs", "owner: public-affairz")
    assert len(changed) == len(text) and changed != text
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_model(repo, TODAY).get("people", "p-2n3qp7").get("owner") == "public-affairz"


def test_a_reader_in_another_language_never_empties_the_checks_cache(repo):
    checked(repo)
    with sqlite3.connect(repo.root / CACHE_FILE) as db:
        before = db.execute("SELECT count(*) FROM files").fetchone()[0]
    with i18n.speaking("en" if repository_language(repo) == "nl" else "nl"):
        load_model(repo, TODAY)
    with closing(sqlite3.connect(repo.root / CACHE_FILE)) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == before > 0


def test_a_cache_of_another_tool_is_left_alone_and_not_used(repo, monkeypatch):
    checked(repo)
    with closing(sqlite3.connect(repo.root / CACHE_FILE)) as db, db:
        db.execute("UPDATE files SET data = ? WHERE path = ?", ('{"name": {"given": "Forged"}}', PERSON))
    model = load_model(repo, TODAY)  # the row's MAC no longer matches: the file is read
    assert model.get("people", "p-2n3qp7").get("name")["given"] != "Forged"
    monkeypatch.setattr(check_cache, "FORMAT", "other")  # another crmtool
    assert snapshot(load_model(repo, TODAY)) == snapshot(parsed(repo))
    with closing(sqlite3.connect(repo.root / CACHE_FILE)) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] > 0  # not emptied by a reader


@pytest.mark.parametrize("batch", [1000, 7])
def test_the_index_holds_the_model_the_files_give(repo, monkeypatch, batch):
    from crmtool.index import model as index_model
    monkeypatch.setattr(index_model, "BATCH", batch)  # rows are decoded in batches: many, of every kind
    (repo.root / "records/people/p-broken1.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    build_index(repo)
    with closing(open_index(repo.root / "build" / "index.sqlite")) as db:
        taken = model_of(db, read_settings(repo), TODAY)
    assert snapshot(taken) == snapshot(parsed(repo))
    assert review(taken, TODAY, 30) == review(parsed(repo), TODAY, 30)


def edit_some(root: Path) -> list[str]:
    """An edit, a new file, a removed file, a file that no longer loads, and a second file
    with a taken id in a nested folder: the paths changed."""
    people = sorted((root / "records" / "people").glob("*.yaml"))
    changed = [people[0], people[1], people[2]]
    people[0].write_text(people[0].read_text(encoding="utf-8").replace("given: ", "given: Y", 1), encoding="utf-8")
    people[1].unlink()
    people[2].write_text("name: [unclosed\n", encoding="utf-8")
    new = root / "records" / "people" / "p-new0002.yaml"
    new.write_text("name: {given: C, family: D}\n", encoding="utf-8")
    interactions = sorted((root / "records" / "interactions").rglob("*.yaml"))
    twin = root / "records" / "interactions" / "2099" / interactions[0].name
    twin.parent.mkdir()
    twin.write_text(interactions[0].read_text(encoding="utf-8"), encoding="utf-8")
    return [p.relative_to(root).as_posix() for p in changed + [new, twin]]


def test_following_the_index_file_by_file_gives_the_model_of_a_whole_load(repo):
    build_index(repo)
    index = repo.root / "build" / "index.sqlite"
    with closing(open_index(index)) as db:
        before = model_of(db, read_settings(repo), TODAY)
    kept = snapshot(before)
    changed = edit_some(repo.root)
    result = build_index(repo, paths=changed)
    assert result.changed == set(changed)
    with closing(open_index(index)) as db:
        followed = follow(before, db, result.changed)
        whole = model_of(db, read_settings(repo), TODAY)
    assert snapshot(followed) == snapshot(whole)
    assert snapshot(before) == kept  # a page still reading the old model sees it unchanged
    assert followed.get("people", "p-new0002") is not None
    later = with_today(followed, TODAY.replace(year=TODAY.year + 1))
    assert later.today != followed.today and snapshot(later)["records"] == snapshot(followed)["records"]


def test_people_model_holds_the_purposes_and_the_people_asked_for(repo):
    build_index(repo)
    whole = parsed(repo)
    wanted = sorted(whole.records["people"])[:2]
    with closing(open_index(repo.root / "build" / "index.sqlite")) as db:
        part = people_model(db, wanted, read_settings(repo), TODAY)
    assert sorted(part.records["people"]) == wanted
    assert part.records["purposes"].keys() == whole.records["purposes"].keys()
    assert not part.records["roles"]
