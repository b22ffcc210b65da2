"""Reading files in several processes gives exactly the serial result."""
from __future__ import annotations

import shutil

import pytest

from .conftest import PROJECT, TODAY
from crmtool.load import pool
from crmtool.check.run import run_check
from crmtool.load.repo import Repository


@pytest.fixture
def broken_examples(tmp_path) -> Repository:
    """The example records with a few mistakes of every scope: file, record and repository."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    person = root / "records/people/p-2n3qp7.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("kind: work", "kind: work, phone: yes")
                      + "emails_extra: 1\n", encoding="utf-8")
    (root / "records/people/p-broken.yaml").write_text("name: {given: Test\n", encoding="utf-8")
    (root / "records/organisations/vgn-commissie-milieu.yaml").unlink()
    return Repository(root)


def test_parallel_equals_serial(broken_examples, monkeypatch):
    monkeypatch.setenv("CRMTOOL_JOBS", "1")
    serial = run_check(broken_examples, TODAY, use_cache=False)
    monkeypatch.setenv("CRMTOOL_JOBS", "2")
    monkeypatch.setattr(pool, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pool, "CHUNK", 7)
    parallel = run_check(broken_examples, TODAY, use_cache=False)
    assert {f.rule[0] for f in serial.findings} >= {"Y", "S", "R", "W"}
    assert parallel.findings == serial.findings
    assert parallel.summary == serial.summary


def test_workers_follow_the_environment(monkeypatch):
    monkeypatch.setenv("CRMTOOL_JOBS", "3")
    assert pool.workers() == 3
    monkeypatch.setenv("CRMTOOL_JOBS", "zero")
    assert pool.workers() >= 1


def test_progress_hears_every_file_read(broken_examples, monkeypatch):
    heard: dict = {"total": None, "done": 0}

    def progress(total):
        heard["total"] = total

        def advance(done):
            heard["done"] += done
        return advance
    monkeypatch.setattr(pool, "PARALLEL_FROM", 1)
    monkeypatch.setenv("CRMTOOL_JOBS", "2")
    result = run_check(broken_examples, TODAY, use_cache=False, progress=progress)
    assert heard["total"] == heard["done"] == result.files - 1  # every record file, not crmtool.yaml


def test_no_progress_bar_in_ci_or_for_small_repositories(monkeypatch):
    import importlib
    command = importlib.import_module("crmtool.cli.check")
    monkeypatch.setenv("CI", "true")
    assert not command._interactive()
    assert command.progress_bar(10) is None


def test_a_worker_keeps_the_garbage_collector_when_its_job_makes_cycles():
    """Issue 16's one pool ran fmt's workers without the cyclic collector, as the loader's:
    ruamel's nodes point back at their parents, so each file's tree stayed in memory until
    the worker ended (423 MiB for fmt --check at 10,000 people instead of 62). A job that
    makes cycles says so, and its worker keeps the collector."""
    import gc

    from crmtool.edit.fmt import FormatJob
    from crmtool.load import LoadJob, pool

    class Plain:
        def start(self) -> None:
            pass

    assert FormatJob.cyclic is True and not getattr(LoadJob, "cyclic", False)
    try:
        pool._start(Plain())
        assert not gc.isenabled()
        gc.enable()
        cyclic = Plain()
        cyclic.cyclic = True  # type: ignore[attr-defined]
        pool._start(cyclic)
        assert gc.isenabled()
    finally:
        gc.enable()
        pool._worker.clear()


def test_a_pool_started_beside_other_threads_spawns_and_gives_the_same_results(tmp_path):
    """A page of the workspace loads the model from a server thread: forking there copies
    locks other threads hold, and the workers hung for good. With other threads alive the
    pool spawns its workers, and the results are the same as in one process."""
    import threading

    from crmtool.load import LoadJob, pool
    from crmtool.load.repo import Repository
    root = tmp_path / "repo"
    (root / "records" / "people").mkdir(parents=True)
    for number in range(pool.PARALLEL_FROM + 10):
        (root / "records" / "people" / f"p-{number:06d}.yaml").write_text(f"name: {{given: P{number}}}\n")
    files, _strays = Repository(root).scan()
    assert pool.start_method() == "fork"
    found: dict = {}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        def load() -> None:
            found["method"] = pool.start_method()
            found["rows"] = list(pool.map_each(files, LoadJob(root)))
        worker = threading.Thread(target=load)
        worker.start()
        worker.join(timeout=120)
        assert not worker.is_alive()
    finally:
        stop.set()
        other.join()
    assert found["method"] == "spawn"
    assert [row.data for row in found["rows"]] == [LoadJob(root)(file).data for file in files]
